package fabric

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	mfabric "github.com/pktnetwork/pktrouter/model/fabric"
	"github.com/pktnetwork/pktrouter/sim"
)

// pokeMatrix drives a flat matrix port from model-style rows.
func pokeMatrix(t *testing.T, s *sim.Sim, port string, m [][]uint64, rows []uint64, cols int) {
	t.Helper()
	words := make([]uint64, (len(rows)*cols+63)/64)
	for i, r := range rows {
		for j := range cols {
			if r>>uint(j)&1 == 1 {
				b := i*cols + j
				words[b/64] |= 1 << uint(b%64)
			}
		}
	}
	if err := s.PokeWide(port, words); err != nil {
		t.Fatal(err)
	}
}

// bitAt reads bit b of little-endian words.
func bitAt(w []uint64, b int) bool { return w[b/64]>>uint(b%64)&1 == 1 }

// fieldAt reads a w-bit field at bit offset off.
func fieldAt(words []uint64, off, w int) int {
	v := 0
	for k := range w {
		if bitAt(words, off+k) {
			v |= 1 << k
		}
	}
	return v
}

// TestISLIPMatchesModel runs the generated scheduler in the Go simulator
// against model/fabric.ISLIP on random request and end-of-packet matrices,
// comparing the match and every pointer and hold after every slot.
func TestISLIPMatchesModel(t *testing.T) {
	cases := []struct {
		in, out, it int
		pkt         bool
		slots       int
		density     float64
	}{
		{1, 1, 1, false, 200, 0.5},
		{2, 2, 1, true, 1000, 0.5},
		{3, 5, 2, false, 2000, 0.4},
		{4, 4, 2, false, 3000, 0.3},
		{4, 4, 2, true, 3000, 0.5},
		{5, 3, 3, true, 2000, 0.6},
		{6, 6, 3, true, 2000, 0.2},
		{8, 8, 3, false, 3000, 0.25},
		{8, 8, 1, true, 2000, 0.5},
		{13, 13, 4, true, 1000, 0.3},
		{16, 16, 4, false, 1000, 0.15},
		{32, 32, 5, true, 300, 0.1},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d_it%d_pkt%v", c.in, c.out, c.it, c.pkt), func(t *testing.T) {
			t.Parallel()
			mod, err := ISLIP(ISLIPConfig{Inputs: c.in, Outputs: c.out, Iterations: c.it, PacketMode: c.pkt})
			if err != nil {
				t.Fatal(err)
			}
			s, err := sim.New(mod)
			if err != nil {
				t.Fatal(err)
			}
			model, err := mfabric.NewISLIP(c.in, c.out, c.it, c.pkt)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(c.in), uint64(c.out*100+c.it)))
			req := make([]uint64, c.in)
			eop := make([]uint64, c.in)
			wi, wo := IndexWidth(c.in), IndexWidth(c.out)
			matches := 0
			for slot := range c.slots {
				for i := range req {
					req[i], eop[i] = 0, 0
					for j := range c.out {
						if rng.Float64() < c.density {
							req[i] |= 1 << j
						}
						if rng.IntN(3) == 0 {
							eop[i] |= 1 << j
						}
					}
				}
				pokeMatrix(t, s, "req", nil, req, c.out)
				if c.pkt {
					pokeMatrix(t, s, "eop", nil, eop, c.out)
				}
				want, err := model.Schedule(req, eop)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.PeekWide("match")
				if err != nil {
					t.Fatal(err)
				}
				for i := range c.in {
					for j := range c.out {
						if bitAt(got, i*c.out+j) != (want[i] == j) {
							t.Fatalf("slot %d: input %d: hardware match row %s, model %d (req %x)", slot, i, rowString(got, i, c.out), want[i], req)
						}
					}
					if want[i] >= 0 {
						matches++
					}
				}
				s.Step(1)
				st := model.State()
				gp, _ := s.PeekWide("gptr")
				ap, _ := s.PeekWide("aptr")
				for j, g := range st.Grant {
					if h := fieldAt(gp, j*wi, wi); h != g {
						t.Fatalf("slot %d: grant pointer %d: hardware %d, model %d", slot, j, h, g)
					}
				}
				for i, a := range st.Accept {
					if h := fieldAt(ap, i*wo, wo); h != a {
						t.Fatalf("slot %d: accept pointer %d: hardware %d, model %d", slot, i, h, a)
					}
				}
				if c.pkt {
					hw, _ := s.PeekWide("hold")
					for i, h := range st.Hold {
						for j := range c.out {
							if bitAt(hw, i*c.out+j) != (h == j) {
								t.Fatalf("slot %d: hold of input %d: hardware %s, model %d", slot, i, rowString(hw, i, c.out), h)
							}
						}
					}
				}
			}
			if matches == 0 {
				t.Fatal("no slot matched anything: the stimulus exercises nothing")
			}
		})
	}
}

func rowString(w []uint64, i, n int) string {
	var b strings.Builder
	for j := n - 1; j >= 0; j-- {
		if bitAt(w, i*n+j) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

func TestISLIPConfigErrors(t *testing.T) {
	bad := []struct {
		cfg  ISLIPConfig
		want string
	}{
		{ISLIPConfig{Inputs: 0, Outputs: 4}, "inputs 0"},
		{ISLIPConfig{Inputs: 4, Outputs: 65}, "outputs 65"},
		{ISLIPConfig{Inputs: 4, Outputs: 2, Iterations: 3}, "iterations 3"},
		{ISLIPConfig{Inputs: 4, Outputs: 4, Iterations: -1}, "iterations -1"},
		{ISLIPConfig{Inputs: 4, Outputs: 4, PacketMode: true, Pipelined: true}, "cell mode only"},
	}
	for _, b := range bad {
		_, err := ISLIP(b.cfg)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ISLIP(%+v) error %v, want one naming %q", b.cfg, err, b.want)
		}
	}
}
