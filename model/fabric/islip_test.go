package fabric

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refISLIP is a second, deliberately plain implementation of iSLIP written
// straight from McKeown's description with boolean matrices and modular
// scans. ISLIP must agree with it decision by decision.
type refISLIP struct {
	in, out, iters int
	pkt            bool
	g, a, hold     []int
}

func newRef(in, out, iters int, pkt bool) *refISLIP {
	r := &refISLIP{in: in, out: out, iters: iters, pkt: pkt,
		g: make([]int, out), a: make([]int, in), hold: make([]int, in)}
	for i := range r.hold {
		r.hold[i] = -1
	}
	return r
}

func (r *refISLIP) step(req, eop [][]bool) []int {
	match := make([]int, r.in)
	for i := range match {
		match[i] = -1
	}
	inBusy := make([]bool, r.in)
	outBusy := make([]bool, r.out)
	if r.pkt {
		for i, h := range r.hold {
			if h >= 0 {
				inBusy[i], outBusy[h] = true, true
				if req[i][h] {
					match[i] = h
				}
			}
		}
	}
	for it := 0; it < r.iters; it++ {
		grantTo := make([]int, r.out)
		for j := range grantTo {
			grantTo[j] = -1
			if outBusy[j] {
				continue
			}
			for k := 0; k < r.in; k++ {
				i := (r.g[j] + k) % r.in
				if !inBusy[i] && req[i][j] {
					grantTo[j] = i
					break
				}
			}
		}
		for i := 0; i < r.in; i++ {
			if inBusy[i] {
				continue
			}
			for k := 0; k < r.out; k++ {
				j := (r.a[i] + k) % r.out
				if grantTo[j] == i {
					match[i] = j
					inBusy[i], outBusy[j] = true, true
					if it == 0 {
						r.a[i] = (j + 1) % r.out
						r.g[j] = (i + 1) % r.in
					}
					break
				}
			}
		}
	}
	if r.pkt {
		for i, j := range match {
			if j >= 0 {
				if eop[i][j] {
					r.hold[i] = -1
				} else {
					r.hold[i] = j
				}
			}
		}
	}
	return match
}

// randomRequests draws a request matrix with density p, as bitmasks and as
// booleans.
func randomRequests(rng *rand.Rand, in, out int, p float64) ([]uint64, [][]bool) {
	bm := make([]uint64, in)
	bl := make([][]bool, in)
	for i := range in {
		bl[i] = make([]bool, out)
		for j := range out {
			if rng.Float64() < p {
				bm[i] |= 1 << j
				bl[i][j] = true
			}
		}
	}
	return bm, bl
}

func TestISLIPMatchesReference(t *testing.T) {
	cases := []struct {
		in, out, iters int
		pkt            bool
	}{
		{2, 2, 1, false}, {4, 4, 1, false}, {4, 4, 2, false}, {8, 8, 3, false},
		{16, 16, 1, false}, {16, 16, 4, false}, {32, 32, 5, false}, {64, 64, 6, false},
		{4, 7, 2, false}, {7, 4, 2, false}, {3, 5, 3, false},
		{8, 8, 3, true}, {16, 16, 4, true}, {5, 9, 2, true},
	}
	for _, tc := range cases {
		s, err := NewISLIP(tc.in, tc.out, tc.iters, tc.pkt)
		if err != nil {
			t.Fatal(err)
		}
		ref := newRef(tc.in, tc.out, tc.iters, tc.pkt)
		rng := rand.New(rand.NewPCG(uint64(tc.in), uint64(tc.out*100+tc.iters)))
		for slot := range 2000 {
			p := []float64{0.05, 0.3, 0.7, 1}[slot%4]
			req, reqB := randomRequests(rng, tc.in, tc.out, p)
			eop, eopB := randomRequests(rng, tc.in, tc.out, 0.4)
			got, err := s.Schedule(req, eop)
			if err != nil {
				t.Fatal(err)
			}
			want := ref.step(reqB, eopB)
			st := s.State()
			if !slices.Equal(got, want) || !slices.Equal(st.Grant, ref.g) ||
				!slices.Equal(st.Accept, ref.a) || !slices.Equal(st.Hold, ref.hold) {
				t.Fatalf("%+v slot %d: match %v grant %v accept %v hold %v; reference %v %v %v %v",
					tc, slot, got, st.Grant, st.Accept, st.Hold, want, ref.g, ref.a, ref.hold)
			}
		}
	}
}

// TestISLIPWorkedExample follows one slot by hand.
//
// Requests: input 0 → {0, 1}, input 1 → {0, 2}, input 2 → {1}, input 3 → {}.
// All pointers 0. Iteration 1, grant: output 0 sees {0, 1} and grants 0;
// output 1 sees {0, 2} and grants 0; output 2 sees {1} and grants 1.
// Accept: input 0 holds grants {0, 1} and accepts 0; input 1 accepts 2.
// Pointers: a0 = 1, a1 = 3, g0 = 1, g2 = 2; g1 stays 0 because its grant
// was refused. Iteration 2 (only with 2 iterations): free inputs {2, 3},
// free outputs {1, 3}; output 1 grants input 2, which accepts; no pointer
// moves in iteration 2.
func TestISLIPWorkedExample(t *testing.T) {
	req := []uint64{0b0011, 0b0101, 0b0010, 0}
	for _, tc := range []struct {
		iters int
		match []int
	}{
		{1, []int{0, 2, -1, -1}},
		{2, []int{0, 2, 1, -1}},
	} {
		s, err := NewISLIP(4, 4, tc.iters, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Schedule(req, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := s.State()
		if !slices.Equal(got, tc.match) || !slices.Equal(st.Grant, []int{1, 0, 2, 0}) || !slices.Equal(st.Accept, []int{1, 3, 0, 0}) {
			t.Errorf("%d iterations: match %v grant %v accept %v; want match %v grant [1 0 2 0] accept [1 3 0 0]",
				tc.iters, got, st.Grant, st.Accept, tc.match)
		}
	}
}

// TestISLIPMatchIsValid checks the matching invariants on random requests:
// every matched pair was requested, no output is matched to two inputs, and
// with min(in, out) iterations the match is maximal (no unmatched input
// still requests an unmatched output).
func TestISLIPMatchIsValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{2, 5, 16, 32} {
		for _, iters := range []int{1, n} {
			s, err := NewISLIP(n, n, iters, false)
			if err != nil {
				t.Fatal(err)
			}
			for range 1000 {
				req, _ := randomRequests(rng, n, n, rng.Float64())
				match, err := s.Schedule(req, nil)
				if err != nil {
					t.Fatal(err)
				}
				var outs uint64
				for i, j := range match {
					if j < 0 {
						continue
					}
					if req[i]&(1<<j) == 0 {
						t.Fatalf("N=%d: input %d matched to output %d it did not request", n, i, j)
					}
					if outs&(1<<j) != 0 {
						t.Fatalf("N=%d: output %d matched twice: %v", n, j, match)
					}
					outs |= 1 << j
				}
				if iters == n {
					for i, j := range match {
						if j < 0 && req[i]&^outs != 0 {
							t.Fatalf("N=%d, %d iterations: match %v not maximal: input %d requests free outputs %#x", n, iters, match, i, req[i]&^outs)
						}
					}
				}
			}
		}
	}
}

// TestISLIPDesynchronizes checks McKeown's desynchronization result: with
// every VOQ backlogged and one iteration, starting from all pointers equal,
// the grant pointers are all different after N slots, and from then on
// every slot is a full permutation (100% throughput) and the pointers stay
// different.
func TestISLIPDesynchronizes(t *testing.T) {
	for _, n := range []int{2, 4, 8, 16, 32, 64} {
		s, err := NewISLIP(n, n, 1, false)
		if err != nil {
			t.Fatal(err)
		}
		req := make([]uint64, n)
		for i := range req {
			req[i] = lowMask(n)
		}
		for slot := range 3 * n {
			match, err := s.Schedule(req, nil)
			if err != nil {
				t.Fatal(err)
			}
			if slot < n-1 {
				continue
			}
			g := s.State().Grant
			if !allDistinct(g) {
				t.Fatalf("N=%d slot %d: grant pointers %v not desynchronized", n, slot, g)
			}
			if slices.Contains(match, -1) {
				t.Fatalf("N=%d slot %d: match %v not a full permutation", n, slot, match)
			}
		}
	}
}

// TestISLIPDesynchronizesUnderBernoulli runs a 16-port VOQ switch at uniform
// load 1 with one iteration. Whenever the grant pointers are all different
// and every VOQ is backlogged, the slot must be a full permutation and the
// pointers must stay different (the mechanism behind 100% throughput). Once
// the queues have built up, most slots must be desynchronized: pointers
// drawn at random would all differ with probability 16!/16^16 ≈ 1e-6.
func TestISLIPDesynchronizesUnderBernoulli(t *testing.T) {
	const n = 16
	v, err := NewVOQ(n, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTraffic(TrafficConfig{Ports: n, Load: 1, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	var arr, out []Cell
	const warmup, slots = 10000, 20000
	desync, checked := 0, 0
	for slot := int64(0); slot < warmup+slots; slot++ {
		arr = tr.Arrivals(slot, arr[:0])
		for _, c := range arr {
			if err := v.Arrive(c); err != nil {
				t.Fatal(err)
			}
		}
		before := allDistinct(v.Scheduler().State().Grant)
		full := true
		for _, r := range v.nonEmpty {
			full = full && r == lowMask(n)
		}
		out = v.Step(slot, lowMask(n), out[:0])
		after := allDistinct(v.Scheduler().State().Grant)
		if before && full {
			checked++
			if len(out) != n || !after {
				t.Fatalf("slot %d: desynchronized and backlogged, yet %d cells sent, pointers after %v",
					slot, len(out), v.Scheduler().State().Grant)
			}
		}
		if slot >= warmup && after {
			desync++
		}
	}
	if checked == 0 {
		t.Fatal("no slot was both desynchronized and fully backlogged; the check never ran")
	}
	if frac := float64(desync) / slots; frac < 0.5 {
		t.Errorf("grant pointers all different in %.3f of slots after warm-up, want >= 0.5", frac)
	}
}

func allDistinct(p []int) bool {
	var seen uint64
	for _, x := range p {
		if seen&(1<<x) != 0 {
			return false
		}
		seen |= 1 << x
	}
	return true
}

// TestISLIPPacketModeHolds checks the hold rule by hand: a pair matched on a
// cell without end-of-packet stays matched, idles while its request is
// absent, keeps the output from other inputs, and is released by the cell
// that ends the packet.
func TestISLIPPacketModeHolds(t *testing.T) {
	s, err := NewISLIP(2, 2, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		req, eop []uint64
		match    []int
		hold     []int
	}{
		// Input 0 starts a packet to output 0; input 1 wants output 0 too.
		{[]uint64{0b01, 0b01}, []uint64{0, 0}, []int{0, -1}, []int{0, -1}},
		// Input 0's next cell has not arrived: the pair idles, input 1 still waits.
		{[]uint64{0b00, 0b01}, []uint64{0, 0}, []int{-1, -1}, []int{0, -1}},
		// Middle cell: held pair goes without scheduling.
		{[]uint64{0b11, 0b01}, []uint64{0, 0b01}, []int{0, -1}, []int{0, -1}},
		// Last cell releases; input 1 may use output 1 meanwhile.
		{[]uint64{0b01, 0b11}, []uint64{0b01, 0b11}, []int{0, 1}, []int{-1, -1}},
		// Output 0 is free again for input 1.
		{[]uint64{0b00, 0b01}, []uint64{0, 0b01}, []int{-1, 0}, []int{-1, -1}},
	}
	for k, st := range steps {
		got, err := s.Schedule(st.req, st.eop)
		if err != nil {
			t.Fatal(err)
		}
		if h := s.State().Hold; !slices.Equal(got, st.match) || !slices.Equal(h, st.hold) {
			t.Fatalf("step %d: match %v hold %v, want %v %v", k, got, h, st.match, st.hold)
		}
	}
}

func TestISLIPErrors(t *testing.T) {
	for _, tc := range []struct {
		in, out, iters int
		want           string
	}{
		{0, 4, 1, "inputs 0"},
		{65, 4, 1, "inputs 65"},
		{4, 0, 1, "outputs 0"},
		{4, 4, 0, "iterations 0"},
		{4, 2, 3, "iterations 3 out of range 1..2"},
	} {
		if _, err := NewISLIP(tc.in, tc.out, tc.iters, false); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewISLIP(%d, %d, %d) error %v, want it to mention %q", tc.in, tc.out, tc.iters, err, tc.want)
		}
	}
	s, err := NewISLIP(4, 3, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		match    []int
		req, eop []uint64
		want     string
	}{
		{make([]int, 3), make([]uint64, 4), nil, "match has length 3"},
		{make([]int, 4), make([]uint64, 3), nil, "3 rows"},
		{make([]int, 4), make([]uint64, 4), make([]uint64, 2), "end-of-packet matrix has 2 rows"},
		{make([]int, 4), []uint64{0, 0b1000, 0, 0}, nil, "row 1 = 0x8 names outputs beyond 2"},
	} {
		if err := s.ScheduleInto(tc.match, tc.req, tc.eop); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ScheduleInto error %v, want it to mention %q", err, tc.want)
		}
	}
	for _, tc := range []struct {
		st   ISLIPState
		want string
	}{
		{ISLIPState{Grant: []int{0, 0}, Accept: []int{0, 0, 0, 0}, Hold: []int{-1, -1, -1, -1}}, "2 grant"},
		{ISLIPState{Grant: []int{0, 4, 0}, Accept: []int{0, 0, 0, 0}, Hold: []int{-1, -1, -1, -1}}, "grant pointer of output 1 is 4"},
		{ISLIPState{Grant: []int{0, 0, 0}, Accept: []int{0, 0, 3, 0}, Hold: []int{-1, -1, -1, -1}}, "accept pointer of input 2 is 3"},
		{ISLIPState{Grant: []int{0, 0, 0}, Accept: []int{0, 0, 0, 0}, Hold: []int{-1, 1, -1, -1}}, "hold of input 1"},
	} {
		if err := s.SetState(tc.st); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetState error %v, want it to mention %q", err, tc.want)
		}
	}
	p, err := NewISLIP(3, 3, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetState(ISLIPState{Grant: []int{0, 0, 0}, Accept: []int{0, 0, 0}, Hold: []int{2, -1, 2}}); err == nil || !strings.Contains(err.Error(), "output 2 held by two inputs") {
		t.Errorf("SetState with a doubly held output: error %v", err)
	}
}

// TestISLIPSetStateResumes checks that a scheduler loaded with another's
// state continues exactly as the original does.
func TestISLIPSetStateResumes(t *testing.T) {
	a, _ := NewISLIP(8, 8, 2, true)
	b, _ := NewISLIP(8, 8, 2, true)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		req, _ := randomRequests(rng, 8, 8, 0.5)
		eop, _ := randomRequests(rng, 8, 8, 0.5)
		if _, err := a.Schedule(req, eop); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.SetState(a.State()); err != nil {
		t.Fatal(err)
	}
	for slot := range 200 {
		req, _ := randomRequests(rng, 8, 8, 0.5)
		eop, _ := randomRequests(rng, 8, 8, 0.5)
		ma, _ := a.Schedule(req, eop)
		mb, _ := b.Schedule(req, eop)
		if !slices.Equal(ma, mb) {
			t.Fatalf("slot %d: original %v, resumed copy %v", slot, ma, mb)
		}
	}
}

func TestDefaultIterations(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 8: 3, 9: 4, 16: 4, 17: 5, 32: 5, 64: 6} {
		if got := DefaultIterations(n); got != want {
			t.Errorf("DefaultIterations(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestRoundRobin(t *testing.T) {
	for _, tc := range []struct {
		mask uint64
		ptr  int
		want int
	}{
		{0b1010, 0, 1}, {0b1010, 1, 1}, {0b1010, 2, 3}, {0b1010, 3, 3}, {0b1010, 4, 1},
		{1 << 63, 5, 63}, {1, 63, 0}, {1<<63 | 1, 63, 63},
	} {
		if got := roundRobin(tc.mask, tc.ptr); got != tc.want {
			t.Errorf("roundRobin(%#b, %d) = %d, want %d", tc.mask, tc.ptr, got, tc.want)
		}
	}
}
