package device

import (
	"errors"
	"fmt"

	"github.com/pktnetwork/pktrouter/label"
	"github.com/pktnetwork/pktrouter/model/meter"
	"github.com/pktnetwork/pktrouter/model/shaper"
)

// MaxInterfaces is the largest index table the CPU frame's one-byte
// interface number can name.
const MaxInterfaces = 256

// Config holds the parameters of one device.
type Config struct {
	Ports  int          // link ports P (the CPU port is number P)
	Leases int          // lease tags per link port L; tag 0 is the free lease
	Scheme label.Scheme // encoding scheme; nil means label.V358
	// Meter is the ingress meter; its Leases must be Ports*Leases (one
	// meter per lease element) and its MaxPacketBytes the device's.
	Meter meter.Config
	// Shaper is every egress link port's shaper; its Leases must be Leases
	// and its MaxPacketBytes the device's.
	Shaper shaper.Config
}

// Ref4 is the reference device ref4: 4 ports, 8 leases per port, v3x5x8,
// the 8-bit datapath (one byte per cycle) at 125 MHz. Frames are up to
// 256 bytes and each egress port's shaper has 768 bytes of buffer, sized
// so the hardware's packet buffers fit the 32 block RAMs of an iCE40 HX8K
// beside the index table and the shapers' descriptor queues (see
// gen/device); a board with more memory raises both. Rates carry 16
// fraction bits (model/shaper: worst long-run rate error 0.124 % at 1 % of
// the link, B = 1, L = 8; 24 bits cost each shaper port ~360 LUT4 more on
// iCE40, testbenches/shaper/SYNTH.md).
var Ref4 = Config{
	Ports:  4,
	Leases: 8,
	Scheme: label.V358,
	Meter:  meter.Config{ClockHz: 125_000_000, TickCycles: 1024, K: 8, BytesPerCycle: 1, MaxPacketBytes: 256, Leases: 32},
	Shaper: shaper.Config{BytesPerCycle: 1, BufferBytes: 768, MaxPacketBytes: 256, Leases: 8, RateFracBits: 16, ClassMantissaBits: 5},
}

// Interfaces is the number of index table entries: one per lease and self.
func (c Config) Interfaces() int { return c.Ports*c.Leases + 1 }

// CPUPort is the CPU port's number.
func (c Config) CPUPort() int { return c.Ports }

// MaxPacketBytes is the longest frame the device takes, lease tag included.
func (c Config) MaxPacketBytes() uint32 { return c.Meter.MaxPacketBytes }

// Interface is the cjdns interface number of lease tag t on port p (see
// the package documentation): the lease element, skipping 1.
func (c Config) Interface(p, t int) uint32 {
	e := uint32(p*c.Leases + t)
	if e >= 1 {
		e++
	}
	return e
}

// LeaseOf is the (port, tag) whose interface is n; ok is false for self
// and numbers outside the table.
func (c Config) LeaseOf(n uint32) (p, t int, ok bool) {
	if n == label.SelfInterface || n >= uint32(c.Interfaces()) {
		return 0, 0, false
	}
	e := int(n)
	if e > 1 {
		e--
	}
	return e / c.Leases, e % c.Leases, true
}

// SchemeOrDefault is the encoding scheme the device uses: Scheme, or V358
// when it is nil.
func (c Config) SchemeOrDefault() label.Scheme {
	if c.Scheme == nil {
		return label.V358
	}
	return c.Scheme
}

// Validate reports the first thing wrong with the configuration.
func (c Config) Validate() error {
	if c.Ports < 1 || c.Leases < 1 {
		return fmt.Errorf("device: %d ports of %d leases, want at least 1 of each", c.Ports, c.Leases)
	}
	if n := c.Interfaces(); n > MaxInterfaces {
		return fmt.Errorf("device: %d interfaces (ports*leases+1), at most %d", n, MaxInterfaces)
	}
	if err := c.SchemeOrDefault().Validate(); err != nil {
		return fmt.Errorf("device: %w", err)
	}
	if c.Meter.Leases != c.Ports*c.Leases {
		return fmt.Errorf("device: meter has %d leases, want ports*leases = %d", c.Meter.Leases, c.Ports*c.Leases)
	}
	if c.Shaper.Leases != c.Leases {
		return fmt.Errorf("device: shaper has %d leases, want %d", c.Shaper.Leases, c.Leases)
	}
	if c.Shaper.MaxPacketBytes != c.Meter.MaxPacketBytes {
		return fmt.Errorf("device: shaper max packet %d != meter max packet %d", c.Shaper.MaxPacketBytes, c.Meter.MaxPacketBytes)
	}
	if c.Meter.MaxPacketBytes < 1+label.HeaderSize+2 {
		return fmt.Errorf("device: max packet %d bytes cannot hold a CPU frame's header", c.Meter.MaxPacketBytes)
	}
	if err := c.Meter.Validate(); err != nil {
		return fmt.Errorf("device: %w", err)
	}
	if err := c.Shaper.Validate(); err != nil {
		return fmt.Errorf("device: %w", err)
	}
	return nil
}

// Entry is one index table entry: where interface number n leads.
type Entry struct {
	Valid         bool
	Port, Tag, VR uint32 // Port >= Ports (the CSR map's 4 in ref4) is the CPU port
}

// LeaseConfig is everything configured on one lease (both directions of
// its (port, tag), as the CSR map's lease block).
type LeaseConfig struct {
	Meter  meter.LeaseConfig  // ingress: default priority, clear-customer-bit, limit
	Egress meter.EgressConfig // egress: deprioritize-non-customer cap
	Shaper shaper.LeaseConfig // egress: guaranteed rate and burst
}

// Counters are one lease's counters (the CSR map's stats block, plus the
// drops the model tells apart that the map folds elsewhere).
type Counters struct {
	InPackets, InBytes   uint64 // accepted on ingress (metered)
	OutPackets, OutBytes uint64 // sent on egress
	DropRefused          uint64 // shaper: excess packet refused
	DropOverflow         uint64 // shaper: guaranteed packet found no room
	DropOther            uint64 // shaper: any other cause the shaper reports
	DropVRouter          uint64 // ingress: steered into another virtual router
	DropShift            uint64 // ingress: labelShift would pass 63 (cjdns' silent drop)
	LabelErrors          uint64 // ingress: sent to the CPU port with a cjdns error
}

// PortCounters are drops that belong to no lease.
type PortCounters struct {
	DropUnknownTag uint64 // tag >= Leases, or a paid tag whose interface is not valid
	DropRunt       uint64 // shorter than lease tag + switch header
	DropOversize   uint64 // longer than MaxPacketBytes
	LabelErrors    uint64 // sent to the CPU port as a cjdns error
	InPackets      uint64 // frames received (CPU port: all its frames)
	OutPackets     uint64 // frames sent
}

// Result says what happened to a received frame.
type Result int

const (
	Forwarded   Result = iota // admitted by the egress shaper (may still be queued)
	ToCPU                     // switched to interface 1, delivered to the CPU port
	LabelError                // cjdns error: to the CPU port with the code
	Runt                      // dropped: too short
	Oversize                  // dropped: too long
	UnknownTag                // dropped: lease tag not configured on the port
	DropShift                 // dropped silently: labelShift would pass 63
	DropVRouter               // dropped: crosses virtual routers
	ShaperDrop                // dropped by the egress shaper
)

var resultNames = [...]string{"forwarded", "to-cpu", "label-error", "runt", "oversize", "unknown-tag", "drop-shift", "drop-vrouter", "shaper-drop"}

func (r Result) String() string {
	if r >= 0 && int(r) < len(resultNames) {
		return resultNames[r]
	}
	return fmt.Sprintf("Result(%d)", int(r))
}

// Outcome is the device's decision on one frame.
type Outcome struct {
	Result Result
	From   uint32 // ingress interface (1 for the CPU port)
	To     uint32 // egress interface (Forwarded, ToCPU)
	Port   int    // egress port (Forwarded; the CPU port for ToCPU and LabelError)
	Tag    int    // egress lease tag (Forwarded)
	Code   uint32 // cjdns error code (LabelError)
	TC     uint16 // traffic class as it leaves (Forwarded, ToCPU)
	Frame  []byte // the frame as it leaves (link frame, or CPU frame bytes)
	Cause  shaper.DropCause
}

// Out is one frame leaving the device.
type Out struct {
	Cycle uint64 // cycle its last byte left (links) or it was decided (CPU port)
	Port  int    // egress port; CPUPort for the CPU port
	Frame []byte
}

// Device is the model of one routing device.
type Device struct {
	cfg    Config
	scheme label.Scheme
	meter  *meter.Meter
	ports  []*shaper.Port
	obs    []*portObserver
	table  []Entry
	leases []LeaseConfig
	stats  []Counters
	pstats []PortCounters // Ports+1 entries, the CPU port last
	out    []Out
	now    uint64
	nextID uint64
}

// portObserver turns one shaper port's departures and drops into output
// frames and counters.
type portObserver struct {
	d      *Device
	port   int
	frames map[uint64][]byte
}

func (o *portObserver) Departed(cycle uint64, p shaper.Packet) {
	f := o.frames[p.ID]
	delete(o.frames, p.ID)
	c := &o.d.stats[o.port*o.d.cfg.Leases+p.Lease]
	c.OutPackets++
	c.OutBytes += uint64(p.Bytes)
	o.d.pstats[o.port].OutPackets++
	o.d.out = append(o.d.out, Out{Cycle: cycle, Port: o.port, Frame: f})
}

func (o *portObserver) Dropped(_ uint64, p shaper.Packet, cause shaper.DropCause, _ uint32) {
	delete(o.frames, p.ID)
	c := &o.d.stats[o.port*o.d.cfg.Leases+p.Lease]
	switch cause {
	case shaper.Refused:
		c.DropRefused++
	case shaper.GuaranteeOverflow:
		c.DropOverflow++
	default:
		c.DropOther++
	}
}

// New builds a device with an empty index table (every interface invalid)
// and unconfigured leases: only the free tier and self work.
func New(cfg Config) (*Device, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := meter.New(cfg.Meter, nil)
	if err != nil {
		return nil, fmt.Errorf("device: %w", err)
	}
	d := &Device{
		cfg:    cfg,
		scheme: cfg.SchemeOrDefault(),
		meter:  m,
		table:  make([]Entry, cfg.Interfaces()),
		leases: make([]LeaseConfig, cfg.Ports*cfg.Leases),
		stats:  make([]Counters, cfg.Ports*cfg.Leases),
		pstats: make([]PortCounters, cfg.Ports+1),
	}
	for p := 0; p < cfg.Ports; p++ {
		o := &portObserver{d: d, port: p, frames: map[uint64][]byte{}}
		sp, err := shaper.New(cfg.Shaper, nil, o)
		if err != nil {
			return nil, fmt.Errorf("device: port %d: %w", p, err)
		}
		d.ports = append(d.ports, sp)
		d.obs = append(d.obs, o)
	}
	return d, nil
}

// Config returns the device's configuration.
func (d *Device) Config() Config { return d.cfg }

// Now is the last cycle the device was advanced to.
func (d *Device) Now() uint64 { return d.now }

// SetInterface writes index table entry n.
func (d *Device) SetInterface(n uint32, e Entry) error {
	if n >= uint32(len(d.table)) {
		return fmt.Errorf("device: interface %d outside the index table (0..%d)", n, len(d.table)-1)
	}
	if e.Port > uint32(d.cfg.Ports) {
		return fmt.Errorf("device: interface %d: port %d, want 0..%d (%d is the CPU port)", n, e.Port, d.cfg.Ports, d.cfg.Ports)
	}
	if e.Tag >= uint32(d.cfg.Leases) {
		return fmt.Errorf("device: interface %d: lease tag %d, want 0..%d", n, e.Tag, d.cfg.Leases-1)
	}
	d.table[n] = e
	return nil
}

// Interface reads index table entry n.
func (d *Device) Interface(n uint32) Entry {
	if n >= uint32(len(d.table)) {
		return Entry{}
	}
	return d.table[n]
}

// SetLease configures lease tag t of port p at the current cycle.
func (d *Device) SetLease(p, t int, lc LeaseConfig) error {
	if err := d.checkLease(p, t); err != nil {
		return err
	}
	e := p*d.cfg.Leases + t
	if err := d.meter.SetLease(e, lc.Meter); err != nil {
		return fmt.Errorf("device: lease %d/%d: %w", p, t, err)
	}
	if err := lc.Egress.Validate(); err != nil {
		return fmt.Errorf("device: lease %d/%d: %w", p, t, err)
	}
	if err := d.ports[p].SetLease(d.now, t, lc.Shaper); err != nil {
		return fmt.Errorf("device: lease %d/%d: %w", p, t, err)
	}
	d.leases[e] = lc
	return nil
}

func (d *Device) checkLease(p, t int) error {
	if p < 0 || p >= d.cfg.Ports || t < 0 || t >= d.cfg.Leases {
		return fmt.Errorf("device: lease %d/%d outside %d ports x %d leases", p, t, d.cfg.Ports, d.cfg.Leases)
	}
	return nil
}

// Counters returns lease t of port p's counters.
func (d *Device) Counters(p, t int) Counters {
	if d.checkLease(p, t) != nil {
		return Counters{}
	}
	return d.stats[p*d.cfg.Leases+t]
}

// PortCounters returns port p's counters (p = CPUPort for the CPU port).
func (d *Device) PortCounters(p int) PortCounters {
	if p < 0 || p > d.cfg.Ports {
		return PortCounters{}
	}
	return d.pstats[p]
}

// MeterState returns the meter registers of lease t on port p.
func (d *Device) MeterState(p, t int) (meter.LeaseState, error) {
	if err := d.checkLease(p, t); err != nil {
		return meter.LeaseState{}, err
	}
	return d.meter.State(p*d.cfg.Leases + t)
}

// Backlog is the bytes queued on egress port p and not yet sent.
func (d *Device) Backlog(p int) uint32 {
	if p < 0 || p >= d.cfg.Ports {
		return 0
	}
	return d.ports[p].Backlog()
}

// AdvanceTo runs every link up to cycle now. Time never goes back.
func (d *Device) AdvanceTo(now uint64) error {
	if now < d.now {
		return fmt.Errorf("device: time goes back from %d to %d", d.now, now)
	}
	d.now = now
	if err := d.meter.AdvanceTo(now); err != nil {
		return fmt.Errorf("device: %w", err)
	}
	for _, p := range d.ports {
		if err := p.AdvanceTo(now); err != nil {
			return fmt.Errorf("device: %w", err)
		}
	}
	return nil
}

// TakeOutput returns the frames that left since the last call, in the
// order they left (departures of one port in order; ports interleaved by
// cycle only as far as AdvanceTo was called).
func (d *Device) TakeOutput() []Out {
	o := d.out
	d.out = nil
	return o
}

// Receive handles a frame whose last byte arrived on port at cycle now
// (port = CPUPort for cpu_rx).
func (d *Device) Receive(now uint64, port int, frame []byte) (Outcome, error) {
	if port < 0 || port > d.cfg.Ports {
		return Outcome{}, fmt.Errorf("device: port %d, want 0..%d", port, d.cfg.Ports)
	}
	if err := d.AdvanceTo(now); err != nil {
		return Outcome{}, err
	}
	ps := &d.pstats[port]
	ps.InPackets++
	if len(frame) < 1+label.HeaderSize {
		ps.DropRunt++
		return Outcome{Result: Runt}, nil
	}
	if uint32(len(frame)) > d.cfg.MaxPacketBytes() {
		ps.DropOversize++
		return Outcome{Result: Oversize}, nil
	}
	h, _ := label.ParseHeader(frame[1:])
	n := uint32(len(frame))
	var (
		from uint32 = label.SelfInterface
		st   *Counters
	)
	cpu := port == d.cfg.Ports
	if !cpu {
		tag := int(frame[0])
		if tag >= d.cfg.Leases {
			ps.DropUnknownTag++
			return Outcome{Result: UnknownTag}, nil
		}
		from = d.cfg.Interface(port, tag)
		if tag != 0 && !d.table[from].Valid {
			ps.DropUnknownTag++
			return Outcome{Result: UnknownTag, From: from}, nil
		}
		e := port*d.cfg.Leases + tag
		st = &d.stats[e]
		tc, err := d.meter.Ingress(now, e, h.TrafficClass, n)
		if err != nil {
			return Outcome{}, fmt.Errorf("device: %w", err)
		}
		h.TrafficClass = tc
		st.InPackets++
		st.InBytes += uint64(n)
	}
	present := func(i uint32) bool { return i < uint32(len(d.table)) && d.table[i].Valid }
	to, out, err := d.scheme.Forward(h, from, present)
	if err != nil {
		var se label.SwitchError
		switch {
		case errors.As(err, &se):
			// The refused frame goes to the onboard computer as received
			// (with the re-prioritized traffic class the meter gave it).
			if st != nil {
				st.LabelErrors++
			}
			ps.LabelErrors++
			cf := CPUFrame{Reason: uint8(se.Code), From: from, Frame: withHeader(frame, h)}
			return d.toCPU(now, Outcome{Result: LabelError, From: from, Port: d.cfg.Ports, Code: uint32(se.Code), Frame: cf.Bytes()})
		case errors.Is(err, label.ErrShiftOverflow):
			if st != nil {
				st.DropShift++
			}
			return Outcome{Result: DropShift, From: from}, nil
		default:
			return Outcome{}, fmt.Errorf("device: interface %d: %w", from, err)
		}
	}
	if to != label.SelfInterface && from != label.SelfInterface && d.table[to].VR != d.table[from].VR {
		if st != nil {
			st.DropVRouter++
		}
		return Outcome{Result: DropVRouter, From: from, To: to}, nil
	}
	ent := d.table[to]
	if to == label.SelfInterface || ent.Port >= uint32(d.cfg.Ports) {
		cf := CPUFrame{Reason: 0, From: from, Frame: withHeader(frame, out)}
		return d.toCPU(now, Outcome{Result: ToCPU, From: from, To: to, Port: d.cfg.Ports, TC: out.TrafficClass, Frame: cf.Bytes()})
	}
	q, tag := int(ent.Port), int(ent.Tag)
	out.TrafficClass = d.leases[q*d.cfg.Leases+tag].Egress.Apply(out.TrafficClass)
	f := make([]byte, 0, len(frame))
	f = append(f, byte(tag))
	f = out.AppendTo(f)
	f = append(f, frame[1+label.HeaderSize:]...)
	oc := Outcome{Result: Forwarded, From: from, To: to, Port: q, Tag: tag, TC: out.TrafficClass, Frame: f}
	id := d.nextID
	d.nextID++
	d.obs[q].frames[id] = f
	v, err := d.ports[q].Arrive(now, shaper.Packet{ID: id, Lease: tag, Priority: out.TrafficClass & meter.PriorityMask, Bytes: n})
	if err != nil {
		return Outcome{}, fmt.Errorf("device: %w", err)
	}
	if v == shaper.Dropped {
		oc.Result = ShaperDrop
	}
	return oc, nil
}

// toCPU delivers a CPU frame at once (the CPU port is not shaped).
func (d *Device) toCPU(now uint64, oc Outcome) (Outcome, error) {
	d.pstats[d.cfg.Ports].OutPackets++
	d.out = append(d.out, Out{Cycle: now, Port: d.cfg.Ports, Frame: oc.Frame})
	return oc, nil
}

// withHeader is the frame without its lease tag, with header h.
func withHeader(frame []byte, h label.Header) []byte {
	b := h.AppendTo(make([]byte, 0, len(frame)-1))
	return append(b, frame[1+label.HeaderSize:]...)
}
