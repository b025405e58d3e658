package meter

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	model "github.com/pktnetwork/pktrouter/model/meter"
)

// IngressLatency is the number of cycles from a packet on pkt_* to its new
// traffic class on out_*.
const IngressLatency = 5

// ReadLatency is the number of cycles from rd_lease to the lease's values on
// rd_measured, rd_factor and rd_scaling.
const ReadLatency = 1

// EgressLatency is the number of cycles from eg_* to eg_out_*.
const EgressLatency = 4

// MaxPacketRun is the longest run of consecutive cycles with pkt_valid set
// that the ingress block accepts (see the package comment).
const MaxPacketRun = model.TickStagger - 2

const generator = "gen/meter"

// Stages of the ingress block, in cycles after the input (see the package
// comment).
const (
	// selStage selects the operation of the sample read-modify-write:
	// the lease tick's, the held packet's or the arriving packet's.
	selStage = 6
	// rmwStage reads and writes the sample memory.
	rmwStage = selStage + 1
	// wordBits is the width of acc_mem: an acc is stored as NW such words.
	wordBits = 16
)

// Tick datapath schedule, in cycles after a lease's tick (model time).
const (
	tkAccRead = 1            // acc words read from here on, one a cycle
	tkSample  = rmwStage     // the sample read (the tick's RMW operation)
	tkNewAcc  = tkSample + 2 // new acc = decayed acc + sample (read, then add)
	tkLoad    = tkNewAcc + 1 // divider load; acc words written from here on
	tkFinish  = tkLoad + 16  // last quotient bit
	tkWrite   = tkFinish + 1 // factor and read-port words written (= UpdateDelay)
	tkDepth   = tkWrite
)

// LeaseBits is the width of a lease index for n leases.
func LeaseBits(n int) int {
	if n <= 1 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

// delay registers v through n stages named name1..namen and returns the last.
func delay(m *hdl.Module, name string, v hdl.Value, n int) hdl.Value {
	return taps(m, name, v, n)[n]
}

// taps registers v through n stages named name1..namen and returns every
// stage (taps[k] is v delayed k cycles, taps[0] is v).
func taps(m *hdl.Module, name string, v hdl.Value, n int) []hdl.Value {
	t := []hdl.Value{v}
	for i := 1; i <= n; i++ {
		r := m.Reg(fmt.Sprintf("%s%d", name, i), v.Width())
		r.Next(t[i-1])
		t = append(t, r)
	}
	return t
}

// NewIngress builds the ingress block (customer bit, default priority, IIR
// meter, shared divider, scaling) for cfg. See the package comment for ports
// and timing.
func NewIngress(cfg model.Config) (*hdl.Module, error) {
	f, err := cfg.Format()
	if err != nil {
		return nil, fmt.Errorf("gen/meter: %w", err)
	}
	if tkWrite != model.UpdateDelay {
		return nil, fmt.Errorf("gen/meter: update datapath takes %d cycles, model.UpdateDelay is %d", tkWrite, model.UpdateDelay)
	}
	L := cfg.Leases
	LB := LeaseBits(L)
	BB := bits.Len32(cfg.MaxPacketBytes)
	SB := int(f.SampleBits)
	AB := int(f.AccBits)
	K := int(cfg.K)
	PB := 15
	FB := model.FactorFracBits
	T := uint64(cfg.TickCycles)
	S := uint64(model.TickStagger)
	if BB > 16 {
		return nil, fmt.Errorf("gen/meter: packets of up to 2^%d bytes; the product stages are built for 16-bit lengths", BB)
	}
	if FB != 16 {
		return nil, fmt.Errorf("gen/meter: the scaling is built for a 16-bit factor, model has %d", FB)
	}
	TB := max(1, bits.Len64(T-1))
	SW := bits.Len(uint(model.TickStagger - 1)) // slot step counter 0..S-1
	NW := (AB + wordBits - 1) / wordBits
	WB := max(1, bits.Len(uint(NW-1)))

	m := hdl.NewGenerated(generator, "meter_ingress",
		hdl.P("l", L), hdl.P("t", cfg.TickCycles), hdl.P("k", cfg.K), hdl.P("bpc", cfg.BytesPerCycle), hdl.P("mp", cfg.MaxPacketBytes))
	pktValid := m.Input("pkt_valid", 1)
	pktLease := m.Input("pkt_lease", LB)
	pktTC := m.Input("pkt_tc", 16)
	pktBytes := m.Input("pkt_bytes", BB)
	cfgWe := m.Input("cfg_we", 1)
	cfgLease := m.Input("cfg_lease", LB)
	cfgDefault := m.Input("cfg_default", PB)
	cfgClear := m.Input("cfg_clear", 1)
	cfgLimited := m.Input("cfg_limited", 1)
	cfgLimit := m.Input("cfg_limit", SB)
	rdLease := m.Input("rd_lease", LB)
	outValid := m.Output("out_valid", 1)
	outTC := m.Output("out_tc", 16)

	// Per-lease state, all in block RAM (contents not cleared by rst).
	//   cfgd:   {clear-customer-bit, default priority}, read by packets
	//   lim:    {limited, limit}, read by the tick datapath
	//   sample: the tick interval's priority-bytes, read-modify-written
	//   acc:    NW 16-bit words per lease (lease*2^WB + word), tick datapath only
	//   fac:    the factor, stored inverted (0: scaling off), read by packets
	//   stat:   {measured, inverted factor}, read by the register read port
	cfgd := m.Memory("cfgd_mem", PB+1, L)
	lim := m.Memory("lim_mem", SB+1, L)
	sample := m.Memory("sample_mem", SB, L)
	accMem := m.Memory("acc_mem", wordBits, L<<WB)
	fac := m.Memory("fac_mem", FB, L)
	stat := m.Memory("stat_mem", SB+FB, L)

	// Configuration: written in the cycle it arrives, so a packet (read
	// in its own cycle) and a tick (lim read in the tick's cycle) see the
	// writes of earlier cycles only, as the model orders them.
	cfgd.Write(cfgWe, cfgLease, hdl.Concat(cfgClear, cfgDefault))
	lim.Write(cfgWe, cfgLease, hdl.Concat(cfgLimited, cfgLimit))

	// ---- tick schedule: lease i's tick at n*T + S*i (n >= 1) ----
	ph := m.Reg("tick_phase", TB)
	last := hdl.Eq(ph, hdl.Const(T-1, TB))
	ph.Next(hdl.Mux(last, hdl.Const(0, TB), hdl.Add(ph, hdl.Const(1, TB))))
	armed := m.Reg("tick_armed", 1)
	armed.NextIf(last, hdl.Const(1, 1))
	period := hdl.And(hdl.Eq(ph, hdl.Const(0, TB)), armed)
	slStep := m.Reg("slot_step", SW)
	slIdx := m.Reg("slot_lease", LB)
	slOn := m.Reg("slot_on", 1)
	stepLast := hdl.Eq(slStep, hdl.Const(S-1, SW))
	idxLast := hdl.Eq(slIdx, hdl.Const(uint64(L-1), LB))
	slStep.Next(hdl.Priority(hdl.Add(slStep, hdl.Const(1, SW)),
		hdl.When(period, hdl.Const(1, SW)),
		hdl.When(stepLast, hdl.Const(0, SW))))
	slIdx.Next(hdl.Priority(slIdx,
		hdl.When(period, hdl.Const(0, LB)),
		hdl.When(stepLast, hdl.Add(slIdx, hdl.Const(1, LB)))))
	slOn.Next(hdl.Priority(slOn,
		hdl.When(period, hdl.Const(1, 1)),
		hdl.When(hdl.And(stepLast, idxLast), hdl.Const(0, 1))))
	// tick0: a lease's tick happens this cycle (model time), for lease tickIdx.
	tick0 := hdl.Or(period, hdl.And(slOn, hdl.Eq(slStep, hdl.Const(0, SW))))
	tickIdx := hdl.Mux(period, hdl.Const(0, LB), slIdx)
	tk := taps(m, "tk_v", tick0, tkDepth)

	// The limit is read in the tick's own cycle and held until the next tick.
	limQ := lim.ReadSync(tickIdx, hdl.ReadEnable(tick0))

	// ---- acc words: read at tick+1.., assembled, decayed ----
	// wordWalk steps through the NW acc words of a lease, one a cycle from
	// the cycle after start: busy while it does, word the index, held the
	// lease latched at start.
	wordWalk := func(name string, start, lease hdl.Value) (busy, word, held hdl.Value) {
		cnt := m.Reg("acc_"+name+"_word", WB+1)
		busy = hdl.Ne(cnt, hdl.Const(0, WB+1))
		l := m.Reg("acc_"+name+"_lease", LB)
		cnt.Next(hdl.Priority(cnt,
			hdl.When(start, hdl.Const(1, WB+1)),
			hdl.When(hdl.Eq(cnt, hdl.Const(uint64(NW), WB+1)), hdl.Const(0, WB+1)),
			hdl.When(busy, hdl.Add(cnt, hdl.Const(1, WB+1)))))
		l.NextIf(start, lease)
		return busy, hdl.Slice(hdl.Sub(cnt, hdl.Const(1, WB+1)), WB-1, 0), l
	}
	// The tick's lease, held for the 17 cycles of its slot.
	rdBusy, rdWord, accRdLease := wordWalk("rd", tk[tkAccRead-1], tickIdx)
	accWord := accMem.ReadSync(hdl.Concat(accRdLease, rdWord), hdl.ReadEnable(rdBusy))
	rdGot := delay(m, "acc_rd_got", rdBusy, 1)
	// accR shifts the words in from the top: after NW words it holds acc.
	AW := NW * wordBits
	accR := m.Reg("acc_asm", AW)
	if NW == 1 {
		accR.NextIf(rdGot, accWord)
	} else {
		accR.NextIf(rdGot, hdl.Concat(accWord, hdl.Slice(accR, AW-1, wordBits)))
	}
	accCur := hdl.Slice(accR, AB-1, 0)
	// acc + floor((sample<<K - acc) / 2^K) = acc - ceil(acc/2^K) + sample,
	// exactly; the decayed part is computed from acc alone, in two
	// registered steps, before the sample arrives.
	ceilQ := delay(m, "acc_ceil", hdl.Slice(hdl.AddW(accCur, hdl.Const(1<<K-1, AB), AB+1), AB-1, K), 1)
	decay := delay(m, "acc_decay", hdl.Sub(accCur, hdl.ZExt(ceilQ, AB)), 1)

	// ---- packet pipeline ----
	// Stage 0: the configuration and factor reads, addressed by the
	// arriving packet. The factor read is transparent: it sees an update
	// written at the end of the packet's own cycle (events first).
	cfgQ := cfgd.ReadSync(pktLease)
	facQ := fac.ReadSync(pktLease, hdl.Transparent())
	p1v := delay(m, "p1_valid", pktValid, 1)
	p1lease := delay(m, "p1_lease", pktLease, 1)
	p1tc := delay(m, "p1_tc", pktTC, 1)
	p1bytes := delay(m, "p1_bytes", pktBytes, 1)

	// Stage 1: decode; the factor and its enable registered, so the
	// scaling products start from registers (Fmax).
	unclassed := hdl.Eq(p1tc, hdl.Const(uint64(model.Unclassed), 16))
	prio := hdl.Mux(unclassed, hdl.Slice(cfgQ, PB-1, 0), hdl.Slice(p1tc, 14, 0))
	cust := hdl.And(hdl.Not(unclassed), hdl.Bit(p1tc, 15), hdl.Not(hdl.Bit(cfgQ, PB)))
	p2v := delay(m, "p2_valid", p1v, 1)
	p2lease := delay(m, "p2_lease", p1lease, 1)
	p2prio := delay(m, "p2_prio", prio, 1)
	p2cust := delay(m, "p2_cust", cust, 1)
	p2bytes := delay(m, "p2_bytes", p1bytes, 1)

	// Output path, stages 2..4: partial products of the 15x16 scaling
	// (iCE40 has no multipliers), their pair sums, the total.
	facOn := delay(m, "p2_fon", hdl.Ne(facQ, hdl.Const(0, FB)), 1)
	facF := delay(m, "p2_f", hdl.Not(facQ), 1)
	ppW := PB + 4
	var pp []hdl.Value
	for d := 0; d < FB/4; d++ {
		pp = append(pp, delay(m, fmt.Sprintf("o3_pp%d", d), hdl.MulW(p2prio, hdl.Slice(facF, 4*d+3, 4*d), ppW), 1))
	}
	o3v := delay(m, "o3_valid", p2v, 1)
	o3prio := delay(m, "o3_prio", p2prio, 1)
	o3cust := delay(m, "o3_cust", p2cust, 1)
	o3on := delay(m, "o3_on", facOn, 1)
	pairW := PB + 8
	pair := func(a, b hdl.Value) hdl.Value {
		return hdl.Add(hdl.ZExt(a, pairW), hdl.Shl(hdl.ZExt(b, pairW), 4))
	}
	o4lo := delay(m, "o4_lo", pair(pp[0], pp[1]), 1)
	o4hi := delay(m, "o4_hi", pair(pp[2], pp[3]), 1)
	o4v := delay(m, "o4_valid", o3v, 1)
	o4prio := delay(m, "o4_prio", o3prio, 1)
	o4cust := delay(m, "o4_cust", o3cust, 1)
	o4on := delay(m, "o4_on", o3on, 1)
	full := hdl.Add(hdl.ZExt(o4lo, PB+FB), hdl.Shl(hdl.ZExt(o4hi, PB+FB), 8))
	scaled := hdl.Slice(full, PB+FB-1, FB)
	newPrio := hdl.Mux(o4on, scaled, o4prio)
	tc := hdl.Mux(o4v, hdl.Concat(o4cust, newPrio), hdl.Const(0, 16))
	outValid.Drive(delay(m, "o_valid", o4v, 1))
	outTC.Drive(delay(m, "o_tc", tc, 1))

	// Accounting path, stages 2..5: priority x bytes as registered 15x4
	// digit products, their pair sums, the total, and the room left below
	// SampleMax (so the read-modify-write compares instead of adding).
	XW := PB + BB
	var dig []hdl.Value
	for lo := 0; lo < BB; lo += 4 {
		hi := min(lo+3, BB-1)
		dig = append(dig, delay(m, fmt.Sprintf("a3_pp%d", lo/4), hdl.MulW(p2prio, hdl.Slice(p2bytes, hi, lo), XW), 1))
	}
	a3v := delay(m, "a3_valid", p2v, 1)
	a3lease := delay(m, "a3_lease", p2lease, 1)
	var pairs []hdl.Value
	for k := 0; k < len(dig); k += 2 {
		sum := dig[k]
		if k+1 < len(dig) {
			sum = hdl.Add(dig[k], hdl.Shl(dig[k+1], 4))
		}
		pairs = append(pairs, delay(m, fmt.Sprintf("a4_pair%d", k/2), sum, 1))
	}
	a4v := delay(m, "a4_valid", a3v, 1)
	a4lease := delay(m, "a4_lease", a3lease, 1)
	add := pairs[0]
	if len(pairs) > 1 {
		add = hdl.Add(pairs[0], hdl.Shl(pairs[1], 8))
	}
	a5v := delay(m, "a5_valid", a4v, 1)
	a5lease := delay(m, "a5_lease", a4lease, 1)
	a5add := delay(m, "a5_add", add, 1)
	RW := max(SB, XW) + 1
	room := hdl.Sub(hdl.Const(f.SampleMax, RW), hdl.ZExt(a5add, RW))
	a6v := delay(m, "a6_valid", a5v, 1)
	a6lease := delay(m, "a6_lease", a5lease, 1)
	a6add := delay(m, "a6_add", hdl.Slice(hdl.ZExt(a5add, RW), SB-1, 0), 1)
	a6room := delay(m, "a6_room", room, 1)

	// Stage 6 (selStage): choose the sample operation of the next cycle.
	// A lease's tick takes the slot (its operation reads the sample and
	// writes 0); a packet that meets it waits in the hold register and
	// goes first in the next cycle; the hold register is empty again
	// after the first cycle without an arriving packet (MaxPacketRun).
	tkSel := tk[tkSample-1]
	hV := m.Reg("hold_valid", 1)
	hLease := m.Reg("hold_lease", LB)
	hAdd := m.Reg("hold_add", SB)
	hRoom := m.Reg("hold_room", RW)
	usePkt := hdl.And(hdl.Not(tkSel), hdl.Not(hV))
	// The arriving packet waits when the slot goes to the tick or the held one.
	wait := hdl.And(a6v, hdl.Not(usePkt))
	hV.Next(hdl.Or(wait, hdl.And(hV, tkSel)))
	hLease.NextIf(wait, a6lease)
	hAdd.NextIf(wait, a6add)
	hRoom.NextIf(wait, a6room)
	selLease := hdl.Priority(a6lease, hdl.When(tkSel, accRdLease), hdl.When(hV, hLease))
	selPkt := hdl.Or(hdl.And(hdl.Not(tkSel), hV), hdl.And(usePkt, a6v))
	// Stage 7 (rmwStage).
	rTick := delay(m, "s_tick", tkSel, 1)
	rPkt := delay(m, "s_pkt", selPkt, 1)
	rLease := delay(m, "s_lease", selLease, 1)
	rAdd := delay(m, "s_add", hdl.Mux(hV, hAdd, a6add), 1)
	rRoom := delay(m, "s_room", hdl.Mux(hV, hRoom, a6room), 1)
	// The read is transparent, so it sees the write of the operation two
	// ahead; the one right ahead writes a cycle too late and is forwarded
	// from its result register. The BRAM output goes to a register first:
	// its clock-to-out and the bypass mux stay off the add (Fmax).
	sRd := sample.ReadSync(selLease, hdl.Transparent())
	// Stage 8 (rmwStage+1): the add and the write.
	sRdQ := delay(m, "s_rd", sRd, 1)
	wTick := delay(m, "w_tick", rTick, 1)
	wPkt := delay(m, "w_pkt", rPkt, 1)
	wLease := delay(m, "w_lease", rLease, 1)
	wAdd := delay(m, "w_add", rAdd, 1)
	wRoom := delay(m, "w_room", rRoom, 1)
	// fwd: the operation now at stage 8 writes the lease of the one now at
	// stage 7; compared a cycle early so stage 8 has a register select.
	fwd := m.Reg("w_fwd", 1)
	prevRes := m.Reg("w_prev_sample", SB)
	sCur := hdl.Mux(fwd, prevRes, sRdQ)
	sum := hdl.Add(sCur, wAdd)
	sat := hdl.Mux(hdl.Gt(hdl.ZExt(sCur, RW), wRoom), hdl.Const(f.SampleMax, SB), sum)
	wEn := hdl.Or(wPkt, wTick)
	wData := hdl.Mux(wTick, hdl.Const(0, SB), sat)
	sample.Write(wEn, wLease, wData)
	fwd.Next(hdl.And(wEn, hdl.Eq(wLease, rLease)))
	prevRes.Next(wData)
	tkS := m.Reg("tk_sample", SB)
	tkS.NextIf(wTick, sCur)

	// ---- new acc, divider ----
	accN := m.Reg("acc_new", AB)
	accN.NextIf(tk[tkNewAcc], hdl.Add(decay, hdl.ZExt(tkS, AB)))
	// acc words written back from tkLoad on, one a cycle.
	wrBusy, wrIdx, wrLease := wordWalk("wr", tk[tkLoad-1], accRdLease)
	accPad := hdl.ZExt(accN, AW)
	words := make([]hdl.Arm, NW)
	for w := 0; w < NW; w++ {
		words[w] = hdl.When(hdl.Const(uint64(w), WB), hdl.Slice(accPad, w*wordBits+wordBits-1, w*wordBits))
	}
	accMem.Write(wrBusy, hdl.Concat(wrLease, wrIdx), hdl.Case(wrIdx, hdl.Const(0, wordBits), words...))

	dvR := m.Reg("div_r", SB+1)
	dvD := m.Reg("div_d", SB)
	dvQ := m.Reg("div_q", FB)
	dvOn := m.Reg("div_on", 1)
	loading := tk[tkLoad]
	first := tk[tkLoad+1]
	measured := hdl.Slice(accN, AB-1, K)
	r2 := hdl.Shl(dvR, 1)
	// One subtractor: its borrow is the compare.
	diff := hdl.SubW(r2, hdl.ZExt(dvD, SB+1), SB+2)
	ge := hdl.Not(hdl.Bit(diff, SB+1))
	qNext := hdl.Concat(hdl.Slice(dvQ, FB-2, 0), ge)
	dvR.Next(hdl.Mux(hdl.And(hdl.Not(loading), ge), hdl.Slice(diff, SB, 0),
		hdl.Mux(loading, hdl.ZExt(hdl.Slice(limQ, SB-1, 0), SB+1), r2)))
	dvD.NextIf(loading, measured)
	// The enable is decided in the first iteration, from registers: dvR
	// still holds the limit there.
	dvOn.Next(hdl.Priority(dvOn,
		hdl.When(loading, hdl.Bit(limQ, SB)),
		hdl.When(first, hdl.And(dvOn, hdl.Gt(dvD, hdl.Slice(dvR, SB-1, 0))))))
	dvQ.Next(hdl.Mux(loading, hdl.Const(0, FB), qNext))
	// The result: the quotient clamped to MaxFactor, inverted (0 = off).
	// qNext > MaxFactor only for 0xffff, so the clamp clears the last bit
	// when the other 15 are ones: an AND of registers beside the
	// subtractor's borrow, not a compare after it (Fmax).
	hiOnes := hdl.AndR(hdl.Slice(dvQ, FB-2, 0))
	qClamp := hdl.Concat(hdl.Slice(dvQ, FB-2, 0), hdl.And(ge, hdl.Not(hiOnes)))
	finishing := tk[tkFinish]
	wrF := m.Reg("div_wr_f", FB)
	wrF.NextIf(finishing, hdl.Mux(dvOn, hdl.Not(qClamp), hdl.Const(0, FB)))
	wrMeas := m.Reg("div_wr_meas", SB)
	wrMeas.NextIf(finishing, dvD)
	wrV := tk[tkWrite]
	wrL := delay(m, "div_wr_lease", wrLease, 1)
	fac.Write(wrV, wrL, wrF)
	stat.Write(wrV, wrL, hdl.Concat(wrMeas, wrF))

	// Read port for the register map: a block-RAM read addressed by rd_lease.
	st := stat.ReadSync(rdLease)
	stF := hdl.Slice(st, FB-1, 0)
	stOn := hdl.Ne(stF, hdl.Const(0, FB))
	m.Output("rd_measured", SB).Drive(hdl.Slice(st, SB+FB-1, FB))
	m.Output("rd_factor", FB).Drive(hdl.Mux(stOn, hdl.Not(stF), hdl.Const(0, FB)))
	m.Output("rd_scaling", 1).Drive(stOn)
	// scaled_set: one bit per lease, pulsed the cycle after a factor
	// update that enables scaling.
	seen := delay(m, "scaled_set_q",
		hdl.Mux(hdl.And(wrV, hdl.Ne(wrF, hdl.Const(0, FB))), hdl.ShlV(hdl.ZExt(hdl.Const(1, 1), L), wrL), hdl.Const(0, L)), 1)
	m.Output("scaled_set", L).Drive(seen)
	return m, nil
}

// NewEgressCap builds step 5 for an egress port with the given number of
// leases: a packet without the customer bit, on a lease configured to
// deprioritize non-customer traffic, has its priority capped.
func NewEgressCap(leases int) (*hdl.Module, error) {
	if leases < 1 || leases > model.MaxLeases {
		return nil, fmt.Errorf("gen/meter: egress leases = %d, want 1..%d", leases, model.MaxLeases)
	}
	LB := LeaseBits(leases)
	m := hdl.NewGenerated(generator, "meter_egress_cap", hdl.P("l", leases))
	v := m.Input("eg_valid", 1)
	lease := m.Input("eg_lease", LB)
	tc := m.Input("eg_tc", 16)
	we := m.Input("cfg_we", 1)
	cl := m.Input("cfg_lease", LB)
	cd := m.Input("cfg_deprio", 1)
	cc := m.Input("cfg_cap", 15)
	// The configuration lives in block RAM (not cleared by rst): one
	// {deprioritize, cap} word per lease, read in the packet's own cycle
	// (so a write is seen from the next cycle on).
	mem := m.Memory("cap_mem", 16, leases)
	mem.Write(we, cl, hdl.Concat(cd, cc))
	// Stage 1 registers the read (the block RAM's clock-to-out stays off
	// the compare), stage 2 compares, stage 3 caps (the compare's carry
	// chain and the 16-bit select in separate cycles, for Fmax), then the
	// output register.
	q := delay(m, "s_cfg", mem.ReadSync(lease), 1)
	sv1 := delay(m, "s_valid", v, 2)
	stc1 := delay(m, "s_tc", tc, 2)
	doCap := delay(m, "c_do", hdl.And(hdl.Bit(q, 15), hdl.Not(hdl.Bit(stc1, 15)), hdl.Gt(hdl.Slice(stc1, 14, 0), hdl.Slice(q, 14, 0))), 1)
	c := delay(m, "c_cap", hdl.Slice(q, 14, 0), 1)
	sv := delay(m, "c_valid", sv1, 1)
	stc := delay(m, "c_tc", stc1, 1)
	res := hdl.Mux(doCap, hdl.Concat(hdl.Const(0, 1), c), stc)
	m.Output("eg_out_valid", 1).Drive(delay(m, "o_valid", sv, 1))
	m.Output("eg_out_tc", 16).Drive(delay(m, "o_tc", hdl.Mux(sv, res, hdl.Const(0, 16)), 1))
	return m, nil
}

// Ref4 is the meter configuration of the reference device ref4: a 125 MHz
// clock, one byte per cycle (8-bit datapath), 8 leases per port, a tick of
// 1024 cycles (8.2 µs) and alpha = 2^-8 (a time constant of about 2 ms).
var Ref4 = model.Config{ClockHz: 125_000_000, TickCycles: 1024, K: 8, BytesPerCycle: 1, MaxPacketBytes: 1536, Leases: 8}
