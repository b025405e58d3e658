package fabric

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// models lists one configuration of every fabric model, 16 ports each.
func models() []FabricConfig {
	return []FabricConfig{
		{Kind: KindFIFO, Ports: 16, Contention: Random, Seed: 1},
		{Kind: KindFIFO, Ports: 16, Contention: RoundRobin},
		{Kind: KindVOQ, Ports: 16, Iterations: 1},
		{Kind: KindVOQ, Ports: 16},
		{Kind: KindVOQ, Ports: 16, PacketMode: true},
		{Kind: KindOQ, Ports: 16},
		{Kind: KindClos, Clos: ClosConfig{M: 4, N: 4, R: 4}},
		{Kind: KindClos, Clos: ClosConfig{M: 7, N: 4, R: 4, Buffer: 2}},
		{Kind: KindVOQ, Ports: 16, Pipelined: true},
		{Kind: KindClos, Clos: ClosConfig{M: 4, N: 4, R: 4, Buffer: 2, Pipelined: true}},
	}
}

func patterns(seed uint64, load float64) []TrafficConfig {
	return []TrafficConfig{
		{Pattern: Uniform, Load: load, Seed: seed},
		{Pattern: Bursty, Load: load, MeanBurst: 6, Seed: seed},
		{Pattern: Hotspot, Load: load, HotspotFrac: 0.03, HotspotPort: 5, Seed: seed},
		{Pattern: Diagonal, Load: load, Seed: seed},
	}
}

func name(fc FabricConfig, tc TrafficConfig) string {
	s := fc.Kind.String()
	switch fc.Kind {
	case KindFIFO:
		s += map[Contention]string{Random: "/random", RoundRobin: "/roundrobin"}[fc.Contention]
	case KindVOQ:
		it := fmt.Sprint(fc.Iterations)
		if fc.Iterations == 0 {
			it = "log2N"
		}
		s += fmt.Sprintf("/it=%s/packet=%v", it, fc.PacketMode)
		if fc.Pipelined {
			s += "/pipelined"
		}
	case KindClos:
		s += fmt.Sprintf("/m%dn%dr%d", fc.Clos.M, fc.Clos.N, fc.Clos.R)
		if fc.Clos.Pipelined {
			s += "/pipelined"
		}
	}
	return s + "/" + tc.Pattern.String()
}

// driveStats is what drive observed.
type driveStats struct {
	arrived, delivered int64
	perOutput          []int64
	cellModeInterleave bool // some output or input interleaved two packets
}

// drive runs f under tr with the given ready function and checks, every
// slot: each output sends at most one cell and only when ready; each flow's
// cells leave in order, none lost or duplicated; crossbar models send at most
// one cell per input and their reported match is exactly the cells that
// left; every Clos switch's match uses each of its outputs (links) once at
// most; cells are conserved (arrived = delivered + backlog).
func drive(t *testing.T, f Fabric, tr *Traffic, slots int64, ready func(int64) uint64) driveStats {
	t.Helper()
	n := f.Ports()
	st := driveStats{perOutput: make([]int64, n)}
	next := make([]uint64, n*n)
	outPkt := make([]int64, n) // packet (input<<32 | packet) in progress per output, -1 none
	inPkt := make([]int64, n)
	for i := range outPkt {
		outPkt[i], inPkt[i] = -1, -1
	}
	var arr, out []Cell
	for slot := int64(0); slot < slots; slot++ {
		arr = tr.Arrivals(slot, arr[:0])
		for _, c := range arr {
			if err := f.Arrive(c); err != nil {
				t.Fatal(err)
			}
		}
		st.arrived += int64(len(arr))
		rd := lowMask(n)
		if ready != nil {
			rd = ready(slot) & lowMask(n)
		}
		out = f.Step(slot, rd, out[:0])
		var outs, ins uint64
		for _, c := range out {
			if outs&(1<<c.Output) != 0 {
				t.Fatalf("slot %d: output %d sent two cells", slot, c.Output)
			}
			if rd&(1<<c.Output) == 0 {
				t.Fatalf("slot %d: output %d sent while not ready", slot, c.Output)
			}
			outs |= 1 << c.Output
			ins |= 1 << c.Input
			fl := c.Input*n + c.Output
			if c.Seq != next[fl] {
				t.Fatalf("slot %d: flow %d→%d delivered seq %d, expected %d", slot, c.Input, c.Output, c.Seq, next[fl])
			}
			next[fl]++
			if c.Arrival > slot {
				t.Fatalf("slot %d: cell left before it arrived (slot %d)", slot, c.Arrival)
			}
			st.perOutput[c.Output]++
			id := int64(c.Input)<<32 | int64(c.Packet)
			if (outPkt[c.Output] >= 0 && outPkt[c.Output] != id) || (inPkt[c.Input] >= 0 && inPkt[c.Input] != id) {
				st.cellModeInterleave = true
			}
			if c.Last {
				outPkt[c.Output], inPkt[c.Input] = -1, -1
			} else {
				outPkt[c.Output], inPkt[c.Input] = id, id
			}
		}
		st.delivered += int64(len(out))
		switch m := f.(type) {
		case interface{ LastMatch() []int }:
			if len(out) != popcount(ins) {
				t.Fatalf("slot %d: an input sent %d cells over %d inputs", slot, len(out), popcount(ins))
			}
			sent := 0
			for i, j := range m.LastMatch() {
				if j >= 0 {
					sent++
					if ins&(1<<i) == 0 || outs&(1<<j) == 0 {
						t.Fatalf("slot %d: match %d→%d but no such cell left", slot, i, j)
					}
				}
			}
			if sent != len(out) {
				t.Fatalf("slot %d: match has %d pairs, %d cells left", slot, sent, len(out))
			}
		case *Clos:
			ms := m.LastMatches()
			for _, stage := range [][][]int{ms.Ingress, ms.Middle, ms.Egress} {
				for sw, match := range stage {
					var used uint64
					for _, j := range match {
						if j >= 0 {
							if used&(1<<j) != 0 {
								t.Fatalf("slot %d: Clos switch %d sends two cells on link %d: %v", slot, sw, j, match)
							}
							used |= 1 << j
						}
					}
				}
			}
		}
		if got := int64(f.Backlog()); got != st.arrived-st.delivered {
			t.Fatalf("slot %d: backlog %d, but %d arrived and %d left", slot, got, st.arrived, st.delivered)
		}
	}
	return st
}

func popcount(x uint64) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

// TestInvariantsEveryModelEveryPattern drives every model under every
// pattern, with all outputs ready and with random back-pressure, and lets
// drive check the per-slot invariants.
func TestInvariantsEveryModelEveryPattern(t *testing.T) {
	for _, fc := range models() {
		for _, tc := range patterns(21, 0.85) {
			for _, bp := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/backpressure=%v", name(fc, tc), bp), func(t *testing.T) {
					f, err := New(fc)
					if err != nil {
						t.Fatal(err)
					}
					tc.Ports = f.Ports()
					tr, err := NewTraffic(tc)
					if err != nil {
						t.Fatal(err)
					}
					var ready func(int64) uint64
					if bp {
						// Each output is ready in a slot with probability
						// 7/8, from a hash of (slot, output).
						ready = func(slot int64) uint64 {
							var m uint64
							for j := range 64 {
								h := uint64(slot)*0x9e3779b97f4a7c15 ^ uint64(j)*0xbf58476d1ce4e5b9
								h ^= h >> 31
								h *= 0x94d049bb133111eb
								if (h>>29)&7 != 0 {
									m |= 1 << j
								}
							}
							return m
						}
					}
					st := drive(t, f, tr, 3000, ready)
					if st.delivered == 0 {
						t.Fatal("nothing delivered")
					}
				})
			}
		}
	}
}

// TestPacketModeKeepsPacketsTogether: in packet mode no output and no input
// ever interleaves cells of two packets; in cell mode, under the same
// traffic, they do (so the check can fail).
func TestPacketModeKeepsPacketsTogether(t *testing.T) {
	for _, pkt := range []bool{true, false} {
		v, err := NewVOQ(8, 3, pkt)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTraffic(TrafficConfig{Pattern: Bursty, Ports: 8, Load: 0.8, MeanBurst: 5, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		st := drive(t, v, tr, 20000, nil)
		if st.cellModeInterleave == pkt {
			t.Errorf("packet mode %v: packets interleaved = %v", pkt, st.cellModeInterleave)
		}
		if thr := float64(st.delivered) / float64(st.arrived); thr < 0.97 {
			t.Errorf("packet mode %v: delivered only %.3f of the cells offered at load 0.8", pkt, thr)
		}
	}
}

// TestBackPressure blocks output 3 for good and halves output 7 (ready on
// even slots only). Nothing may leave output 3; output 7 can send at most
// every other slot. In the VOQ, OQ and Clos fabrics (a queue per final
// output at every stage) the other outputs must still carry all they are
// offered; in the FIFO switch, head cells bound for output 3 block their
// inputs for ever, so the whole switch must stall.
func TestBackPressure(t *testing.T) {
	const slots = 20000
	ready := func(slot int64) uint64 {
		m := ^uint64(0) &^ (1 << 3)
		if slot%2 == 1 {
			m &^= 1 << 7
		}
		return m
	}
	for _, fc := range models() {
		t.Run(name(fc, TrafficConfig{}), func(t *testing.T) {
			f, err := New(fc)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := NewTraffic(TrafficConfig{Ports: 16, Load: 0.6, Seed: 4})
			if err != nil {
				t.Fatal(err)
			}
			st := drive(t, f, tr, slots, ready)
			if st.perOutput[3] != 0 {
				t.Errorf("blocked output 3 sent %d cells", st.perOutput[3])
			}
			if st.perOutput[7] > slots/2 {
				t.Errorf("half-ready output 7 sent %d cells in %d slots", st.perOutput[7], slots)
			}
			var others int64
			for j, c := range st.perOutput {
				if j != 3 && j != 7 {
					others += c
				}
			}
			// Offered to each output: 0.6 cells/slot; 14 unaffected outputs.
			rate := float64(others) / (14 * slots)
			if fc.Kind == KindFIFO {
				if rate > 0.05 {
					t.Errorf("FIFO with a dead output still carried %.3f per output: head-of-line blocking missing", rate)
				}
				return
			}
			if math.Abs(rate-0.6) > 0.02 {
				t.Errorf("unaffected outputs carried %.3f cells/slot, offered 0.6", rate)
			}
		})
	}
}

// TestFIFOSaturationThroughput compares the saturation throughput of the
// FIFO switch with random contention with Karol, Hluchyj and Morgan,
// "Input versus output queueing on a space-division packet switch", IEEE
// Trans. Commun. 1987, Table I (N = 4: 0.6553, N = 8: 0.6184) and the
// N → ∞ limit 2 − √2 ≈ 0.5858 (N = 16 lies at about 0.600). Round-robin
// contention does not change which head cells block, so it must land near
// the same values.
func TestFIFOSaturationThroughput(t *testing.T) {
	for _, tc := range []struct {
		n         int
		want, tol float64
	}{
		{4, 0.6553, 0.006},
		{8, 0.6184, 0.006},
		{16, 0.600, 0.01},
		{32, 2 - math.Sqrt2 + 0.007, 0.01},
	} {
		for _, cont := range []Contention{Random, RoundRobin} {
			r, err := Measure(Config{
				Fabric:  FabricConfig{Kind: KindFIFO, Ports: tc.n, Contention: cont, Seed: 3},
				Traffic: TrafficConfig{Load: 1, Seed: 4},
				Warmup:  500, Slots: 40000,
			})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.Throughput-tc.want) > tc.tol {
				t.Errorf("FIFO N=%d contention %d: saturation throughput %.4f, want %.4f ± %.3f", tc.n, cont, r.Throughput, tc.want, tc.tol)
			}
		}
	}
}

// TestISLIPThroughputAtFullLoad: a 16-port VOQ switch with log2 N = 4 iSLIP
// iterations carries at least 0.98 of uniform Bernoulli load 1, and one
// iteration does too (McKeown 1999: 100% under uniform i.i.d. traffic).
// The FIFO switch under the same traffic stays near 0.6.
func TestISLIPThroughputAtFullLoad(t *testing.T) {
	for _, c := range []struct {
		it   int
		pipe bool
	}{{4, false}, {1, false}, {4, true}} {
		it := c.it
		r, err := Measure(Config{
			Fabric:  FabricConfig{Kind: KindVOQ, Ports: 16, Iterations: it, Pipelined: c.pipe},
			Traffic: TrafficConfig{Load: 1, Seed: 8},
			Warmup:  20000, Slots: 40000,
		})
		if err != nil {
			t.Fatal(err)
		}
		if r.Throughput < 0.98 {
			t.Errorf("iSLIP N=16, %d iterations, pipelined %v: throughput %.4f at load 1, want >= 0.98", it, c.pipe, r.Throughput)
		}
	}
}

// TestClosThroughputAgainstCrossbar: the Clos fabric with m = n and with
// m = 2n − 1 (N = 16 from 4×4 edge switches) carries at least 0.95 of what
// the 16-port iSLIP crossbar carries, at uniform load 1 and at load 0.9
// bursty.
func TestClosThroughputAgainstCrossbar(t *testing.T) {
	for _, tc := range []TrafficConfig{
		{Pattern: Uniform, Load: 1, Seed: 12},
		{Pattern: Bursty, Load: 0.9, MeanBurst: 8, Seed: 12},
	} {
		base := Config{Traffic: tc, Warmup: 10000, Slots: 20000}
		base.Fabric = FabricConfig{Kind: KindVOQ, Ports: 16}
		xbar, err := Measure(base)
		if err != nil {
			t.Fatal(err)
		}
		for _, pipe := range []bool{false, true} {
			for _, m := range []int{4, 7} {
				base.Fabric = FabricConfig{Kind: KindClos, Clos: ClosConfig{M: m, N: 4, R: 4, Pipelined: pipe}}
				clos, err := Measure(base)
				if err != nil {
					t.Fatal(err)
				}
				if clos.Throughput < 0.95*xbar.Throughput {
					t.Errorf("%s: Clos m=%d pipelined %v throughput %.4f < 0.95 × crossbar %.4f", tc.Pattern, m, pipe, clos.Throughput, xbar.Throughput)
				}
			}
		}
	}
}

// TestOQDeliversOffered: the output-queued switch delivers everything it is
// offered below load 1 (throughput = offered load, bounded backlog), and its
// mean delay matches Karol et al.'s closed form for uniform Bernoulli
// traffic, W = (N−1)/N · ρ / (2(1−ρ)) slots (a cell leaving in its arrival
// slot has delay 0).
func TestOQDeliversOffered(t *testing.T) {
	const n = 16
	for _, rho := range []float64{0.3, 0.6, 0.9, 0.95} {
		r, err := Measure(Config{
			Fabric:  FabricConfig{Kind: KindOQ, Ports: n},
			Traffic: TrafficConfig{Load: rho, Seed: 5},
			Warmup:  2000, Slots: 40000,
		})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.Throughput-r.Offered) > 0.002 || math.Abs(r.Offered-rho) > 0.01 {
			t.Errorf("ρ=%v: offered %.4f, delivered %.4f", rho, r.Offered, r.Throughput)
		}
		if r.Backlog > 30*n {
			t.Errorf("ρ=%v: backlog %d cells at the end", rho, r.Backlog)
		}
		w := float64(n-1) / n * rho / (2 * (1 - rho))
		if math.Abs(r.MeanLatency-w) > 0.05*w+0.02 {
			t.Errorf("ρ=%v: mean delay %.3f slots, theory %.3f", rho, r.MeanLatency, w)
		}
	}
}

// TestInputQueuedLatencyOrdering: at uniform load 0.8, above the FIFO
// switch's saturation throughput (about 0.60 at N = 16), the FIFO switch
// cannot keep up, the VOQ switch can, and the OQ switch has the lowest delay.
func TestInputQueuedLatencyOrdering(t *testing.T) {
	run := func(fc FabricConfig) Result {
		r, err := Measure(Config{Fabric: fc, Traffic: TrafficConfig{Load: 0.8, Seed: 2}, Warmup: 2000, Slots: 20000})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	fifo := run(FabricConfig{Kind: KindFIFO, Ports: 16})
	voq := run(FabricConfig{Kind: KindVOQ, Ports: 16})
	oq := run(FabricConfig{Kind: KindOQ, Ports: 16})
	if fifo.Throughput > 0.65 {
		t.Errorf("FIFO at load 0.8 carried %.3f, above its saturation throughput", fifo.Throughput)
	}
	if math.Abs(voq.Throughput-voq.Offered) > 0.005 {
		t.Errorf("VOQ at load 0.8 carried %.4f of %.4f offered", voq.Throughput, voq.Offered)
	}
	if !(oq.MeanLatency < voq.MeanLatency) {
		t.Errorf("OQ delay %.3f not below VOQ delay %.3f", oq.MeanLatency, voq.MeanLatency)
	}
}

// TestMeasureCountsOrderAndConflicts: Measure's own checks report zero for
// every model under every pattern.
func TestMeasureCountsOrderAndConflicts(t *testing.T) {
	for _, fc := range models() {
		for _, tc := range patterns(31, 0.9) {
			r, err := Measure(Config{Fabric: fc, Traffic: tc, Warmup: 100, Slots: 2000})
			if err != nil {
				t.Fatal(err)
			}
			if r.OutOfOrder != 0 || r.Conflicts != 0 || r.Delivered == 0 {
				t.Errorf("%s: out of order %d, conflicts %d, delivered %d", name(fc, tc), r.OutOfOrder, r.Conflicts, r.Delivered)
			}
		}
	}
}

// TestDeterminism: equal seeds give equal results for every model; another
// traffic seed gives different ones.
func TestDeterminism(t *testing.T) {
	for _, fc := range models() {
		for _, tc := range patterns(41, 0.9) {
			cfg := Config{Fabric: fc, Traffic: tc, Warmup: 200, Slots: 2000}
			a, err := Measure(cfg)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Measure(cfg)
			if a != b {
				t.Errorf("%s: two runs differ:\n%+v\n%+v", name(fc, tc), a, b)
			}
			cfg.Traffic.Seed++
			c, _ := Measure(cfg)
			if a == c {
				t.Errorf("%s: seeds %d and %d gave identical results", name(fc, tc), tc.Seed, tc.Seed+1)
			}
		}
	}
}

// TestClosMiddleAssignmentAndBuffers checks the documented middle-switch
// rule and the inter-stage credits: a cell of flow (i, o) is only ever
// queued at middle switch (i + o) mod m, and no middle or egress queue ever
// holds more than Buffer cells, even with outputs that are rarely ready.
func TestClosMiddleAssignmentAndBuffers(t *testing.T) {
	const m, buffer = 5, 2
	c, err := NewClos(ClosConfig{M: m, N: 3, R: 4, Buffer: buffer})
	if err != nil {
		t.Fatal(err)
	}
	if c.Ports() != 12 || c.Config().Buffer != buffer {
		t.Fatalf("ports %d buffer %d", c.Ports(), c.Config().Buffer)
	}
	tr, _ := NewTraffic(TrafficConfig{Pattern: Hotspot, HotspotFrac: 0.2, Ports: 12, Load: 0.9, Seed: 1})
	var arr, out []Cell
	peak := 0
	for slot := int64(0); slot < 3000; slot++ {
		for _, cell := range tr.Arrivals(slot, arr[:0]) {
			if err := c.Arrive(cell); err != nil {
				t.Fatal(err)
			}
		}
		ready := ^uint64(0)
		if slot%4 != 0 {
			ready &^= 0b111 // outputs 0..2 (egress switch 0) ready one slot in four
		}
		out = c.Step(slot, ready, out[:0])
		check := func(stage string, sw int, s *closStage) {
			for x := range s.q {
				q := &s.q[x]
				peak = max(peak, q.n)
				if q.n > buffer {
					t.Fatalf("slot %d: %s switch %d queue %d holds %d cells, buffer %d", slot, stage, sw, x, q.n, buffer)
				}
				if stage != "middle" {
					continue
				}
				for y := range q.n {
					cell := q.buf[(q.head+y)%len(q.buf)]
					if want := (cell.Input + cell.Output) % m; sw != want || c.Middle(cell.Input, cell.Output) != want {
						t.Fatalf("flow %d→%d queued at middle %d, want %d", cell.Input, cell.Output, sw, want)
					}
				}
			}
		}
		for k, s := range c.middle {
			check("middle", k, s)
		}
		for e, s := range c.egress {
			check("egress", e, s)
		}
	}
	if peak != buffer {
		t.Errorf("stage queues peaked at %d cells; the test never filled a %d-cell buffer", peak, buffer)
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		fc   FabricConfig
		want string
	}{
		{FabricConfig{Kind: KindFIFO, Ports: 0}, "FIFO switch ports 0"},
		{FabricConfig{Kind: KindFIFO, Ports: 4, Contention: 9}, "contention 9"},
		{FabricConfig{Kind: KindVOQ, Ports: 65}, "VOQ switch ports 65"},
		{FabricConfig{Kind: KindVOQ, Ports: 4, Iterations: 5}, "iterations 5"},
		{FabricConfig{Kind: KindOQ, Ports: -1}, "output-queued switch ports -1"},
		{FabricConfig{Kind: KindClos, Clos: ClosConfig{M: 0, N: 4, R: 4}}, "each must be at least 1"},
		{FabricConfig{Kind: KindClos, Clos: ClosConfig{M: 4, N: 8, R: 9}}, "at most 64"},
		{FabricConfig{Kind: KindClos, Clos: ClosConfig{M: 4, N: 4, R: 4, Buffer: -1}}, "buffer -1"},
		{FabricConfig{Kind: KindClos, Clos: ClosConfig{M: 4, N: 4, R: 4, Iterations: -2}}, "iterations -2"},
		{FabricConfig{Kind: KindClos, Ports: 8, Clos: ClosConfig{M: 4, N: 4, R: 4}}, "16 ports, but 8"},
		{FabricConfig{Kind: 7}, "unknown fabric kind 7"},
	} {
		if _, err := New(tc.fc); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error %v, want it to mention %q", tc.fc, err, tc.want)
		}
	}
	for _, fc := range models() {
		f, err := New(fc)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []Cell{{Input: -1}, {Input: 16}, {Output: 16}, {Output: -3}} {
			if err := f.Arrive(c); err == nil || !strings.Contains(err.Error(), "out of range 0..15") {
				t.Errorf("%s: Arrive(%+v) error %v", fc.Kind, c, err)
			}
		}
		if f.Backlog() != 0 {
			t.Errorf("%s: rejected cells were queued", fc.Kind)
		}
	}
}

func TestMeasureErrors(t *testing.T) {
	ok := Config{Fabric: FabricConfig{Kind: KindOQ, Ports: 4}, Traffic: TrafficConfig{Load: 0.5}, Slots: 10}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Slots = 0 }, "at least 1 slot"},
		{func(c *Config) { c.Warmup = -1 }, "warm-up -1"},
		{func(c *Config) { c.Traffic.Ports = 8 }, "traffic has 8 ports, fabric 4"},
		{func(c *Config) { c.Traffic.Load = 1.5 }, "load 1.5"},
		{func(c *Config) { c.Fabric.Ports = 0 }, "ports 0"},
	} {
		c := ok
		tc.edit(&c)
		if _, err := Measure(c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Measure error %v, want it to mention %q", err, tc.want)
		}
	}
	if _, err := Sweep(ok, []float64{0.5, 2}); err == nil || !strings.Contains(err.Error(), "sweep at load 2") {
		t.Errorf("Sweep with a bad load: error %v", err)
	}
}

// TestSweep: a sweep returns one result per load, in order, and the VOQ
// switch carries what it is offered at every load below 0.9.
func TestSweep(t *testing.T) {
	loads := []float64{0.2, 0.5, 0.8}
	rs, err := Sweep(Config{Fabric: FabricConfig{Kind: KindVOQ, Ports: 8}, Traffic: TrafficConfig{Seed: 1}, Warmup: 1000, Slots: 10000}, loads)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(loads) {
		t.Fatalf("%d results for %d loads", len(rs), len(loads))
	}
	prevLat := -1.0
	for k, r := range rs {
		if r.Load != loads[k] || math.Abs(r.Throughput-loads[k]) > 0.02 {
			t.Errorf("load %v: result for load %v with throughput %.4f", loads[k], r.Load, r.Throughput)
		}
		if r.MeanLatency <= prevLat {
			t.Errorf("load %v: delay %.3f not above the previous load's %.3f", loads[k], r.MeanLatency, prevLat)
		}
		prevLat = r.MeanLatency
	}
}

func TestKindNames(t *testing.T) {
	for k := KindFIFO; k <= KindClos; k++ {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseKind("banyan"); err == nil || !strings.Contains(err.Error(), `"banyan"`) {
		t.Errorf("ParseKind(banyan) error %v", err)
	}
	if s := Kind(9).String(); s != "Kind(9)" {
		t.Errorf("Kind(9).String() = %q", s)
	}
}

// TestMinimumLatency pins the slot contract the hardware is held to: a lone
// cell crosses a crossbar (FIFO, VOQ) or the OQ switch in its arrival slot,
// and the Clos in three slots (one per stage: latency 2). Pipelined, each
// crossbar adds one slot and each Clos stage two (the decision, then the
// transfer, which the next stage sees a slot later): latency 1 and 5.
func TestMinimumLatency(t *testing.T) {
	for _, fc := range models() {
		want := int64(0)
		switch {
		case fc.Kind == KindClos && fc.Clos.Pipelined:
			want = 5
		case fc.Kind == KindClos:
			want = 2
		case fc.Pipelined:
			want = 1
		}
		f, err := New(fc)
		if err != nil {
			t.Fatal(err)
		}
		// Idle slots first: a pipelined scheduler requests with the ready
		// mask of the slot before.
		for slot := range int64(10) {
			f.Step(slot, ^uint64(0), nil)
		}
		if err := f.Arrive(Cell{Input: 5, Output: 9, Last: true, Arrival: 10}); err != nil {
			t.Fatal(err)
		}
		var got []Cell
		slot := int64(10)
		for ; slot < 20 && len(got) == 0; slot++ {
			got = f.Step(slot, ^uint64(0), nil)
		}
		if len(got) != 1 || got[0].Input != 5 || got[0].Output != 9 || slot-1-10 != want {
			t.Errorf("%s: got %+v leaving in slot %d, want the cell in slot %d", fc.Kind, got, slot-1, 10+want)
		}
	}
}
