package shaper

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	model "github.com/pktnetwork/pktrouter/model/shaper"
)

const generator = "gen/shaper"

// InputLatency is the input stage: an arrival on arr_* (a configuration
// write on cfg_*) in cycle c is the model's arrival (SetLease) of model
// cycle c + InputLatency, model cycle 0 being the first cycle after rst.
// VerdictLatency is the number of cycles from an arrival on arr_* to its
// verdict on v_*; DepartLatency the number from the model cycle in which a
// packet's last byte is sent to its dep_* event. The backlog output in
// cycle h is the model's backlog at the start of model cycle h.
const (
	InputLatency   = 1
	VerdictLatency = InputLatency + 1
	DepartLatency  = 1
)

// Verdict and cause codes on v_verdict and v_cause: the model's
// shaper.Verdict and shaper.DropCause values.
const (
	CodeDropped    = uint64(model.Dropped)
	CodeGuaranteed = uint64(model.Guaranteed)
	CodeExcess     = uint64(model.Excess)
	CauseRefused   = uint64(model.Refused)
	CauseOverflow  = uint64(model.GuaranteeOverflow)
)

// MaxTagBits bounds the width of the caller's packet tag.
const MaxTagBits = 64

// MaxQueueDepth bounds the descriptor memory (words): far beyond any
// on-chip buffer, it only catches a MinPacketBytes far too small for the
// buffer.
const MaxQueueDepth = 1 << 16

// PrioBits is the width of arr_prio: the 15-bit priority after
// re-prioritization and the non-customer cap.
const PrioBits = 15

// Config is the generator configuration: the model's configuration plus
// what the hardware needs that the model does not.
type Config struct {
	model.Config
	// MinPacketBytes is the shortest packet the port is given (at least 3:
	// a new head descriptor takes two cycles to come out of block RAM); it
	// sizes the descriptor queue ((BufferBytes+MaxPacketBytes)/MinPacketBytes
	// entries). Shorter packets are outside the block's contract.
	MinPacketBytes uint32
	// TagBits is the width of the caller's packet tag carried from arr_tag
	// to v_tag and dep_tag (1..MaxTagBits).
	TagBits int
}

// Layout lists the widths and sizes derived from a Config.
type Layout struct {
	model.Format
	LeaseBits   int // arr_lease, cfg_lease
	BytesBits   int // arr_bytes: bitlen(MaxPacketBytes)
	OffsetBits  int // byte offsets of packet ends in the queue
	QueueDepth  int // descriptor memory words (the head's included), a power of two
	ExcessReset uint64
	// Guarantees is how many leases can hold a guarantee at a time: the
	// buffer has room for that many minimum reserves (model.Config.Reserve
	// of MinBurst) beside one cycle of line rate and one packet, at most
	// Leases-1. Below Leases-1 (ref4: 1), the buckets live in that many
	// slots instead of one per lease.
	Guarantees int
}

// Layout validates c and computes the widths.
func (c Config) Layout() (Layout, error) {
	f, err := c.Config.Format()
	if err != nil {
		return Layout{}, fmt.Errorf("gen/shaper: %w", err)
	}
	switch {
	case c.BytesPerCycle != 1:
		return Layout{}, fmt.Errorf("gen/shaper: BytesPerCycle = %d: the generator builds the byte-serial (8-bit datapath) port only, want 1", c.BytesPerCycle)
	case c.MinPacketBytes < 3 || c.MinPacketBytes > c.MaxPacketBytes:
		return Layout{}, fmt.Errorf("gen/shaper: MinPacketBytes = %d, want 3..MaxPacketBytes (%d)", c.MinPacketBytes, c.MaxPacketBytes)
	case c.TagBits < 1 || c.TagBits > MaxTagBits:
		return Layout{}, fmt.Errorf("gen/shaper: TagBits = %d, want 1..%d", c.TagBits, MaxTagBits)
	case c.Leases&(c.Leases-1) != 0:
		return Layout{}, fmt.Errorf("gen/shaper: Leases = %d, want a power of two (the round-robin refill adds Leases x rate as a shift)", c.Leases)
	}
	// Room for every packet the queue can hold (a full buffer of minimum
	// packets beside one maximum packet in flight) and more: the queue must
	// never fill the memory (its head's slot would be written).
	depth := int((uint64(c.BufferBytes)+uint64(c.MaxPacketBytes))/uint64(c.MinPacketBytes)) + 3
	// A power of two: Yosys maps the queue memory to iCE40 block RAM only then
	// (Yosys maps a 282-deep one to flip-flops).
	depth = 1 << bits.Len(uint(depth-1))
	if depth > MaxQueueDepth {
		return Layout{}, fmt.Errorf("gen/shaper: %d descriptors needed (BufferBytes+MaxPacketBytes)/MinPacketBytes exceeds %d; raise MinPacketBytes",
			depth, MaxQueueDepth)
	}
	lb := 1
	if c.Leases > 1 {
		lb = bits.Len(uint(c.Leases - 1))
	}
	return Layout{
		Format:      f,
		LeaseBits:   lb,
		BytesBits:   bits.Len32(c.MaxPacketBytes),
		OffsetBits:  bits.Len64(uint64(c.BufferBytes)+uint64(c.MaxPacketBytes)) + 1,
		QueueDepth:  depth,
		ExcessReset: uint64(c.BufferBytes) - uint64(c.BytesPerCycle),
		Guarantees:  guarantees(c.Config),
	}, nil
}

// guarantees is Layout.Guarantees.
func guarantees(c model.Config) int {
	room := uint64(c.BufferBytes) - uint64(c.BytesPerCycle) - uint64(c.MaxPacketBytes)
	g := room / c.Reserve(uint32(c.MinBurst()))
	if g > uint64(c.Leases-1) {
		return c.Leases - 1
	}
	return int(g)
}

// orAll is the OR of vs (an AND-OR select when each is gated by one bit of
// a one-hot), or w zero bits when vs is empty.
func orAll(vs []hdl.Value, w int) hdl.Value {
	switch len(vs) {
	case 0:
		return hdl.Const(0, w)
	case 1:
		return vs[0]
	}
	return hdl.Or(vs[0], vs[1], vs[2:]...)
}

// classOf is model.Class in hardware: the priority's leading one picks the
// exponent, the m bits after it the mantissa.
func classOf(p hdl.Value, mbits uint, cb int) hdl.Value {
	if mbits >= model.MaxClassMantissa {
		return hdl.ZExt(p, cb)
	}
	m := int(mbits)
	var arms []hdl.Arm
	for e := PrioBits; e >= m+2; e-- {
		v := hdl.Value(hdl.Const(uint64(e-m), cb))
		if m > 0 {
			v = hdl.Concat(hdl.Const(uint64(e-m), cb-m), hdl.Slice(p, e-2, e-1-m))
		}
		arms = append(arms, hdl.When(hdl.Bit(p, e-1), v))
	}
	return hdl.Priority(hdl.ZExt(hdl.Slice(p, m, 0), cb), arms...)
}

// depthOf is model.Format.Depth of the arriving packet's rank, DepthBits
// wide, from its tier (freeLease: the packet is the free lease's) and
// priority class.
func depthOf(lay Layout, freeLease, class hdl.Value) hdl.Value {
	cb := class.Width()
	down := hdl.Sub(hdl.Const(uint64(lay.Classes-1), cb), class)
	DB := int(lay.DepthBits)
	paid := hdl.Shl(hdl.ZExt(down, DB), int(lay.PaidShift))
	free := hdl.Add(hdl.Const(uint64(lay.FreeBase), DB), hdl.Shl(hdl.ZExt(down, DB), int(lay.FreeShift)))
	return hdl.Mux(freeLease, free, paid)
}

// New builds one egress port's shaper. See the package comment.
func New(c Config) (*hdl.Module, error) {
	lay, err := c.Layout()
	if err != nil {
		return nil, err
	}
	L := c.Leases
	LB, BB, OB := lay.LeaseBits, lay.BytesBits, lay.OffsetBits
	F := int(c.RateFracBits)
	RB := int(lay.RateBits)
	BLB := int(lay.BacklogBits)
	TG := c.TagBits

	m := hdl.NewGenerated(generator, "shaper",
		hdl.P("l", L), hdl.P("buf", c.BufferBytes), hdl.P("mp", c.MaxPacketBytes), hdl.P("minp", c.MinPacketBytes),
		hdl.P("f", c.RateFracBits), hdl.P("m", c.ClassMantissaBits), hdl.P("tag", TG))
	pinValid := m.Input("arr_valid", 1)
	pinLease := m.Input("arr_lease", LB)
	pinBytes := m.Input("arr_bytes", BB)
	pinTag := m.Input("arr_tag", TG)
	pinPrio := m.Input("arr_prio", PrioBits)
	pinWe := m.Input("cfg_we", 1)
	pinCfgLease := m.Input("cfg_lease", LB)
	pinRate := m.Input("cfg_rate", RB)
	pinBurst := m.Input("cfg_burst", BLB)

	// Input stage: the arrival and the configuration write are registered
	// (InputLatency), and what depends on the arriving packet alone or on
	// configuration registers is computed here, a cycle ahead of the
	// decision: the arriving and written leases' positions, n + Depth(rank)
	// and the other rank operands, and the written burst's reserve.
	stage := func(name string, v hdl.Value) *hdl.Signal {
		r := m.Reg(name, v.Width())
		r.Next(v)
		return r
	}
	arrValid := stage("s_arr_valid", pinValid)
	arrLease := stage("s_arr_lease", pinLease)
	arrBytes := stage("s_arr_bytes", pinBytes)
	arrTag := stage("s_arr_tag", pinTag)
	cfgRate := stage("s_cfg_rate", pinRate)
	cfgBurst := stage("s_cfg_burst", pinBurst)
	ohBits := make([]hdl.Value, L)
	for i := range ohBits {
		ohBits[L-1-i] = hdl.Eq(pinLease, hdl.Const(uint64(i), LB))
	}
	arrOHNow := hdl.Concat(ohBits...)
	arrOH := stage("s_arr_onehot", arrOHNow)
	DB := int(lay.DepthBits)
	cb := bits.Len(uint(lay.Classes - 1))
	pinClass := classOf(pinPrio, c.ClassMantissaBits, cb)
	pinFree := hdl.Eq(pinLease, hdl.Const(0, LB))
	arrX := stage("s_arr_x", hdl.AddW(hdl.ZExt(pinBytes, DB), depthOf(lay, pinFree, pinClass), DB+1))
	// The barrier's operands of the arriving packet: rank+1 (what a refusal
	// raises the barrier to) and rank+1+BarrierMargin (the barrier must
	// exceed it for the barrier's shot), BarrierBits+1 wide so neither
	// wraps. rank = paid bit : class.
	BRB := int(lay.BarrierBits)
	pinRank := hdl.Concat(hdl.Not(pinFree), pinClass)
	pinRank1 := hdl.AddW(hdl.ZExt(pinRank, BRB+1), hdl.Const(1, BRB+1), BRB+1)
	arrRank1 := stage("s_arr_rank1", pinRank1)
	arrRankM := stage("s_arr_rankm", hdl.Add(pinRank1, hdl.Const(uint64(lay.BarrierMargin), BRB+1)))

	// Lease state as rings. The round robin (model/shaper: lease t mod
	// Leases gets Leases x its rate in cycle t) visits the leases in a
	// fixed order, so every lease's rate, burst and tokens live in ring
	// registers that rotate by one position every cycle: in model cycle k
	// position p holds lease (k+1+p) mod L, so position 0 is always the
	// lease refilled after this cycle's decision (the refill reads it
	// without a select and writes the result into position L-1), and only
	// the arriving and the written lease need a select, by position. The
	// free lease, lease 0, has a slot too; its rate and burst are never
	// written, so its tokens stay 0.
	posOf := func(lease hdl.Value) hdl.Value { return hdl.Const(0, 1) }
	LL := bits.Len(uint(L)) - 1 // log2(L)
	var rrc *hdl.Signal         // (k+1) mod L in model cycle k
	if L > 1 {
		rrc = m.Reg("rr_lease", LB, hdl.Reset(1))
		rrc.Next(hdl.Add(rrc, hdl.Const(1, LB)))
		// The position a lease has in the cycle after the one its pins are
		// seen in: in RTL cycle c rr_lease is (c+1) mod L, the decision is
		// model cycle c+1, where lease a sits at (a - (c+2)) mod L.
		posOf = func(lease hdl.Value) hdl.Value {
			return hdl.Sub(hdl.Sub(lease, rrc), hdl.Const(1, LB))
		}
	}
	oneHot := func(v hdl.Value) hdl.Value {
		if L == 1 {
			return hdl.Const(1, 1)
		}
		b := make([]hdl.Value, L)
		for i := range b {
			b[L-1-i] = hdl.Eq(v, hdl.Const(uint64(i), LB))
		}
		return hdl.Concat(b...)
	}
	cfgHit := stage("s_cfg_hit", hdl.And(pinWe, hdl.Ne(pinCfgLease, hdl.Const(0, LB))))
	// pickOH is the AND-OR select of vals by the one-hot oh (a slice of
	// one-bit values).
	pickOH := func(oh []hdl.Value, vals []hdl.Value, w int) hdl.Value {
		var terms []hdl.Value
		for i := range vals {
			terms = append(terms, hdl.Mux(oh[i], vals[i], hdl.Const(0, w)))
		}
		return orAll(terms, w)
	}
	bitsOf := func(v hdl.Value) []hdl.Value {
		b := make([]hdl.Value, v.Width())
		for i := range b {
			b[i] = hdl.Bit(v, i)
		}
		return b
	}
	// refill is the round robin's one refill of a lease whose tokens are
	// xInt.xFrac before this cycle's take (took: the arrival took n from
	// it): min(tokens + L x rate, burst << F). Both outcomes of the
	// decision are computed beside it, which only selects: the refill
	// without a take, and with the take of n << F (integer bits only). A
	// configuration write to the same lease needs no clamp of its own:
	// min(min(X, B) + R, B) = min(X + R, B).
	refill := func(xInt, xFrac, rate, burst, took, n hdl.Value) (hdl.Value, hdl.Value) {
		SW := BLB + F + 2
		sum := hdl.AddW(hdl.ZExt(hdl.Concat(xInt, xFrac), SW), hdl.Shl(hdl.ZExt(rate, SW), LL), SW)
		IW := SW - F
		sInt := hdl.Slice(sum, SW-1, F)
		sIntT := hdl.Sub(sInt, hdl.ZExt(n, IW))
		bE := hdl.ZExt(burst, IW)
		full0, full1 := hdl.Ge(sInt, bE), hdl.Ge(sIntT, bE)
		full := hdl.Mux(took, full1, full0)
		refInt := hdl.Mux(took,
			hdl.Mux(full1, burst, hdl.Slice(sIntT, BLB-1, 0)),
			hdl.Mux(full0, burst, hdl.Slice(sInt, BLB-1, 0)))
		return refInt, hdl.Mux(full, hdl.Const(0, F), hdl.Slice(sum, F-1, 0))
	}
	reserve := func(b hdl.Value) hdl.Value {
		return hdl.Add(b, hdl.Mux(hdl.OrR(b), hdl.Const(uint64(L-1), BLB), hdl.Const(0, BLB)))
	}

	// A bucket is kept as its tokens split at the binary point: the
	// integer part (bytes) and the fraction. An arrival is green when the
	// integer part is >= n and takes n from it alone (n << F has no
	// fraction), so the decision, the take and a write's clamp touch
	// integer parts only; the fraction changes only in the refill and in
	// a write's clamp (to 0). ta is the arriving lease's integer part
	// (built once: the admission and the take share it); update builds the buckets' next state (take, write, refill)
	// and the excess limit's, given the decision.
	var ta hdl.Value
	var excessLimit hdl.Value // BufferBytes - sum(reserves) - 1, as of the start of the cycle
	var update func(admitG, n hdl.Value)
	if lay.Guarantees < L-1 {
		ta, excessLimit, update = slotBuckets(m, lay, c, slotArgs{
			pickOH: pickOH, refill: refill, reserve: reserve,
			arrLease: arrLease, cfgLease: stage("s_cfg_lease", pinCfgLease), rrc: rrc,
			cfgHit: cfgHit, cfgRate: cfgRate, cfgBurst: cfgBurst,
		})
	} else {
		// Positions of the arriving and the written lease in the decision
		// cycle (one-hot).
		arrPos := bitsOf(stage("s_arr_pos", oneHot(posOf(pinLease))))
		cfgPos := bitsOf(stage("s_cfg_pos", oneHot(posOf(pinCfgLease))))
		rateP := make([]*hdl.Signal, L)
		burstP := make([]*hdl.Signal, L)
		tintP := make([]*hdl.Signal, L)
		tfracP := make([]*hdl.Signal, L)
		tintV := make([]hdl.Value, L)
		burstV := make([]hdl.Value, L)
		for p := 0; p < L; p++ {
			rateP[p] = m.Reg(fmt.Sprintf("ring_rate%d", p), RB)
			burstP[p] = m.Reg(fmt.Sprintf("ring_burst%d", p), BLB)
			tintP[p] = m.Reg(fmt.Sprintf("ring_tokens_int%d", p), BLB)
			tfracP[p] = m.Reg(fmt.Sprintf("ring_tokens_frac%d", p), F)
			tintV[p], burstV[p] = tintP[p], burstP[p]
		}
		ta = pickOH(arrPos, tintV, BLB)
		// The written burst's reserve (model.Config.Reserve; B = 1).
		cfgRes := stage("s_cfg_reserve", reserve(pinBurst))
		excessReg := m.Reg("excess_limit", BLB, hdl.Reset(lay.ExcessReset))
		excessLimit = excessReg
		update = func(admitG, n hdl.Value) {
			// In the model's order: the arrival's take, then the
			// configuration write (tokens clamped to the new burst), then
			// the refill of the lease at position 0 (L x its rate, with
			// the configuration as written, clamped to the burst), which
			// moves to position L-1 while every other lease moves down one
			// position.
			takeInt := hdl.Slice(hdl.Sub(hdl.ZExt(ta, BLB+1), n), BLB-1, 0)
			// The written lease: its integer part after this cycle's take,
			// clamped to the new burst; clamping (integer part >= burst')
			// also zeroes the fraction.
			tw := pickOH(cfgPos, tintV, BLB)
			var same []hdl.Value
			for p := range arrPos {
				same = append(same, hdl.And(arrPos[p], cfgPos[p]))
			}
			wTook := hdl.And(admitG, orAll(same, 1))
			twEff := hdl.Mux(wTook, takeInt, tw)
			wClamp := hdl.Ge(twEff, cfgBurst)
			clampInt := hdl.Mux(wClamp, cfgBurst, twEff)
			hit0 := hdl.And(cfgHit, cfgPos[0])
			rateEff := hdl.Mux(hit0, cfgRate, rateP[0])
			burstEff := hdl.Mux(hit0, cfgBurst, burstP[0])
			refInt, refFrac := refill(tintP[0], tfracP[0], rateEff, burstEff, hdl.And(admitG, arrPos[0]), n)
			rateP[L-1].Next(rateEff)
			burstP[L-1].Next(burstEff)
			tintP[L-1].Next(refInt)
			tfracP[L-1].Next(refFrac)
			for p := 0; p+1 < L; p++ {
				hit := hdl.And(cfgHit, cfgPos[p+1])
				took := hdl.And(admitG, arrPos[p+1])
				rateP[p].Next(hdl.Mux(hit, cfgRate, rateP[p+1]))
				burstP[p].Next(hdl.Mux(hit, cfgBurst, burstP[p+1]))
				tintP[p].Next(hdl.Priority(tintP[p+1],
					hdl.When(hit, clampInt),
					hdl.When(took, takeInt)))
				tfracP[p].Next(hdl.Mux(hdl.And(hit, wClamp), hdl.Const(0, F), tfracP[p+1]))
			}
			// The excess limit follows the sum of the leases' reserves
			// (model.Config.Reserve: burst + L-1 bytes when the burst is
			// not 0): + old reserve - new reserve.
			if L > 1 {
				old := pickOH(cfgPos, burstV, BLB)
				excessReg.NextIf(cfgHit, hdl.Sub(hdl.Add(excessReg, reserve(old)), cfgRes))
			} else {
				excessReg.Next(excessReg) // the free lease alone: no guarantees
			}
		}
	}

	backlog := m.Reg("backlog_q", BLB)
	admCum := m.Reg("adm_offset", OB)

	// Admission. Green: tokens >= n << F, i.e. tint >= n (the fraction
	// does not matter).
	n := hdl.ZExt(arrBytes, BLB+1)
	blN := hdl.AddW(backlog, n, BLB+1)
	green := hdl.Ge(hdl.ZExt(ta, BLB+1), n)
	overflow := hdl.Gt(blN, hdl.Const(uint64(c.BufferBytes), BLB+1))
	// Excess admission: backlog + n <= max(E - Depth(rank), Floor), as
	// backlog + (n + Depth) <= E or backlog + n <= Floor (equivalent because
	// Floor <= E). n + Depth was computed in the input stage.
	x := arrX
	sumW := max(BLB, DB+1) + 1
	aboveFloor := hdl.Gt(blN, hdl.Const(uint64(c.MaxPacketBytes), BLB+1))
	fits := hdl.Or(
		hdl.Le(hdl.AddW(hdl.ZExt(backlog, sumW), hdl.ZExt(x, sumW), sumW), hdl.ZExt(excessLimit, sumW)),
		hdl.Not(aboveFloor))
	// The refusal barrier (model.Port.Barrier): barrier is its value at the
	// start of this cycle (this cycle's decay applied), shot the leases
	// whose shot is spent in this window (cleared at its start). The
	// barrier's shot refuses an excess packet above the floor when
	// rank+1+BarrierMargin < barrier and its lease's shot is left.
	barrier := m.Reg("barrier", BRB)
	shot := m.Reg("barrier_shot", L)
	tick := m.Reg("barrier_tick", int(lay.ShotWindowLog)) // model cycle mod 2^ShotWindowLog
	tick.Next(hdl.Add(tick, hdl.Const(1, int(lay.ShotWindowLog))))
	shotSpent := hdl.OrR(hdl.And(shot, arrOH))
	barShot := hdl.And(hdl.Lt(arrRankM, hdl.ZExt(barrier, BRB+1)), hdl.Not(shotSpent), aboveFloor)
	admitG := hdl.And(arrValid, green, hdl.Not(overflow))
	admitE := hdl.And(arrValid, hdl.Not(green), fits, hdl.Not(barShot))
	// An excess refusal raises the barrier to rank+1 and spends the shot;
	// then the next cycle's decay (entering a multiple of 2^BarrierDecayLog)
	// and window start (a multiple of 2^ShotWindowLog) apply.
	refE := hdl.And(arrValid, hdl.Not(green), hdl.Not(admitE))
	raise := hdl.And(refE, hdl.Gt(arrRank1, hdl.ZExt(barrier, BRB+1)))
	barMax := hdl.Mux(raise, hdl.Slice(arrRank1, BRB-1, 0), barrier)
	decay := hdl.And(hdl.AndR(hdl.Slice(tick, int(lay.BarrierDecayLog)-1, 0)), hdl.OrR(barMax))
	barrier.Next(hdl.Sub(barMax, hdl.ZExt(decay, BRB)))
	shot.Next(hdl.Mux(hdl.AndR(tick), hdl.Const(0, L),
		hdl.Or(shot, hdl.Mux(refE, arrOH, hdl.Const(0, L)))))
	adm := hdl.Or(admitG, admitE)
	verdict := hdl.Priority(hdl.Const(CodeDropped, 2),
		hdl.When(admitG, hdl.Const(CodeGuaranteed, 2)),
		hdl.When(admitE, hdl.Const(CodeExcess, 2)))
	cause := hdl.Mux(hdl.And(green, overflow), hdl.Const(CauseOverflow, 2), hdl.Const(CauseRefused, 2))

	update(admitG, n)

	// Queue: the descriptors in one block RAM, head included. A
	// descriptor is the packet's tag, lease and the byte offset of its
	// end. The read port reads the head's word every cycle and its data
	// register is the head descriptor: a new head (after a departure, or
	// a packet admitted into an empty queue) is there two cycles later,
	// before it can depart (its first byte is sent in the cycle after the
	// departure, or in its own admission cycle, and a packet has at least
	// MinPacketBytes >= 3 bytes). Pointers carry a wrap bit: the queue is
	// empty when they are equal.
	DW := TG + LB + OB
	QD := lay.QueueDepth
	AB := bits.Len(uint(QD - 1))
	wrP := m.Reg("q_wr", AB+1)
	rdP := m.Reg("q_rd", AB+1)
	hv := hdl.Ne(wrP, rdP) // the queue holds a packet (the head)
	endIn := hdl.Add(admCum, hdl.ZExt(arrBytes, OB))
	descIn := hdl.Concat(arrTag, arrLease, endIn)
	// MemNoRWCheck: a write and a read of the same word on one edge happen
	// only when a packet is admitted into an empty queue (the write fills
	// the head's slot); that read's data is never used (fresh, below).
	// The queue never holds QD packets, so no other write hits the head.
	qmem := m.Memory("descq", DW, QD, hdl.MemNoRWCheck())
	qmem.Write(adm, hdl.Slice(wrP, AB-1, 0), descIn)
	hd := qmem.ReadSync(hdl.Slice(rdP, AB-1, 0))
	stale := m.Reg("q_head_stale", 1) // hd is not the head yet: admitted into an empty queue last cycle
	stale.Next(hdl.And(adm, hdl.Not(hv)))
	// Only a head already in the queue can depart, so the decision stays
	// off the departure logic.
	// The head's last byte is sent when the sent-byte offset (the admitted
	// offset less the backlog) plus 1 reaches its end offset.
	dep := hdl.And(hv, hdl.Not(stale), hdl.Eq(hdl.Sub(hdl.Add(admCum, hdl.Const(1, OB)), hdl.Slice(hd, OB-1, 0)), hdl.ZExt(backlog, OB)))
	wrP.NextIf(adm, hdl.Add(wrP, hdl.Const(1, AB+1)))
	rdP.NextIf(dep, hdl.Add(rdP, hdl.Const(1, AB+1)))
	admCum.NextIf(adm, endIn)
	// backlog + n - 1 after an admission (the link sends a byte, of this
	// packet if the queue was empty), backlog - 1 otherwise while it is not
	// empty: both ready before the decision.
	withN := hdl.Slice(hdl.Sub(blN, hdl.Const(1, BLB+1)), BLB-1, 0)
	without := hdl.Sub(backlog, hdl.ZExt(hv, BLB))
	backlog.Next(hdl.Mux(adm, withN, without))

	// Outputs, registered.
	reg := func(name string, v hdl.Value) *hdl.Signal {
		r := m.Reg(name, v.Width())
		r.Next(v)
		return r
	}
	zero := func(en hdl.Value, v hdl.Value) hdl.Value { return hdl.Mux(en, v, hdl.Const(0, v.Width())) }
	m.Output("v_valid", 1).Drive(reg("o_v_valid", arrValid))
	m.Output("v_verdict", 2).Drive(reg("o_v_verdict", zero(arrValid, verdict)))
	m.Output("v_cause", 2).Drive(reg("o_v_cause", zero(hdl.And(arrValid, hdl.Not(adm)), cause)))
	m.Output("v_tag", TG).Drive(reg("o_v_tag", zero(arrValid, arrTag)))
	m.Output("dep_valid", 1).Drive(reg("o_dep_valid", dep))
	m.Output("dep_tag", TG).Drive(reg("o_dep_tag", zero(dep, hdl.Slice(hd, DW-1, LB+OB))))
	m.Output("dep_lease", LB).Drive(reg("o_dep_lease", zero(dep, hdl.Slice(hd, LB+OB-1, OB))))
	m.Output("backlog", BLB).Drive(backlog)
	return m, nil
}

// Ref4 is one egress port of the reference device ref4: the byte-serial
// 8-bit datapath, 8 leases, 16 KiB of output buffer (room for the minimum
// burst of seven paid leases beside one excess packet), 1536-byte packets
// of at least 64 bytes, rates with 24 fractional bits, and 14-bit tags (the
// packet's buffer address).
var Ref4 = Config{
	Config:         model.Config{BytesPerCycle: 1, BufferBytes: 16 << 10, MaxPacketBytes: 1536, Leases: 8, RateFracBits: 24, ClassMantissaBits: 5},
	MinPacketBytes: 64,
	TagBits:        14,
}
