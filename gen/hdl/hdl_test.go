package hdl_test

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// here returns "hdl/hdl_test.go:<line of the caller + delta>" so tests can check
// that errors point at the builder call that caused them.
func here(delta int) string {
	_, _, line, _ := runtime.Caller(1)
	return fmt.Sprintf("hdl/hdl_test.go:%d", line+delta)
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func() (*hdl.Module, string)
		want  string
	}{
		{"width mismatch on drive", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			a := m.Input("a", 8)
			y := m.Output("y", 4)
			y.Drive(a)
			loc := here(-1)
			return m, loc
		}, "signal y: width mismatch"},
		{"operand widths", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			a, b := m.Input("a", 8), m.Input("b", 4)
			e := hdl.Add(a, b)
			loc := here(-1)
			m.Output("y", 8).Drive(e)
			return m, loc
		}, "Add: operand widths differ (8 vs 4)"},
		{"undriven output", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			m.Output("y", 1)
			loc := here(-1)
			return m, loc
		}, "signal y: output is never driven"},
		{"multiply driven", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			a := m.Input("a", 1)
			y := m.Output("y", 1)
			y.Drive(a)
			y.Drive(hdl.Not(a))
			loc := here(-1)
			return m, loc
		}, "signal y: multiply driven"},
		{"register never assigned", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			r := m.Reg("r", 3)
			loc := here(-1)
			m.Output("y", 3).Drive(r)
			return m, loc
		}, "signal r: register is never assigned"},
		{"combinational loop", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			a := m.Input("a", 4)
			w1 := m.Wire("w1", 4)
			w2 := m.Wire("w2", 4)
			w1.Drive(hdl.Add(a, w2))
			loc := here(-1)
			w2.Drive(hdl.Xor(w1, a))
			m.Output("y", 4).Drive(w2)
			return m, loc
		}, "combinational loop"},
		{"constant too wide", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			c := hdl.Const(300, 8)
			loc := here(-1)
			m.Output("y", 8).Drive(c)
			return m, loc
		}, "does not fit in 8 bits"},
		{"duplicate name", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			m.Input("a", 1)
			m.Input("a", 1)
			loc := here(-1)
			return m, loc
		}, "signal a: name already used"},
		{"keyword name", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			m.Input("reg", 1)
			loc := here(-1)
			return m, loc
		}, "Verilog keyword"},
		{"unconnected instance input", func() (*hdl.Module, string) {
			sub := hdl.NewModule("sub")
			sub.Output("o", 1).Drive(sub.Input("i", 1))
			m := hdl.NewModule("t")
			u := m.Instance("u", sub)
			loc := here(-1)
			m.Output("y", 1).Drive(u.Out("o"))
			return m, loc
		}, "signal u.i: input port of sub is not connected"},
		{"loop through hierarchy", func() (*hdl.Module, string) {
			sub := hdl.NewModule("pass")
			sub.Output("o", 1).Drive(sub.Input("i", 1))
			m := hdl.NewModule("t")
			u := m.Instance("u", sub)
			loc := here(-1)
			u.Connect("i", u.Out("o"))
			m.Output("y", 1).Drive(u.Out("o"))
			return m, loc
		}, "combinational loop"},
		{"signal from another module", func() (*hdl.Module, string) {
			other := hdl.NewModule("other")
			x := other.Input("x", 1)
			m := hdl.NewModule("t")
			m.Output("y", 1).Drive(x)
			loc := here(-1)
			return m, loc
		}, "signal x: signal of module other used in module t"},
		{"slice out of range", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			a := m.Input("a", 8)
			s := hdl.Slice(a, 8, 1)
			loc := here(-1)
			m.Output("y", 8).Drive(s)
			return m, loc
		}, "Slice: bits [8:1] outside a 8-bit value"},
		{"mux select width", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			a := m.Input("a", 8)
			e := hdl.Mux(a, a, a)
			loc := here(-1)
			m.Output("y", 8).Drive(e)
			return m, loc
		}, "Mux: select is 8 bits"},
		{"memory data width", func() (*hdl.Module, string) {
			m := hdl.NewModule("t")
			a := m.Input("a", 4)
			mem := m.Memory("mem", 8, 16)
			mem.Write(hdl.Const(1, 1), a, a)
			loc := here(-1)
			m.Output("y", 8).Drive(mem.ReadComb(a))
			return m, loc
		}, "write data is 4 bits"},
		{"two different modules one name", func() (*hdl.Module, string) {
			s1 := hdl.NewModule("dup")
			s1.Output("o", 1).Drive(hdl.Const(0, 1))
			s2 := hdl.NewModule("dup")
			loc := here(-1)
			s2.Output("o", 1).Drive(hdl.Const(1, 1))
			m := hdl.NewModule("t")
			a, b := m.Instance("a", s1), m.Instance("b", s2)
			m.Output("y", 1).Drive(hdl.Xor(a.Out("o"), b.Out("o")))
			return m, loc
		}, "two different modules share this name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, loc := tc.build()
			_, err := m.Build()
			if err == nil {
				t.Fatalf("Build succeeded, want error containing %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not contain %q", msg, tc.want)
			}
			if !regexp.MustCompile(regexp.QuoteMeta(loc) + `\b`).MatchString(msg) {
				t.Errorf("error %q does not name the builder call %s", msg, loc)
			}
		})
	}
}

func TestIdenticalModulesShareName(t *testing.T) {
	mk := func() *hdl.Module {
		s := hdl.NewGenerated("test", "inv", hdl.P("w", 2))
		s.Output("o", 2).Drive(hdl.Not(s.Input("i", 2)))
		return s
	}
	m := hdl.NewModule("t")
	a := m.Input("a", 2)
	u0 := m.Instance("u0", mk()).Connect("i", a)
	u1 := m.Instance("u1", mk()).Connect("i", u0.Out("o"))
	m.Output("y", 2).Drive(u1.Out("o"))
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Modules) != 2 || d.Modules[0].Name != "inv_w2" || d.Modules[1] != d.Top {
		t.Fatalf("modules = %v, want [inv_w2 t]", names(d.Modules))
	}
	if len(d.Flat.Insts) != 0 {
		t.Error("flattened netlist still has instances")
	}
	if _, ok := findNet(d.Flat, "u1.o"); !ok {
		t.Error("flattened netlist lacks hierarchical net u1.o")
	}
}

func names(ns []*hdl.Netlist) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Name)
	}
	return out
}

func findNet(n *hdl.Netlist, name string) (hdl.NetID, bool) {
	for i, net := range n.Nets {
		if net.Name == name {
			return hdl.NetID(i), true
		}
	}
	return hdl.NoNet, false
}

func TestScheduleOrder(t *testing.T) {
	m := hdl.NewModule("t")
	a := m.Input("a", 8)
	w := m.Wire("w", 8)
	y := m.Output("y", 8)
	y.Drive(hdl.Add(w, hdl.Const(1, 8))) // uses w before w is driven
	w.Drive(hdl.Xor(a, hdl.Const(3, 8)))
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	pos := map[hdl.NetID]int{}
	for i, c := range d.Order {
		pos[d.Flat.Cells[c].Out] = i
	}
	for i, c := range d.Order {
		for _, in := range d.Flat.Cells[c].In {
			if p, driven := pos[in]; driven && p >= i {
				t.Errorf("cell %d scheduled before the driver of its input", c)
			}
		}
	}
}

func TestModuleName(t *testing.T) {
	tests := []struct {
		base   string
		params []hdl.Param
		want   string
	}{
		{"fifo", []hdl.Param{hdl.P("w", 8), hdl.P("d", 16)}, "fifo_w8_d16"},
		{"fifo", nil, "fifo"},
		{"fifo", []hdl.Param{hdl.P("mode", "a-b")}, "fifo_h" + hdl.ParamHash(hdl.P("mode", "a-b"))},
		{"x", []hdl.Param{hdl.P("verylongparametername", 123456789), hdl.P("anotherlongparameter", 987654321)},
			"x_h" + hdl.ParamHash(hdl.P("verylongparametername", 123456789), hdl.P("anotherlongparameter", 987654321))},
	}
	for _, tc := range tests {
		if got := hdl.ModuleName(tc.base, tc.params...); got != tc.want {
			t.Errorf("ModuleName(%s, %v) = %s, want %s", tc.base, tc.params, got, tc.want)
		}
	}
	if hdl.ParamHash(hdl.P("a", 1)) == hdl.ParamHash(hdl.P("a", 2)) {
		t.Error("different parameters hash alike")
	}
	if h := hdl.ParamHash(hdl.P("a", 1)); len(h) != 8 {
		t.Errorf("hash %q is not 8 hex digits", h)
	}
}

func TestConstants(t *testing.T) {
	tests := []struct {
		e    *hdl.Expr
		want string // Verilog hex digits
	}{
		{hdl.Const(5, 4), "5"},
		{hdl.ConstS(-1, 8), "ff"},
		{hdl.ConstS(-128, 8), "80"},
		{hdl.ConstWords([]uint64{1, 1}, 65), "10000000000000001"},
	}
	for _, tc := range tests {
		m := hdl.NewModule("t")
		m.Output("y", tc.e.Width()).Drive(tc.e)
		d, err := m.Build()
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, c := range d.Flat.Cells {
			if c.Op == hdl.OpConst {
				got = hdl.FormatHex(c.Value, tc.e.Width())
			}
		}
		if strings.TrimLeft(got, "0") != strings.TrimLeft(tc.want, "0") {
			t.Errorf("constant = %s, want %s", got, tc.want)
		}
	}
	m := hdl.NewModule("t")
	m.Output("y", 8).Drive(hdl.ConstS(128, 8))
	if _, err := m.Build(); err == nil {
		t.Error("ConstS(128, 8) accepted")
	}
}

// TestMemNoRWCheck checks that the option reaches the lowered memory (and
// the flattened copy) of the marked memory only, and that two same-named
// modules differing only in it are told apart.
func TestMemNoRWCheck(t *testing.T) {
	mk := func(norw bool) *hdl.Module {
		m := hdl.NewGenerated("test", "ram", hdl.P("w", 4))
		var opts []hdl.MemOption
		if norw {
			opts = append(opts, hdl.MemNoRWCheck())
		}
		a := m.Input("a", 3)
		mem := m.Memory("mem", 4, 8, opts...)
		plain := m.Memory("plain", 4, 8)
		mem.Write(m.Input("we", 1), a, m.Input("d", 4))
		plain.Write(m.Input("we2", 1), a, m.Input("d2", 4))
		m.Output("q", 4).Drive(mem.ReadSync(m.Input("ra", 3)))
		m.Output("q2", 4).Drive(plain.ReadSync(a))
		return m
	}
	for _, norw := range []bool{false, true} {
		d, err := mk(norw).Build()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []*hdl.Netlist{d.Top, d.Flat} {
			got := map[string]bool{}
			for _, mem := range n.Mems {
				got[mem.Name] = mem.NoRWCheck
			}
			if got["mem"] != norw || got["plain"] {
				t.Errorf("norw=%v: NoRWCheck per memory = %v", norw, got)
			}
		}
	}
	top := hdl.NewModule("t")
	for i, norw := range []bool{false, true} {
		name := fmt.Sprintf("u%d", i)
		u := top.Instance(name, mk(norw))
		for _, p := range []struct {
			port string
			w    int
		}{{"we", 1}, {"we2", 1}, {"a", 3}, {"ra", 3}, {"d", 4}, {"d2", 4}} {
			u.Connect(p.port, top.Input(name+"_"+p.port, p.w))
		}
		top.Output(name+"_q", 4).Drive(u.Out("q"))
		top.Output(name+"_q2", 4).Drive(u.Out("q2"))
	}
	if _, err := top.Build(); err == nil || !strings.Contains(err.Error(), "two different modules share this name") {
		t.Errorf("modules differing only in MemNoRWCheck: err = %v, want a name clash", err)
	}
}
