package labelparse

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// held builds the block for Config.HeldInput: the pipelined block's
// timing and results, without its copies of the header. The caller holds
// in_hdr and in_from for Latency clocks from in_valid, so the decode and
// the width rules are read straight off the inputs in whichever clock
// needs them, and only what changes while the header holds is
// registered: the valid bits (the schedule), the index table's answer
// (the table may be written while a header is in flight, and the
// pipelined block's read-first timing is kept: the table is read two
// clocks after in_valid and its answer held until the result), and the
// results. The results load Latency-1 clocks after in_valid and hold
// until the next header's results: out_result, out_to, out_port, out_tag
// and the label and labelShift of out_hdr. The other header fields
// (congestion, suppress-errors, version, traffic class), which a hop
// never changes, and out_from are the inputs themselves.
func (p *plan) held() *hdl.Module {
	cfg, aw, ew := p.cfg, p.aw, p.ew
	pb, tb := cfg.PortBits, cfg.TagBits
	m := hdl.NewGenerated(generator, "labelparse_held", p.params()...)

	inValid := m.Input("in_valid", 1)
	inHdr := m.Input("in_hdr", HeaderBits)
	inFrom := m.Input("in_from", aw)
	tblWe := m.Input("tbl_we", 1)
	tblAddr := m.Input("tbl_addr", aw)
	tblData := m.Input("tbl_wdata", ew)

	// The schedule: v[i] is in_valid i clocks ago.
	v := make([]hdl.Value, Latency+1)
	v[0] = inValid
	for i := 1; i <= Latency; i++ {
		r := m.Reg(fmt.Sprintf("v%d", i), 1)
		r.Next(v[i-1])
		v[i] = r
	}

	// Decode and width rules, from the held inputs.
	d := p.decode(inHdr, inFrom)
	r := p.rules(d, inFrom)

	// The table, read two clocks after in_valid (the address is the held
	// header's decode), as the pipelined block does: a write in clock w is
	// seen by every header presented in clock w-1 or later. It has a word
	// for every address, not only the Interfaces the pipelined block's
	// has, so no port needs an address-range compare (a carry chain per
	// port on iCE40; the block RAM has the words anyway): the words past
	// the table are never used, an egress number past it is absent
	// (destIn) and an ingress number past it BadIngress before its
	// virtual router counts.
	tbl := m.Memory("tbl", ew, 1<<aw)
	tbl.Write(tblWe, tblAddr, tblData)
	to := hdl.Slice(d.dest, aw-1, 0)
	egr := tbl.ReadSync(to)
	ing := tbl.ReadSync(inFrom)

	// Its answer, held from the clock after the read: the block RAM reads
	// every clock, and a caller that keeps in_valid high presents the
	// header again each clock, whose table read must not overtake this
	// one's.
	present, vrBad := p.table(egr, ing, r.destIs1, r.destIn, r.fromIs1)
	hold := func(name string, en, val hdl.Value) *hdl.Signal {
		s := m.Reg(name, val.Width(), hdl.NoReset())
		s.NextIf(en, val)
		return s
	}
	present4 := hold("t_present", v[3], present)
	vrBad4 := hold("t_vrbad", v[3], vrBad)
	port4 := hold("t_port", v[3], hdl.Slice(egr, pb-1, 0))
	tag4 := hold("t_tag", v[3], hdl.Slice(egr, pb+tb-1, pb))

	// The result, in the pipelined block's precedence.
	res := hdl.Priority(hdl.Const(uint64(Forward), ResultBits),
		hdl.When(hdl.OrR(r.errA), r.errA),
		hdl.When(hdl.Not(present4), hdl.Const(uint64(UnknownInterface), ResultBits)),
		hdl.When(hdl.Not(r.retOK), hdl.Const(uint64(ReturnPathInvalid), ResultBits)),
		hdl.When(r.overflow, hdl.Const(uint64(ShiftOverflow), ResultBits)),
		hdl.When(vrBad4, hdl.Const(uint64(VRMismatch), ResultBits)),
	)
	fwd := m.Wire("fwd", 1)
	fwd.Drive(hdl.And(hdl.Not(hdl.OrR(r.errA)), present4, r.retOK, hdl.Not(r.overflow), hdl.Not(vrBad4)))
	sel := m.Wire("hdr_sel", p.cb)
	sel.Drive(hdl.And(hdl.Repl(fwd, p.cb), r.code))
	picked := p.hop(sel, inHdr, inFrom)

	// The results, loaded Latency-1 clocks after in_valid and held.
	out := func(name string, val hdl.Value) *hdl.Signal {
		s := m.Reg(name, val.Width()) // reset: 0 while rst
		s.NextIf(v[Latency-1], val)
		return s
	}
	outRes := out("out_result_r", res)
	outTo := out("out_to_r", hdl.And(hdl.Repl(fwd, aw), to))
	outPort := out("out_port_r", hdl.And(hdl.Repl(fwd, pb), port4))
	outTag := out("out_tag_r", hdl.And(hdl.Repl(fwd, tb), tag4))
	outLbl := out("out_label_r", picked) // {label, labelShift}

	m.Output("out_valid", 1).Drive(v[Latency])
	m.Output("out_result", ResultBits).Drive(outRes)
	m.Output("out_to", aw).Drive(outTo)
	m.Output("out_hdr", HeaderBits).Drive(hdl.Concat(hdl.Slice(outLbl, 69, 6), hdl.Slice(inHdr, labelLo-1, shiftLo+6),
		hdl.Slice(outLbl, 5, 0), hdl.Slice(inHdr, shiftLo-1, 0)))
	m.Output("out_from", aw).Drive(inFrom)
	m.Output("out_port", pb).Drive(outPort)
	m.Output("out_tag", tb).Drive(outTag)
	return m
}
