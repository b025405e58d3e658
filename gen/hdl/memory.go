package hdl

// Memory is a width × depth array of words in a Module: synchronous write
// ports and combinational or synchronous read ports. Every word has an
// initial value (0 unless MemInit says otherwise); rst does not clear it,
// as in block RAM.
type Memory struct {
	m      *Module
	name   string
	width  int
	depth  int
	init   [][]uint64
	writes []memWrite
	reads  []memRead
	noRW   bool
	loc    Loc
}

type memWrite struct {
	en, addr, data *Expr
	loc            Loc
}

type memRead struct {
	addr, en    *Expr // en nil: always
	sync, trans bool
	out         *Expr
	loc         Loc
}

// MemOption configures Memory.
type MemOption func(*Memory, Loc)

// MemInit gives the initial contents, word 0 first; words beyond the list
// are 0. Each value must fit the memory's width.
func MemInit(words ...uint64) MemOption {
	return func(mem *Memory, loc Loc) {
		rows := make([][]uint64, len(words))
		for i, w := range words {
			rows[i] = []uint64{w}
		}
		mem.setInit(rows, loc)
	}
}

// MemInitWords gives wide initial contents: one little-endian word slice per
// memory word.
func MemInitWords(rows [][]uint64) MemOption {
	return func(mem *Memory, loc Loc) { mem.setInit(rows, loc) }
}

func (mem *Memory) setInit(rows [][]uint64, loc Loc) {
	if len(rows) > mem.depth {
		mem.m.errorf(mem.name, loc, "%d initial words for a memory of depth %d", len(rows), mem.depth)
		return
	}
	for i, r := range rows {
		if !fits(r, mem.width) {
			mem.m.errorf(mem.name, loc, "initial word %d (%s) does not fit in %d bits", i, BigFromWords(r), mem.width)
			continue
		}
		mem.init[i] = normWords(r, mem.width)
	}
}

// MemNoRWCheck declares that the design never reads a word through a
// read-first synchronous port on the same clock edge as it writes that word,
// or does not care what such a read returns. The Verilog emitter then marks
// the memory (* no_rw_check *), which lets Yosys map it to block RAM whose
// read-during-write result is undefined (iCE40 SB_RAM40_4K) without the
// bypass it otherwise adds to guarantee read-first data: a data-width
// register for the written word, an address compare and an output mux per
// read port.
//
// A generator may set it when one of these holds, and should say which in a
// comment next to the call:
//   - the read and write addresses of any one edge are never equal while both
//     ports are enabled (a FIFO that never reads the slot it fills, a table
//     written only while its reader is stalled, ...);
//   - the value read in such a cycle is never used (the reader discards it or
//     rereads the word on a later edge).
//
// The option changes no simulated behaviour: package sim, Icarus and
// Verilator ignore the attribute and keep modelling read-first ports as
// read-first, so designs that keep the contract look the same everywhere;
// only the synthesised hardware may differ on a collision. Transparent read
// ports stay transparent (Yosys still builds their bypass), and combinational
// read ports have no read-during-write case.
func MemNoRWCheck() MemOption {
	return func(mem *Memory, _ Loc) { mem.noRW = true }
}

// Memory declares a memory of depth words of width bits.
func (m *Module) Memory(name string, width, depth int, opts ...MemOption) *Memory {
	loc := callerLoc()
	m.claim(name, loc)
	if width < 1 || width > MaxWidth {
		m.errorf(name, loc, "memory width %d out of range 1..%d", width, MaxWidth)
		width = 1
	}
	if depth < 1 || depth > 1<<24 {
		m.errorf(name, loc, "memory depth %d out of range 1..%d", depth, 1<<24)
		depth = 1
	}
	mem := &Memory{m: m, name: name, width: width, depth: depth, loc: loc}
	mem.init = make([][]uint64, depth)
	for i := range mem.init {
		mem.init[i] = make([]uint64, Words(width))
	}
	for _, o := range opts {
		if o != nil {
			o(mem, loc)
		}
	}
	m.mems = append(m.mems, mem)
	return mem
}

// Name is the memory's name.
func (mem *Memory) Name() string { return mem.name }

// Write adds a synchronous write port: on a rising edge with en (1 bit) set,
// data (memory width) is stored at addr (any width; addresses >= depth are
// ignored). Ports declared later win when two write the same word.
func (mem *Memory) Write(en, addr, data Value) {
	loc := callerLoc()
	w := memWrite{en: toExpr(en, loc), addr: toExpr(addr, loc), data: toExpr(data, loc), loc: loc}
	if w.en.width != 1 {
		mem.m.errorf(mem.name, loc, "write enable is %d bits, want 1", w.en.width)
	}
	if w.data.width != mem.width {
		mem.m.errorf(mem.name, loc, "write data is %d bits, memory is %d bits wide", w.data.width, mem.width)
	}
	mem.writes = append(mem.writes, w)
}

// ReadComb adds a combinational read port: the word at addr as it stands
// after the last clock edge (0 for addr >= depth).
func (mem *Memory) ReadComb(addr Value) *Expr {
	loc := callerLoc()
	r := memRead{addr: toExpr(addr, loc), loc: loc}
	e := &Expr{kind: kOp, op: OpMemRead, width: mem.width, args: []*Expr{r.addr}, mem: mem, port: len(mem.reads), loc: loc}
	r.out = e
	mem.reads = append(mem.reads, r)
	return e
}

// ReadOption configures a synchronous read port.
type ReadOption func(*memRead)

// ReadEnable makes the port load only when en (1 bit) is 1; otherwise its
// data holds.
func ReadEnable(en Value) ReadOption {
	return func(r *memRead) { r.en = toExpr(en, r.loc) }
}

// Transparent makes the port see writes of the same clock edge (write
// first). Without it the port is read-first: it returns the old word.
func Transparent() ReadOption { return func(r *memRead) { r.trans = true } }

// ReadSync adds a synchronous read port: on each rising edge (when enabled)
// its data register loads the word at addr. The data register starts at 0
// and is not affected by rst.
func (mem *Memory) ReadSync(addr Value, opts ...ReadOption) *Expr {
	loc := callerLoc()
	r := memRead{addr: toExpr(addr, loc), sync: true, loc: loc}
	for _, o := range opts {
		if o != nil {
			o(&r)
		}
	}
	if r.en != nil && r.en.width != 1 {
		mem.m.errorf(mem.name, loc, "read enable is %d bits, want 1", r.en.width)
	}
	e := &Expr{kind: kSyncRead, width: mem.width, mem: mem, port: len(mem.reads), loc: loc}
	r.out = e
	mem.reads = append(mem.reads, r)
	mem.m.claim(syncReadName(mem.name, r.out.port), loc)
	return e
}

func syncReadName(mem string, port int) string {
	return mem + "_rd" + itoa(port)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}

// Instance is a submodule placed in a parent Module.
type Instance struct {
	parent *Module
	sub    *Module
	name   string
	conns  map[string]*Expr
	locs   map[string]Loc
	outs   map[string]*Expr
	loc    Loc
}

// Instance places sub inside m under the instance name. Bind its inputs
// with Connect and read its outputs with Out.
func (m *Module) Instance(name string, sub *Module) *Instance {
	loc := callerLoc()
	m.claim(name, loc)
	inst := &Instance{parent: m, sub: sub, name: name, conns: map[string]*Expr{}, locs: map[string]Loc{}, outs: map[string]*Expr{}, loc: loc}
	if sub == nil {
		m.errorf(name, loc, "instance of a nil module")
		inst.sub = NewModule("missing")
	} else if sub == m {
		m.errorf(name, loc, "module instantiates itself")
	}
	m.insts = append(m.insts, inst)
	return inst
}

func (inst *Instance) port(name string) *Signal {
	for _, s := range inst.sub.sigs {
		if s.name == name && (s.kind == KindInput || s.kind == KindOutput) {
			return s
		}
	}
	return nil
}

// Connect binds the submodule's input port to v (same width). It returns
// inst so calls chain.
func (inst *Instance) Connect(port string, v Value) *Instance {
	loc := callerLoc()
	m := inst.parent
	p := inst.port(port)
	e := toExpr(v, loc)
	switch {
	case p == nil:
		m.errorf(inst.name, loc, "module %s has no port %q", inst.sub.name, port)
	case p.kind != KindInput:
		m.errorf(inst.name, loc, "port %q of %s is an output; read it with Out", port, inst.sub.name)
	case inst.conns[port] != nil:
		m.errorf(inst.name+"."+port, loc, "multiply driven: already connected at %s", inst.locs[port])
	case p.width != e.width:
		m.errorf(inst.name+"."+port, loc, "width mismatch: port is %d bits, value is %d bits", p.width, e.width)
	default:
		inst.conns[port] = e
		inst.locs[port] = loc
	}
	return inst
}

// Out is the value of the submodule's output port. In the parent it
// appears as a wire named <instance>_<port>.
func (inst *Instance) Out(port string) *Expr {
	loc := callerLoc()
	if e := inst.outs[port]; e != nil {
		return e
	}
	p := inst.port(port)
	if p == nil || p.kind != KindOutput {
		e := constExpr(nil, 1, loc)
		return e.fail("module %s has no output port %q", inst.sub.name, port)
	}
	e := &Expr{kind: kInstOut, width: p.width, inst: inst, pname: port, loc: loc}
	inst.outs[port] = e
	return e
}
