package shaper

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	model "github.com/pktnetwork/pktrouter/model/shaper"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// testConfig is small enough for the queue to fill and drain many times in
// a short run.
var testConfig = genshaper.Config{
	Config:         model.Config{BytesPerCycle: 1, BufferBytes: 2048, MaxPacketBytes: 128, Leases: 4, RateFracBits: 16, ClassMantissaBits: 0},
	MinPacketBytes: 16,
	TagBits:        16,
}

func bench(t *testing.T, c genshaper.Config) Bench {
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
func run(t *testing.T, b Bench, c genshaper.Config, s tb.Stimulus, withTools bool) tb.Trace {
	t.Helper()
	engines := []tb.Engine{Model(c), b.GoSim()}
	if withTools {
		engines = append(engines, tb.Icarus{}, tb.Verilator{})
	}
	traces, err := tb.RunAll(context.Background(), b.Design, s, engines...)
	if err != nil {
		t.Fatal(err)
	}
	return traces[1]
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
	arrivals := 0
	for c := 0; c < s.Len(); c++ {
		if s.Get(c, s.Index("arr_valid")) == 1 {
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
			sum.byLeaseBad[s.Get(c-1, s.Index("arr_lease"))]++
		}
	}
	if got := sum.verdicts[0] + sum.verdicts[1] + sum.verdicts[2]; got != arrivals && got != arrivals-boolInt(s.Get(s.Len()-1, s.Index("arr_valid")) == 1) {
		t.Fatalf("%d verdicts for %d arrivals", got, arrivals)
	}
	return sum
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func overloadStream(cycles int, c genshaper.Config, t *testing.T, reconfig float64) Stream {
	return Stream{
		Cycles: cycles,
		Leases: []model.LeaseConfig{{}, {Rate: rate(t, c, 1, 4), Burst: 300}, {Rate: rate(t, c, 1, 10), Burst: 200}},
		Sources: []Source{
			{Lease: 1, Prob: 0.006}, {Lease: 2, Prob: 0.005}, {Lease: 3, Prob: 0.004},
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
		Cycles:  30000,
		Leases:  []model.LeaseConfig{{}, {Rate: rate(t, c, 3, 10), Burst: 2 * c.MaxPacketBytes}},
		Sources: []Source{{Lease: 1, Paced: true, Rate: 0.3}, {Lease: 2, Prob: 0.008}, {Lease: 3, Prob: 0.006}},
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
// to the model, every refusal happened with more than ExcessLimit-len bytes
// already queued: nothing is refused while the link has room for it.
func TestRTLEqualsModel_NoDropWhileLinkCouldTakeIt(t *testing.T) {
	c := testConfig
	b := bench(t, c)
	st := overloadStream(30000, c, t, 0)
	s, err := Generate(b, c, st, rand.New(rand.NewPCG(8, 9)))
	if err != nil {
		t.Fatal(err)
	}
	tr := run(t, b, c, s, false)
	p, err := model.New(c.Config, st.Leases, nil)
	if err != nil {
		t.Fatal(err)
	}
	limit := uint64(p.ExcessLimit())
	refusals := 0
	for cy := 1; cy < tr.Len(); cy++ {
		if tr.Get(cy, tr.Index("v_valid")) == 0 || tr.Get(cy, tr.Index("v_verdict")) != genshaper.CodeDropped {
			continue
		}
		refusals++
		backlog := tr.Get(cy-1, tr.Index("backlog"))
		n := s.Get(cy-1, s.Index("arr_bytes"))
		if backlog+n <= limit {
			t.Fatalf("cycle %d: a %d-byte packet refused with %d bytes queued, excess limit %d", cy-1, n, backlog, limit)
		}
	}
	if refusals == 0 {
		t.Fatal("no refusals: the stream does not test the property")
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

// TestPushOutIsTheDocumentedDifference pins what gen/shaper leaves out: the
// free lease fills the queue to the excess limit, then a paid excess packet
// arrives. The model pushes free packets out and admits it; the RTL refuses
// it. The model engine reports such a stream as outside the comparison.
func TestPushOutIsTheDocumentedDifference(t *testing.T) {
	c := testConfig
	b := bench(t, c)
	s, err := b.Design.NewStimulus(60)
	if err != nil {
		t.Fatal(err)
	}
	set := func(cy int, name string, v uint64) {
		if err := s.Set(cy, s.Index(name), v); err != nil {
			t.Fatal(err)
		}
	}
	set(0, "rst", 1)
	// 17 free-lease packets of 128 bytes back to back: the queue passes
	// the excess limit (2047) and the 17th is refused...
	cy := 1
	for i := 0; i < 17; i++ {
		set(cy, "arr_valid", 1)
		set(cy, "arr_lease", 0)
		set(cy, "arr_bytes", 128)
		set(cy, "arr_tag", uint64(i))
		cy++
	}
	// ...then a paid (lease 2, no guarantee: excess) packet of 64 bytes.
	paid := cy
	set(cy, "arr_valid", 1)
	set(cy, "arr_lease", 2)
	set(cy, "arr_bytes", 64)
	set(cy, "arr_tag", 100)

	_, err = tb.RunAll(context.Background(), b.Design, s, Model(c))
	if !errors.Is(err, ErrEvicted) {
		t.Fatalf("model engine: got %v, want ErrEvicted", err)
	}
	traces, err := tb.RunAll(context.Background(), b.Design, s, b.GoSim())
	if err != nil {
		t.Fatal(err)
	}
	tr := traces[0]
	if v, cause := tr.Get(paid+1, tr.Index("v_verdict")), tr.Get(paid+1, tr.Index("v_cause")); v != genshaper.CodeDropped || cause != genshaper.CauseRefused {
		t.Fatalf("RTL verdict for the paid packet: %d cause %d, want dropped/refused", v, cause)
	}
	// The model, driven directly: the paid packet pushes a free one out.
	var obs observer
	p, err := model.New(c.Config, nil, &obs)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 17; i++ {
		if _, err := p.Arrive(uint64(i), model.Packet{ID: uint64(i), Lease: 0, Priority: Priority, Bytes: 128}); err != nil {
			t.Fatal(err)
		}
	}
	v, err := p.Arrive(17, model.Packet{ID: 100, Lease: 2, Priority: Priority, Bytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	if v != model.Excess || obs.evicted != 1 {
		t.Fatalf("model: verdict %v with %d evictions, want excess after 1 eviction", v, obs.evicted)
	}
}
