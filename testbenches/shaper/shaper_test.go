package shaper

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	model "github.com/pktnetwork/pktrouter/model/shaper"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// slotsConfig is a port with the shortest packets the block takes and
// room for the reserves of two guarantees on eight leases: its buckets
// are slots (gen/shaper Layout.Guarantees), as ref4's (one).
var slotsConfig = genshaper.Config{
	Config:         model.Config{BytesPerCycle: 1, BufferBytes: 64, MaxPacketBytes: 8, Leases: 8, RateFracBits: 16, ClassMantissaBits: 5},
	MinPacketBytes: 3,
	TagBits:        12,
}

// testConfig is small enough for the queue to fill and drain many times in
// a short run.
var testConfig = genshaper.Config{
	Config:         model.Config{BytesPerCycle: 1, BufferBytes: 2048, MaxPacketBytes: 128, Leases: 4, RateFracBits: 16, ClassMantissaBits: 0},
	MinPacketBytes: 16,
	TagBits:        16,
}

func bench(t *testing.T, c genshaper.Config) *gosim.Bench {
	t.Helper()
	b, err := NewBench(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rate(t *testing.T, c genshaper.Config, num, den uint64) uint64 {
	t.Helper()
	r, err := c.RateFromFraction(num, den)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// run compares the model with the Go simulator (and Icarus and Verilator
// when withTools) and returns the Go simulator's trace.
func run(t *testing.T, b *gosim.Bench, c genshaper.Config, s tb.Stimulus, withTools bool) tb.Trace {
	t.Helper()
	engines := []tb.Engine{Model(c), b.Engine()}
	if withTools {
		engines = append(engines, tb.Icarus{}, tb.Verilator{})
	}
	traces, err := tb.RunAll(context.Background(), b.Design, s, engines...)
	if err != nil {
		t.Fatal(err)
	}
	return traces[1]
}

// requireTools makes a test run on all three engines (skipped without the
// simulators outside CI).
func requireTools(t *testing.T) bool {
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		tooltest.Require(t, tool)
	}
	return true
}

// summary counts verdicts in a trace and checks every arrival got one.
type summary struct {
	verdicts   map[uint64]int
	refused    int
	departed   map[uint64]bool // by tag
	byLeaseBad map[uint64]int  // non-guaranteed verdicts per lease
}

func summarize(t *testing.T, s tb.Stimulus, tr tb.Trace) summary {
	t.Helper()
	sum := summary{verdicts: map[uint64]int{}, departed: map[uint64]bool{}, byLeaseBad: map[uint64]int{}}
	arrivals := 0 // that have a verdict within the trace
	for c := 0; c < s.Len(); c++ {
		if s.Get(c, s.Index("arr_valid")) == 1 && c+genshaper.VerdictLatency < s.Len() {
			arrivals++
		}
		if tr.Get(c, tr.Index("dep_valid")) == 1 {
			sum.departed[tr.Get(c, tr.Index("dep_tag"))] = true
		}
		if tr.Get(c, tr.Index("v_valid")) == 0 {
			continue
		}
		v := tr.Get(c, tr.Index("v_verdict"))
		sum.verdicts[v]++
		if v == genshaper.CodeDropped && tr.Get(c, tr.Index("v_cause")) == genshaper.CauseRefused {
			sum.refused++
		}
		if v != genshaper.CodeGuaranteed {
			sum.byLeaseBad[s.Get(c-genshaper.VerdictLatency, s.Index("arr_lease"))]++
		}
	}
	if got := sum.verdicts[0] + sum.verdicts[1] + sum.verdicts[2]; got != arrivals {
		t.Fatalf("%d verdicts for %d arrivals", got, arrivals)
	}
	return sum
}

func overloadStream(cycles int, c genshaper.Config, t *testing.T, reconfig float64) Stream {
	return Stream{
		Cycles: cycles,
		Leases: []model.LeaseConfig{{}, {Rate: rate(t, c, 1, 4), Burst: 300}, {Rate: rate(t, c, 1, 10), Burst: 200}},
		Sources: []Source{
			{Lease: 1, Prio: 300, Prob: 0.006}, {Lease: 2, Prio: 5, Prob: 0.005}, {Lease: 3, Prio: 9000, Prob: 0.004},
		},
		Reconfig: reconfig,
	}
}

// TestRTLEqualsModelRandom: overloaded paid leases with random guarantee
// changes; every verdict, departure and the backlog equal the model's in
// every cycle, and the stream really produces all three verdicts.
func TestRTLEqualsModelRandom(t *testing.T) {
	c := testConfig
	b := bench(t, c)
	for seed := uint64(1); seed <= 3; seed++ {
		s, err := Generate(b, c, overloadStream(30000, c, t, 0.002), rand.New(rand.NewPCG(seed, 99)))
		if err != nil {
			t.Fatal(err)
		}
		sum := summarize(t, s, run(t, b, c, s, false))
		if sum.verdicts[genshaper.CodeGuaranteed] == 0 || sum.verdicts[genshaper.CodeExcess] == 0 || sum.refused == 0 {
			t.Fatalf("seed %d: stream does not exercise every verdict: %v", seed, sum.verdicts)
		}
	}
}

// TestRTLEqualsModel_ShortPackets: the shortest packets the block takes
// (MinPacketBytes = 3: a new head descriptor comes out of block RAM two
// cycles after it is written, the cycle a 3-byte packet admitted into an
// empty queue can depart) on a port with two bucket slots for eight
// leases, with bursts that empty the queue, arrivals in consecutive cycles
// and frequent guarantee changes (slots allocated and freed, writes
// colliding with the refill and with takes); all engines equal the model,
// and the stream departs packets admitted into an empty queue.
func TestRTLEqualsModel_ShortPackets(t *testing.T) {
	c := slotsConfig
	b := bench(t, c)
	st := Stream{
		Cycles: 20000,
		Leases: []model.LeaseConfig{{}, {Rate: rate(t, c, 1, 5), Burst: 16}, {}, {Rate: rate(t, c, 1, 7), Burst: 17}},
		Sources: []Source{
			{Lease: 1, Prio: 300, Prob: 0.2, Period: 200, On: 60},
			{Lease: 3, Prio: 20, Prob: 0.15, Period: 300, On: 90},
			{Lease: 0, Prio: 7000, Prob: 0.1, Period: 250, On: 40},
			{Lease: 6, Prio: 1000, Prob: 0.1, Period: 170, On: 50},
		},
		Reconfig: 0.02,
	}
	s, err := Generate(b, c, st, rand.New(rand.NewPCG(11, 12)))
	if err != nil {
		t.Fatal(err)
	}
	tr := run(t, b, c, s, requireTools(t))
	sum := summarize(t, s, tr)
	if sum.verdicts[genshaper.CodeGuaranteed] == 0 || sum.verdicts[genshaper.CodeExcess] == 0 || sum.refused == 0 {
		t.Fatalf("stream does not exercise every verdict: %v", sum.verdicts)
	}
	// A 3-byte packet admitted into an empty queue departs two cycles after
	// its decision: look for one (the backlog output of the decision's row
	// is 0, and it is not refused).
	av, ab, bl, vv := s.Index("arr_valid"), s.Index("arr_bytes"), tr.Index("backlog"), tr.Index("v_verdict")
	quick := 0
	for r := 0; r+genshaper.VerdictLatency < s.Len(); r++ {
		h := r + genshaper.InputLatency // the row whose backlog output is the model's at the decision
		if s.Get(r, av) == 1 && s.Get(r, ab) == 3 && tr.Get(h, bl) == 0 && tr.Get(r+genshaper.VerdictLatency, vv) != genshaper.CodeDropped {
			quick++
		}
	}
	if quick == 0 {
		t.Fatal("no 3-byte packet admitted into an empty queue")
	}
	t.Logf("verdicts %v, %d 3-byte packets admitted into an empty queue", sum.verdicts, quick)
}

// TestRTLEqualsModel_Shapes: the generator's other shapes (lease counts
// 1..16, so lease rings of every size; 8 to 32 fractional bits; exact and
// coarse priority classes; buffers with room for the reserves of only 0, 1
// or 2 guarantees, so buckets in slots, allocated and freed by the
// guarantee changes) equal the model on a random overloaded stream with
// guarantee changes (Go simulator).
func TestRTLEqualsModel_Shapes(t *testing.T) {
	for _, tt := range []struct {
		leases int
		frac   uint
		m      uint
		buffer uint32
		slots  int // Layout.Guarantees < leases-1: buckets in slots; -1: rings (every paid lease)
	}{
		{1, 16, 5, 1500, -1}, {2, 8, 0, 1500, -1}, {4, 24, 14, 1500, -1}, {8, 32, 3, 1500, -1}, {16, 12, 5, 1500, -1},
		{4, 16, 5, 80, 0}, {8, 16, 5, 120, 1}, {8, 24, 0, 140, 1}, {16, 12, 5, 200, 2},
	} {
		t.Run(fmt.Sprintf("L%d_F%d_m%d_buf%d", tt.leases, tt.frac, tt.m, tt.buffer), func(t *testing.T) {
			c := genshaper.Config{
				Config:         model.Config{BytesPerCycle: 1, BufferBytes: tt.buffer, MaxPacketBytes: 40, Leases: tt.leases, RateFracBits: tt.frac, ClassMantissaBits: tt.m},
				MinPacketBytes: 4,
				TagBits:        10,
			}
			lay, err := c.Layout()
			if err != nil {
				t.Fatal(err)
			}
			want := tt.slots
			if want < 0 {
				want = tt.leases - 1
			}
			if lay.Guarantees != want {
				t.Fatalf("Layout.Guarantees = %d, want %d", lay.Guarantees, want)
			}
			b := bench(t, c)
			st := Stream{Cycles: 8000, Reconfig: 0.01, Leases: make([]model.LeaseConfig, tt.leases)}
			for i := 0; i < tt.leases; i++ {
				if i > 0 && i <= min(3, lay.Guarantees) {
					st.Leases[i] = model.LeaseConfig{Rate: rate(t, c, 1, uint64(4*tt.leases)), Burst: uint32(c.MinBurst())}
				}
				st.Sources = append(st.Sources, Source{Lease: i, Prio: uint16(100 + 977*i), Prob: 0.3 / float64(min(tt.leases, 4)), Period: 400, On: 150 + 20*i})
			}
			s, err := Generate(b, c, st, rand.New(rand.NewPCG(uint64(tt.leases), uint64(tt.frac))))
			if err != nil {
				t.Fatal(err)
			}
			sum := summarize(t, s, run(t, b, c, s, false))
			if sum.verdicts[genshaper.CodeExcess] == 0 || sum.refused == 0 || (lay.Guarantees > 0 && sum.verdicts[genshaper.CodeGuaranteed] == 0) {
				t.Fatalf("stream does not exercise every verdict: %v", sum.verdicts)
			}
			t.Logf("verdicts %v", sum.verdicts)
		})
	}
}

// TestEnginesAgree: the model, the Go simulator, Icarus and Verilator give
// identical traces on one random stream.
func TestEnginesAgree(t *testing.T) {
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		tooltest.Require(t, tool)
	}
	c := testConfig
	b := bench(t, c)
	s, err := Generate(b, c, overloadStream(12000, c, t, 0.003), rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	run(t, b, c, s, true)
}

// TestRTLEqualsModel_GuaranteedRateLosesNothing: lease 1 sends at exactly
// its guaranteed rate while leases 2 and 3 overload the link; the RTL
// equals the model, and every lease-1 packet is guaranteed and departs.
func TestRTLEqualsModel_GuaranteedRateLosesNothing(t *testing.T) {
	c := testConfig
	b := bench(t, c)
	st := Stream{
		Cycles: 30000,
		Leases: []model.LeaseConfig{{}, {Rate: rate(t, c, 3, 10), Burst: 2 * c.MaxPacketBytes}},
		// Lease 1's bucket starts empty when it is configured; its source
		// starts once the bucket is full (the round-robin refill lags by up
		// to Leases cycles, which the burst covers only from a full bucket).
		Sources: []Source{{Lease: 1, Paced: true, Rate: 0.3, Start: 1000}, {Lease: 2, Prob: 0.008}, {Lease: 3, Prob: 0.006}},
	}
	s, err := Generate(b, c, st, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	tr := run(t, b, c, s, false)
	sum := summarize(t, s, tr)
	if sum.byLeaseBad[1] != 0 {
		t.Fatalf("lease 1 at its guaranteed rate got %d non-guaranteed verdicts", sum.byLeaseBad[1])
	}
	if sum.refused == 0 {
		t.Fatal("the other leases were never refused: the link was not saturated")
	}
	sent := 0
	for cy := 0; cy < s.Len()-int(c.BufferBytes)-2; cy++ {
		if s.Get(cy, s.Index("arr_valid")) == 1 && s.Get(cy, s.Index("arr_lease")) == 1 {
			sent++
			if !sum.departed[s.Get(cy, s.Index("arr_tag"))] {
				t.Fatalf("lease 1 packet %d (cycle %d) never departed", s.Get(cy, s.Index("arr_tag")), cy)
			}
		}
	}
	if sent < 50 {
		t.Fatalf("only %d lease-1 packets", sent)
	}
}

// TestRTLEqualsModel_NoDropWhileLinkCouldTakeIt: on overload traffic equal
// to the model, every refusal happened with the queue above the packet's
// admission threshold (at least the floor, one largest packet, minus its
// length), or above the floor by the refusal barrier's shot (Refusals
// replays the barrier from the trace): nothing is refused while the link
// is idle or the queue is below the floor. Both streams are checked: the
// random overload (whose leases are refused so often that their barrier
// shot is always spent) and the barrier stream.
func TestRTLEqualsModel_NoDropWhileLinkCouldTakeIt(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    genshaper.Config
		st   func(genshaper.Config) Stream
	}{
		{"overload", testConfig, func(c genshaper.Config) Stream { return overloadStream(30000, c, t, 0) }},
		{"barrier", barConfig, func(c genshaper.Config) Stream { return barrierStream(20000) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, st := tt.c, tt.st(tt.c)
			b := bench(t, c)
			s, err := Generate(b, c, st, rand.New(rand.NewPCG(8, 9)))
			if err != nil {
				t.Fatal(err)
			}
			tr := run(t, b, c, s, false)
			p, err := model.New(c.Config, st.Leases, nil)
			if err != nil {
				t.Fatal(err)
			}
			thr, bar, err := Refusals(p, s, tr)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d refusals above the threshold, %d by the barrier", thr, bar)
			if thr == 0 {
				t.Fatal("no refusals: the stream does not test the property")
			}
		})
	}
}

// TestRefusalsRejects: the drop-rule check fails on a refusal the rule
// does not allow (an admitted packet turned into a refusal at a queue level
// below its threshold with the barrier's shot spent or not applicable) and
// on a barrier refusal turned into an admission.
func TestRefusalsRejects(t *testing.T) {
	c, st := barConfig, barrierStream(20000)
	b := bench(t, c)
	s, err := Generate(b, c, st, rand.New(rand.NewPCG(8, 9)))
	if err != nil {
		t.Fatal(err)
	}
	tr := run(t, b, c, s, false)
	p, err := model.New(c.Config, st.Leases, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Refusals(p, s, tr); err != nil {
		t.Fatal(err)
	}
	vi, ci := tr.Index("v_verdict"), tr.Index("v_cause")
	flip := func(cy int, to uint64) {
		t.Helper()
		if err := tr.Set(cy, vi, to); err != nil {
			t.Fatal(err)
		}
	}
	mutations := 0
	for cy := genshaper.VerdictLatency; cy < tr.Len() && mutations < 2; cy++ {
		if tr.Get(cy, tr.Index("v_valid")) == 0 {
			continue
		}
		a := cy - genshaper.VerdictLatency
		v := tr.Get(cy, vi)
		level := tr.Get(a+genshaper.InputLatency, tr.Index("backlog")) + s.Get(a, s.Index("arr_bytes"))
		switch {
		case v == genshaper.CodeExcess && level <= uint64(p.Floor()) && mutations == 0:
			flip(cy, genshaper.CodeDropped) // refused below the floor
		case v == genshaper.CodeDropped && tr.Get(cy, ci) == genshaper.CauseRefused && mutations == 1 &&
			level <= uint64(p.Threshold(p.Rank(int(s.Get(a, s.Index("arr_lease"))), uint16(s.Get(a, s.Index("arr_prio")))))):
			flip(cy, genshaper.CodeExcess) // the barrier's shot not taken
		default:
			continue
		}
		if _, _, err := Refusals(p, s, tr); err == nil {
			t.Fatalf("mutation %d (cycle %d, verdict %d) not detected", mutations, cy, v)
		} else {
			t.Logf("mutation %d: %v", mutations, err)
		}
		flip(cy, v)
		mutations++
	}
	if mutations != 2 {
		t.Fatalf("only %d mutations found to test", mutations)
	}
}

// TestRTLEqualsModel_FreeTierPassesWhenIdle: the free lease alone at 80%
// of the link, beside a paid lease within its guarantee, loses nothing.
func TestRTLEqualsModel_FreeTierPassesWhenIdle(t *testing.T) {
	c := testConfig
	b := bench(t, c)
	st := Stream{
		Cycles:  20000,
		Leases:  []model.LeaseConfig{{}, {Rate: rate(t, c, 1, 10), Burst: 2 * c.MaxPacketBytes}},
		Sources: []Source{{Lease: 0, Paced: true, Rate: 0.7}, {Lease: 1, Paced: true, Rate: 0.1}},
	}
	s, err := Generate(b, c, st, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	sum := summarize(t, s, run(t, b, c, s, false))
	if sum.verdicts[genshaper.CodeDropped] != 0 {
		t.Fatalf("%d packets dropped below line rate", sum.verdicts[genshaper.CodeDropped])
	}
	if sum.verdicts[genshaper.CodeExcess] < 50 {
		t.Fatalf("only %d free-lease packets admitted", sum.verdicts[genshaper.CodeExcess])
	}
}

// satConfig has a buffer deep enough for the per-rank thresholds of 16
// priority classes to lie 128 bytes (one largest packet) apart.
var satConfig = genshaper.Config{
	Config:         model.Config{BytesPerCycle: 1, BufferBytes: 8192, MaxPacketBytes: 128, Leases: 4, RateFracBits: 16, ClassMantissaBits: 0},
	MinPacketBytes: 32,
	TagBits:        16,
}

// leaseStats is what a trace says about each lease.
type leaseStats struct {
	arrived, refused  int
	departedBytes     uint64 // in the second half of the run
	maxAdmit, minDrop uint64 // backlog+len at the highest admission / lowest refusal
}

func statsByLease(t *testing.T, s tb.Stimulus, tr tb.Trace, leases int) []leaseStats {
	t.Helper()
	st := make([]leaseStats, leases)
	for i := range st {
		st[i].minDrop = 1 << 62
	}
	bytesOf := map[uint64]uint64{}
	leaseOf := map[uint64]int{}
	for cy := genshaper.VerdictLatency; cy < tr.Len(); cy++ {
		if a := cy - genshaper.VerdictLatency; s.Get(a, s.Index("arr_valid")) == 1 {
			tag := s.Get(a, s.Index("arr_tag"))
			l := int(s.Get(a, s.Index("arr_lease")))
			n := s.Get(a, s.Index("arr_bytes"))
			bytesOf[tag], leaseOf[tag] = n, l
			st[l].arrived++
			level := tr.Get(a+genshaper.InputLatency, tr.Index("backlog")) + n
			switch tr.Get(cy, tr.Index("v_verdict")) {
			case genshaper.CodeDropped:
				st[l].refused++
				st[l].minDrop = min(st[l].minDrop, level)
			case genshaper.CodeExcess:
				st[l].maxAdmit = max(st[l].maxAdmit, level)
			}
		}
		if tr.Get(cy, tr.Index("dep_valid")) == 1 && cy >= tr.Len()/2 {
			tag := tr.Get(cy, tr.Index("dep_tag"))
			st[leaseOf[tag]].departedBytes += bytesOf[tag]
		}
	}
	return st
}

// TestRTLEqualsModel_LowestPriorityDroppedFirst saturates the link with
// three excess-only leases at priorities of classes 2, 8 and 15, each
// offering 40% of the link. On the RTL (the model, the Go simulator, Icarus
// and Verilator equal in every cycle):
// the highest loses (almost) nothing, the lowest loses most and passes
// only what is left, and no lease is ever refused at a queue level at which
// a lower-priority lease was admitted.
func TestRTLEqualsModel_LowestPriorityDroppedFirst(t *testing.T) {
	c := satConfig
	b := bench(t, c)
	prios := []uint16{0, 2, 200, 30000} // by lease; lease 0 sends nothing
	st := Stream{Cycles: 120000, Leases: []model.LeaseConfig{{}}}
	for l := 1; l <= 3; l++ {
		st.Sources = append(st.Sources, Source{Lease: l, Prio: prios[l], Prob: 0.4 / float64(c.MaxPacketBytes)})
	}
	s, err := Generate(b, c, st, rand.New(rand.NewPCG(21, 22)))
	if err != nil {
		t.Fatal(err)
	}
	ls := statsByLease(t, s, run(t, b, c, s, requireTools(t)), c.Leases)
	half := float64(st.Cycles / 2)
	for l := 1; l <= 3; l++ {
		t.Logf("lease %d priority %d: %d arrived, %d refused, passes %.3f of the link", l, prios[l], ls[l].arrived, ls[l].refused, float64(ls[l].departedBytes)/half)
	}
	if ls[1].refused == 0 {
		t.Fatal("the lowest priority lost nothing: the link was not saturated")
	}
	if loss := float64(ls[3].refused) / float64(ls[3].arrived); loss > 0.01 {
		t.Errorf("highest priority lost %.2f%% of its packets, want < 1%%", 100*loss)
	}
	if ls[1].refused <= ls[2].refused || ls[2].refused < ls[3].refused {
		t.Errorf("refusals by priority %d, %d, %d: want the lowest priority dropped first", ls[1].refused, ls[2].refused, ls[3].refused)
	}
	if share := float64(ls[1].departedBytes) / half; share > 0.25 {
		t.Errorf("lowest priority passes %.3f of the link, want about the 0.2 left over", share)
	}
	for lo := 1; lo <= 3; lo++ {
		for hi := lo + 1; hi <= 3; hi++ {
			if ls[lo].maxAdmit >= ls[hi].minDrop {
				t.Errorf("priority %d admitted at queue level %d, priority %d refused at %d", prios[lo], ls[lo].maxAdmit, prios[hi], ls[hi].minDrop)
			}
		}
	}
}

// TestRTLEqualsModel_FreeTierStarvedFirst: the free lease at the highest
// priority and a paid lease at priority 1 together offer 130% of the link.
// The free lease is the one starved: the paid lease loses (almost) nothing.
// The model and the three engines agree in every cycle.
func TestRTLEqualsModel_FreeTierStarvedFirst(t *testing.T) {
	c := satConfig
	b := bench(t, c)
	st := Stream{
		Cycles:  100000,
		Leases:  []model.LeaseConfig{{}},
		Sources: []Source{{Lease: 0, Prio: model.MaxPriority, Prob: 0.5 / 128}, {Lease: 1, Prio: 1, Prob: 0.8 / 128}},
	}
	s, err := Generate(b, c, st, rand.New(rand.NewPCG(31, 32)))
	if err != nil {
		t.Fatal(err)
	}
	ls := statsByLease(t, s, run(t, b, c, s, requireTools(t)), c.Leases)
	t.Logf("free: %d arrived, %d refused; paid: %d arrived, %d refused", ls[0].arrived, ls[0].refused, ls[1].arrived, ls[1].refused)
	if ls[0].refused == 0 {
		t.Fatal("the free lease lost nothing: the link was not saturated")
	}
	if loss := float64(ls[1].refused) / float64(ls[1].arrived); loss > 0.01 {
		t.Errorf("paid lease at priority 1 lost %.2f%% of its packets beside the free tier, want < 1%%", 100*loss)
	}
	if ls[0].maxAdmit >= ls[1].minDrop {
		t.Errorf("free lease admitted at queue level %d, paid refused at %d", ls[0].maxAdmit, ls[1].minDrop)
	}
}

// barConfig has priority classes with two mantissa bits (m = 2: a
// BarrierMargin of 2 classes) and a small buffer, so that the barrier's
// time scales are short (decay every 2^11 cycles, shot window 2^13) and
// eight leases give many shots.
var barConfig = genshaper.Config{
	Config:         model.Config{BytesPerCycle: 1, BufferBytes: 512, MaxPacketBytes: 64, Leases: 8, RateFracBits: 16, ClassMantissaBits: 2},
	MinPacketBytes: 16,
	TagBits:        16,
}

// barrierStream makes the refusal barrier fire: lease 1 at the top
// priority overloads the link in bursts (raising the barrier to its rank+1
// every burst), while the free lease and leases 2..7 send sparse packets
// at lower priorities; those arriving while the queue drains between
// bursts (above the floor, below their threshold) are the barrier's shots.
// Lease 2 sits exactly BarrierMargin classes below lease 1 (never refused
// by the barrier), lease 3 one class lower (refused while the barrier has
// not decayed).
func barrierStream(cycles int) Stream {
	st := Stream{Cycles: cycles, Leases: []model.LeaseConfig{{}}}
	st.Sources = append(st.Sources, Source{Lease: 1, Prio: model.MaxPriority, Prob: 0.05, Period: 800, On: 200})
	prios := []uint16{3000, 0, 0x5fff, 0x5000, 1, 300, 40, 9}
	for l, pr := range prios {
		if l == 1 {
			continue
		}
		st.Sources = append(st.Sources, Source{Lease: l, Prio: pr, Prob: 0.001})
	}
	return st
}

// TestRTLEqualsModel_BarrierFires: on the barrier stream the model makes
// refusals the thresholds alone would not make, and the RTL equals the
// model in every cycle on the Go simulator, Icarus and Verilator.
func TestRTLEqualsModel_BarrierFires(t *testing.T) {
	c, st := barConfig, barrierStream(40000)
	b := bench(t, c)
	s, err := Generate(b, c, st, rand.New(rand.NewPCG(41, 42)))
	if err != nil {
		t.Fatal(err)
	}
	tr := run(t, b, c, s, requireTools(t))
	p, err := model.New(c.Config, st.Leases, nil)
	if err != nil {
		t.Fatal(err)
	}
	thr, bar, err := Refusals(p, s, tr)
	if err != nil {
		t.Fatal(err)
	}
	byLease := map[uint64]int{}
	vValid, vVerdict, arrLease := tr.Index("v_valid"), tr.Index("v_verdict"), s.Index("arr_lease")
	for cy := genshaper.VerdictLatency; cy < tr.Len(); cy++ {
		if tr.Get(cy, vValid) == 1 && tr.Get(cy, vVerdict) == genshaper.CodeDropped {
			byLease[s.Get(cy-genshaper.VerdictLatency, arrLease)]++
		}
	}
	t.Logf("%d refusals above the threshold, %d by the barrier; refusals by lease %v", thr, bar, byLease)
	if bar < 15 { // 23 with this seed, at most one per lease (six below the margin) per shot window
		t.Fatalf("only %d refusals by the barrier, want >= 15", bar)
	}
}
