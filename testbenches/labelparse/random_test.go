package labelparse

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
)

// RandomEnv sets the number of random headers per scheme TestRandom runs
// (default DefaultRandom, the 1,000,000 per scheme the label-parser checks
// call for; ShortRandom under -short).
const RandomEnv = "PKTROUTER_LABELPARSE_RANDOM"

// DefaultRandom headers per scheme take about 4.5 s on one core (Go
// simulator and Golden together); ShortRandom about 0.5 s.
const (
	DefaultRandom = 1_000_000
	ShortRandom   = 100_000
)

func randomCount(t *testing.T) int {
	s := os.Getenv(RandomEnv)
	if s == "" {
		if testing.Short() {
			return ShortRandom
		}
		return DefaultRandom
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number of headers", RandomEnv, s)
	}
	return n
}

// TestRandom runs random headers, from random ingress slots, through the
// Go simulator of each scheme's block, pipelined and held-input, and
// compares every hop with Golden.
func TestRandom(t *testing.T) {
	all := randomCount(t)
	for _, sc := range append(schemes, heldSchemes...) {
		t.Run(sc.name, func(t *testing.T) {
			// The held-input block takes a header every Spacing cycles:
			// as many cycles, fewer headers.
			n := max(1, all/Spacing(sc.cfg))
			r := rand.New(rand.NewPCG(11, uint64(len(sc.name))))
			table := randomTable(sc.cfg, r)
			hp, err := NewHopper(sc.cfg, table)
			if err != nil {
				t.Fatal(err)
			}
			const batch = 1 << 16
			total := map[string]int{}
			for done := 0; done < n; done += batch {
				reqs := randomRequests(sc.cfg, r, min(batch, n-done))
				got, err := hp.Hop(context.Background(), GoSim, reqs)
				if err != nil {
					t.Fatal(err)
				}
				for res, c := range check(t, sc.cfg, table, reqs, got) {
					total[res.String()] += c
				}
				if t.Failed() {
					return
				}
			}
			t.Logf("%d hops: %v", n, total)
		})
	}
}

// BenchmarkHop measures the Go simulator's hops per second through
// Hopper (v358, ref4), without the Golden comparison.
func BenchmarkHop(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	table := randomTable(lp.Ref4, r)
	hp, err := NewHopper(lp.Ref4, table)
	if err != nil {
		b.Fatal(err)
	}
	reqs := randomRequests(lp.Ref4, r, 1<<16)
	b.ResetTimer()
	for done := 0; done < b.N; done += len(reqs) {
		n := min(len(reqs), b.N-done)
		if _, err := hp.Hop(context.Background(), GoSim, reqs[:n]); err != nil {
			b.Fatal(err)
		}
	}
}
