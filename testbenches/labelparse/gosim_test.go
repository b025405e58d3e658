package labelparse

import (
	"context"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"math/rand/v2"
	"testing"
)

// TestEveryDirector runs every director of every form of each scheme from
// every ingress slot (for F4: every (interface, ingress slot) pair), with
// three label shapes each (director alone, director and the path end,
// random upper bits), on the Go simulator against Golden; pipelined and
// held-input.
func TestEveryDirector(t *testing.T) {
	// v358 with a full table too: every director then names a slot.
	full := lp.Ref4
	full.Interfaces = 257
	fullHeld := full
	fullHeld.HeldInput = true
	for _, sc := range append(append(schemes, heldSchemes...), []struct {
		name string
		cfg  lp.Config
	}{{"v358-257", full}, {"held-v358-257", fullHeld}}...) {
		t.Run(sc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(len(sc.name))))
			s := sc.cfg.Scheme
			table := randomTable(sc.cfg, r)
			var reqs []Request
			for _, f := range s {
				for field := range uint64(1) << f.BitCount {
					dir := field<<f.PrefixLen | uint64(f.Prefix)
					if len(s) == 1 {
						dir = field
					}
					size := f.Size()
					for from := range uint32(sc.cfg.Interfaces) {
						for _, upper := range []uint64{0, 1, r.Uint64()} {
							h := randomHeader(r)
							h.Label = dir | upper<<size
							reqs = append(reqs, Request{Header: h, From: from})
						}
					}
				}
			}
			hp, err := NewHopper(sc.cfg, table)
			if err != nil {
				t.Fatal(err)
			}
			got, err := hp.Hop(context.Background(), GoSim, reqs)
			if err != nil {
				t.Fatal(err)
			}
			seen := check(t, sc.cfg, table, reqs, got)
			t.Logf("%d hops, results %v", len(reqs), seen)
		})
	}
}
