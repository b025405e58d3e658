package shaper

import (
	"errors"
	"fmt"
	"math/bits"
)

// Limits on the configuration.
const (
	MinRateFracBits   = 8
	MaxRateFracBits   = 32
	MaxClassMantissa  = 14 // Class is exact at 14
	MaxLeases         = 4096
	MaxPriority       = 0x7fff
	maxBytesPerCycle  = 1 << 16
	maxBufferBytesLog = 30
)

// Config holds the generator parameters of one egress port's shaper.
type Config struct {
	BytesPerCycle     uint32 // link drain per cycle (line rate)
	BufferBytes       uint32 // output buffer size
	MaxPacketBytes    uint32 // largest packet
	Leases            int    // egress leases on the port; lease 0 is the free lease
	RateFracBits      uint   // F: fractional bits of rates and tokens
	ClassMantissaBits uint   // m: priority classes keep m bits after the leading one (14 = exact)
}

// Format lists the register widths derived from a Config.
type Format struct {
	RateBits    uint // UQ(bitlen(B)).F bytes per cycle
	TokenBits   uint // UQ(bitlen(BufferBytes)).F bytes
	BacklogBits uint // bytes
	Classes     int  // priority classes per tier, (16-m) << m
	RankBits    uint // tier bit + class bits

	// Admission thresholds (see Port.Threshold): a paid class c lies
	// (Classes-1-c) << PaidShift bytes below the excess limit, a free
	// class c FreeBase + ((Classes-1-c) << FreeShift) bytes below it.
	PaidShift, FreeShift uint
	FreeBase             uint32
	DepthBits            uint // width of the largest depth

	// The refusal barrier (see Port.Barrier): an excess packet ranked more
	// than BarrierMargin classes below the highest rank refused recently
	// is refused once per shot window of its lease. The barrier forgets
	// one rank every 2^BarrierDecayLog cycles; every lease gets a new shot
	// every 2^ShotWindowLog cycles.
	BarrierMargin                  int
	BarrierDecayLog, ShotWindowLog uint
	BarrierBits                    uint // width of the barrier register, 0..2*Classes
}

// Validate reports the first thing wrong with the configuration.
func (c Config) Validate() error {
	_, err := c.Format()
	return err
}

// Format computes the register widths, or reports why the configuration is
// not buildable.
func (c Config) Format() (Format, error) {
	switch {
	case c.BytesPerCycle == 0 || c.BytesPerCycle > maxBytesPerCycle:
		return Format{}, fmt.Errorf("shaper: BytesPerCycle = %d, want 1..%d", c.BytesPerCycle, maxBytesPerCycle)
	case c.MaxPacketBytes == 0:
		return Format{}, errors.New("shaper: MaxPacketBytes must be > 0")
	case c.BufferBytes == 0 || c.BufferBytes >= 1<<maxBufferBytesLog:
		return Format{}, fmt.Errorf("shaper: BufferBytes = %d, want 1..2^%d-1", c.BufferBytes, maxBufferBytesLog)
	case c.Leases < 1 || c.Leases > MaxLeases:
		return Format{}, fmt.Errorf("shaper: Leases = %d, want 1..%d (lease 0 is the free lease)", c.Leases, MaxLeases)
	case uint64(c.BufferBytes) < uint64(c.MaxPacketBytes)+uint64(c.BytesPerCycle):
		return Format{}, fmt.Errorf("shaper: BufferBytes = %d cannot hold one %d-byte packet beside one cycle of line rate (%d)",
			c.BufferBytes, c.MaxPacketBytes, c.BytesPerCycle)
	case c.RateFracBits < MinRateFracBits || c.RateFracBits > MaxRateFracBits:
		return Format{}, fmt.Errorf("shaper: RateFracBits = %d, want %d..%d", c.RateFracBits, MinRateFracBits, MaxRateFracBits)
	case c.ClassMantissaBits > MaxClassMantissa:
		return Format{}, fmt.Errorf("shaper: ClassMantissaBits = %d, want 0..%d", c.ClassMantissaBits, MaxClassMantissa)
	}
	f := Format{
		RateBits:    uint(bits.Len32(c.BytesPerCycle)) + c.RateFracBits,
		TokenBits:   uint(bits.Len32(c.BufferBytes)) + c.RateFracBits,
		BacklogBits: uint(bits.Len32(c.BufferBytes)),
		Classes:     (16 - int(c.ClassMantissaBits)) << c.ClassMantissaBits,
	}
	f.RankBits = uint(bits.Len(uint(f.Classes-1))) + 1
	// Spread the ranks over the excess region a port without guarantees
	// has above the floor, span = BufferBytes - BytesPerCycle -
	// 2*MaxPacketBytes: the paid classes over its top half, the free
	// classes over [5/8, 7/8) of it, each a power-of-two step apart so the
	// hardware computes a depth with a shift.
	span := int64(c.BufferBytes) - int64(c.BytesPerCycle) - 2*int64(c.MaxPacketBytes)
	if span < 0 {
		span = 0
	}
	for uint64(f.Classes)<<(f.PaidShift+1) <= uint64(span/2) {
		f.PaidShift++
	}
	if f.PaidShift > 0 {
		f.FreeShift = f.PaidShift - 1
	}
	f.FreeBase = uint32(span/2 + span/8)
	f.DepthBits = uint(bits.Len64(uint64(f.FreeBase) + uint64(f.Classes-1)<<f.FreeShift))
	if pd := uint(bits.Len64(uint64(f.Classes-1) << f.PaidShift)); pd > f.DepthBits {
		f.DepthBits = pd
	}
	// The barrier acts on priority gaps of more than half an octave
	// (2^(m-1) classes; 0 at m = 0, where a class is an octave): smaller
	// gaps are what the meter's own noise and one elastic back-off (x0.7
	// is 16 classes at m = 5) make between customers of equal
	// max-priority-bandwidth. Its time scales are powers of two from the
	// time the link takes to send a full buffer (a congestion episode lasts
	// at least that): it forgets a rank every 4 to 8 such times and gives a
	// new shot every 16 to 32, so a customer that is rarely in the queue
	// when it overflows is still told.
	f.BarrierMargin = 1 << c.ClassMantissaBits >> 1
	drain := (uint64(c.BufferBytes) + uint64(c.BytesPerCycle) - 1) / uint64(c.BytesPerCycle)
	dl := uint(bits.Len64(drain - 1))
	f.BarrierDecayLog, f.ShotWindowLog = dl+2, dl+4
	f.BarrierBits = uint(bits.Len(uint(2 * f.Classes)))
	if tuneFormat != nil {
		tuneFormat(&f)
	}
	return f, nil
}

// tuneFormat, when set (by the parameter sweep in the tests only), adjusts
// the derived drop-rule parameters.
var tuneFormat func(*Format)

// Depth is how far below the excess limit the admission threshold of an
// excess packet of the given rank lies, in bytes (see Port.Threshold).
func (f Format) Depth(rank int) uint64 {
	if rank >= f.Classes {
		return uint64(2*f.Classes-1-rank) << f.PaidShift
	}
	return uint64(f.FreeBase) + uint64(f.Classes-1-rank)<<f.FreeShift
}

// Class maps a 15-bit priority to its priority class with m mantissa bits: a
// log-linear (floating-point-like) code, exact below 2^(m+1) and keeping m
// bits after the leading one above, so equal relative priority differences
// get equal resolution (2^-m). It is monotone: a higher priority never gets
// a lower class. With m = 14 every priority is its own class. Bits above 14
// of prio are ignored.
func Class(prio uint16, m uint) int {
	p := prio & MaxPriority
	e := bits.Len16(p)
	if m >= MaxClassMantissa || e <= int(m)+1 {
		return int(p)
	}
	sh := e - int(m) - 1
	return (e-int(m))<<m | int(p>>sh)&(1<<m-1)
}

// RateFromFraction converts num/den bytes per cycle to a rate register
// value, rounding up. It fails when den is 0 or the rate exceeds the link.
func (c Config) RateFromFraction(num, den uint64) (uint64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	if den == 0 {
		return 0, errors.New("shaper: rate with a zero denominator")
	}
	hi, lo := bits.Mul64(num, 1<<c.RateFracBits)
	lo, carry := bits.Add64(lo, den-1, 0)
	hi += carry
	limit := uint64(c.BytesPerCycle) << c.RateFracBits
	if hi >= den {
		return 0, fmt.Errorf("shaper: rate %d/%d bytes per cycle exceeds the link (%d)", num, den, c.BytesPerCycle)
	}
	q, _ := bits.Div64(hi, lo, den)
	if q > limit {
		return 0, fmt.Errorf("shaper: rate %d/%d bytes per cycle exceeds the link (%d)", num, den, c.BytesPerCycle)
	}
	return q, nil
}

// RateFromBytesPerSecond converts a guaranteed rate in bytes per second at
// the given clock to a rate register value, rounding up.
func (c Config) RateFromBytesPerSecond(bytesPerSecond, clockHz uint64) (uint64, error) {
	if clockHz == 0 {
		return 0, errors.New("shaper: clock frequency must be > 0")
	}
	return c.RateFromFraction(bytesPerSecond, clockHz)
}

// LeaseConfig is one egress lease's guarantee.
type LeaseConfig struct {
	Rate  uint64 // guaranteed rate, UQ.F bytes per cycle (see RateFromFraction)
	Burst uint32 // bucket depth, bytes; >= Config.MinBurst() when Rate > 0
}

// DropCause says why a packet was lost.
type DropCause int

const (
	// Refused: an arriving excess packet found the queue above its rank's
	// admission threshold.
	Refused DropCause = 0
	// GuaranteeOverflow: a guaranteed packet found no room. Impossible with a
	// validated configuration; counted so tests can prove it. (Code 1 was
	// push-out's eviction, retired with push-out; the codes are the
	// hardware's v_cause.)
	GuaranteeOverflow DropCause = 2
)

func (d DropCause) String() string {
	switch d {
	case Refused:
		return "refused"
	case GuaranteeOverflow:
		return "guarantee-overflow"
	}
	return fmt.Sprintf("DropCause(%d)", int(d))
}

// Verdict is the decision on an arriving packet.
type Verdict int

const (
	Dropped    Verdict = iota // refused on arrival
	Guaranteed                // admitted within the lease's guarantee (green)
	Excess                    // admitted beyond the guarantee (yellow)
)

func (v Verdict) String() string {
	switch v {
	case Dropped:
		return "dropped"
	case Guaranteed:
		return "guaranteed"
	case Excess:
		return "excess"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Packet is what the shaper sees of a packet.
type Packet struct {
	ID       uint64 // caller's tag, echoed to the Observer
	Lease    int    // egress lease
	Priority uint16 // 15-bit priority after re-prioritization and the non-customer cap
	Bytes    uint32
}

// Observer receives every departure and drop, in cycle order. Backlog is
// the queue in bytes (excluding bytes already sent) just before the drop.
type Observer interface {
	Departed(cycle uint64, p Packet)
	Dropped(cycle uint64, p Packet, cause DropCause, backlog uint32)
}

// Counters are one lease's counters, as the CSR bus would expose them.
type Counters struct {
	ArrivedPackets, ArrivedBytes       uint64
	GuaranteedPackets, GuaranteedBytes uint64
	ExcessPackets, ExcessBytes         uint64 // admitted beyond the guarantee
	DepartedPackets, DepartedBytes     uint64
	RefusedPackets, RefusedBytes       uint64
	OverflowPackets                    uint64 // GuaranteeOverflow; always 0 when configured validly
}

type leaseState struct {
	cfg      LeaseConfig
	tokens   uint64 // UQ.F
	tokCycle uint64 // tokens include the refill of this cycle
	c        Counters
}

// fifo is a slice-backed queue with a moving head.
type fifo struct {
	q    []*Packet
	head int
}

func (f *fifo) len() int { return len(f.q) - f.head }
func (f *fifo) push(p *Packet) {
	f.q = append(f.q, p)
}
func (f *fifo) front() *Packet { return f.q[f.head] }
func (f *fifo) pop() *Packet {
	p := f.q[f.head]
	f.q[f.head] = nil
	f.head++
	if f.head == len(f.q) {
		f.q, f.head = f.q[:0], 0
	} else if f.head >= 1024 && f.head*2 >= len(f.q) {
		n := copy(f.q, f.q[f.head:])
		clear(f.q[n:])
		f.q, f.head = f.q[:n], 0
	}
	return p
}

// Port is the model of one egress port's shaper and output buffer.
type Port struct {
	cfg         Config
	f           Format
	leases      []leaseState
	excessLimit uint64

	now      uint64 // first cycle whose drain is not done yet
	queue    fifo   // transmit order
	headSent uint64 // bytes of the head packet already sent
	backlog  uint64 // bytes of queued packets not yet sent
	obs      Observer

	// The refusal barrier (see Barrier): barrier as of the start of cycle
	// decayAt << BarrierDecayLog; shot[l] is set when lease l had an excess
	// packet refused in shot window shotWin.
	barrier int
	decayAt uint64
	shot    []bool
	shotWin uint64
}

// New builds a port. leases may be shorter than cfg.Leases; the others get
// no guarantee. obs may be nil.
func New(cfg Config, leases []LeaseConfig, obs Observer) (*Port, error) {
	f, err := cfg.Format()
	if err != nil {
		return nil, err
	}
	if len(leases) > cfg.Leases {
		return nil, fmt.Errorf("shaper: %d lease configurations for %d leases", len(leases), cfg.Leases)
	}
	all := make([]LeaseConfig, cfg.Leases)
	copy(all, leases)
	p := &Port{cfg: cfg, f: f, leases: make([]leaseState, cfg.Leases), obs: obs, shot: make([]bool, cfg.Leases)}
	if p.excessLimit, err = cfg.checkLeases(all); err != nil {
		return nil, err
	}
	for i := range p.leases {
		p.leases[i].cfg = all[i]
		p.leases[i].tokens = uint64(all[i].Burst) << cfg.RateFracBits
	}
	return p, nil
}

// MinBurst is the smallest burst a lease with a guaranteed rate may have:
// MaxPacketBytes + Leases x BytesPerCycle. The buckets are refilled round
// robin (see Port), one lease per cycle with Leases cycles' worth of rate,
// so a bucket lags the rate by up to Leases cycles of it (at most the
// line rate); a source sending at its rate, timed to whole cycles, always
// conforms only if the burst holds one largest packet beside that lag.
func (c Config) MinBurst() uint64 {
	return uint64(c.MaxPacketBytes) + c.refillLag()
}

// refillLag is Leases x BytesPerCycle: the round-robin refill's lag, at
// most the line rate for Leases cycles.
func (c Config) refillLag() uint64 { return uint64(c.Leases) * uint64(c.BytesPerCycle) }

// Reserve is the buffer a lease with the given burst holds back from excess
// traffic: the burst plus, for a lease with a guarantee (burst > 0, which a
// valid configuration has exactly when its rate is > 0), (Leases-1) x
// BytesPerCycle, the most the round-robin refill can hand out ahead of a
// per-cycle refill (a visit adds Leases cycles of rate at once, some of
// which a per-cycle bucket, full at the time, would have lost).
func (c Config) Reserve(burst uint32) uint64 {
	if burst == 0 {
		return 0
	}
	return uint64(burst) + uint64(c.Leases-1)*uint64(c.BytesPerCycle)
}

// checkLeases validates a full set of lease guarantees and returns the
// excess limit they leave.
func (c Config) checkLeases(all []LeaseConfig) (uint64, error) {
	var sumRate, sumBurst uint64
	linkRate := uint64(c.BytesPerCycle) << c.RateFracBits
	for i, lc := range all {
		if i == 0 && (lc.Rate != 0 || lc.Burst != 0) {
			return 0, errors.New("shaper: lease 0 is the free lease: its guaranteed rate and burst are 0 and cannot be configured")
		}
		if lc.Rate > linkRate {
			return 0, fmt.Errorf("shaper: lease %d rate %d exceeds the link (%d in UQ.%d)", i, lc.Rate, linkRate, c.RateFracBits)
		}
		if minBurst := c.MinBurst(); lc.Rate > 0 && uint64(lc.Burst) < minBurst {
			return 0, fmt.Errorf("shaper: lease %d burst %d is below MinBurst = MaxPacketBytes + Leases x BytesPerCycle = %d (one largest packet plus the %d cycles of line rate a round-robin refill may lag): a source at its rate, timed to whole cycles, would not always conform",
				i, lc.Burst, minBurst, c.Leases)
		}
		if lc.Rate == 0 && lc.Burst != 0 {
			return 0, fmt.Errorf("shaper: lease %d has a burst (%d) but no rate", i, lc.Burst)
		}
		sumRate += lc.Rate
		sumBurst += c.Reserve(lc.Burst)
	}
	if sumRate > linkRate {
		return 0, fmt.Errorf("shaper: guaranteed rates sum to %d, more than the link (%d in UQ.%d)", sumRate, linkRate, c.RateFracBits)
	}
	need := sumBurst + uint64(c.BytesPerCycle) + uint64(c.MaxPacketBytes)
	if need > uint64(c.BufferBytes) {
		return 0, fmt.Errorf("shaper: bursts and their refill reserves sum to %d bytes; with one cycle of line rate (%d) and one packet (%d) for excess traffic that needs %d bytes of buffer, have %d",
			sumBurst, c.BytesPerCycle, c.MaxPacketBytes, need, c.BufferBytes)
	}
	return uint64(c.BufferBytes) - sumBurst - uint64(c.BytesPerCycle), nil
}

// Config returns the port's configuration.
func (p *Port) Config() Config { return p.cfg }

// Format returns the register widths.
func (p *Port) Format() Format { return p.f }

// ExcessLimit is the queue size, in bytes, up to which excess traffic is
// admitted: BufferBytes - sum(Reserve(burst)) - BytesPerCycle.
func (p *Port) ExcessLimit() uint32 { return uint32(p.excessLimit) }

// Backlog is the bytes queued and not yet sent.
func (p *Port) Backlog() uint32 { return uint32(p.backlog) }

// Now is the current cycle: arrivals may be given for it or later.
func (p *Port) Now() uint64 { return p.now }

// Lease returns a lease's configuration, tokens (UQ.F, as of its last
// refill) and counters.
func (p *Port) Lease(i int) (LeaseConfig, uint64, Counters, error) {
	if i < 0 || i >= len(p.leases) {
		return LeaseConfig{}, 0, Counters{}, fmt.Errorf("shaper: lease %d out of range 0..%d", i, len(p.leases)-1)
	}
	l := &p.leases[i]
	return l.cfg, l.tokens, l.c, nil
}

// SetLease changes one lease's guarantee at cycle now. The tokens are
// refilled to now at the old rate, then clamped to the new burst.
func (p *Port) SetLease(now uint64, i int, lc LeaseConfig) error {
	if i < 0 || i >= len(p.leases) {
		return fmt.Errorf("shaper: lease %d out of range 0..%d", i, len(p.leases)-1)
	}
	all := make([]LeaseConfig, len(p.leases))
	for j := range p.leases {
		all[j] = p.leases[j].cfg
	}
	all[i] = lc
	limit, err := p.cfg.checkLeases(all)
	if err != nil {
		return err
	}
	if err := p.AdvanceTo(now); err != nil {
		return err
	}
	l := &p.leases[i]
	p.refill(i, now)
	l.cfg = lc
	if max := uint64(lc.Burst) << p.cfg.RateFracBits; l.tokens > max {
		l.tokens = max
	}
	p.excessLimit = limit
	return nil
}

// refill brings lease i's bucket to cycle t: the round robin visits lease
// i in the cycles u with u mod Leases = i, each visit adding Leases x rate
// clamped to the burst, so min(tokens + visits*Leases*rate, burst) over the
// visits in (tokCycle, t].
func (p *Port) refill(i int, t uint64) {
	l := &p.leases[i]
	if t <= l.tokCycle {
		return
	}
	L := uint64(p.cfg.Leases)
	upto := func(x uint64) uint64 { return (x + L - uint64(i)) / L } // visits in [0, x]
	d := (upto(t) - upto(l.tokCycle)) * L
	l.tokCycle = t
	if d == 0 {
		return
	}
	max := uint64(l.cfg.Burst) << p.cfg.RateFracBits
	hi, add := bits.Mul64(l.cfg.Rate, d)
	if hi != 0 || add >= max-l.tokens {
		l.tokens = max
		return
	}
	l.tokens += add
}

// AdvanceTo runs the link up to (not including) cycle now's drain, so that
// arrivals for cycle now can be given. Time never goes back.
func (p *Port) AdvanceTo(now uint64) error {
	if now < p.now {
		return fmt.Errorf("shaper: time went back from cycle %d to %d", p.now, now)
	}
	if now == p.now {
		return nil
	}
	B := uint64(p.cfg.BytesPerCycle)
	cycles := now - p.now
	budget := p.backlog
	if cycles <= p.backlog/B {
		budget = cycles * B
	}
	var used uint64 // bytes sent since the start of cycle p.now
	for budget > 0 {
		q := p.queue.front()
		rem := uint64(q.Bytes) - p.headSent
		if budget < rem {
			p.headSent += budget
			p.backlog -= budget
			break
		}
		budget -= rem
		used += rem
		p.headSent = 0
		p.backlog -= rem
		p.queue.pop()
		l := &p.leases[q.Lease]
		l.c.DepartedPackets++
		l.c.DepartedBytes += uint64(q.Bytes)
		if p.obs != nil {
			p.obs.Departed(p.now+(used-1)/B, *q)
		}
	}
	p.now = now
	return nil
}

// Rank is the rank of an excess packet of the given lease and priority.
func (p *Port) Rank(lease int, prio uint16) int {
	r := Class(prio, p.cfg.ClassMantissaBits)
	if lease != 0 {
		r += p.f.Classes
	}
	return r
}

// Floor is the backlog up to which every excess packet is admitted,
// whatever its rank: MaxPacketBytes. The excess limit is never below it, so
// the floor never lets excess traffic into the guarantees' reserve.
func (p *Port) Floor() uint32 { return p.cfg.MaxPacketBytes }

// Threshold is the admission threshold of an excess packet of the given
// rank: it is admitted when the backlog plus its length stays within
// max(ExcessLimit - Depth(rank), Floor). Non-decreasing in rank and at most
// ExcessLimit.
func (p *Port) Threshold(rank int) uint32 {
	d := p.f.Depth(rank)
	floor := uint64(p.Floor())
	if p.excessLimit < d || p.excessLimit-d < floor {
		return uint32(floor)
	}
	return uint32(p.excessLimit - d)
}

// Barrier is the refusal barrier at cycle now (not before the last
// arrival), before that cycle's arrivals: the largest, over the excess
// packets refused so far, of rank+1 less the number of multiples of
// 2^BarrierDecayLog passed since the refusal's cycle, never below 0. In
// hardware a register set to max(barrier, rank+1) on a refusal and
// decremented (down to 0) entering every cycle that is a multiple of
// 2^BarrierDecayLog.
// An excess packet of rank r with r + BarrierMargin + 1 < Barrier is
// refused above the floor unless its lease already had a packet refused in
// the current shot window (see Port.Arrive).
func (p *Port) Barrier(now uint64) int {
	k := now >> p.f.BarrierDecayLog
	if k <= p.decayAt {
		return p.barrier
	}
	if d := k - p.decayAt; d < uint64(p.barrier) {
		return p.barrier - int(d)
	}
	return 0
}

// Shot reports whether lease i had an excess packet refused in the shot
// window of cycle now (not before the last arrival): its barrier shot is
// spent until the next window.
func (p *Port) Shot(now uint64, i int) bool {
	return now>>p.f.ShotWindowLog == p.shotWin && p.shot[i]
}

// refuse decides an excess packet of the given lease, rank and length at
// cycle now: refused above its rank's threshold, or above the floor when
// it ranks more than BarrierMargin below the barrier and its lease has a
// shot left in this window. A refusal raises the barrier to rank+1 and
// spends the lease's shot.
func (p *Port) refuse(now uint64, lease, rank int, n uint64) bool {
	p.barrier, p.decayAt = p.Barrier(now), now>>p.f.BarrierDecayLog
	if w := now >> p.f.ShotWindowLog; w != p.shotWin {
		clear(p.shot)
		p.shotWin = w
	}
	r := p.backlog+n > uint64(p.Threshold(rank)) ||
		(rank+p.f.BarrierMargin+1 < p.barrier && !p.shot[lease] && p.backlog+n > uint64(p.Floor()))
	if r {
		p.barrier = max(p.barrier, rank+1)
		p.shot[lease] = true
	}
	return r
}

// Arrive decides one packet arriving at cycle now.
func (p *Port) Arrive(now uint64, pkt Packet) (Verdict, error) {
	if pkt.Lease < 0 || pkt.Lease >= len(p.leases) {
		return Dropped, fmt.Errorf("shaper: packet for lease %d, port has leases 0..%d", pkt.Lease, len(p.leases)-1)
	}
	if pkt.Bytes == 0 || pkt.Bytes > p.cfg.MaxPacketBytes {
		return Dropped, fmt.Errorf("shaper: packet of %d bytes, want 1..%d", pkt.Bytes, p.cfg.MaxPacketBytes)
	}
	if pkt.Priority > MaxPriority {
		return Dropped, fmt.Errorf("shaper: priority 0x%x exceeds 0x7fff (pass the priority, not the traffic class)", pkt.Priority)
	}
	if err := p.AdvanceTo(now); err != nil {
		return Dropped, err
	}
	l := &p.leases[pkt.Lease]
	l.c.ArrivedPackets++
	l.c.ArrivedBytes += uint64(pkt.Bytes)
	p.refill(pkt.Lease, now)
	n := uint64(pkt.Bytes)
	need := n << p.cfg.RateFracBits
	if l.tokens >= need {
		if p.backlog+n > uint64(p.cfg.BufferBytes) {
			l.c.OverflowPackets++
			p.drop(pkt, GuaranteeOverflow)
			return Dropped, nil
		}
		l.tokens -= need
		l.c.GuaranteedPackets++
		l.c.GuaranteedBytes += n
		p.enqueue(&pkt)
		return Guaranteed, nil
	}
	if p.refuse(now, pkt.Lease, p.Rank(pkt.Lease, pkt.Priority), n) {
		l.c.RefusedPackets++
		l.c.RefusedBytes += n
		p.drop(pkt, Refused)
		return Dropped, nil
	}
	l.c.ExcessPackets++
	l.c.ExcessBytes += n
	p.enqueue(&pkt)
	return Excess, nil
}

func (p *Port) enqueue(q *Packet) {
	p.queue.push(q)
	p.backlog += uint64(q.Bytes)
}

func (p *Port) drop(pkt Packet, cause DropCause) {
	if p.obs != nil {
		p.obs.Dropped(p.now, pkt, cause, uint32(p.backlog))
	}
}
