package blocks

import (
	"fmt"
	"math/rand/v2"
	"testing"

	gb "github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	mb "github.com/pktnetwork/pktrouter/model/blocks"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

func lfsrBench(n int, kind gb.LFSRKind, seed uint64) bench {
	taps, _ := gb.MaxLengthTaps(n)
	return bench{
		name:   fmt.Sprintf("lfsr w%d %v", n, kind),
		module: func() (*hdl.Module, error) { return gb.LFSR(n, nil, kind, seed) },
		stim:   func(s *tb.Stimulus, r *rand.Rand) { phased(s, r, "en") },
		check: func(s *tb.Stimulus, tr *tb.Trace, p string) Checker {
			l := mb.NewLFSR(n, taps, kind == gb.Galois, seed)
			rst, en, q := s.Index("rst"), s.Index("en"), tr.Index(p+"q")
			return func(in, out tb.Row) error {
				if err := expect(out, q, l.State()); err != nil {
					return err
				}
				l.Clock(in.Bool(rst), in.Bool(en))
				return nil
			}
		},
	}
}

func TestLFSRModel(t *testing.T) {
	for _, n := range []int{2, 3, 8, 16, 31, 32, 33, 63, 64} {
		for _, kind := range []gb.LFSRKind{gb.Fibonacci, gb.Galois} {
			b := lfsrBench(n, kind, 1<<(n-1)|1)
			t.Run(b.name, func(t *testing.T) { runModel(t, b, 5_000, 5) })
		}
	}
}

func TestLFSREngines(t *testing.T) {
	t.Parallel()
	runEngines(t, pair(lfsrBench(24, gb.Fibonacci, 0xace1), lfsrBench(24, gb.Galois, 0xace1)))
}

// TestLFSRPeriod runs the generated hardware (Go simulator) through a full
// period for small widths: with the table's taps it must return to its seed
// after exactly 2^n - 1 steps and not before, in both forms.
func TestLFSRPeriod(t *testing.T) {
	for n := 2; n <= 14; n++ {
		for _, kind := range []gb.LFSRKind{gb.Fibonacci, gb.Galois} {
			s, _ := newSim(t, func() (*hdl.Module, error) { return gb.LFSR(n, nil, kind, 1) })
			poke(t, s, "en", 1)
			period := 0
			for {
				s.Step(1)
				period++
				if peek(t, s, "q") == 1 || period > 1<<n {
					break
				}
			}
			if period != 1<<n-1 {
				t.Errorf("width %d %v: period %d, want %d", n, kind, period, 1<<n-1)
			}
		}
	}
}

func counterBench(width int, mode gb.CounterMode) bench {
	top := ^uint64(0) >> (64 - width)
	return bench{
		name:   fmt.Sprintf("counter w%d %v", width, mode),
		module: func() (*hdl.Module, error) { return gb.Counter(width, mode) },
		stim: func(s *tb.Stimulus, r *rand.Rand) {
			phased(s, r, "en")
			s.SetColumn(s.Index("load"), func(int) uint64 { return b2u(r.IntN(64) == 0) })
			// Loads land near the top half the time, so wide counters
			// reach their maximum too.
			s.SetColumn(s.Index("din"), func(int) uint64 {
				if r.IntN(2) == 0 {
					return top - uint64(r.IntN(8))&top
				}
				return r.Uint64() & top
			})
		},
		check: func(s *tb.Stimulus, tr *tb.Trace, p string) Checker {
			c := mb.NewCounter(width, mode == gb.Saturate)
			rst, en, load, din := s.Index("rst"), s.Index("en"), s.Index("load"), s.Index("din")
			q, atMax := tr.Index(p+"q"), tr.Index(p+"at_max")
			return func(in, out tb.Row) error {
				if err := expect(out, q, c.Q()); err != nil {
					return err
				}
				if err := expect(out, atMax, b2u(c.AtMax())); err != nil {
					return err
				}
				c.Clock(in.Bool(rst), in.Bool(en), in.Bool(load), in.Uint64(din))
				return nil
			}
		},
		cover: func(t *testing.T, s *tb.Stimulus, tr *tb.Trace, p string) {
			// The counter must have sat at its maximum with en set, where
			// wrap and saturate differ.
			q, en, load := tr.Index(p+"q"), s.Index("en"), s.Index("load")
			n := 0
			for c := 0; c < tr.Len(); c++ {
				if tr.Get(c, q) == top && s.Get(c, en) == 1 && s.Get(c, load) == 0 {
					n++
				}
			}
			if n < 10 {
				t.Errorf("counter w%d: enabled at the maximum only %d times", width, n)
			}
		},
	}
}

func TestCounterModel(t *testing.T) {
	for _, w := range []int{1, 3, 8, 33, 64} {
		for _, mode := range []gb.CounterMode{gb.Wrap, gb.Saturate} {
			b := counterBench(w, mode)
			t.Run(b.name, func(t *testing.T) { runModel(t, b, modelCycles, 6) })
		}
	}
}

func TestCounterEngines(t *testing.T) {
	t.Parallel()
	runEngines(t, pair(counterBench(12, gb.Wrap), counterBench(12, gb.Saturate)))
}
