package meter

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	model "github.com/pktnetwork/pktrouter/model/meter"
)

// IngressLatency is the number of cycles from a packet on pkt_* to its new
// traffic class on out_*: one cycle for the configuration and factor reads,
// one to register the factor, then one cycle per two priority bits of the
// serial multiplier.
const IngressLatency = 2 + mulSteps

// ReadLatency is the number of cycles from rd_lease to the lease's values on
// rd_measured, rd_factor and rd_scaling.
const ReadLatency = 1

// EgressLatency is the number of cycles from eg_* to eg_out_*.
const EgressLatency = 4

// MinPacketGap is the ingress block's contract on pkt_valid: it is set in
// at most one of any MinPacketGap consecutive cycles (a packet in cycle c,
// the next in c+MinPacketGap at the earliest). The one serial multiplier
// holds a packet's products until its sample update, which a lease's tick
// may push back by up to tickWindow cycles (see the package comment).
const MinPacketGap = pktRead + tickWindow + 1

// SameLeaseConfigGap is the ingress block's contract on configuration
// writes: cfg_we does not write the same lease in two consecutive cycles
// (two writes to one lease are at least this many cycles apart). A packet
// or tick that reads a lease's configuration in the cycle it is written
// reads it again a cycle later (the block RAM's read of a word on the edge
// that writes it is undefined on iCE40), which needs that second read
// free of a write to the lease. gen/csr strobes one write per bus
// transaction; the device's bus (the UART bridge) takes many cycles per
// transaction.
const SameLeaseConfigGap = 2

const generator = "gen/meter"

// Packet schedule, in cycles after pkt_valid.
const (
	// mulSteps is the number of multiplier steps, one per two priority
	// bits (cycles 2..9); the products are in their registers in cycle 10.
	mulSteps = 8
	// pktRead is the cycle a packet reads its lease's sample, unless a
	// tick holds the sample port; the saturating add and write follow a
	// cycle later.
	pktRead = mulSteps + 1
)

// Tick schedule: steps of a lease's TickStagger-cycle slot, step 0 being
// its tick (model time).
const (
	stLim     = 0                                // limit read
	stLimLoad = 2                                // limit into the divider (read at the tick, or again in step 1)
	stAdd     = 4                                // the sample written 0 (its add is done by now)
	stCmp     = 5                                // divider: limit >= measured? (scaling off)
	stAccWr   = stCmp                            // acc's low word written back
	stFac     = stCmp + 1 + model.FactorFracBits // {factor, acc's top word} written (a cycle later under a packet)
	stStat    = stFac + 1                        // stat_mem write: the update (model.UpdateDelay)
	// The tick's three sample_mem reads (acc low, acc top with the factor,
	// sample) go in steps 0..3, each in the first cycle no packet reads
	// its factor: with packets MinPacketGap apart at most one read moves.
	rdLast = 3
	// Packets may not start their sample read in steps 0..winHi (a
	// read-modify-write reading in t writes in t+1): the tick reads
	// sample_mem up to rdLast and writes it in stAdd and stAccWr; nor in
	// steps stFac-1..stFac, whose write may move to stStat.
	winHi      = stAdd
	tickWindow = winHi + 1
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
	t := v
	for i := 1; i <= n; i++ {
		r := m.Reg(fmt.Sprintf("%s%d", name, i), v.Width())
		r.Next(t)
		t = r
	}
	return t
}

// gtConst is x > c for a constant c, as a chain of ANDs and ORs from the
// least significant bit up (x[i:0] > c[i:0]), which maps to a few LUTs and
// no carry chain.
func gtConst(x hdl.Value, c uint64) hdl.Value {
	var g hdl.Value = hdl.Const(0, 1)
	for i := 0; i < x.Width(); i++ {
		if i < 64 && c>>uint(i)&1 == 1 {
			g = hdl.And(hdl.Bit(x, i), g)
		} else {
			g = hdl.Or(hdl.Bit(x, i), g)
		}
	}
	return g
}

// NewIngress builds the ingress block (customer bit, default priority, IIR
// meter, shared divider, scaling) for cfg. See the package comment for ports
// and timing.
func NewIngress(cfg model.Config) (*hdl.Module, error) {
	f, err := cfg.Format()
	if err != nil {
		return nil, fmt.Errorf("gen/meter: %w", err)
	}
	if stStat != model.UpdateDelay || stStat+1 != model.TickStagger {
		return nil, fmt.Errorf("gen/meter: the update slot takes %d cycles and lands at step %d, model has TickStagger %d, UpdateDelay %d",
			stStat+1, stStat, model.TickStagger, model.UpdateDelay)
	}
	if pktRead+1 != model.AccountDelay {
		return nil, fmt.Errorf("gen/meter: packets land %d cycles after arrival, model.AccountDelay is %d", pktRead+1, model.AccountDelay)
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
		return nil, fmt.Errorf("gen/meter: packets of up to 2^%d bytes; the multiplier is built for 16-bit lengths", BB)
	}
	if FB != 16 {
		return nil, fmt.Errorf("gen/meter: the scaling is built for a 16-bit factor, model has %d", FB)
	}
	// sample_mem holds a lease's sample (word 0), the acc (word 1, or
	// words 1 and 2, low first) and the factor (top of word 2), MW bits a
	// word: the block RAM's 16-bit ports, as many as these need.
	MW := 16 * ((SB + 15) / 16)
	for AB > MW && AB-MW+FB > MW {
		MW += 16
	}
	NW := 1
	if AB > MW {
		NW = 2
	}
	TB := max(1, bits.Len64(T-1))
	SW := bits.Len64(S - 1)
	XW := 2*mulSteps + BB // priority x bytes, as the multiplier leaves it

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
	// Every memory is marked no_rw_check: the schedule never uses a word
	// read on the edge that writes it (a configuration read that meets a
	// write to its lease is done again a cycle later, the read port takes
	// the update's registers, the factor's write moves off a packet's
	// read), so Yosys adds no read-first bypass.
	//   cfgd:   {clear-customer-bit, default priority}, read by packets
	//   lim:    {limited, limit}, read by the tick
	//   sample: per lease (address {word, lease}) word 0 the tick
	//           interval's priority-bytes, read-modify-written by packets
	//           and the tick; words 1..NW the acc, tick only; the top 16
	//           bits of word 2 the factor, stored inverted (0: scaling
	//           off), read by packets
	//   stat:   {measured, inverted factor}, read by the register read port
	nrw := hdl.MemNoRWCheck()
	cfgd := m.Memory("cfgd_mem", PB+1, L, nrw)
	lim := m.Memory("lim_mem", SB+1, L, nrw)
	sample := m.Memory("sample_mem", MW, 3<<LB, nrw)
	stat := m.Memory("stat_mem", SB+FB, L, nrw)

	// Configuration: written in the cycle it arrives, and seen by the
	// packet and the tick of that same cycle (model: the write comes
	// first). A read on the edge of a write to its word returns an
	// undefined value on iCE40, so a packet or tick whose read met a write
	// to its lease reads again in the next cycle (SameLeaseConfigGap: no
	// write to the lease then), which returns the written word.
	cfgd.Write(cfgWe, cfgLease, hdl.Concat(cfgClear, cfgDefault))
	lim.Write(cfgWe, cfgLease, hdl.Concat(cfgLimited, cfgLimit))

	// ---- tick schedule: lease i's tick at n*T + S*i (n >= 1) ----
	// One slot of S steps per lease, back to back from the period's
	// first cycle; each lease's whole update happens inside its slot.
	ph := m.Reg("tick_phase", TB)
	last := hdl.Eq(ph, hdl.Const(T-1, TB))
	ph.Next(hdl.Mux(last, hdl.Const(0, TB), hdl.Add(ph, hdl.Const(1, TB))))
	armed := m.Reg("tick_armed", 1)
	armed.NextIf(last, hdl.Const(1, 1))
	period := hdl.And(hdl.Eq(ph, hdl.Const(0, TB)), armed)
	step := m.Reg("slot_step", SW)
	slIdx := m.Reg("slot_lease", LB)
	slOn := m.Reg("slot_on", 1)
	stepLast := hdl.Eq(step, hdl.Const(S-1, SW))
	idxLast := hdl.Eq(slIdx, hdl.Const(uint64(L-1), LB))
	// Between bursts the step stays 0 and the lease index 0, so the
	// period's tick is step 0 of lease 0 like every other tick.
	step.Next(hdl.Mux(hdl.And(hdl.Or(slOn, period), hdl.Not(stepLast)), hdl.Add(step, hdl.Const(1, SW)), hdl.Const(0, SW)))
	slIdx.Next(hdl.Priority(slIdx,
		hdl.When(hdl.And(slOn, stepLast), hdl.Mux(idxLast, hdl.Const(0, LB), hdl.Add(slIdx, hdl.Const(1, LB))))))
	slOn.Next(hdl.Priority(slOn,
		hdl.When(period, hdl.Const(1, 1)),
		hdl.When(hdl.And(stepLast, idxLast), hdl.Const(0, 1))))
	tick0 := hdl.Or(period, hdl.And(slOn, hdl.Eq(step, hdl.Const(0, SW))))
	at := func(k int) hdl.Value {
		if k == 0 {
			return tick0
		}
		return hdl.And(slOn, hdl.Eq(step, hdl.Const(uint64(k), SW)))
	}
	// between is steps lo..hi (lo >= 1), decoded (few steps) rather than
	// compared, so it needs no carry chain.
	between := func(lo, hi int) hdl.Value {
		var any hdl.Value = hdl.Const(0, 1)
		for k := lo; k <= hi; k++ {
			any = hdl.Or(any, hdl.Eq(step, hdl.Const(uint64(k), SW)))
		}
		return hdl.And(slOn, any)
	}

	// ---- packet: decode and the serial multiplier ----
	// Cycle 0 reads the lease's configuration and factor (the block RAM
	// outputs hold until the next packet) and loads the multiplier: the
	// priority shifts out of mul_q two bits a cycle, least significant
	// first, and each step adds the factor and the byte count times those
	// two bits (two adders each) into two accumulators that shift right as
	// it does. The byte product's low bits shift into mul_q behind the
	// priority, so {mul_b, mul_q} ends as priority x bytes, and mul_f as
	// floor(priority x factor / 2^16). Right shifts of a running sum floor
	// exactly (floor((floor(x) + n)/4) = floor((x + n)/4) for integer n).
	MB := 2 * mulSteps          // priority bits through the multiplier (PB and a 0)
	mc := m.Reg("mul_cycle", 4) // 0 idle, 1 factor, 2..9 steps, 10 result
	mDone := hdl.Eq(mc, hdl.Const(mulSteps+2, 4))
	mFac := hdl.Eq(mc, hdl.Const(1, 4))
	mStep := hdl.And(hdl.Ne(mc, hdl.Const(0, 4)), hdl.Not(mFac), hdl.Not(mDone))
	mFirst := hdl.Eq(mc, hdl.Const(2, 4))
	mc.Next(hdl.Priority(hdl.Const(0, 4),
		hdl.When(pktValid, hdl.Const(1, 4)),
		hdl.When(hdl.Or(mFac, mStep), hdl.Add(mc, hdl.Const(1, 4)))))
	mq := m.Reg("mul_q", MB)
	un := m.Reg("pkt_unclassed", 1)
	cust := m.Reg("pkt_cust", 1)
	nb := m.Reg("pkt_bytes_q", BB)
	pl := m.Reg("pkt_lease_q", LB)
	mf := m.Reg("mul_f", FB)
	mb := m.Reg("mul_b", BB)
	un.NextIf(pktValid, hdl.Eq(pktTC, hdl.Const(uint64(model.Unclassed), 16)))
	nb.NextIf(pktValid, pktBytes)
	pl.NextIf(pktValid, pktLease)
	// The configuration word, read with the packet, or again in cycle 1
	// when a write to the lease came in the packet's cycle; used in
	// cycle 2, the first step.
	collP := m.Reg("pkt_cfg_hit", 1)
	collP.NextIf(pktValid, hdl.And(cfgWe, hdl.Eq(cfgLease, pktLease)))
	reread := hdl.And(mFac, collP)
	cfgE := cfgd.ReadSync(hdl.Mux(pktValid, pktLease, pl), hdl.ReadEnable(hdl.Or(pktValid, reread)))
	// Customer bit: set, not unclassed, not cleared by the lease.
	cust.Next(hdl.Priority(cust,
		hdl.When(pktValid, hdl.Bit(pktTC, 15)),
		hdl.When(mFirst, hdl.And(cust, hdl.Not(un), hdl.Not(hdl.Bit(cfgE, PB))))))
	// The priority: an unclassed packet's is the lease default, taken in
	// the first step.
	pr := hdl.Mux(hdl.And(mFirst, un), hdl.ZExt(hdl.Slice(cfgE, PB-1, 0), MB), mq)
	b0, b1 := hdl.Bit(pr, 0), hdl.Bit(pr, 1)
	// The factor, read with the packet from sample_mem word 2 and
	// registered in cycle 1; 0x10000 when scaling is off (so the product
	// is the priority itself and no bypass of the multiplier is needed).
	mulF := m.Reg("mul_m", FB+1)
	sumF := hdl.AddW(hdl.AddW(mf, hdl.And(mulF, hdl.Repl(b0, FB+1)), FB+2),
		hdl.Concat(hdl.And(mulF, hdl.Repl(b1, FB+1)), hdl.Const(0, 1)), FB+2)
	sumB := hdl.AddW(hdl.AddW(mb, hdl.And(nb, hdl.Repl(b0, BB)), BB+2),
		hdl.Concat(hdl.And(nb, hdl.Repl(b1, BB)), hdl.Const(0, 1)), BB+2)
	mq.Next(hdl.Priority(mq,
		hdl.When(pktValid, hdl.ZExt(hdl.Slice(pktTC, PB-1, 0), MB)),
		hdl.When(mStep, hdl.Concat(hdl.Slice(sumB, 1, 0), hdl.Slice(pr, MB-1, 2)))))
	mf.Next(hdl.Priority(mf,
		hdl.When(pktValid, hdl.Const(0, FB)),
		hdl.When(mStep, hdl.Slice(sumF, FB+1, 2))))
	mb.Next(hdl.Priority(mb,
		hdl.When(pktValid, hdl.Const(0, BB)),
		hdl.When(mStep, hdl.Slice(sumB, BB+1, 2))))
	outValid.Drive(mDone)
	outTC.Drive(hdl.Mux(mDone, hdl.Concat(cust, hdl.Slice(mf, PB-1, 0)), hdl.Const(0, 16)))
	prod := hdl.Concat(mb, mq) // priority x bytes, from cycle 10 until the next packet

	// ---- sample_mem: packets' sample read-modify-writes, the tick's ----
	// A packet reads its sample in cycle pktRead and writes the saturated
	// sum a cycle later. The tick reads acc and sample in steps 0..3 and
	// writes the sample 0 in 4, the acc's low word in 5 and {factor, acc's
	// top} in 22 (23 under a packet); a packet whose sample read would
	// fall in steps 0..4 or 21..22 waits (pkt_wait) and reads in the step
	// after: so the port is never shared, no word is read on the edge
	// that writes it, and packets of cycles up to tick-AccountDelay land
	// before the tick.
	window := hdl.Or(tick0, between(1, winHi), between(stFac-1, stFac))
	wait := m.Reg("pkt_wait", 1)
	want := hdl.Or(hdl.Eq(mc, hdl.Const(pktRead, 4)), wait)
	wait.Next(hdl.And(want, window))
	issue := hdl.And(want, hdl.Not(window))
	wPkt := m.Reg("pkt_write", 1)
	wPkt.Next(issue)
	// The tick's reads, in order: acc low (word 1), acc top and factor
	// (word 2), sample (word 0); a packet's factor read goes first.
	trd := m.Reg("tick_reads", 2)
	issueT := hdl.And(hdl.Or(tick0, between(1, rdLast)), hdl.Ne(trd, hdl.Const(3, 2)), hdl.Not(pktValid))
	trd.Next(hdl.Priority(trd,
		hdl.When(at(stAdd), hdl.Const(0, 2)),
		hdl.When(issueT, hdl.Add(trd, hdl.Const(1, 2)))))
	gotLo := m.Reg("tick_got_lo", 1)
	gotLo.Next(hdl.And(issueT, hdl.Eq(trd, hdl.Const(0, 2))))
	gotHi := m.Reg("tick_got_hi", 1)
	gotHi.Next(hdl.And(issueT, hdl.Eq(trd, hdl.Const(1, 2))))
	gotSmp := m.Reg("tick_got_sample", 1)
	gotSmp.Next(hdl.And(issueT, hdl.Eq(trd, hdl.Const(2, 2))))
	tkWord := hdl.Case(trd, hdl.Const(0, 2), hdl.When(hdl.Const(0, 2), hdl.Const(1, 2)), hdl.When(hdl.Const(1, 2), hdl.Const(2, 2)))
	rdAddr := hdl.Priority(hdl.Concat(hdl.Const(0, 2), pl),
		hdl.When(pktValid, hdl.Concat(hdl.Const(2, 2), pktLease)),
		hdl.When(issueT, hdl.Concat(tkWord, slIdx)))
	smpQ := sample.ReadSync(rdAddr, hdl.ReadEnable(hdl.Or(pktValid, issueT, issue)))
	facQ := hdl.Slice(smpQ, MW-1, MW-FB)
	facOn := hdl.OrR(facQ)
	mulF.NextIf(mFac, hdl.Concat(hdl.Not(facOn), hdl.And(hdl.Not(facQ), hdl.Repl(facOn, FB))))
	smp := hdl.Slice(smpQ, SB-1, 0)
	RW := max(SB, XW) + 1
	sum := hdl.AddW(smp, prod, RW)
	sat := hdl.Mux(gtConst(sum, f.SampleMax), hdl.Const(f.SampleMax, SB), hdl.Slice(sum, SB-1, 0))

	// ---- acc update: acc - ceil(acc/2^K) + sample ----
	// acc + floor((sample<<K - acc) / 2^K) = acc - ceil(acc/2^K) + sample
	// exactly (sample<<K is a multiple of 2^K), and
	// ceil(acc/2^K) = (acc>>K) + (acc mod 2^K != 0). One adder does it
	// all, into acc (cleared at the tick): it adds the acc's low word when
	// it arrives, does the decay when the top word arrives (straight from
	// the read) and adds the sample when it arrives.
	accR := m.Reg("acc", AB)
	var accA hdl.Value = accR
	if NW > 1 {
		accA = hdl.Concat(hdl.Slice(smpQ, AB-MW-1, 0), hdl.Slice(accR, MW-1, 0))
	}
	inDecay, inAdd := gotHi, gotSmp
	opA := hdl.Mux(inDecay, accA, accR)
	hi := hdl.Slice(opA, AB-1, K)
	nz := hdl.OrR(hdl.Slice(opA, K-1, 0))
	// One carry-in through an extra low bit: {a,1} + {b,c} = {a+b+c, ...}.
	// The read word: the acc's low word (all of it, gotLo) or the sample.
	LW := min(AB, MW)
	rdWord := hdl.Concat(hdl.And(hdl.Slice(smpQ, LW-1, SB), hdl.Repl(gotLo, LW-SB)), smp)
	opB := hdl.Mux(inDecay, hdl.Concat(hdl.Not(hdl.ZExt(hi, AB)), hdl.Not(nz)), hdl.Concat(hdl.ZExt(rdWord, AB), hdl.Const(0, 1)))
	accSum := hdl.Slice(hdl.AddW(hdl.Concat(opA, hdl.Const(1, 1)), opB, AB+1), AB, 1)
	accR.Next(hdl.Priority(accR,
		hdl.When(tick0, hdl.Const(0, AB)),
		hdl.When(hdl.Or(gotLo, inDecay, inAdd), accSum)))

	// ---- divider: factor = limit * 2^16 / measured, when limit < measured ----
	// The limit (lim_mem read at the tick, or again in step 1 when a write
	// to the lease came in the tick's cycle) goes into the divider at
	// stLimLoad: halved into div_r, its low bit into div_q. The first iteration (stCmp) shifts that bit back in, so it
	// compares limit with measured: limit >= measured turns scaling off.
	// Then 16 restoring iterations; measured is read from acc, which holds
	// until the next slot.
	collT := m.Reg("tick_cfg_hit", 1)
	collT.NextIf(tick0, hdl.And(cfgWe, hdl.Eq(cfgLease, slIdx)))
	limE := lim.ReadSync(slIdx, hdl.ReadEnable(hdl.Or(tick0, hdl.And(at(1), collT))))
	load := at(stLimLoad)
	first := at(stCmp)
	// The divider iterates in steps stCmp..stFac-1: a flag, not a compare.
	iter := m.Reg("div_busy", 1)
	iter.Next(hdl.Priority(iter,
		hdl.When(at(stCmp-1), hdl.Const(1, 1)),
		hdl.When(at(stFac-1), hdl.Const(0, 1))))
	dvR := m.Reg("div_r", SB+1)
	dvQ := m.Reg("div_q", FB)
	dvOn := m.Reg("div_on", 1)
	measured := hdl.Slice(accR, AB-1, K)
	r2 := hdl.Concat(hdl.Slice(dvR, SB-1, 0), hdl.And(first, hdl.Bit(dvQ, 0)))
	diff := hdl.SubW(r2, hdl.ZExt(measured, SB+1), SB+2)
	ge := hdl.Not(hdl.Bit(diff, SB+1))
	dvR.Next(hdl.Priority(dvR,
		hdl.When(load, hdl.ZExt(hdl.Slice(limE, SB-1, 1), SB+1)),
		hdl.When(iter, hdl.Mux(ge, hdl.Slice(diff, SB, 0), r2))))
	dvQ.Next(hdl.Priority(dvQ,
		hdl.When(load, hdl.ZExt(hdl.Bit(limE, 0), FB)),
		hdl.When(iter, hdl.Concat(hdl.Slice(dvQ, FB-2, 0), ge))))
	dvOn.Next(hdl.Priority(dvOn,
		hdl.When(load, hdl.Bit(limE, SB)),
		hdl.When(first, hdl.And(dvOn, hdl.Not(ge)))))
	// The result: the quotient clamped to MaxFactor (only 0xffff is
	// above it), inverted; 0 when scaling is off.
	qClamp := hdl.Concat(hdl.Slice(dvQ, FB-1, 1), hdl.And(hdl.Bit(dvQ, 0), hdl.Not(hdl.AndR(hdl.Slice(dvQ, FB-1, 1)))))
	wrF := hdl.Mux(dvOn, hdl.Not(qClamp), hdl.Const(0, FB))
	// The factor is written in stFac, so a packet of stStat sees the
	// update; a packet reading its factor in stFac itself must see the old
	// word, so the write moves to stStat then (no packet can come in
	// stStat). The acc's top word goes with it (acc holds all slot long).
	facNow := hdl.And(at(stFac), hdl.Not(pktValid))
	facLate := m.Reg("fac_late", 1)
	facLate.Next(hdl.And(at(stFac), pktValid))
	facWr := hdl.Or(facNow, facLate)
	tkClr, tkWrLo := at(stAdd), at(stAccWr)
	word2 := hdl.Concat(wrF, hdl.Const(0, MW-FB))
	if NW > 1 {
		word2 = hdl.Concat(wrF, hdl.ZExt(hdl.Slice(accR, AB-1, MW), MW-FB))
	}
	wrData := hdl.Priority(hdl.ZExt(sat, MW),
		hdl.When(tkClr, hdl.Const(0, MW)),
		hdl.When(tkWrLo, hdl.Slice(hdl.ZExt(accR, NW*MW), MW-1, 0)),
		hdl.When(facWr, word2))
	wrWord := hdl.Priority(hdl.Const(0, 2), hdl.When(tkWrLo, hdl.Const(1, 2)), hdl.When(facWr, hdl.Const(2, 2)))
	tkWrites := hdl.Or(tkClr, tkWrLo, facWr)
	sample.Write(hdl.Or(wPkt, tkWrites), hdl.Concat(wrWord, hdl.Mux(tkWrites, slIdx, pl)), wrData)
	stWr := at(stStat)
	stat.Write(stWr, slIdx, hdl.Concat(measured, wrF))

	// Read port for the register map: a block-RAM read addressed by
	// rd_lease; when it meets the stat_mem write, the written word (still
	// in acc and the divider registers a cycle later) is shown instead.
	collS := m.Reg("rd_hit", 1)
	collS.Next(hdl.And(stWr, hdl.Eq(rdLease, slIdx)))
	st := stat.ReadSync(rdLease)
	stInv := hdl.Mux(collS, wrF, hdl.Slice(st, FB-1, 0))
	stOn := hdl.OrR(stInv)
	m.Output("rd_measured", SB).Drive(hdl.Mux(collS, measured, hdl.Slice(st, SB+FB-1, FB)))
	m.Output("rd_factor", FB).Drive(hdl.Mux(stOn, hdl.Not(stInv), hdl.Const(0, FB)))
	m.Output("rd_scaling", 1).Drive(stOn)
	// scaled_set: one bit per lease, set the cycle after an update that
	// enables scaling.
	seenV := m.Reg("scaled_v", 1)
	seenV.Next(hdl.And(stWr, dvOn))
	seenL := m.Reg("scaled_lease", LB)
	seenL.NextIf(stWr, slIdx)
	m.Output("scaled_set", L).Drive(hdl.Mux(seenV, hdl.ShlV(hdl.ZExt(hdl.Const(1, 1), L), seenL), hdl.Const(0, L)))
	return m, nil
}

// NewEgressCap builds step 5 for an egress port with the given number of
// leases: a packet without the customer bit, on a lease configured to
// deprioritize non-customer traffic, has its priority capped.
func NewEgressCap(leases int) (*hdl.Module, error) {
	m, io, err := egressCapPorts("meter_egress_cap", leases)
	if err != nil {
		return nil, err
	}
	v, lease, tc, mem := io.valid, io.lease, io.tc, io.mem
	// The configuration word is read in the packet's own cycle (so a
	// write is seen from the next cycle on). Stage 1 registers the read (the block RAM's clock-to-out stays off
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

// egressCap is what both egress caps share: the packet inputs and the
// configuration memory, written by the cfg_* ports.
type egressCap struct {
	valid, lease, tc hdl.Value
	mem              *hdl.Memory
}

// egressCapPorts starts an egress cap module: its ports and the
// configuration, one {deprioritize, cap} word per lease in block RAM (not
// cleared by rst), written by cfg_we.
func egressCapPorts(name string, leases int) (*hdl.Module, egressCap, error) {
	if leases < 1 || leases > model.MaxLeases {
		return nil, egressCap{}, fmt.Errorf("gen/meter: egress leases = %d, want 1..%d", leases, model.MaxLeases)
	}
	LB := LeaseBits(leases)
	m := hdl.NewGenerated(generator, name, hdl.P("l", leases))
	c := egressCap{valid: m.Input("eg_valid", 1), lease: m.Input("eg_lease", LB), tc: m.Input("eg_tc", 16)}
	we := m.Input("cfg_we", 1)
	cl := m.Input("cfg_lease", LB)
	cd := m.Input("cfg_deprio", 1)
	cc := m.Input("cfg_cap", 15)
	c.mem = m.Memory("cap_mem", 16, leases)
	c.mem.Write(we, cl, hdl.Concat(cd, cc))
	return m, c, nil
}

// NewEgressCapHeld builds the egress cap for a caller that holds eg_lease
// and eg_tc unchanged from the eg_valid cycle until the result is out (the
// device's header unit holds a frame's verdict while it works on it): the
// same ports, latency (EgressLatency) and results as NewEgressCap under
// that contract, without its pipeline copies of the traffic class and the
// configuration word. The block RAM's read happens in the eg_valid cycle
// only (read enable), so its output register keeps that lease's word, as
// NewEgressCap's first stage does, and a configuration write from the
// next cycle on does not reach the packet. The compare and the select
// work from that word and the held traffic class into the output
// register; only eg_valid travels down a shift register.
func NewEgressCapHeld(leases int) (*hdl.Module, error) {
	m, io, err := egressCapPorts("meter_egress_cap_held", leases)
	if err != nil {
		return nil, err
	}
	v, lease, tc, mem := io.valid, io.lease, io.tc, io.mem
	q := mem.ReadSync(lease, hdl.ReadEnable(v))
	doCap := hdl.And(hdl.Bit(q, 15), hdl.Not(hdl.Bit(tc, 15)), hdl.Gt(hdl.Slice(tc, 14, 0), hdl.Slice(q, 14, 0)))
	res := hdl.Mux(doCap, hdl.Concat(hdl.Const(0, 1), hdl.Slice(q, 14, 0)), tc)
	sv := delay(m, "s_valid", v, EgressLatency-1)
	m.Output("eg_out_valid", 1).Drive(delay(m, "o_valid", sv, 1))
	m.Output("eg_out_tc", 16).Drive(delay(m, "o_tc", hdl.Mux(sv, res, hdl.Const(0, 16)), 1))
	return m, nil
}

// Ref4 is the meter configuration of the reference device ref4: a 125 MHz
// clock, one byte per cycle (8-bit datapath), 8 leases per port, a tick of
// 1024 cycles (8.2 µs) and alpha = 2^-8 (a time constant of about 2 ms).
var Ref4 = model.Config{ClockHz: 125_000_000, TickCycles: 1024, K: 8, BytesPerCycle: 1, MaxPacketBytes: 1536, Leases: 8}
