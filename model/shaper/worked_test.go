package shaper

import "testing"

// TestWorkedExample is a small scenario computed by hand, for the generator
// author to reproduce cycle for cycle. B = 8 bytes/cycle, 4000-byte buffer,
// F = 8, exact priority classes; lease 1 guaranteed 1 byte/cycle with a
// 1008-byte burst, so ExcessLimit = 4000 - 1008 - 8 = 2984.
func TestWorkedExample(t *testing.T) {
	c := Config{BytesPerCycle: 8, BufferBytes: 4000, MaxPacketBytes: 1000, Leases: 3, RateFracBits: 8, ClassMantissaBits: 14}
	rec := newRecorder(0)
	type dep struct {
		cycle uint64
		id    uint64
	}
	var deps []dep
	rec.onDepart = func(cy uint64, p Packet) { deps = append(deps, dep{cy, p.ID}) }
	p, err := New(c, []LeaseConfig{{}, {Rate: 256, Burst: 1008}}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if p.ExcessLimit() != 2984 {
		t.Fatalf("excess limit %d, want 2984", p.ExcessLimit())
	}
	steps := []struct {
		cycle   uint64
		pkt     Packet
		want    Verdict
		backlog uint32 // after the arrival
	}{
		{0, Packet{ID: 1, Lease: 2, Priority: 5, Bytes: 1000}, Excess, 1000},
		{0, Packet{ID: 2, Lease: 2, Priority: 5, Bytes: 1000}, Excess, 2000},
		{0, Packet{ID: 3, Lease: 0, Priority: 100, Bytes: 900}, Excess, 2900},
		// 2900+500 > 2984: the free-lease packet ranks below any paid one and is pushed out.
		{0, Packet{ID: 4, Lease: 2, Priority: 1, Bytes: 500}, Excess, 2500},
		// cycle 0 sent 8 bytes of packet 1 (now on the wire); the bucket is full: green, above the excess limit.
		{1, Packet{ID: 5, Lease: 1, Priority: 0, Bytes: 1000}, Guaranteed, 3492},
		// needs room: packet 4 (priority 1) is pushed out, packet 2 (priority 5) outranks 3: refused.
		{1, Packet{ID: 6, Lease: 2, Priority: 3, Bytes: 600}, Dropped, 2992},
		// 8 + 1 bytes of tokens < 100: excess; 2984+100 > 2984 and nothing ranks lower: refused.
		{2, Packet{ID: 7, Lease: 1, Priority: 0, Bytes: 100}, Dropped, 2984},
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
		{0, 3, Evicted, 2900}, {1, 4, Evicted, 3492}, {1, 6, Refused, 2992}, {2, 7, Refused, 2984},
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
	// 1000 (cycle 124), packet 2 at 2000 (249), packet 5 at 3000 (374).
	want := []dep{{124, 1}, {249, 2}, {374, 5}}
	if len(deps) != len(want) {
		t.Fatalf("departures %+v, want %+v", deps, want)
	}
	for i := range want {
		if deps[i] != want[i] {
			t.Errorf("departure %d: %+v, want %+v", i, deps[i], want[i])
		}
	}
	_, tok, cnt, _ := p.Lease(1)
	if tok != 9<<8 || cnt.GuaranteedBytes != 1000 || cnt.RefusedPackets != 1 {
		t.Errorf("lease 1: tokens %d (want %d), counters %+v", tok, 9<<8, cnt)
	}
}
