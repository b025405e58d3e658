package meter

import (
	"errors"
	"fmt"
	"math/bits"
)

// Traffic-class fields (see the package comment).
const (
	CustomerBit  uint16 = 0x8000 // bit 15 of the traffic class
	PriorityMask uint16 = 0x7fff // bits 14..0
	MaxPriority  uint16 = 0x7fff
	Unclassed    uint16 = 0xffff // "take the lease default priority, customer bit clear"
)

// FactorFracBits is the number of fractional bits of the scaling factor (Q0.16).
const FactorFracBits = 16

// DividerCyclesPerLease is the cost of one lease on the shared sequential
// divider: one cycle to load limit and measured, then one quotient bit per cycle.
const DividerCyclesPerLease = 1 + FactorFracBits

// TickStagger is the spacing of the leases' ticks: lease i's tick n
// happens at cycle n*TickCycles + TickStagger*i. The hardware (gen/meter)
// runs one lease's whole update (acc read, decay, sample, the compare and
// the divider, the factor write) inside its TickStagger cycles, so one
// datapath serves every lease and no two leases' updates overlap.
const TickStagger = 24

// MinTickCycles is the shortest tick for the given lease count: every
// lease's update slot (TickStagger cycles) fits in one tick.
func MinTickCycles(leases int) uint64 { return uint64(leases) * TickStagger }

// UpdateDelay is the number of cycles from a lease's tick to the update of
// its factor (the hardware's acc update and divider pass).
const UpdateDelay = 23

// AccountDelay is the number of cycles from a packet's arrival to the
// cycle its priority-bytes land in its lease's sample (before that cycle's
// tick): the hardware's serial priority x bytes product and the sample port take that long.
// So lease i's tick at cycle t takes the packets that arrived before cycle
// t - AccountDelay + 1.
const AccountDelay = 10

// MaxFactor is the largest factor: the divider's quotient is clamped to
// 0xfffe so the hardware can store factor and enable in 16 bits (0xffff,
// stored inverted as 0, means "scaling off"). Scale gives the same result
// for 0xfffe and 0xffff on every 15-bit priority (p - 1 for p > 0).
const MaxFactor = 1<<FactorFracBits - 2

// Limits on the configuration, chosen so every register fits a uint64 in the
// model and stays a sensible size in hardware.
const (
	MaxK      = 24
	MaxLeases = 4096
)

// Config holds the generator parameters of the meter block.
type Config struct {
	ClockHz        uint64 // core clock, for unit conversions only
	TickCycles     uint32 // meter tick, in clock cycles
	K              uint   // EWMA shift: alpha = 2^-K
	BytesPerCycle  uint32 // line rate of one port: datapath bytes per cycle
	MaxPacketBytes uint32 // largest packet the device accepts
	Leases         int    // ingress leases metered (lease 0 is the free lease)
}

// Format lists the register widths derived from a Config (see the package
// comment for what each one holds).
type Format struct {
	SampleMax     uint64 // largest sample reachable at line rate, priority-bytes per tick
	SampleBits    uint   // sample, measured and limit registers
	AccBits       uint   // acc register, UQ(SampleBits).(AccFracBits)
	AccFracBits   uint   // = K
	DiffBits      uint   // signed difference in the EWMA update
	FactorBits    uint   // Q0.16 factor (plus one enable bit)
	DividerCycles uint32 // cycles for one divider pass over all leases
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
	case c.ClockHz == 0:
		return Format{}, errors.New("meter: ClockHz must be > 0")
	case c.TickCycles == 0:
		return Format{}, errors.New("meter: TickCycles must be > 0")
	case c.K < 1 || c.K > MaxK:
		return Format{}, fmt.Errorf("meter: K = %d, want 1..%d (alpha = 2^-K)", c.K, MaxK)
	case c.BytesPerCycle == 0:
		return Format{}, errors.New("meter: BytesPerCycle must be > 0")
	case c.MaxPacketBytes == 0:
		return Format{}, errors.New("meter: MaxPacketBytes must be > 0")
	case c.Leases < 1 || c.Leases > MaxLeases:
		return Format{}, fmt.Errorf("meter: Leases = %d, want 1..%d", c.Leases, MaxLeases)
	}
	div := MinTickCycles(c.Leases)
	if div > uint64(c.TickCycles) {
		return Format{}, fmt.Errorf("meter: TickCycles = %d is shorter than one divider pass over %d leases (%d cycles, TickStagger each)",
			c.TickCycles, c.Leases, div)
	}
	if uint64(c.TickCycles) <= UpdateDelay {
		// A lease's factor lands UpdateDelay cycles after its tick; a
		// shorter tick would replace it before it is applied.
		return Format{}, fmt.Errorf("meter: TickCycles = %d, want > UpdateDelay (%d): a lease's factor update must land before its next tick",
			c.TickCycles, UpdateDelay)
	}
	bytesPerTick := uint64(c.BytesPerCycle)*uint64(c.TickCycles) + uint64(c.MaxPacketBytes)
	hi, sampleMax := bits.Mul64(bytesPerTick, uint64(MaxPriority))
	if hi != 0 {
		return Format{}, errors.New("meter: BytesPerCycle*TickCycles is too large")
	}
	f := Format{
		SampleMax:     sampleMax,
		SampleBits:    uint(bits.Len64(sampleMax)),
		AccFracBits:   c.K,
		FactorBits:    FactorFracBits,
		DividerCycles: uint32(div),
	}
	f.AccBits = f.SampleBits + c.K
	f.DiffBits = f.AccBits + 1
	if f.DiffBits > 63 {
		return Format{}, fmt.Errorf("meter: acc would need %d bits (sample %d + K %d); reduce TickCycles or K",
			f.AccBits, f.SampleBits, c.K)
	}
	return f, nil
}

// LimitFromPriorityKBps converts a max-priority-bandwidth in priority x KB/s
// (1 KB = 1000 bytes) to the limit register value in priority-bytes per tick,
// rounded to nearest.
func (c Config) LimitFromPriorityKBps(pkbps uint64) (uint64, error) {
	f, err := c.Format()
	if err != nil {
		return 0, err
	}
	// limit = pkbps * 1000 * TickCycles / ClockHz
	hi, lo := bits.Mul64(pkbps, 1000*uint64(c.TickCycles))
	lo, carry := bits.Add64(lo, c.ClockHz/2, 0)
	hi += carry
	if hi >= c.ClockHz {
		return 0, fmt.Errorf("meter: max-priority-bandwidth %d priority-KB/s is out of range", pkbps)
	}
	q, _ := bits.Div64(hi, lo, c.ClockHz)
	if q > f.SampleMax {
		return 0, fmt.Errorf("meter: max-priority-bandwidth %d priority-KB/s exceeds what the meter can measure (%d)",
			pkbps, c.PriorityKBps(f.SampleMax<<c.K))
	}
	return q, nil
}

// PriorityKBps converts an acc value (UQ.K, priority-bytes per tick) to
// priority x KB/s, rounded down.
func (c Config) PriorityKBps(acc uint64) uint64 {
	if c.TickCycles == 0 || c.ClockHz == 0 {
		return 0
	}
	den := uint64(c.TickCycles) * 1000
	hi, lo := bits.Mul64(acc, c.ClockHz)
	// divide by den then by 2^K
	if hi >= den {
		return ^uint64(0)
	}
	q, _ := bits.Div64(hi, lo, den)
	return q >> c.K
}

// LeaseConfig is the per-ingress-lease configuration of steps 2 and 3.
type LeaseConfig struct {
	DefaultPriority  uint16 // priority given to unclassed (0xffff) traffic, 0..0x7fff
	ClearCustomerBit bool   // clear-customer-bit: the lease faces a peer or provider
	Limited          bool   // max-priority-bandwidth enforced
	Limit            uint64 // max-priority-bandwidth, priority-bytes per tick (see LimitFromPriorityKBps)
}

// EgressConfig is the per-egress-lease configuration of step 5.
type EgressConfig struct {
	DeprioritizeNonCustomer bool
	NonCustomerCap          uint16 // 0..0x7fff
}

// Validate reports a bad egress configuration.
func (e EgressConfig) Validate() error {
	if e.NonCustomerCap > MaxPriority {
		return fmt.Errorf("meter: non-customer priority cap 0x%x exceeds 0x7fff", e.NonCustomerCap)
	}
	return nil
}

// Apply is step 5: a packet without the customer bit has its priority capped
// to NonCustomerCap when the egress lease deprioritizes non-customer traffic.
// Customer traffic and unconfigured leases pass unchanged.
func (e EgressConfig) Apply(tc uint16) uint16 {
	if !e.DeprioritizeNonCustomer || tc&CustomerBit != 0 {
		return tc
	}
	if tc&PriorityMask > e.NonCustomerCap {
		return e.NonCustomerCap & PriorityMask
	}
	return tc
}

// Divide models the shared restoring divider: floor(num * 2^16 / den) for
// num < den, one quotient bit per iteration, the remainder held in
// bitlen(den)+1 bits. Outside that domain it returns 0xffff (num >= den, which
// the datapath never asks for) or 0 (den == 0).
func Divide(num, den uint64) uint32 {
	if den == 0 {
		return 0
	}
	if num >= den {
		return 1<<FactorFracBits - 1
	}
	var q uint32
	r := num
	for i := 0; i < FactorFracBits; i++ {
		r <<= 1
		q <<= 1
		if r >= den {
			r -= den
			q |= 1
		}
	}
	return q
}

// Scale applies a Q0.16 factor to a 15-bit priority: (p * factor) >> 16.
func Scale(p uint16, factor uint32) uint16 {
	return uint16((uint32(p&PriorityMask) * (factor & 0xffff)) >> FactorFracBits)
}

type lease struct {
	cfg       LeaseConfig
	sample    uint64
	acc       uint64
	ticks     uint64 // this lease's ticks done
	pending   bool   // a factor update is due at due
	due       uint64
	pendOn    bool
	pendF     uint32
	pendMeas  uint64
	activeOn  bool
	activeF   uint32
	measured  uint64 // acc>>K behind the active factor (the read port's value)
	updated   bool   // at least one factor update happened
	updateAt  uint64 // cycle of the latest factor update
	saturated uint64 // ticks whose sample hit SampleMax
	landing   []landing
}

// landing is a packet's priority-bytes on their way to the sample: they
// land at cycle due (AccountDelay after the packet).
type landing struct {
	due, add uint64
}

// Meter is the model of the meter block for one device: one IIR meter and one
// factor per ingress lease.
type Meter struct {
	cfg    Config
	f      Format
	leases []lease
	now    uint64
}

// New builds a meter. leases may be shorter than cfg.Leases; the rest get a
// zero LeaseConfig (priority 0 for unclassed traffic, no limit).
func New(cfg Config, leases []LeaseConfig) (*Meter, error) {
	f, err := cfg.Format()
	if err != nil {
		return nil, err
	}
	if len(leases) > cfg.Leases {
		return nil, fmt.Errorf("meter: %d lease configurations for %d leases", len(leases), cfg.Leases)
	}
	m := &Meter{cfg: cfg, f: f, leases: make([]lease, cfg.Leases)}
	for i, lc := range leases {
		if err := m.SetLease(i, lc); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Config returns the configuration the meter was built with.
func (m *Meter) Config() Config { return m.cfg }

// Format returns the register widths.
func (m *Meter) Format() Format { return m.f }

func (m *Meter) checkLease(i int) error {
	if i < 0 || i >= len(m.leases) {
		return fmt.Errorf("meter: lease %d out of range 0..%d", i, len(m.leases)-1)
	}
	return nil
}

// SetLease writes a lease's configuration. The meter state is kept; a new
// limit is used from the lease's next tick on.
func (m *Meter) SetLease(i int, lc LeaseConfig) error {
	if err := m.checkLease(i); err != nil {
		return err
	}
	if lc.DefaultPriority > MaxPriority {
		return fmt.Errorf("meter: lease %d default priority 0x%x exceeds 0x7fff", i, lc.DefaultPriority)
	}
	if lc.Limited && lc.Limit > m.f.SampleMax {
		return fmt.Errorf("meter: lease %d limit %d exceeds the largest measurable value %d (priority-bytes per tick)",
			i, lc.Limit, m.f.SampleMax)
	}
	m.leases[i].cfg = lc
	return nil
}

// TickAt is the cycle of lease i's tick n (n >= 1): n*TickCycles +
// TickStagger*i.
func (c Config) TickAt(i int, n uint64) uint64 {
	return n*uint64(c.TickCycles) + uint64(TickStagger)*uint64(i)
}

// AdvanceTo runs every tick and factor update up to and including cycle
// now. Time never goes back.
func (m *Meter) AdvanceTo(now uint64) error {
	if now < m.now {
		return fmt.Errorf("meter: time went back from cycle %d to %d", m.now, now)
	}
	m.now = now
	for i := range m.leases {
		m.advanceLease(i, now)
	}
	return nil
}

// advanceLease runs lease i's events up to cycle now in time order: its
// ticks and the factor updates UpdateDelay cycles after each.
func (m *Meter) advanceLease(i int, now uint64) {
	l := &m.leases[i]
	for {
		next := m.cfg.TickAt(i, l.ticks+1)
		if l.pending && l.due <= now && l.due < next {
			l.pending = false
			l.activeOn, l.activeF, l.measured = l.pendOn, l.pendF, l.pendMeas
			l.updated, l.updateAt = true, l.due
			continue
		}
		if next > now {
			m.land(l, now)
			return
		}
		if !l.pending && len(l.landing) == 0 && l.sample == 0 && l.acc == 0 && !l.activeOn && l.measured == 0 {
			// Idle: every tick up to now leaves the state as it is (acc 0,
			// an "off" update), so jump to the last one and run it.
			n := (now - uint64(TickStagger)*uint64(i)) / uint64(m.cfg.TickCycles)
			if n > l.ticks+1 {
				l.ticks = n - 1
				l.updated, l.updateAt = true, m.cfg.TickAt(i, n-1)+UpdateDelay
				next = m.cfg.TickAt(i, n)
			}
		}
		// Packets landing in the tick's own cycle go before it.
		m.land(l, next)
		m.tick(i, next)
	}
}

// land adds the priority-bytes due at or before cycle at to the sample,
// saturating at SampleMax (and counting the tick interval that saturated).
func (m *Meter) land(l *lease, at uint64) {
	n := 0
	for _, p := range l.landing {
		if p.due > at {
			break
		}
		n++
		if l.sample+p.add > m.f.SampleMax {
			if l.sample < m.f.SampleMax {
				l.saturated++
			}
			l.sample = m.f.SampleMax
		} else {
			l.sample += p.add
		}
	}
	l.landing = l.landing[n:]
}

// tick is lease i's tick at cycle at: the EWMA step, and the factor update
// it schedules for at+UpdateDelay from the new acc and the limit as
// configured now.
func (m *Meter) tick(i int, at uint64) {
	k := m.cfg.K
	l := &m.leases[i]
	diff := int64(l.sample<<k) - int64(l.acc)
	l.acc = uint64(int64(l.acc) + diff>>k)
	l.sample = 0
	l.ticks++
	measured := l.acc >> k
	l.pending, l.due, l.pendMeas = true, at+UpdateDelay, measured
	if l.cfg.Limited && measured > l.cfg.Limit {
		l.pendOn, l.pendF = true, min(Divide(l.cfg.Limit, measured), MaxFactor)
	} else {
		l.pendOn, l.pendF = false, 0
	}
}

// Ingress is steps 2 and 3 for one packet of the given length arriving on an
// ingress lease at cycle now: it returns the traffic class the packet carries
// on. The meter accounts the priority the packet arrived with.
func (m *Meter) Ingress(now uint64, leaseIdx int, tc uint16, bytes uint32) (uint16, error) {
	if err := m.checkLease(leaseIdx); err != nil {
		return 0, err
	}
	if bytes == 0 || bytes > m.cfg.MaxPacketBytes {
		return 0, fmt.Errorf("meter: packet of %d bytes, want 1..%d", bytes, m.cfg.MaxPacketBytes)
	}
	if err := m.AdvanceTo(now); err != nil {
		return 0, err
	}
	l := &m.leases[leaseIdx]
	var cust bool
	var prio uint16
	if tc == Unclassed {
		prio = l.cfg.DefaultPriority
	} else {
		cust = tc&CustomerBit != 0
		prio = tc & PriorityMask
	}
	if l.cfg.ClearCustomerBit {
		cust = false
	}
	l.landing = append(l.landing, landing{due: now + AccountDelay, add: uint64(prio) * uint64(bytes)})
	if l.activeOn {
		prio = Scale(prio, l.activeF)
	}
	out := prio
	if cust {
		out |= CustomerBit
	}
	return out, nil
}

// LeaseState is a snapshot of one lease's meter registers.
type LeaseState struct {
	Sample    uint64 // priority-bytes landed so far in the current tick (see AccountDelay)
	Acc       uint64 // UQ(SampleBits).(K), as of the lease's latest tick
	Measured  uint64 // Acc >> K behind the active factor (as of the latest factor update)
	Scaling   bool   // active factor enabled
	Factor    uint32 // active Q0.16 factor, <= MaxFactor (0 when not Scaling)
	Updated   bool   // a factor update has happened
	UpdateAt  uint64 // cycle of the latest factor update (valid when Updated)
	Saturated uint64 // ticks whose sample saturated (beyond line rate)
}

// State returns lease i's registers.
func (m *Meter) State(i int) (LeaseState, error) {
	if err := m.checkLease(i); err != nil {
		return LeaseState{}, err
	}
	l := &m.leases[i]
	return LeaseState{
		Sample: l.sample, Acc: l.acc, Measured: l.measured,
		Scaling: l.activeOn, Factor: l.activeF, Updated: l.updated, UpdateAt: l.updateAt,
		Saturated: l.saturated,
	}, nil
}
