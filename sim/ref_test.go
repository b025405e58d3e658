package sim_test

import (
	"fmt"
	"math/big"
	"math/rand"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/sim"
)

func pokeBig(t *testing.T, s *sim.Sim, port string, v *big.Int, w int) {
	t.Helper()
	words, err := hdl.WordsFromBig(v, w)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PokeWide(port, words); err != nil {
		t.Fatal(err)
	}
}

func peekBig(t *testing.T, s *sim.Sim, name string) *big.Int {
	t.Helper()
	v, err := s.PeekWide(name)
	if err != nil {
		t.Fatal(err)
	}
	return hdl.BigFromWords(v)
}

// TestRandomTreesAgainstReference checks the simulator against the math/big
// reference semantics on random expression trees (no external tools).
func TestRandomTreesAgainstReference(t *testing.T) {
	const modules, outs, vectors = 20, 25, 16
	for mi := 0; mi < modules; mi++ {
		m, trees, widths := randomModule(int64(mi), fmt.Sprintf("rt%d", mi), 4, outs, 4)
		s, err := sim.New(m)
		if err != nil {
			t.Fatalf("module %d: %v", mi, err)
		}
		r := rand.New(rand.NewSource(int64(1000 + mi)))
		for v := 0; v < vectors; v++ {
			in := randomInputs(r, widths)
			for i, x := range in {
				pokeBig(t, s, fmt.Sprintf("i%d", i), x, widths[i])
			}
			for o, tr := range trees {
				want := eval(tr, in)
				got := peekBig(t, s, fmt.Sprintf("o%d", o))
				if got.Cmp(want) != 0 {
					t.Fatalf("module %d output o%d (%s, %d bits) vector %d inputs %v: sim %#x, reference %#x",
						mi, o, tr.op, tr.w, v, in, got, want)
				}
			}
		}
	}
}
