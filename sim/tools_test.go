package sim_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/hdl/hdltest"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/sim"
)

// dut is one design under test in the shared testbench, with its stimulus.
type dut struct {
	design *hdl.Design
	ins    []hdl.Port
	outs   []hdl.Port
	stim   [][]*big.Int // [cycle][input]
}

func newDUT(t *testing.T, m *hdl.Module, r *rand.Rand, cycles int) *dut {
	t.Helper()
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	u := &dut{design: d}
	var widths []int
	for _, p := range d.Top.Ports {
		if p.Dir == hdl.In {
			u.ins = append(u.ins, p)
			widths = append(widths, d.Top.Nets[p.Net].Width)
		} else {
			u.outs = append(u.outs, p)
		}
	}
	for c := 0; c < cycles; c++ {
		u.stim = append(u.stim, randomInputs(r, widths))
	}
	return u
}

func (u *dut) width(p hdl.Port) int { return u.design.Top.Nets[p.Net].Width }

// resetAt says in which cycles rst is high: a few, including back to back.
func resetAt(c int) bool { return c == 3 || c == 17 || c == 18 || c%29 == 28 }

// testbench writes one Verilog testbench driving every DUT: inputs change
// 1 time unit after the falling edge, outputs are printed 2 units later,
// the rising edge comes at 5. One line per DUT per cycle.
func testbench(duts []*dut, cycles int) string {
	var b strings.Builder
	b.WriteString("module tb;\n    reg clk;\n    reg rst;\n")
	for i, u := range duts {
		for _, p := range u.ins {
			fmt.Fprintf(&b, "    reg [%d:0] d%d_%s;\n", u.width(p)-1, i, p.Name)
		}
		for _, p := range u.outs {
			fmt.Fprintf(&b, "    wire [%d:0] d%d_%s;\n", u.width(p)-1, i, p.Name)
		}
		var conns []string
		if u.design.Top.UsesClk {
			conns = append(conns, ".clk(clk)")
		}
		if u.design.Top.UsesRst {
			conns = append(conns, ".rst(rst)")
		}
		for _, p := range append(append([]hdl.Port(nil), u.ins...), u.outs...) {
			conns = append(conns, fmt.Sprintf(".%s(d%d_%s)", p.Name, i, p.Name))
		}
		fmt.Fprintf(&b, "    %s dut%d (%s);\n", u.design.Top.Name, i, strings.Join(conns, ", "))
	}
	b.WriteString("    initial begin\n        clk = 1'b0;\n        rst = 1'b0;\n")
	for c := 0; c < cycles; c++ {
		fmt.Fprintf(&b, "        #1;\n        rst = 1'b%d;\n", b2u(resetAt(c)))
		for i, u := range duts {
			for k, p := range u.ins {
				w := u.width(p)
				words, _ := hdl.WordsFromBig(u.stim[c][k], w)
				fmt.Fprintf(&b, "        d%d_%s = %d'h%s;\n", i, p.Name, w, hdl.FormatHex(words, w))
			}
		}
		b.WriteString("        #2;\n")
		for i, u := range duts {
			var f, args []string
			for _, p := range u.outs {
				f = append(f, "%h")
				args = append(args, fmt.Sprintf("d%d_%s", i, p.Name))
			}
			fmt.Fprintf(&b, "        $display(\"d%d c%d %s\", %s);\n", i, c, strings.Join(f, " "), strings.Join(args, ", "))
		}
		b.WriteString("        #2;\n        clk = 1'b1;\n        #5;\n        clk = 1'b0;\n")
	}
	b.WriteString("        $finish;\n    end\nendmodule\n")
	return b.String()
}

// simulate runs the DUTs in the Go simulator and returns the expected
// output lines, formatted like the testbench's.
func simulate(t *testing.T, duts []*dut, cycles int) map[string][]*big.Int {
	t.Helper()
	out := map[string][]*big.Int{}
	for i, u := range duts {
		s, err := sim.NewDesign(u.design)
		if err != nil {
			t.Fatal(err)
		}
		for c := 0; c < cycles; c++ {
			for k, p := range u.ins {
				pokeBig(t, s, p.Name, u.stim[c][k], u.width(p))
			}
			var vals []*big.Int
			for _, p := range u.outs {
				vals = append(vals, peekBig(t, s, p.Name))
			}
			out[fmt.Sprintf("d%d c%d", i, c)] = vals
			if resetAt(c) {
				s.Reset()
			} else {
				s.Step(1)
			}
		}
	}
	return out
}

func parseLines(t *testing.T, tool string, text []byte) map[string][]*big.Int {
	t.Helper()
	out := map[string][]*big.Int{}
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || !strings.HasPrefix(f[0], "d") || !strings.HasPrefix(f[1], "c") {
			continue
		}
		var vals []*big.Int
		for _, h := range f[2:] {
			v, ok := new(big.Int).SetString(h, 16)
			if !ok {
				t.Fatalf("%s printed %q (an X or Z?) in line %q", tool, h, sc.Text())
			}
			vals = append(vals, v)
		}
		out[f[0]+" "+f[1]] = vals
	}
	return out
}

// runTools emits the DUTs, runs the testbench in Icarus and Verilator (in
// parallel) and returns each tool's parsed output.
func runTools(t *testing.T, duts []*dut, cycles int) map[string]map[string][]*big.Int {
	t.Helper()
	iverilog := tooltest.Require(t, "iverilog")
	vvp := tooltest.Require(t, "vvp")
	verilator := tooltest.Require(t, "verilator")
	dir := t.TempDir()
	var files []string
	written := map[string]bool{}
	for _, u := range duts {
		for _, f := range verilog.Files(u.design, verilog.Options{}) {
			if written[f.Name] {
				continue
			}
			written[f.Name] = true
			p := filepath.Join(dir, f.Name)
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
	}
	tb := filepath.Join(dir, "tb.v")
	if err := os.WriteFile(tb, []byte(testbench(duts, cycles)), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, tb)
	run := func(name string, args ...string) ([]byte, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return out, fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
		}
		return out, nil
	}
	var wg sync.WaitGroup
	results := map[string][]byte{}
	errs := map[string]error{}
	var mu sync.Mutex
	wg.Add(2)
	go func() {
		defer wg.Done()
		vvpFile := filepath.Join(dir, "tb.vvp")
		_, err := run(iverilog, append([]string{"-g2005", "-o", vvpFile, "-s", "tb"}, files...)...)
		var out []byte
		if err == nil {
			out, err = run(vvp, "-n", vvpFile)
		}
		mu.Lock()
		results["icarus"], errs["icarus"] = out, err
		mu.Unlock()
	}()
	go func() {
		defer wg.Done()
		args := append([]string{"--binary", "--timing", "-j", "2", "--top-module", "tb", "-Mdir", filepath.Join(dir, "obj"),
			"--x-assign", "unique", "--x-initial", "unique", "-Wno-fatal", "-CFLAGS", "-O0"}, files...)
		_, err := run(verilator, args...)
		var out []byte
		if err == nil {
			out, err = run(filepath.Join(dir, "obj", "Vtb"), "+verilator+rand+reset+2", "+verilator+seed+7")
		}
		mu.Lock()
		results["verilator"], errs["verilator"] = out, err
		mu.Unlock()
	}()
	wg.Wait()
	all := map[string]map[string][]*big.Int{}
	for _, tool := range []string{"icarus", "verilator"} {
		if errs[tool] != nil {
			t.Fatal(errs[tool])
		}
		all[tool] = parseLines(t, tool, results[tool])
	}
	return all
}

// TestAgainstIcarusAndVerilator runs the hdltest circuits (clocked, with
// resets, memories of every read kind, hierarchy, wide values) and a few
// hundred random expression trees in the Go simulator, Icarus and
// Verilator with the same stimulus, and requires identical outputs every
// cycle.
func TestAgainstIcarusAndVerilator(t *testing.T) {
	const cycles = 40
	r := rand.New(rand.NewSource(42))
	var duts []*dut
	for _, c := range hdltest.Circuits() {
		duts = append(duts, newDUT(t, c.New(), r, cycles))
	}
	var trees [][]*node
	for k := 0; k < 3; k++ {
		m, tr, _ := randomModule(int64(500+k), fmt.Sprintf("randtree%d", k), 4, 100, 4)
		trees = append(trees, tr)
		duts = append(duts, newDUT(t, m, r, cycles))
	}
	want := simulate(t, duts, cycles)
	got := runTools(t, duts, cycles)
	for tool, lines := range got {
		if len(lines) != len(want) {
			t.Errorf("%s printed %d lines, want %d", tool, len(lines), len(want))
		}
		bad := 0
		for key, wv := range want {
			gv := lines[key]
			if len(gv) != len(wv) {
				t.Errorf("%s %s: %d values, want %d", tool, key, len(gv), len(wv))
				continue
			}
			for i := range wv {
				if gv[i].Cmp(wv[i]) != 0 && bad < 10 {
					bad++
					var d int
					fmt.Sscanf(key, "d%d", &d)
					desc := duts[d].outs[i].Name
					if d >= len(duts)-len(trees) {
						tr := trees[d-(len(duts)-len(trees))][i]
						desc += fmt.Sprintf(" (tree root %s, %d bits)", tr.op, tr.w)
					}
					t.Errorf("%s %s %s %s: tool %#x, Go simulator %#x", tool, key, duts[d].design.Top.Name, desc, gv[i], wv[i])
				}
			}
		}
	}
}
