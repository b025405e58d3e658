package shaper

import "testing"

// TestWorkedExample is a small scenario computed by hand, for the generator
// author to reproduce cycle for cycle. B = 8 bytes/cycle, 4000-byte buffer,
// F = 8, 16 priority classes (m = 0: the class is bitlen(priority)), 4
// leases refilled round robin (lease t mod 4 gets 4 x its rate in cycle t);
// lease 1 guaranteed 1 byte/cycle with the smallest burst, MinBurst = 1000 +
// 4*8 = 1032 and a reserve of 1032 + 3*8 = 1056 ([Config.Reserve]), so
// ExcessLimit = 4000 - 1056 - 8 = 2936. The threshold span
// is 4000 - 8 - 2*1000 = 1992: paid
// classes are 2^5 = 32 bytes apart (16 << 5 <= 996), free classes 16 apart
// from FreeBase = 996 + 249 = 1245. Thresholds: paid priority 5 (class 3)
// 2936 - 12*32 = 2552, priority 3 (class 2) 2520, priority 1 (class 1)
// 2488, priority 0 2456; free priority 100 (class 7) 2936 - 1245 - 8*16 =
// 1563.
func TestWorkedExample(t *testing.T) {
	c := Config{BytesPerCycle: 8, BufferBytes: 4000, MaxPacketBytes: 1000, Leases: 4, RateFracBits: 8, ClassMantissaBits: 0}
	rec := newRecorder(0)
	type dep struct {
		cycle uint64
		id    uint64
	}
	var deps []dep
	rec.onDepart = func(cy uint64, p Packet) { deps = append(deps, dep{cy, p.ID}) }
	p, err := New(c, []LeaseConfig{{}, {Rate: 256, Burst: 1032}}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if p.ExcessLimit() != 2936 {
		t.Fatalf("excess limit %d, want 2936", p.ExcessLimit())
	}
	for _, th := range []struct {
		lease int
		prio  uint16
		want  uint32
	}{{2, 5, 2552}, {2, 3, 2520}, {2, 1, 2488}, {1, 0, 2456}, {0, 100, 1563}} {
		if got := p.Threshold(p.Rank(th.lease, th.prio)); got != th.want {
			t.Errorf("threshold of lease %d priority %d: %d, want %d", th.lease, th.prio, got, th.want)
		}
	}
	steps := []struct {
		cycle   uint64
		pkt     Packet
		want    Verdict
		backlog uint32 // after the arrival
	}{
		{0, Packet{ID: 1, Lease: 2, Priority: 5, Bytes: 1000}, Excess, 1000},
		{0, Packet{ID: 2, Lease: 2, Priority: 5, Bytes: 1000}, Excess, 2000},
		// 2000+900 > 1563: the free tier's threshold is far below any paid
		// one. The barrier rises to the free rank 7 + 1.
		{0, Packet{ID: 3, Lease: 0, Priority: 100, Bytes: 900}, Dropped, 2000},
		// 2000+400 <= 2488: admitted although priority 1 is low (rank 17,
		// above the barrier).
		{0, Packet{ID: 4, Lease: 2, Priority: 1, Bytes: 400}, Excess, 2400},
		// cycle 0 sent 8 bytes; the bucket is full: green, above the excess limit.
		{1, Packet{ID: 5, Lease: 1, Priority: 0, Bytes: 1000}, Guaranteed, 3392},
		// 3392+600 > 2520: refused; the barrier rises to 16 + 2 + 1 = 19.
		{1, Packet{ID: 6, Lease: 2, Priority: 3, Bytes: 600}, Dropped, 3392},
		// 32 bytes of tokens < 100 (lease 1's next refill is in cycle 5):
		// excess at priority 0; 3484 > 2456: refused.
		{2, Packet{ID: 7, Lease: 1, Priority: 0, Bytes: 100}, Dropped, 3384},
		// 3400 bytes admitted, 3200 sent by cycle 400: 200+1000 <= 1563, the
		// free tier gets in: it ranks far below the barrier (19, no decay
		// before cycle 2048) but spent its shot on packet 3 in this shot
		// window (8192 cycles).
		{400, Packet{ID: 8, Lease: 0, Priority: 100, Bytes: 1000}, Excess, 1200},
	}
	for _, s := range steps {
		v, err := p.Arrive(s.cycle, s.pkt)
		if err != nil {
			t.Fatal(err)
		}
		if v != s.want || p.Backlog() != s.backlog {
			t.Fatalf("packet %d at cycle %d: %v with backlog %d, want %v with %d", s.pkt.ID, s.cycle, v, p.Backlog(), s.want, s.backlog)
		}
	}
	wantDrops := []struct {
		cycle, id uint64
		cause     DropCause
		backlog   uint32
	}{
		{0, 3, Refused, 2000}, {1, 6, Refused, 3392}, {2, 7, Refused, 3384},
	}
	if len(rec.drops) != len(wantDrops) {
		t.Fatalf("drops %+v", rec.drops)
	}
	for i, w := range wantDrops {
		d := rec.drops[i]
		if d.cycle != w.cycle || d.pkt.ID != w.id || d.cause != w.cause || d.backlog != w.backlog {
			t.Errorf("drop %d: %+v, want %+v", i, d, w)
		}
	}
	if err := p.AdvanceTo(1000); err != nil {
		t.Fatal(err)
	}
	// Cycle c sends bytes 8c+1..8c+8 of the stream: packet 1 ends at byte
	// 1000 (cycle 124), packet 2 at 2000 (249), packet 4 at 2400 (299),
	// packet 5 at 3400 (424), packet 8 at 4400 (549).
	want := []dep{{124, 1}, {249, 2}, {299, 4}, {424, 5}, {549, 8}}
	if len(deps) != len(want) {
		t.Fatalf("departures %+v, want %+v", deps, want)
	}
	for i := range want {
		if deps[i] != want[i] {
			t.Errorf("departure %d: %+v, want %+v", i, deps[i], want[i])
		}
	}
	_, tok, cnt, _ := p.Lease(1)
	if tok != 32<<8 || cnt.GuaranteedBytes != 1000 || cnt.RefusedPackets != 1 {
		t.Errorf("lease 1: tokens %d (want %d), counters %+v", tok, 32<<8, cnt)
	}
}
