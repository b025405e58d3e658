package labelparse

import (
	"math/rand/v2"
	"testing"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/label"
)

// schemes are the configurations the tests run: the four cjdns schemes
// with ref4's table size (F4 and F8 cannot reach every slot or fill the
// table: both cases are exercised).
var schemes = []struct {
	name string
	cfg  lp.Config
}{
	{"v358", lp.Ref4},
	{"f4", withScheme(label.F4)},
	{"f8", withScheme(label.F8)},
	{"v4x8", withScheme(label.V4x8)},
	// Not a cjdns scheme: its wider-bit form is the narrower director
	// (6 bits vs 5), so an ingress number can fail to fit the egress
	// form (RETURN_PATH_INVALID after presence), and labels ending in
	// 010, 100 or 110 match no form (MALFORMED_ADDRESS first of all).
	{"x", withScheme(label.Scheme{{BitCount: 3, PrefixLen: 3, Prefix: 0}, {BitCount: 4, PrefixLen: 1, Prefix: 1}})},
}

// heldSchemes are schemes' configurations built for a held input
// (lp.Config.HeldInput), plus the device's: v358, 33 interfaces, 6-bit
// virtual routers.
var heldSchemes = func() []struct {
	name string
	cfg  lp.Config
} {
	out := []struct {
		name string
		cfg  lp.Config
	}{}
	for _, sc := range schemes {
		sc.name, sc.cfg.HeldInput = "held-"+sc.name, true
		out = append(out, sc)
	}
	dev := lp.Ref4
	dev.VRBits, dev.HeldInput = 6, true
	return append(out, struct {
		name string
		cfg  lp.Config
	}{"held-device", dev})
}()

func withScheme(s label.Scheme) lp.Config {
	c := lp.Ref4
	c.Scheme = s
	return c
}

// randomTable fills a table with mostly valid entries, a few absent ones
// and two virtual routers, so every result code is reachable.
func randomTable(cfg lp.Config, r *rand.Rand) Table {
	t := make(Table, cfg.Interfaces)
	for n := range t {
		t[n] = lp.Entry{
			Valid: r.IntN(5) != 0,
			Port:  r.Uint32N(1 << cfg.PortBits),
			Tag:   r.Uint32N(1 << cfg.TagBits),
			VR:    r.Uint32N(2),
		}
	}
	return t
}

// randomHeader is a header with random fields; the label's upper bits are
// random, zero or a short path end with a probability each, so the
// return-path rules (which need zero bits above the director) are hit.
func randomHeader(r *rand.Rand) label.Header {
	l := r.Uint64()
	switch r.IntN(4) {
	case 0:
		l &= 1<<(r.IntN(64)+1) - 1
	case 1:
		l = l&(1<<r.IntN(14)-1) | 1<<r.IntN(20)
	}
	h := label.Header{
		Label:          l,
		Congestion:     uint8(r.IntN(128)),
		SuppressErrors: r.IntN(2) == 1,
		Version:        uint8(r.IntN(4)),
		LabelShift:     uint8(r.IntN(64)),
		TrafficClass:   uint16(r.Uint32()),
	}
	if r.IntN(2) == 0 {
		h.LabelShift = uint8(r.IntN(64 - 10))
	}
	return h
}

// check compares hops with Golden, reporting at most a few differences.
func check(t *testing.T, cfg lp.Config, table Table, reqs []Request, got []Hop) map[lp.Result]int {
	t.Helper()
	if len(got) != len(reqs) {
		t.Fatalf("%d hops for %d requests", len(got), len(reqs))
	}
	seen := map[lp.Result]int{}
	bad := 0
	for i, r := range reqs {
		want := Golden(cfg, table, r)
		seen[want.Result]++
		if got[i] != want {
			bad++
			if bad <= 5 {
				t.Errorf("request %d from %d label %s shift %d:\n got %+v\nwant %+v", i, r.From,
					label.FormatLabel(r.Header.Label), r.Header.LabelShift, got[i], want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d hops differ", bad, len(reqs))
	}
	return seen
}

// randomRequests draws n requests; one in 16 has an ingress number outside
// the table (in_from is wider than the table).
func randomRequests(cfg lp.Config, r *rand.Rand, n int) []Request {
	reqs := make([]Request, n)
	aw := cfg.AddrBits()
	for i := range reqs {
		from := r.Uint32N(uint32(cfg.Interfaces))
		if r.IntN(16) == 0 {
			from = r.Uint32N(1 << aw)
		}
		reqs[i] = Request{Header: randomHeader(r), From: from}
	}
	return reqs
}
