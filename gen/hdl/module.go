package hdl

import (
	"fmt"
	"regexp"
)

// SignalKind says what a Signal is.
type SignalKind uint8

// Signal kinds.
const (
	KindInput SignalKind = iota
	KindOutput
	KindWire
	KindReg
)

func (k SignalKind) String() string {
	return [...]string{"input", "output", "wire", "register"}[k]
}

// Signal is a named port, wire or register of a Module. It is a Value.
type Signal struct {
	m     *Module
	name  string
	kind  SignalKind
	width int
	loc   Loc
	ref   *Expr

	drv    *Expr // Drive (output, wire) or Next (register)
	drvLoc Loc
	en     *Expr // register enable, nil = always

	hasReset bool
	reset    []uint64
	init     []uint64
}

// Width is the number of bits.
func (s *Signal) Width() int { return s.width }

// Name is the name given to the builder.
func (s *Signal) Name() string { return s.name }

// Kind says whether s is an input, output, wire or register.
func (s *Signal) Kind() SignalKind { return s.kind }

func (s *Signal) expr() *Expr { return s.ref }

// Drive connects the combinational value v to an output or wire. v must
// have the signal's width; driving twice is an error.
func (s *Signal) Drive(v Value) {
	loc := callerLoc()
	switch s.kind {
	case KindInput:
		s.m.errorf(s.name, loc, "cannot drive an input")
		return
	case KindReg:
		s.m.errorf(s.name, loc, "a register is assigned with Next, not Drive")
		return
	}
	s.assign(v, loc, nil)
}

// Next sets the value a register takes on each rising clock edge.
func (s *Signal) Next(v Value) {
	loc := callerLoc()
	if s.kind != KindReg {
		s.m.errorf(s.name, loc, "Next on a %s; use Drive", s.kind)
		return
	}
	s.assign(v, loc, nil)
}

// NextIf sets the register's next value, loaded only when en (1 bit) is 1;
// otherwise the register holds. Reset takes priority over en.
func (s *Signal) NextIf(en, v Value) {
	loc := callerLoc()
	if s.kind != KindReg {
		s.m.errorf(s.name, loc, "NextIf on a %s; use Drive", s.kind)
		return
	}
	e := toExpr(en, loc)
	if e.width != 1 {
		s.m.errorf(s.name, loc, "enable is %d bits, want 1", e.width)
	}
	s.assign(v, loc, e)
}

func (s *Signal) assign(v Value, loc Loc, en *Expr) {
	if s.drv != nil {
		s.m.errorf(s.name, loc, "multiply driven: already driven at %s", s.drvLoc)
		return
	}
	e := toExpr(v, loc)
	if e.width != s.width {
		s.m.errorf(s.name, loc, "width mismatch: signal is %d bits, value is %d bits (nothing is truncated silently)", s.width, e.width)
	}
	s.drv, s.drvLoc, s.en = e, loc, en
}

// RegOption configures Reg.
type RegOption func(*regCfg)

type regCfg struct {
	reset, init      []uint64
	noReset, initSet bool
	resetSet         bool
}

// Reset sets the synchronous reset value (default: the initial value, 0).
func Reset(v uint64) RegOption {
	return func(c *regCfg) { c.reset, c.resetSet = []uint64{v}, true }
}

// ResetWords sets a wide reset value (little-endian 64-bit words).
func ResetWords(v []uint64) RegOption {
	return func(c *regCfg) { c.reset, c.resetSet = v, true }
}

// NoReset makes the register ignore rst (it still has an initial value).
func NoReset() RegOption { return func(c *regCfg) { c.noReset = true } }

// Init sets the power-on value (default: the reset value).
func Init(v uint64) RegOption {
	return func(c *regCfg) { c.init, c.initSet = []uint64{v}, true }
}

// InitWords sets a wide power-on value.
func InitWords(v []uint64) RegOption {
	return func(c *regCfg) { c.init, c.initSet = v, true }
}

// Module is a circuit under construction. Create it with NewModule or
// NewGenerated, add ports and logic, then Build (or hand it to
// verilog.Emit / sim.New, which build it).
type Module struct {
	name      string
	generator string
	params    []Param
	loc       Loc
	sigs      []*Signal
	mems      []*Memory
	insts     []*Instance
	names     map[string]Loc
	errs      []*BuildError
}

// NewModule starts a module. The name must be a Verilog identifier; use
// ModuleName or NewGenerated for parameterized modules.
func NewModule(name string) *Module {
	m := &Module{name: name, loc: callerLoc(), names: map[string]Loc{}}
	if !identRE.MatchString(name) || verilogKeywords[name] {
		m.errorf("", m.loc, "module name %q is not a usable Verilog identifier", name)
	}
	return m
}

// NewGenerated starts a module made by a generator: its name is
// ModuleName(base, params...), and the generator and parameters are
// recorded for the emitted header comment.
func NewGenerated(generator, base string, params ...Param) *Module {
	m := NewModule(ModuleName(base, params...))
	m.loc = callerLoc()
	m.generator = generator
	m.params = append([]Param(nil), params...)
	return m
}

// Name is the module's name.
func (m *Module) Name() string { return m.name }

var identRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

func (m *Module) errorf(sig string, loc Loc, format string, args ...any) {
	m.errs = append(m.errs, &BuildError{Module: m.name, Signal: sig, Loc: loc, Msg: fmt.Sprintf(format, args...)})
}

// claim reserves a name in the module's namespace.
func (m *Module) claim(name string, loc Loc) {
	switch {
	case !identRE.MatchString(name):
		m.errorf(name, loc, "name must match [A-Za-z][A-Za-z0-9_]* (names starting with _ are reserved for the emitter)")
	case verilogKeywords[name]:
		m.errorf(name, loc, "name is a Verilog keyword")
	case name == "clk" || name == "rst":
		m.errorf(name, loc, "clk and rst are the implicit clock and reset")
	default:
		if prev, ok := m.names[name]; ok {
			m.errorf(name, loc, "name already used at %s", prev)
			return
		}
		m.names[name] = loc
	}
}

func (m *Module) signal(name string, k SignalKind, w int, loc Loc) *Signal {
	m.claim(name, loc)
	if w < 1 || w > MaxWidth {
		m.errorf(name, loc, "width %d out of range 1..%d", w, MaxWidth)
		w = 1
	}
	s := &Signal{m: m, name: name, kind: k, width: w, loc: loc}
	s.ref = &Expr{kind: kSig, width: w, sig: s, loc: loc}
	m.sigs = append(m.sigs, s)
	return s
}

// Input declares an input port of width w.
func (m *Module) Input(name string, w int) *Signal { return m.signal(name, KindInput, w, callerLoc()) }

// Output declares an output port of width w; drive it with Drive.
func (m *Module) Output(name string, w int) *Signal {
	return m.signal(name, KindOutput, w, callerLoc())
}

// Wire declares a named combinational signal; drive it with Drive.
func (m *Module) Wire(name string, w int) *Signal { return m.signal(name, KindWire, w, callerLoc()) }

// Reg declares a register of width w clocked by clk, reset by rst to 0
// unless options say otherwise. Assign it with Next or NextIf.
func (m *Module) Reg(name string, w int, opts ...RegOption) *Signal {
	loc := callerLoc()
	s := m.signal(name, KindReg, w, loc)
	var c regCfg
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.noReset && c.resetSet {
		m.errorf(name, loc, "both Reset and NoReset given")
	}
	switch {
	case c.resetSet && !c.initSet:
		c.init = c.reset
	case c.initSet && !c.resetSet:
		c.reset = c.init
	}
	s.hasReset = !c.noReset
	for _, v := range []struct {
		what  string
		words []uint64
		dst   *[]uint64
	}{{"reset", c.reset, &s.reset}, {"initial", c.init, &s.init}} {
		if !fits(v.words, s.width) {
			m.errorf(name, loc, "%s value %s does not fit in %d bits", v.what, BigFromWords(v.words), s.width)
			*v.dst = make([]uint64, Words(s.width))
			continue
		}
		*v.dst = normWords(v.words, s.width)
	}
	return s
}

// Param is one generation-time parameter of a generated module.
type Param struct {
	Name  string
	Value any
}

// P makes a Param.
func P(name string, v any) Param { return Param{Name: name, Value: v} }

var verilogKeywords = map[string]bool{}

func init() {
	for _, k := range []string{"always", "and", "assign", "automatic", "begin", "buf", "bufif0", "bufif1",
		"case", "casex", "casez", "cell", "cmos", "config", "deassign", "default", "defparam", "design",
		"disable", "edge", "else", "end", "endcase", "endconfig", "endfunction", "endgenerate", "endmodule",
		"endprimitive", "endspecify", "endtable", "endtask", "event", "for", "force", "forever", "fork",
		"function", "generate", "genvar", "highz0", "highz1", "if", "ifnone", "incdir", "include", "initial",
		"inout", "input", "instance", "integer", "join", "large", "liblist", "library", "localparam",
		"macromodule", "medium", "module", "nand", "negedge", "nmos", "nor", "noshowcancelled", "not",
		"notif0", "notif1", "or", "output", "parameter", "pmos", "posedge", "primitive", "pull0", "pull1",
		"pulldown", "pullup", "pulsestyle_ondetect", "pulsestyle_onevent", "rcmos", "real", "realtime",
		"reg", "release", "repeat", "rnmos", "rpmos", "rtran", "rtranif0", "rtranif1", "scalared",
		"showcancelled", "signed", "small", "specify", "specparam", "strong0", "strong1", "supply0",
		"supply1", "table", "task", "time", "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand",
		"trior", "trireg", "unsigned", "use", "uwire", "vectored", "wait", "wand", "weak0", "weak1", "while",
		"wire", "wor", "xnor", "xor",
		// SystemVerilog keywords are avoided too, so the output stays usable there.
		"bit", "byte", "logic", "int", "shortint", "longint", "type", "struct", "union", "enum", "typedef",
		"interface", "package", "class", "string", "void", "return", "break", "continue", "final",
		"const", "static", "var", "ref", "unique", "priority", "do", "foreach", "program", "property",
		"sequence", "assert", "assume", "cover", "import", "export", "extern", "virtual", "new", "null",
		"this", "super", "local", "protected", "rand", "randc", "constraint", "inside", "with", "alias",
		"bind", "chandle", "clocking", "context", "dist", "endclass", "endclocking", "endinterface",
		"endpackage", "endprogram", "endproperty", "endsequence", "expect", "first_match", "forkjoin",
		"iff", "ignore_bins", "illegal_bins", "intersect", "join_any", "join_none", "matches", "modport",
		"packed", "pure", "shortreal", "solve", "tagged", "throughout", "timeprecision", "timeunit",
		"wait_order", "wildcard", "within", "always_comb", "always_ff", "always_latch"} {
		verilogKeywords[k] = true
	}
}
