package blocks

import (
	"fmt"
	"testing"
)

// TestFIFOWorkedExample walks a depth-2 FIFO through a hand-written
// sequence: fill, refuse when full (even while popping), drain in order,
// reset.
func TestFIFOWorkedExample(t *testing.T) {
	f := NewFIFO[int](2, 2)
	type step struct {
		rst, push bool
		data      int
		pop       bool
		// outputs before the edge
		ready, valid bool
		head, count  int
		afull        bool
	}
	steps := []step{
		{push: true, data: 10, ready: true},                                             // empty
		{push: true, data: 11, ready: true, valid: true, head: 10, count: 1},            // one word
		{push: true, data: 12, pop: true, valid: true, head: 10, count: 2, afull: true}, // full: 12 refused, 10 leaves
		{pop: true, ready: true, valid: true, head: 11, count: 1},                       // 11 leaves
		{push: true, data: 13, pop: true, ready: true},                                  // empty: pop ignored
		{rst: true, ready: true, valid: true, head: 13, count: 1},                       // reset drops 13
		{ready: true},
	}
	for i, s := range steps {
		o := f.Outputs()
		if o.InReady != s.ready || o.OutValid != s.valid || o.Count != s.count || o.AlmostFull != s.afull ||
			(s.valid && o.OutData != s.head) || o.Full != (s.count == 2) || o.Empty != (s.count == 0) {
			t.Fatalf("step %d: outputs %+v, want ready %v valid %v head %d count %d afull %v", i, o, s.ready, s.valid, s.head, s.count, s.afull)
		}
		f.Clock(s.rst, s.push, s.data, s.pop)
	}
}

func TestPriorityEncode(t *testing.T) {
	for _, c := range []struct {
		in    string
		idx   int
		valid bool
	}{{"", 0, false}, {"0000", 0, false}, {"1", 0, true}, {"0001", 3, true}, {"0110", 1, true}, {"1111", 0, true}} {
		in := make([]bool, len(c.in))
		for i, ch := range c.in {
			in[i] = ch == '1'
		}
		if idx, ok := PriorityEncode(in); idx != c.idx || ok != c.valid {
			t.Errorf("PriorityEncode(%s) = %d, %v, want %d, %v", c.in, idx, ok, c.idx, c.valid)
		}
	}
}

// TestArbiter checks round-robin order, the en gate and hold on a
// hand-computed sequence of 4 requesters.
func TestArbiter(t *testing.T) {
	req := func(s string) []bool {
		out := make([]bool, len(s))
		for i, ch := range s {
			out[i] = ch == '1'
		}
		return out
	}
	tests := []struct {
		hold  bool
		steps []struct {
			req  string
			en   bool
			want int // -1: no grant
		}
	}{
		{false, []struct {
			req  string
			en   bool
			want int
		}{{"1111", true, 0}, {"1111", true, 1}, {"1111", false, 2}, {"1111", true, 2}, {"1001", true, 3}, {"1001", true, 0}, {"0000", true, -1}, {"0100", true, 1}, {"1100", true, 0}}},
		{true, []struct {
			req  string
			en   bool
			want int
		}{{"0110", true, 1}, {"1111", true, 1}, {"1011", true, 2}, {"1011", true, 2}, {"1001", true, 3}, {"1100", true, 0}}},
	}
	for _, tc := range tests {
		a := NewArbiter(4, tc.hold)
		for i, s := range tc.steps {
			g, ok := a.Grant(req(s.req))
			if (s.want < 0) == ok || (ok && g != s.want) {
				t.Fatalf("hold %v step %d req %s: grant %d %v, want %d", tc.hold, i, s.req, g, ok, s.want)
			}
			a.Clock(false, req(s.req), s.en)
		}
		a.Clock(true, req("1111"), true)
		if g, _ := a.Grant(req("1111")); g != 0 {
			t.Errorf("hold %v: after reset grant %d, want 0", tc.hold, g)
		}
	}
}

// TestLFSRSequences pins the first states of 4-bit LFSRs with taps 4,3
// (x^4 + x^3 + 1), worked out by hand, and their full period.
func TestLFSRSequences(t *testing.T) {
	for _, c := range []struct {
		galois bool
		want   []uint64
	}{
		// Fibonacci: shift left, new bit 0 = q[3] ^ q[2].
		{false, []uint64{0x1, 0x2, 0x4, 0x9, 0x3, 0x6, 0xd, 0xa}},
		// Galois: shift right, on a 1 out flip bits 3 and 2 (mask 0xc).
		{true, []uint64{0x1, 0xc, 0x6, 0x3, 0xd, 0xa, 0x5, 0xe}},
	} {
		l := NewLFSR(4, []int{4, 3}, c.galois, 1)
		for i, w := range c.want {
			if l.State() != w {
				t.Fatalf("galois %v step %d: %#x, want %#x", c.galois, i, l.State(), w)
			}
			l.Clock(false, true)
		}
		l.Clock(false, false) // en low holds
		l.Clock(true, true)   // rst wins
		if l.State() != 1 {
			t.Fatalf("galois %v: after reset %#x", c.galois, l.State())
		}
		period := 0
		for {
			l.Clock(false, true)
			period++
			if l.State() == 1 || period > 16 {
				break
			}
		}
		if period != 15 {
			t.Errorf("galois %v: period %d, want 15", c.galois, period)
		}
	}
	// 64 bits: the top bit moves out without overflow trouble.
	l := NewLFSR(64, []int{64, 63, 61, 60}, false, 1<<63)
	l.Clock(false, true)
	if l.State() != 1 { // q[63] ^ q[62] ^ q[60] ^ q[59] = 1, shifted in
		t.Errorf("64-bit Fibonacci: %#x, want 0x1", l.State())
	}
}

func TestBitReverse(t *testing.T) {
	for _, c := range []struct {
		in    []uint64
		width int
		want  []uint64
	}{
		{[]uint64{1}, 1, []uint64{1}},
		{[]uint64{0b0011}, 4, []uint64{0b1100}},
		{[]uint64{1}, 64, []uint64{1 << 63}},
		{[]uint64{1, 0}, 65, []uint64{0, 1}},
		{[]uint64{0, 1}, 65, []uint64{1, 0}},
		{[]uint64{0xf0, 0}, 72, []uint64{0, 0x0f}},
	} {
		if got := BitReverse(c.in, c.width); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("BitReverse(%x, %d) = %x, want %x", c.in, c.width, got, c.want)
		}
	}
}

func TestCounter(t *testing.T) {
	type step struct {
		rst, en, load bool
		din, want     uint64
	}
	for _, c := range []struct {
		sat   bool
		steps []step
	}{
		{false, []step{{en: true, want: 1}, {load: true, din: 6, want: 6}, {en: true, want: 7}, {en: true, want: 0}, {want: 0}, {load: true, en: true, din: 3, want: 3}, {rst: true, load: true, din: 5, want: 0}}},
		{true, []step{{load: true, din: 6, want: 6}, {en: true, want: 7}, {en: true, want: 7}, {load: true, din: 2, want: 2}, {rst: true, en: true, want: 0}}},
	} {
		ctr := NewCounter(3, c.sat)
		for i, s := range c.steps {
			ctr.Clock(s.rst, s.en, s.load, s.din)
			if ctr.Q() != s.want || ctr.AtMax() != (s.want == 7) {
				t.Fatalf("saturate %v step %d: q %d at_max %v, want %d", c.sat, i, ctr.Q(), ctr.AtMax(), s.want)
			}
		}
	}
	c := NewCounter(64, false)
	c.Clock(false, false, true, ^uint64(0))
	if !c.AtMax() {
		t.Error("64-bit counter at all ones is not at max")
	}
	c.Clock(false, true, false, 0)
	if c.Q() != 0 {
		t.Errorf("64-bit counter wrapped to %d", c.Q())
	}
}
