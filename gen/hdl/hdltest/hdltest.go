// Package hdltest holds a varied set of small circuits that exercise every
// feature of gen/hdl: the emitter's lint tests and the simulator's
// cross-checks against Icarus and Verilator share them.
package hdltest

import (
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// Circuit is a named test circuit; New builds a fresh module each call.
type Circuit struct {
	Name string
	New  func() *hdl.Module
}

// Circuits returns the test set: a counter, memories with each read kind,
// a submodule hierarchy, signed compares, wide (>64-bit) values, and a
// module using every operator.
func Circuits() []Circuit {
	return []Circuit{
		{"counter", Counter},
		{"memory", Memory},
		{"hierarchy", Hierarchy},
		{"signed", Signed},
		{"wide", Wide},
		{"allops", AllOps},
		{"comb", Comb},
		{"norwram", NoRWRAM},
	}
}

// Counter is a 4-bit counter with enable and a wrap flag.
func Counter() *hdl.Module {
	m := hdl.NewGenerated("hdltest", "counter", hdl.P("w", 4))
	en := m.Input("en", 1)
	cnt := m.Reg("count", 4, hdl.Reset(3))
	cnt.NextIf(en, hdl.Add(cnt, hdl.Const(1, 4)))
	m.Output("q", 4).Drive(cnt)
	m.Output("wrap", 1).Drive(hdl.AndR(cnt))
	return m
}

// Memory has a 12×8 RAM (depth not a power of two, so out-of-range
// addresses matter) with two write ports and comb, read-first and
// transparent read ports, plus a ROM with initial contents.
func Memory() *hdl.Module {
	m := hdl.NewModule("memtest")
	we0 := m.Input("we0", 1)
	wa0 := m.Input("wa0", 4)
	wd0 := m.Input("wd0", 8)
	we1 := m.Input("we1", 1)
	wa1 := m.Input("wa1", 5)
	wd1 := m.Input("wd1", 8)
	ra := m.Input("ra", 4)
	re := m.Input("re", 1)
	ram := m.Memory("ram", 8, 12, hdl.MemInit(1, 2, 3, 4, 5))
	ram.Write(we0, wa0, wd0)
	ram.Write(we1, wa1, wd1)
	m.Output("comb", 8).Drive(ram.ReadComb(ra))
	m.Output("rfirst", 8).Drive(ram.ReadSync(ra, hdl.ReadEnable(re)))
	m.Output("trans", 8).Drive(ram.ReadSync(ra, hdl.Transparent()))
	rom := m.Memory("rom", 16, 4, hdl.MemInit(0xdead, 0xbeef, 0x1234, 0xffff))
	m.Output("romq", 16).Drive(rom.ReadComb(hdl.Slice(ra, 1, 0)))
	return m
}

// NoRWRAM is a 16×8 RAM marked hdl.MemNoRWCheck that keeps the contract by
// construction: its write is dropped when the read-first port reads the same
// address on that edge, so every simulator must still agree cycle for cycle.
func NoRWRAM() *hdl.Module {
	m := hdl.NewModule("norwram")
	we := m.Input("we", 1)
	wa := m.Input("wa", 4)
	wd := m.Input("wd", 8)
	ra := m.Input("ra", 4)
	re := m.Input("re", 1)
	ram := m.Memory("ram", 8, 16, hdl.MemNoRWCheck())
	collide := hdl.And(re, hdl.Eq(wa, ra))
	ram.Write(hdl.And(we, hdl.Not(collide)), wa, wd)
	m.Output("q", 8).Drive(ram.ReadSync(ra, hdl.ReadEnable(re)))
	m.Output("dropped", 1).Drive(hdl.And(we, collide))
	return m
}

// adder is a registered adder used as a submodule.
func adder(w int) *hdl.Module {
	m := hdl.NewGenerated("hdltest", "radd", hdl.P("w", w))
	a := m.Input("a", w)
	b := m.Input("b", w)
	s := m.Reg("sum", w+1, hdl.NoReset(), hdl.Init(0))
	s.Next(hdl.AddW(a, b, w+1))
	m.Output("s", w+1).Drive(s)
	return m
}

// Hierarchy instantiates the same submodule twice (emitted once) and a
// second configuration of it, plus a combinational child.
func Hierarchy() *hdl.Module {
	m := hdl.NewModule("hiertop")
	x := m.Input("x", 8)
	y := m.Input("y", 8)
	u0 := m.Instance("u0", adder(8)).Connect("a", x).Connect("b", y)
	u1 := m.Instance("u1", adder(8)).Connect("a", y).Connect("b", hdl.Const(5, 8))
	u2 := m.Instance("u2", adder(9)).Connect("a", u0.Out("s")).Connect("b", u1.Out("s"))
	c := m.Instance("c0", combChild()).Connect("v", x)
	m.Output("total", 10).Drive(u2.Out("s"))
	m.Output("par", 1).Drive(c.Out("p"))
	return m
}

func combChild() *hdl.Module {
	m := hdl.NewModule("parity8")
	v := m.Input("v", 8)
	m.Output("p", 1).Drive(hdl.XorR(v))
	return m
}

// Signed compares two signed 8-bit inputs every way and sign-extends.
func Signed() *hdl.Module {
	m := hdl.NewModule("signedcmp")
	a := m.Input("a", 8)
	b := m.Input("b", 8)
	m.Output("lt", 1).Drive(hdl.SLt(a, b))
	m.Output("le", 1).Drive(hdl.SLe(a, b))
	m.Output("gt", 1).Drive(hdl.SGt(a, b))
	m.Output("ge", 1).Drive(hdl.SGe(a, b))
	m.Output("ult", 1).Drive(hdl.Lt(a, b))
	m.Output("neg", 1).Drive(hdl.SLt(a, hdl.ConstS(0, 8)))
	m.Output("sx", 12).Drive(hdl.SExt(a, 12))
	m.Output("sra", 8).Drive(hdl.SraV(a, hdl.Slice(b, 3, 0)))
	m.Output("smul", 16).Drive(hdl.Mul(hdl.SExt(a, 16), hdl.SExt(b, 16)))
	return m
}

// Wide works on 100- and 130-bit values: arithmetic, shifts, compares,
// a wide register and a wide memory.
func Wide() *hdl.Module {
	m := hdl.NewModule("widetest")
	a := m.Input("a", 100)
	b := m.Input("b", 100)
	sh := m.Input("sh", 8)
	acc := m.Reg("acc", 130, hdl.ResetWords([]uint64{1, 2, 3}))
	acc.Next(hdl.Add(acc, hdl.MulW(a, b, 130)))
	m.Output("sum", 101).Drive(hdl.AddW(a, b, 101))
	m.Output("diff", 100).Drive(hdl.Sub(a, b))
	m.Output("prod", 100).Drive(hdl.Mul(a, b))
	m.Output("shl", 100).Drive(hdl.ShlV(a, sh))
	m.Output("sra", 100).Drive(hdl.SraV(a, sh))
	m.Output("lt", 1).Drive(hdl.Lt(a, b))
	m.Output("slt", 1).Drive(hdl.SLt(a, b))
	m.Output("accq", 130).Drive(acc)
	m.Output("mid", 70).Drive(hdl.Slice(acc, 99, 30))
	mem := m.Memory("wmem", 100, 4)
	mem.Write(hdl.Const(1, 1), hdl.Slice(sh, 1, 0), a)
	m.Output("wq", 100).Drive(mem.ReadSync(hdl.Slice(sh, 3, 2)))
	return m
}

// AllOps uses every operator once on 8-bit inputs.
func AllOps() *hdl.Module {
	m := hdl.NewModule("allops")
	a := m.Input("a", 8)
	b := m.Input("b", 8)
	s := m.Input("s", 3)
	c := m.Input("c", 1)
	outs := []struct {
		name string
		v    hdl.Value
	}{
		{"add", hdl.Add(a, b)}, {"sub", hdl.Sub(a, b)}, {"mul", hdl.Mul(a, b)},
		{"div", hdl.Div(a, b)}, {"mod", hdl.Mod(a, b)},
		{"and", hdl.And(a, b)}, {"or", hdl.Or(a, b)}, {"xor", hdl.Xor(a, b, hdl.Const(0x5a, 8))}, {"not", hdl.Not(a)},
		{"shl", hdl.Shl(a, 3)}, {"shr", hdl.Shr(a, 2)}, {"sra", hdl.Sra(a, 5)},
		{"shlv", hdl.ShlV(a, s)}, {"shrv", hdl.ShrV(a, b)}, {"srav", hdl.SraV(a, s)},
		{"eq", hdl.Eq(a, b)}, {"ne", hdl.Ne(a, b)}, {"lt", hdl.Lt(a, b)}, {"le", hdl.Le(a, b)},
		{"gt", hdl.Gt(a, b)}, {"ge", hdl.Ge(a, b)}, {"slt", hdl.SLt(a, b)}, {"sge", hdl.SGe(a, b)},
		{"rand", hdl.AndR(a)}, {"ror", hdl.OrR(a)}, {"rxor", hdl.XorR(a)},
		{"mux", hdl.Mux(c, a, b)}, {"slice", hdl.Slice(a, 6, 2)}, {"bit", hdl.Bit(b, 7)},
		{"cat", hdl.Concat(a, c, s)}, {"rep", hdl.Repl(s, 3)}, {"zx", hdl.ZExt(s, 8)}, {"sx", hdl.SExt(s, 8)},
		{"addw", hdl.AddW(a, b, 9)}, {"subw", hdl.SubW(a, s, 8)}, {"mulw", hdl.MulW(a, b, 16)},
		{"case", hdl.Case(s, hdl.Const(0xee, 8), hdl.When(hdl.Const(1, 3), a), hdl.When(hdl.Const(2, 3), b), hdl.When(hdl.Const(7, 3), hdl.Not(b)))},
		{"prio", hdl.Priority(hdl.Const(0, 8), hdl.When(hdl.Bit(a, 0), b), hdl.When(c, hdl.Const(0x77, 8)))},
	}
	for _, o := range outs {
		m.Output("o_"+o.name, o.v.Width()).Drive(o.v)
	}
	return m
}

// Comb is a purely combinational module (no clk or rst ports) with an
// internal named wire.
func Comb() *hdl.Module {
	m := hdl.NewModule("combonly")
	a := m.Input("a", 16)
	w := m.Wire("folded", 8)
	w.Drive(hdl.Xor(hdl.Slice(a, 15, 8), hdl.Slice(a, 7, 0)))
	m.Output("y", 8).Drive(w)
	m.Output("z", 1).Drive(hdl.Eq(w, hdl.Const(0, 8)))
	return m
}
