package fabric

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pktnetwork/pktrouter/sim"
)

// TestClosInOrder drives random packets into generated Clos networks in
// the Go simulator, with random egress back-pressure, then drains them, and
// checks that every accepted cell leaves at its destination exactly once,
// in order per flow, with its last bit; in packet mode, also that no other
// cell interleaves with a packet at its output.
func TestClosInOrder(t *testing.T) {
	cases := []struct {
		cfg    ClosConfig
		cycles int
	}{
		{ClosConfig{M: 2, N: 2, R: 2, DataWidth: 16, Depth: 2}, 3000},
		{ClosConfig{M: 3, N: 2, R: 3, DataWidth: 16, Depth: 2, PacketMode: true}, 3000},
		{ClosConfig{M: 4, N: 4, R: 2, DataWidth: 16, Depth: 3}, 2000},
		{ClosConfig{M: 7, N: 4, R: 2, DataWidth: 16, Depth: 2, PacketMode: true}, 1500},
		{ClosConfig{M: 3, N: 2, R: 3, DataWidth: 16, Depth: 3, Pipelined: true}, 2000},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("m%d_n%d_r%d_pkt%v_pl%v", c.cfg.M, c.cfg.N, c.cfg.R, c.cfg.PacketMode, c.cfg.Pipelined), func(t *testing.T) {
			t.Parallel()
			mod, err := Clos(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			s, err := sim.New(mod)
			if err != nil {
				t.Fatal(err)
			}
			s.Reset()
			ports := c.cfg.Ports()
			rng := rand.New(rand.NewPCG(uint64(ports), uint64(c.cfg.M)))
			type offer struct {
				valid bool
				dest  int
				last  bool
			}
			cur := make([]offer, ports)
			nextSeq := make([]int, ports*ports) // per flow, next sequence to send
			wantSeq := make([]int, ports*ports) // per flow, next sequence expected
			owner := make([]int, ports)         // packet mode: input whose packet is open at an output
			for o := range owner {
				owner[o] = -1
			}
			packetDest := make([]int, ports)
			for i := range packetDest {
				packetDest[i] = -1
			}
			sent, got := 0, 0
			poke := func(name string, v uint64) {
				if err := s.Poke(name, v); err != nil {
					t.Fatal(err)
				}
			}
			peek := func(name string) uint64 {
				v, err := s.Peek(name)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			for cyc := 0; cyc < c.cycles+400; cyc++ {
				feeding := cyc < c.cycles
				for i := range ports {
					// After feeding stops, open packets are still finished:
					// a held pair waits for its packet's last cell.
					if !cur[i].valid && ((feeding && rng.IntN(4) != 0) || (!feeding && packetDest[i] >= 0)) {
						if packetDest[i] < 0 {
							packetDest[i] = rng.IntN(ports)
						}
						cur[i] = offer{valid: true, dest: packetDest[i], last: !feeding || rng.IntN(3) == 0}
						if cur[i].last {
							packetDest[i] = -1
						}
					}
					f := i*ports + cur[i].dest
					poke(InPort(i, "valid"), b2u(cur[i].valid))
					poke(InPort(i, "dest"), uint64(cur[i].dest))
					poke(InPort(i, "last"), b2u(cur[i].last))
					poke(InPort(i, "data"), uint64(i)<<10|uint64(nextSeq[f]&1023))
				}
				for o := range ports {
					poke(OutPort(o, "ready"), b2u(rng.IntN(5) != 0))
				}
				for o := range ports {
					if peek(OutPort(o, "valid")) == 0 || peek(OutPort(o, "ready")) == 0 {
						if peek(OutPort(o, "valid")) != 0 && peek(OutPort(o, "ready")) == 0 {
							t.Fatalf("cycle %d: output %d valid while not ready", cyc, o)
						}
						continue
					}
					d := peek(OutPort(o, "data"))
					i, seq := int(d>>10), int(d&1023)
					if i >= ports {
						t.Fatalf("cycle %d: output %d: cell from nonexistent input %d", cyc, o, i)
					}
					f := i*ports + o
					if seq != wantSeq[f]&1023 {
						t.Fatalf("cycle %d: output %d: flow from input %d: got sequence %d, want %d", cyc, o, i, seq, wantSeq[f]&1023)
					}
					wantSeq[f]++
					got++
					if c.cfg.PacketMode {
						if owner[o] >= 0 && owner[o] != i {
							t.Fatalf("cycle %d: output %d: cell of input %d inside a packet of input %d", cyc, o, i, owner[o])
						}
						owner[o] = i
						if peek(OutPort(o, "last")) == 1 {
							owner[o] = -1
						}
					}
				}
				for i := range ports {
					if cur[i].valid && peek(InPort(i, "ready")) == 1 {
						nextSeq[i*ports+cur[i].dest]++
						sent++
						cur[i].valid = false
					}
				}
				s.Step(1)
			}
			if sent < c.cycles*ports/4 {
				t.Fatalf("only %d cells accepted in %d cycles", sent, c.cycles)
			}
			if got != sent {
				t.Fatalf("%d cells accepted, %d delivered after draining", sent, got)
			}
			for f := range nextSeq {
				if nextSeq[f] != wantSeq[f] {
					t.Fatalf("flow %d→%d: %d sent, %d delivered", f/ports, f%ports, nextSeq[f], wantSeq[f])
				}
			}
		})
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
