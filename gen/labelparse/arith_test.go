package labelparse

import (
	"fmt"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/sim"
)

// TestArith checks arith's sums and comparisons with a constant, as
// operators and as gates, on the Go simulator: every value of every
// width up to 6 bits against every constant of the width, and for gates
// up to 2^w+1 (past the width v < c is always true).
func TestArith(t *testing.T) {
	for _, ar := range []arith{{}, {gates: true}} {
		for w := 1; w <= 6; w++ {
			top := uint64(1)<<w + 1 // gates: constants past the width too
			if !ar.gates {
				top = 1<<w - 1 // hdl constants must fit the width
			}
			for c := uint64(0); c <= top; c++ {
				m := hdl.NewModule(fmt.Sprintf("arith_w%d_c%d", w, c))
				v := m.Input("v", w)
				m.Output("lt", 1).Drive(ar.lt(v, c))
				m.Output("ge", 1).Drive(ar.ge(v, c))
				m.Output("add", w).Drive(ar.add(v, c&(1<<w-1)))
				m.Output("dec", w).Drive(ar.dec(v))
				s, err := sim.New(m)
				if err != nil {
					t.Fatal(err)
				}
				mask := uint64(1)<<w - 1
				for x := range uint64(1) << w {
					if err := s.Poke("v", x); err != nil {
						t.Fatal(err)
					}
					for _, o := range []struct {
						port string
						want uint64
					}{
						{"lt", b2u(x < c)}, {"ge", b2u(x >= c)}, {"add", (x + c) & mask}, {"dec", (x - 1) & mask},
					} {
						if got, err := s.Peek(o.port); err != nil || got != o.want {
							t.Fatalf("gates %v, %d bits, v %d, c %d: %s = %d (%v), want %d", ar.gates, w, x, c, o.port, got, err, o.want)
						}
					}
				}
			}
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
