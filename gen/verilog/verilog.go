// Package verilog emits the netlists of package gen/hdl as deterministic,
// lint-clean Verilog-2005 for Yosys, Verilator and Icarus.
//
// The output follows the pitfalls others hit: one operator per assign into a
// wire of exact width (so Verilog's context-dependent widths and signedness
// never apply), $signed() only on such wires, sized literals everywhere,
// every register and memory word initialised, undefined cases (division by
// zero, out-of-range memory addresses) guarded so every simulator agrees,
// and one canonical pattern per memory port kind. Same input, same bytes.
package verilog

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// Options tune the emitted text.
type Options struct {
	// Version is the pktrouter version written in each header ("dev" if empty).
	Version string
}

func (o Options) version() string {
	if o.Version == "" {
		return "dev"
	}
	return o.Version
}

// File is one emitted Verilog file holding one module.
type File struct {
	Name   string // <module>.v
	Module string
	Data   []byte
}

// Emit builds m and writes every module of its hierarchy (submodules first,
// each once) to w as one Verilog file.
func Emit(w io.Writer, m *hdl.Module, opt Options) error {
	d, err := m.Build()
	if err != nil {
		return err
	}
	return EmitDesign(w, d, opt)
}

// EmitDesign writes every module of a built design to w as one file:
// `default_nettype none first, `default_nettype wire restored at the end.
func EmitDesign(w io.Writer, d *hdl.Design, opt Options) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("`default_nettype none\n")
	for _, n := range d.Modules {
		bw.WriteString("\n")
		writeModule(bw, n, opt)
	}
	bw.WriteString("\n`default_nettype wire\n")
	return bw.Flush()
}

// Files renders each module of a built design as its own file named after
// the module (what Verilator's DECLFILENAME lint expects), in d.Modules order.
func Files(d *hdl.Design, opt Options) []File {
	out := make([]File, 0, len(d.Modules))
	for _, n := range d.Modules {
		out = append(out, File{Name: n.Name + ".v", Module: n.Name, Data: ModuleFile(n, opt)})
	}
	return out
}

// ModuleFile renders one lowered module as a complete file.
func ModuleFile(n *hdl.Netlist, opt Options) []byte {
	var b bytes.Buffer
	bw := bufio.NewWriter(&b)
	bw.WriteString("`default_nettype none\n\n")
	writeModule(bw, n, opt)
	bw.WriteString("\n`default_nettype wire\n")
	bw.Flush()
	return b.Bytes()
}

// lit renders a sized hex literal.
func lit(v []uint64, w int) string { return fmt.Sprintf("%d'h%s", w, hdl.FormatHex(v, w)) }

func rng(w int) string {
	if w == 1 {
		return ""
	}
	return fmt.Sprintf("[%d:0] ", w-1)
}

type emitter struct {
	n        *hdl.Netlist
	b        *bufio.Writer
	names    []string
	constOf  []int // cell index of the OpConst driving a temp, or -1
	driver   []int
	unused   []bool // some bits never read
	declared []bool
}

func writeModule(b *bufio.Writer, n *hdl.Netlist, opt Options) {
	e := &emitter{n: n, b: b}
	e.analyse()
	e.header(opt)
	e.ports()
	e.decls()
	e.initials()
	e.assigns()
	e.regs()
	e.mems()
	e.insts()
	b.WriteString("endmodule\n")
}

func (e *emitter) analyse() {
	n := e.n
	e.names = make([]string, len(n.Nets))
	e.constOf = make([]int, len(n.Nets))
	e.driver = make([]int, len(n.Nets))
	for i, net := range n.Nets {
		e.constOf[i], e.driver[i] = -1, -1
		e.names[i] = net.Name
		if net.Name == "" {
			e.names[i] = fmt.Sprintf("_t%d", i)
		}
	}
	for i, c := range n.Cells {
		e.driver[c.Out] = i
		if c.Op == hdl.OpConst && n.Nets[c.Out].Kind == hdl.NetTemp {
			e.constOf[c.Out] = i
		}
	}
	used := make([][]uint64, len(n.Nets))
	for i, net := range n.Nets {
		used[i] = make([]uint64, hdl.Words(net.Width))
	}
	mark := func(id hdl.NetID, lo, w int) {
		if id == hdl.NoNet {
			return
		}
		for bit := lo; bit < lo+w; bit++ {
			used[id][bit/64] |= 1 << uint(bit%64)
		}
	}
	all := func(id hdl.NetID) {
		if id != hdl.NoNet {
			mark(id, 0, n.Nets[id].Width)
		}
	}
	for _, c := range n.Cells {
		for _, in := range c.In {
			if c.Op == hdl.OpSlice {
				mark(in, c.N, n.Nets[c.Out].Width)
			} else {
				all(in)
			}
		}
	}
	for _, r := range n.Regs {
		all(r.D)
		all(r.En)
	}
	for _, m := range n.Mems {
		for _, w := range m.Writes {
			all(w.En)
			all(w.Index)
			all(w.Data)
		}
		for _, r := range m.Reads {
			all(r.Index)
			all(r.Valid)
			all(r.En)
		}
	}
	for _, in := range n.Insts {
		for _, c := range in.Conns {
			if c.Dir == hdl.In {
				all(c.Net)
			}
		}
	}
	for _, p := range n.Ports {
		if p.Dir == hdl.Out {
			all(p.Net)
		}
	}
	e.unused = make([]bool, len(n.Nets))
	for i, net := range n.Nets {
		for k, word := range used[i] {
			want := ^uint64(0)
			if k == len(used[i])-1 {
				want = hdl.TopMask(net.Width)
			}
			if word != want {
				e.unused[i] = true
			}
		}
	}
}

// ref is how an operand is written: a literal for an unnamed constant,
// otherwise the net's name.
func (e *emitter) ref(id hdl.NetID) string {
	if c := e.constOf[id]; c >= 0 {
		return lit(e.n.Cells[c].Value, e.n.Nets[id].Width)
	}
	return e.names[id]
}

func (e *emitter) signed(id hdl.NetID) string { return "$signed(" + e.ref(id) + ")" }

func (e *emitter) header(opt Options) {
	n, b := e.n, e.b
	gen := n.Generator
	if gen == "" {
		gen = "gen/hdl"
	}
	fmt.Fprintf(b, "// %s: generated by pktrouter %s. Do not edit; regenerate instead.\n", n.Name, gen)
	if len(n.Params) == 0 {
		b.WriteString("// Parameters: none\n")
	} else {
		var ps []string
		for _, p := range n.Params {
			ps = append(ps, fmt.Sprintf("%s=%v", p.Name, p.Value))
		}
		fmt.Fprintf(b, "// Parameters: %s\n", strings.Join(ps, ", "))
	}
	fmt.Fprintf(b, "// pktrouter version: %s\n", opt.version())
}

const (
	waiveOn  = "/* verilator lint_off UNUSEDSIGNAL */"
	waiveOff = "/* verilator lint_on UNUSEDSIGNAL */"
)

func (e *emitter) ports() {
	n, b := e.n, e.b
	type line struct {
		text   string
		unused bool
	}
	var lines []line
	if n.UsesClk {
		lines = append(lines, line{text: "input  wire clk"})
	}
	if n.UsesRst {
		lines = append(lines, line{text: "input  wire rst"})
	}
	for _, p := range n.Ports {
		net := n.Nets[p.Net]
		dir := "input "
		if p.Dir == hdl.Out {
			dir = "output"
		}
		lines = append(lines, line{text: fmt.Sprintf("%s wire %s%s", dir, rng(net.Width), p.Name), unused: p.Dir == hdl.In && e.unused[p.Net]})
	}
	if len(lines) == 0 {
		fmt.Fprintf(b, "module %s;\n", n.Name)
		return
	}
	fmt.Fprintf(b, "module %s (\n", n.Name)
	for i, l := range lines {
		sep := ","
		if i == len(lines)-1 {
			sep = ""
		}
		if l.unused {
			fmt.Fprintf(b, "    %s\n    %s%s\n    %s\n", waiveOn, l.text, sep, waiveOff)
		} else {
			fmt.Fprintf(b, "    %s%s\n", l.text, sep)
		}
	}
	b.WriteString(");\n")
}

func (e *emitter) decls() {
	n, b := e.n, e.b
	for i, net := range n.Nets {
		id := hdl.NetID(i)
		if net.Kind == hdl.NetInput || net.Kind == hdl.NetOutput || e.constOf[id] >= 0 {
			continue
		}
		kw := "wire"
		if net.Kind == hdl.NetReg || net.Kind == hdl.NetMemData {
			kw = "reg "
		}
		decl := fmt.Sprintf("%s %s%s;", kw, rng(net.Width), e.names[i])
		if e.unused[i] {
			fmt.Fprintf(b, "    %s %s %s\n", waiveOn, decl, waiveOff)
		} else {
			fmt.Fprintf(b, "    %s\n", decl)
		}
	}
	for _, m := range n.Mems {
		// no_rw_check tells Yosys that read-during-write on read-first
		// ports is don't-care (hdl.MemNoRWCheck), so block RAM needs no
		// bypass; simulators ignore the attribute.
		attr := ""
		if m.NoRWCheck {
			attr = "(* no_rw_check *) "
		}
		fmt.Fprintf(b, "    %sreg  %s%s [0:%d];\n", attr, rng(m.Width), m.Name, m.Depth-1)
	}
}

func (e *emitter) initials() {
	n, b := e.n, e.b
	for _, r := range n.Regs {
		fmt.Fprintf(b, "    initial %s = %s;\n", e.names[r.Q], lit(r.Init, n.Nets[r.Q].Width))
	}
	for _, m := range n.Mems {
		for _, r := range m.Reads {
			if r.Sync {
				fmt.Fprintf(b, "    initial %s = %s;\n", e.names[r.Data], lit(nil, m.Width))
			}
		}
	}
	e.memInits()
}

// minLoop is the shortest run of equal initial words written as a for loop
// rather than one assignment per word.
const minLoop = 4

// initRun is a run of equal initial words [lo, hi) of one memory.
type initRun struct {
	lo, hi int
	word   []uint64
}

func runs(init [][]uint64) []initRun {
	var out []initRun
	for lo := 0; lo < len(init); {
		hi := lo + 1
		for hi < len(init) && slices.Equal(init[hi], init[lo]) {
			hi++
		}
		out = append(out, initRun{lo, hi, init[lo]})
		lo = hi
	}
	return out
}

func isZero(w []uint64) bool {
	for _, x := range w {
		if x != 0 {
			return false
		}
	}
	return true
}

// memInits writes every memory's initial contents in one initial block.
// Runs of minLoop or more equal words become a for loop over the reserved
// integer _i, so a 16k-word buffer is one line rather than 16k (the file
// stays small and Yosys's frontend does not build one statement per word).
//
// Zero runs of memories that have a write port are written only when
// SYNTHESIS is not defined (Yosys defines it; Icarus and Verilator do not):
// simulators get the all-zero power-on contents hdl promises, while Yosys
// sees an uninitialised RAM. On iCE40 that is the same hardware: block RAM
// is configured to 0 when no INIT is given and the flip-flops of a RAM
// mapped to logic power up at 0, so nothing observable changes. It keeps
// hundreds of thousands of $meminit words out of synthesis and leaves the
// RAM free to map to blocks that cannot be initialised (UP5K SPRAM). ROMs
// (no write port) always keep every word: their contents are the design.
func (e *emitter) memInits() {
	n, b := e.n, e.b
	if len(n.Mems) == 0 {
		return
	}
	var synth, simOnly []string
	loops := false
	for _, m := range n.Mems {
		idx := "_i"
		if m.IndexWidth < 32 {
			idx = fmt.Sprintf("_i[%d:0]", m.IndexWidth-1)
		}
		for _, r := range runs(m.Init) {
			var lines []string
			if r.hi-r.lo >= minLoop {
				loops = true
				lines = append(lines, fmt.Sprintf("for (_i = %d; _i < %d; _i = _i + 1) %s[%s] = %s;", r.lo, r.hi, m.Name, idx, lit(r.word, m.Width)))
			} else {
				for i := r.lo; i < r.hi; i++ {
					lines = append(lines, fmt.Sprintf("%s[%d] = %s;", m.Name, i, lit(r.word, m.Width)))
				}
			}
			if len(m.Writes) > 0 && isZero(r.word) {
				simOnly = append(simOnly, lines...)
			} else {
				synth = append(synth, lines...)
			}
		}
	}
	if loops {
		b.WriteString("    integer _i;\n")
	}
	b.WriteString("    initial begin\n")
	for _, l := range synth {
		fmt.Fprintf(b, "        %s\n", l)
	}
	if len(simOnly) > 0 {
		b.WriteString("`ifndef SYNTHESIS\n")
		for _, l := range simOnly {
			fmt.Fprintf(b, "        %s\n", l)
		}
		b.WriteString("`endif\n")
	}
	b.WriteString("    end\n")
}

func (e *emitter) assigns() {
	n, b := e.n, e.b
	for _, c := range n.Cells {
		if e.constOf[c.Out] >= 0 {
			continue
		}
		fmt.Fprintf(b, "    assign %s = %s;\n", e.names[c.Out], e.expr(c))
	}
}

var binOps = map[hdl.Op]string{hdl.OpAdd: "+", hdl.OpSub: "-", hdl.OpMul: "*", hdl.OpAnd: "&", hdl.OpOr: "|", hdl.OpXor: "^",
	hdl.OpEq: "==", hdl.OpNe: "!=", hdl.OpLtU: "<", hdl.OpLeU: "<=", hdl.OpShlV: "<<", hdl.OpShrV: ">>"}

func (e *emitter) bit(id hdl.NetID, i int) string {
	if e.n.Nets[id].Width == 1 {
		return e.ref(id)
	}
	return fmt.Sprintf("%s[%d]", e.ref(id), i)
}

// expr renders the right-hand side of one cell.
func (e *emitter) expr(c hdl.Cell) string {
	n := e.n
	w := n.Nets[c.Out].Width
	in := func(i int) string { return e.ref(c.In[i]) }
	inW := func(i int) int { return n.Nets[c.In[i]].Width }
	if op, ok := binOps[c.Op]; ok {
		return in(0) + " " + op + " " + in(1)
	}
	switch c.Op {
	case hdl.OpConst:
		return lit(c.Value, w)
	case hdl.OpCopy:
		return in(0)
	case hdl.OpDiv, hdl.OpMod:
		op := "/"
		if c.Op == hdl.OpMod {
			op = "%"
		}
		return fmt.Sprintf("(%s == %s) ? %s : %s %s %s", in(1), lit(nil, w), lit(nil, w), in(0), op, in(1))
	case hdl.OpNot:
		return "~" + in(0)
	case hdl.OpShl:
		return fmt.Sprintf("%s << %d", in(0), c.N)
	case hdl.OpShr:
		return fmt.Sprintf("%s >> %d", in(0), c.N)
	case hdl.OpSra:
		return fmt.Sprintf("%s >>> %d", e.signed(c.In[0]), c.N)
	case hdl.OpSraV:
		return fmt.Sprintf("%s >>> %s", e.signed(c.In[0]), in(1))
	case hdl.OpLtS:
		return e.signed(c.In[0]) + " < " + e.signed(c.In[1])
	case hdl.OpLeS:
		return e.signed(c.In[0]) + " <= " + e.signed(c.In[1])
	case hdl.OpRedAnd:
		return "&" + in(0)
	case hdl.OpRedOr:
		return "|" + in(0)
	case hdl.OpRedXor:
		return "^" + in(0)
	case hdl.OpMux:
		return fmt.Sprintf("%s ? %s : %s", in(0), in(1), in(2))
	case hdl.OpSlice:
		if src := e.constOf[c.In[0]]; src >= 0 {
			return lit(sliceWords(n.Cells[src].Value, c.N, w), w)
		}
		if w == 1 {
			return fmt.Sprintf("%s[%d]", in(0), c.N)
		}
		return fmt.Sprintf("%s[%d:%d]", in(0), c.N+w-1, c.N)
	case hdl.OpConcat:
		parts := make([]string, len(c.In))
		for i := range c.In {
			parts[i] = in(i)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case hdl.OpRepl:
		return fmt.Sprintf("{%d{%s}}", c.N, in(0))
	case hdl.OpZext:
		return fmt.Sprintf("{%s, %s}", lit(nil, w-inW(0)), in(0))
	case hdl.OpSext:
		if src := e.constOf[c.In[0]]; src >= 0 {
			return lit(sextWords(n.Cells[src].Value, inW(0), w), w)
		}
		return fmt.Sprintf("{{%d{%s}}, %s}", w-inW(0), e.bit(c.In[0], inW(0)-1), in(0))
	case hdl.OpMemRead:
		m := n.Mems[c.Mem]
		rd := fmt.Sprintf("%s[%s]", m.Name, in(0))
		if len(c.In) > 1 {
			return fmt.Sprintf("%s ? %s : %s", in(1), rd, lit(nil, w))
		}
		return rd
	}
	return fmt.Sprintf("/* unknown op %s */ %s", c.Op, lit(nil, w))
}

func sliceWords(v []uint64, lo, w int) []uint64 {
	out := make([]uint64, hdl.Words(w))
	for i := 0; i < w; i++ {
		src := lo + i
		if v[src/64]>>(uint(src%64))&1 != 0 {
			out[i/64] |= 1 << uint(i%64)
		}
	}
	return out
}

func sextWords(v []uint64, from, to int) []uint64 {
	out := make([]uint64, hdl.Words(to))
	copy(out, v)
	if v[(from-1)/64]>>(uint((from-1)%64))&1 != 0 {
		for i := from; i < to; i++ {
			out[i/64] |= 1 << uint(i%64)
		}
	}
	return out
}

func (e *emitter) regs() {
	n, b := e.n, e.b
	for _, r := range n.Regs {
		q := e.names[r.Q]
		load := fmt.Sprintf("%s <= %s;", q, e.ref(r.D))
		if r.En != hdl.NoNet {
			load = fmt.Sprintf("if (%s) %s", e.ref(r.En), load)
		}
		b.WriteString("    always @(posedge clk)\n")
		if r.HasReset {
			fmt.Fprintf(b, "        if (rst) %s <= %s;\n        else %s\n", q, lit(r.Reset, n.Nets[r.Q].Width), load)
		} else {
			fmt.Fprintf(b, "        %s\n", load)
		}
	}
}

func (e *emitter) mems() {
	n, b := e.n, e.b
	for _, m := range n.Mems {
		if len(m.Writes) > 0 {
			b.WriteString("    always @(posedge clk) begin\n")
			for _, w := range m.Writes {
				fmt.Fprintf(b, "        if (%s) %s[%s] <= %s;\n", e.ref(w.En), m.Name, e.ref(w.Index), e.ref(w.Data))
			}
			b.WriteString("    end\n")
		}
		for _, r := range m.Reads {
			if !r.Sync {
				continue
			}
			d := e.names[r.Data]
			rd := fmt.Sprintf("%s[%s]", m.Name, e.ref(r.Index))
			if r.Valid != hdl.NoNet {
				rd = fmt.Sprintf("%s ? %s : %s", e.ref(r.Valid), rd, lit(nil, m.Width))
			}
			b.WriteString("    always @(posedge clk) begin\n")
			ind := "        "
			if r.En != hdl.NoNet {
				fmt.Fprintf(b, "        if (%s) begin\n", e.ref(r.En))
				ind = "            "
			}
			fmt.Fprintf(b, "%s%s <= %s;\n", ind, d, rd)
			if r.Transparent {
				for _, w := range m.Writes {
					cond := e.ref(w.En)
					if r.Valid != hdl.NoNet {
						cond += " && " + e.ref(r.Valid)
					}
					fmt.Fprintf(b, "%sif (%s && %s == %s) %s <= %s;\n", ind, cond, e.ref(w.Index), e.ref(r.Index), d, e.ref(w.Data))
				}
			}
			if r.En != hdl.NoNet {
				b.WriteString("        end\n")
			}
			b.WriteString("    end\n")
		}
	}
}

func (e *emitter) insts() {
	n, b := e.n, e.b
	for _, in := range n.Insts {
		var conns []string
		if in.Module.UsesClk {
			conns = append(conns, ".clk(clk)")
		}
		if in.Module.UsesRst {
			conns = append(conns, ".rst(rst)")
		}
		for _, c := range in.Conns {
			conns = append(conns, fmt.Sprintf(".%s(%s)", c.Port, e.ref(c.Net)))
		}
		fmt.Fprintf(b, "    %s %s (\n        %s\n    );\n", in.Module.Name, in.Name, strings.Join(conns, ",\n        "))
	}
}
