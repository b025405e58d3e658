package shaper

import (
	"math"
	"math/rand"
	"testing"
)

// source is a test traffic source for one lease.
type source struct {
	lease int
	prio  uint16
	sizes []uint32 // cycled, or drawn at random when rng is set

	// Paced: ASAP within num/den bytes per cycle (conforms to (rate, max packet)).
	num, den uint64
	// Poisson: exponential gaps with mean size/rate; used when rate > 0.
	rate float64
	// On/off: when onCycles > 0, sends only during the first onCycles of every period.
	onCycles, period uint64

	rng  *rand.Rand
	sent uint64
	next uint64
	t    float64
	i    int
}

func (s *source) size() uint32 {
	if s.rng != nil {
		return s.sizes[s.rng.Intn(len(s.sizes))]
	}
	return s.sizes[s.i%len(s.sizes)]
}

// advance schedules the next packet after one of n bytes was sent.
func (s *source) advance(n uint32) {
	s.i++
	s.sent += uint64(n)
	if s.rate > 0 {
		s.t += s.rng.ExpFloat64() * float64(n) / s.rate
		s.next = uint64(s.t)
	} else {
		// earliest t with sent <= t*num/den
		s.next = (s.sent*s.den + s.num - 1) / s.num
	}
	if s.onCycles > 0 && s.next%s.period >= s.onCycles {
		s.next += s.period - s.next%s.period
		s.t = float64(s.next)
	}
}

// drive merges the sources in time order up to cycle end, calling hook after
// every arrival; then it runs the link to end.
func drive(t testing.TB, p *Port, srcs []*source, end uint64, hook func(now uint64, s *source, pkt Packet, v Verdict)) {
	t.Helper()
	var id uint64
	for {
		var s *source
		for _, c := range srcs {
			if s == nil || c.next < s.next {
				s = c
			}
		}
		if s == nil || s.next >= end {
			break
		}
		now := s.next
		id++
		pkt := Packet{ID: id, Lease: s.lease, Priority: s.prio, Bytes: s.size()}
		v, err := p.Arrive(now, pkt)
		if err != nil {
			t.Fatal(err)
		}
		if hook != nil {
			hook(now, s, pkt, v)
		}
		s.advance(pkt.Bytes)
	}
	if err := p.AdvanceTo(end); err != nil {
		t.Fatal(err)
	}
}

type dropEvent struct {
	cycle   uint64
	pkt     Packet
	cause   DropCause
	backlog uint32
}

// recorder is an Observer keeping per-lease departed bytes from cycle from
// on, and every drop.
type recorder struct {
	from     uint64
	departed map[int]uint64
	drops    []dropEvent
	onDepart func(cycle uint64, p Packet)
	onDrop   func(e dropEvent)
}

func newRecorder(from uint64) *recorder { return &recorder{from: from, departed: map[int]uint64{}} }

func (r *recorder) Departed(cycle uint64, p Packet) {
	if cycle >= r.from {
		r.departed[p.Lease] += uint64(p.Bytes)
	}
	if r.onDepart != nil {
		r.onDepart(cycle, p)
	}
}

func (r *recorder) Dropped(cycle uint64, p Packet, cause DropCause, backlog uint32) {
	e := dropEvent{cycle, p, cause, backlog}
	r.drops = append(r.drops, e)
	if r.onDrop != nil {
		r.onDrop(e)
	}
}

func within(got, want, tolFrac float64) bool {
	return math.Abs(got-want) <= tolFrac*math.Abs(want)
}

func mustRate(t testing.TB, c Config, num, den uint64) uint64 {
	t.Helper()
	r, err := c.RateFromFraction(num, den)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testConfig() Config {
	return Config{BytesPerCycle: 8, BufferBytes: 64 << 10, MaxPacketBytes: 1536, Leases: 8, RateFracBits: 24, ClassMantissaBits: 5}
}

var mixSizes = []uint32{64, 1500, 576, 1024, 89, 1280, 300, 1536, 128, 777}
