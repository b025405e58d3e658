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
// registered: the valid bits (the schedule), the index table's entries
// (the table may be written while a header is in flight; the pipelined
// block's read-first timing is kept), and the results. The results load
// Latency-1 clocks after in_valid and hold until the next header's
// results: out_result, out_to, out_port, out_tag and the label and
// labelShift of out_hdr. The other header fields (congestion,
// suppress-errors, version, traffic class), which a hop never changes,
// and out_from are the inputs themselves.
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

	// The index table, in one block RAM with one read port: the pipelined
	// block reads the egress and the ingress entry in one clock, two
	// clocks after in_valid, through two ports (two block RAMs). Here a
	// header's first presentation (rise: in_valid after a clock without)
	// reads the ingress entry in its own clock and the egress entry in the
	// next, and each entry then lives in a register that follows the
	// writes to its interface one clock late (the written word is
	// registered, wr_data): a write in clock w is in the register from
	// clock w+2, and the read word, loaded from the read port, is
	// replaced by a write in the clock of the read. So three clocks after
	// in_valid the registers hold the entries as the pipelined block
	// reads them (every write up to the clock after in_valid), and a clock
	// later those for the header presented again in the next clock, and so
	// on. The read port's word is never used when a write to the same
	// word came in the clock of the read, so the block RAM needs no
	// read-during-write bypass (MemNoRWCheck). The table has a word for
	// every address, not only the Interfaces the pipelined block's has, so
	// the port needs no address-range compare (a carry chain on iCE40; the
	// block RAM has the words anyway): the words past the table are never
	// used, an egress number past it is absent (destIn) and an ingress
	// number past it BadIngress before its virtual router counts.
	rise := hdl.And(inValid, hdl.Not(v[1]))
	rise1 := m.Reg("rise1", 1)
	rise1.Next(rise)
	rise2 := m.Reg("rise2", 1)
	rise2.Next(rise1)
	reg := func(name string, val hdl.Value) *hdl.Signal {
		s := m.Reg(name, val.Width(), hdl.NoReset())
		s.Next(val)
		return s
	}
	// The egress number, registered: the decode of the held header, the
	// same from the clock after in_valid on. (Used straight from the
	// decode as the read address and in a compare, it costs Yosys and ABC
	// about 60 more LUT4s.)
	to := reg("egr_to", hdl.Slice(d.dest, aw-1, 0))
	tbl := m.Memory("tbl", ew, 1<<aw, hdl.MemNoRWCheck())
	tbl.Write(tblWe, tblAddr, tblData)
	rd := tbl.ReadSync(hdl.Mux(rise1, to, inFrom))
	wrData := reg("wr_data", tblData)
	// The ingress entry's virtual router: read in the rise clock, its word
	// out in the next.
	ingHit := reg("ing_hit", hdl.And(tblWe, hdl.Eq(tblAddr, inFrom)))
	ingVR := m.Reg("ing_vr", cfg.VRBits, hdl.NoReset())
	ingVR.NextIf(hdl.Or(ingHit, rise1), hdl.Mux(ingHit, p.vr(wrData), p.vr(rd)))
	// The egress entry: read a clock later.
	egrHit := reg("egr_hit", hdl.And(tblWe, hdl.Eq(tblAddr, to)))
	egr := m.Reg("egr_entry", ew, hdl.NoReset())
	egr.NextIf(hdl.Or(egrHit, rise2), hdl.Mux(egrHit, wrData, rd))

	// What the entries say, for the header presented three clocks ago,
	// held for the result: a caller that keeps in_valid high presents the
	// header again each clock, and the entries as its next presentation
	// sees them must not overtake this one's.
	present, vrBad := p.table(egr, ingVR, r.destIs1, r.destIn, r.fromIs1)
	hold := func(name string, val hdl.Value) *hdl.Signal {
		s := m.Reg(name, val.Width(), hdl.NoReset())
		s.NextIf(v[3], val)
		return s
	}
	present4 := hold("t_present", present)
	vrBad4 := hold("t_vrbad", vrBad)
	port4 := hold("t_port", hdl.Slice(egr, pb-1, 0))
	tag4 := hold("t_tag", hdl.Slice(egr, pb+tb-1, pb))

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
