package device

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// ingressQueue is the depth of the event queue of the header unit's
// events (two a frame at most).
const ingressQueue = 4

// Map is the register map of a device configuration: the reference map for
// its ports and leases (csr.Reference), the one firmware/regs is generated
// from, so the firmware driver reads any board built from it.
func Map(c Config) (*csr.Map, error) { return csr.Reference(c.Ports, c.Leases) }

// New generates the device top: Core beside the management subsystem
// (gen/uartbridge.System: the UART bridge and the gen/csr decoder of Map).
//
// Ports: clk, rst, uart_rx, uart_tx, and Core's frame ports
// (rx<i>_*/tx<i>_*, cpu_rx_*/cpu_tx_*). Everything else is inside:
// configuration writes of the map's iface and lease blocks drive Core's
// write ports (fields wider than the datapath's registers saturate: the
// reference map sizes burst and limit for ref4's 16 KiB / 1536-byte
// formats), and Core's events become counter events: the header unit's
// (in_packets/in_bytes, drop_vrouter, and the ingress port's
// drop_unknown_tag and label_errors) through source 0 and a four-entry
// queue, each egress link port's (out_packets/out_bytes, drop_refused,
// drop_overflow) through a source of its own and a two-entry queue (the
// package documentation has the rates). The other sources are idle (the
// CPU port has no lease). The meter block reads Core's meter read port: meter_ridx
// addresses it and its registered answer (gen/meter ReadLatency, 1 cycle)
// meets the decoder's RO timing; scaled_seen is set by the meter's
// per-tick scaled_set pulses.
func New(c Config, bc uartbridge.Config) (*hdl.Module, error) {
	w, err := c.widths()
	if err != nil {
		return nil, err
	}
	cm, err := Map(c)
	if err != nil {
		return nil, err
	}
	coreMod, err := Core(c)
	if err != nil {
		return nil, err
	}
	corePorts, err := portWidths(coreMod)
	if err != nil {
		return nil, err
	}
	mgmtMod, err := uartbridge.System(bc, cm)
	if err != nil {
		return nil, err
	}
	mgmtPorts, err := portWidths(mgmtMod)
	if err != nil {
		return nil, err
	}
	P, N := c.Ports, w.N
	if cm.EventSources() < 2*N-1 {
		return nil, fmt.Errorf("gen/device: the register map has %d event sources, want %d", cm.EventSources(), 2*N-1)
	}
	m := hdl.NewGenerated(generator, "device",
		hdl.P("p", c.Ports), hdl.P("l", c.Leases), hdl.P("s", schemeName(c)), hdl.P("mp", w.MaxPkt),
		hdl.P("buf", c.Shaper.BufferBytes), hdl.P("div", bc.Divisor), hdl.P("h", fmt.Sprintf("%08x", cm.Hash)))
	core := m.Instance("u_core", coreMod)
	mg := m.Instance("u_mgmt", mgmtMod)
	mg.Connect("rx", m.Input("uart_rx", 1))
	m.Output("uart_tx", 1).Drive(mg.Out("tx"))

	// Frame ports straight through.
	for i := 0; i < N; i++ {
		for _, sig := range []string{"valid", "data", "last"} {
			n := link(w, i, "rx", sig)
			core.Connect(n, m.Input(n, corePorts[n]))
			n = link(w, i, "tx", sig)
			m.Output(n, corePorts[n]).Drive(core.Out(n))
		}
		n := link(w, i, "rx", "ready")
		m.Output(n, 1).Drive(core.Out(n))
		n = link(w, i, "tx", "ready")
		core.Connect(n, m.Input(n, 1))
	}

	// Configuration: the decoder presents a written element whole.
	fit := func(v hdl.Value, n int) hdl.Value {
		switch {
		case v.Width() == n:
			return v
		case v.Width() < n:
			return hdl.ZExt(v, n)
		}
		hi := hdl.OrR(hdl.Slice(v, v.Width()-1, n))
		return hdl.Mux(hi, k(1<<n-1, n), hdl.Slice(v, n-1, 0))
	}
	cfgPort := func(corePort, mgmtPort string) {
		core.Connect(corePort, fit(mg.Out(mgmtPort), corePorts[corePort]))
	}
	for _, p := range [][2]string{
		{"if_we", "iface_we"}, {"if_addr", "iface_widx"}, {"if_valid", "iface_valid"},
		{"if_port", "iface_port"}, {"if_tag", "iface_lease"}, {"if_vr", "iface_vrouter"},
		{"ls_we", "lease_we"}, {"ls_idx", "lease_widx"}, {"ls_default", "lease_default_prio"},
		{"ls_clear", "lease_clear_customer"}, {"ls_limited", "lease_limited"}, {"ls_limit", "lease_limit"},
		{"ls_deprio", "lease_deprio"}, {"ls_cap", "lease_deprio_cap"}, {"ls_rate", "lease_rate"}, {"ls_burst", "lease_burst"},
	} {
		cfgPort(p[0], p[1])
	}
	// Meter readings: the decoder's read index drives the meter's read
	// port, whose registered answer the decoder samples a cycle later.
	if _, ok := mgmtPorts["meter_ridx"]; !ok {
		return nil, fmt.Errorf("gen/device: the register map has no meter readings (meter_ridx)")
	}
	core.Connect("mt_ridx", fit(mg.Out("meter_ridx"), corePorts["mt_ridx"]))
	for _, p := range [][2]string{
		{"meter_measured", "mt_measured"}, {"meter_factor", "mt_factor"},
		{"meter_scaling", "mt_scaling"}, {"meter_scaled_seen_set", "mt_scaled_set"},
	} {
		wd, ok := mgmtPorts[p[0]]
		if !ok {
			return nil, fmt.Errorf("gen/device: the register map has no %s input", p[0])
		}
		v := core.Out(p[1])
		switch {
		case p[0] == "meter_scaled_seen_set" && v.Width() > wd:
			// One bit per lease element: elements beyond the map's leases
			// are not readable.
			mg.Connect(p[0], hdl.Slice(v, wd-1, 0))
		default:
			mg.Connect(p[0], fit(v, wd))
		}
	}

	// Counter events.
	SB, EB := cm.EventSelBits(), cm.EventElemBits()
	// Queued events keep the increment at IB bits, enough for a frame's
	// bytes (the decoder's inc1 is 16 bits wide): fewer flip-flops.
	IB := w.BB
	ev := func(block, field string) (uint64, int) {
		sel, inc, err2 := cm.Event(block, field)
		if err2 != nil {
			err = err2
		}
		return uint64(sel), inc
	}
	type event struct{ valid, sel, elem, inc0, inc1 hdl.Value }
	mk := func(valid hdl.Value, block, field string, elem, n hdl.Value) event {
		sel, inc := ev(block, field)
		e := event{valid: valid, sel: k(sel, SB), elem: fit(elem, EB), inc0: k(0, 1), inc1: k(0, IB)}
		if inc == 0 {
			e.inc0 = k(1, 1)
			if n != nil {
				e.inc1 = fit(n, IB)
			}
		} else {
			e.inc1 = k(1, IB)
		}
		return e
	}
	// in_packets and in_bytes are one event: inc0 1, inc1 the bytes.
	inSel, _ := ev("stats", "in_packets")
	outSel, _ := ev("stats", "out_packets")
	ew := SB + EB + 1 + IB
	pack := func(e event) hdl.Value { return hdl.Concat(e.sel, e.elem, e.inc0, e.inc1) }
	unpack := func(valid, d hdl.Value) event {
		return event{valid: valid, sel: hdl.Slice(d, ew-1, ew-SB), elem: hdl.Slice(d, ew-SB-1, IB+1), inc0: hdl.Bit(d, IB), inc1: hdl.Slice(d, IB-1, 0)}
	}
	// queue is an event queue of depth entries in front of source src: one
	// push a cycle, popped when the decoder takes the head. Entries move
	// down one on a pop; a push fills the first entry left empty (lost
	// when all are full).
	queue := func(src, depth int, push event) {
		pre := fmt.Sprintf("evq%d_", src)
		v := make([]*hdl.Signal, depth)
		d := make([]*hdl.Signal, depth)
		for i := range v {
			v[i], d[i] = m.Reg(fmt.Sprintf("%sv%d", pre, i), 1), m.Reg(fmt.Sprintf("%sd%d", pre, i), ew)
		}
		pop := hdl.And(v[0], mg.Out(fmt.Sprintf("ev%d_ready", src)))
		pv, pd := push.valid, pack(push)
		var below hdl.Value = k(1, 1) // the entry below, after the pop, is full
		for i := range v {
			av, ad := hdl.And(hdl.Not(pop), v[i]), hdl.Value(d[i]) // entry i after the pop
			if i+1 < depth {
				av, ad = hdl.Mux(pop, v[i+1], v[i]), hdl.Mux(pop, d[i+1], d[i])
			}
			v[i].Next(hdl.Or(av, hdl.And(pv, below)))
			d[i].Next(hdl.Mux(av, ad, pd))
			below = av
		}
		head := unpack(v[0], d[0])
		mg.Connect(fmt.Sprintf("ev%d_valid", src), v[0]).
			Connect(fmt.Sprintf("ev%d_sel", src), head.sel).
			Connect(fmt.Sprintf("ev%d_elem", src), head.elem).
			Connect(fmt.Sprintf("ev%d_inc0", src), head.inc0).
			Connect(fmt.Sprintf("ev%d_inc1", src), hdl.ZExt(head.inc1, 16))
	}
	idle := func(src int) {
		mg.Connect(fmt.Sprintf("ev%d_valid", src), k(0, 1)).
			Connect(fmt.Sprintf("ev%d_sel", src), k(0, SB)).
			Connect(fmt.Sprintf("ev%d_elem", src), k(0, EB)).
			Connect(fmt.Sprintf("ev%d_inc0", src), k(0, 1)).
			Connect(fmt.Sprintf("ev%d_inc1", src), k(0, 16))
	}
	hpPort := core.Out("ev_hp_port")
	hpLease := core.Out("ev_hp_lease")
	hpBytes := core.Out("ev_hp_bytes")
	evIn := core.Out("ev_in")
	// Every ingress event comes from the header unit, which handles one
	// frame at a time (about 27 cycles each), so they share source 0 with
	// a queue of ingressQueue entries; the other ingress sources are
	// idle. The second event of a frame (a drop or error beside
	// in_packets) goes one cycle after the first.
	vr := mk(core.Out("ev_vrouter"), "stats", "drop_vrouter", hpLease, nil)
	ut := mk(core.Out("ev_unknown_tag"), "port", "drop_unknown_tag", hpPort, nil)
	le := mk(core.Out("ev_label_error"), "port", "label_errors", hpPort, nil)
	secV := hdl.Or(vr.valid, ut.valid, le.valid)
	secD := hdl.Priority(pack(le), hdl.When(vr.valid, pack(vr)), hdl.When(ut.valid, pack(ut)))
	sv := m.Reg("ev2_valid_q", 1)
	sv.Next(secV)
	sd := m.Reg("ev2_data_q", ew)
	sd.Next(secD)
	in := event{valid: evIn, sel: k(inSel, SB), elem: fit(hpLease, EB), inc0: k(1, 1), inc1: fit(hpBytes, IB)}
	queue(0, ingressQueue, unpack(hdl.Or(evIn, sv), hdl.Mux(evIn, pack(in), sd)))
	for i := 1; i < N; i++ {
		idle(i)
	}
	for q := 0; q < P; q++ {
		pre := fmt.Sprintf("e%d_", q)
		elemOut := hdl.Concat(k(uint64(q), w.LPB), core.Out(pre+"ev_out_tag"))
		elemDrop := hdl.Concat(k(uint64(q), w.LPB), core.Out(pre+"ev_drop_tag"))
		out := event{valid: core.Out(pre + "ev_out"), sel: k(outSel, SB), elem: fit(elemOut, EB), inc0: k(1, 1), inc1: fit(core.Out(pre+"ev_out_bytes"), IB)}
		cause := core.Out(pre + "ev_drop_cause")
		ref := mk(core.Out(pre+"ev_drop"), "stats", "drop_refused", elemDrop, nil)
		ovf := mk(core.Out(pre+"ev_drop"), "stats", "drop_overflow", elemDrop, nil)
		isOvf := hdl.Eq(cause, k(2, 2))
		drop := hdl.Mux(isOvf, pack(ovf), pack(ref))
		// A drop meeting a departure waits a cycle in a register.
		pv := m.Reg(pre+"evd_valid_q", 1)
		pd := m.Reg(pre+"evd_data_q", ew)
		both := hdl.And(out.valid, ref.valid)
		pv.Next(both)
		pd.NextIf(both, drop)
		d := hdl.Priority(drop, hdl.When(out.valid, pack(out)), hdl.When(pv, pd))
		valid := hdl.Or(out.valid, ref.valid, pv)
		queue(N+q, 2, unpack(valid, d))
	}
	for src := N + P; src < cm.EventSources(); src++ {
		idle(src)
	}
	if err != nil {
		return nil, fmt.Errorf("gen/device: register map: %w", err)
	}
	return m, nil
}
