package sim

import "github.com/pktnetwork/pktrouter/gen/hdl"

// Cells whose operands or result are wider than 64 bits run here, through
// the multi-word runtime in rt.go.

// wideOp is one cell evaluated by execWide.
type wideOp struct {
	op    hdl.Op
	out   operand
	in    []operand
	n     int
	mem   int32
	valid int32 // OpMemRead: offset of the valid net, -1 when always valid
}

type operand struct {
	off, w int32
}

func (s *Sim) words(o operand) []uint64 {
	return s.st[o.off : o.off+int32(hdl.Words(int(o.w)))]
}

func (s *Sim) execWide(op *wideOp) {
	d := s.words(op.out)
	w := int(op.out.w)
	in := func(i int) []uint64 { return s.words(op.in[i]) }
	switch op.op {
	case hdl.OpCopy, hdl.OpZext:
		wCopy(d, in(0))
	case hdl.OpSext:
		wSext(d, in(0), int(op.in[0].w), w)
	case hdl.OpAdd:
		wAdd(d, in(0), in(1), w)
	case hdl.OpSub:
		wSub(d, in(0), in(1), w)
	case hdl.OpMul:
		wMul(d, in(0), in(1), s.scratch[:len(d)], w)
	case hdl.OpDiv, hdl.OpMod:
		wDivMod(d, in(0), in(1), op.op == hdl.OpMod)
	case hdl.OpAnd:
		wAnd(d, in(0), in(1))
	case hdl.OpOr:
		wOr(d, in(0), in(1))
	case hdl.OpXor:
		wXor(d, in(0), in(1))
	case hdl.OpNot:
		wNot(d, in(0), w)
	case hdl.OpShl:
		shlWords(d, in(0), op.n, w)
	case hdl.OpShr:
		shrWords(d, in(0), op.n, w, false)
	case hdl.OpSra:
		shrWords(d, in(0), op.n, w, true)
	case hdl.OpShlV:
		shlWords(d, in(0), amount(in(1), w), w)
	case hdl.OpShrV:
		shrWords(d, in(0), amount(in(1), w), w, false)
	case hdl.OpSraV:
		shrWords(d, in(0), amount(in(1), w), w, true)
	case hdl.OpEq:
		d[0] = b2u(cmpU(in(0), in(1)) == 0)
	case hdl.OpNe:
		d[0] = b2u(cmpU(in(0), in(1)) != 0)
	case hdl.OpLtU:
		d[0] = b2u(cmpU(in(0), in(1)) < 0)
	case hdl.OpLeU:
		d[0] = b2u(cmpU(in(0), in(1)) <= 0)
	case hdl.OpLtS:
		d[0] = b2u(cmpS(in(0), in(1), int(op.in[0].w)) < 0)
	case hdl.OpLeS:
		d[0] = b2u(cmpS(in(0), in(1), int(op.in[0].w)) <= 0)
	case hdl.OpRedAnd:
		d[0] = wRedAnd(in(0), int(op.in[0].w))
	case hdl.OpRedOr:
		d[0] = wRedOr(in(0))
	case hdl.OpRedXor:
		d[0] = wRedXor(in(0))
	case hdl.OpMux:
		wMux(d, in(0), in(1), in(2))
	case hdl.OpSlice:
		extract(d, in(0), op.n, w)
	case hdl.OpConcat:
		zero(d)
		pos := w
		for i, o := range op.in {
			pos -= int(o.w)
			orInsert(d, in(i), pos, int(o.w))
		}
	case hdl.OpRepl:
		wRepl(d, in(0), int(op.in[0].w), op.n)
	case hdl.OpMemRead:
		if op.valid >= 0 && s.st[op.valid] == 0 {
			zero(d)
			return
		}
		m := &s.mems[op.mem]
		idx := int(in(0)[0])
		copy(d, m.data[idx*m.nw:(idx+1)*m.nw])
	}
}
