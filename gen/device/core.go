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

// Drop destination: the header unit's verdict for a frame that goes
// nowhere (the ingress slot is freed without crossing the switch).
func dropDest(w widths) int { return w.N }

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
	capMod, err := meter.NewEgressCap(c.Ports * c.Leases)
	if err != nil {
		return nil, err
	}
	shMod, err := shaper.New(w.shaperHW)
	if err != nil {
		return nil, err
	}
	shPorts, err := portWidths(shMod)
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
	JDB := bits.Len(uint(N)) // destination incl. the drop code
	SB := int(mf.SampleBits)
	RateB, BurstB := int(lay.RateBits), int(lay.BacklogBits)
	WB := w.OB - 1 // word offset inside a slot

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
		req, elig   hdl.Value
		phase       *hdl.Signal
		plen        hdl.Value // length of the frame in rslot
		jdest       *hdl.Signal
		jreason     *hdl.Signal
		rdata       hdl.Value // slot read port (16 bits, one cycle after its address)
		rv, rl      *hdl.Signal
		rxWrite     hdl.Value
		transfering *hdl.Signal
	}
	ins := make([]*inPort, N)
	var runt, over []hdl.Value
	for i := 0; i < N; i++ {
		ip := &inPort{}
		ins[i] = ip
		pre := fmt.Sprintf("p%d_", i)
		rxValid := m.Input(link(w, i, "rx", "valid"), 1)
		rxData := m.Input(link(w, i, "rx", "data"), 8)
		rxLast := m.Input(link(w, i, "rx", "last"), 1)
		wslot := m.Reg(pre+"wslot", 1)
		rslot := m.Reg(pre+"rslot", 1)
		full := m.Reg(pre+"full", 2)
		wcnt := m.Reg(pre+"wcnt", w.BB+1)
		hb := m.Reg(pre+"hb", 8)       // the byte at an even offset, waiting for its odd partner
		phase := m.Reg(pre+"phase", 2) // 0 waiting for the header unit, 1 in it, 2 switching
		plen := [2]*hdl.Signal{m.Reg(pre+"plen0", w.BB), m.Reg(pre+"plen1", w.BB)}
		ip.phase = phase

		fullW := hdl.Bit(hdl.ShrV(full, wslot), 0)
		rxReady := hdl.Not(fullW)
		m.Output(link(w, i, "rx", "ready"), 1).Drive(rxReady)
		acc := m.Wire(pre+"rx_acc", 1)
		acc.Drive(hdl.And(rxValid, rxReady))
		endF := hdl.And(acc, rxLast)
		// A frame is good with 13 .. MaxPkt bytes: wcnt (bytes before this
		// one) in 12 .. MaxPkt-1.
		good := hdl.And(hdl.Ge(wcnt, k(12, w.BB+1)), hdl.Lt(wcnt, k(uint64(w.MaxPkt), w.BB+1)))
		gEnd := m.Wire(pre+"rx_good", 1)
		gEnd.Drive(hdl.And(endF, good))
		runt = append(runt, hdl.And(endF, hdl.Lt(wcnt, k(12, w.BB+1))))
		over = append(over, hdl.And(endF, hdl.Ge(wcnt, k(uint64(w.MaxPkt), w.BB+1))))
		sat := hdl.Eq(wcnt, k(uint64(w.MaxPkt+1), w.BB+1))
		wcnt.NextIf(acc, hdl.Mux(rxLast, k(0, w.BB+1), hdl.Mux(sat, wcnt, inc(wcnt))))
		wslot.NextIf(gEnd, hdl.Not(wslot))
		odd := hdl.Bit(wcnt, 0)
		hb.NextIf(hdl.And(acc, hdl.Not(odd)), rxData)

		// The header unit's verdict, and the switch's completion.
		res := hdl.And(hFinish, hdl.Eq(hPort, k(uint64(i), w.PB)))
		resDrop := hdl.And(res, hdl.Eq(hDest, k(uint64(dropDest(w)), JDB)))
		done := m.Wire(pre+"done", 1)
		release := hdl.Or(done, resDrop)
		for s := 0; s < 2; s++ {
			set := hdl.And(gEnd, hdl.Eq(wslot, k(uint64(s), 1)))
			plen[s].NextIf(set, hdl.Slice(inc(wcnt), w.BB-1, 0))
		}
		setBits := hdl.Mux(gEnd, hdl.ShlV(k(1, 2), wslot), k(0, 2))
		clrBits := hdl.Mux(release, hdl.ShlV(k(1, 2), rslot), k(0, 2))
		full.Next(hdl.And(hdl.Or(full, setBits), hdl.Not(clrBits)))
		rslot.NextIf(release, hdl.Not(rslot))

		fullR := hdl.Bit(hdl.ShrV(full, rslot), 0)
		ip.req = hdl.And(fullR, hdl.Eq(phase, k(0, 2)))
		granted := hdl.And(grantValid, hdl.Eq(grantIdx, k(uint64(i), w.PB)))
		phase.Next(hdl.Priority(phase,
			hdl.When(release, k(0, 2)),
			hdl.When(res, k(2, 2)),
			hdl.When(granted, k(1, 2))))
		ip.plen = hdl.Mux(rslot, plen[1], plen[0])
		ip.jdest = m.Reg(pre+"jdest", JDB)
		ip.jdest.NextIf(res, hDest)
		ip.jreason = m.Reg(pre+"jreason", 8)
		ip.jreason.NextIf(res, hReason)

		// Sender: once the switch has granted the frame, one 16-bit word
		// of the slot a cycle, words 0 .. (plen-1)/2, into the egress port.
		snd := m.Reg(pre+"snd", 1)
		rc := m.Reg(pre+"rc", WB)
		ip.rv = m.Reg(pre+"rv", 1)
		ip.rl = m.Reg(pre+"rl", 1)
		ip.transfering = m.Reg(pre+"xfer", 1)
		lastWord := hdl.Slice(hdl.Sub(ip.plen, k(1, w.BB)), w.BB-2, 1)
		sndLast := hdl.And(snd, hdl.Eq(rc, lastWord))
		start := hdl.And(swValid, hdl.Eq(swIdx, k(uint64(i), w.PB)))
		snd.Next(hdl.Priority(snd, hdl.When(start, k(1, 1)), hdl.When(sndLast, k(0, 1))))
		rc.Next(hdl.Mux(hdl.And(snd, hdl.Not(sndLast)), inc(rc), k(0, WB)))
		ip.rv.Next(snd)
		ip.rl.Next(sndLast)
		done.Drive(hdl.And(ip.rv, ip.rl))
		ip.transfering.Next(hdl.Priority(ip.transfering, hdl.When(start, k(1, 1)), hdl.When(done, k(0, 1))))

		// The slot block RAM: two slots of MaxPkt bytes as 16-bit words
		// {even byte, odd byte}. Its write port takes the received words
		// (the odd byte with the held even one, or the even byte alone at
		// the end of an odd-length frame) and, when the receiver leaves it
		// free, the header unit's write-back; its read port serves the
		// header unit in phase 1 and the sender in phase 2.
		rxW := m.Wire(pre+"rx_write", 1)
		rxW.Drive(hdl.And(acc, hdl.Lt(wcnt, k(uint64(w.MaxPkt), w.BB+1)), hdl.Or(odd, rxLast)))
		ip.rxWrite = rxW
		wbW := hdl.And(hWB, hdl.Eq(hPort, k(uint64(i), w.PB)), hdl.Not(rxW))
		rxWord := hdl.Mux(odd, hdl.Concat(hb, rxData), hdl.Concat(rxData, k(0, 8)))
		slot := m.Memory(pre+"slot", 16, w.MaxPkt)
		slot.Write(hdl.Or(rxW, wbW),
			hdl.Mux(rxW, hdl.Concat(wslot, hdl.Slice(wcnt, WB, 1)), hdl.Concat(rslot, hdl.ZExt(hWC, WB))),
			hdl.Mux(rxW, rxWord, hWData))
		raddr := hdl.Mux(hdl.Eq(phase, k(1, 2)), hdl.ZExt(hdl.Slice(hc, 2, 0), WB), rc)
		ip.rdata = slot.ReadSync(hdl.Concat(rslot, raddr))
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

	var rdArms, lArms, wArms []hdl.Arm
	for i := 0; i < N; i++ {
		rdArms = append(rdArms, hdl.When(k(uint64(i), w.PB), ins[i].rdata))
		lArms = append(lArms, hdl.When(k(uint64(i), w.PB), ins[i].plen))
		wArms = append(wArms, hdl.When(k(uint64(i), w.PB), ins[i].rxWrite))
	}
	hRead := hdl.Case(hPort, k(0, 16), rdArms...)
	// hs collects the words: bytes 0..12 (tag | switch header) and byte 13.
	hs := m.Reg("h_hdr", 8*2*hdrWords)
	capture := hdl.And(hBusy, hdl.Ge(hc, k(1, 5)), hdl.Le(hc, k(hdrWords, 5)))
	hs.NextIf(capture, hdl.Concat(hdl.Slice(hs, hs.Width()-17, 0), hRead))
	s0v := m.Wire("h_issue", 1)
	s0v.Drive(hdl.And(hBusy, hdl.Not(hWB), hdl.Eq(hc, k(hcIssue, 5))))
	// The label parser has no state but its table: its input is held for
	// the whole frame, so its outputs, Latency cycles later, hold too.
	lpv := m.Wire("h_lp_valid", 1)
	lpv.Drive(hdl.And(hBusy, hdl.Or(hWB, hdl.Ge(hc, k(hcIssue, 5)))))
	s0len := hdl.Case(hPort, k(0, w.BB), lArms...)

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
	mtc.NextIf(hdl.And(hBusy, hdl.Not(hWB), hdl.Eq(hc, k(uint64(hcIssue+meter.IngressLatency), 5))), mt.Out("out_tc"))
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
		hdl.When(cpuDest, k(uint64(P), JDB))))
	hReason.Drive(hdl.Priority(k(0, 8),
		hdl.When(hdl.And(hdl.Not(toCPU), errMal), k(label.ErrorMalformedAddress, 8)),
		hdl.When(hdl.And(hdl.Not(toCPU), errRPI), k(label.ErrorReturnPathInvalid, 8))))
	eLease := hdl.Concat(hdl.Slice(lEPort, w.LPB-1, 0), lETag)
	decide := m.Wire("h_decide", 1)
	decide.Drive(hdl.And(hBusy, hdl.Not(hWB), hdl.Eq(hc, k(uint64(hcDecide()), 5))))
	cp := m.Instance("u_cap", capMod)
	cp.Connect("eg_valid", hdl.And(decide, toLink)).Connect("eg_lease", eLease).Connect("eg_tc", tcm).
		Connect("cfg_we", lsWe).Connect("cfg_lease", lsIdx).Connect("cfg_deprio", lsDeprio).Connect("cfg_cap", lsCap)
	capIn := hdl.Eq(hc, k(uint64(hcDecide()+meter.EgressLatency), 5))
	tcf := m.Reg("h_tc", 16)
	tcf.NextIf(hdl.And(hBusy, hdl.Not(hWB), capIn), hdl.Mux(toLink, cp.Out("eg_out_tc"), tcm))
	isDrop := hdl.Eq(hDest, k(uint64(dropDest(w)), JDB))

	// Write-back: the rewritten 13 bytes (byte 0 the egress lease tag, or
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
	wbStall := hdl.Case(hPort, k(0, 1), wArms...)
	wbWrite := hdl.And(hWB, hdl.Not(wbStall))
	wbLast := hdl.And(wbWrite, hdl.Eq(hWC, k(hdrWords-1, 3)))
	hFinish.Drive(hdl.Or(hdl.And(decide, isDrop), wbLast))
	hBusy.Next(hdl.Priority(hBusy, hdl.When(hFinish, k(0, 1)), hdl.When(grantValid, k(1, 1))))
	hPort.NextIf(grantValid, grantIdx)
	hc.Next(hdl.Priority(hc,
		hdl.When(hdl.Or(hFinish, hdl.Not(hBusy)), k(0, 5)),
		hdl.When(hdl.Not(hWB), inc(hc))))
	hWB.Next(hdl.Priority(hWB,
		hdl.When(hFinish, k(0, 1)),
		hdl.When(hdl.And(hBusy, capIn), k(1, 1))))
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
	var eligs []hdl.Value
	for i := N - 1; i >= 0; i-- {
		ip := ins[i]
		ip.elig = hdl.And(hdl.Eq(ip.phase, k(2, 2)), hdl.Not(ip.transfering),
			hdl.Bit(hdl.ShrV(outFree, hdl.Slice(ip.jdest, w.DB-1, 0)), 0))
		eligs = append(eligs, ip.elig)
	}
	sw := m.Instance("u_sw", arbMod)
	sw.Connect("req", hdl.Concat(eligs...)).Connect("en", sw.Out("grant_valid"))
	swValid.Drive(sw.Out("grant_valid"))
	swIdx.Drive(hdl.ZExt(sw.Out("grant_idx"), w.PB))
	var dArms, jlArms, jrArms []hdl.Arm
	for i := 0; i < N; i++ {
		dArms = append(dArms, hdl.When(k(uint64(i), w.PB), hdl.Slice(ins[i].jdest, w.DB-1, 0)))
		jlArms = append(jlArms, hdl.When(k(uint64(i), w.PB), ins[i].plen))
		jrArms = append(jrArms, hdl.When(k(uint64(i), w.PB), ins[i].jreason))
	}
	swDest := hdl.Case(swIdx, k(0, w.DB), dArms...)
	swLen := hdl.Case(swIdx, k(0, w.BB), jlArms...)
	swReason := hdl.Case(swIdx, k(0, 8), jrArms...)
	var rvs []hdl.Value
	for i := N - 1; i >= 0; i-- {
		rvs = append(rvs, hdl.Concat(ins[i].rl, ins[i].rv))
	}
	rvAll := hdl.Concat(rvs...)

	// ---- egress ----
	// Each port's ring is a block RAM of 16-bit words. A frame is a length
	// word (its bytes) then its bytes two to a word, high byte first, so
	// every frame starts on a word.
	freeBits := make([]hdl.Value, N)
	for q := 0; q < N; q++ {
		cpuPort := q == P
		pre := fmt.Sprintf("e%d_", q)
		RWB := w.RB - 1 // ring word address bits
		words := w.Ring / 2
		maxWords := w.MaxPkt/2 + 1 // a maximum frame and its length word
		if cpuPort {
			RWB = w.CRB - 1
			words = w.CPURing / 2
			maxWords = (w.MaxPkt+1+1)/2 + 1
		}
		busy := m.Reg(pre+"busy", 1)
		src := m.Reg(pre+"src", w.PB)
		olen := m.Reg(pre+"len", w.BB)
		ofirst := m.Reg(pre+"first", 1)
		wp := m.Reg(pre+"wp", RWB+1)
		rp := m.Reg(pre+"rp", RWB+1)
		start := m.Reg(pre+"start", RWB+1)
		wait := m.Reg(pre+"wait", 1)
		used := hdl.Sub(wp, rp)
		room := hdl.Le(used, k(uint64(words-maxWords), RWB+1))
		grant := hdl.And(swValid, hdl.Eq(swDest, k(uint64(q), w.DB)))
		freeBits[q] = hdl.And(hdl.Not(busy), hdl.Not(wait), room)
		busyEnd := m.Wire(pre+"end", 1)
		busy.Next(hdl.Priority(busy, hdl.When(grant, k(1, 1)), hdl.When(busyEnd, k(0, 1))))
		src.NextIf(grant, swIdx)
		olen.NextIf(grant, swLen)
		ofirst.Next(grant)
		// The source's word this cycle.
		rvl := hdl.Slice(hdl.ShrV(rvAll, hdl.Concat(src, k(0, 1))), 1, 0)
		dv := hdl.And(busy, hdl.Bit(rvl, 0))
		dl := hdl.Bit(rvl, 1)
		var ddArms []hdl.Arm
		for i := 0; i < N; i++ {
			ddArms = append(ddArms, hdl.When(k(uint64(i), w.PB), ins[i].rdata))
		}
		dd := hdl.Case(src, k(0, 16), ddArms...)
		ring := m.Memory(pre+"ring", 16, words)
		var we hdl.Value
		var wdata hdl.Value
		endP := hdl.And(dv, dl)
		if cpuPort {
			// A CPU frame is the reason byte, then the frame: each word
			// written is the byte carried from the last word and the high
			// byte of this one. A frame of even length needs one more word
			// for its last carried byte (flush).
			carry := m.Reg(pre+"carry", 8)
			flush := m.Reg(pre+"flush", 1)
			evenLen := hdl.Not(hdl.Bit(olen, 0))
			carry.Next(hdl.Priority(carry, hdl.When(grant, swReason), hdl.When(dv, hdl.Slice(dd, 7, 0))))
			flush.Next(hdl.And(endP, evenLen))
			busyEnd.Drive(hdl.Or(hdl.And(endP, hdl.Not(evenLen)), flush))
			we = hdl.Or(ofirst, dv, flush)
			wdata = hdl.Priority(hdl.Concat(carry, hdl.Slice(dd, 15, 8)),
				hdl.When(ofirst, hdl.ZExt(inc(olen), 16)),
				hdl.When(flush, hdl.Concat(carry, k(0, 8))))
			start.NextIf(busyEnd, inc(wp))
			wp.NextIf(we, inc(wp))
			wait.Next(k(0, 1))
		} else {
			busyEnd.Drive(endP)
			we = hdl.Or(ofirst, dv)
			wdata = hdl.Mux(ofirst, hdl.ZExt(olen, 16), dd)
		}
		ring.Write(we, hdl.Slice(wp, RWB-1, 0), wdata)

		// Transmitter: reads the committed words (rp up to start), takes a
		// length word, then the frame's words: the high byte goes out and
		// the low byte waits in lo, so the read port fetches the next word
		// (or the next frame's length) while lo goes out.
		txReady := m.Input(link(w, q, "tx", "ready"), 1)
		txv := m.Reg(pre+"txv", 1)
		txd := m.Reg(pre+"txd", 8)
		txl := m.Reg(pre+"txl", 1)
		hv := m.Reg(pre+"hv", 1)                 // rd holds a word not yet taken
		tlw := m.Reg(pre+"tlw", 1, hdl.Reset(1)) // the next word is a length word
		rem := m.Reg(pre+"rem", w.BB)            // bytes of the frame not yet taken from rd
		flen := m.Reg(pre+"flen", w.BB)
		lo := m.Reg(pre+"lo", 8)
		lov := m.Reg(pre+"lov", 1)
		lol := m.Reg(pre+"lol", 1)
		tfirst := m.Reg(pre+"tfirst", 1)
		ttag := m.Reg(pre+"ttag", w.TB)
		adv := hdl.Or(hdl.Not(txv), txReady)
		ren := m.Wire(pre+"ren", 1)
		rd := ring.ReadSync(hdl.Slice(rp, RWB-1, 0), hdl.ReadEnable(ren))
		lenTake := hdl.And(hv, tlw)
		dataTake := m.Wire(pre+"take", 1)
		dataTake.Drive(hdl.And(hv, hdl.Not(tlw), adv, hdl.Not(lov)))
		emitLo := hdl.And(lov, adv)
		emit := hdl.Or(dataTake, emitLo)
		one := hdl.Eq(rem, k(1, w.BB))
		consumed := hdl.Or(lenTake, dataTake)
		ren.Drive(hdl.And(hdl.Or(hdl.Not(hv), consumed), hdl.Ne(rp, start)))
		rp.NextIf(ren, inc(rp))
		hv.Next(hdl.Priority(hv, hdl.When(ren, k(1, 1)), hdl.When(consumed, k(0, 1))))
		rem.Next(hdl.Priority(rem,
			hdl.When(lenTake, hdl.Slice(rd, w.BB-1, 0)),
			hdl.When(dataTake, hdl.Mux(one, k(0, w.BB), hdl.Sub(rem, k(2, w.BB))))))
		flen.NextIf(lenTake, hdl.Slice(rd, w.BB-1, 0))
		tlw.Next(hdl.Priority(tlw,
			hdl.When(lenTake, k(0, 1)),
			hdl.When(hdl.And(dataTake, hdl.Le(rem, k(2, w.BB))), k(1, 1))))
		lo.NextIf(dataTake, hdl.Slice(rd, 7, 0))
		lol.NextIf(dataTake, hdl.Eq(rem, k(2, w.BB)))
		lov.Next(hdl.Priority(lov, hdl.When(hdl.And(dataTake, hdl.Not(one)), k(1, 1)), hdl.When(emitLo, k(0, 1))))
		tfirst.Next(hdl.Priority(tfirst, hdl.When(lenTake, k(1, 1)), hdl.When(dataTake, k(0, 1))))
		ttag.NextIf(hdl.And(dataTake, tfirst), hdl.Slice(rd, 8+w.TB-1, 8))
		lastOut := hdl.Mux(lov, lol, one)
		txd.NextIf(emit, hdl.Mux(lov, lo, hdl.Slice(rd, 15, 8)))
		txl.NextIf(emit, lastOut)
		txv.Next(hdl.Priority(txv, hdl.When(emit, k(1, 1)), hdl.When(txReady, k(0, 1))))
		m.Output(link(w, q, "tx", "valid"), 1).Drive(txv)
		m.Output(link(w, q, "tx", "data"), 8).Drive(txd)
		m.Output(link(w, q, "tx", "last"), 1).Drive(txl)

		// A frame is counted sent when its last byte goes into the output
		// register (the link takes it next, or when tx_ready returns).
		m.Output(pre+"ev_out", 1).Drive(hdl.And(emit, lastOut))
		m.Output(pre+"ev_out_bytes", w.BB).Drive(flen)
		if cpuPort {
			continue
		}
		m.Output(pre+"ev_out_tag", w.TB).Drive(ttag)

		// Arrival at the shaper when the last word is in: lease tag from
		// byte 0 (word 0 high), priority from the traffic class, bytes 11
		// (word 5 low) and 12 (word 6 high).
		owc := m.Reg(pre+"owc", 3)
		owc.Next(hdl.Priority(owc, hdl.When(ofirst, k(0, 3)), hdl.When(hdl.And(dv, hdl.Ne(owc, k(7, 3))), inc(owc))))
		etag := m.Reg(pre+"etag", w.TB)
		etag.NextIf(hdl.And(dv, hdl.Eq(owc, k(0, 3))), hdl.Slice(dd, 8+w.TB-1, 8))
		ephi := m.Reg(pre+"ephi", 7)
		ephi.NextIf(hdl.And(dv, hdl.Eq(owc, k(5, 3))), hdl.Slice(dd, 6, 0))
		eplo := m.Reg(pre+"eplo", 8)
		eplo.NextIf(hdl.And(dv, hdl.Eq(owc, k(6, 3))), hdl.Slice(dd, 15, 8))
		arrV := m.Reg(pre+"arr_valid", 1)
		arrV.Next(endP)
		sh := m.Instance(fmt.Sprintf("u_shaper%d", q), shMod)
		sh.Connect("arr_valid", arrV).Connect("arr_lease", etag).Connect("arr_bytes", olen).
			Connect("arr_tag", hdl.ZExt(hdl.Slice(start, RWB-1, 0), w.RB)).
			Connect("cfg_we", hdl.And(lsWe, hdl.Eq(hdl.Slice(lsIdx, w.EB-1, w.TB), k(uint64(q), w.LPB)))).
			Connect("cfg_lease", hdl.Slice(lsIdx, w.TB-1, 0)).Connect("cfg_rate", lsRate).Connect("cfg_burst", lsBurst)
		if pw, ok := shPorts["arr_prio"]; ok {
			sh.Connect("arr_prio", hdl.Slice(hdl.Concat(ephi, eplo), pw-1, 0))
		}
		vv := sh.Out("v_valid")
		dropped := hdl.And(vv, hdl.Eq(sh.Out("v_verdict"), k(shaper.CodeDropped, 2)))
		wait.Next(hdl.Priority(wait, hdl.When(endP, k(1, 1)), hdl.When(vv, k(0, 1))))
		wp.Next(hdl.Priority(wp, hdl.When(dropped, start), hdl.When(we, inc(wp))))
		start.NextIf(hdl.And(vv, hdl.Not(dropped)), wp)
		m.Output(pre+"ev_drop", 1).Drive(dropped)
		m.Output(pre+"ev_drop_cause", 2).Drive(sh.Out("v_cause"))
		m.Output(pre+"ev_drop_tag", w.TB).Drive(etag)
		m.Output(pre+"backlog", int(lay.BacklogBits)).Drive(sh.Out("backlog"))
	}
	outFree.Drive(hdl.Concat(reverse(freeBits)...))
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
