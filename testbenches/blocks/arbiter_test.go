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

// sticky fills an n-bit column where each bit is a requester that keeps
// its request for a while: it flips with a probability that changes every
// few hundred cycles, so requests are long (hold matters) or short, sparse
// or dense.
func sticky(s *tb.Stimulus, r *rand.Rand, name string, n int) {
	col := s.Index(name)
	state := make([]bool, n)
	flips := []float64{0.02, 0.1, 0.3, 0.5}
	p := 0.1
	for c := 0; c < s.Len(); c++ {
		if c%400 == 0 {
			p = flips[r.IntN(len(flips))]
		}
		w := make([]uint64, (n+63)/64)
		for i := range state {
			if r.Float64() < p {
				state[i] = !state[i]
			}
			if state[i] {
				w[i/64] |= 1 << (i % 64)
			}
		}
		s.SetWords(c, col, w)
	}
}

func arbiterBench(n int, hold bool) bench {
	return bench{
		name:   fmt.Sprintf("arbiter n%d hold %v", n, hold),
		module: func() (*hdl.Module, error) { return gb.Arbiter(n, hold) },
		stim: func(s *tb.Stimulus, r *rand.Rand) {
			sticky(s, r, "req", n)
			phased(s, r, "en")
		},
		check: func(s *tb.Stimulus, tr *tb.Trace, p string) Checker {
			a := mb.NewArbiter(n, hold)
			rst, req, en := s.Index("rst"), s.Index("req"), s.Index("en")
			grant, idx, valid := tr.Index(p+"grant"), tr.Index(p+"grant_idx"), tr.Index(p+"grant_valid")
			return func(in, out tb.Row) error {
				r := bits(in.Words(req), n)
				g, ok := a.Grant(r)
				onehot := make([]bool, n)
				if ok {
					onehot[g] = true
				}
				if got := bits(out.Words(grant), n); fmt.Sprint(got) != fmt.Sprint(onehot) {
					return mismatch("grant", got, onehot)
				}
				if err := expect(out, idx, uint64(g)); err != nil {
					return err
				}
				if err := expect(out, valid, b2u(ok)); err != nil {
					return err
				}
				a.Clock(in.Bool(rst), r, in.Bool(en))
				return nil
			}
		},
		cover: func(t *testing.T, s *tb.Stimulus, tr *tb.Trace, p string) {
			// Every requester must have won, and won in both contested
			// and uncontested cycles.
			wins := histogram(&tr.Vectors, p+"grant_idx")
			for i := 0; i < n; i++ {
				if wins[uint64(i)] < 20 {
					t.Errorf("requester %d won only %d times", i, wins[uint64(i)])
				}
			}
		},
	}
}

// TestArbiterModel checks arbiters with and without hold against the
// model: 1 requester (degenerate), non-power-of-two and power-of-two
// counts, and more than 64 (multi-word request vectors).
func TestArbiterModel(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 8, 16, 70} {
		for _, hold := range []bool{false, true} {
			b := arbiterBench(n, hold)
			t.Run(b.name, func(t *testing.T) { runModel(t, b, modelCycles, 2) })
		}
	}
}

// TestArbiterEngines runs both arbiter kinds on all three engines.
func TestArbiterEngines(t *testing.T) {
	t.Parallel()
	runEngines(t, pair(arbiterBench(6, false), arbiterBench(6, true)))
}

// TestArbiterFairness drives every requester continuously and checks the
// properties the hardware exists for, on the Go simulator: plain round
// robin grants each of n requesters once in every n cycles; with hold the
// first winner keeps the grant as long as it requests, and on release the
// next requester in cyclic order takes over.
func TestArbiterFairness(t *testing.T) {
	for _, n := range []int{3, 8} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s, _ := newSim(t, func() (*hdl.Module, error) { return gb.Arbiter(n, false) })
			poke(t, s, "req", 1<<n-1)
			poke(t, s, "en", 1)
			for c := 0; c < 3*n; c++ {
				if got := peek(t, s, "grant_idx"); got != uint64(c%n) {
					t.Fatalf("cycle %d: grant %d, want %d", c, got, c%n)
				}
				s.Step(1)
			}
			h, _ := newSim(t, func() (*hdl.Module, error) { return gb.Arbiter(n, true) })
			poke(t, h, "req", 1<<n-1)
			poke(t, h, "en", 1)
			for c := 0; c < 2*n; c++ {
				if got := peek(t, h, "grant_idx"); got != 0 {
					t.Fatalf("hold: cycle %d: grant %d, want 0 (the holder)", c, got)
				}
				h.Step(1)
			}
			poke(t, h, "req", 1<<n-2) // requester 0 lets go
			if got := peek(t, h, "grant_idx"); got != 1 {
				t.Fatalf("hold: after release grant %d, want 1", got)
			}
		})
	}
}
