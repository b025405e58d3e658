// Package sim runs gen/hdl designs cycle-accurately in Go.
//
// New compiles the flattened netlist once into a flat instruction slice
// over one []uint64 state array: combinational cells in the static order
// hdl.Schedule computed (each evaluated exactly once per cycle), then a
// two-phase clock edge (every register, synchronous read port and memory
// write computes its next value from the settled state, then all commit),
// so simulation order never changes results. Values up to 64 bits take a
// single-word fast path; wider values are uint64 words with clean upper
// bits. The inner loop uses no maps and no interfaces.
//
// Cells whose operands are all constants are evaluated once at compile
// time (fold) and instructions with one constant operand carry it inline
// (specialize); this folds only the simulator's program, never the emitted
// Verilog.
//
// A cycle is: inputs set with Poke, Step(1) evaluates the combinational
// logic and applies one rising clock edge; Peek evaluates lazily, so it
// always shows the values for the current state and inputs. The implicit
// reset is the port "rst" (RstPort); Reset pulses it for one cycle.
//
// Two tiers run this program: the interpreter here (instant start) and the
// compiled tier, GenerateGo plus sim/compiled, which writes the same
// program out as straight-line Go and builds it natively (several times
// faster after a go build of about a second). Both satisfy Engine.
package sim

import (
	"fmt"
	"math/bits"
	"sort"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

type opcode uint8

const (
	nCopy opcode = iota
	nAdd
	nSub
	nMul
	nDiv
	nMod
	nAnd
	nOr
	nXor
	nNot
	nShl
	nShr
	nSra
	nShlV
	nShrV
	nSraV
	nEq
	nNe
	nLtU
	nLeU
	nLtS
	nLeS
	nRedAnd
	nRedOr
	nRedXor
	nMux
	nSlice
	nConcat0 // dst = a
	nConcatN // dst = dst<<n | a
	nRepl    // dst = a * mask (mask is the replication pattern)
	nSext
	nMemRead
	nWide // s.wide[a]

	// Forms with one constant operand k (made by specialize): one load
	// and one bounds check fewer, for counters (x+1), decoders (x == k)
	// and bit masks.
	nAddK  // (a + k) & mask
	nSubK  // (a - k) & mask
	nRSubK // (k - a) & mask
	nAndK  // a & k
	nOrK   // a | k
	nXorK  // a ^ k
	nEqK   // a == k
	nNeK   // a != k
	nLtUK  // a < k
	nLeUK  // a <= k
	nGtUK  // a > k (k < a)
	nGeUK  // a >= k (k <= a)
)

// inst is one instruction of the narrow (<= 64-bit) fast path.
type inst struct {
	op      opcode
	sh      uint8 // 64 - operand width, for signed ops
	dst     int32
	a, b, c int32
	n       int32
	mask    uint64
	k       uint64 // constant operand of the ...K forms
}

type regUp struct {
	q, d, en int32
	nw       int32
	hasReset bool
	reset    int32 // offset in Sim.consts
	init     int32 // offset in Sim.consts
	stage    int32 // offset in Sim.next
}

type writePort struct {
	en, index, data int32
}

type memState struct {
	name   string
	data   []uint64
	init   []uint64
	nw     int
	depth  int
	writes []writePort
}

type syncRead struct {
	mem                    int32
	index, valid, en, data int32
	nw                     int32
	trans                  bool
	stage                  int32
}

// Engine is what both tiers of the Go simulator offer: this package's
// interpreter (*Sim, instant start) and sim/compiled's native build of the
// same program (*compiled.Sim, several times faster after a go build).
type Engine interface {
	Poke(port string, v uint64) error
	PokeWide(port string, v []uint64) error
	Peek(name string) (uint64, error)
	PeekWide(name string) ([]uint64, error)
	Step(n int)
	Reset()
	PowerOn()
	Cycle() uint64
}

var _ Engine = (*Sim)(nil)

// Sim is the interpreter: one design compiled to an instruction program
// over a state array. It is not safe for
// concurrent use.
type Sim struct {
	design  *hdl.Design
	flat    *hdl.Netlist
	st      []uint64
	off     []int32 // net -> state offset
	prog    []inst
	wide    []wideOp
	regs    []regUp // wider than 64 bits
	narrow  []regUp // one word
	reads   []syncRead
	mems    []memState
	next    []uint64       // staging for the clock edge
	consts  []uint64       // reset and initial values
	konst   map[int32]bool // state slots holding constants (cells and folded results)
	scratch []uint64
	names   map[string]hdl.NetID
	rst     bool
	dirty   bool
	cycle   uint64
	trace   *vcd
}

// New builds m (see hdl.Module.Build) and compiles it for simulation.
func New(m *hdl.Module) (*Sim, error) {
	d, err := m.Build()
	if err != nil {
		return nil, err
	}
	return NewDesign(d)
}

// NewDesign compiles an already built design.
func NewDesign(d *hdl.Design) (*Sim, error) {
	if d == nil || d.Flat == nil {
		return nil, fmt.Errorf("sim: nil design")
	}
	s := &Sim{design: d, flat: d.Flat, names: map[string]hdl.NetID{}}
	if err := s.compile(); err != nil {
		return nil, err
	}
	s.PowerOn()
	return s, nil
}

func (s *Sim) compile() error {
	n := s.flat
	// Copies of equal width share their source's slot.
	alias := make([]hdl.NetID, len(n.Nets))
	for i := range alias {
		alias[i] = hdl.NetID(i)
	}
	skip := make([]bool, len(n.Cells))
	for _, ci := range s.design.Order {
		c := n.Cells[ci]
		if c.Op == hdl.OpCopy && n.Nets[c.In[0]].Width == n.Nets[c.Out].Width {
			alias[c.Out] = alias[c.In[0]]
			skip[ci] = true
		}
	}
	s.off = make([]int32, len(n.Nets))
	size := 0
	maxW := 1
	for i, net := range n.Nets {
		if alias[i] == hdl.NetID(i) {
			s.off[i] = int32(size)
			size += hdl.Words(net.Width)
		}
		maxW = max(maxW, hdl.Words(net.Width))
	}
	for i := range n.Nets {
		s.off[i] = s.off[alias[i]]
	}
	s.st = make([]uint64, size)
	s.scratch = make([]uint64, maxW)
	for i, net := range n.Nets {
		if net.Name != "" {
			if _, dup := s.names[net.Name]; !dup {
				s.names[net.Name] = hdl.NetID(i)
			}
		}
	}
	// Constants live in the state array and are never recomputed.
	s.konst = map[int32]bool{}
	for _, c := range n.Cells {
		if c.Op == hdl.OpConst {
			copy(s.st[s.off[c.Out]:], c.Value)
			s.konst[s.off[c.Out]] = true
		}
	}
	for _, ci := range s.design.Order {
		c := n.Cells[ci]
		if skip[ci] || c.Op == hdl.OpConst {
			continue
		}
		s.compileCell(c)
	}
	s.fold()
	s.specialize()
	addConst := func(v []uint64, w int) int32 {
		o := int32(len(s.consts))
		s.consts = append(s.consts, make([]uint64, hdl.Words(w))...)
		copy(s.consts[o:], v)
		return o
	}
	stage := int32(0)
	for _, m := range n.Mems {
		ms := memState{name: m.Name, nw: hdl.Words(m.Width), depth: m.Depth}
		ms.init = make([]uint64, ms.nw*m.Depth)
		for i, word := range m.Init {
			copy(ms.init[i*ms.nw:], word)
		}
		ms.data = make([]uint64, len(ms.init))
		for _, w := range m.Writes {
			ms.writes = append(ms.writes, writePort{en: s.off[w.En], index: s.off[w.Index], data: s.off[w.Data]})
		}
		s.mems = append(s.mems, ms)
	}
	for mi, m := range n.Mems {
		for _, r := range m.Reads {
			if !r.Sync {
				continue
			}
			sr := syncRead{mem: int32(mi), index: s.off[r.Index], valid: s.optOff(r.Valid), en: s.optOff(r.En),
				data: s.off[r.Data], nw: int32(hdl.Words(m.Width)), trans: r.Transparent, stage: stage}
			stage += sr.nw
			s.reads = append(s.reads, sr)
		}
	}
	for _, r := range n.Regs {
		w := n.Nets[r.Q].Width
		ru := regUp{q: s.off[r.Q], d: s.off[r.D], en: s.optOff(r.En), nw: int32(hdl.Words(w)), hasReset: r.HasReset,
			reset: addConst(r.Reset, w), init: addConst(r.Init, w), stage: stage}
		stage += ru.nw
		if ru.nw == 1 {
			s.narrow = append(s.narrow, ru)
		} else {
			s.regs = append(s.regs, ru)
		}
	}
	s.next = make([]uint64, stage)
	return nil
}

// allRegs lists the one-word registers, then the wider ones.
func (s *Sim) allRegs() []regUp {
	return append(append([]regUp(nil), s.narrow...), s.regs...)
}

func (s *Sim) optOff(id hdl.NetID) int32 {
	if id == hdl.NoNet {
		return -1
	}
	return s.off[id]
}

var narrowOps = map[hdl.Op]opcode{hdl.OpCopy: nCopy, hdl.OpZext: nCopy, hdl.OpAdd: nAdd, hdl.OpSub: nSub, hdl.OpMul: nMul,
	hdl.OpDiv: nDiv, hdl.OpMod: nMod, hdl.OpAnd: nAnd, hdl.OpOr: nOr, hdl.OpXor: nXor, hdl.OpNot: nNot,
	hdl.OpShl: nShl, hdl.OpShr: nShr, hdl.OpSra: nSra, hdl.OpShlV: nShlV, hdl.OpShrV: nShrV, hdl.OpSraV: nSraV,
	hdl.OpEq: nEq, hdl.OpNe: nNe, hdl.OpLtU: nLtU, hdl.OpLeU: nLeU, hdl.OpLtS: nLtS, hdl.OpLeS: nLeS,
	hdl.OpRedAnd: nRedAnd, hdl.OpRedOr: nRedOr, hdl.OpRedXor: nRedXor, hdl.OpMux: nMux, hdl.OpSlice: nSlice,
	hdl.OpSext: nSext, hdl.OpMemRead: nMemRead}

func (s *Sim) compileCell(c hdl.Cell) {
	n := s.flat
	w := n.Nets[c.Out].Width
	narrow := w <= 64
	for _, in := range c.In {
		narrow = narrow && n.Nets[in].Width <= 64
	}
	if c.Op == hdl.OpMemRead {
		narrow = narrow && n.Mems[c.Mem].Width <= 64
	}
	if !narrow {
		op := wideOp{op: c.Op, out: operand{s.off[c.Out], int32(w)}, n: c.N, mem: int32(c.Mem), valid: -1}
		for _, in := range c.In {
			op.in = append(op.in, operand{s.off[in], int32(n.Nets[in].Width)})
		}
		if c.Op == hdl.OpMemRead {
			op.in = op.in[:1]
			if len(c.In) > 1 {
				op.valid = s.off[c.In[1]]
			}
		}
		s.wide = append(s.wide, op)
		s.prog = append(s.prog, inst{op: nWide, a: int32(len(s.wide) - 1)})
		return
	}
	in := func(i int) int32 { return s.off[c.In[i]] }
	inW := func(i int) int { return n.Nets[c.In[i]].Width }
	ins := inst{dst: s.off[c.Out], mask: hdl.TopMask(w), n: int32(c.N), b: -1, c: -1}
	switch c.Op {
	case hdl.OpConcat:
		for i := range c.In {
			op := nConcatN
			if i == 0 {
				op = nConcat0
			}
			s.prog = append(s.prog, inst{op: op, dst: ins.dst, a: in(i), n: int32(inW(i))})
		}
		return
	case hdl.OpRepl:
		var pat uint64
		for k := 0; k < c.N; k++ {
			pat |= 1 << uint(k*inW(0))
		}
		s.prog = append(s.prog, inst{op: nRepl, dst: ins.dst, a: in(0), mask: pat})
		return
	}
	ins.op = narrowOps[c.Op]
	ins.a = in(0)
	if len(c.In) > 1 {
		ins.b = in(1)
	}
	if len(c.In) > 2 {
		ins.c = in(2)
	}
	ins.sh = uint8(64 - inW(0))
	switch c.Op {
	case hdl.OpRedAnd:
		ins.mask = hdl.TopMask(inW(0))
	case hdl.OpMemRead:
		ins.c = int32(c.Mem)
	case hdl.OpSra:
		ins.sh = uint8(64 - w)
	}
	s.prog = append(s.prog, ins)
}

// eval settles the combinational logic.
func (s *Sim) eval() {
	s.exec(s.prog)
	s.dirty = false
}

// exec runs instructions in order over the state array.
func (s *Sim) exec(prog []inst) {
	st := s.st
	for i := range prog {
		in := &prog[i]
		switch in.op {
		case nCopy:
			st[in.dst] = st[in.a]
		case nAdd:
			st[in.dst] = (st[in.a] + st[in.b]) & in.mask
		case nSub:
			st[in.dst] = (st[in.a] - st[in.b]) & in.mask
		case nMul:
			st[in.dst] = (st[in.a] * st[in.b]) & in.mask
		case nDiv:
			if d := st[in.b]; d != 0 {
				st[in.dst] = st[in.a] / d
			} else {
				st[in.dst] = 0
			}
		case nMod:
			if d := st[in.b]; d != 0 {
				st[in.dst] = st[in.a] % d
			} else {
				st[in.dst] = 0
			}
		case nAnd:
			st[in.dst] = st[in.a] & st[in.b]
		case nOr:
			st[in.dst] = st[in.a] | st[in.b]
		case nXor:
			st[in.dst] = st[in.a] ^ st[in.b]
		case nNot:
			st[in.dst] = ^st[in.a] & in.mask
		case nShl:
			st[in.dst] = (st[in.a] << uint(in.n)) & in.mask
		case nShr:
			st[in.dst] = st[in.a] >> uint(in.n)
		case nSra:
			st[in.dst] = uint64(int64(st[in.a]<<in.sh)>>(uint(in.sh)+uint(in.n))) & in.mask
		case nShlV:
			st[in.dst] = (st[in.a] << st[in.b]) & in.mask
		case nShrV:
			st[in.dst] = st[in.a] >> st[in.b]
		case nSraV:
			amt := st[in.b]
			if lim := uint64(63 - in.sh); amt > lim {
				amt = lim
			}
			st[in.dst] = uint64(int64(st[in.a]<<in.sh)>>(uint(in.sh)+uint(amt))) & in.mask
		case nEq:
			st[in.dst] = b2u(st[in.a] == st[in.b])
		case nNe:
			st[in.dst] = b2u(st[in.a] != st[in.b])
		case nLtU:
			st[in.dst] = b2u(st[in.a] < st[in.b])
		case nLeU:
			st[in.dst] = b2u(st[in.a] <= st[in.b])
		case nLtS:
			st[in.dst] = b2u(int64(st[in.a]<<in.sh) < int64(st[in.b]<<in.sh))
		case nLeS:
			st[in.dst] = b2u(int64(st[in.a]<<in.sh) <= int64(st[in.b]<<in.sh))
		case nRedAnd:
			st[in.dst] = b2u(st[in.a] == in.mask)
		case nRedOr:
			st[in.dst] = b2u(st[in.a] != 0)
		case nRedXor:
			st[in.dst] = uint64(bits.OnesCount64(st[in.a]) & 1)
		case nMux:
			if st[in.a] != 0 {
				st[in.dst] = st[in.b]
			} else {
				st[in.dst] = st[in.c]
			}
		case nSlice:
			st[in.dst] = (st[in.a] >> uint(in.n)) & in.mask
		case nConcat0:
			st[in.dst] = st[in.a]
		case nConcatN:
			st[in.dst] = st[in.dst]<<uint(in.n) | st[in.a]
		case nRepl:
			st[in.dst] = st[in.a] * in.mask
		case nSext:
			st[in.dst] = uint64(int64(st[in.a]<<in.sh)>>in.sh) & in.mask
		case nMemRead:
			if in.b >= 0 && st[in.b] == 0 {
				st[in.dst] = 0
			} else {
				st[in.dst] = s.mems[in.c].data[st[in.a]]
			}
		case nWide:
			s.execWide(&s.wide[in.a])
		case nAddK:
			st[in.dst] = (st[in.a] + in.k) & in.mask
		case nSubK:
			st[in.dst] = (st[in.a] - in.k) & in.mask
		case nRSubK:
			st[in.dst] = (in.k - st[in.a]) & in.mask
		case nAndK:
			st[in.dst] = st[in.a] & in.k
		case nOrK:
			st[in.dst] = st[in.a] | in.k
		case nXorK:
			st[in.dst] = st[in.a] ^ in.k
		case nEqK:
			st[in.dst] = b2u(st[in.a] == in.k)
		case nNeK:
			st[in.dst] = b2u(st[in.a] != in.k)
		case nLtUK:
			st[in.dst] = b2u(st[in.a] < in.k)
		case nLeUK:
			st[in.dst] = b2u(st[in.a] <= in.k)
		case nGtUK:
			st[in.dst] = b2u(st[in.a] > in.k)
		case nGeUK:
			st[in.dst] = b2u(st[in.a] >= in.k)
		}
	}
}

// specialize rewrites two-operand instructions with one constant operand
// into their ...K forms (the constant moves into the instruction).
func (s *Sim) specialize() {
	type form struct{ bConst, aConst opcode } // 0: no form
	forms := map[opcode]form{
		nAdd: {nAddK, nAddK}, nSub: {nSubK, nRSubK}, nAnd: {nAndK, nAndK}, nOr: {nOrK, nOrK}, nXor: {nXorK, nXorK},
		nEq: {nEqK, nEqK}, nNe: {nNeK, nNeK}, nLtU: {nLtUK, nGtUK}, nLeU: {nLeUK, nGeUK},
	}
	for i := range s.prog {
		in := &s.prog[i]
		f, ok := forms[in.op]
		if !ok {
			continue
		}
		switch {
		case s.konst[in.b]:
			in.op, in.k = f.bConst, s.st[in.b]
		case s.konst[in.a]:
			in.op, in.k, in.a = f.aConst, s.st[in.a], in.b
		default:
			continue
		}
		in.b = -1
	}
}

// operands lists the state slots an instruction reads (a concatenation
// step's read of its own partial result excluded).
func (s *Sim) operands(in *inst) []int32 {
	switch in.op {
	case nWide:
		op := &s.wide[in.a]
		r := make([]int32, 0, len(op.in)+1)
		for _, o := range op.in {
			r = append(r, o.off)
		}
		if op.valid >= 0 {
			r = append(r, op.valid)
		}
		return r
	case nCopy, nNot, nShl, nShr, nSra, nRedAnd, nRedOr, nRedXor, nSlice, nConcat0, nConcatN, nRepl, nSext,
		nAddK, nSubK, nRSubK, nAndK, nOrK, nXorK, nEqK, nNeK, nLtUK, nLeUK, nGtUK, nGeUK:
		return []int32{in.a}
	case nMux:
		return []int32{in.a, in.b, in.c}
	case nMemRead:
		if in.b >= 0 {
			return []int32{in.a, in.b}
		}
		return []int32{in.a}
	}
	return []int32{in.a, in.b}
}

// fold evaluates once, at compile time, every instruction (or whole
// concatenation) whose operands are all constants, and drops it from the
// program; its result stays in the state array as one more constant.
// Only the simulator's program is folded: the emitted Verilog keeps the
// expressions as the generator wrote them.
func (s *Sim) fold() {
	kept := s.prog[:0:0]
	for i := 0; i < len(s.prog); {
		j := i + 1
		if s.prog[i].op == nConcat0 {
			for j < len(s.prog) && s.prog[j].op == nConcatN && s.prog[j].dst == s.prog[i].dst {
				j++
			}
		}
		group := s.prog[i:j]
		i = j
		foldable := true
		for k := range group {
			in := &group[k]
			if in.op == nMemRead || in.op == nWide && s.wide[in.a].op == hdl.OpMemRead {
				foldable = false
				break
			}
			for _, r := range s.operands(in) {
				foldable = foldable && s.konst[r]
			}
		}
		if !foldable {
			kept = append(kept, group...)
			continue
		}
		s.exec(group)
		dst := group[0].dst
		if group[0].op == nWide {
			dst = s.wide[group[0].a].out.off
		}
		s.konst[dst] = true
	}
	s.prog = kept
}

// edge applies one rising clock edge to the settled state: every next
// value is computed first (phase 1), then all are committed (phase 2).
func (s *Sim) edge() {
	st, nx := s.st, s.next
	for i := range s.reads {
		r := &s.reads[i]
		dst := nx[r.stage : r.stage+r.nw]
		if r.en >= 0 && st[r.en] == 0 {
			copy(dst, st[r.data:r.data+r.nw])
			continue
		}
		if r.valid >= 0 && st[r.valid] == 0 {
			zero(dst)
			continue
		}
		m := &s.mems[r.mem]
		idx := st[r.index]
		copy(dst, m.data[int(idx)*m.nw:(int(idx)+1)*m.nw])
		if r.trans {
			for _, w := range m.writes {
				if st[w.en] != 0 && st[w.index] == idx {
					copy(dst, st[w.data:w.data+r.nw])
				}
			}
		}
	}
	rst := s.rst
	for i := range s.narrow {
		r := &s.narrow[i]
		switch {
		case rst && r.hasReset:
			nx[r.stage] = s.consts[r.reset]
		case r.en < 0 || st[r.en] != 0:
			nx[r.stage] = st[r.d]
		default:
			nx[r.stage] = st[r.q]
		}
	}
	for i := range s.regs {
		r := &s.regs[i]
		dst := nx[r.stage : r.stage+r.nw]
		switch {
		case s.rst && r.hasReset:
			copy(dst, s.consts[r.reset:r.reset+r.nw])
		case r.en < 0 || st[r.en] != 0:
			copy(dst, st[r.d:r.d+r.nw])
		default:
			copy(dst, st[r.q:r.q+r.nw])
		}
	}
	for i := range s.mems {
		m := &s.mems[i]
		for _, w := range m.writes {
			if st[w.en] != 0 {
				idx := int(st[w.index])
				copy(m.data[idx*m.nw:(idx+1)*m.nw], st[w.data:int(w.data)+m.nw])
			}
		}
	}
	for i := range s.reads {
		r := &s.reads[i]
		copy(st[r.data:r.data+r.nw], nx[r.stage:r.stage+r.nw])
	}
	for i := range s.narrow {
		r := &s.narrow[i]
		st[r.q] = nx[r.stage]
	}
	for i := range s.regs {
		r := &s.regs[i]
		copy(st[r.q:r.q+r.nw], nx[r.stage:r.stage+r.nw])
	}
	s.dirty = true
}

// PowerOn returns the design to its power-on state: every register and
// memory word takes its initial value, synchronous read data is 0, inputs
// are 0 and the cycle count restarts. (Reset, by contrast, is the
// hardware's rst.)
func (s *Sim) PowerOn() {
	for _, in := range s.flat.Ports {
		if in.Dir == hdl.In {
			o := s.off[in.Net]
			zero(s.st[o : o+int32(hdl.Words(s.flat.Nets[in.Net].Width))])
		}
	}
	for _, r := range s.allRegs() {
		copy(s.st[r.q:r.q+r.nw], s.consts[r.init:r.init+r.nw])
	}
	for _, r := range s.reads {
		zero(s.st[r.data : r.data+r.nw])
	}
	for i := range s.mems {
		copy(s.mems[i].data, s.mems[i].init)
	}
	s.rst = false
	s.cycle = 0
	s.dirty = true
}

// Step runs n clock cycles with the current inputs.
func (s *Sim) Step(n int) {
	for i := 0; i < n; i++ {
		if s.dirty {
			s.eval()
		}
		if s.trace != nil {
			s.trace.sample(s, 10*s.cycle+5, false)
		}
		s.edge()
		s.cycle++
		if s.trace != nil {
			s.eval()
			s.trace.sample(s, 10*s.cycle, true)
		}
	}
}

// Reset holds rst high for one clock cycle, then releases it (whatever
// was poked into rst before).
func (s *Sim) Reset() {
	s.rst = true
	s.Step(1)
	s.rst = false
}

// Cycle is the number of clock edges since power-on.
func (s *Sim) Cycle() uint64 { return s.cycle }

// Design is the built design being simulated.
func (s *Sim) Design() *hdl.Design { return s.design }

func (s *Sim) lookup(name string) (hdl.NetID, error) {
	id, ok := s.names[name]
	if !ok {
		return hdl.NoNet, fmt.Errorf("sim: no signal %q in %s", name, s.flat.Name)
	}
	return id, nil
}

func (s *Sim) input(name string) (hdl.NetID, error) {
	id, err := s.lookup(name)
	if err != nil {
		return id, err
	}
	if s.flat.Nets[id].Kind != hdl.NetInput {
		return hdl.NoNet, fmt.Errorf("sim: %q is not an input port of %s", name, s.flat.Name)
	}
	return id, nil
}

// RstPort is the implicit synchronous reset every design has (gen/hdl
// declares no rst net; the emitter adds the port). Poke(RstPort, 1) holds
// reset for the following clock edges until Poke(RstPort, 0), the way a
// testbench drives the pin; Reset is the one-cycle shorthand.
const RstPort = "rst"

// Poke sets an input port to v. It fails for unknown ports, non-inputs
// and values wider than the port (nothing is truncated silently). The
// implicit reset is the port "rst".
func (s *Sim) Poke(port string, v uint64) error {
	return s.PokeWide(port, []uint64{v})
}

// PokeWide sets an input port from little-endian 64-bit words.
func (s *Sim) PokeWide(port string, v []uint64) error {
	if _, named := s.names[port]; !named && port == RstPort {
		r, err := rstValue(v)
		if err != nil {
			return err
		}
		s.rst = r
		return nil
	}
	id, err := s.input(port)
	if err != nil {
		return err
	}
	w := s.flat.Nets[id].Width
	nw := hdl.Words(w)
	for i, x := range v {
		top := ^uint64(0)
		switch {
		case i == nw-1:
			top = hdl.TopMask(w)
		case i >= nw:
			top = 0
		}
		if x&^top != 0 {
			return fmt.Errorf("sim: value %s does not fit %d-bit input %q", hdl.BigFromWords(v), w, port)
		}
	}
	o := s.off[id]
	dst := s.st[o : o+int32(nw)]
	zero(dst)
	copy(dst, v)
	s.dirty = true
	return nil
}

// Peek reads any named signal: a port, wire, register, memory read port
// (mem_rdN) or instance output; inside instances use dotted paths
// ("u0.count"). Values wider than 64 bits give their low word; use PeekWide.
func (s *Sim) Peek(name string) (uint64, error) {
	v, err := s.PeekWide(name)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// PeekWide reads a named signal as little-endian words (a fresh slice).
func (s *Sim) PeekWide(name string) ([]uint64, error) {
	if _, named := s.names[name]; !named && name == RstPort {
		return []uint64{b2u(s.rst)}, nil
	}
	id, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	if s.dirty {
		s.eval()
	}
	o := s.off[id]
	return append([]uint64(nil), s.st[o:o+int32(hdl.Words(s.flat.Nets[id].Width))]...), nil
}

// rstValue checks a value poked into the 1-bit reset.
func rstValue(v []uint64) (bool, error) {
	for i, x := range v {
		if x > 1 || (i > 0 && x != 0) {
			return false, fmt.Errorf("sim: value %s does not fit 1-bit input %q", hdl.BigFromWords(v), RstPort)
		}
	}
	return len(v) > 0 && v[0] == 1, nil
}

// Width is the width of a named signal.
func (s *Sim) Width(name string) (int, error) {
	if _, named := s.names[name]; !named && name == RstPort {
		return 1, nil
	}
	id, err := s.lookup(name)
	if err != nil {
		return 0, err
	}
	return s.flat.Nets[id].Width, nil
}

// Signals lists every named signal, sorted.
func (s *Sim) Signals() []string {
	out := make([]string, 0, len(s.names))
	for name := range s.names {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// ReadMem reads word i of a memory (dotted path inside instances).
func (s *Sim) ReadMem(mem string, i int) ([]uint64, error) {
	for k := range s.mems {
		m := &s.mems[k]
		if m.name == mem {
			if i < 0 || i >= m.depth {
				return nil, fmt.Errorf("sim: memory %q has no word %d (depth %d)", mem, i, m.depth)
			}
			return append([]uint64(nil), m.data[i*m.nw:(i+1)*m.nw]...), nil
		}
	}
	return nil, fmt.Errorf("sim: no memory %q", mem)
}
