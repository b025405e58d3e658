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

// sparse fills an n-bit column with values of varying density: all zero,
// a single bit, the AND of several random words (few bits, so high indices
// win too), and plain random words.
func sparse(s *tb.Stimulus, r *rand.Rand, name string, n int) {
	col := s.Index(name)
	for c := 0; c < s.Len(); c++ {
		w := make([]uint64, (n+63)/64)
		switch k := r.IntN(8); {
		case k == 0: // nothing requested
		case k == 1:
			i := r.IntN(n)
			w[i/64] |= 1 << (i % 64)
		default:
			for i := range w {
				w[i] = r.Uint64()
				for j := 2; j < k; j++ {
					w[i] &= r.Uint64()
				}
			}
			if n%64 != 0 {
				w[len(w)-1] &= 1<<(n%64) - 1
			}
		}
		s.SetWords(c, col, w)
	}
}

func priencBench(n int) bench {
	return bench{
		name:   fmt.Sprintf("prienc n%d", n),
		module: func() (*hdl.Module, error) { return gb.PriorityEncoder(n) },
		stim:   func(s *tb.Stimulus, r *rand.Rand) { sparse(s, r, "in", n) },
		check: func(s *tb.Stimulus, tr *tb.Trace, p string) Checker {
			in, idx, valid := s.Index("in"), tr.Index(p+"idx"), tr.Index(p+"valid")
			return func(i, out tb.Row) error {
				g, ok := mb.PriorityEncode(bits(i.Words(in), n))
				if err := expect(out, idx, uint64(g)); err != nil {
					return err
				}
				return expect(out, valid, b2u(ok))
			}
		},
		cover: func(t *testing.T, s *tb.Stimulus, tr *tb.Trace, p string) {
			if seen := histogram(&tr.Vectors, p+"idx"); len(seen) < n {
				t.Errorf("prienc n%d: only %d distinct indices", n, len(seen))
			}
		},
	}
}

func bitrevBench(width int) bench {
	return bench{
		name:   fmt.Sprintf("bitrev w%d", width),
		module: func() (*hdl.Module, error) { return gb.BitReverse(width) },
		stim:   func(s *tb.Stimulus, r *rand.Rand) { sparse(s, r, "in", width) },
		check: func(s *tb.Stimulus, tr *tb.Trace, p string) Checker {
			in, outc := s.Index("in"), tr.Index(p+"out")
			return func(i, out tb.Row) error {
				want := mb.BitReverse(i.Words(in), width)
				if got := out.Words(outc); fmt.Sprint(got) != fmt.Sprint(want) {
					return mismatch("out", got, want)
				}
				return nil
			}
		},
	}
}

// TestPriorityEncoderModel covers the tree's shapes: a single input, full
// and partial power-of-two trees, and multi-word inputs.
func TestPriorityEncoderModel(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 13, 64, 65, 100} {
		b := priencBench(n)
		t.Run(b.name, func(t *testing.T) { runModel(t, b, 5_000, 3) })
	}
}

func TestPriorityEncoderEngines(t *testing.T) {
	t.Parallel()
	runEngines(t, priencBench(13))
}

// TestBitReverseModel covers the 64-bit label width and others, including
// widths that straddle 64-bit words.
func TestBitReverseModel(t *testing.T) {
	for _, w := range []int{1, 2, 7, 64, 65, 128, 200} {
		b := bitrevBench(w)
		t.Run(b.name, func(t *testing.T) { runModel(t, b, 2_000, 4) })
	}
}

func TestBitReverseEngines(t *testing.T) {
	t.Parallel()
	runEngines(t, bitrevBench(64))
}

// TestBitReverseKnown pins the 64-bit reversal on values whose reverse is
// known by hand, so model and hardware cannot agree on a wrong answer.
func TestBitReverseKnown(t *testing.T) {
	s, _ := newSim(t, func() (*hdl.Module, error) { return gb.BitReverse(64) })
	for _, c := range []struct{ in, out uint64 }{
		{1, 1 << 63}, {1 << 63, 1}, {0x13, 0xc8 << 56}, {0xffff_0000_0000_0000, 0xffff},
		{0x0123_4567_89ab_cdef, 0xf7b3_d591_e6a2_c480}, {0, 0},
	} {
		poke(t, s, "in", c.in)
		if got := peek(t, s, "out"); got != c.out {
			t.Errorf("reverse(%#x) = %#x, want %#x", c.in, got, c.out)
		}
	}
}
