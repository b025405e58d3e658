package fabric

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
	"github.com/pktnetwork/pktrouter/gen/verilog"
)

// Property is one extra assertion for ISLIPChecker: a Verilog expression
// over the scheduler's ports (req, eop, match, gptr, aptr, hold) that must
// be non-zero in every cycle. Tests use it to show a false property is
// refuted.
type Property string

// ISLIPChecker returns Verilog for the scheduler gen/fabric.ISLIP(cfg)
// generates plus a checker module, islip_check, that instantiates it with
// free inputs and asserts (Yosys read_verilog -formal immediate asserts):
//
//   - no output granted to two inputs: every column of match has at most
//     one bit set;
//   - no input sends two cells: every row of match has at most one bit;
//   - only requested pairs are matched (match ⊆ req, held pairs included;
//     with cfg.Pipelined, match ⊆ the req of the cycle before, which the
//     checker keeps in a register);
//
// and, as the inductive invariants the proof needs (they are properties of
// the hardware too): every pointer is in range, and in packet mode each
// input holds at most one output and no output is held by two inputs.
func ISLIPChecker(cfg gfabric.ISLIPConfig, extra ...Property) (string, error) {
	m, err := gfabric.ISLIP(cfg)
	if err != nil {
		return "", err
	}
	d, err := m.Build()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := verilog.EmitDesign(&b, d, verilog.Options{Version: "formal"}); err != nil {
		return "", err
	}
	ni, no := cfg.Inputs, cfg.Outputs
	wi, wo := gfabric.IndexWidth(ni), gfabric.IndexWidth(no)
	n := ni * no
	fmt.Fprintf(&b, "\nmodule islip_check (input wire clk, input wire rst, input wire [%d:0] req, input wire [%d:0] eop);\n", n-1, n-1)
	fmt.Fprintf(&b, "    wire [%d:0] match;\n    wire [%d:0] hold;\n    wire [%d:0] gptr;\n    wire [%d:0] aptr;\n", n-1, n-1, no*wi-1, ni*wo-1)
	conns := []string{".clk(clk)", ".rst(rst)", ".req(req)", ".match(match)", ".gptr(gptr)", ".aptr(aptr)"}
	if cfg.PacketMode {
		conns = append(conns, ".eop(eop)", ".hold(hold)")
	} else {
		fmt.Fprintf(&b, "    assign hold = %d'd0;\n", n)
	}
	fmt.Fprintf(&b, "    %s dut (%s);\n", d.Top.Name, strings.Join(conns, ", "))
	var asserts []string
	// atMostOne declares a vector built from bit indices of a matrix and
	// asserts v & (v-1) == 0.
	atMostOne := func(name, matrix string, idx []int) {
		w := len(idx)
		parts := make([]string, w)
		for k, x := range idx {
			parts[w-1-k] = fmt.Sprintf("%s[%d]", matrix, x)
		}
		fmt.Fprintf(&b, "    wire [%d:0] %s = {%s};\n", w-1, name, strings.Join(parts, ", "))
		fmt.Fprintf(&b, "    wire [%d:0] %s_m1 = %s - %d'd1;\n", w-1, name, name, w)
		asserts = append(asserts, fmt.Sprintf("(%s & %s_m1) == %d'd0", name, name, w))
	}
	for _, mat := range []string{"match", "hold"} {
		for i := range ni {
			idx := make([]int, no)
			for j := range no {
				idx[j] = i*no + j
			}
			atMostOne(fmt.Sprintf("%s_row%d", mat, i), mat, idx)
		}
		for j := range no {
			idx := make([]int, ni)
			for i := range ni {
				idx[i] = i*no + j
			}
			atMostOne(fmt.Sprintf("%s_col%d", mat, j), mat, idx)
		}
	}
	if cfg.Pipelined {
		fmt.Fprintf(&b, "    reg [%d:0] req_q;\n    always @(posedge clk) req_q <= req;\n", n-1)
		asserts = append(asserts, fmt.Sprintf("(match & ~req_q) == %d'd0", n))
	} else {
		asserts = append(asserts, fmt.Sprintf("(match & ~req) == %d'd0", n))
	}
	for j := range no {
		asserts = append(asserts, fmt.Sprintf("gptr[%d:%d] < %d'd%d", j*wi+wi-1, j*wi, wi+1, ni))
	}
	for i := range ni {
		asserts = append(asserts, fmt.Sprintf("aptr[%d:%d] < %d'd%d", i*wo+wo-1, i*wo, wo+1, no))
	}
	for _, p := range extra {
		asserts = append(asserts, string(p))
	}
	b.WriteString("    always @* begin\n")
	for _, a := range asserts {
		fmt.Fprintf(&b, "        assert (%s);\n", a)
	}
	b.WriteString("    end\nendmodule\n")
	return b.String(), nil
}

// ProveISLIP proves the ISLIPChecker assertions for cfg with Yosys
// (yosys is the binary's path): a temporal induction from the power-on
// state (all registers zero) with rst, req and eop free in every cycle,
// via
//
//	read_verilog -formal; prep -top islip_check -flatten; async2sync; dffunmap;
//	sat -tempinduct -prove-asserts -set-init-zero -maxsteps <maxSteps> -verify
//
// It returns nil when Yosys reports the proof succeeded, and an error
// holding Yosys' log tail otherwise (a counterexample or no induction
// within maxSteps).
func ProveISLIP(ctx context.Context, yosys string, cfg gfabric.ISLIPConfig, maxSteps int, extra ...Property) error {
	src, err := ISLIPChecker(cfg, extra...)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "islip-formal-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "check.v")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		return err
	}
	script := fmt.Sprintf("read_verilog -formal %s; prep -top islip_check -flatten; async2sync; dffunmap; "+
		"sat -tempinduct -prove-asserts -set-init-zero -maxsteps %d -verify", p, maxSteps)
	cmd := exec.CommandContext(ctx, yosys, "-p", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	log := string(out)
	if err == nil && strings.Contains(log, "SUCCESS!") {
		return nil
	}
	return fmt.Errorf("fabric: yosys did not prove the %d×%d scheduler's properties (%v):\n%s", cfg.Inputs, cfg.Outputs, err, tail(log, 40))
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
