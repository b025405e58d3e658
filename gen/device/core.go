package device

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/gen/meter"
	"github.com/pktnetwork/pktrouter/gen/shaper"
	"github.com/pktnetwork/pktrouter/label"
)

// A verdict's destination code: a link port 0..P-1, the CPU port P (the
// frame switched to self), dropDest (the frame goes nowhere: its slot is
// freed without crossing the switch), or the CPU port with a cjdns error
// code for the reason byte, cpuMalformed or cpuReturnPath. The reason
// travels in the destination, so no port keeps a reason register.
func dropDest(w widths) int      { return w.N }
func cpuMalformed(w widths) int  { return w.N + 1 }
func cpuReturnPath(w widths) int { return w.N + 2 }

// jdb is the width of a destination code.
func jdb(w widths) int { return bits.Len(uint(cpuReturnPath(w))) }

// k is a constant of width n.
func k(v uint64, n int) *hdl.Expr { return hdl.Const(v, n) }

// inc is v+1 at v's width.
func inc(v hdl.Value) *hdl.Expr { return hdl.Add(v, k(1, v.Width())) }

// link names the signals of one link port: rx0_valid, tx3_last, and
// cpu_rx_data for the CPU port.
func link(w widths, i int, dir, sig string) string {
	if i == w.N-1 {
		return fmt.Sprintf("cpu_%s_%s", dir, sig)
	}
	return fmt.Sprintf("%s%d_%s", dir, i, sig)
}

// Header unit schedule, in cycles of its step counter hc after the grant
// (see the package documentation): words 0..hdrWords-1 of the frame are
// read from the slot, the header is complete at hcIssue, the meter and the
// label parser run, the verdict is made at hcDecide and the egress cap's
// traffic class is in at hcDecide+meter.EgressLatency; the write-back of
// the rewritten header follows.
const (
	hdrWords = 7 // 16-bit words holding bytes 0..13: tag, switch header, first payload byte
	hcIssue  = hdrWords + 1
)

func hcDecide() int { return hcIssue + max(meter.IngressLatency, labelparse.Latency) + 1 }

// hcCap is the step at which the egress cap's traffic class is in; the
// step counter stops one after it.
func hcCap() int { return hcDecide() + meter.EgressLatency }

// Core generates the device's datapath without the management bus: the
// frame ports, index-table and lease configuration write ports, and event
// strobes for the counters. See the package documentation.
func Core(c Config) (*hdl.Module, error) {
	w, err := c.widths()
	if err != nil {
		return nil, err
	}
	mf, err := c.Meter.Format()
	if err != nil {
		return nil, err
	}
	lay, err := w.shaperHW.Layout()
	if err != nil {
		return nil, err
	}
	lpMod, err := labelparse.New(w.lp)
	if err != nil {
		return nil, err
	}
	mtMod, err := meter.NewIngress(c.Meter)
	if err != nil {
		return nil, err
	}
	capMod, err := meter.NewEgressCapHeld(c.Ports * c.Leases)
	if err != nil {
		return nil, err
	}
	shMod, err := shaper.NewShared(w.shaperHW, c.Ports)
	if err != nil {
		return nil, err
	}
	arbMod, err := blocks.Arbiter(w.N, false)
	if err != nil {
		return nil, err
	}

	m := hdl.NewGenerated(generator, "device_core",
		hdl.P("p", c.Ports), hdl.P("l", c.Leases), hdl.P("s", schemeName(c)), hdl.P("mp", w.MaxPkt),
		hdl.P("buf", c.Shaper.BufferBytes), hdl.P("vr", c.VRBits), hdl.P("h", hdl.ParamHash(hdl.P("meter", fmt.Sprint(c.Meter)), hdl.P("shaper", fmt.Sprint(c.Shaper)))))
	P, N := c.Ports, w.N
	JDB := jdb(w)
	SB := int(mf.SampleBits)
	RateB, BurstB := int(lay.RateBits), int(lay.BacklogBits)

	// ---- configuration write ports ----
	ifWe := m.Input("if_we", 1)
	ifAddr := m.Input("if_addr", w.AW)
	ifValid := m.Input("if_valid", 1)
	ifPort := m.Input("if_port", w.PB)
	ifTag := m.Input("if_tag", w.TB)
	ifVR := m.Input("if_vr", c.VRBits)
	lsWe := m.Input("ls_we", 1)
	lsIdx := m.Input("ls_idx", w.EB)
	lsDefault := m.Input("ls_default", 15)
	lsClear := m.Input("ls_clear", 1)
	lsLimited := m.Input("ls_limited", 1)
	lsLimit := m.Input("ls_limit", SB)
	lsDeprio := m.Input("ls_deprio", 1)
	lsCap := m.Input("ls_cap", 15)
	lsRate := m.Input("ls_rate", RateB)
	lsBurst := m.Input("ls_burst", BurstB)
	// Meter read port (the register map's meter block): lease element in,
	// its readings meter.ReadLatency cycles later.
	mtRidx := m.Input("mt_ridx", w.EB)

	// A copy of the index table's valid bits: the ingress-tag check reads
	// the ingress interface's bit beside the label parser (whose two table
	// read ports are busy with egress and the virtual-router compare).
	nIf := c.Interfaces()
	ifv := m.Reg("ifvalid", nIf)
	{
		bit := hdl.ShlV(hdl.ZExt(k(1, 1), nIf), ifAddr)
		set := hdl.Or(ifv, bit)
		clr := hdl.And(ifv, hdl.Not(bit))
		ifv.NextIf(ifWe, hdl.Mux(ifValid, set, clr))
	}

	// ---- header unit state (shared by all ports; driven below) ----
	hBusy := m.Reg("h_busy", 1)
	hPort := m.Reg("h_port", w.PB)
	hc := m.Reg("h_step", 5)
	hWB := m.Reg("h_wb", 1) // writing the rewritten header back
	hWC := m.Reg("h_wc", 3) // the word being written back
	hWData := m.Wire("h_wdata", 16)
	hFinish := m.Wire("h_finish", 1)
	hDest := m.Wire("h_dest", JDB)
	hReason := m.Wire("h_reason", 8)
	grantIdx := m.Wire("grant_idx", w.PB)
	grantValid := m.Wire("grant_valid", 1)
	// Switch grant (driven below): input swIdx starts its transfer.
	swIdx := m.Wire("sw_idx", w.PB)
	swValid := m.Wire("sw_valid", 1)

	// ---- ingress ports: receive into two slots, store-and-forward ----
	type inPort struct {
		req, plen, tlen, rdata, rxW hdl.Value
		idle, jdest                 hdl.Value
		rv, rl                      hdl.Value
	}
	ingMod := ingressModule(w)
	ins := make([]*inPort, N)
	var runt, over []hdl.Value
	// The CPU port sends straight from its source's slot, at its pace.
	cpuBusy := m.Wire("cpu_busy", 1)
	cpuSrc := m.Wire("cpu_src", w.PB)
	cpuPace := m.Wire("cpu_pace", 1)
	for i := 0; i < N; i++ {
		is := func(v hdl.Value) hdl.Value { return hdl.And(v, hdl.Eq(hPort, k(uint64(i), w.PB))) }
		res := is(hFinish)
		x := m.Instance(fmt.Sprintf("u_in%d", i), ingMod)
		for _, sig := range []string{"valid", "data", "last"} {
			n := link(w, i, "rx", sig)
			x.Connect("rx_"+sig, m.Input(n, map[string]int{"valid": 1, "data": 8, "last": 1}[sig]))
		}
		m.Output(link(w, i, "rx", "ready"), 1).Drive(x.Out("rx_ready"))
		x.Connect("h_grant", hdl.And(grantValid, hdl.Eq(grantIdx, k(uint64(i), w.PB)))).
			Connect("h_res", res).
			Connect("h_dest", hDest).
			Connect("h_read", is(hdl.And(hBusy, hdl.Lt(hc, k(hdrWords, 5))))).Connect("h_word", hdl.Slice(hc, 2, 0)).
			Connect("wb_en", is(hWB)).Connect("wb_word", hWC).Connect("wb_data", hWData).
			Connect("sw_start", hdl.And(swValid, hdl.Eq(swIdx, k(uint64(i), w.PB)))).
			Connect("pace", hdl.Or(hdl.Not(hdl.And(cpuBusy, hdl.Eq(cpuSrc, k(uint64(i), w.PB)))), cpuPace))
		ins[i] = &inPort{req: x.Out("req"), plen: x.Out("plen"), tlen: x.Out("tlen"), rdata: x.Out("rdata"), rxW: x.Out("rx_write"),
			idle: x.Out("idle"), jdest: x.Out("jdest"), rv: x.Out("rv"), rl: x.Out("rl")}
		runt = append(runt, x.Out("ev_runt"))
		over = append(over, x.Out("ev_oversize"))
	}

	// ---- header unit ----
	// One frame at a time: read its first seven words from the slot,
	// run the meter and label parser on them, decide, write the rewritten
	// header back into the slot. See the package documentation.
	arb := m.Instance("u_arb", arbMod)
	var reqs []hdl.Value
	for i := N - 1; i >= 0; i-- {
		reqs = append(reqs, hdl.And(ins[i].req, hdl.Not(hBusy)))
	}
	arb.Connect("req", hdl.Concat(reqs...)).Connect("en", arb.Out("grant_valid"))
	grantValid.Drive(arb.Out("grant_valid"))
	grantIdx.Drive(hdl.ZExt(arb.Out("grant_idx"), w.PB))

	// pick selects one ingress port's output by port number.
	pick := func(sel hdl.Value, wd int, f func(*inPort) hdl.Value) hdl.Value {
		arms := make([]hdl.Arm, N)
		for i := range arms {
			arms[i] = hdl.When(k(uint64(i), w.PB), f(ins[i]))
		}
		return hdl.Case(sel, k(0, wd), arms...)
	}
	rdata := func(x *inPort) hdl.Value { return x.rdata }
	hRead := pick(hPort, 16, rdata)
	// hs collects the words: bytes 0..12 (tag | switch header) and byte 13.
	hs := m.Reg("h_hdr", 8*2*hdrWords)
	capture := hdl.And(hBusy, hdl.Ge(hc, k(1, 5)), hdl.Le(hc, k(hdrWords, 5)))
	hs.NextIf(capture, hdl.Concat(hdl.Slice(hs, hs.Width()-17, 0), hRead))
	s0v := m.Wire("h_issue", 1)
	s0v.Drive(hdl.And(hBusy, hdl.Eq(hc, k(hcIssue, 5))))
	// The label parser (HeldInput) takes the header once, at the issue,
	// and holds its results until the next header: an index-table write
	// while the frame is in the unit cannot change its egress port, tag or
	// virtual-router verdict halfway (its input stays held for the frame).
	lpv := m.Wire("h_lp_valid", 1)
	lpv.Drive(s0v)
	s0len := pick(hPort, w.BB, func(x *inPort) hdl.Value { return x.plen })

	tag := hdl.Slice(hs, 111, 104)
	hdr := hdl.Slice(hs, 103, 8)
	b13 := hdl.Slice(hs, 7, 0)
	cpu := hdl.Eq(hPort, k(uint64(P), w.PB))
	tagLow := hdl.Slice(tag, w.TB-1, 0)
	tagOK := hdl.Eq(hdl.Slice(tag, 7, w.TB), k(0, 8-w.TB))
	elem := hdl.Concat(hdl.Slice(hPort, w.LPB-1, 0), tagLow)
	iface := hdl.Mux(hdl.Eq(elem, k(0, w.EB)), k(0, w.AW), hdl.Add(hdl.ZExt(elem, w.AW), k(1, w.AW)))
	ivalid := hdl.Bit(hdl.ShrV(ifv, iface), 0)
	known := hdl.Or(cpu, hdl.And(tagOK, hdl.Or(hdl.Eq(tagLow, k(0, w.TB)), ivalid)))
	from := hdl.Mux(cpu, k(label.SelfInterface, w.AW), iface)
	tc := hdl.Slice(hdr, 15, 0)

	mt := m.Instance("u_meter", mtMod)
	mt.Connect("pkt_valid", hdl.And(s0v, hdl.Not(cpu), known)).
		Connect("pkt_lease", elem).Connect("pkt_tc", tc).
		Connect("pkt_bytes", s0len).
		Connect("cfg_we", lsWe).Connect("cfg_lease", lsIdx).Connect("cfg_default", lsDefault).
		Connect("cfg_clear", lsClear).Connect("cfg_limited", lsLimited).Connect("cfg_limit", lsLimit).
		Connect("rd_lease", mtRidx)
	for _, n := range []string{"measured", "factor", "scaling"} {
		m.Output("mt_"+n, mt.Out("rd_"+n).Width()).Drive(mt.Out("rd_" + n))
	}
	m.Output("mt_scaled_set", mt.Out("scaled_set").Width()).Drive(mt.Out("scaled_set"))
	lp := m.Instance("u_label", lpMod)
	tblWord := hdl.Concat(ifValid, ifVR, ifTag, ifPort)
	lp.Connect("in_valid", lpv).Connect("in_hdr", hdr).Connect("in_from", from).
		Connect("tbl_we", ifWe).Connect("tbl_addr", ifAddr).Connect("tbl_wdata", tblWord)

	// The meter's traffic class, IngressLatency cycles after the issue.
	mtc := m.Reg("h_mtc", 16)
	mtc.NextIf(hdl.And(hBusy, hdl.Eq(hc, k(uint64(hcIssue+meter.IngressLatency), 5))), mt.Out("out_tc"))
	lRes, lTo, lHdr, lEPort, lETag := lp.Out("out_result"), lp.Out("out_to"), lp.Out("out_hdr"), lp.Out("out_port"), lp.Out("out_tag")

	resIs := func(r labelparse.Result) hdl.Value { return hdl.Eq(lRes, k(uint64(r), labelparse.ResultBits)) }
	tcm := hdl.Mux(cpu, tc, mtc)
	isFwd := resIs(labelparse.Forward)
	toCPU := hdl.And(isFwd, hdl.Or(hdl.Eq(lTo, k(label.SelfInterface, w.AW)), hdl.Ge(lEPort, k(uint64(P), w.PB))))
	errMal := hdl.Or(resIs(labelparse.MalformedAddress), resIs(labelparse.UnknownInterface))
	errRPI := resIs(labelparse.ReturnPathInvalid)
	toLink := hdl.And(known, isFwd, hdl.Not(toCPU))
	cpuDest := hdl.And(known, hdl.Or(toCPU, errMal, errRPI))
	hDest.Drive(hdl.Priority(k(uint64(dropDest(w)), JDB),
		hdl.When(toLink, hdl.ZExt(lEPort, JDB)),
		hdl.When(hdl.And(cpuDest, hdl.Not(toCPU), errMal), k(uint64(cpuMalformed(w)), JDB)),
		hdl.When(hdl.And(cpuDest, hdl.Not(toCPU), errRPI), k(uint64(cpuReturnPath(w)), JDB)),
		hdl.When(cpuDest, k(uint64(P), JDB))))
	hReason.Drive(hdl.Priority(k(0, 8),
		hdl.When(hdl.And(hdl.Not(toCPU), errMal), k(label.ErrorMalformedAddress, 8)),
		hdl.When(hdl.And(hdl.Not(toCPU), errRPI), k(label.ErrorReturnPathInvalid, 8))))
	eLease := hdl.Concat(hdl.Slice(lEPort, w.LPB-1, 0), lETag)
	decide := m.Wire("h_decide", 1)
	decide.Drive(hdl.And(hBusy, hdl.Eq(hc, k(uint64(hcDecide()), 5))))
	cp := m.Instance("u_cap", capMod)
	cp.Connect("eg_valid", hdl.And(decide, toLink)).Connect("eg_lease", eLease).Connect("eg_tc", tcm).
		Connect("cfg_we", lsWe).Connect("cfg_lease", lsIdx).Connect("cfg_deprio", lsDeprio).Connect("cfg_cap", lsCap)
	capIn := hdl.Eq(hc, k(uint64(hcCap()), 5))
	tcf := m.Reg("h_tc", 16)
	tcf.NextIf(hdl.And(hBusy, capIn), hdl.Mux(toLink, cp.Out("eg_out_tc"), tcm))
	isDrop := hdl.Eq(hDest, k(uint64(dropDest(w)), JDB))

	// Write-back, from the cycle the label parser's outputs are in (a
	// frame then dropped at the verdict stops it): the rewritten 13 bytes (byte 0 the egress lease tag, or
	// the ingress interface for the CPU port; the forwarded or received
	// switch header; the final traffic class) and byte 13 as read, one
	// word a cycle the receiver does not write.
	byte0 := hdl.Mux(toLink, hdl.ZExt(lETag, 8), hdl.ZExt(from, 8))
	outHdr := hdl.Concat(byte0, hdl.Slice(lHdr, 95, 16), tcf, b13)
	var hwArms []hdl.Arm
	for j := 0; j < hdrWords; j++ {
		hi := outHdr.Width() - 1 - 16*j
		hwArms = append(hwArms, hdl.When(k(uint64(j), 3), hdl.Slice(outHdr, hi, hi-15)))
	}
	hWData.Drive(hdl.Case(hWC, k(0, 16), hwArms...))
	wbStall := pick(hPort, 1, func(x *inPort) hdl.Value { return x.rxW })
	// Words 0..4 go while the cap runs; 5 and 6 hold the traffic class.
	tcIn := hdl.Gt(hc, k(uint64(hcCap()), 5))
	wbWrite := hdl.And(hWB, hdl.Not(wbStall), hdl.Or(hdl.Lt(hWC, k(5, 3)), tcIn))
	wbLast := hdl.And(wbWrite, hdl.Eq(hWC, k(hdrWords-1, 3)))
	hFinish.Drive(hdl.Or(hdl.And(decide, isDrop), wbLast))
	hBusy.Next(hdl.Priority(hBusy, hdl.When(hFinish, k(0, 1)), hdl.When(grantValid, k(1, 1))))
	hPort.NextIf(grantValid, grantIdx)
	hc.Next(hdl.Priority(hc,
		hdl.When(hdl.Or(hFinish, hdl.Not(hBusy)), k(0, 5)),
		hdl.When(hdl.Not(tcIn), inc(hc))))
	hWB.Next(hdl.Priority(hWB,
		hdl.When(hFinish, k(0, 1)),
		hdl.When(hdl.And(hBusy, hdl.Eq(hc, k(hcIssue+labelparse.Latency-1, 5))), k(1, 1))))
	hWC.Next(hdl.Priority(hWC, hdl.When(hFinish, k(0, 3)), hdl.When(wbWrite, inc(hWC))))

	// Header unit events (one frame at a time), at the frame's verdict.
	leaseEv := hdl.And(hFinish, known, hdl.Not(cpu))
	m.Output("ev_hp_port", w.PB).Drive(hPort)
	m.Output("ev_hp_lease", w.EB).Drive(elem)
	m.Output("ev_hp_bytes", w.BB).Drive(s0len)
	m.Output("ev_in", 1).Drive(leaseEv)
	m.Output("ev_vrouter", 1).Drive(hdl.And(leaseEv, resIs(labelparse.VRMismatch)))
	m.Output("ev_shift", 1).Drive(hdl.And(hFinish, known, resIs(labelparse.ShiftOverflow)))
	m.Output("ev_label_error", 1).Drive(hdl.And(hFinish, hdl.Ne(hReason, k(0, 8))))
	m.Output("ev_unknown_tag", 1).Drive(hdl.And(hFinish, hdl.Not(known)))
	m.Output("ev_hp_cpu", 1).Drive(cpu)
	m.Output("ev_runt", N).Drive(hdl.Concat(reverse(runt)...))
	m.Output("ev_oversize", N).Drive(hdl.Concat(reverse(over)...))

	// ---- switch ----
	// Frames are stored whole in the slots, so the switch needs no
	// buffers: an egress port that is idle and has room for a maximum
	// frame takes one waiting frame for it, and the frame's slot streams
	// into the egress ring at a word (two bytes) a cycle, twice the link
	// rate, so frames from several inputs queue at the egress shaper
	// rather than at the inputs. One transfer starts per cycle at most
	// (a round-robin arbiter over the inputs); transfers to different
	// egress ports run side by side.
	outFree := m.Wire("sw_free", N)
	// freeCode has a bit per destination code: is that egress port free.
	var fc []hdl.Value
	for c := 1<<JDB - 1; c >= 0; c-- {
		switch {
		case c < N:
			fc = append(fc, hdl.Bit(outFree, c))
		case c == cpuMalformed(w) || c == cpuReturnPath(w):
			fc = append(fc, hdl.Bit(outFree, P))
		default:
			fc = append(fc, k(0, 1))
		}
	}
	freeCode := hdl.Concat(fc...)
	var eligs []hdl.Value
	for i := N - 1; i >= 0; i-- {
		ip := ins[i]
		eligs = append(eligs, hdl.And(ip.idle, hdl.Bit(hdl.ShrV(freeCode, ip.jdest), 0)))
	}
	sw := m.Instance("u_sw", arbMod)
	sw.Connect("req", hdl.Concat(eligs...)).Connect("en", sw.Out("grant_valid"))
	swValid.Drive(sw.Out("grant_valid"))
	swIdx.Drive(hdl.ZExt(sw.Out("grant_idx"), w.PB))
	swDest := pick(swIdx, JDB, func(x *inPort) hdl.Value { return x.jdest })
	swLen := pick(swIdx, w.BB, func(x *inPort) hdl.Value { return x.tlen })
	isCode := func(c int) hdl.Value { return hdl.Eq(swDest, k(uint64(c), JDB)) }
	swReason := hdl.Priority(k(0, 8),
		hdl.When(isCode(cpuMalformed(w)), k(label.ErrorMalformedAddress, 8)),
		hdl.When(isCode(cpuReturnPath(w)), k(label.ErrorReturnPathInvalid, 8)))
	var rvs []hdl.Value
	for i := N - 1; i >= 0; i-- {
		rvs = append(rvs, hdl.Concat(ins[i].rl, ins[i].rv))
	}
	rvAll := hdl.Concat(rvs...)

	// ---- egress ----
	// Each egress port takes the word of its source input (the switch's
	// per-output multiplexer): a link port into its ring, the CPU port
	// straight to its link.
	linkMod := egressModule(w)
	cpuMod := cpuEgressModule(w)
	freeBits := make([]hdl.Value, N)
	var egs []*hdl.Instance
	for q := 0; q < N; q++ {
		pre := fmt.Sprintf("e%d_", q)
		mod := linkMod
		if q == P {
			mod = cpuMod
		}
		e := m.Instance(fmt.Sprintf("u_eg%d", q), mod)
		src := e.Out("src")
		rvl := hdl.Slice(hdl.ShrV(rvAll, hdl.Concat(src, k(0, 1))), 1, 0)
		toQ := isCode(q)
		if q == P {
			toQ = hdl.Or(toQ, isCode(cpuMalformed(w)), isCode(cpuReturnPath(w)))
		}
		e.Connect("grant", hdl.And(swValid, toQ)).
			Connect("grant_src", swIdx).Connect("grant_len", swLen).
			Connect("in_valid", hdl.Bit(rvl, 0)).Connect("in_last", hdl.Bit(rvl, 1)).
			Connect("in_data", pick(src, 16, rdata)).
			Connect("tx_ready", m.Input(link(w, q, "tx", "ready"), 1))
		freeBits[q] = e.Out("free")
		for _, sig := range []string{"valid", "data", "last"} {
			o := e.Out("tx_" + sig)
			m.Output(link(w, q, "tx", sig), o.Width()).Drive(o)
		}
		outs := []string{"ev_out", "ev_out_bytes"}
		if q == P {
			e.Connect("grant_reason", swReason)
			cpuBusy.Drive(e.Out("busy"))
			cpuSrc.Drive(src)
			cpuPace.Drive(e.Out("pace"))
		} else {
			egs = append(egs, e)
			outs = append(outs, "ev_out_tag", "ev_drop", "ev_drop_cause", "ev_drop_tag")
		}
		for _, n := range outs {
			o := e.Out(n)
			m.Output(pre+n, o.Width()).Drive(o)
		}
	}
	outFree.Drive(hdl.Concat(reverse(freeBits)...))

	// ---- shaper ----
	// One shaper serves every link port (gen/shaper NewShared): a port
	// asks (sh_req) when a frame's last word is in its ring, the
	// lowest-numbered asking port is taken (a port asks once per frame and
	// waits for its verdict, so none waits more than P-1 cycles), and the
	// verdict returns VerdictLatency cycles later to the port v_port
	// names. Configuration writes go to the port of the lease element.
	sh := m.Instance("u_shaper", shMod)
	PB := shaper.PortBits(P) // = w.LPB: the lease element's port field is the shaper's port number
	var leaseArms, bytesArms, prioArms, portArms []hdl.Arm
	var anyReq hdl.Value = k(0, 1)
	for q, e := range egs {
		req := e.Out("sh_req")
		// Taken when no lower port asks.
		e.Connect("sh_take", hdl.And(req, hdl.Not(anyReq)))
		anyReq = hdl.Or(anyReq, req)
		leaseArms = append(leaseArms, hdl.When(req, e.Out("sh_lease")))
		bytesArms = append(bytesArms, hdl.When(req, e.Out("sh_bytes")))
		prioArms = append(prioArms, hdl.When(req, e.Out("sh_prio")))
		portArms = append(portArms, hdl.When(req, k(uint64(q), PB)))
	}
	sh.Connect("arr_valid", anyReq).
		Connect("arr_port", hdl.Priority(k(0, PB), portArms...)).
		Connect("arr_lease", hdl.Priority(k(0, w.TB), leaseArms...)).
		Connect("arr_bytes", hdl.Priority(k(0, w.BB), bytesArms...)).
		Connect("arr_prio", hdl.Priority(k(0, shaper.PrioBits), prioArms...)).
		Connect("arr_tag", k(0, w.shaperHW.TagBits))
	lsPort := hdl.Slice(lsIdx, w.EB-1, w.TB)
	var cfgWe hdl.Value = lsWe
	if 1<<w.LPB != P {
		cfgWe = hdl.And(lsWe, hdl.Lt(lsPort, k(uint64(P), w.LPB)))
	}
	sh.Connect("cfg_we", cfgWe).Connect("cfg_port", lsPort).
		Connect("cfg_lease", hdl.Slice(lsIdx, w.TB-1, 0)).Connect("cfg_rate", lsRate).Connect("cfg_burst", lsBurst)
	vPort := sh.Out("v_port")
	for q, e := range egs {
		e.Connect("sh_vvalid", hdl.And(sh.Out("v_valid"), hdl.Eq(vPort, k(uint64(q), PB)))).
			Connect("sh_verdict", sh.Out("v_verdict")).Connect("sh_cause", sh.Out("v_cause"))
	}
	return m, nil
}

func reverse(v []hdl.Value) []hdl.Value {
	out := make([]hdl.Value, len(v))
	for i := range v {
		out[len(v)-1-i] = v[i]
	}
	return out
}

func schemeName(c Config) string {
	s := c.SchemeOrDefault()
	if n := s.Name(); n != "" {
		return n
	}
	return fmt.Sprintf("%x", s.Bytes())
}

// portWidths lists a module's ports and their widths.
func portWidths(m *hdl.Module) (map[string]int, error) {
	d, err := m.Build()
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, p := range d.Top.Ports {
		out[p.Name] = d.Top.Nets[p.Net].Width
	}
	return out, nil
}
