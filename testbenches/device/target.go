package device

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/firmware/simline"
	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	model "github.com/pktnetwork/pktrouter/model/device"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// Lane is one port's byte-stream input in one cycle.
type Lane struct {
	Valid, Last bool
	Data        byte
}

// PortFrame is a whole frame that left a port.
type PortFrame struct {
	Cycle uint64
	Port  int
	Frame []byte
}

// Setup is a device's configuration: index table and leases.
type Setup struct {
	Interfaces map[uint32]model.Entry
	Leases     map[[2]int]model.LeaseConfig // (port, tag)
}

// Target is a device driven one clock cycle at a time: the hardware in the
// Go simulator (HW) or the golden model (Model).
type Target interface {
	Config() model.Config
	Cycle() uint64
	// Step runs one cycle with rx offered on every port (CPU port last)
	// and returns which were taken and the frames whose last byte left.
	Step(rx []Lane) (taken []bool, out []PortFrame, err error)
}

// HW is the generated device core in the Go simulator, tx_ready always
// high, counters kept in Go from the event strobes.
type HW struct {
	cfg    gendev.Config
	s      *sim.Sim
	n      int
	txBuf  [][]byte
	rxIn   []string // port signal names, per port: valid, data, last, ready
	txOut  []string
	Stats  []model.Counters     // per lease element, counted from events
	PStats []model.PortCounters // per port

	recPorts []tb.Port
	rec      *tb.Stimulus
	evPrefix string // where the core's event ports are ("u_core." in a top)
	uart     *simline.Host
	stall    func(cycle uint64, port int) bool
	ready    []bool // this cycle's tx_ready per port
	// Held counts the cycles a port offered a byte (tx_valid) that the
	// link did not take (TxStall).
	Held uint64
}

// NewHW builds the core for cfg, applies setup through the configuration
// ports and returns it reset and configured.
func NewHW(cfg gendev.Config, setup Setup) (*HW, error) {
	m, err := gendev.Core(cfg)
	if err != nil {
		return nil, err
	}
	d, err := m.Build()
	if err != nil {
		return nil, err
	}
	return newHW(cfg, d, setup)
}

// NewHWDesign is NewHW for an already built core (tests share one build).
func NewHWDesign(cfg gendev.Config, d *hdl.Design, setup Setup, opts ...Option) (*HW, error) {
	return newHW(cfg, d, setup, opts...)
}

// Option changes how NewHWDesign sets up the simulation.
type Option func(*HW)

// TxStall makes the HW hold tx_ready low on port p (CPU port last) in the
// cycles where stall(cycle, p) is true: egress back-pressure from a link
// that is slower than the datapath. Without it tx_ready is always high.
func TxStall(stall func(cycle uint64, port int) bool) Option {
	return func(h *HW) { h.stall = stall }
}

// Recording makes the HW append every cycle's inputs (in the order of
// ports, rst included) to st, from the reset cycle on, so the same run
// can be replayed on Verilator and Icarus (testbenches/tb).
func Recording(ports []tb.Port, st *tb.Stimulus) Option {
	return func(h *HW) { h.recPorts, h.rec = ports, st }
}

func newHW(cfg gendev.Config, d *hdl.Design, setup Setup, opts ...Option) (*HW, error) {
	s, err := sim.NewDesign(d)
	if err != nil {
		return nil, err
	}
	n := cfg.Ports + 1
	h := &HW{cfg: cfg, s: s, n: n, txBuf: make([][]byte, n), ready: make([]bool, n),
		Stats: make([]model.Counters, cfg.Ports*cfg.Leases), PStats: make([]model.PortCounters, n)}
	for i := 0; i < n; i++ {
		rx, tx := fmt.Sprintf("rx%d_", i), fmt.Sprintf("tx%d_", i)
		if i == cfg.Ports {
			rx, tx = "cpu_rx_", "cpu_tx_"
		}
		h.rxIn = append(h.rxIn, rx+"valid", rx+"data", rx+"last", rx+"ready")
		h.txOut = append(h.txOut, tx+"valid", tx+"data", tx+"last", tx+"ready")
	}
	for i := range h.ready {
		h.ready[i] = true
	}
	for _, o := range opts {
		o(h)
	}
	if h.rec != nil {
		row := make([]uint64, len(h.recPorts))
		for i, p := range h.recPorts {
			if p.Name == sim.RstPort {
				row[i] = 1
			}
		}
		if err := h.rec.Append(row...); err != nil {
			return nil, err
		}
	}
	s.Reset()
	for i := 0; i < n; i++ {
		if err := s.Poke(h.txOut[4*i+3], 1); err != nil {
			return nil, err
		}
	}
	if h.evPrefix == "" {
		if err := h.Apply(setup); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Sim is the simulator (for VCD traces and peeks).
func (h *HW) Sim() *sim.Sim { return h.s }

// Config returns the model configuration.
func (h *HW) Config() model.Config { return h.cfg.Config }

// Cycle is the number of cycles since reset.
func (h *HW) Cycle() uint64 { return h.s.Cycle() }

// Apply writes setup through the configuration ports, one write a cycle.
func (h *HW) Apply(setup Setup) error {
	for _, n := range sortedIfaces(setup.Interfaces) {
		e := setup.Interfaces[n]
		if err := h.pokes(map[string]uint64{"if_we": 1, "if_addr": uint64(n), "if_valid": b2u(e.Valid),
			"if_port": uint64(e.Port), "if_tag": uint64(e.Tag), "if_vr": uint64(e.VR)}); err != nil {
			return err
		}
		if _, _, err := h.Step(nil); err != nil {
			return err
		}
	}
	if err := h.pokes(map[string]uint64{"if_we": 0}); err != nil {
		return err
	}
	for _, pt := range sortedLeases(setup.Leases) {
		lc := setup.Leases[pt]
		if err := h.pokes(map[string]uint64{"ls_we": 1, "ls_idx": uint64(pt[0]*h.cfg.Leases + pt[1]),
			"ls_default": uint64(lc.Meter.DefaultPriority), "ls_clear": b2u(lc.Meter.ClearCustomerBit),
			"ls_limited": b2u(lc.Meter.Limited), "ls_limit": lc.Meter.Limit,
			"ls_deprio": b2u(lc.Egress.DeprioritizeNonCustomer), "ls_cap": uint64(lc.Egress.NonCustomerCap),
			"ls_rate": lc.Shaper.Rate, "ls_burst": uint64(lc.Shaper.Burst)}); err != nil {
			return err
		}
		if _, _, err := h.Step(nil); err != nil {
			return err
		}
	}
	return h.pokes(map[string]uint64{"ls_we": 0})
}

func (h *HW) pokes(v map[string]uint64) error {
	for k, x := range v {
		if err := h.s.Poke(k, x); err != nil {
			return fmt.Errorf("device: poke %s: %w", k, err)
		}
	}
	return nil
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Step runs one cycle (see Target).
func (h *HW) Step(rx []Lane) ([]bool, []PortFrame, error) {
	taken := make([]bool, h.n)
	// Poke every input first, then peek: a peek after a poke re-evaluates
	// the whole design, so interleaving them costs one evaluation each.
	for i := 0; i < h.n; i++ {
		var l Lane
		if i < len(rx) {
			l = rx[i]
		}
		if err := h.s.Poke(h.rxIn[4*i], b2u(l.Valid)); err != nil {
			return nil, nil, err
		}
		if l.Valid {
			if err := h.s.Poke(h.rxIn[4*i+1], uint64(l.Data)); err != nil {
				return nil, nil, err
			}
			if err := h.s.Poke(h.rxIn[4*i+2], b2u(l.Last)); err != nil {
				return nil, nil, err
			}
		}
	}
	if h.stall != nil { // otherwise ready stays all true (newHW)
		for i := 0; i < h.n; i++ {
			h.ready[i] = !h.stall(h.s.Cycle(), i)
			if err := h.s.Poke(h.txOut[4*i+3], b2u(h.ready[i])); err != nil {
				return nil, nil, err
			}
		}
	}
	if h.uart != nil {
		if err := h.s.Poke("uart_rx", h.uart.Level()); err != nil {
			return nil, nil, err
		}
	}
	for i := 0; i < h.n; i++ {
		if i < len(rx) && rx[i].Valid {
			r, err := h.s.Peek(h.rxIn[4*i+3])
			if err != nil {
				return nil, nil, err
			}
			taken[i] = r == 1
		}
	}
	var out []PortFrame
	for i := 0; i < h.n; i++ {
		v, _ := h.s.Peek(h.txOut[4*i])
		if v == 1 && !h.ready[i] {
			h.Held++
		}
		if v == 0 || !h.ready[i] {
			continue
		}
		d, _ := h.s.Peek(h.txOut[4*i+1])
		l, _ := h.s.Peek(h.txOut[4*i+2])
		h.txBuf[i] = append(h.txBuf[i], byte(d))
		if l == 1 {
			out = append(out, PortFrame{Cycle: h.s.Cycle(), Port: i, Frame: h.txBuf[i]})
			h.txBuf[i] = nil
		}
	}
	if err := h.events(); err != nil {
		return nil, nil, err
	}
	if h.uart != nil {
		tx, err := h.s.Peek("uart_tx")
		if err != nil {
			return nil, nil, err
		}
		h.uart.Sample(tx)
	}
	if h.rec != nil {
		row := make([]uint64, len(h.recPorts))
		for i, p := range h.recPorts {
			if p.Name != sim.RstPort {
				row[i], _ = h.s.Peek(p.Name)
			}
		}
		if err := h.rec.Append(row...); err != nil {
			return nil, nil, err
		}
	}
	h.s.Step(1)
	return taken, out, nil
}

// events counts this cycle's event strobes.
func (h *HW) events() error {
	pk := func(n string) uint64 {
		v, err := h.s.Peek(h.evPrefix + n)
		if err != nil {
			panic(err)
		}
		return v
	}
	L := h.cfg.Leases
	if pk("ev_in")|pk("ev_vrouter")|pk("ev_shift")|pk("ev_label_error")|pk("ev_unknown_tag") != 0 {
		e, port, cpu := pk("ev_hp_lease"), int(pk("ev_hp_port")), pk("ev_hp_cpu") == 1
		if pk("ev_in") == 1 {
			h.Stats[e].InPackets++
			h.Stats[e].InBytes += pk("ev_hp_bytes")
		}
		if pk("ev_vrouter") == 1 {
			h.Stats[e].DropVRouter++
		}
		if pk("ev_shift") == 1 && !cpu {
			h.Stats[e].DropShift++
		}
		if pk("ev_label_error") == 1 {
			h.PStats[port].LabelErrors++
			if !cpu {
				h.Stats[e].LabelErrors++
			}
		}
		if pk("ev_unknown_tag") == 1 {
			h.PStats[port].DropUnknownTag++
		}
	}
	runt, over := pk("ev_runt"), pk("ev_oversize")
	for i := 0; i < h.n; i++ {
		if runt>>i&1 == 1 {
			h.PStats[i].DropRunt++
		}
		if over>>i&1 == 1 {
			h.PStats[i].DropOversize++
		}
	}
	for q := 0; q < h.n; q++ {
		pre := fmt.Sprintf("e%d_", q)
		if pk(pre+"ev_out") == 1 {
			h.PStats[q].OutPackets++
			if q < h.cfg.Ports {
				e := q*L + int(pk(pre+"ev_out_tag"))
				h.Stats[e].OutPackets++
				h.Stats[e].OutBytes += pk(pre + "ev_out_bytes")
			}
		}
		if q < h.cfg.Ports && pk(pre+"ev_drop") == 1 {
			e := q*L + int(pk(pre+"ev_drop_tag"))
			switch pk(pre + "ev_drop_cause") {
			case 0:
				h.Stats[e].DropRefused++
			case 2:
				h.Stats[e].DropOverflow++
			default:
				h.Stats[e].DropOther++
			}
		}
	}
	return nil
}

// Model is the golden model as a Target: every frame is taken at line
// rate and handed to model/device when its last byte is in.
type Model struct {
	D     *model.Device
	cycle uint64
	rxBuf [][]byte
}

// NewModel builds the model and applies setup.
func NewModel(cfg model.Config, setup Setup) (*Model, error) {
	d, err := model.New(cfg)
	if err != nil {
		return nil, err
	}
	for _, n := range sortedIfaces(setup.Interfaces) {
		if err := d.SetInterface(n, setup.Interfaces[n]); err != nil {
			return nil, err
		}
	}
	for _, pt := range sortedLeases(setup.Leases) {
		if err := d.SetLease(pt[0], pt[1], setup.Leases[pt]); err != nil {
			return nil, err
		}
	}
	return &Model{D: d, rxBuf: make([][]byte, cfg.Ports+1)}, nil
}

// Config returns the configuration.
func (m *Model) Config() model.Config { return m.D.Config() }

// Cycle is the current cycle.
func (m *Model) Cycle() uint64 { return m.cycle }

// Step runs one cycle (see Target).
func (m *Model) Step(rx []Lane) ([]bool, []PortFrame, error) {
	taken := make([]bool, len(m.rxBuf))
	if err := m.D.AdvanceTo(m.cycle); err != nil {
		return nil, nil, err
	}
	for i, l := range rx {
		if !l.Valid {
			continue
		}
		taken[i] = true
		m.rxBuf[i] = append(m.rxBuf[i], l.Data)
		if l.Last {
			if _, err := m.D.Receive(m.cycle, i, m.rxBuf[i]); err != nil {
				return nil, nil, err
			}
			m.rxBuf[i] = nil
		}
	}
	var out []PortFrame
	for _, o := range m.D.TakeOutput() {
		out = append(out, PortFrame{Cycle: o.Cycle, Port: o.Port, Frame: o.Frame})
	}
	m.cycle++
	return taken, out, nil
}
