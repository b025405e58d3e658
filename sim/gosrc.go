package sim

import (
	_ "embed"
	"fmt"
	"go/format"
	"sort"
	"strings"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// The compiled tier. GenerateGo turns the very program the interpreter
// runs (the instruction slice, register and memory tables New builds)
// into straight-line Go: one statement per instruction, constants as
// immediates, temporaries that live within one function as Go locals the
// compiler keeps in registers, everything else in one fixed global array
// indexed by constants (no bounds checks, no dispatch). The clock edge is
// the interpreter's two-phase update written out register by register.
// sim/compiled builds and drives the result.

//go:embed rt.go
var rtSource string

// chunkStmts is the number of statements per generated function: small
// enough that the Go compiler's SSA passes stay fast and optimise the
// whole function, large enough that call overhead is negligible.
const chunkStmts = 500

// Slot places a named signal in the generated program's state array.
type Slot struct {
	Off   int // first word in the state array
	Width int // bits
	Input bool
}

// MemSlot places a memory of the generated program.
type MemSlot struct {
	Index        int // memory number in the protocol
	Width, Depth int
}

// GoProgram is a design compiled to a self-contained Go program (package
// main, standard library only). The program reads commands on stdin:
//
//	p OFF NW HEX...  set NW state words from OFF (an input port)
//	r 0|1            drive the implicit reset
//	s N              run N clock cycles
//	g OFF NW         print NW state words from OFF (evaluating first)
//	m K I            print word I of memory K
//	o                power on
//	t N              run N clock cycles, print the nanoseconds they took
//	c                print the cycle count
//	a                print the whole state array (evaluating first)
//	q                exit
//
// Words are hexadecimal; every answer is one line.
type GoProgram struct {
	Name    string
	Source  []byte
	Signals map[string]Slot
	Mems    map[string]MemSlot
	// Statements counts the generated evaluation statements (after dead
	// temporaries are dropped), Locals those kept in Go locals.
	Statements, Locals int
}

// GenerateGo compiles d to Go source. Equal designs give equal source.
func GenerateGo(d *hdl.Design) (*GoProgram, error) {
	s, err := NewDesign(d)
	if err != nil {
		return nil, err
	}
	g := &goGen{s: s}
	return g.run(), nil
}

type goGen struct {
	s      *Sim
	b      strings.Builder
	extern map[int32]bool // slots that must stay in the state array
	local  map[int32]bool
	prog   *GoProgram
}

// gstmt is one generated evaluation statement.
type gstmt struct {
	in    *inst // nil for wide ops
	wide  *wideOp
	dst   int32 // narrow destination, -1 for wide
	reads []int32
}

func (g *goGen) run() *GoProgram {
	s := g.s
	n := s.flat
	g.prog = &GoProgram{Name: n.Name, Signals: map[string]Slot{}, Mems: map[string]MemSlot{}}
	g.extern = map[int32]bool{}
	g.local = map[int32]bool{}
	// Slots anything outside the evaluation functions reads or writes.
	for name, id := range s.names {
		g.extern[s.off[id]] = true
		g.prog.Signals[name] = Slot{Off: int(s.off[id]), Width: n.Nets[id].Width, Input: n.Nets[id].Kind == hdl.NetInput}
	}
	for _, p := range n.Ports {
		g.extern[s.off[p.Net]] = true
	}
	for _, r := range s.allRegs() {
		g.markExtern(r.q, r.d, r.en)
	}
	for _, r := range s.reads {
		g.markExtern(r.index, r.valid, r.en, r.data)
	}
	for i, m := range s.mems {
		for _, w := range m.writes {
			g.markExtern(w.en, w.index, w.data)
		}
		g.prog.Mems[m.name] = MemSlot{Index: i, Width: n.Mems[i].Width, Depth: m.depth}
	}
	for i := range s.wide {
		op := &s.wide[i]
		g.markExtern(op.out.off, op.valid)
		for _, o := range op.in {
			g.markExtern(o.off)
		}
	}

	stmts := g.statements()
	chunks := g.chunk(stmts)
	g.header()
	for ci, ch := range chunks {
		g.evalChunk(ci, ch)
	}
	g.line("func eval() {")
	for ci := range chunks {
		g.line("\teval%d()", ci)
	}
	g.line("\tdirty = false")
	g.line("}")
	g.line("")
	g.edge()
	g.powerOn()
	g.prog.Source = []byte(g.b.String())
	// gofmt it for whoever reads it (a failure would show in go build).
	if src, err := format.Source(g.prog.Source); err == nil {
		g.prog.Source = src
	}
	return g.prog
}

func (g *goGen) markExtern(offs ...int32) {
	for _, o := range offs {
		if o >= 0 {
			g.extern[o] = true
		}
	}
}

func (g *goGen) line(format string, args ...any) {
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

// statements lists the evaluation statements with the slots they read.
func (g *goGen) statements() []gstmt {
	s := g.s
	out := make([]gstmt, 0, len(s.prog))
	for i := range s.prog {
		in := &s.prog[i]
		st := gstmt{in: in, dst: in.dst, reads: s.operands(in)}
		if in.op == nWide {
			st = gstmt{wide: &s.wide[in.a], dst: -1, reads: st.reads}
		}
		out = append(out, st)
	}
	return out
}

// chunk splits the statements into functions and decides which slots are
// Go locals: written in one function, read only there, never seen from
// outside. Statements whose result nobody reads are dropped.
func (g *goGen) chunk(stmts []gstmt) [][]gstmt {
	var chunks [][]gstmt
	for len(stmts) > 0 {
		k := min(chunkStmts, len(stmts))
		// A concatenation builds its value over several statements; keep
		// them in one function.
		for k < len(stmts) && stmts[k].in != nil && stmts[k].in.op == nConcatN {
			k++
		}
		chunks = append(chunks, stmts[:k])
		stmts = stmts[k:]
	}
	writer := map[int32]int{}
	readers := map[int32]map[int]int{} // slot -> chunk -> reads
	for ci, ch := range chunks {
		for _, st := range ch {
			for _, r := range st.reads {
				if readers[r] == nil {
					readers[r] = map[int]int{}
				}
				readers[r][ci]++
			}
			if st.dst >= 0 {
				writer[st.dst] = ci
			}
		}
	}
	for slot, ci := range writer {
		if g.extern[slot] {
			continue
		}
		if rs := readers[slot]; len(rs) > 1 || (len(rs) == 1 && rs[ci] == 0) {
			continue
		}
		g.local[slot] = true
	}
	// Drop statements writing locals nobody reads, repeatedly: their
	// operands may have had no other reader.
	for changed := true; changed; {
		changed = false
		for ci, ch := range chunks {
			kept := ch[:0]
			for _, st := range ch {
				if st.dst >= 0 && g.local[st.dst] && len(readers[st.dst]) == 0 {
					for _, r := range st.reads {
						if readers[r][ci]--; readers[r][ci] == 0 {
							delete(readers[r], ci)
						}
					}
					changed = true
					continue
				}
				kept = append(kept, st)
			}
			chunks[ci] = kept
		}
	}
	for _, ch := range chunks {
		g.prog.Statements += len(ch)
	}
	g.prog.Locals = len(g.local)
	return chunks
}

// ref is how generated code reads a narrow slot: constants as
// immediates, locals by name, the rest from the state array.
func (g *goGen) ref(o int32) string {
	if g.s.konst[o] {
		return fmt.Sprintf("%#x", g.s.st[o])
	}
	return g.refVar(o)
}

// refVar is ref without immediates, for places where Go would check a
// constant at compile time (array indices, signed conversions).
func (g *goGen) refVar(o int32) string {
	if g.local[o] {
		return fmt.Sprintf("t%d", o)
	}
	return fmt.Sprintf("st[%d]", o)
}

func (g *goGen) header() {
	s := g.s
	g.line("// Code generated by pktrouter sim.GenerateGo from %s. DO NOT EDIT.", s.flat.Name)
	g.line("")
	g.line("package main")
	g.line("")
	g.line("import (\n\t\"bufio\"\n\t\"fmt\"\n\t\"os\"\n\t\"strconv\"\n\t\"strings\"\n\t\"time\"\n)")
	g.line("")
	rt := rtSource
	rt = rt[strings.Index(rt, "package sim")+len("package sim"):]
	g.b.WriteString(strings.TrimLeft(rt, "\n"))
	g.line("")
	g.b.WriteString(goMain)
	g.line("")
	g.line("var st [%d]uint64", max(len(s.st), 1))
	g.line("var nx [%d]uint64", max(len(s.next), 1))
	g.line("var scratch [%d]uint64", len(s.scratch))
	g.line("var rst, dirty bool")
	g.line("var cycle uint64")
	for i, m := range s.mems {
		g.line("var mem%d [%d]uint64 // %s", i, max(len(m.data), 1), m.name)
	}
	g.line("")
	g.line("var memories = [][]uint64{")
	for i, m := range s.mems {
		g.line("\tmem%d[:], // %d words of %d", i, m.depth, m.nw)
	}
	g.line("}")
	g.line("var memWords = []int{")
	for _, m := range s.mems {
		g.line("\t%d,", m.nw)
	}
	g.line("}")
	g.line("")
	g.line("func mux(s, a, b uint64) uint64 {\n\tif s != 0 {\n\t\treturn a\n\t}\n\treturn b\n}")
	g.line("func udiv(a, b uint64) uint64 {\n\tif b == 0 {\n\t\treturn 0\n\t}\n\treturn a / b\n}")
	g.line("func umod(a, b uint64) uint64 {\n\tif b == 0 {\n\t\treturn 0\n\t}\n\treturn a %% b\n}")
	g.line("func sraV(a, amt uint64, sh, lim uint) uint64 {\n\tif amt > uint64(lim) {\n\t\tamt = uint64(lim)\n\t}\n\treturn uint64(int64(a<<sh) >> (sh + uint(amt)))\n}")
	g.line("")
}

func (g *goGen) evalChunk(ci int, ch []gstmt) {
	g.line("func eval%d() {", ci)
	var locals []int32
	seen := map[int32]bool{}
	for _, st := range ch {
		if st.dst >= 0 && g.local[st.dst] && !seen[st.dst] {
			seen[st.dst] = true
			locals = append(locals, st.dst)
		}
	}
	sort.Slice(locals, func(i, j int) bool { return locals[i] < locals[j] })
	for _, o := range locals {
		g.line("\tvar t%d uint64", o)
	}
	for _, st := range ch {
		if st.wide != nil {
			g.wideStmt(st.wide)
			continue
		}
		g.narrowStmt(st.in)
	}
	g.line("}")
	g.line("")
}

func (g *goGen) narrowStmt(in *inst) {
	a, b, c := g.ref(in.a), "", ""
	if in.b >= 0 {
		b = g.ref(in.b)
	}
	if in.c >= 0 && in.op != nMemRead {
		c = g.ref(in.c)
	}
	dst := g.ref(in.dst)
	mask := func(e string) string {
		if in.mask == ^uint64(0) {
			return e
		}
		return fmt.Sprintf("(%s) & %#x", e, in.mask)
	}
	var e string
	switch in.op {
	case nCopy, nConcat0:
		e = a
	case nAdd:
		e = mask(a + " + " + b)
	case nSub:
		e = mask(a + " - " + b)
	case nMul:
		e = mask(a + " * " + b)
	case nDiv:
		e = fmt.Sprintf("udiv(%s, %s)", a, b)
	case nMod:
		e = fmt.Sprintf("umod(%s, %s)", a, b)
	case nAnd:
		e = a + " & " + b
	case nOr:
		e = a + " | " + b
	case nXor:
		e = a + " ^ " + b
	case nNot:
		e = mask("^" + a)
	case nShl:
		e = mask(fmt.Sprintf("%s << %d", a, in.n))
	case nShr:
		e = fmt.Sprintf("%s >> %d", a, in.n)
	case nSra:
		e = mask(fmt.Sprintf("uint64(int64(%s<<%d) >> %d)", a, in.sh, uint(in.sh)+uint(in.n)))
	case nShlV:
		e = mask(fmt.Sprintf("%s << %s", a, b))
	case nShrV:
		e = fmt.Sprintf("%s >> %s", a, b)
	case nSraV:
		e = mask(fmt.Sprintf("sraV(%s, %s, %d, %d)", a, b, in.sh, 63-in.sh))
	case nEq:
		e = fmt.Sprintf("b2u(%s == %s)", a, b)
	case nNe:
		e = fmt.Sprintf("b2u(%s != %s)", a, b)
	case nLtU:
		e = fmt.Sprintf("b2u(%s < %s)", a, b)
	case nLeU:
		e = fmt.Sprintf("b2u(%s <= %s)", a, b)
	case nLtS:
		e = fmt.Sprintf("b2u(int64(%s<<%d) < int64(%s<<%d))", g.refVar(in.a), in.sh, g.refVar(in.b), in.sh)
	case nLeS:
		e = fmt.Sprintf("b2u(int64(%s<<%d) <= int64(%s<<%d))", g.refVar(in.a), in.sh, g.refVar(in.b), in.sh)
	case nRedAnd:
		e = fmt.Sprintf("b2u(%s == %#x)", a, in.mask)
	case nRedOr:
		e = fmt.Sprintf("b2u(%s != 0)", a)
	case nRedXor:
		e = fmt.Sprintf("uint64(bits.OnesCount64(%s) & 1)", a)
	case nMux:
		e = fmt.Sprintf("mux(%s, %s, %s)", a, b, c)
	case nSlice:
		e = mask(fmt.Sprintf("%s >> %d", a, in.n))
	case nConcatN:
		e = fmt.Sprintf("%s<<%d | %s", dst, in.n, a)
	case nRepl:
		e = fmt.Sprintf("%s * %#x", a, in.mask)
	case nSext:
		e = mask(fmt.Sprintf("uint64(int64(%s<<%d) >> %d)", a, in.sh, in.sh))
	case nAddK:
		e = mask(fmt.Sprintf("%s + %#x", a, in.k))
	case nSubK:
		e = mask(fmt.Sprintf("%s - %#x", a, in.k))
	case nRSubK:
		e = mask(fmt.Sprintf("%#x - %s", in.k, a))
	case nAndK:
		e = fmt.Sprintf("%s & %#x", a, in.k)
	case nOrK:
		e = fmt.Sprintf("%s | %#x", a, in.k)
	case nXorK:
		e = fmt.Sprintf("%s ^ %#x", a, in.k)
	case nEqK:
		e = fmt.Sprintf("b2u(%s == %#x)", a, in.k)
	case nNeK:
		e = fmt.Sprintf("b2u(%s != %#x)", a, in.k)
	case nLtUK:
		e = fmt.Sprintf("b2u(%s < %#x)", a, in.k)
	case nLeUK:
		e = fmt.Sprintf("b2u(%s <= %#x)", a, in.k)
	case nGtUK:
		e = fmt.Sprintf("b2u(%s > %#x)", a, in.k)
	case nGeUK:
		e = fmt.Sprintf("b2u(%s >= %#x)", a, in.k)
	case nMemRead:
		if in.b >= 0 {
			g.line("\tif %s != 0 {\n\t\t%s = mem%d[%s]\n\t} else {\n\t\t%s = 0\n\t}", b, dst, in.c, g.refVar(in.a), dst)
			return
		}
		e = fmt.Sprintf("mem%d[%s]", in.c, g.refVar(in.a))
	default:
		panic(fmt.Sprintf("sim: no Go for opcode %d", in.op))
	}
	g.line("\t%s = %s", dst, e)
}

// span is the state-array slice of a wide operand.
func span(o operand) string {
	return fmt.Sprintf("st[%d:%d]", o.off, int(o.off)+hdl.Words(int(o.w)))
}

func (g *goGen) wideStmt(op *wideOp) {
	d, w := span(op.out), op.out.w
	in := func(i int) string { return span(op.in[i]) }
	iw := func(i int) int32 { return op.in[i].w }
	call := func(format string, args ...any) { g.line("\t"+format, args...) }
	switch op.op {
	case hdl.OpCopy, hdl.OpZext:
		call("wCopy(%s, %s)", d, in(0))
	case hdl.OpSext:
		call("wSext(%s, %s, %d, %d)", d, in(0), iw(0), w)
	case hdl.OpAdd:
		call("wAdd(%s, %s, %s, %d)", d, in(0), in(1), w)
	case hdl.OpSub:
		call("wSub(%s, %s, %s, %d)", d, in(0), in(1), w)
	case hdl.OpMul:
		call("wMul(%s, %s, %s, scratch[:%d], %d)", d, in(0), in(1), hdl.Words(int(w)), w)
	case hdl.OpDiv, hdl.OpMod:
		call("wDivMod(%s, %s, %s, %v)", d, in(0), in(1), op.op == hdl.OpMod)
	case hdl.OpAnd:
		call("wAnd(%s, %s, %s)", d, in(0), in(1))
	case hdl.OpOr:
		call("wOr(%s, %s, %s)", d, in(0), in(1))
	case hdl.OpXor:
		call("wXor(%s, %s, %s)", d, in(0), in(1))
	case hdl.OpNot:
		call("wNot(%s, %s, %d)", d, in(0), w)
	case hdl.OpShl:
		call("shlWords(%s, %s, %d, %d)", d, in(0), op.n, w)
	case hdl.OpShr:
		call("shrWords(%s, %s, %d, %d, false)", d, in(0), op.n, w)
	case hdl.OpSra:
		call("shrWords(%s, %s, %d, %d, true)", d, in(0), op.n, w)
	case hdl.OpShlV:
		call("shlWords(%s, %s, amount(%s, %d), %d)", d, in(0), in(1), w, w)
	case hdl.OpShrV:
		call("shrWords(%s, %s, amount(%s, %d), %d, false)", d, in(0), in(1), w, w)
	case hdl.OpSraV:
		call("shrWords(%s, %s, amount(%s, %d), %d, true)", d, in(0), in(1), w, w)
	case hdl.OpEq:
		call("st[%d] = b2u(cmpU(%s, %s) == 0)", op.out.off, in(0), in(1))
	case hdl.OpNe:
		call("st[%d] = b2u(cmpU(%s, %s) != 0)", op.out.off, in(0), in(1))
	case hdl.OpLtU:
		call("st[%d] = b2u(cmpU(%s, %s) < 0)", op.out.off, in(0), in(1))
	case hdl.OpLeU:
		call("st[%d] = b2u(cmpU(%s, %s) <= 0)", op.out.off, in(0), in(1))
	case hdl.OpLtS:
		call("st[%d] = b2u(cmpS(%s, %s, %d) < 0)", op.out.off, in(0), in(1), iw(0))
	case hdl.OpLeS:
		call("st[%d] = b2u(cmpS(%s, %s, %d) <= 0)", op.out.off, in(0), in(1), iw(0))
	case hdl.OpRedAnd:
		call("st[%d] = wRedAnd(%s, %d)", op.out.off, in(0), iw(0))
	case hdl.OpRedOr:
		call("st[%d] = wRedOr(%s)", op.out.off, in(0))
	case hdl.OpRedXor:
		call("st[%d] = wRedXor(%s)", op.out.off, in(0))
	case hdl.OpMux:
		call("wMux(%s, %s, %s, %s)", d, in(0), in(1), in(2))
	case hdl.OpSlice:
		call("extract(%s, %s, %d, %d)", d, in(0), op.n, w)
	case hdl.OpConcat:
		call("zero(%s)", d)
		pos := int(w)
		for i, o := range op.in {
			pos -= int(o.w)
			call("orInsert(%s, %s, %d, %d)", d, in(i), pos, o.w)
		}
	case hdl.OpRepl:
		call("wRepl(%s, %s, %d, %d)", d, in(0), iw(0), op.n)
	case hdl.OpMemRead:
		nw := g.s.mems[op.mem].nw
		if op.valid >= 0 {
			call("if st[%d] == 0 {\n\t\tzero(%s)\n\t} else {", op.valid, d)
		} else {
			call("{")
		}
		call("\ti := int(st[%d])\n\t\tcopy(%s, mem%d[i*%d:(i+1)*%d])\n\t}", op.in[0].off, d, op.mem, nw, nw)
	default:
		panic(fmt.Sprintf("sim: no Go for wide %s", op.op))
	}
}

// edge writes the interpreter's clock edge out: phase 1 computes every
// next value from the settled state into nx, memory writes land, phase 2
// commits nx.
func (g *goGen) edge() {
	s := g.s
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	words := func(dst string, dOff int32, src string, sOff int32, nw int32) string {
		var b strings.Builder
		for k := int32(0); k < nw; k++ {
			fmt.Fprintf(&b, "%s[%d] = %s[%d]; ", dst, dOff+k, src, sOff+k)
		}
		return b.String()
	}
	for _, r := range s.reads {
		m := &s.mems[r.mem]
		var b strings.Builder
		fmt.Fprintf(&b, "{ ")
		if r.en >= 0 {
			fmt.Fprintf(&b, "if %s == 0 { %s } else ", g.ref(r.en), words("nx", r.stage, "st", r.data, r.nw))
		}
		if r.valid >= 0 {
			var z strings.Builder
			for k := int32(0); k < r.nw; k++ {
				fmt.Fprintf(&z, "nx[%d] = 0; ", r.stage+k)
			}
			fmt.Fprintf(&b, "if %s == 0 { %s } else ", g.ref(r.valid), z.String())
		}
		fmt.Fprintf(&b, "{ idx := st[%d]; ", r.index)
		for k := int32(0); k < r.nw; k++ {
			fmt.Fprintf(&b, "nx[%d] = mem%d[idx*%d+%d]; ", r.stage+k, r.mem, m.nw, k)
		}
		if r.trans {
			for _, w := range m.writes {
				fmt.Fprintf(&b, "if %s != 0 && st[%d] == idx { %s}; ", g.ref(w.en), w.index, words("nx", r.stage, "st", w.data, r.nw))
			}
		}
		fmt.Fprintf(&b, "} }")
		add("%s", b.String())
	}
	for _, r := range s.allRegs() {
		var b strings.Builder
		if r.hasReset {
			fmt.Fprintf(&b, "if rst { ")
			for k := int32(0); k < r.nw; k++ {
				fmt.Fprintf(&b, "nx[%d] = %#x; ", r.stage+k, s.consts[r.reset+k])
			}
			fmt.Fprintf(&b, "} else ")
		}
		if r.en >= 0 {
			fmt.Fprintf(&b, "if %s != 0 { %s } else { %s }", g.ref(r.en), g.regD(r), words("nx", r.stage, "st", r.q, r.nw))
		} else {
			fmt.Fprintf(&b, "{ %s }", g.regD(r))
		}
		add("%s", b.String())
	}
	for i, m := range s.mems {
		for _, w := range m.writes {
			var b strings.Builder
			fmt.Fprintf(&b, "if %s != 0 { idx := st[%d]; ", g.ref(w.en), w.index)
			for k := 0; k < m.nw; k++ {
				fmt.Fprintf(&b, "mem%d[idx*%d+%d] = st[%d]; ", i, m.nw, k, w.data+int32(k))
			}
			fmt.Fprintf(&b, "}")
			add("%s", b.String())
		}
	}
	for _, r := range s.reads {
		add("%s", words("st", r.data, "nx", r.stage, r.nw))
	}
	for _, r := range s.allRegs() {
		add("%s", words("st", r.q, "nx", r.stage, r.nw))
	}
	g.funcs("edge", lines)
	g.line("func edge() {")
	for i := 0; i < (len(lines)+chunkStmts-1)/chunkStmts; i++ {
		g.line("\tedge%d()", i)
	}
	g.line("\tdirty = true")
	g.line("}")
	g.line("")
}

// regD is the statement copying a register's D into its staging slot.
func (g *goGen) regD(r regUp) string {
	var b strings.Builder
	for k := int32(0); k < r.nw; k++ {
		if r.nw == 1 {
			fmt.Fprintf(&b, "nx[%d] = %s; ", r.stage, g.ref(r.d))
		} else {
			fmt.Fprintf(&b, "nx[%d] = st[%d]; ", r.stage+k, r.d+k)
		}
	}
	return b.String()
}

// funcs writes lines as functions prefix0, prefix1, ... of chunkStmts lines.
func (g *goGen) funcs(prefix string, lines []string) {
	for i := 0; i*chunkStmts < len(lines); i++ {
		g.line("func %s%d() {", prefix, i)
		for _, l := range lines[i*chunkStmts : min((i+1)*chunkStmts, len(lines))] {
			g.line("\t%s", l)
		}
		g.line("}")
		g.line("")
	}
}

// powerOn writes the power-on image: constants, initial register values,
// zero inputs and read data, initial memory contents.
func (g *goGen) powerOn() {
	s := g.s
	var lines []string
	for i, v := range s.st {
		if v != 0 {
			lines = append(lines, fmt.Sprintf("st[%d] = %#x", i, v))
		}
	}
	for k, m := range s.mems {
		for i, v := range m.init {
			if v != 0 {
				lines = append(lines, fmt.Sprintf("mem%d[%d] = %#x", k, i, v))
			}
		}
	}
	g.funcs("powerOn", lines)
	g.line("func powerOn() {")
	g.line("\tst = [%d]uint64{}", max(len(s.st), 1))
	for i := range s.mems {
		g.line("\tmem%d = [%d]uint64{}", i, max(len(s.mems[i].data), 1))
	}
	for i := 0; i*chunkStmts < len(lines); i++ {
		g.line("\tpowerOn%d()", i)
	}
	g.line("\trst, dirty, cycle = false, true, 0")
	g.line("}")
}

// goMain is the command loop of every generated program.
const goMain = `func main() {
	powerOn()
	in := bufio.NewReaderSize(os.Stdin, 1<<16)
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()
	fail := func(format string, args ...any) {
		fmt.Fprintf(out, "error "+format+"\n", args...)
		out.Flush()
		os.Exit(2)
	}
	num := func(s string) int {
		v, err := strconv.ParseUint(s, 10, 63)
		if err != nil {
			fail("bad number %q", s)
		}
		return int(v)
	}
	step := func(n int) {
		for i := 0; i < n; i++ {
			if dirty {
				eval()
			}
			edge()
			cycle++
		}
	}
	for {
		if in.Buffered() == 0 {
			out.Flush()
		}
		line, err := in.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "p":
			off, nw := num(f[1]), num(f[2])
			if off+nw > len(st) || len(f) != 3+nw {
				fail("bad poke %q", line)
			}
			for k := 0; k < nw; k++ {
				v, err := strconv.ParseUint(f[3+k], 16, 64)
				if err != nil {
					fail("bad word %q", f[3+k])
				}
				st[off+k] = v
			}
			dirty = true
		case "r":
			rst = f[1] == "1"
		case "s":
			step(num(f[1]))
		case "t":
			t := time.Now()
			step(num(f[1]))
			fmt.Fprintf(out, "%d\n", time.Since(t).Nanoseconds())
		case "g":
			off, nw := num(f[1]), num(f[2])
			if off+nw > len(st) {
				fail("bad peek %q", line)
			}
			if dirty {
				eval()
			}
			for k := 0; k < nw; k++ {
				if k > 0 {
					out.WriteByte(' ')
				}
				out.WriteString(strconv.FormatUint(st[off+k], 16))
			}
			out.WriteByte('\n')
		case "m":
			k, i := num(f[1]), num(f[2])
			if k >= len(memories) || (i+1)*memWords[k] > len(memories[k]) {
				fail("bad memory read %q", line)
			}
			nw := memWords[k]
			for j := 0; j < nw; j++ {
				if j > 0 {
					out.WriteByte(' ')
				}
				out.WriteString(strconv.FormatUint(memories[k][i*nw+j], 16))
			}
			out.WriteByte('\n')
		case "o":
			powerOn()
		case "c":
			fmt.Fprintf(out, "%d\n", cycle)
		case "a":
			if dirty {
				eval()
			}
			for k, v := range st {
				if k > 0 {
					out.WriteByte(' ')
				}
				out.WriteString(strconv.FormatUint(v, 16))
			}
			out.WriteByte('\n')
		case "q":
			return
		default:
			fail("unknown command %q", line)
		}
	}
}
`
