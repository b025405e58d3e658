package meter

import (
	"math/rand/v2"
	"testing"

	genmeter "github.com/pktnetwork/pktrouter/gen/meter"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// heldEgressStimulus is random traffic under NewEgressCapHeld's contract:
// a packet's lease and traffic class stay on the pins until its result is
// out (EgressLatency cycles), the next packet comes at the earliest then,
// and configuration writes come in any cycle, in flight ones included.
func heldEgressStimulus(t *testing.T, b *gosim.Bench, leases, cycles int, rng *rand.Rand) tb.Stimulus {
	t.Helper()
	s, err := b.Design.NewStimulus(cycles)
	if err != nil {
		t.Fatal(err)
	}
	var lease, tc uint64
	next := 2 // the first cycle a new packet may start
	for c := 0; c < cycles; c++ {
		row := map[string]uint64{"rst": b2u(c < 2)}
		if c >= next && rng.IntN(3) == 0 {
			lease, tc = uint64(rng.IntN(leases)), uint64(rng.IntN(0x10000))
			row["eg_valid"] = 1
			next = c + genmeter.EgressLatency + rng.IntN(3)
		}
		row["eg_lease"], row["eg_tc"] = lease, tc
		if c >= 2 && rng.IntN(3) == 0 {
			row["cfg_we"], row["cfg_lease"], row["cfg_deprio"], row["cfg_cap"] = 1, uint64(rng.IntN(leases)), uint64(rng.IntN(2)), uint64(rng.IntN(1<<15))
		}
		for k, v := range row {
			if err := s.Set(c, s.Index(k), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// TestEgressCapHeldRTLEqualsModel holds NewEgressCapHeld to
// EgressConfig.Apply under its contract, with writes to the lease of a
// packet in flight (which must not reach it), on the three engines.
func TestEgressCapHeldRTLEqualsModel(t *testing.T) {
	capEqualsModel(t, genmeter.NewEgressCapHeld, []int{1, 5, 32}, 6000, 7, heldEgressStimulus)
	if _, err := genmeter.NewEgressCapHeld(0); err == nil {
		t.Error("0 leases: no error")
	}
}
