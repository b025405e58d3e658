package device

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/fabric"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/gen/meter"
	"github.com/pktnetwork/pktrouter/gen/shaper"
	"github.com/pktnetwork/pktrouter/label"
)

// Drop destination: the header pipeline's verdict for a frame that goes
// nowhere (the ingress slot is freed without crossing the fabric).
func dropDest(w widths) int { return w.N }

// k is a constant of width n.
func k(v uint64, n int) *hdl.Expr { return hdl.Const(v, n) }

// delay passes v through n registers named name_d1..name_dn.
func delay(m *hdl.Module, name string, v hdl.Value, n int) hdl.Value {
	for i := 1; i <= n; i++ {
		r := m.Reg(fmt.Sprintf("%s_d%d", name, i), v.Width())
		r.Next(v)
		v = r
	}
	return v
}

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
	xbMod, err := fabric.Crossbar(fabric.CrossbarConfig{Inputs: w.N, Outputs: w.N, DataWidth: 17, Depth: c.FabricDepth, PacketMode: true})
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
	// the ingress interface's bit in the issue stage, beside the label
	// parser (whose two table read ports are busy with egress and the
	// virtual-router compare).
	nIf := c.Interfaces()
	ifv := m.Reg("ifvalid", nIf)
	{
		bit := hdl.ShlV(hdl.ZExt(k(1, 1), nIf), ifAddr)
		set := hdl.Or(ifv, bit)
		clr := hdl.And(ifv, hdl.Not(bit))
		ifv.NextIf(ifWe, hdl.Mux(ifValid, set, clr))
	}

	// ---- ingress ports: receive into two slots, store-and-forward ----
	type inPort struct {
		req, rslot, phase   hdl.Value
		hdr                 hdl.Value // 104 bits of the slot being processed: tag | switch header
		plen                hdl.Value
		phdr                [2]*hdl.Signal
		ov, ol, ohalf, opar *hdl.Signal
		osel, obyte         [2]*hdl.Signal
		memE, memO          hdl.Value
		jdest               *hdl.Signal
	}
	ins := make([]*inPort, N)
	// The result bus from the header pipeline (driven below).
	rValid := m.Wire("r_valid", 1)
	rPort := m.Wire("r_port", w.PB)
	rDest := m.Wire("r_dest", JDB)
	rReason := m.Wire("r_reason", 8)
	rPhdr := m.Wire("r_phdr", 104)
	grantIdx := m.Wire("grant_idx", w.PB)
	grantValid := m.Wire("grant_valid", 1)
	inReady := make([]hdl.Value, N)
	for i := 0; i < N; i++ {
		inReady[i] = m.Wire(fmt.Sprintf("xb_in%d_ready", i), 1)
	}
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
		phase := m.Reg(pre+"phase", 2) // 0 waiting for the pipeline, 1 in the pipeline, 2 sending
		plen := [2]*hdl.Signal{m.Reg(pre+"plen0", w.BB), m.Reg(pre+"plen1", w.BB)}
		ip.phdr = [2]*hdl.Signal{m.Reg(pre+"phdr0", 104), m.Reg(pre+"phdr1", 104)}
		ip.rslot, ip.phase = rslot, phase

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

		// The sender's completion, and the header pipeline's verdict.
		done := m.Wire(pre+"done", 1)
		res := m.Wire(pre+"res", 1)
		res.Drive(hdl.And(rValid, hdl.Eq(rPort, k(uint64(i), w.PB))))
		resDrop := hdl.And(res, hdl.Eq(rDest, k(uint64(dropDest(w)), JDB)))
		release := hdl.Or(done, resDrop)
		for s := 0; s < 2; s++ {
			sv := k(uint64(s), 1)
			set := hdl.And(gEnd, hdl.Eq(wslot, sv))
			plen[s].NextIf(set, hdl.Slice(hdl.Add(wcnt, k(1, w.BB+1)), w.BB-1, 0))
			shift := hdl.And(acc, hdl.Eq(wslot, sv), hdl.Lt(wcnt, k(13, w.BB+1)))
			load := hdl.And(res, hdl.Eq(rslot, sv))
			ip.phdr[s].Next(hdl.Priority(ip.phdr[s],
				hdl.When(load, rPhdr),
				hdl.When(shift, hdl.Concat(hdl.Slice(ip.phdr[s], 95, 0), rxData))))
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
		ip.hdr = hdl.Mux(rslot, ip.phdr[1], ip.phdr[0])
		ip.plen = hdl.Mux(rslot, plen[1], plen[0])

		// Job: where the frame goes, and the CPU frame's reason byte.
		jdest := m.Reg(pre+"jdest", JDB)
		jdest.NextIf(res, rDest)
		jreason := m.Reg(pre+"jreason", 8)
		jreason.NextIf(res, rReason)
		ip.jdest = jdest
		jcpu := hdl.Eq(jdest, k(uint64(P), JDB))

		// Sender: the frame into the fabric as cells of two bytes (the
		// fabric runs at twice the link rate, so that frames from several
		// inputs queue at the egress shaper rather than at the inputs).
		// Byte kk of the outgoing frame is the reason byte (CPU frames
		// only), then the 13 bytes of phdr (tag or ingress interface,
		// switch header), then the payload from the slot.
		kk := m.Reg(pre+"k", w.BB+1)
		total := hdl.Add(hdl.ZExt(ip.plen, w.BB+1), hdl.ZExt(jcpu, w.BB+1))
		ip.ov = m.Reg(pre+"ov", 1)
		ip.ol = m.Reg(pre+"ol", 1)
		ip.ohalf = m.Reg(pre+"ohalf", 1)
		ip.opar = m.Reg(pre+"opar", 1)
		en := m.Wire(pre+"send_en", 1)
		en.Drive(hdl.And(hdl.Eq(phase, k(2, 2)), hdl.Lt(kk, total), hdl.Or(hdl.Not(ip.ov), inReady[i])))
		var arms []hdl.Arm
		for b := 0; b < 13; b++ {
			arms = append(arms, hdl.When(k(uint64(b), 4), hdl.Slice(ip.hdr, 103-8*b, 96-8*b)))
		}
		j0 := hdl.Sub(kk, hdl.ZExt(jcpu, w.BB+1))
		for lane := 0; lane < 2; lane++ {
			idx := hdl.Add(kk, k(uint64(lane), w.BB+1))
			j := hdl.Sub(idx, hdl.ZExt(jcpu, w.BB+1))
			isReason := hdl.And(jcpu, hdl.Eq(idx, k(0, w.BB+1)))
			inHdr := hdl.And(hdl.Not(isReason), hdl.Lt(j, k(13, w.BB+1)))
			hbyte := hdl.Case(hdl.Slice(j, 3, 0), k(0, 8), arms...)
			ip.obyte[lane] = m.Reg(fmt.Sprintf("%sobyte%d", pre, lane), 8)
			ip.osel[lane] = m.Reg(fmt.Sprintf("%sosel%d", pre, lane), 1)
			ip.obyte[lane].NextIf(en, hdl.Mux(isReason, jreason, hbyte))
			ip.osel[lane].NextIf(en, hdl.And(hdl.Not(isReason), hdl.Not(inHdr)))
		}
		rest := hdl.Sub(total, kk)
		ip.ol.NextIf(en, hdl.Le(rest, k(2, w.BB+1)))
		ip.ohalf.NextIf(en, hdl.Eq(rest, k(1, w.BB+1)))
		ip.opar.NextIf(en, hdl.Bit(j0, 0))
		ip.ov.Next(hdl.Priority(ip.ov, hdl.When(en, k(1, 1)), hdl.When(inReady[i], k(0, 1))))
		done.Drive(hdl.And(ip.ov, ip.ol, inReady[i]))
		kk.Next(hdl.Priority(kk, hdl.When(en, hdl.Add(kk, k(2, w.BB+1))), hdl.When(done, k(0, w.BB+1))))

		// The slots are two byte banks, even and odd offsets, so a cell's
		// two bytes are read in one cycle whatever the alignment.
		wofs := hdl.Slice(wcnt, w.OB-1, 0)
		wen := hdl.And(acc, hdl.Lt(wcnt, k(uint64(w.MaxPkt), w.BB+1)))
		waddr := hdl.Concat(wslot, hdl.Slice(wofs, w.OB-1, 1))
		ibufE := m.Memory(pre+"ibuf_even", 8, w.MaxPkt)
		ibufO := m.Memory(pre+"ibuf_odd", 8, w.MaxPkt)
		ibufE.Write(hdl.And(wen, hdl.Not(hdl.Bit(wofs, 0))), waddr, rxData)
		ibufO.Write(hdl.And(wen, hdl.Bit(wofs, 0)), waddr, rxData)
		jOdd := hdl.Slice(j0, w.OB-1, 1)
		jEven := hdl.Slice(hdl.Add(j0, k(1, w.BB+1)), w.OB-1, 1)
		ip.memE = ibufE.ReadSync(hdl.Concat(rslot, jEven), hdl.ReadEnable(en))
		ip.memO = ibufO.ReadSync(hdl.Concat(rslot, jOdd), hdl.ReadEnable(en))
	}

	// ---- shared header pipeline ----
	arb := m.Instance("u_arb", arbMod)
	var reqs []hdl.Value
	for i := N - 1; i >= 0; i-- {
		reqs = append(reqs, ins[i].req)
	}
	arb.Connect("req", hdl.Concat(reqs...)).Connect("en", arb.Out("grant_valid"))
	grantValid.Drive(arb.Out("grant_valid"))
	grantIdx.Drive(hdl.ZExt(arb.Out("grant_idx"), w.PB))

	var hArms, lArms []hdl.Arm
	for i := 0; i < N; i++ {
		hArms = append(hArms, hdl.When(k(uint64(i), w.PB), ins[i].hdr))
		lArms = append(lArms, hdl.When(k(uint64(i), w.PB), ins[i].plen))
	}
	s0v := m.Reg("s0_valid", 1)
	s0v.Next(grantValid)
	s0port := m.Reg("s0_port", w.PB)
	s0port.NextIf(grantValid, grantIdx)
	s0hdr := m.Reg("s0_hdr", 104)
	s0hdr.NextIf(grantValid, hdl.Case(grantIdx, k(0, 104), hArms...))
	s0len := m.Reg("s0_len", w.BB)
	s0len.NextIf(grantValid, hdl.Case(grantIdx, k(0, w.BB), lArms...))

	tag := hdl.Slice(s0hdr, 103, 96)
	hdr := hdl.Slice(s0hdr, 95, 0)
	cpu := hdl.Eq(s0port, k(uint64(P), w.PB))
	tagLow := hdl.Slice(tag, w.TB-1, 0)
	tagOK := hdl.Eq(hdl.Slice(tag, 7, w.TB), k(0, 8-w.TB))
	elem := hdl.Concat(hdl.Slice(s0port, w.LPB-1, 0), tagLow)
	iface := hdl.Mux(hdl.Eq(elem, k(0, w.EB)), k(0, w.AW), hdl.Add(hdl.ZExt(elem, w.AW), k(1, w.AW)))
	ivalid := hdl.Bit(hdl.ShrV(ifv, iface), 0)
	known := hdl.Or(cpu, hdl.And(tagOK, hdl.Or(hdl.Eq(tagLow, k(0, w.TB)), ivalid)))
	from := hdl.Mux(cpu, k(label.SelfInterface, w.AW), iface)

	mt := m.Instance("u_meter", mtMod)
	mt.Connect("pkt_valid", hdl.And(s0v, hdl.Not(cpu), known)).
		Connect("pkt_lease", elem).Connect("pkt_tc", hdl.Slice(hdr, 15, 0)).
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
	lp.Connect("in_valid", s0v).Connect("in_hdr", hdr).Connect("in_from", from).
		Connect("tbl_we", ifWe).Connect("tbl_addr", ifAddr).Connect("tbl_wdata", tblWord)

	D := max(meter.IngressLatency, labelparse.Latency)
	ctx := hdl.Concat(s0v, s0port, cpu, known, elem, s0len, hdl.Slice(hdr, 15, 0), from)
	actx := delay(m, "ctx", ctx, D)
	off := 0
	field := func(n int) hdl.Value {
		hi := actx.Width() - 1 - off
		off += n
		return hdl.Slice(actx, hi, hi-n+1)
	}
	aValid, aPort, aCPU, aKnown := field(1), field(w.PB), field(1), field(1)
	aElem, aLen, aTC, aFrom := field(w.EB), field(w.BB), field(16), field(w.AW)
	dl := D - labelparse.Latency
	aRes := delay(m, "lp_res", lp.Out("out_result"), dl)
	aTo := delay(m, "lp_to", lp.Out("out_to"), dl)
	aHdr := delay(m, "lp_hdr", lp.Out("out_hdr"), dl)
	aEPort := delay(m, "lp_port", lp.Out("out_port"), dl)
	aETag := delay(m, "lp_tag", lp.Out("out_tag"), dl)
	aMTC := delay(m, "mt_tc", mt.Out("out_tc"), D-meter.IngressLatency)

	resIs := func(r labelparse.Result) hdl.Value { return hdl.Eq(aRes, k(uint64(r), labelparse.ResultBits)) }
	tcm := hdl.Mux(aCPU, aTC, aMTC)
	isFwd := resIs(labelparse.Forward)
	toCPU := hdl.And(isFwd, hdl.Or(hdl.Eq(aTo, k(label.SelfInterface, w.AW)), hdl.Ge(aEPort, k(uint64(P), w.PB))))
	errMal := hdl.Or(resIs(labelparse.MalformedAddress), resIs(labelparse.UnknownInterface))
	errRPI := resIs(labelparse.ReturnPathInvalid)
	toLink := hdl.And(aKnown, isFwd, hdl.Not(toCPU))
	cpuDest := hdl.And(aKnown, hdl.Or(toCPU, errMal, errRPI))
	dest := hdl.Priority(k(uint64(dropDest(w)), JDB),
		hdl.When(toLink, hdl.ZExt(aEPort, JDB)),
		hdl.When(cpuDest, k(uint64(P), JDB)))
	reason := hdl.Priority(k(0, 8),
		hdl.When(hdl.And(hdl.Not(toCPU), errMal), k(label.ErrorMalformedAddress, 8)),
		hdl.When(hdl.And(hdl.Not(toCPU), errRPI), k(label.ErrorReturnPathInvalid, 8)))
	eLease := hdl.Concat(hdl.Slice(aEPort, w.LPB-1, 0), aETag)
	cp := m.Instance("u_cap", capMod)
	cp.Connect("eg_valid", hdl.And(aValid, toLink)).Connect("eg_lease", eLease).Connect("eg_tc", tcm).
		Connect("cfg_we", lsWe).Connect("cfg_lease", lsIdx).Connect("cfg_deprio", lsDeprio).Connect("cfg_cap", lsCap)
	byte0 := hdl.Mux(toLink, hdl.ZExt(aETag, 8), hdl.ZExt(aFrom, 8))
	bctx := hdl.Concat(aValid, aPort, dest, reason, byte0, hdl.Slice(aHdr, 95, 16), tcm, aCPU, aKnown, aElem, aLen, aRes)
	bx := delay(m, "bctx", bctx, meter.EgressLatency)
	off = 0
	bfield := func(n int) hdl.Value {
		hi := bx.Width() - 1 - off
		off += n
		return hdl.Slice(bx, hi, hi-n+1)
	}
	bValid, bPort, bDest, bReason, bByte0 := bfield(1), bfield(w.PB), bfield(JDB), bfield(8), bfield(8)
	bHdr, bTC, bCPU, bKnown, bElem, bLen, bRes := bfield(80), bfield(16), bfield(1), bfield(1), bfield(w.EB), bfield(w.BB), bfield(labelparse.ResultBits)
	bLink := hdl.Lt(bDest, k(uint64(P), JDB))
	tcf := hdl.Mux(bLink, cp.Out("eg_out_tc"), bTC)
	rValid.Drive(bValid)
	rPort.Drive(bPort)
	rDest.Drive(bDest)
	rReason.Drive(bReason)
	rPhdr.Drive(hdl.Concat(bByte0, bHdr, tcf))

	// Header pipeline events (one frame per cycle at most).
	leaseEv := hdl.And(bValid, bKnown, hdl.Not(bCPU))
	bResIs := func(r labelparse.Result) hdl.Value { return hdl.Eq(bRes, k(uint64(r), labelparse.ResultBits)) }
	m.Output("ev_hp_port", w.PB).Drive(bPort)
	m.Output("ev_hp_lease", w.EB).Drive(bElem)
	m.Output("ev_hp_bytes", w.BB).Drive(bLen)
	m.Output("ev_in", 1).Drive(leaseEv)
	m.Output("ev_vrouter", 1).Drive(hdl.And(leaseEv, bResIs(labelparse.VRMismatch)))
	m.Output("ev_shift", 1).Drive(hdl.And(bValid, bKnown, bResIs(labelparse.ShiftOverflow)))
	m.Output("ev_label_error", 1).Drive(hdl.And(bValid, hdl.Ne(bReason, k(0, 8))))
	m.Output("ev_unknown_tag", 1).Drive(hdl.And(bValid, hdl.Not(bKnown)))
	m.Output("ev_hp_cpu", 1).Drive(bCPU)
	m.Output("ev_runt", N).Drive(hdl.Concat(reverse(runt)...))
	m.Output("ev_oversize", N).Drive(hdl.Concat(reverse(over)...))

	// ---- fabric ----
	xb := m.Instance("u_fabric", xbMod)
	for i := 0; i < N; i++ {
		ip := ins[i]
		// Lane 0 is the byte at an even offset j0 from the even bank, else
		// from the odd bank; lane 1 the other.
		m0 := hdl.Mux(ip.opar, ip.memO, ip.memE)
		m1 := hdl.Mux(ip.opar, ip.memE, ip.memO)
		b0 := hdl.Mux(ip.osel[0], m0, ip.obyte[0])
		b1 := hdl.Mux(ip.osel[1], m1, ip.obyte[1])
		xb.Connect(fabric.InPort(i, "valid"), ip.ov).
			Connect(fabric.InPort(i, "data"), hdl.Concat(ip.ohalf, b0, b1)).
			Connect(fabric.InPort(i, "dest"), hdl.Slice(ip.jdest, w.DB-1, 0)).
			Connect(fabric.InPort(i, "last"), ip.ol)
		inReady[i].(*hdl.Signal).Drive(xb.Out(fabric.InPort(i, "ready")))
	}

	// ---- egress ----
	for q := 0; q < N; q++ {
		cpuPort := q == P
		pre := fmt.Sprintf("e%d_", q)
		RB := w.RB
		ring := w.Ring
		if cpuPort {
			RB, ring = w.CRB, w.CPURing
		}
		ov := xb.Out(fabric.OutPort(q, "valid"))
		od := xb.Out(fabric.OutPort(q, "data"))
		ol := xb.Out(fabric.OutPort(q, "last"))
		wp := m.Reg(pre+"wp", RB+1)
		rp := m.Reg(pre+"rp", RB+1)
		start := m.Reg(pre+"start", RB+1)
		wait := m.Reg(pre+"wait", 1)
		used := hdl.Sub(wp, rp)
		room := hdl.Le(used, k(uint64(ring-w.MaxPkt), RB+1))
		ecan := m.Wire(pre+"can", 1)
		ecan.Drive(hdl.And(hdl.Not(wait), room))
		xb.Connect(fabric.OutPort(q, "ready"), ecan)
		acc := m.Wire(pre+"acc", 1)
		acc.Drive(hdl.And(ov, ecan))
		// A cell is {half, b0, b1}: two bytes, or one (b0) when half.
		half := hdl.Bit(od, 16)
		ob0, ob1 := hdl.Slice(od, 15, 8), hdl.Slice(od, 7, 0)
		nb := hdl.Mux(half, k(1, RB+1), k(2, RB+1))
		// The ring is two banks of {last, byte}, even and odd addresses.
		wodd := hdl.Bit(wp, 0)
		wlo := hdl.Slice(wp, RB-1, 1)
		whi := hdl.Slice(hdl.Add(wp, k(1, RB+1)), RB-1, 1)
		ringE := m.Memory(pre+"ring_even", 9, ring/2)
		ringO := m.Memory(pre+"ring_odd", 9, ring/2)
		w0 := hdl.Concat(hdl.And(ol, half), ob0)
		w1 := hdl.Concat(ol, ob1)
		two := hdl.And(acc, hdl.Not(half))
		// b0 goes to the bank of wp, b1 to the other one (at wp+1).
		ringE.Write(hdl.Or(hdl.And(acc, hdl.Not(wodd)), hdl.And(two, wodd)), hdl.Mux(wodd, whi, wlo), hdl.Mux(wodd, w1, w0))
		ringO.Write(hdl.Or(hdl.And(acc, wodd), hdl.And(two, hdl.Not(wodd))), wlo, hdl.Mux(wodd, w0, w1))
		endP := hdl.And(acc, ol)

		txReady := m.Input(link(w, q, "tx", "ready"), 1)
		txv := m.Reg(pre+"txv", 1)
		avail := hdl.Ne(rp, start)
		ten := m.Wire(pre+"tx_en", 1)
		ten.Drive(hdl.And(avail, hdl.Or(hdl.Not(txv), txReady)))
		rdE := ringE.ReadSync(hdl.Slice(rp, RB-1, 1), hdl.ReadEnable(ten))
		rdO := ringO.ReadSync(hdl.Slice(rp, RB-1, 1), hdl.ReadEnable(ten))
		tpar := m.Reg(pre+"tpar", 1)
		tpar.NextIf(ten, hdl.Bit(rp, 0))
		rd := hdl.Mux(tpar, rdO, rdE)
		rp.NextIf(ten, inc(rp))
		txv.Next(hdl.Priority(txv, hdl.When(ten, k(1, 1)), hdl.When(txReady, k(0, 1))))
		m.Output(link(w, q, "tx", "valid"), 1).Drive(txv)
		m.Output(link(w, q, "tx", "data"), 8).Drive(hdl.Slice(rd, 7, 0))
		m.Output(link(w, q, "tx", "last"), 1).Drive(hdl.Bit(rd, 8))

		// Frames sent: count the bytes of each, the lease is its first byte.
		sent := hdl.And(txv, txReady)
		tcnt := m.Reg(pre+"tcnt", w.BB)
		ttag := m.Reg(pre+"ttag", w.TB)
		first := hdl.Eq(tcnt, k(0, w.BB))
		tcnt.NextIf(sent, hdl.Mux(hdl.Bit(rd, 8), k(0, w.BB), inc(tcnt)))
		ttag.NextIf(hdl.And(sent, first), hdl.Slice(rd, w.TB-1, 0))
		m.Output(pre+"ev_out", 1).Drive(hdl.And(sent, hdl.Bit(rd, 8)))
		m.Output(pre+"ev_out_bytes", w.BB).Drive(inc(tcnt))
		if cpuPort {
			// The CPU port is not shaped: a frame is committed as soon as
			// its last byte is in the ring.
			wp.NextIf(acc, hdl.Add(wp, nb))
			start.NextIf(endP, hdl.Add(wp, nb))
			wait.Next(k(0, 1))
			continue
		}
		m.Output(pre+"ev_out_tag", w.TB).Drive(hdl.Mux(first, hdl.Slice(rd, w.TB-1, 0), ttag))

		// Arrival at the shaper: lease tag from byte 0, priority from the
		// traffic class (bytes 11 and 12), when the last byte is in.
		// Cells start at even offsets: byte 0 (tag) and 12 (traffic class
		// low) are b0 of their cells, byte 11 (traffic class high) is b1.
		ecnt := m.Reg(pre+"ecnt", w.BB)
		nbB := hdl.Mux(half, k(1, w.BB), k(2, w.BB))
		ecnt.NextIf(acc, hdl.Mux(ol, k(0, w.BB), hdl.Add(ecnt, nbB)))
		etag := m.Reg(pre+"etag", w.TB)
		etag.NextIf(hdl.And(acc, hdl.Eq(ecnt, k(0, w.BB))), hdl.Slice(ob0, w.TB-1, 0))
		ephi := m.Reg(pre+"ephi", 7)
		ephi.NextIf(hdl.And(acc, hdl.Eq(ecnt, k(10, w.BB))), hdl.Slice(ob1, 6, 0))
		eplo := m.Reg(pre+"eplo", 8)
		eplo.NextIf(hdl.And(acc, hdl.Eq(ecnt, k(12, w.BB))), ob0)
		arrV := m.Reg(pre+"arr_valid", 1)
		arrV.Next(endP)
		arrBytes := m.Reg(pre+"arr_bytes", w.BB)
		arrBytes.NextIf(endP, hdl.Add(ecnt, nbB))
		sh := m.Instance(fmt.Sprintf("u_shaper%d", q), shMod)
		sh.Connect("arr_valid", arrV).Connect("arr_lease", etag).Connect("arr_bytes", arrBytes).
			Connect("arr_tag", hdl.Slice(start, RB-1, 0)).
			Connect("cfg_we", hdl.And(lsWe, hdl.Eq(hdl.Slice(lsIdx, w.EB-1, w.TB), k(uint64(q), w.LPB)))).
			Connect("cfg_lease", hdl.Slice(lsIdx, w.TB-1, 0)).Connect("cfg_rate", lsRate).Connect("cfg_burst", lsBurst)
		if pw, ok := shPorts["arr_prio"]; ok {
			sh.Connect("arr_prio", hdl.Slice(hdl.Concat(ephi, eplo), pw-1, 0))
		}
		vv := sh.Out("v_valid")
		dropped := hdl.And(vv, hdl.Eq(sh.Out("v_verdict"), k(shaper.CodeDropped, 2)))
		wait.Next(hdl.Priority(wait, hdl.When(endP, k(1, 1)), hdl.When(vv, k(0, 1))))
		wp.Next(hdl.Priority(wp, hdl.When(dropped, start), hdl.When(acc, hdl.Add(wp, nb))))
		start.NextIf(hdl.And(vv, hdl.Not(dropped)), wp)
		m.Output(pre+"ev_drop", 1).Drive(dropped)
		m.Output(pre+"ev_drop_cause", 2).Drive(sh.Out("v_cause"))
		m.Output(pre+"ev_drop_tag", w.TB).Drive(etag)
		m.Output(pre+"backlog", int(lay.BacklogBits)).Drive(sh.Out("backlog"))
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
