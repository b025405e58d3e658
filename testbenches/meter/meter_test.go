package meter

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	genmeter "github.com/pktnetwork/pktrouter/gen/meter"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	model "github.com/pktnetwork/pktrouter/model/meter"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// Configurations small enough for many ticks in a short run. "tight" has
// the shortest tick the hardware accepts, TickStagger*Leases, so the last
// lease's slot ends in the cycle before the next period's first tick; "odd"
// has a lease count that is not a power of two and a tick that is not a
// multiple of the slot; "wide" has an acc of 33 bits, two sample_mem
// words, as ref4's 34 bits are.
var configs = []struct {
	name string
	cfg  model.Config
}{
	{"tight", model.Config{ClockHz: 125_000_000, TickCycles: 8 * model.TickStagger, K: 2, BytesPerCycle: 1, MaxPacketBytes: 64, Leases: 8}},
	{"odd", model.Config{ClockHz: 125_000_000, TickCycles: 80, K: 3, BytesPerCycle: 1, MaxPacketBytes: 100, Leases: 3}},
	{"wide", model.Config{ClockHz: 125_000_000, TickCycles: 4 * model.TickStagger, K: 10, BytesPerCycle: 1, MaxPacketBytes: 256, Leases: 4}},
}

func ingressBench(t *testing.T, cfg model.Config) *gosim.Bench {
	t.Helper()
	m, err := genmeter.NewIngress(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gosim.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestIngressRTLEqualsModel runs random packet streams with random
// configuration writes through the model and the Go simulator and requires
// identical outputs every cycle; it fails if the limits never scaled a
// packet, so the re-prioritization path is really compared.
func TestIngressRTLEqualsModel(t *testing.T) {
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			b := ingressBench(t, c.cfg)
			// Seed 4 sends a packet almost every MinPacketGap cycles,
			// the most the block accepts.
			for seed := uint64(1); seed <= 4; seed++ {
				rng := rand.New(rand.NewPCG(seed, 7))
				prob := min(0.2*float64(seed), 0.99)
				s, err := RandomIngress(b, c.cfg, Traffic{Cycles: 30000, PacketProb: prob, ConfigProb: 0.003, Unclassed: 0.2}, rng)
				if err != nil {
					t.Fatal(err)
				}
				var scaled int
				tr, err := tb.RunAll(context.Background(), b.Design, s, IngressModel(c.cfg, &scaled), b.Engine())
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if err := readPortExercised(tr[0]); err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if scaled == 0 {
					t.Fatalf("seed %d: no packet was scaled: the stimulus does not exercise the limit", seed)
				}
				held := tickCollisions(s, c.cfg)
				if held == 0 {
					t.Fatalf("seed %d: no packet met a lease's tick: the wait for the sample port is not exercised", seed)
				}
				t.Logf("seed %d: %d packets scaled, %d packets waited for a tick", seed, scaled, held)
			}
		})
	}
}

// tickCollisions counts the packets whose sample read (gen/meter: cycle
// IngressLatency-1 after the packet) falls in a tick's windows, steps 0..4
// and 21..22 of the lease's slot, so they wait for the sample port.
func tickCollisions(s tb.Stimulus, cfg model.Config) int {
	n := 0
	col := s.Index("pkt_valid")
	for c := 2; c < s.Len(); c++ {
		h := uint64(c-2) + genmeter.IngressLatency - 1 // model cycle of the read (rst in cycles 0 and 1)
		ph := h % uint64(cfg.TickCycles)
		if st := ph % model.TickStagger; s.Get(c, col) != 0 && h >= uint64(cfg.TickCycles) && (st <= 4 || st == 21 || st == 22) && ph/model.TickStagger < uint64(cfg.Leases) {
			n++
		}
	}
	return n
}

// TestStimulusKeepsContracts holds the random stimulus to the block's
// contracts: pkt_valid at most once in any genmeter.MinPacketGap cycles,
// and no lease written by cfg_we twice within
// genmeter.SameLeaseConfigGap cycles; at the busiest settings both are met
// exactly, so the tests exercise the contracts' edges.
func TestStimulusKeepsContracts(t *testing.T) {
	for _, c := range configs {
		b := ingressBench(t, c.cfg)
		s, err := RandomIngress(b, c.cfg, Traffic{Cycles: 5000, PacketProb: 0.99, ConfigProb: 0.9}, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		pv, we, wl := s.Index("pkt_valid"), s.Index("cfg_we"), s.Index("cfg_lease")
		prev, minGap := -1, s.Len()
		lastW, minW := map[uint64]int{}, s.Len()
		for cy := 0; cy < s.Len(); cy++ {
			if s.Get(cy, pv) != 0 {
				if prev >= 0 {
					minGap = min(minGap, cy-prev)
				}
				prev = cy
			}
			if s.Get(cy, we) != 0 {
				l := s.Get(cy, wl)
				if at, ok := lastW[l]; ok {
					minW = min(minW, cy-at)
				}
				lastW[l] = cy
			}
		}
		if minGap != genmeter.MinPacketGap {
			t.Fatalf("%s: closest packets %d cycles apart, want exactly MinPacketGap = %d", c.name, minGap, genmeter.MinPacketGap)
		}
		if minW != genmeter.SameLeaseConfigGap {
			t.Fatalf("%s: closest writes to one lease %d cycles apart, want exactly SameLeaseConfigGap = %d", c.name, minW, genmeter.SameLeaseConfigGap)
		}
	}
}

// TestIngressEnginesAgree runs one random stimulus through the model, the Go
// simulator, Icarus and Verilator: identical traces.
func TestIngressEnginesAgree(t *testing.T) {
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		tooltest.Require(t, tool)
	}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := ingressBench(t, c.cfg)
			s, err := RandomIngress(b, c.cfg, Traffic{Cycles: 12000, PacketProb: 0.4, ConfigProb: 0.004, Unclassed: 0.2}, rand.New(rand.NewPCG(11, 12)))
			if err != nil {
				t.Fatal(err)
			}
			var scaled int
			if _, err := tb.RunAll(context.Background(), b.Design, s, IngressModel(c.cfg, &scaled), b.Engine(), tb.Icarus{}, tb.Verilator{}); err != nil {
				t.Fatal(err)
			}
			if scaled == 0 {
				t.Fatal("no packet was scaled")
			}
		})
	}
}

func egressStimulus(t *testing.T, b *gosim.Bench, leases, cycles int, rng *rand.Rand) tb.Stimulus {
	t.Helper()
	s, err := b.Design.NewStimulus(cycles)
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < cycles; c++ {
		row := map[string]uint64{"rst": b2u(c < 2)}
		if c >= 2 {
			if rng.IntN(2) == 0 {
				row["eg_valid"], row["eg_lease"], row["eg_tc"] = 1, uint64(rng.IntN(leases)), uint64(rng.IntN(0xffff))
			}
			if rng.IntN(8) == 0 {
				row["cfg_we"], row["cfg_lease"], row["cfg_deprio"], row["cfg_cap"] = 1, uint64(rng.IntN(leases)), uint64(rng.IntN(2)), uint64(rng.IntN(1<<15))
			}
		}
		for k, v := range row {
			if err := s.Set(c, s.Index(k), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// TestEgressCapRTLEqualsModel compares the egress cap with
// EgressConfig.Apply on random traffic and configuration, in the Go
// simulator and, when installed, Icarus and Verilator.
func TestEgressCapRTLEqualsModel(t *testing.T) {
	capEqualsModel(t, genmeter.NewEgressCap, []int{1, 5, 8}, 4000, 3,
		func(t *testing.T, b *gosim.Bench, leases, cycles int, rng *rand.Rand) tb.Stimulus {
			return egressStimulus(t, b, leases, cycles, rng)
		})
}

// capEqualsModel runs an egress cap built by newCap for each lease count
// on the stimulus stim makes, against EgressModel: in the Go simulator, and
// at 5 leases in Icarus and Verilator too.
func capEqualsModel(t *testing.T, newCap func(int) (*hdl.Module, error), leaseCounts []int, cycles int, seed uint64,
	stim func(t *testing.T, b *gosim.Bench, leases, cycles int, rng *rand.Rand) tb.Stimulus) {
	t.Helper()
	for _, leases := range leaseCounts {
		m, err := newCap(leases)
		if err != nil {
			t.Fatal(err)
		}
		b, err := gosim.New(m)
		if err != nil {
			t.Fatal(err)
		}
		s := stim(t, b, leases, cycles, rand.New(rand.NewPCG(uint64(leases), seed)))
		engines := []tb.Engine{EgressModel(leases), b.Engine()}
		if leases == 5 && haveTools(t) {
			engines = append(engines, tb.Icarus{}, tb.Verilator{})
		}
		if _, err := tb.RunAll(context.Background(), b.Design, s, engines...); err != nil {
			t.Fatalf("%d leases: %v", leases, err)
		}
	}
}

// readPortExercised fails unless the trace's read port showed a non-zero
// measured value, an enabled factor and a scaled_set pulse, so the
// comparison of the read port means something.
func readPortExercised(tr tb.Trace) error {
	for _, n := range []string{"rd_measured", "rd_scaling", "rd_factor", "scaled_set"} {
		col, seen := tr.Index(n), false
		for c := 0; c < tr.Len() && !seen; c++ {
			seen = tr.Get(c, col) != 0
		}
		if !seen {
			return fmt.Errorf("%s is 0 in every cycle: the stimulus does not exercise the read port", n)
		}
	}
	return nil
}

// TestIngressFactorClamp drives one lease to a steady measured value m >
// 2^16 and limits it to m-1, so the divider's quotient is 0xffff and the
// hardware must clamp it to MaxFactor exactly as the model does (random
// limits almost never land there).
func TestIngressFactorClamp(t *testing.T) {
	cfg := model.Config{ClockHz: 125_000_000, TickCycles: 80, K: 1, BytesPerCycle: 1, MaxPacketBytes: 100, Leases: 3}
	const prio, size = 0x7fff, 3 // sample 98,301 per tick
	// The steady measured value, from the model.
	probe, err := model.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	T := uint64(cfg.TickCycles)
	for n := uint64(0); n < 64; n++ {
		if _, err := probe.Ingress(n*T+30, 1, prio, size); err != nil {
			t.Fatal(err)
		}
	}
	if err := probe.AdvanceTo(64*T + 40); err != nil {
		t.Fatal(err)
	}
	st, _ := probe.State(1)
	meas := st.Measured
	if meas <= 1<<16 || model.Divide(meas-1, meas) != 0xffff {
		t.Fatalf("measured %d: the quotient is not 0xffff", meas)
	}
	b := ingressBench(t, cfg)
	cycles := 2 + 80*int(T)
	s, err := b.Design.NewStimulus(cycles)
	if err != nil {
		t.Fatal(err)
	}
	set := func(c int, name string, v uint64) {
		if err == nil {
			err = s.Set(c, s.Index(name), v)
		}
	}
	set(0, "rst", 1)
	set(1, "rst", 1)
	set(2, "cfg_we", 1)
	set(2, "cfg_lease", 1)
	set(2, "cfg_limited", 1)
	set(2, "cfg_limit", meas-1)
	for n := 0; n < 80; n++ {
		c := 2 + n*int(T) + 30
		set(c, "pkt_valid", 1)
		set(c, "pkt_lease", 1)
		set(c, "pkt_tc", prio)
		set(c, "pkt_bytes", size)
	}
	for c := 2; c < cycles; c++ {
		set(c, "rd_lease", 1)
	}
	if err != nil {
		t.Fatal(err)
	}
	var scaled int
	tr, err := tb.RunAll(context.Background(), b.Design, s, IngressModel(cfg, &scaled), b.Engine())
	if err != nil {
		t.Fatal(err)
	}
	col, hit := tr[0].Index("rd_factor"), false
	for c := 0; c < tr[0].Len() && !hit; c++ {
		hit = tr[0].Get(c, col) == model.MaxFactor
	}
	if !hit || scaled == 0 {
		t.Fatalf("the read port never showed factor %#x (%d packets scaled)", model.MaxFactor, scaled)
	}
}

// TestIngressEdgeConfigsRTLEqualsModel runs the ref4 device's own meter
// (32 leases) and configurations at the generator's edges through the
// model and the Go simulator: one lease with the shortest tick (one
// slot), a two-word acc with two leases, and K = 24, whose acc and factor
// need 48-bit sample_mem words.
func TestIngressEdgeConfigsRTLEqualsModel(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  model.Config
	}{
		{"ref4 device", Ref4Device},
		{"one lease", model.Config{ClockHz: 125_000_000, TickCycles: model.TickStagger + 1, K: 1, BytesPerCycle: 1, MaxPacketBytes: 16, Leases: 1}},
		{"two leases, two-word acc", model.Config{ClockHz: 125_000_000, TickCycles: 2 * model.TickStagger, K: 12, BytesPerCycle: 1, MaxPacketBytes: 300, Leases: 2}},
		{"K 24", model.Config{ClockHz: 125_000_000, TickCycles: 5 * model.TickStagger, K: model.MaxK, BytesPerCycle: 1, MaxPacketBytes: 1000, Leases: 5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := ingressBench(t, c.cfg)
			for seed := uint64(1); seed <= 2; seed++ {
				s, err := RandomIngress(b, c.cfg, Traffic{Cycles: 40000, PacketProb: 0.5 * float64(seed), ConfigProb: 0.01, Unclassed: 0.2}, rand.New(rand.NewPCG(seed, 9)))
				if err != nil {
					t.Fatal(err)
				}
				var scaled int
				if _, err := tb.RunAll(context.Background(), b.Design, s, IngressModel(c.cfg, &scaled), b.Engine()); err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if scaled == 0 {
					t.Fatalf("seed %d: no packet was scaled", seed)
				}
			}
		})
	}
}
