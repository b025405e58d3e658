package gosim

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// TestEngineMatchesIcarus runs a 10-bit saturating counter (synchronous
// reset and load in the stimulus) through the Go simulator engine and
// Icarus, and checks the traces are equal and that the counter really moved.
func TestEngineMatchesIcarus(t *testing.T) {
	tooltest.Require(t, "iverilog")
	tooltest.Require(t, "vvp")
	m, err := blocks.Counter(10, blocks.Saturate)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Design.Ports[0]; got.Name != "rst" || got.Width != 1 || got.Output {
		t.Fatalf("first port %+v, want the rst input", got)
	}
	s, err := b.Design.NewStimulus(5000)
	if err != nil {
		t.Fatal(err)
	}
	s.Randomize(rand.New(rand.NewPCG(1, 2)))
	// Reset now and then, load rarely, count most cycles, so the counter
	// climbs, saturates, and is cleared and loaded again.
	s.SetColumn(s.Index("rst"), func(c int) uint64 { return boolU(c == 0 || c%2500 == 7) })
	s.SetColumn(s.Index("load"), func(c int) uint64 { return boolU(c%997 == 3) })
	s.SetColumn(s.Index("en"), func(c int) uint64 { return boolU(c%5 != 0) })
	traces, err := tb.RunAll(context.Background(), b.Design, s, b.Engine(), tb.Icarus{})
	if err != nil {
		t.Fatal(err)
	}
	q := traces[0].Index("q")
	seen := map[uint64]bool{}
	for c := 0; c < traces[0].Len(); c++ {
		seen[traces[0].Get(c, q)] = true
	}
	if len(seen) < 900 || !seen[1023] {
		t.Errorf("counter took %d distinct values (saturated: %v); the test did not exercise it", len(seen), seen[1023])
	}
}

func boolU(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
