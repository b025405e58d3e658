package shaper

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// slotArgs is what slotBuckets takes from New: its helpers and the staged
// arrival and configuration write.
type slotArgs struct {
	pickOH  func(oh, vals []hdl.Value, w int) hdl.Value
	refill  func(xInt, xFrac, rate, burst, took, n hdl.Value) (hdl.Value, hdl.Value)
	reserve func(burst hdl.Value) hdl.Value

	arrLease, cfgLease, rrc   hdl.Value // staged leases; rrc: the lease refilled at the end of the cycle
	cfgHit, cfgRate, cfgBurst hdl.Value // staged write (to a paid lease)
}

// slotBuckets builds the buckets of a port on which fewer leases can hold
// a guarantee at a time than it has paid leases (Layout.Guarantees <
// Leases-1): the buffer has room for the reserves of only that many (ref4:
// one). A lease without a guarantee has rate 0 and burst 0, so its tokens
// are 0 whatever happens (the model clamps them to its burst): it needs no
// state. Each of the Guarantees slots holds a lease number, a valid bit
// and that lease's rate, burst and tokens (integer part and fraction). A
// configuration write with a burst goes to the written lease's slot, or
// to the first free one (the model accepts the write only if one is free:
// writes it rejects are outside the block's contract); a write without a
// burst frees the slot, its tokens going to 0 as the model's clamp to a
// burst of 0 does. The arrival's, the written lease's and the refilled
// lease's slots are found by comparing lease numbers, and one refill
// datapath serves the slot whose lease the round robin visits.
func slotBuckets(m *hdl.Module, lay Layout, c Config, a slotArgs) (ta, excessLimit hdl.Value, update func(admitG, n hdl.Value)) {
	G := lay.Guarantees
	BLB, F, RB, LB := int(lay.BacklogBits), int(c.RateFracBits), int(lay.RateBits), lay.LeaseBits
	valid := make([]*hdl.Signal, G)
	lease := make([]*hdl.Signal, G)
	rate := make([]*hdl.Signal, G)
	burst := make([]*hdl.Signal, G)
	tint := make([]*hdl.Signal, G)
	tfrac := make([]*hdl.Signal, G)
	for s := 0; s < G; s++ {
		valid[s] = m.Reg(fmt.Sprintf("slot%d_valid", s), 1)
		lease[s] = m.Reg(fmt.Sprintf("slot%d_lease", s), LB)
		rate[s] = m.Reg(fmt.Sprintf("slot%d_rate", s), RB)
		burst[s] = m.Reg(fmt.Sprintf("slot%d_burst", s), BLB)
		tint[s] = m.Reg(fmt.Sprintf("slot%d_tokens_int", s), BLB)
		tfrac[s] = m.Reg(fmt.Sprintf("slot%d_tokens_frac", s), F)
	}
	vals := func(r []*hdl.Signal) []hdl.Value {
		v := make([]hdl.Value, len(r))
		for i := range r {
			v[i] = r[i]
		}
		return v
	}
	// match is one bit per slot: the slot holds lease l.
	match := func(l hdl.Value) []hdl.Value {
		v := make([]hdl.Value, G)
		for s := range v {
			v[s] = hdl.And(valid[s], hdl.Eq(lease[s], l))
		}
		return v
	}
	aM := match(a.arrLease)
	// The excess limit is the reset value less the slots' reserves (a
	// slot's burst is 0 exactly when it is free): no register.
	excessLimit = hdl.Const(lay.ExcessReset, BLB)
	if G > 0 {
		res := make([]hdl.Value, G)
		for s := range res {
			res[s] = a.reserve(burst[s])
		}
		sum := res[0]
		for _, r := range res[1:] {
			sum = hdl.Add(sum, r)
		}
		excessLimit = hdl.Sub(excessLimit, sum)
	}
	ta = hdl.Const(0, BLB)
	if G > 0 {
		ta = a.pickOH(aM, vals(tint), BLB)
	}
	update = func(admitG, n hdl.Value) {
		if G == 0 {
			return // no lease can hold a guarantee: every accepted write has burst 0
		}
		wM, rM := match(a.cfgLease), match(a.rrc)
		// The take, then the write's clamp of the written lease (after this
		// cycle's take) to the new burst; clamping also zeroes the fraction.
		takeInt := hdl.Slice(hdl.Sub(hdl.ZExt(ta, BLB+1), n), BLB-1, 0)
		tw := a.pickOH(wM, vals(tint), BLB)
		wMatched := orAll(wM, 1)
		wTook := hdl.And(admitG, hdl.Eq(a.arrLease, a.cfgLease))
		twEff := hdl.Mux(wTook, takeInt, tw)
		wClamp := hdl.Ge(twEff, a.cfgBurst)
		clampInt := hdl.Mux(wClamp, a.cfgBurst, twEff)
		guar := hdl.OrR(a.cfgBurst) // the write gives a guarantee
		// The write's slot: the lease's own, or the first free one.
		wT := make([]hdl.Value, G)
		var freeBefore hdl.Value = hdl.Const(0, 1)
		for s := range wT {
			first := hdl.And(hdl.Not(valid[s]), hdl.Not(freeBefore))
			wT[s] = hdl.And(a.cfgHit, hdl.Or(wM[s], hdl.And(hdl.Not(wMatched), guar, first)))
			freeBefore = hdl.Or(freeBefore, hdl.Not(valid[s]))
		}
		// The refill of lease rrc, after this cycle's take and write (a
		// lease given its guarantee now starts from 0 tokens).
		rw := hdl.And(a.cfgHit, hdl.Eq(a.cfgLease, a.rrc))
		rateEff := hdl.Mux(rw, a.cfgRate, a.pickOH(rM, vals(rate), RB))
		burstEff := hdl.Mux(rw, a.cfgBurst, a.pickOH(rM, vals(burst), BLB))
		rTook := hdl.And(admitG, hdl.Eq(a.arrLease, a.rrc))
		refInt, refFrac := a.refill(a.pickOH(rM, vals(tint), BLB), a.pickOH(rM, vals(tfrac), F), rateEff, burstEff, rTook, n)
		for s := range wT {
			rT := hdl.Or(rM[s], hdl.And(rw, wT[s]))
			took := hdl.And(admitG, aM[s])
			valid[s].NextIf(wT[s], guar)
			lease[s].NextIf(wT[s], a.cfgLease)
			rate[s].NextIf(wT[s], a.cfgRate)
			burst[s].NextIf(wT[s], a.cfgBurst)
			tint[s].Next(hdl.Priority(tint[s],
				hdl.When(rT, refInt),
				hdl.When(wT[s], clampInt),
				hdl.When(took, takeInt)))
			tfrac[s].Next(hdl.Priority(tfrac[s],
				hdl.When(rT, refFrac),
				hdl.When(hdl.And(wT[s], hdl.Or(wClamp, hdl.Not(wM[s]))), hdl.Const(0, F))))
		}
	}
	return ta, excessLimit, update
}
