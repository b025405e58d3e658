package tb

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

const randomCycles = 10000

func requireTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		tooltest.Require(t, tool)
	}
}

// TestEnginesAgree runs every test design on 10,000 random cycles through
// Icarus, Verilator and its Go reference model and requires identical
// traces. Verilator builds are cached (see CacheEnv), so only the first
// run on a machine pays for them.
func TestEnginesAgree(t *testing.T) {
	requireTools(t)
	for name, td := range testDesigns {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := td.design.NewStimulus(randomCycles)
			if err != nil {
				t.Fatal(err)
			}
			td.stim(&s, rand.New(rand.NewPCG(1, uint64(len(name)))))
			traces, err := RunAll(context.Background(), td.design, s,
				Func{Label: "model", New: td.model}, Icarus{}, Verilator{})
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range traces {
				if tr.Len() != randomCycles {
					t.Errorf("%s: %d cycles, want %d", tr.Engine, tr.Len(), randomCycles)
				}
			}
			// The outputs must actually move, or agreement proves little.
			seen := map[string]bool{}
			for c := 0; c < traces[0].Len(); c++ {
				seen[traces[0].Hex(c, 0)] = true
			}
			if len(seen) < 16 {
				t.Errorf("output %s takes only %d distinct values in %d cycles", traces[0].Ports()[0].Name, len(seen), randomCycles)
			}
		})
	}
}

// flipAt wraps a model so that output port flips bit 0 in the given cycle:
// a deliberate, known difference.
func flipAt(model func(Design) (StepFunc, error), cycle int, ports ...int) func(Design) (StepFunc, error) {
	return func(d Design) (StepFunc, error) {
		step, err := model(d)
		if err != nil {
			return nil, err
		}
		return func(in, out Row) error {
			if err := step(in, out); err != nil {
				return err
			}
			if in.Cycle() == cycle {
				for _, p := range ports {
					w := append([]uint64(nil), out.Words(p)...)
					w[0] ^= 1
					out.SetWords(p, w)
				}
			}
			return nil
		}, nil
	}
}

// TestMismatchReport checks that a difference is reported with its cycle,
// the outputs that differ, both values and the inputs of that cycle.
func TestMismatchReport(t *testing.T) {
	tooltest.Require(t, "iverilog")
	tooltest.Require(t, "vvp")
	tests := []struct {
		name   string
		td     testDesign
		cycle  int
		ports  []int
		others []string
	}{
		{"counter", testDesigns["counter"], 777, []int{0}, nil},
		{"adder two outputs", testDesigns["adder"], 5, []int{1, 3}, []string{"s256"}},
		{"ram first cycle", testDesigns["ram"], 0, []int{0}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.td.design.NewStimulus(1000)
			if err != nil {
				t.Fatal(err)
			}
			tc.td.stim(&s, rand.New(rand.NewPCG(2, 3)))
			_, err = RunAll(context.Background(), tc.td.design, s,
				Icarus{}, Func{Label: "broken", New: flipAt(tc.td.model, tc.cycle, tc.ports...)})
			var m *Mismatch
			if !errors.As(err, &m) {
				t.Fatalf("got %v, want a *Mismatch", err)
			}
			outs := tc.td.design.Outputs()
			want := outs[tc.ports[0]]
			if m.Cycle != tc.cycle || m.Port != want.Name || m.Width != want.Width {
				t.Errorf("mismatch at cycle %d port %s[%d], want cycle %d port %s[%d]", m.Cycle, m.Port, m.Width, tc.cycle, want.Name, want.Width)
			}
			if m.EngineA != "icarus" || m.EngineB != "broken" {
				t.Errorf("engines %q, %q", m.EngineA, m.EngineB)
			}
			if m.A == m.B || len(m.A) != digits(want.Width) || len(m.B) != digits(want.Width) {
				t.Errorf("values %q and %q", m.A, m.B)
			}
			if strings.Join(m.Others, ",") != strings.Join(tc.others, ",") {
				t.Errorf("others %v, want %v", m.Others, tc.others)
			}
			msg := err.Error()
			for _, frag := range []string{"cycle " + itoa(tc.cycle), `"` + want.Name + `"`, "icarus=0x" + m.A, "broken=0x" + m.B, "inputs in that cycle: " + s.describe(tc.cycle)} {
				if !strings.Contains(msg, frag) {
					t.Errorf("message %q lacks %q", msg, frag)
				}
			}
		})
	}
}

// uninitDesign has a register with no initial value and no reset.
var uninitDesign = Design{
	Top: "uninit", Clock: Clk,
	Source: `module uninit (input wire clk, input wire en, output wire [7:0] q);
    reg [7:0] r;
    always @(posedge clk) if (en) r <= r + 8'd1;
    assign q = r;
endmodule
`,
	Ports: []Port{{Name: "en", Width: 1}, {Name: "q", Width: 8, Output: true}},
}

// TestUninitialisedState checks that Icarus rejects an x output, naming
// where it appeared.
func TestUninitialisedState(t *testing.T) {
	tooltest.Require(t, "iverilog")
	tooltest.Require(t, "vvp")
	s, err := uninitDesign.NewStimulus(10)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Icarus{}.Run(context.Background(), uninitDesign, s)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Port != "q" || pe.Line != 2 || !strings.Contains(err.Error(), "x/z") {
		t.Fatalf("got %v, want an x/z error for q on line 2 (cycle 0)", err)
	}
}

// TestBuildCache checks that a second run of the same design reuses the
// first build and a changed source makes a new one.
func TestBuildCache(t *testing.T) {
	tooltest.Require(t, "iverilog")
	tooltest.Require(t, "vvp")
	cache := t.TempDir()
	d := testDesigns["counter"].design
	s, err := d.NewStimulus(50)
	if err != nil {
		t.Fatal(err)
	}
	builds := func() []string {
		m, _ := filepath.Glob(filepath.Join(cache, "icarus", "*", doneMarker))
		return m
	}
	e := Icarus{CacheDir: cache}
	var first os.FileInfo
	for i := 0; i < 2; i++ {
		if _, err := e.Run(context.Background(), d, s); err != nil {
			t.Fatal(err)
		}
		b := builds()
		if len(b) != 1 {
			t.Fatalf("run %d: %d builds in the cache, want 1", i+1, len(b))
		}
		fi, err := os.Stat(b[0])
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = fi
		} else if !fi.ModTime().Equal(first.ModTime()) {
			t.Errorf("the second run rebuilt the design")
		}
	}
	// A longer stimulus within the same depth bucket reuses the build.
	long, _ := d.NewStimulus(1000)
	if _, err := e.Run(context.Background(), d, long); err != nil {
		t.Fatal(err)
	}
	if n := len(builds()); n != 1 {
		t.Errorf("%d builds after a 1000-cycle run, want 1", n)
	}
	// Changed source: a new build.
	d2 := d
	d2.Files = nil
	src, err := os.ReadFile("testdata/counter.v")
	if err != nil {
		t.Fatal(err)
	}
	d2.Source = string(src) + "\n// changed\n"
	if _, err := e.Run(context.Background(), d2, s); err != nil {
		t.Fatal(err)
	}
	if n := len(builds()); n != 2 {
		t.Errorf("%d builds after a source change, want 2", n)
	}
}

// TestVerilatorRandomReset checks that Verilator starts uninitialised
// state random (+verilator+rand+reset+2), so a design relying on it
// disagrees with a model that assumes zero, and that Seed changes the
// values.
func TestVerilatorRandomReset(t *testing.T) {
	tooltest.Require(t, "verilator")
	s, err := uninitDesign.NewStimulus(4)
	if err != nil {
		t.Fatal(err)
	}
	zero := Func{Label: "zero", New: func(Design) (StepFunc, error) {
		return func(in, out Row) error { return nil }, nil
	}}
	seen := map[string]int{} // q in cycle 0 -> a seed giving it
	for seed := 1; seed <= 8; seed++ {
		tr, err := Verilator{Seed: seed}.Run(context.Background(), uninitDesign, s)
		if err != nil {
			t.Fatal(err)
		}
		seen[tr.Hex(0, 0)] = seed
	}
	if len(seen) < 2 {
		t.Fatalf("8 seeds gave %v in cycle 0: initial state is not random", seen)
	}
	for q, seed := range seen {
		if q == "00" {
			continue
		}
		_, err = RunAll(context.Background(), uninitDesign, s, zero, Verilator{Seed: seed})
		var m *Mismatch
		if !errors.As(err, &m) || m.Cycle != 0 || m.Port != "q" || m.B != q {
			t.Errorf("seed %d: got %v, want a mismatch in cycle 0 on q (verilator=0x%s)", seed, err, q)
		}
		break
	}
}

// TestTestbenchLint: the generated top is clean under Verilator's -Wall
// and Icarus' -Wall, so a warning in a build log is the design's.
func TestTestbenchLint(t *testing.T) {
	tooltest.Require(t, "verilator")
	tooltest.Require(t, "iverilog")
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"counter", "adder", "ram"} {
		d := testDesigns[name].design
		top, err := Testbench(d, 1024)
		if err != nil {
			t.Fatal(err)
		}
		top = strings.Replace(top, "module "+tbTop, "module tb_"+name, 1)
		p := filepath.Join(dir, "tb_"+name+".v")
		if err := os.WriteFile(p, []byte(top), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, d.Files[0], p)
	}
	for _, name := range []string{"counter", "adder", "ram"} {
		args := append([]string{"--lint-only", "-Wall", "--timing", "--top-module", "tb_" + name}, files...)
		if out, err := exec.Command("verilator", args...).CombinedOutput(); err != nil {
			t.Errorf("verilator -Wall on %s's testbench: %v\n%s", name, err, out)
		}
		args = append([]string{"-g2005", "-Wall", "-s", "tb_" + name, "-o", filepath.Join(dir, "x.vvp")}, files...)
		if out, err := exec.Command("iverilog", args...).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("iverilog -Wall on %s's testbench: %v\n%s", name, err, out)
		}
	}
}
