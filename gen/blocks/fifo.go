package blocks

import (
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// MaxFIFODepth bounds FIFO depth: 64 Ki words is more than any on-chip
// packet buffer of the target FPGAs holds.
const MaxFIFODepth = 1 << 16

// FIFO returns a synchronous first-in first-out queue of depth words of
// width bits with valid/ready handshakes on both sides, the elastic buffer
// between every pair of datapath stages (ingress, label parse, fabric, egress).
//
// Ports (clk and rst implicit):
//
//	in_valid, in_data[width]  -> in_ready     push side: a word moves when in_valid && in_ready
//	out_ready                 -> out_valid, out_data[width]   pop side: a word moves when out_valid && out_ready
//	count[IndexWidth(depth+1)], full, empty, almost_full       occupancy, for flow control upstream
//
// The words live in a memory with one write port and one synchronous
// (registered) read port, so Yosys maps it onto block RAM (iCE40 SB_RAM40_4K
// reads synchronously) instead of spending flip-flops. The read port always
// reads the address of the word that will be at the head after this edge
// and is transparent, so a word written into an empty FIFO appears on
// out_data in the very next cycle: first-word fall-through with one cycle of
// latency and no extra output register.
//
// in_ready is !full and out_valid is !empty, both decoded from the count
// register only: no combinational path runs from out_ready to in_ready, so
// chains of FIFOs do not build long ready paths (the cost is that a full
// FIFO takes no new word in the cycle it pops one). almost_full is
// count >= almostFull: an upstream stage whose request-to-stop takes a few
// cycles stops in time when almostFull = depth - latency.
//
// out_data is meaningful only while out_valid is 1. rst empties the queue
// (pointers and count); like block RAM, the memory itself is not cleared.
//
// Parameters: width 1..MaxDataWidth, depth 1..MaxFIFODepth (any value; the
// pointers wrap at depth), almostFull 1..depth.
func FIFO(width, depth, almostFull int) (*hdl.Module, error) {
	if err := checkRange("fifo", "width", width, 1, MaxDataWidth); err != nil {
		return nil, err
	}
	if err := checkRange("fifo", "depth", depth, 1, MaxFIFODepth); err != nil {
		return nil, err
	}
	if err := checkRange("fifo", "almost_full", almostFull, 1, depth); err != nil {
		return nil, err
	}
	m := hdl.NewGenerated(generator, "fifo", hdl.P("w", width), hdl.P("d", depth), hdl.P("af", almostFull))
	pw := IndexWidth(depth)
	cw := IndexWidth(depth + 1)

	inValid := m.Input("in_valid", 1)
	inData := m.Input("in_data", width)
	outReady := m.Input("out_ready", 1)

	wrPtr := m.Reg("wr_ptr", pw)
	rdPtr := m.Reg("rd_ptr", pw)
	count := m.Reg("count_q", cw)

	full := hdl.Eq(count, hdl.Const(uint64(depth), cw))
	empty := hdl.Eq(count, hdl.Const(0, cw))
	push := m.Wire("push", 1)
	push.Drive(hdl.And(inValid, hdl.Not(full)))
	pop := m.Wire("pop", 1)
	pop.Drive(hdl.And(outReady, hdl.Not(empty)))

	// next wraps a pointer at depth (a power-of-two depth needs no
	// compare, but one expression for every depth keeps the block simple;
	// synthesis folds the constant compare away).
	next := func(p hdl.Value) *hdl.Expr {
		return hdl.Mux(hdl.Eq(p, hdl.Const(uint64(depth-1), pw)), hdl.Const(0, pw), hdl.Add(p, hdl.Const(1, pw)))
	}
	wrPtr.NextIf(push, next(wrPtr))
	rdPtr.NextIf(pop, next(rdPtr))
	// count moves by +1, -1 or 0.
	count.Next(hdl.Case(hdl.Concat(push, pop), count,
		hdl.When(hdl.Const(2, 2), hdl.Add(count, hdl.Const(1, cw))),
		hdl.When(hdl.Const(1, 2), hdl.Sub(count, hdl.Const(1, cw)))))

	mem := m.Memory("mem", width, depth)
	mem.Write(push, wrPtr, inData)
	head := m.Wire("head_addr", pw)
	head.Drive(hdl.Mux(pop, next(rdPtr), rdPtr))
	data := mem.ReadSync(head, hdl.Transparent())

	m.Output("in_ready", 1).Drive(hdl.Not(full))
	m.Output("out_valid", 1).Drive(hdl.Not(empty))
	m.Output("out_data", width).Drive(data)
	m.Output("count", cw).Drive(count)
	m.Output("full", 1).Drive(full)
	m.Output("empty", 1).Drive(empty)
	m.Output("almost_full", 1).Drive(hdl.Ge(count, hdl.Const(uint64(almostFull), cw)))
	return m, nil
}
