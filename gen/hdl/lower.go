package hdl

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"
)

// Design is a built circuit: the checked, lowered modules of a hierarchy.
type Design struct {
	// Top is the lowered top module (hierarchical: it may hold instances).
	Top *Netlist
	// Modules lists every distinct module once, submodules before the
	// modules that instantiate them, Top last. The emitter walks this.
	Modules []*Netlist
	// Flat is Top with the hierarchy flattened: instance nets are named
	// "inst.sub.net", ports become wires driven by OpCopy cells. The
	// simulator consumes this.
	Flat *Netlist
	// Order is the static evaluation order of Flat.Cells: every cell comes
	// after the cells driving its inputs.
	Order []int
}

// Build checks m and everything it instantiates and lowers it to netlists.
// All problems found are returned together (errors.Join of *BuildError),
// each naming the signal and the builder call that caused it.
func (m *Module) Build() (*Design, error) {
	b := &builder{done: map[*Module]*Netlist{}, byName: map[string]*Netlist{}, visiting: map[*Module]bool{}}
	top := b.module(m)
	if len(b.errs) > 0 {
		return nil, joinErrs(b.errs)
	}
	d := &Design{Top: top, Modules: b.order}
	d.Flat = Flatten(top)
	order, err := Schedule(d.Flat)
	if err != nil {
		return nil, err
	}
	d.Order = order
	return d, nil
}

func joinErrs(list []*BuildError) error {
	errs := make([]error, len(list))
	for i, e := range list {
		errs[i] = e
	}
	return errors.Join(errs...)
}

type builder struct {
	done     map[*Module]*Netlist
	byName   map[string]*Netlist
	visiting map[*Module]bool
	order    []*Netlist
	errs     []*BuildError
}

func (b *builder) module(m *Module) *Netlist {
	if n := b.done[m]; n != nil {
		return n
	}
	if b.visiting[m] {
		b.errs = append(b.errs, &BuildError{Module: m.name, Loc: m.loc, Msg: "module instantiates itself (recursive hierarchy)"})
		return &Netlist{Name: m.name}
	}
	b.visiting[m] = true
	defer delete(b.visiting, m)
	subs := make([]*Netlist, len(m.insts))
	for i, inst := range m.insts {
		subs[i] = b.module(inst.sub)
	}
	b.errs = append(b.errs, m.errs...)
	l := &lowerer{m: m, n: &Netlist{Name: m.name, Generator: m.generator, Params: m.params, Loc: m.loc},
		sigNet: map[*Signal]NetID{}, memo: map[*Expr]NetID{}, readNet: map[*Memory][]NetID{}, outNet: map[*Instance]map[string]NetID{}}
	l.run(subs)
	b.errs = append(b.errs, l.errs...)
	n := l.n
	if prev := b.byName[n.Name]; prev != nil {
		if prev.Dump() != n.Dump() {
			b.errs = append(b.errs, &BuildError{Module: n.Name, Loc: m.loc,
				Msg: fmt.Sprintf("two different modules share this name (the other was made at %s); give their parameters in the name", prev.Loc)})
		}
		b.done[m] = prev
		return prev
	}
	b.byName[n.Name] = n
	b.done[m] = n
	b.order = append(b.order, n)
	return n
}

type lowerer struct {
	m       *Module
	n       *Netlist
	sigNet  map[*Signal]NetID
	memo    map[*Expr]NetID
	readNet map[*Memory][]NetID
	outNet  map[*Instance]map[string]NetID
	errs    []*BuildError
}

func (l *lowerer) errorf(sig string, loc Loc, format string, args ...any) {
	l.errs = append(l.errs, &BuildError{Module: l.m.name, Signal: sig, Loc: loc, Msg: fmt.Sprintf(format, args...)})
}

func (l *lowerer) cell(op Op, w int, loc Loc, in ...NetID) NetID {
	out := l.n.addNet("", w, NetTemp, loc)
	l.n.Cells = append(l.n.Cells, Cell{Op: op, Out: out, In: in, Loc: loc})
	return out
}

func (l *lowerer) constNet(words []uint64, w int, loc Loc) NetID {
	out := l.n.addNet("", w, NetTemp, loc)
	l.n.Cells = append(l.n.Cells, Cell{Op: OpConst, Out: out, Value: normWords(words, w), Loc: loc})
	return out
}

func (l *lowerer) run(subs []*Netlist) {
	m, n := l.m, l.n
	kinds := [...]NetKind{KindInput: NetInput, KindOutput: NetOutput, KindWire: NetWire, KindReg: NetReg}
	for _, s := range m.sigs {
		id := n.addNet(s.name, s.width, kinds[s.kind], s.loc)
		l.sigNet[s] = id
		switch s.kind {
		case KindInput:
			n.Ports = append(n.Ports, Port{Name: s.name, Dir: In, Net: id})
		case KindOutput:
			n.Ports = append(n.Ports, Port{Name: s.name, Dir: Out, Net: id})
		}
	}
	for _, mem := range m.mems {
		for i, r := range mem.reads {
			k := NetMemData
			if !r.sync {
				k = NetWire
			}
			l.readNet[mem] = append(l.readNet[mem], n.addNet(syncReadName(mem.name, i), mem.width, k, r.loc))
		}
	}
	for i, inst := range m.insts {
		outs := map[string]NetID{}
		for _, p := range subs[i].Ports {
			if p.Dir != Out {
				continue
			}
			name := inst.name + "_" + p.Name
			if prev, ok := m.names[name]; ok {
				l.errorf(name, inst.loc, "instance output wire name collides with a name declared at %s", prev)
			}
			outs[p.Name] = n.addNet(name, subs[i].Nets[p.Net].Width, NetInstOut, inst.loc)
		}
		l.outNet[inst] = outs
	}
	// Drivers of outputs, wires and registers.
	for _, s := range m.sigs {
		id := l.sigNet[s]
		switch s.kind {
		case KindOutput, KindWire:
			if s.drv == nil {
				l.errorf(s.name, s.loc, "%s is never driven (call Drive)", s.kind)
				continue
			}
			l.lowerInto(s.drv, id, s.drvLoc)
		case KindReg:
			if s.drv == nil {
				l.errorf(s.name, s.loc, "register is never assigned (call Next or NextIf)")
				continue
			}
			r := Register{Q: id, D: l.lower(s.drv, s.drvLoc), En: NoNet, HasReset: s.hasReset, Reset: s.reset, Init: s.init, Loc: s.drvLoc}
			if s.en != nil {
				r.En = l.lower(s.en, s.drvLoc)
			}
			n.Regs = append(n.Regs, r)
		}
	}
	for _, mem := range m.mems {
		l.memory(mem)
	}
	for i, inst := range m.insts {
		sub := subs[i]
		li := Inst{Name: inst.name, Module: sub, Loc: inst.loc}
		for _, p := range sub.Ports {
			c := Conn{Port: p.Name, Dir: p.Dir}
			if p.Dir == Out {
				c.Net = l.outNet[inst][p.Name]
			} else if e := inst.conns[p.Name]; e != nil {
				c.Net = l.lower(e, inst.locs[p.Name])
			} else {
				l.errorf(inst.name+"."+p.Name, inst.loc, "input port of %s is not connected", sub.Name)
				continue
			}
			li.Conns = append(li.Conns, c)
		}
		n.Insts = append(n.Insts, li)
		n.UsesClk = n.UsesClk || sub.UsesClk
		n.UsesRst = n.UsesRst || sub.UsesRst
	}
	for _, r := range n.Regs {
		n.UsesClk = true
		n.UsesRst = n.UsesRst || r.HasReset
	}
	for _, mem := range n.Mems {
		if len(mem.Writes) > 0 {
			n.UsesClk = true
		}
		for _, r := range mem.Reads {
			n.UsesClk = n.UsesClk || r.Sync
		}
	}
}

// indexWidth is the width of a memory's word index.
func indexWidth(depth int) int {
	if depth <= 2 {
		return 1
	}
	return bits.Len(uint(depth - 1))
}

// address turns an address of any width into an index of exactly the
// memory's index width plus a validity net (NoNet when always in range).
func (l *lowerer) address(addr NetID, depth, iw int, loc Loc) (index, valid NetID) {
	aw := l.n.Nets[addr].Width
	switch {
	case aw == iw:
		index = addr
	case aw > iw:
		index = l.cell(OpSlice, iw, loc, addr)
	default:
		index = l.cell(OpZext, iw, loc, addr)
	}
	valid = NoNet
	if aw >= 63 || uint64(1)<<uint(aw) > uint64(depth) {
		c := l.constNet([]uint64{uint64(depth)}, aw, loc)
		valid = l.cell(OpLtU, 1, loc, addr, c)
	}
	return index, valid
}

func (l *lowerer) memory(mem *Memory) {
	iw := indexWidth(mem.depth)
	lm := Mem{Name: mem.name, Width: mem.width, Depth: mem.depth, IndexWidth: iw, Init: mem.init, NoRWCheck: mem.noRW, Loc: mem.loc}
	for _, w := range mem.writes {
		idx, valid := l.address(l.lower(w.addr, w.loc), mem.depth, iw, w.loc)
		en := l.lower(w.en, w.loc)
		if valid != NoNet {
			en = l.cell(OpAnd, 1, w.loc, en, valid)
		}
		lm.Writes = append(lm.Writes, WritePort{En: en, Index: idx, Data: l.lower(w.data, w.loc), Loc: w.loc})
	}
	memIdx := len(l.n.Mems)
	for i, r := range mem.reads {
		idx, valid := l.address(l.lower(r.addr, r.loc), mem.depth, iw, r.loc)
		rp := ReadPort{Index: idx, Valid: valid, En: NoNet, Data: l.readNet[mem][i], Sync: r.sync, Transparent: r.trans, Loc: r.loc}
		if r.en != nil {
			rp.En = l.lower(r.en, r.loc)
		}
		if !r.sync {
			in := []NetID{idx}
			if valid != NoNet {
				in = append(in, valid)
			}
			l.n.Cells = append(l.n.Cells, Cell{Op: OpMemRead, Out: rp.Data, In: in, Mem: memIdx, N: i, Loc: r.loc})
		}
		lm.Reads = append(lm.Reads, rp)
	}
	l.n.Mems = append(l.n.Mems, lm)
}

func (l *lowerer) check(e *Expr) {
	if e.err != "" {
		l.errorf("", e.loc, "%s", e.err)
	}
}

// lower returns the net carrying e's value, creating cells as needed.
func (l *lowerer) lower(e *Expr, at Loc) NetID {
	if id, ok := l.memo[e]; ok {
		return id
	}
	l.check(e)
	var id NetID
	switch e.kind {
	case kSig:
		if e.sig.m != l.m {
			l.errorf(e.sig.name, at, "signal of module %s used in module %s (connect it through a port)", e.sig.m.name, l.m.name)
			id = l.constNet(nil, e.width, e.loc)
		} else {
			id = l.sigNet[e.sig]
		}
	case kSyncRead:
		if e.mem.m != l.m {
			l.errorf(e.mem.name, at, "memory of module %s read in module %s", e.mem.m.name, l.m.name)
			id = l.constNet(nil, e.width, e.loc)
		} else {
			id = l.readNet[e.mem][e.port]
		}
	case kInstOut:
		if e.inst.parent != l.m {
			l.errorf(e.inst.name, at, "output of an instance in module %s used in module %s", e.inst.parent.name, l.m.name)
			id = l.constNet(nil, e.width, e.loc)
		} else {
			id = l.outNet[e.inst][e.pname]
		}
	default:
		if e.op == OpMemRead {
			if e.mem.m != l.m {
				l.errorf(e.mem.name, at, "memory of module %s read in module %s", e.mem.m.name, l.m.name)
				id = l.constNet(nil, e.width, e.loc)
			} else {
				id = l.readNet[e.mem][e.port]
			}
			break
		}
		id = l.n.addNet("", e.width, NetTemp, e.loc)
		l.emitOp(e, id)
	}
	l.memo[e] = id
	return id
}

// lowerInto makes net id carry e's value: the operator cell drives id
// directly when e is an operator seen for the first time, so the emitted
// Verilog reads "assign y = a + b;" rather than through a temporary.
func (l *lowerer) lowerInto(e *Expr, id NetID, at Loc) {
	if _, seen := l.memo[e]; !seen && e.kind == kOp && e.op != OpMemRead {
		l.check(e)
		l.memo[e] = id
		l.emitOp(e, id)
		return
	}
	src := l.lower(e, at)
	l.n.Cells = append(l.n.Cells, Cell{Op: OpCopy, Out: id, In: []NetID{src}, Loc: e.loc})
}

func (l *lowerer) emitOp(e *Expr, out NetID) {
	c := Cell{Op: e.op, Out: out, N: e.n, Loc: e.loc}
	if e.op == OpConst {
		c.Value = normWords(e.value, e.width)
	}
	for _, a := range e.args {
		c.In = append(c.In, l.lower(a, e.loc))
	}
	l.n.Cells = append(l.n.Cells, c)
}

// Flatten copies a hierarchical netlist into one without instances. Nets
// of an instance are prefixed "inst."; instance ports become OpCopy cells.
func Flatten(top *Netlist) *Netlist {
	f := &Netlist{Name: top.Name, Generator: top.Generator, Params: top.Params, UsesClk: top.UsesClk, UsesRst: top.UsesRst, Loc: top.Loc}
	ids := f.inline(top, "")
	for _, p := range top.Ports {
		f.Ports = append(f.Ports, Port{Name: p.Name, Dir: p.Dir, Net: ids[p.Net]})
	}
	return f
}

func (f *Netlist) inline(n *Netlist, prefix string) []NetID {
	ids := make([]NetID, len(n.Nets))
	for i, net := range n.Nets {
		name, kind := net.Name, net.Kind
		if name != "" {
			name = prefix + name
		}
		if prefix != "" && (kind == NetInput || kind == NetOutput) {
			kind = NetWire
		}
		ids[i] = f.addNet(name, net.Width, kind, net.Loc)
	}
	mp := func(id NetID) NetID {
		if id == NoNet {
			return NoNet
		}
		return ids[id]
	}
	memBase := len(f.Mems)
	for _, c := range n.Cells {
		nc := c
		nc.Out = mp(c.Out)
		nc.In = make([]NetID, len(c.In))
		for i, x := range c.In {
			nc.In[i] = mp(x)
		}
		if c.Op == OpMemRead {
			nc.Mem = c.Mem + memBase
		}
		f.Cells = append(f.Cells, nc)
	}
	for _, r := range n.Regs {
		nr := r
		nr.Q, nr.D, nr.En = mp(r.Q), mp(r.D), mp(r.En)
		f.Regs = append(f.Regs, nr)
	}
	for _, mem := range n.Mems {
		nm := mem
		nm.Name = prefix + mem.Name
		nm.Writes = make([]WritePort, len(mem.Writes))
		for i, w := range mem.Writes {
			nm.Writes[i] = WritePort{En: mp(w.En), Index: mp(w.Index), Data: mp(w.Data), Loc: w.Loc}
		}
		nm.Reads = make([]ReadPort, len(mem.Reads))
		for i, r := range mem.Reads {
			nr := r
			nr.Index, nr.Valid, nr.En, nr.Data = mp(r.Index), mp(r.Valid), mp(r.En), mp(r.Data)
			nm.Reads[i] = nr
		}
		f.Mems = append(f.Mems, nm)
	}
	for _, inst := range n.Insts {
		sub := f.inline(inst.Module, prefix+inst.Name+".")
		for _, c := range inst.Conns {
			p, _ := inst.Module.Port(c.Port)
			if c.Dir == In {
				f.Cells = append(f.Cells, Cell{Op: OpCopy, Out: sub[p.Net], In: []NetID{ids[c.Net]}, Loc: inst.Loc})
			} else {
				f.Cells = append(f.Cells, Cell{Op: OpCopy, Out: ids[c.Net], In: []NetID{sub[p.Net]}, Loc: inst.Loc})
			}
		}
	}
	return ids
}

// Schedule orders n's cells so each comes after the drivers of its inputs
// (registers, memory read registers, inputs and constants are sources). It
// fails on a combinational loop, listing the signals around it with the
// builder calls that made them.
func Schedule(n *Netlist) ([]int, error) {
	driver := make([]int, len(n.Nets))
	for i := range driver {
		driver[i] = -1
	}
	var errs []*BuildError
	for i, c := range n.Cells {
		if driver[c.Out] >= 0 {
			errs = append(errs, &BuildError{Module: n.Name, Signal: netLabel(n, c.Out), Loc: c.Loc, Msg: "multiply driven"})
		}
		driver[c.Out] = i
	}
	if len(errs) > 0 {
		return nil, joinErrs(errs)
	}
	indeg := make([]int, len(n.Cells))
	users := make([][]int, len(n.Cells))
	for i, c := range n.Cells {
		for _, in := range c.In {
			if d := driver[in]; d >= 0 {
				indeg[i]++
				users[d] = append(users[d], i)
			}
		}
	}
	order := make([]int, 0, len(n.Cells))
	for i := range n.Cells {
		if indeg[i] == 0 {
			order = append(order, i)
		}
	}
	for k := 0; k < len(order); k++ {
		for _, u := range users[order[k]] {
			indeg[u]--
			if indeg[u] == 0 {
				order = append(order, u)
			}
		}
	}
	if len(order) == len(n.Cells) {
		return order, nil
	}
	// Walk back through unscheduled drivers until a cell repeats.
	start := -1
	for i := range n.Cells {
		if indeg[i] > 0 {
			start = i
			break
		}
	}
	seen := map[int]int{}
	var path []int
	c := start
	for {
		if at, ok := seen[c]; ok {
			path = path[at:]
			break
		}
		seen[c] = len(path)
		path = append(path, c)
		next := -1
		for _, in := range n.Cells[c].In {
			if d := driver[in]; d >= 0 && indeg[d] > 0 {
				next = d
				break
			}
		}
		c = next
	}
	var parts []string
	for i := len(path) - 1; i >= 0; i-- {
		cl := n.Cells[path[i]]
		parts = append(parts, fmt.Sprintf("%s (%s at %s)", netLabel(n, cl.Out), cl.Op, cl.Loc))
	}
	first := n.Cells[path[len(path)-1]]
	return nil, &BuildError{Module: n.Name, Signal: netLabel(n, first.Out), Loc: first.Loc,
		Msg: "combinational loop: " + strings.Join(parts, " -> ") + " -> back to the start"}
}

func netLabel(n *Netlist, id NetID) string {
	if name := n.Nets[id].Name; name != "" {
		return name
	}
	return fmt.Sprintf("_t%d", id)
}

// Dump renders the netlist as deterministic text (without source
// locations): useful in tests and to tell identical modules apart.
func (n *Netlist) Dump() string {
	var b strings.Builder
	fmt.Fprintf(&b, "module %s clk=%v rst=%v\n", n.Name, n.UsesClk, n.UsesRst)
	for _, p := range n.Ports {
		fmt.Fprintf(&b, "port %s %d n%d\n", p.Name, p.Dir, p.Net)
	}
	for i, net := range n.Nets {
		fmt.Fprintf(&b, "net n%d %q w%d k%d\n", i, net.Name, net.Width, net.Kind)
	}
	for _, c := range n.Cells {
		fmt.Fprintf(&b, "cell %s n%d <- %v val=%x n=%d mem=%d\n", c.Op, c.Out, c.In, c.Value, c.N, c.Mem)
	}
	for _, r := range n.Regs {
		fmt.Fprintf(&b, "reg n%d <- n%d en=%d reset=%v/%x init=%x\n", r.Q, r.D, r.En, r.HasReset, r.Reset, r.Init)
	}
	for _, m := range n.Mems {
		fmt.Fprintf(&b, "mem %s %dx%d init=%x\n", m.Name, m.Width, m.Depth, m.Init)
		if m.NoRWCheck {
			b.WriteString("  no_rw_check\n")
		}
		for _, w := range m.Writes {
			fmt.Fprintf(&b, "  write %+v\n", []NetID{w.En, w.Index, w.Data})
		}
		for _, r := range m.Reads {
			fmt.Fprintf(&b, "  read %v sync=%v trans=%v\n", []NetID{r.Index, r.Valid, r.En, r.Data}, r.Sync, r.Transparent)
		}
	}
	for _, in := range n.Insts {
		fmt.Fprintf(&b, "inst %s %s %v\n", in.Name, in.Module.Name, in.Conns)
	}
	return b.String()
}
