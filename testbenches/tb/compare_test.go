package tb

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func mkTrace(t *testing.T, name string, ports []Port, rows ...[]uint64) Trace {
	t.Helper()
	tr, err := NewTrace(ports, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := tr.Append(r...); err != nil {
			t.Fatal(err)
		}
	}
	tr.Engine = name
	return tr
}

func TestCompare(t *testing.T) {
	p := []Port{{Name: "x", Width: 8, Output: true}, {Name: "y", Width: 70, Output: true}}
	base := mkTrace(t, "icarus", p, []uint64{1, 2}, []uint64{3, 4}, []uint64{5, 6})
	tests := []struct {
		name  string
		other Trace
		frag  string // "" means equal
		cycle int
		port  string
	}{
		{"equal", mkTrace(t, "verilator", p, []uint64{1, 2}, []uint64{3, 4}, []uint64{5, 6}), "", 0, ""},
		{"last cycle", mkTrace(t, "verilator", p, []uint64{1, 2}, []uint64{3, 4}, []uint64{5, 7}),
			`cycle 2: output "y" (70 bits) differs: icarus=0x000000000000000006 verilator=0x000000000000000007`, 2, "y"},
		{"two ports", mkTrace(t, "gosim", p, []uint64{1, 2}, []uint64{9, 5}, []uint64{5, 7}),
			`cycle 1: output "x" (8 bits) differs: icarus=0x03 gosim=0x09 (also differ: y)`, 1, "x"},
		{"unnamed", mkTrace(t, "", p, []uint64{0, 2}),
			`cycle 0: output "x" (8 bits) differs: icarus=0x01 b=0x00`, 0, "x"},
		{"shorter", mkTrace(t, "verilator", p, []uint64{1, 2}),
			"trace icarus has 3 cycles, verilator has 1 (identical in the first 1)", -1, ""},
		{"ports", mkTrace(t, "verilator", []Port{{Name: "x", Width: 8}, {Name: "y", Width: 71}}),
			"different outputs: port 1 is y[70] vs y[71]", -1, ""},
		{"port count", mkTrace(t, "verilator", p[:1]), "different outputs: 2 ports vs 1 ports", -1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Compare(base, tc.other)
			if tc.frag == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.frag) {
				t.Fatalf("got %v, want %q", err, tc.frag)
			}
			var m *Mismatch
			if errors.As(err, &m) != (tc.cycle >= 0) {
				t.Fatalf("Mismatch type: %v", err)
			}
			if m != nil && (m.Cycle != tc.cycle || m.Port != tc.port) {
				t.Errorf("cycle %d port %s, want %d %s", m.Cycle, m.Port, tc.cycle, tc.port)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	good := func() Design {
		return Design{Top: "m", Source: "module m; endmodule", Clock: Clk,
			Ports: []Port{{Name: "rst", Width: 1}, {Name: "q", Width: 8, Output: true}}}
	}
	tests := []struct {
		name string
		edit func(d *Design)
		frag string
	}{
		{"ok", func(d *Design) {}, ""},
		{"combinational", func(d *Design) { d.Clock = "" }, ""},
		{"top", func(d *Design) { d.Top = "1m" }, `top module "1m" is not a plain Verilog identifier`},
		{"top keyword", func(d *Design) { d.Top = "module" }, "keyword"},
		{"top clash", func(d *Design) { d.Top = tbTop }, "generated testbench"},
		{"clock listed", func(d *Design) { d.Ports = append(d.Ports, Port{Name: "clk", Width: 1}) }, "clock is implicit"},
		{"duplicate", func(d *Design) { d.Ports = append(d.Ports, Port{Name: "q", Width: 1}) }, `port "q" listed twice`},
		{"width 0", func(d *Design) { d.Ports[1].Width = 0 }, `port "q" has width 0`},
		{"too wide", func(d *Design) { d.Ports[1].Width = MaxWidth + 1 }, "has width 4097"},
		{"bad name", func(d *Design) { d.Ports[0].Name = "a.b" }, `port 0 "a.b" is not a plain`},
		{"no inputs", func(d *Design) { d.Ports = d.Ports[1:] }, "no inputs"},
		{"no outputs", func(d *Design) { d.Ports = d.Ports[:1] }, "no outputs"},
		{"bad clock", func(d *Design) { d.Clock = "c k" }, `clock "c k"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := good()
			tc.edit(&d)
			err := d.Validate()
			if tc.frag == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.frag) {
				t.Errorf("got %v, want %q", err, tc.frag)
			}
			// Engines refuse the design with the same message.
			s, _ := NewStimulus([]Port{{Name: "rst", Width: 1}}, 1)
			if _, err := (Func{New: counterModel}).Run(context.Background(), d, s); err == nil || !strings.Contains(err.Error(), tc.frag) {
				t.Errorf("Func.Run: got %v, want %q", err, tc.frag)
			}
		})
	}
}

// TestNoSources: the Verilog engines need sources (and say so before
// running any tool); the Func engine does not.
func TestNoSources(t *testing.T) {
	d := counterDesign
	d.Files = nil
	s, err := d.NewStimulus(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []Engine{Icarus{}, Verilator{}} {
		if _, err := e.Run(context.Background(), d, s); err == nil || !strings.Contains(err.Error(), "design counter has no Verilog sources") {
			t.Errorf("%s: got %v", e.Name(), err)
		}
	}
	if _, err := (Func{New: counterModel}).Run(context.Background(), d, s); err != nil {
		t.Errorf("func: %v", err)
	}
	if _, err := Testbench(counterDesign, 0); err == nil || !strings.Contains(err.Error(), "depth 0") {
		t.Errorf("Testbench depth 0: got %v", err)
	}
}

func TestFuncEngine(t *testing.T) {
	d := counterDesign
	s, err := d.NewStimulus(3000)
	if err != nil {
		t.Fatal(err)
	}
	en := s.Index("en")
	s.SetColumn(en, func(int) uint64 { return 1 })
	tr, err := Func{Label: "model", New: counterModel}.Run(context.Background(), d, s)
	if err != nil {
		t.Fatal(err)
	}
	// Cycle convention: cycle n shows the register after n enabled edges.
	for _, c := range []int{0, 1, 2, 255, 256, 2999} {
		if got := tr.Get(c, 0); got != uint64(c)&0xff {
			t.Errorf("cycle %d: count %d, want %d", c, got, c&0xff)
		}
	}
	if tr.Engine != "model" {
		t.Errorf("engine %q", tr.Engine)
	}

	fail := func(f func(in, out Row) error) Func {
		return Func{Label: "bad", New: func(Design) (StepFunc, error) { return f, nil }}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		e    Func
		ctx  context.Context
		s    Stimulus
		frag string
	}{
		{"step error", fail(func(in, out Row) error {
			if in.Cycle() == 17 {
				return errors.New("model lost")
			}
			return nil
		}), context.Background(), s, "bad: cycle 17: model lost"},
		{"output too wide", fail(func(in, out Row) error { out.Set(0, 256); return nil }),
			context.Background(), s, `cycle 0: value 0x100 does not fit 8-bit port "count"`},
		{"writes inputs", fail(func(in, out Row) error { in.Set(0, 1); return nil }),
			context.Background(), s, ""},
		{"no New", Func{Label: "empty"}, context.Background(), s, `"empty" has no New function`},
		{"New fails", Func{New: func(Design) (StepFunc, error) { return nil, errors.New("no netlist") }},
			context.Background(), s, "func: no netlist"},
		{"cancelled", Func{New: counterModel}, ctx, s, "context canceled"},
		{"wrong stimulus", Func{New: counterModel}, context.Background(), mustStim(t, []Port{{Name: "rst", Width: 1}}),
			"stimulus columns (rst:1) do not match the inputs of counter (rst:1 en:1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.e.Run(tc.ctx, d, tc.s)
			if tc.frag == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.frag) {
				t.Errorf("got %v, want %q", err, tc.frag)
			}
		})
	}
	// The model that wrote to its inputs did not change the stimulus.
	for c := 0; c < s.Len(); c++ {
		if s.Get(c, 0) != 0 {
			t.Fatalf("cycle %d: stimulus rst changed by a model", c)
		}
	}
}

func mustStim(t *testing.T, ports []Port) Stimulus {
	t.Helper()
	s, err := NewStimulus(ports, 1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRunAllFuncs(t *testing.T) {
	d := counterDesign
	s, err := d.NewStimulus(100)
	if err != nil {
		t.Fatal(err)
	}
	s.SetColumn(1, func(c int) uint64 { return uint64(c % 3 & 1) })
	if _, err := RunAll(context.Background(), d, s); err == nil {
		t.Error("RunAll with no engines: no error")
	}
	traces, err := RunAll(context.Background(), d, s, Func{Label: "a", New: counterModel}, Func{Label: "b", New: counterModel})
	if err != nil || len(traces) != 2 || traces[1].Engine != "b" {
		t.Fatalf("got %v, %d traces", err, len(traces))
	}
	broken := Func{Label: "broken", New: func(Design) (StepFunc, error) { return nil, errors.New("no model") }}
	_, err = RunAll(context.Background(), d, s, Func{Label: "a", New: counterModel}, broken,
		Func{Label: "late", New: flipAt(counterModel, 42, 0)})
	if err == nil || !strings.Contains(err.Error(), "broken: tb: broken: no model") {
		t.Errorf("got %v", err)
	}
	_, err = RunAll(context.Background(), d, s, Func{Label: "a", New: counterModel},
		Func{Label: "late", New: flipAt(counterModel, 42, 0)}, Func{Label: "early", New: flipAt(counterModel, 7, 0)})
	var m *Mismatch
	if !errors.As(err, &m) || m.EngineB != "late" || m.Cycle != 42 {
		t.Errorf("got %v", err)
	}
	if !strings.Contains(err.Error(), "cycle 7") || !strings.Contains(err.Error(), "early=0x") {
		t.Errorf("both mismatches should be reported: %v", err)
	}
}
