package bitstreams

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// fakeDevice has the device top's port shape (clk, rst, uart_rx/uart_tx,
// links 0..n-1 and the CPU port, W-bit frames) and a little logic behind
// each port: every link echoes its rx stream on its tx stream one cycle
// later, the UART is echoed too; plus one extra input and output.
func fakeDevice(n, w int) *hdl.Module {
	m := hdl.NewModule(fmt.Sprintf("fakedev_n%d_w%d", n, w))
	rx := m.Input("uart_rx", 1)
	q := m.Reg("uart_q", 1, hdl.Reset(1))
	q.Next(rx)
	m.Output("uart_tx", 1).Drive(q)
	names := []string{}
	for i := 0; i < n; i++ {
		names = append(names, fmt.Sprint(i))
	}
	names = append(names, "cpu")
	for _, l := range names {
		pre := func(d string) string { return d + l + "_" }
		if l == "cpu" {
			pre = func(d string) string { return "cpu_" + d + "_" }
		}
		v := m.Input(pre("rx")+"valid", 1)
		d := m.Input(pre("rx")+"data", w)
		last := m.Input(pre("rx")+"last", 1)
		ready := m.Input(pre("tx")+"ready", 1)
		m.Output(pre("rx")+"ready", 1).Drive(ready)
		vq := m.Reg(pre("q")+"v", 1)
		vq.Next(hdl.And(v, ready))
		dq := m.Reg(pre("q")+"d", w)
		dq.Next(hdl.Add(d, hdl.Const(1, w)))
		lq := m.Reg(pre("q")+"l", 1)
		lq.Next(last)
		m.Output(pre("tx")+"valid", 1).Drive(vq)
		m.Output(pre("tx")+"data", w).Drive(dq)
		m.Output(pre("tx")+"last", 1).Drive(lq)
	}
	mode := m.Input("mode", 2)
	cnt := m.Reg("cnt", 8)
	cnt.Next(hdl.Add(cnt, hdl.ZExt(mode, 8)))
	m.Output("dbg", 8).Drive(cnt)
	return m
}

// counter is a block without a UART: the harness case.
func counter() *hdl.Module {
	m := hdl.NewModule("count16")
	en := m.Input("en", 1)
	c := m.Reg("c", 16)
	c.NextIf(en, hdl.Add(c, hdl.Const(1, 16)))
	m.Output("q", 16).Drive(c)
	return m
}

func design(t *testing.T, name string, m *hdl.Module) Design {
	t.Helper()
	d, err := FromModule(name, m)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWrapAssignsPinsAndLoopsTheRest(t *testing.T) {
	d := design(t, "fake", fakeDevice(4, 8))
	for _, tc := range []struct {
		board  string
		pinned []string
		looped []string
		pins   int
	}{
		{"ice40-hx8k-breakout", []string{"link 0 on pins", "link 1 on pins"}, []string{"link 2 looped", "link 3 looped", "CPU port looped"}, 3 + 2*22 + 1},
		{"icebreaker", []string{"link 0 on pins"}, []string{"link 1 looped", "link 2 looped", "link 3 looped", "CPU port looped"}, 3 + 22 + 1},
	} {
		t.Run(tc.board, func(t *testing.T) {
			b, err := LookupBoard(tc.board)
			if err != nil {
				t.Fatal(err)
			}
			top, err := b.Wrap(d.Module, d.Ports)
			if err != nil {
				t.Fatal(err)
			}
			notes := strings.Join(top.Notes, "\n")
			for _, want := range append(append([]string{"drives clk directly", "power-on", "inputs tied to 0: mode"}, tc.pinned...), tc.looped...) {
				if !strings.Contains(notes, want) {
					t.Errorf("notes lack %q:\n%s", want, notes)
				}
			}
			if n := strings.Count(string(top.PCF), "set_io "); n != tc.pins {
				t.Errorf("%d pins constrained, want %d:\n%s", n, tc.pins, top.PCF)
			}
			if !strings.Contains(string(top.PCF), "set_io clk "+b.ClockPin) || !strings.Contains(string(top.PCF), "set_io uart_rx "+b.UARTRx) {
				t.Errorf("clock or UART pin missing:\n%s", top.PCF)
			}
		})
	}
}

// TestBoardTopLint requires the board top (both wrapper kinds) to be
// lint-clean Verilog-2005 with the design.
func TestBoardTopLint(t *testing.T) {
	tooltest.Require(t, "verilator")
	tooltest.Require(t, "iverilog")
	b, _ := LookupBoard("ice40-hx8k-breakout")
	for _, m := range []*hdl.Module{fakeDevice(4, 8), counter()} {
		d := design(t, "x", m)
		top, err := b.Wrap(d.Module, d.Ports)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, d.Module+".v"), d.Verilog, 0o644)
		os.WriteFile(filepath.Join(dir, "board_top.v"), top.Verilog, 0o644)
		for _, c := range [][]string{
			{"verilator", "--lint-only", "-Wall", "--top-module", "board_top", d.Module + ".v", "board_top.v"},
			{"iverilog", "-g2005", "-Wall", "-s", "board_top", "-o", "/dev/null", d.Module + ".v", "board_top.v"},
		} {
			cmd := exec.Command(c[0], c[1:]...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("%s on the board top of %s: %v\n%s\n%s", c[0], d.Module, err, out, top.Verilog)
			}
		}
	}
}

func TestWrapHarness(t *testing.T) {
	b, _ := LookupBoard("icebreaker")
	d := design(t, "count", counter())
	top, err := b.Wrap(d.Module, d.Ports)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(top.Notes, " "), "harness") || strings.Count(string(top.PCF), "set_io ") != 3 {
		t.Fatalf("harness: notes %q\n%s", top.Notes, top.PCF)
	}
}

// ramCounter is counter plus a 64×8 RAM: the generic flow must keep the
// RAM as one memory cell, not 512 flip-flops.
func ramCounter() *hdl.Module {
	m := counter()
	ram := m.Memory("ram", 8, 64)
	ram.Write(m.Input("we", 1), m.Input("wa", 6), m.Input("wd", 8))
	m.Output("rq", 8).Drive(ram.ReadSync(m.Input("ra", 6)))
	return m
}

func TestRunGeneric(t *testing.T) {
	tooltest.Require(t, "yosys")
	dir := t.TempDir()
	r, err := Run(context.Background(), design(t, "count", ramCounter()), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != "synthesized" || r.CellsTotal == 0 || len(r.Stages) != 1 {
		t.Fatalf("report %+v", r)
	}
	// 16 counter bits and the 8-bit read register; the RAM stays a memory.
	if r.Memories != 1 || r.MemoryBits != 512 || r.Cells["$mem_v2"] != 1 || r.FF > 40 || r.Gates == 0 {
		t.Errorf("memories %d (%d bits), $mem_v2 %d, FF %d, gates %d; want 1 (512), 1, <= 40, > 0",
			r.Memories, r.MemoryBits, r.Cells["$mem_v2"], r.FF, r.Gates)
	}
	for _, f := range []string{"design.v", "yosys.log", "report.json", "report.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestRunBoard is the whole flow on a small device: Yosys, nextpnr-ice40
// and icepack, for both boards. Place and route runs only with
// PKTROUTER_PNR=1.
func TestRunBoard(t *testing.T) {
	if os.Getenv("PKTROUTER_PNR") != "1" {
		t.Skip("place and route: set PKTROUTER_PNR=1")
	}
	for _, tool := range []string{"yosys", "nextpnr-ice40", "icepack"} {
		tooltest.Require(t, tool)
	}
	for _, name := range []string{"ice40-hx8k-breakout", "icebreaker"} {
		t.Run(name, func(t *testing.T) {
			b, _ := LookupBoard(name)
			dir := t.TempDir()
			var progress strings.Builder
			r, err := Run(context.Background(), design(t, "fake", fakeDevice(2, 8)), Options{Board: b, Dir: dir, Progress: &progress})
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != "pass" || len(r.Clocks) != 1 || r.Clocks[0].Name != "clk" || r.Utilization["ICESTORM_LC"].Used == 0 || r.LUT4 == 0 {
				t.Fatalf("report %+v", r)
			}
			if fi, err := os.Stat(filepath.Join(dir, r.Bitstream)); err != nil || fi.Size() < 1000 {
				t.Fatalf("bitstream %s: %v", r.Bitstream, err)
			}
			if got := strings.Count(progress.String(), " done in "); got != 3 {
				t.Errorf("progress shows %d finished stages, want 3:\n%s", got, progress.String())
			}
		})
	}
}

func TestMissingToolNamesThePackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Run(context.Background(), design(t, "count", counter()), Options{Dir: t.TempDir()})
	var te *ToolError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "apt-get install yosys") {
		t.Fatalf("err = %v, want a ToolError naming the yosys package", err)
	}
}

func TestFailedStageShowsItsLog(t *testing.T) {
	tooltest.Require(t, "yosys")
	d := Design{Name: "broken", Module: "broken", Verilog: []byte("module broken(input wire a, output wire b);\nassign b = a +;\nendmodule\n")}
	_, err := Run(context.Background(), d, Options{Dir: t.TempDir()})
	var se *StageError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "syntax error") || !strings.Contains(err.Error(), "yosys.log") {
		t.Fatalf("err = %v, want a StageError with the log's tail", err)
	}
}
