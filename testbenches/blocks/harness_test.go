package blocks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// bench is one block configuration under test.
type bench struct {
	name   string
	module func() (*hdl.Module, error)
	// stim fills the stimulus (rst excluded: every bench resets in the
	// first two cycles and now and then afterwards).
	stim func(s *tb.Stimulus, r *rand.Rand)
	// check returns a checker over fresh model state, given the stimulus
	// and trace column layout.
	check func(s *tb.Stimulus, tr *tb.Trace, p string) Checker
	// cover, when set, asserts that the trace exercised what matters
	// (a FIFO that never filled proves little).
	cover func(t *testing.T, s *tb.Stimulus, tr *tb.Trace, p string)
}

// modelCycles is the length of the Go-only model checks of each
// configuration.
const modelCycles = 20_000

// stimulus builds a random stimulus for b's design: rst high in cycles 0
// and 1 and in about one cycle in 2000 afterwards.
func stimulus(t *testing.T, b bench, d tb.Design, cycles int, seed uint64) tb.Stimulus {
	t.Helper()
	s, err := d.NewStimulus(cycles)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, uint64(len(b.name))))
	s.Randomize(r)
	b.stim(&s, r)
	if i := s.Index("rst"); i >= 0 {
		s.SetColumn(i, func(c int) uint64 {
			if c < 2 || r.IntN(2000) == 0 {
				return 1
			}
			return 0
		})
	}
	return s
}

// runModel runs b through the Go simulator and checks every cycle against
// the golden model.
func runModel(t *testing.T, b bench, cycles int, seed uint64) {
	t.Helper()
	m, err := b.module()
	if err != nil {
		t.Fatal(err)
	}
	d, built, err := Design(m)
	if err != nil {
		t.Fatal(err)
	}
	s := stimulus(t, b, d, cycles, seed)
	tr, err := GoSim(built).Run(context.Background(), d, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckTrace(s, tr, b.check(&s, &tr, "")); err != nil {
		t.Fatalf("%s: Go simulator vs model: %v", d.Top, err)
	}
	if b.cover != nil {
		b.cover(t, &s, &tr, "")
	}
}

// runEngines runs b for EngineCycles on the Go simulator, Icarus and
// Verilator, requires identical traces and checks the Go simulator's
// against the model.
func runEngines(t *testing.T, b bench) {
	t.Helper()
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		tooltest.Require(t, tool)
	}
	m, err := b.module()
	if err != nil {
		t.Fatal(err)
	}
	d, built, err := Design(m)
	if err != nil {
		t.Fatal(err)
	}
	s := stimulus(t, b, d, EngineCycles, 7)
	traces, err := tb.RunAll(context.Background(), d, s, GoSim(built), tb.Icarus{}, tb.Verilator{})
	if err != nil {
		t.Fatalf("%s: engines disagree: %v", d.Top, err)
	}
	for _, tr := range traces {
		if tr.Len() != EngineCycles {
			t.Fatalf("%s: %d cycles, want %d", tr.Engine, tr.Len(), EngineCycles)
		}
	}
	if err := CheckTrace(s, traces[0], b.check(&s, &traces[0], "")); err != nil {
		t.Fatalf("%s: Go simulator vs model: %v", d.Top, err)
	}
	if b.cover != nil {
		b.cover(t, &s, &traces[0], "")
	}
}

// expect compares an output column with the model's value.
func expect(out tb.Row, col int, want uint64) error {
	if got := out.Uint64(col); got != want {
		return mismatch(out.Port(col).Name, got, want)
	}
	return nil
}

// b2u turns a model flag into the 0/1 of a 1-bit port.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// bits returns the first n bits of a row value as bools.
func bits(words []uint64, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = words[i/64]>>(i%64)&1 == 1
	}
	return out
}

// phased sets a 1-bit column to 1 with a probability that changes every
// few hundred cycles (from rare to almost always), so queues both fill and
// drain and requests both pile up and thin out.
func phased(s *tb.Stimulus, r *rand.Rand, name string) {
	probs := []float64{0.05, 0.3, 0.5, 0.7, 0.95, 1}
	p := 0.5
	s.SetColumn(s.Index(name), func(c int) uint64 {
		if c%300 == 0 {
			p = probs[r.IntN(len(probs))]
		}
		return b2u(r.Float64() < p)
	})
}

// column returns a trace column's values as a count per distinct value.
func histogram(v *tb.Vectors, name string) map[uint64]int {
	h := map[uint64]int{}
	col := v.Index(name)
	for c := 0; c < v.Len(); c++ {
		h[v.Get(c, col)]++
	}
	return h
}

// containsAll reports whether s contains every fragment.
func containsAll(s string, frags ...string) bool {
	for _, f := range frags {
		if !strings.Contains(s, f) {
			return false
		}
	}
	return true
}

// pair runs two configurations of one block as one design, so the
// three-engine check pays for one Verilator build per block: both see the
// same inputs (a's stimulus), a's outputs are prefixed a_, b's b_.
func pair(a, b bench) bench {
	return bench{
		name: a.name + " + " + b.name,
		module: func() (*hdl.Module, error) {
			ma, err := a.module()
			if err != nil {
				return nil, err
			}
			mb, err := b.module()
			if err != nil {
				return nil, err
			}
			da, err := ma.Build()
			if err != nil {
				return nil, err
			}
			db, err := mb.Build()
			if err != nil {
				return nil, err
			}
			m := hdl.NewModule("pair_" + ma.Name() + "_" + mb.Name())
			ia, ib := m.Instance("u_a", ma), m.Instance("u_b", mb)
			for _, p := range da.Top.Ports {
				if p.Dir == hdl.In {
					in := m.Input(p.Name, da.Top.Nets[p.Net].Width)
					ia.Connect(p.Name, in)
					ib.Connect(p.Name, in)
				}
			}
			for _, side := range []struct {
				pfx  string
				d    *hdl.Design
				inst *hdl.Instance
			}{{"a_", da, ia}, {"b_", db, ib}} {
				for _, p := range side.d.Top.Ports {
					if p.Dir == hdl.Out {
						m.Output(side.pfx+p.Name, side.d.Top.Nets[p.Net].Width).Drive(side.inst.Out(p.Name))
					}
				}
			}
			return m, nil
		},
		stim: a.stim,
		check: func(s *tb.Stimulus, tr *tb.Trace, p string) Checker {
			ca, cb := a.check(s, tr, p+"a_"), b.check(s, tr, p+"b_")
			return func(in, out tb.Row) error {
				if err := ca(in, out); err != nil {
					return fmt.Errorf("%s: %w", a.name, err)
				}
				if err := cb(in, out); err != nil {
					return fmt.Errorf("%s: %w", b.name, err)
				}
				return nil
			}
		},
		cover: func(t *testing.T, s *tb.Stimulus, tr *tb.Trace, p string) {
			if a.cover != nil {
				a.cover(t, s, tr, p+"a_")
			}
			if b.cover != nil {
				b.cover(t, s, tr, p+"b_")
			}
		},
	}
}
