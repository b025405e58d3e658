package shaper

import (
	"math/rand"
	"testing"

	"github.com/pktnetwork/pktrouter/model/meter"
)

// customer is an elastic (congestion-controlled) sender behind one ingress
// lease. At the end of every epoch it raises its rate by 5% if none of its
// packets was lost and cuts it by 30% if some were. The whitepaper's §2.1
// claim is about customers that back off when their packets are dropped:
// with senders that never back off, the one offering more gets the lower
// priority and is simply dropped first. The reaction is multiplicative both
// ways (scale free), so a small customer and a big one react alike; see
// TestWhitepaperShares for what other senders do.
type customer struct {
	lease   int     // ingress lease on the meter and egress lease on the port
	rate    float64 // bytes per cycle
	next    float64 // next send time
	epochAt uint64  // end of the current epoch
	lost    bool    // a packet was dropped this epoch
	passed  uint64  // bytes departed in the measurement window
}

type sysResult struct {
	passed []float64 // share of the link per customer over the window
}

// runSystem sends every customer's traffic (priority 10000, customer bit set,
// 1000-byte packets, Poisson) through the meter (one ingress lease each,
// max-priority-bandwidth limits[i]) and then one egress port (one egress
// lease each, no guarantee), and reports the link share each passes.
func runSystem(t *testing.T, limits []uint64, cycles uint64, seed int64) sysResult {
	t.Helper()
	mcfg := meter.Config{ClockHz: 200_000_000, TickCycles: 256, K: 6, BytesPerCycle: 8, MaxPacketBytes: 1536, Leases: len(limits) + 1}
	lcs := make([]meter.LeaseConfig, len(limits)+1)
	for i, l := range limits {
		lcs[i+1] = meter.LeaseConfig{Limited: true, Limit: l}
	}
	m, err := meter.New(mcfg, lcs)
	if err != nil {
		t.Fatal(err)
	}
	scfg := testConfig()
	scfg.Leases = len(limits) + 1
	warm := cycles / 5
	rng := rand.New(rand.NewSource(seed))
	custs := make([]*customer, len(limits))
	// Meter time constant 2^6 ticks of 256 cycles = 16k cycles; an epoch
	// (the senders' reaction time, an RTT) is about three of them.
	const epoch = 50_000
	for i := range custs {
		custs[i] = &customer{lease: i + 1, rate: 1, epochAt: uint64(rng.Int63n(int64(epoch))) + epoch}
	}
	obs := &sysObserver{custs: custs, from: warm}
	p, err := New(scfg, nil, obs)
	if err != nil {
		t.Fatal(err)
	}
	const size = 1000
	for {
		var c *customer
		for _, x := range custs {
			if c == nil || x.next < c.next {
				c = x
			}
		}
		now := uint64(c.next)
		if now >= cycles {
			break
		}
		for _, x := range custs {
			for x.epochAt <= now {
				if x.lost {
					x.rate *= 0.7
				} else {
					x.rate *= 1.05
				}
				if x.rate > 8 {
					x.rate = 8
				}
				x.lost = false
				x.epochAt += epoch
			}
		}
		tc, err := m.Ingress(now, c.lease, meter.CustomerBit|10000, size)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Arrive(now, Packet{Lease: c.lease, Priority: tc & meter.PriorityMask, Bytes: size}); err != nil {
			t.Fatal(err)
		}
		c.next += rng.ExpFloat64() * size / c.rate
	}
	if err := p.AdvanceTo(cycles); err != nil {
		t.Fatal(err)
	}
	var r sysResult
	for _, c := range custs {
		r.passed = append(r.passed, float64(c.passed)/float64(cycles-warm)/float64(scfg.BytesPerCycle))
	}
	return r
}

type sysObserver struct {
	custs []*customer
	from  uint64
}

func (o *sysObserver) Departed(cycle uint64, p Packet) {
	if cycle >= o.from {
		o.custs[p.Lease-1].passed += uint64(p.Bytes)
	}
}

func (o *sysObserver) Dropped(_ uint64, p Packet, _ DropCause, _ uint32) {
	o.custs[p.Lease-1].lost = true
}

// TestWhitepaperShares is whitepaper §2.1 through meter, re-prioritization
// and shaper together: four customers of one Cloud ISP share a saturated
// egress port with no guarantee. With equal max-priority-bandwidth they pass
// equal shares (within 2% of the mean); when one has a tenth of the others'
// max-priority-bandwidth it passes a tenth as much (0.09 to 0.11 of them).
//
// Measured while building this test: with
// additive-increase senders (+0.02 bytes/cycle per epoch) the small customer
// got about 0.23 of the others, and with senders that offer 1.1x what was
// delivered last epoch about 0.08: the overload falls whole on the lowest
// priority, so how a customer reacts to loss shapes the split. The claim
// holds for scale-free loss reaction, as here.
//
// Every sender here ends up losing packets in 12% of its epochs (+0.049
// and -0.357 in log rate), whatever the drop rule, so the split is set by
// how often the small customer is told when it ranks below the others.
// Push-out (the rule before per-rank thresholds) gave 0.10; thresholds
// alone 0.17 (the small customer 25 classes, 0.6x, below the others and
// still told in only 12% of its epochs); with the refusal barrier 0.098
// (seed 2; seeds 3-6: 0.099, 0.099, 0.098, 0.099). Equal limits: one run's
// split wanders by about 2% from the mean (seed 1 with the staggered meter
// ticks: 2.2%; seeds 2-5 before them: 1.9%, 2.4%, 0.5%, 1.8%), the size of
// the claim, so the test averages four runs (seeds 1-4): within 0.6% of the
// mean. TestShareSweep varies the barrier's parameters.
func TestWhitepaperShares(t *testing.T) {
	// Limit in priority-bytes per tick, well below what a customer offers at
	// its fair share (10000 * 2 bytes/cycle * 256 = 5.1M), so it binds.
	const L = 2_000_000
	t.Run("equal limits", func(t *testing.T) {
		// One run's split wanders by about 2% from the mean, the size of
		// the claim, so the shares are averaged over four independent runs.
		passed := make([]float64, 4)
		for seed := int64(1); seed <= 4; seed++ {
			for i, s := range runSystem(t, []uint64{L, L, L, L}, 400_000_000, seed).passed {
				passed[i] += s / 4
			}
		}
		r := sysResult{passed: passed}
		mean := 0.0
		for _, s := range r.passed {
			mean += s / float64(len(r.passed))
		}
		for i, s := range r.passed {
			if !within(s, mean, 0.02) {
				t.Errorf("customer %d passes %.4f of the link, mean %.4f: want within 2%%", i+1, s, mean)
			}
		}
		if mean*4 < 0.9 {
			t.Errorf("the customers together pass only %.3f of the link", mean*4)
		}
		t.Logf("shares %.4f", r.passed)
	})
	t.Run("one tenth", func(t *testing.T) {
		r := runSystem(t, []uint64{L, L, L, L / 10}, 400_000_000, 2)
		others := (r.passed[0] + r.passed[1] + r.passed[2]) / 3
		ratio := r.passed[3] / others
		if ratio < 0.09 || ratio > 0.11 {
			t.Errorf("customer with a tenth of the limit passes %.4f of what the others pass (%.4f vs %.4f), want 0.09 to 0.11",
				ratio, r.passed[3], others)
		}
		t.Logf("shares %.4f, ratio %.4f", r.passed, ratio)
	})
}
