package fabric

import (
	"math"
	"strings"
	"testing"
)

// trafficStats runs a generator for slots slots, checks the per-slot rules
// (at most one cell per input, input order, arrival stamp, consecutive flow
// sequence numbers, a packet's cells contiguous at its input and bound for
// one output) and tallies what it saw.
type trafficStats struct {
	cells, packets int64
	toOutput       []int64 // by (output − input) mod N
	toPort         []int64 // by output
	slots          int64
}

func runTraffic(t *testing.T, cfg TrafficConfig, slots int64) trafficStats {
	t.Helper()
	tr, err := NewTraffic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := cfg.Ports
	st := trafficStats{toOutput: make([]int64, n), toPort: make([]int64, n), slots: slots}
	next := make([]uint64, n*n)
	pkt := make([]uint64, n)
	open := make([]int, n) // output of the packet in progress at each input, -1 none
	lastSlot := make([]int64, n)
	for i := range open {
		open[i] = -1
	}
	var buf []Cell
	for slot := range slots {
		buf = tr.Arrivals(slot, buf[:0])
		prev := -1
		for _, c := range buf {
			if c.Input <= prev {
				t.Fatalf("slot %d: inputs out of order or repeated: %d after %d", slot, c.Input, prev)
			}
			prev = c.Input
			if c.Arrival != slot || c.Output < 0 || c.Output >= n {
				t.Fatalf("slot %d: bad cell %+v", slot, c)
			}
			f := c.Input*n + c.Output
			if c.Seq != next[f] || c.Packet != pkt[c.Input] {
				t.Fatalf("slot %d: cell %+v, want seq %d packet %d", slot, c, next[f], pkt[c.Input])
			}
			next[f]++
			if o := open[c.Input]; o >= 0 && (o != c.Output || lastSlot[c.Input] != slot-1) {
				t.Fatalf("slot %d: input %d's packet to %d continued to %d after a gap since slot %d", slot, c.Input, o, c.Output, lastSlot[c.Input])
			}
			lastSlot[c.Input] = slot
			if c.Last {
				open[c.Input] = -1
				pkt[c.Input]++
				st.packets++
			} else {
				open[c.Input] = c.Output
			}
			st.cells++
			st.toOutput[(c.Output-c.Input+n)%n]++
			st.toPort[c.Output]++
		}
	}
	return st
}

func TestTrafficOfferedLoad(t *testing.T) {
	const n, slots = 16, 20000
	for _, p := range []Pattern{Uniform, Bursty, Hotspot, Diagonal} {
		for _, load := range []float64{0, 0.3, 0.9, 1} {
			st := runTraffic(t, TrafficConfig{Pattern: p, Ports: n, Load: load, MeanBurst: 10, HotspotFrac: 0.05, Seed: 6}, slots)
			got := float64(st.cells) / (n * slots)
			tol := 0.01
			if p == Bursty {
				tol = 0.03 // bursts of 10 make the estimate ~3× noisier
			}
			if math.Abs(got-load) > tol {
				t.Errorf("%s load %v: offered %.4f cells/slot/input", p, load, got)
			}
		}
	}
}

func TestTrafficBurstLength(t *testing.T) {
	for _, b := range []float64{1, 4, 16} {
		st := runTraffic(t, TrafficConfig{Pattern: Bursty, Ports: 8, Load: 0.7, MeanBurst: b, Seed: 2}, 40000)
		mean := float64(st.cells) / float64(st.packets)
		if math.Abs(mean-b) > 0.05*b {
			t.Errorf("mean burst %v: measured %.3f cells per packet", b, mean)
		}
	}
	// Load 1: no idle slots at all, bursts back to back.
	st := runTraffic(t, TrafficConfig{Pattern: Bursty, Ports: 4, Load: 1, MeanBurst: 3, Seed: 2}, 1000)
	if st.cells != 4*1000 {
		t.Errorf("bursty at load 1: %d cells in 1000 slots × 4 inputs", st.cells)
	}
}

func TestTrafficDestinations(t *testing.T) {
	const n, slots = 8, 40000
	// Uniform: every output gets 1/N of the cells; every Bernoulli cell is a
	// whole packet.
	st := runTraffic(t, TrafficConfig{Pattern: Uniform, Ports: n, Load: 0.8, Seed: 3}, slots)
	for j, c := range st.toPort {
		if f := float64(c) / float64(st.cells); math.Abs(f-1.0/n) > 0.005 {
			t.Errorf("uniform: output %d got %.4f of cells, want %.4f", j, f, 1.0/n)
		}
	}
	if st.packets != st.cells {
		t.Errorf("uniform: %d packets for %d cells", st.packets, st.cells)
	}
	// Hotspot: the hot output gets h + (1−h)/N, the others (1−h)/N.
	const h = 0.1
	st = runTraffic(t, TrafficConfig{Pattern: Hotspot, Ports: n, Load: 0.5, HotspotFrac: h, HotspotPort: 6, Seed: 3}, slots)
	for j, c := range st.toPort {
		want := (1 - h) / n
		if j == 6 {
			want += h
		}
		if f := float64(c) / float64(st.cells); math.Abs(f-want) > 0.005 {
			t.Errorf("hotspot: output %d got %.4f of cells, want %.4f", j, f, want)
		}
	}
	// Diagonal: 2/3 to i, 1/3 to i+1, nothing elsewhere.
	st = runTraffic(t, TrafficConfig{Pattern: Diagonal, Ports: n, Load: 0.9, Seed: 3}, slots)
	for d, c := range st.toOutput {
		want := map[int]float64{0: 2.0 / 3, 1: 1.0 / 3}[d]
		if f := float64(c) / float64(st.cells); math.Abs(f-want) > 0.005 {
			t.Errorf("diagonal: offset %d got %.4f of cells, want %.4f", d, f, want)
		}
	}
}

func TestTrafficDeterministic(t *testing.T) {
	gen := func(seed uint64) []Cell {
		tr, err := NewTraffic(TrafficConfig{Pattern: Bursty, Ports: 8, Load: 0.5, MeanBurst: 4, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		var all []Cell
		for slot := range int64(500) {
			all = tr.Arrivals(slot, all)
		}
		return all
	}
	a, b, c := gen(1), gen(1), gen(2)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("same seed: %d and %d cells", len(a), len(b))
	}
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("same seed, cell %d differs: %+v %+v", k, a[k], b[k])
		}
	}
	same := len(a) == len(c)
	for k := 0; same && k < len(a); k++ {
		same = a[k] == c[k]
	}
	if same {
		t.Error("seeds 1 and 2 gave the same traffic")
	}
}

func TestTrafficErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  TrafficConfig
		want string
	}{
		{TrafficConfig{Ports: 0, Load: 0.5}, "ports 0"},
		{TrafficConfig{Ports: 70, Load: 0.5}, "ports 70"},
		{TrafficConfig{Ports: 4, Load: -0.1}, "load -0.1"},
		{TrafficConfig{Ports: 4, Load: math.NaN()}, "load NaN"},
		{TrafficConfig{Pattern: Bursty, Ports: 4, Load: 0.5, MeanBurst: 0.5}, "mean burst >= 1"},
		{TrafficConfig{Pattern: Bursty, Ports: 4, Load: 0.5, MeanBurst: math.Inf(1)}, "finite mean burst"},
		{TrafficConfig{Pattern: Hotspot, Ports: 4, Load: 0.5, HotspotFrac: 1.2}, "hotspot fraction 1.2"},
		{TrafficConfig{Pattern: Hotspot, Ports: 4, Load: 0.5, HotspotPort: 4}, "hotspot port 4"},
		{TrafficConfig{Pattern: 9, Ports: 4, Load: 0.5}, "unknown traffic pattern 9"},
	} {
		if _, err := NewTraffic(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewTraffic(%+v) error %v, want it to mention %q", tc.cfg, err, tc.want)
		}
	}
}

func TestPatternNames(t *testing.T) {
	for p := Uniform; p <= Diagonal; p++ {
		got, err := ParsePattern(p.String())
		if err != nil || got != p {
			t.Errorf("ParsePattern(%q) = %v, %v", p.String(), got, err)
		}
	}
	if _, err := ParsePattern("zipf"); err == nil || !strings.Contains(err.Error(), `"zipf"`) {
		t.Errorf("ParsePattern(zipf) error %v", err)
	}
}
