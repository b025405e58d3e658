package meter

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	model "github.com/pktnetwork/pktrouter/model/meter"
)

// IngressLatency is the number of cycles from a packet on pkt_* to its new
// traffic class on out_*.
const IngressLatency = 10

// ReadLatency is the number of cycles from rd_lease to the lease's values on
// rd_measured, rd_factor and rd_scaling.
const ReadLatency = 1

// EgressLatency is the number of cycles from eg_* to eg_out_*.
const EgressLatency = 3

const generator = "gen/meter"

// accStage is the pipeline stage (cycles after the input) where packets are
// accounted and the tick takes effect; configuration writes of the limit
// are delayed to match.
const accStage = 6

// LeaseBits is the width of a lease index for n leases.
func LeaseBits(n int) int {
	if n <= 1 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

// pick is a read mux: vals[idx], 0 for an index beyond the list.
func pick(idx hdl.Value, vals []hdl.Value, w int) *hdl.Expr {
	arms := make([]hdl.Arm, len(vals))
	for i, v := range vals {
		arms[i] = hdl.When(hdl.Const(uint64(i), idx.Width()), v)
	}
	return hdl.Case(idx, hdl.Const(0, w), arms...)
}

func sigs(s []*hdl.Signal) []hdl.Value {
	v := make([]hdl.Value, len(s))
	for i := range s {
		v[i] = s[i]
	}
	return v
}

// regs declares n registers name0..name{n-1} of width w.
func regs(m *hdl.Module, name string, n, w int) []*hdl.Signal {
	r := make([]*hdl.Signal, n)
	for i := range r {
		r[i] = m.Reg(fmt.Sprintf("%s%d", name, i), w)
	}
	return r
}

// delay registers v through n stages named name1..namen and returns the last.
func delay(m *hdl.Module, name string, v hdl.Value, n int) hdl.Value {
	for i := 1; i <= n; i++ {
		r := m.Reg(fmt.Sprintf("%s%d", name, i), v.Width())
		r.Next(v)
		v = r
	}
	return v
}

// NewIngress builds the ingress block (customer bit, default priority, IIR
// meter, shared divider, scaling) for cfg. See the package comment for ports
// and timing.
func NewIngress(cfg model.Config) (*hdl.Module, error) {
	f, err := cfg.Format()
	if err != nil {
		return nil, fmt.Errorf("gen/meter: %w", err)
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
	if minT := uint64(model.DividerCyclesPerLease)*uint64(cfg.Leases) + 2; T < minT {
		return nil, fmt.Errorf("gen/meter: TickCycles = %d, the hardware needs at least %d (one divider pass over %d leases plus 2 cycles to write the last result)",
			T, minT, cfg.Leases)
	}
	TB := bits.Len64(T - 1)
	if TB == 0 {
		TB = 1
	}

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

	// Per-lease state.
	defPrio := regs(m, "def_prio", L, PB)
	clear := regs(m, "clear_cust", L, 1)
	limited := regs(m, "limited", L, 1)
	limit := regs(m, "limit", L, SB)
	snapLimited := regs(m, "div_limited", L, 1)
	snapLimit := regs(m, "div_limit", L, SB)
	sample := regs(m, "sample", L, SB)
	acc := regs(m, "acc", L, AB)
	shadowOn := regs(m, "shadow_on", L, 1)
	shadowF := regs(m, "shadow_f", L, FB)
	activeOn := regs(m, "active_on", L, 1)
	activeF := regs(m, "active_f", L, FB)

	// The tick: tick0 is model tick time (cycle h = n*T, n >= 1), tickA the
	// same event accStage cycles later, aligned with the accounting stage.
	ph := m.Reg("tick_phase", TB)
	last := hdl.Eq(ph, hdl.Const(T-1, TB))
	ph.Next(hdl.Mux(last, hdl.Const(0, TB), hdl.Add(ph, hdl.Const(1, TB))))
	wrapped := m.Reg("tick_armed", 1)
	wrapped.NextIf(last, hdl.Const(1, 1))
	tick0 := hdl.And(hdl.Eq(ph, hdl.Const(0, TB)), wrapped)
	tickA := delay(m, "tick_d", tick0, accStage)

	// Configuration delay line: c1 writes default/clear, c3 writes the limit.
	c1we := delay(m, "c_we", cfgWe, 1)
	c1lease := delay(m, "c_lease", cfgLease, 1)
	c1def := delay(m, "c_default", cfgDefault, 1)
	c1clr := delay(m, "c_clear", cfgClear, 1)
	c3we := delay(m, "c_we_l", c1we, accStage-1)
	c3lease := delay(m, "c_lease_l", c1lease, accStage-1)
	c3limited := delay(m, "c_limited", cfgLimited, accStage)
	c3limit := delay(m, "c_limit", cfgLimit, accStage)
	for i := 0; i < L; i++ {
		hit1 := hdl.And(c1we, hdl.Eq(c1lease, hdl.Const(uint64(i), LB)))
		defPrio[i].NextIf(hit1, c1def)
		clear[i].NextIf(hit1, c1clr)
		hit3 := hdl.And(c3we, hdl.Eq(c3lease, hdl.Const(uint64(i), LB)))
		limited[i].NextIf(hit3, c3limited)
		limit[i].NextIf(hit3, c3limit)
	}

	// Stage 1: input register.
	p1v := delay(m, "p1_valid", pktValid, 1)
	p1lease := delay(m, "p1_lease", pktLease, 1)
	p1tc := delay(m, "p1_tc", pktTC, 1)
	p1bytes := delay(m, "p1_bytes", pktBytes, 1)

	// Stage 2: decode.
	unclassed := hdl.Eq(p1tc, hdl.Const(uint64(model.Unclassed), 16))
	prio := hdl.Mux(unclassed, pick(p1lease, sigs(defPrio), PB), hdl.Slice(p1tc, 14, 0))
	cust := hdl.And(hdl.Not(unclassed), hdl.Bit(p1tc, 15), hdl.Not(pick(p1lease, sigs(clear), 1)))
	p2v := delay(m, "p2_valid", p1v, 1)
	p2lease := delay(m, "p2_lease", p1lease, 1)
	p2prio := delay(m, "p2_prio", prio, 1)
	p2cust := delay(m, "p2_cust", cust, 1)
	p2bytes := delay(m, "p2_bytes", p1bytes, 1)

	// Stages 3a, 3b and 3c: priority x bytes as registered partial
	// products, one per 4-bit digit of bytes (iCE40 has no multipliers: a
	// 15x6 product in one cycle was the critical path), their sums in
	// pairs, and the total.
	AW := PB + BB
	if BB > 16 {
		return nil, fmt.Errorf("gen/meter: packets of up to 2^%d bytes; the product stages are built for 16-bit lengths", BB)
	}
	var dig []hdl.Value
	for lo := 0; lo < BB; lo += 4 {
		hi := min(lo+3, BB-1)
		dig = append(dig, delay(m, fmt.Sprintf("q3_pp%d", lo/4), hdl.MulW(p2prio, hdl.Slice(p2bytes, hi, lo), AW), 1))
	}
	q3v := delay(m, "q3_valid", p2v, 1)
	q3lease := delay(m, "q3_lease", p2lease, 1)
	q3prio := delay(m, "q3_prio", p2prio, 1)
	q3cust := delay(m, "q3_cust", p2cust, 1)
	var pairs []hdl.Value
	for k := 0; k < len(dig); k += 2 {
		sum := dig[k]
		if k+1 < len(dig) {
			sum = hdl.Add(dig[k], hdl.Shl(dig[k+1], 4))
		}
		pairs = append(pairs, delay(m, fmt.Sprintf("s3_pair%d", k/2), sum, 1))
	}
	s3v := delay(m, "s3_valid", q3v, 1)
	s3lease := delay(m, "s3_lease", q3lease, 1)
	s3prio := delay(m, "s3_prio", q3prio, 1)
	s3cust := delay(m, "s3_cust", q3cust, 1)
	add := pairs[0]
	if len(pairs) > 1 {
		add = hdl.Add(pairs[0], hdl.Shl(pairs[1], 8))
	}
	r3v := delay(m, "r3_valid", s3v, 1)
	r3lease := delay(m, "r3_lease", s3lease, 1)
	r3add := delay(m, "r3_add", add, 1)
	r3prio := delay(m, "r3_prio", s3prio, 1)
	r3cust := delay(m, "r3_cust", s3cust, 1)
	// Stage 3c: the room left below SampleMax, so the accounting stage
	// compares instead of adding then comparing.
	SW := max(SB, AW) + 1
	room := hdl.Sub(hdl.Const(f.SampleMax, SW), hdl.ZExt(r3add, SW))
	p3v := delay(m, "p3_valid", r3v, 1)
	p3lease := delay(m, "p3_lease", r3lease, 1)
	p3add := delay(m, "p3_add", r3add, 1)
	p3room := delay(m, "p3_room", room, 1)
	p3prio := delay(m, "p3_prio", r3prio, 1)
	p3cust := delay(m, "p3_cust", r3cust, 1)

	// Stage 4 (accStage): accounting and the tick.
	smax := hdl.Const(f.SampleMax, SB)

	// Divider state.
	dvBusy := m.Reg("div_busy", 1)
	dvIdx := m.Reg("div_idx", LB)
	dvStep := m.Reg("div_step", 5)
	dvR := m.Reg("div_r", SB+1)
	dvD := m.Reg("div_d", SB)
	dvQ := m.Reg("div_q", FB)
	dvOn := m.Reg("div_on", 1)
	loading := hdl.And(dvBusy, hdl.Eq(dvStep, hdl.Const(0, 5)))
	iterating := hdl.And(dvBusy, hdl.Ne(dvStep, hdl.Const(0, 5)))
	finishing := hdl.And(dvBusy, hdl.Eq(dvStep, hdl.Const(uint64(FB), 5)))
	r2 := hdl.Shl(dvR, 1)
	// One subtractor: its borrow is the compare.
	diff := hdl.SubW(r2, hdl.ZExt(dvD, SB+1), SB+2)
	ge := hdl.Not(hdl.Bit(diff, SB+1))
	qNext := hdl.Concat(hdl.Slice(dvQ, FB-2, 0), ge)
	// The result is registered and written to the shadow factor one cycle
	// after the last iteration, keeping the quotient compare's fan-out off
	// the factor registers (hence TickCycles >= 17*Leases+2).
	wrV := m.Reg("div_wr", 1)
	wrIdx := m.Reg("div_wr_idx", LB)
	wrOn := m.Reg("div_wr_on", 1)
	wrF := m.Reg("div_wr_f", FB)
	wrV.Next(finishing)
	wrIdx.NextIf(finishing, dvIdx)
	wrOn.NextIf(finishing, dvOn)
	wrF.NextIf(finishing, hdl.Mux(dvOn, qNext, hdl.Const(0, FB)))

	accVals := make([]hdl.Value, L)
	for i := range accVals {
		accVals[i] = acc[i]
	}
	measured := hdl.Slice(pick(dvIdx, accVals, AB), AB-1, K)
	ldLimit := pick(dvIdx, sigs(snapLimit), SB)
	ldLimited := pick(dvIdx, sigs(snapLimited), 1)
	// The enable is decided in the first iteration, from registers, so the
	// load cycle is only the read mux: first is step 1, where dvR still
	// holds the limit.
	first := hdl.And(dvBusy, hdl.Eq(dvStep, hdl.Const(1, 5)))
	onNow := hdl.And(dvOn, hdl.Gt(dvD, hdl.Slice(dvR, SB-1, 0)))
	lastIdx := hdl.Eq(dvIdx, hdl.Const(uint64(L-1), LB))

	dvBusy.Next(hdl.Priority(dvBusy,
		hdl.When(tickA, hdl.Const(1, 1)),
		hdl.When(hdl.And(finishing, lastIdx), hdl.Const(0, 1))))
	dvIdx.Next(hdl.Priority(dvIdx,
		hdl.When(tickA, hdl.Const(0, LB)),
		hdl.When(finishing, hdl.Add(dvIdx, hdl.Const(1, LB)))))
	dvStep.Next(hdl.Priority(dvStep,
		hdl.When(tickA, hdl.Const(0, 5)),
		hdl.When(finishing, hdl.Const(0, 5)),
		hdl.When(dvBusy, hdl.Add(dvStep, hdl.Const(1, 5)))))
	// The subtractor's borrow is the last select before the register: the
	// other outcomes (load, shift, hold) are ready while the carry chain
	// ripples, so the chain feeds one LUT level (Fmax).
	dvRElse := hdl.Priority(dvR,
		hdl.When(loading, hdl.ZExt(ldLimit, SB+1)),
		hdl.When(iterating, r2))
	dvR.Next(hdl.Mux(hdl.And(iterating, ge), hdl.Slice(diff, SB, 0), dvRElse))
	dvD.NextIf(loading, measured)
	dvOn.Next(hdl.Priority(dvOn,
		hdl.When(loading, ldLimited),
		hdl.When(first, onNow)))
	dvQ.Next(hdl.Priority(dvQ,
		hdl.When(loading, hdl.Const(0, FB)),
		hdl.When(iterating, qNext)))

	for i := 0; i < L; i++ {
		idx := hdl.Const(uint64(i), LB)
		hitP := hdl.And(p3v, hdl.Eq(p3lease, idx))
		// One saturating adder per lease: no read mux and write demux on
		// the accumulate path.
		// At a tick the sample restarts from 0 (0 > room never holds, so
		// the sum is the packet's product alone); otherwise the compare and
		// the sum use the sample register directly, and the tick selects
		// last, off the carry chains (Fmax).
		sum := hdl.Slice(hdl.AddW(sample[i], p3add, SW), SB-1, 0)
		satSum := hdl.Mux(hdl.Gt(hdl.ZExt(sample[i], SW), p3room), smax, sum)
		tickSum := hdl.Slice(hdl.ZExt(p3add, SW), SB-1, 0)
		sample[i].Next(hdl.Priority(sample[i],
			hdl.When(hdl.And(hitP, tickA), tickSum),
			hdl.When(hitP, satSum),
			hdl.When(tickA, hdl.Const(0, SB))))

		// acc + floor((sample<<K - acc) / 2^K) = acc - ceil(acc/2^K) +
		// sample, exactly, because sample<<K is a multiple of 2^K. The
		// decayed part depends on acc alone, which changes only at ticks, so
		// it is computed in two registered steps between ticks and the
		// tick itself is one adder.
		ceilQ := m.Reg(fmt.Sprintf("acc_ceil%d", i), AB-K)
		ceilQ.Next(hdl.Slice(hdl.AddW(acc[i], hdl.Const(1<<K-1, AB), AB+1), AB-1, K))
		decay := m.Reg(fmt.Sprintf("acc_decay%d", i), AB)
		decay.Next(hdl.Sub(acc[i], hdl.ZExt(ceilQ, AB)))
		acc[i].NextIf(tickA, hdl.Add(decay, hdl.ZExt(sample[i], AB)))
		snapLimit[i].NextIf(tickA, limit[i])
		snapLimited[i].NextIf(tickA, limited[i])

		wr := hdl.And(wrV, hdl.Eq(wrIdx, idx))
		shadowOn[i].NextIf(wr, wrOn)
		shadowF[i].NextIf(wr, wrF)
		activeOn[i].NextIf(tickA, shadowOn[i])
		activeF[i].NextIf(tickA, shadowF[i])
	}
	// Read port for the register map: a mux on rd_lease, registered so the
	// lease-wide mux and the bus decoder's mux are in separate cycles.
	m.Output("rd_measured", AB-K).Drive(delay(m, "rd_measured_q", hdl.Slice(pick(rdLease, accVals, AB), AB-1, K), 1))
	m.Output("rd_factor", FB).Drive(delay(m, "rd_factor_q", pick(rdLease, sigs(activeF), FB), 1))
	m.Output("rd_scaling", 1).Drive(delay(m, "rd_scaling_q", pick(rdLease, sigs(activeOn), 1), 1))
	// scaled_set bit i: lease i's factor is enabled by this tick's swap.
	seen := make([]hdl.Value, L)
	for i := range seen {
		seen[L-1-i] = hdl.And(tickA, shadowOn[i])
	}
	m.Output("scaled_set", L).Drive(delay(m, "scaled_set_q", hdl.Concat(seen...), 1))

	p4v := delay(m, "p4_valid", p3v, 1)
	p4prio := delay(m, "p4_prio", p3prio, 1)
	p4cust := delay(m, "p4_cust", p3cust, 1)
	// The packet's factor: the active one, or at a tick the shadow one
	// (the swap happens on this edge).
	p4on := delay(m, "p4_on", hdl.Mux(tickA, pick(p3lease, sigs(shadowOn), 1), pick(p3lease, sigs(activeOn), 1)), 1)
	p4f := delay(m, "p4_f", hdl.Mux(tickA, pick(p3lease, sigs(shadowF), FB), pick(p3lease, sigs(activeF), FB)), 1)

	// Stage 5: partial products of the 15x16 scaling, one per 4-bit digit
	// of the factor (iCE40 has no multipliers: a 15x8 product in one cycle
	// was the critical path).
	if FB != 16 {
		return nil, fmt.Errorf("gen/meter: the scaling is built for a 16-bit factor, model has %d", FB)
	}
	ppW := PB + 4
	var pp []hdl.Value
	for d := 0; d < FB/4; d++ {
		pp = append(pp, delay(m, fmt.Sprintf("p5_pp%d", d), hdl.MulW(p4prio, hdl.Slice(p4f, 4*d+3, 4*d), ppW), 1))
	}
	p5v := delay(m, "p5_valid", p4v, 1)
	p5prio := delay(m, "p5_prio", p4prio, 1)
	p5cust := delay(m, "p5_cust", p4cust, 1)
	p5on := delay(m, "p5_on", p4on, 1)

	// Stage 6: the digits' products summed in pairs.
	pairW := PB + 8
	pair := func(a, b hdl.Value) hdl.Value {
		return hdl.Add(hdl.ZExt(a, pairW), hdl.Shl(hdl.ZExt(b, pairW), 4))
	}
	p6lo := delay(m, "p6_lo", pair(pp[0], pp[1]), 1)
	p6hi := delay(m, "p6_hi", pair(pp[2], pp[3]), 1)
	p6v := delay(m, "p6_valid", p5v, 1)
	p6prio := delay(m, "p6_prio", p5prio, 1)
	p6cust := delay(m, "p6_cust", p5cust, 1)
	p6on := delay(m, "p6_on", p5on, 1)

	// Stage 7: sum, select, output register.
	full := hdl.Add(hdl.ZExt(p6lo, PB+FB), hdl.Shl(hdl.ZExt(p6hi, PB+FB), 8))
	scaled := hdl.Slice(full, PB+FB-1, FB)
	newPrio := hdl.Mux(p6on, scaled, p6prio)
	tc := hdl.Mux(p6v, hdl.Concat(p6cust, newPrio), hdl.Const(0, 16))
	outValid.Drive(delay(m, "o_valid", p6v, 1))
	outTC.Drive(delay(m, "o_tc", tc, 1))
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
	deprio := regs(m, "deprio", leases, 1)
	capr := regs(m, "cap", leases, 15)
	for i := 0; i < leases; i++ {
		hit := hdl.And(we, hdl.Eq(cl, hdl.Const(uint64(i), LB)))
		deprio[i].NextIf(hit, cd)
		capr[i].NextIf(hit, cc)
	}
	// Stage 1 looks the lease's configuration up, stage 2 compares, stage 3
	// caps (the compare's carry chain and the 16-bit select in separate
	// cycles, for Fmax).
	d := delay(m, "s_deprio", pick(lease, sigs(deprio), 1), 1)
	c1 := delay(m, "s_cap", pick(lease, sigs(capr), 15), 1)
	sv1 := delay(m, "s_valid", v, 1)
	stc1 := delay(m, "s_tc", tc, 1)
	doCap := delay(m, "c_do", hdl.And(d, hdl.Not(hdl.Bit(stc1, 15)), hdl.Gt(hdl.Slice(stc1, 14, 0), c1)), 1)
	c := delay(m, "c_cap", c1, 1)
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
