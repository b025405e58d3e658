package shaper

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// MaxPorts bounds NewShared's port count.
const MaxPorts = 256

// PortBits is the width of arr_port, cfg_port and v_port of a shared
// shaper for the given number of ports: max(1, bitlen(ports-1)).
func PortBits(ports int) int { return blocks.IndexWidth(ports) }

// NewShared builds the admission side of the shapers of several egress
// ports in one block: ports copies of the state that changes every cycle
// (each port's backlog and its drain, its guarantee slots and their
// round-robin refill, its refusal barrier, the barrier's decay and its
// shot bits) and one copy of everything that acts only on an arrival or a
// configuration write (the input stage, the green / overflow / floor /
// threshold / barrier compares, the take, the write's clamp), applied to
// the port the arrival or the write names. A port's arrivals are at most
// one per frame, so one admission datapath serves them all; see the
// package comment, "Shared ports".
//
// Port q of the block is model/shaper's Port fed with the arrivals whose
// arr_port is q and the configuration writes whose cfg_port is q, with
// New's timing (InputLatency, VerdictLatency): same verdicts, causes and
// backlog in every cycle. The block has no descriptor queue and no
// departure outputs (the device keeps its frames in its own egress
// rings), so the whole state is in flip-flops: no block RAM. The buckets
// always live in slots (Layout.Guarantees per port).
func NewShared(c Config, ports int) (*hdl.Module, error) {
	if ports < 1 || ports > MaxPorts {
		return nil, fmt.Errorf("gen/shaper: ports = %d, want 1..%d", ports, MaxPorts)
	}
	lay, err := c.Layout()
	if err != nil {
		return nil, err
	}
	P := ports
	PB := PortBits(P)
	L := c.Leases
	G := lay.Guarantees
	LB, BB := lay.LeaseBits, lay.BytesBits
	F := int(c.RateFracBits)
	RB := int(lay.RateBits)
	BLB := int(lay.BacklogBits)
	TG := c.TagBits
	DB := int(lay.DepthBits)
	BRB := int(lay.BarrierBits)
	LL := bits.Len(uint(L)) - 1 // log2(L)
	UB := BLB + 1               // tokens less the burst, integer part, signed

	m := hdl.NewGenerated(generator, "shaper",
		hdl.P("p", P), hdl.P("l", L), hdl.P("buf", c.BufferBytes), hdl.P("mp", c.MaxPacketBytes),
		hdl.P("f", c.RateFracBits), hdl.P("m", c.ClassMantissaBits), hdl.P("tag", TG))
	pinValid := m.Input("arr_valid", 1)
	pinPort := m.Input("arr_port", PB)
	pinLease := m.Input("arr_lease", LB)
	pinBytes := m.Input("arr_bytes", BB)
	pinTag := m.Input("arr_tag", TG)
	pinPrio := m.Input("arr_prio", PrioBits)
	pinWe := m.Input("cfg_we", 1)
	pinCfgPort := m.Input("cfg_port", PB)
	pinCfgLease := m.Input("cfg_lease", LB)
	pinRate := m.Input("cfg_rate", RB)
	pinBurst := m.Input("cfg_burst", BLB)

	stage := func(name string, v hdl.Value) *hdl.Signal {
		r := m.Reg(name, v.Width())
		r.Next(v)
		return r
	}
	// Input stage (InputLatency), once for all ports: the arrival and the
	// write registered, and what depends on the arriving packet alone
	// computed a cycle ahead of the decision (n + Depth(rank), the
	// barrier's rank operands, the lease as one-hot for the shot bits).
	arrValid := stage("s_arr_valid", pinValid)
	arrPort := stage("s_arr_port", pinPort)
	arrLease := stage("s_arr_lease", pinLease)
	// n - 1 (arrivals have n >= 1): backlog + n - 1 is what an admission
	// leaves (a byte is sent in the cycle), and -n is its complement.
	arrBytesM1 := stage("s_arr_bytes_m1", dec(pinBytes))
	arrTag := stage("s_arr_tag", pinTag)
	ohBits := make([]hdl.Value, L)
	for i := range ohBits {
		ohBits[L-1-i] = hdl.Eq(pinLease, hdl.Const(uint64(i), LB))
	}
	arrOH := stage("s_arr_onehot", hdl.Concat(ohBits...))
	cb := bits.Len(uint(lay.Classes - 1))
	pinClass := classOf(pinPrio, c.ClassMantissaBits, cb)
	pinFree := hdl.Eq(pinLease, hdl.Const(0, LB))
	arrX := stage("s_arr_x", hdl.AddW(hdl.ZExt(pinBytes, DB), depthOf(lay, pinFree, pinClass), DB+1))
	pinRank := hdl.Concat(hdl.Not(pinFree), pinClass)
	pinRank1 := hdl.AddW(hdl.ZExt(pinRank, BRB+1), hdl.Const(1, BRB+1), BRB+1)
	arrRank1 := stage("s_arr_rank1", pinRank1)
	cfgHit := stage("s_cfg_hit", hdl.And(pinWe, hdl.Ne(pinCfgLease, hdl.Const(0, LB))))
	cfgPort := stage("s_cfg_port", pinCfgPort)
	cfgLease := stage("s_cfg_lease", pinCfgLease)
	// With one slot a port (ref4), a write the model accepts with a burst
	// always goes to the slot (a second guarantee does not fit the
	// buffer), and the rate is read only by the refill, which comes after
	// the write in the model's order. So the slot's rate register is
	// loaded from the pins, a cycle before the write takes effect: the
	// refill of the write's cycle reads it without a bypass. A write
	// without a burst frees the slot and leaves the rate (no longer
	// refilled) as it was. Otherwise the write's rate is staged.
	earlyRate := G == 1
	var cfgRate hdl.Value
	if !earlyRate {
		cfgRate = stage("s_cfg_rate", pinRate)
	}
	pinRateWe := hdl.And(pinWe, hdl.Ne(pinCfgLease, hdl.Const(0, LB)), hdl.OrR(pinBurst))
	cfgBurst := stage("s_cfg_burst", pinBurst)

	// The round robin and the barrier's clock are the same for every port
	// (each port's model visits lease t mod L in cycle t): one counter
	// each.
	var rrc hdl.Value = hdl.Const(0, LB) // (k+1) mod L in model cycle k: refilled at the end of it
	if L > 1 {
		r := m.Reg("rr_lease", LB, hdl.Reset(1))
		r.Next(hdl.Add(r, hdl.Const(1, LB)))
		rrc = r
	}
	tick := m.Reg("barrier_tick", int(lay.ShotWindowLog)) // model cycle mod 2^ShotWindowLog
	tick.Next(hdl.Add(tick, hdl.Const(1, int(lay.ShotWindowLog))))
	decayNext := hdl.AndR(hdl.Slice(tick, int(lay.BarrierDecayLog)-1, 0)) // the next cycle starts a decay period
	windowNext := hdl.AndR(tick)                                          // the next cycle starts a shot window

	// Per-port state.
	type slot struct {
		// under is the integer part of tokens - (burst << F), two's
		// complement (BLB+1 bits, never above 0); tfrac the tokens'
		// fraction (burst << F has none).
		valid, lease, rate, burst, under, tfrac *hdl.Signal
	}
	type port struct {
		backlog, barrier, shot *hdl.Signal
		slots                  []slot
	}
	pst := make([]port, P)
	for q := range pst {
		pst[q].backlog = m.Reg(fmt.Sprintf("p%d_backlog", q), BLB)
		pst[q].barrier = m.Reg(fmt.Sprintf("p%d_barrier", q), BRB)
		pst[q].shot = m.Reg(fmt.Sprintf("p%d_shot", q), L)
		for s := 0; s < G; s++ {
			pst[q].slots = append(pst[q].slots, slot{
				valid: m.Reg(fmt.Sprintf("p%d_slot%d_valid", q, s), 1),
				lease: m.Reg(fmt.Sprintf("p%d_slot%d_lease", q, s), LB),
				rate:  m.Reg(fmt.Sprintf("p%d_slot%d_rate", q, s), RB),
				burst: m.Reg(fmt.Sprintf("p%d_slot%d_burst", q, s), BLB),
				under: m.Reg(fmt.Sprintf("p%d_slot%d_tokens_under", q, s), UB),
				tfrac: m.Reg(fmt.Sprintf("p%d_slot%d_tokens_frac", q, s), F),
			})
		}
	}
	// byPort selects, by a port number, one value per port.
	byPort := func(sel hdl.Value, f func(q int) hdl.Value) hdl.Value {
		vs := make([]hdl.Value, P)
		for q := range vs {
			vs[q] = f(q)
		}
		if P == 1 {
			return vs[0]
		}
		return hdl.MuxTree(sel, vs)
	}
	isPort := func(sel hdl.Value, q int) hdl.Value {
		if P == 1 {
			return hdl.Const(1, 1)
		}
		return hdl.Eq(sel, hdl.Const(uint64(q), PB))
	}
	// The arriving port's state and the written port's slots.
	type slotView struct{ valid, lease, burst, under hdl.Value }
	view := func(sel hdl.Value) []slotView {
		v := make([]slotView, G)
		for s := range v {
			v[s] = slotView{
				valid: byPort(sel, func(q int) hdl.Value { return pst[q].slots[s].valid }),
				lease: byPort(sel, func(q int) hdl.Value { return pst[q].slots[s].lease }),
				burst: byPort(sel, func(q int) hdl.Value { return pst[q].slots[s].burst }),
				under: byPort(sel, func(q int) hdl.Value { return pst[q].slots[s].under }),
			}
		}
		return v
	}
	aS := view(arrPort)
	backlogA := byPort(arrPort, func(q int) hdl.Value { return pst[q].backlog })
	barrierA := byPort(arrPort, func(q int) hdl.Value { return pst[q].barrier })
	shotA := byPort(arrPort, func(q int) hdl.Value { return pst[q].shot })

	pick := func(oh []hdl.Value, vals []hdl.Value, w int) hdl.Value {
		var terms []hdl.Value
		for i := range vals {
			terms = append(terms, hdl.Mux(oh[i], vals[i], hdl.Const(0, w)))
		}
		return orAll(terms, w)
	}
	match := func(v []slotView, l hdl.Value) []hdl.Value {
		r := make([]hdl.Value, len(v))
		for s := range v {
			r[s] = hdl.And(v[s].valid, hdl.Eq(v[s].lease, l))
		}
		return r
	}
	aM := match(aS, arrLease)
	// The arriving lease's tokens as under (tokens - burst << F, integer
	// part) and burst; both 0 (no tokens) for a lease without a slot.
	var ua, ba hdl.Value = hdl.Const(0, UB), hdl.Const(0, BLB)
	if G > 0 {
		uv := make([]hdl.Value, G)
		bv := make([]hdl.Value, G)
		for s := range uv {
			uv[s], bv[s] = aS[s].under, aS[s].burst
		}
		if G == 1 {
			// Not gated by the match: green is (below), and a take is
			// only on green.
			ua, ba = uv[0], bv[0]
		} else {
			ua, ba = pick(aM, uv, UB), pick(aM, bv, BLB)
		}
	}
	// The arriving port's slots' reserves (model.Config.Reserve; a free
	// slot's burst is 0): its excess limit is BufferBytes - 1 less them.
	var reserves hdl.Value = hdl.Const(0, BLB)
	if G > 0 {
		var sum hdl.Value
		for s := range aS {
			b := aS[s].burst
			r := hdl.Add(b, hdl.Mux(hdl.OrR(b), hdl.Const(uint64(L-1), BLB), hdl.Const(0, BLB)))
			if sum == nil {
				sum = r
			} else {
				sum = hdl.Add(sum, r)
			}
		}
		reserves = sum
	}

	// Admission, as New: green when the integer part of the tokens is >=
	// n; excess when backlog + (n + Depth) <= E or backlog + n <= Floor,
	// unless the barrier's shot refuses it.
	// blN1 = backlog + n - 1: compared with constants (LUT logic, no
	// carry chain) for the overflow and the floor, and the backlog an
	// admission leaves.
	blN1 := hdl.AddW(backlogA, hdl.ZExt(arrBytesM1, BLB+1), BLB+1)
	// The take first: under - n = under + ~(n-1); green when the tokens
	// cover it, i.e. burst + under - n >= 0 (the sign of one add; the
	// integer part is all that matters, n << F has no fraction).
	takeU := hdl.Add(hdl.SExt(ua, UB+1), hdl.Not(hdl.ZExt(arrBytesM1, UB+1)))
	green := hdl.And(orAll(aM, 1), hdl.Not(hdl.Bit(hdl.Add(takeU, hdl.ZExt(ba, UB+1)), UB)))
	overflow := gtConst(blN1, uint64(c.BufferBytes)-1)
	sumW := max(BLB, DB+1) + 1
	aboveFloor := gtConst(blN1, uint64(c.MaxPacketBytes)-1)
	// backlog + (n + Depth) <= E as backlog + (n + Depth) + reserves <=
	// BufferBytes - 1: two adds and a compare with a constant.
	level := hdl.AddW(hdl.AddW(hdl.ZExt(backlogA, sumW), hdl.ZExt(arrX, sumW), sumW), reserves, sumW+1)
	fits := hdl.Or(hdl.Not(gtConst(level, lay.ExcessReset)), hdl.Not(aboveFloor))
	shotSpent := hdl.OrR(hdl.And(shotA, arrOH))
	// The barrier against rank+1: one subtract, d = barrier - (rank+1);
	// the shot needs rank+1+margin < barrier, d > margin (LUT logic); a
	// refusal raises the barrier when d < 0.
	bd := hdl.Sub(hdl.ZExt(barrierA, BRB+1), arrRank1)
	bdNeg := hdl.Bit(bd, BRB)
	barShot := hdl.And(hdl.Not(bdNeg), gtConst(hdl.Slice(bd, BRB-1, 0), uint64(lay.BarrierMargin)), hdl.Not(shotSpent), aboveFloor)
	admitG := hdl.And(arrValid, green, hdl.Not(overflow))
	admitE := hdl.And(arrValid, hdl.Not(green), fits, hdl.Not(barShot))
	refE := hdl.And(arrValid, hdl.Not(green), hdl.Not(admitE))
	raise := hdl.And(refE, bdNeg)
	barMax := hdl.Slice(arrRank1, BRB-1, 0)
	barMaxDec := dec(barMax)
	adm := hdl.Or(admitG, admitE)
	verdict := hdl.Priority(hdl.Const(CodeDropped, 2),
		hdl.When(admitG, hdl.Const(CodeGuaranteed, 2)),
		hdl.When(admitE, hdl.Const(CodeExcess, 2)))
	cause := hdl.Mux(hdl.And(green, overflow), hdl.Const(CauseOverflow, 2), hdl.Const(CauseRefused, 2))
	// backlog + n - 1 for the arriving port when admitted (the link sends
	// a byte in the cycle, of this packet if the queue was empty).
	withN := hdl.Slice(blN1, BLB-1, 0)

	// The write: the written port's slots, the written lease's slot (its
	// own, or the first free one for a write with a burst), and its tokens
	// after this cycle's take clamped to the new burst.
	takeUnder := hdl.Slice(takeU, UB-1, 0) // green: within the burst's range
	var wT, wM []hdl.Value
	var wClamp, clampU, guar hdl.Value
	if G > 0 {
		wS := view(cfgPort)
		wM = match(wS, cfgLease)
		uv := make([]hdl.Value, G)
		bv := make([]hdl.Value, G)
		for s := range uv {
			uv[s], bv[s] = wS[s].under, wS[s].burst
		}
		var uw, bw hdl.Value
		if G == 1 {
			// Not gated by the match either: a write the model accepts
			// goes to the slot when it has a burst; if the slot is free
			// its tokens are 0 (freed by a clamp to burst 0, or reset).
			uw, bw = uv[0], bv[0]
		} else {
			uw, bw = pick(wM, uv, UB), pick(wM, bv, BLB)
		}
		wMatched := orAll(wM, 1)
		samePort := hdl.Const(1, 1)
		if P > 1 {
			samePort = hdl.Eq(arrPort, cfgPort)
		}
		wTook := hdl.And(admitG, samePort, hdl.Eq(arrLease, cfgLease))
		// The written lease's tokens (integer part) after the take,
		// burst + under, then less the new burst: at or above 0 the
		// tokens are clamped (under 0, fraction 0), below it that is the
		// new under.
		tw := hdl.Slice(hdl.Add(hdl.ZExt(bw, UB), hdl.Mux(wTook, takeUnder, uw)), BLB-1, 0)
		dw := hdl.Sub(hdl.ZExt(tw, UB), hdl.ZExt(cfgBurst, UB))
		wClamp = hdl.Not(hdl.Bit(dw, UB-1))
		clampU = hdl.Mux(wClamp, hdl.Const(0, UB), dw)
		guar = hdl.OrR(cfgBurst)
		wT = make([]hdl.Value, G)
		var freeBefore hdl.Value = hdl.Const(0, 1)
		for s := range wT {
			first := hdl.And(hdl.Not(wS[s].valid), hdl.Not(freeBefore))
			if G == 1 {
				// A write the model accepts with a burst always goes to
				// the one slot (see earlyRate).
				wT[s] = hdl.And(cfgHit, hdl.Or(wM[s], guar))
			} else {
				wT[s] = hdl.And(cfgHit, hdl.Or(wM[s], hdl.And(hdl.Not(wMatched), guar, first)))
			}
			freeBefore = hdl.Or(freeBefore, hdl.Not(wS[s].valid))
		}
	}

	for q := range pst {
		ps := &pst[q]
		atQ := hdl.And(arrValid, isPort(arrPort, q))
		// Backlog: the arriving port's after an admission, otherwise one
		// byte sent while it is not empty.
		// (Held at 0 by the flip-flops' enable.)
		ps.backlog.Next(hdl.Priority(ps.backlog,
			hdl.When(hdl.And(adm, atQ), withN),
			hdl.When(hdl.OrR(ps.backlog), dec(ps.backlog))))
		// Barrier: raised by this port's refusal, then decayed.
		// (A raise is to rank+1 >= 1: its decrement is shared.)
		ps.barrier.Next(hdl.Priority(ps.barrier,
			hdl.When(hdl.And(raise, atQ), hdl.Mux(decayNext, barMaxDec, barMax)),
			hdl.When(hdl.And(decayNext, hdl.OrR(ps.barrier)), dec(ps.barrier))))
		ps.shot.Next(hdl.Mux(windowNext, hdl.Const(0, L),
			hdl.Or(ps.shot, hdl.Mux(hdl.And(refE, atQ), arrOH, hdl.Const(0, L)))))
		if G == 0 {
			continue
		}
		// Buckets, in the model's order: the take, the write (clamp),
		// then the refill of the slot holding the lease the round robin
		// visits, from the tokens after both.
		wQ := hdl.And(cfgHit, isPort(cfgPort, q))
		xU := make([]hdl.Value, G)
		xFrac := make([]hdl.Value, G)
		clampF := make([]hdl.Value, G)
		rateE := make([]hdl.Value, G)
		rM := make([]hdl.Value, G)
		for s, sl := range ps.slots {
			w := hdl.And(wQ, wT[s])
			took := hdl.And(admitG, atQ, aM[s])
			xU[s] = hdl.Priority(sl.under, hdl.When(w, clampU), hdl.When(took, takeUnder))
			// The fraction a write leaves: 0 after a clamp; a slot a
			// write takes is free, and a free slot's fraction is
			// already 0 (a slot is freed only by a write with burst 0,
			// which clamps). So the refill may add the stored fraction:
			// after a clamp (under 0) the refill is full whatever it is.
			xFrac[s] = sl.tfrac
			clampF[s] = hdl.And(w, wClamp)
			if earlyRate {
				rateE[s] = sl.rate
				sl.rate.NextIf(hdl.And(pinRateWe, isPort(pinCfgPort, q)), pinRate)
			} else {
				rateE[s] = hdl.Mux(w, cfgRate, sl.rate)
				sl.rate.NextIf(w, cfgRate)
			}
			validE := hdl.Mux(w, guar, sl.valid)
			leaseE := hdl.Mux(w, cfgLease, sl.lease)
			rM[s] = hdl.And(validE, hdl.Eq(leaseE, rrc))
			sl.valid.NextIf(w, guar)
			sl.lease.NextIf(w, cfgLease)
			sl.burst.NextIf(w, cfgBurst)
		}
		// One refill per port: min(x + L x rate, burst << F), i.e. under +
		// L x rate clamped at 0: the clamp is the sum's sign, no compare.
		// under + L x rate lies in [-(burst << F), L << F] (a rate is at
		// most the link's, 1 << F): SW bits with the sign.
		SW := max(BLB, LL+1) + F + 1
		// With one slot its values need no pick: the result is used only
		// when it is the slot refilled.
		one := func(vs []hdl.Value, w int) hdl.Value {
			if G == 1 {
				return vs[0]
			}
			return pick(rM, vs, w)
		}
		x := hdl.Concat(one(xU, UB), one(xFrac, F))
		sum := hdl.Add(hdl.SExt(x, SW), hdl.Shl(hdl.ZExt(one(rateE, RB), SW), LL))
		full := hdl.Not(hdl.Bit(sum, SW-1))
		sumU := hdl.Slice(sum, UB+F-1, F)
		sumFrac := hdl.Slice(sum, F-1, 0)
		for s, sl := range ps.slots {
			sl.under.Next(hdl.Priority(xU[s],
				hdl.When(hdl.And(rM[s], full), hdl.Const(0, UB)),
				hdl.When(rM[s], sumU)))
			// Zeroed (a sync reset), loaded with the sum (an enable) or
			// held: no LUT of its own in front of the flip-flop.
			sl.tfrac.Next(hdl.Priority(sl.tfrac,
				hdl.When(hdl.And(rM[s], full), hdl.Const(0, F)),
				hdl.When(rM[s], sumFrac),
				hdl.When(clampF[s], hdl.Const(0, F))))
		}
	}

	reg := func(name string, v hdl.Value) *hdl.Signal {
		r := m.Reg(name, v.Width())
		r.Next(v)
		return r
	}
	zero := func(en hdl.Value, v hdl.Value) hdl.Value { return hdl.Mux(en, v, hdl.Const(0, v.Width())) }
	m.Output("v_valid", 1).Drive(reg("o_v_valid", arrValid))
	m.Output("v_port", PB).Drive(reg("o_v_port", zero(arrValid, arrPort)))
	m.Output("v_verdict", 2).Drive(reg("o_v_verdict", zero(arrValid, verdict)))
	m.Output("v_cause", 2).Drive(reg("o_v_cause", zero(hdl.And(arrValid, hdl.Not(adm)), cause)))
	m.Output("v_tag", TG).Drive(reg("o_v_tag", zero(arrValid, arrTag)))
	for q := range pst {
		m.Output(fmt.Sprintf("backlog%d", q), BLB).Drive(pst[q].backlog)
	}
	return m, nil
}

// dec is x - 1 built from LUT logic: bit i flips when the bits below it
// are all 0. (An adder would cost an iCE40 carry cell per bit beside its
// LUT; the registers that count down every cycle are per port.)
func dec(x hdl.Value) hdl.Value {
	w := x.Width()
	var low hdl.Value = hdl.Const(1, 1) // bits 0..i-1 are all 0
	flips := make([]hdl.Value, w)
	for i := 0; i < w; i++ {
		flips[w-1-i] = low
		low = hdl.And(low, hdl.Not(hdl.Bit(x, i)))
	}
	return hdl.Xor(x, hdl.Concat(flips...))
}

// gtConst is x > k as LUT logic (a chain of ANDs and ORs from the least
// significant bit, no carry chain: a compare against a constant needs
// none).
func gtConst(x hdl.Value, k uint64) hdl.Value {
	w := x.Width()
	if w < 64 && k >= 1<<w-1 {
		return hdl.Const(0, 1)
	}
	var g hdl.Value = hdl.Const(0, 1) // x[i-1:0] > k[i-1:0]
	for i := 0; i < w; i++ {
		xi := hdl.Bit(x, i)
		if k>>i&1 == 1 {
			g = hdl.And(xi, g)
		} else {
			g = hdl.Or(xi, g)
		}
	}
	return g
}
