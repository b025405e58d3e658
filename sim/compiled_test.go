package sim_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/pktnetwork/pktrouter/gen"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/hdl/hdltest"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/sim/compiled"
)

// randomSeqModule is randomModule with state: nReg registers of random
// widths (reset, no reset with an initial value, or enabled) whose next
// values are random trees over the inputs and the registers themselves.
func randomSeqModule(seed int64, name string, nIn, nReg, nOut, depth int) *hdl.Module {
	g := &treeGen{r: rand.New(rand.NewSource(seed))}
	for i := 0; i < nIn+nReg; i++ {
		g.inputs = append(g.inputs, g.width())
	}
	m := hdl.NewModule(name)
	var leaves, regs []*hdl.Signal
	for i := 0; i < nIn; i++ {
		leaves = append(leaves, m.Input(fmt.Sprintf("i%d", i), g.inputs[i]))
	}
	for i := 0; i < nReg; i++ {
		w := g.inputs[nIn+i]
		v, _ := hdl.WordsFromBig(g.constant(w).val, w)
		var opts []hdl.RegOption
		switch g.r.Intn(3) {
		case 0:
			opts = append(opts, hdl.ResetWords(v))
		case 1:
			opts = append(opts, hdl.NoReset(), hdl.InitWords(v))
		}
		r := m.Reg(fmt.Sprintf("r%d", i), w, opts...)
		regs = append(regs, r)
		leaves = append(leaves, r)
	}
	for _, r := range regs {
		next := build(g.fit(g.expr(depth), r.Width()), leaves)
		if g.r.Intn(3) == 0 {
			r.NextIf(build(g.fit(g.expr(depth-1), 1), leaves), next)
		} else {
			r.Next(next)
		}
	}
	for i := 0; i < nOut; i++ {
		x := g.expr(depth)
		m.Output(fmt.Sprintf("o%d", i), x.w).Drive(build(x, leaves))
	}
	return m
}

// wideMemModule has a 130-bit memory of 5 words (wider than a word, depth
// not a power of two) with two write ports and a combinational, an
// enabled read-first and a transparent synchronous read port.
func wideMemModule() *hdl.Module {
	m := hdl.NewModule("widemem")
	mem := m.Memory("wm", 130, 5)
	for i := 0; i < 2; i++ {
		p := fmt.Sprintf("%d", i)
		mem.Write(m.Input("we"+p, 1), m.Input("wa"+p, 3), m.Input("wd"+p, 130))
	}
	ra := m.Input("ra", 4)
	m.Output("comb", 130).Drive(mem.ReadComb(ra))
	m.Output("first", 130).Drive(mem.ReadSync(ra, hdl.ReadEnable(m.Input("re", 1))))
	m.Output("trans", 130).Drive(mem.ReadSync(m.Input("ta", 3), hdl.Transparent()))
	return m
}

// wrapAll instantiates every module in one top whose ports are the
// instances' ports, prefixed d<k>_, so that one compiled program (one
// go build) covers them all.
func wrapAll(t *testing.T, name string, subs []*hdl.Module) *hdl.Module {
	t.Helper()
	top := hdl.NewModule(name)
	for k, sub := range subs {
		d, err := sub.Build()
		if err != nil {
			t.Fatalf("%s: %v", sub.Name(), err)
		}
		inst := top.Instance(fmt.Sprintf("u%d", k), sub)
		for _, p := range d.Top.Ports {
			w := d.Top.Nets[p.Net].Width
			pn := fmt.Sprintf("d%d_%s", k, p.Name)
			if p.Dir == hdl.In {
				inst.Connect(p.Name, top.Input(pn, w))
			} else {
				top.Output(pn, w).Drive(inst.Out(p.Name))
			}
		}
	}
	return top
}

// TestCompiledMatchesInterpreter runs the compiled tier and the
// interpreter side by side on every registry building block (up to
// maxBlockCells netlist cells) at its reference parameters, the hdltest circuits, random expression trees and random
// sequential designs, with random inputs and rst poked now and then, and
// requires every named signal to agree every cycle (the interpreter in
// turn agrees with Icarus and Verilator, TestAgainstIcarusAndVerilator),
// then every memory word.
func TestCompiledMatchesInterpreter(t *testing.T) {
	const maxBlockCells = 5000
	var subs []*hdl.Module
	for _, c := range hdltest.Circuits() {
		subs = append(subs, c.New())
	}
	subs = append(subs, wideMemModule())
	for k := 0; k < 2; k++ {
		m, _, _ := randomModule(int64(900+k), fmt.Sprintf("crand%d", k), 4, 60, 4)
		subs = append(subs, m)
		subs = append(subs, randomSeqModule(int64(950+k), fmt.Sprintf("cseq%d", k), 3, 12, 12, 3))
	}
	for _, g := range gen.All() {
		m, err := g.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err := m.Build()
		if err != nil {
			t.Fatal(err)
		}
		// The building blocks, not the whole-device tops made of them:
		// those would only repeat the blocks at many times the build time.
		if len(d.Flat.Cells) > maxBlockCells {
			continue
		}
		subs = append(subs, m)
	}
	d, err := wrapAll(t, "cmptop", subs).Build()
	if err != nil {
		t.Fatal(err)
	}
	compareTiers(t, d, 300)
}

// compareTiers runs d in both tiers for the given cycles with random
// inputs and rst poked now and then (power-on again halfway), comparing
// every named signal every cycle, then every memory word.
func compareTiers(t *testing.T, d *hdl.Design, cycles int) {
	t.Helper()
	ref, err := sim.NewDesign(d)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := compiled.NewDesign(context.Background(), d, compiled.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	var ins []hdl.Port
	var widths []int
	for _, p := range d.Top.Ports {
		if p.Dir == hdl.In {
			ins = append(ins, p)
			widths = append(widths, d.Top.Nets[p.Net].Width)
		}
	}
	names := ref.Signals()
	r := rand.New(rand.NewSource(7))
	bad := 0
	for c := 0; c < cycles && bad < 10; c++ {
		if c == cycles/2 {
			ref.PowerOn()
			cs.PowerOn()
		}
		rst := b2u(resetAt(c))
		if err := ref.Poke(sim.RstPort, rst); err != nil {
			t.Fatal(err)
		}
		if err := cs.Poke(sim.RstPort, rst); err != nil {
			t.Fatal(err)
		}
		for i, v := range randomInputs(r, widths) {
			words, _ := hdl.WordsFromBig(v, widths[i])
			if err := ref.PokeWide(ins[i].Name, words); err != nil {
				t.Fatal(err)
			}
			if err := cs.PokeWide(ins[i].Name, words); err != nil {
				t.Fatal(err)
			}
		}
		snap, err := cs.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			want, _ := ref.PeekWide(name)
			if got := snap[name]; !equalWords(got, want) && bad < 10 {
				bad++
				t.Errorf("cycle %d: %s = %#x compiled, %#x interpreted", c, name, hdl.BigFromWords(got), hdl.BigFromWords(want))
			}
		}
		ref.Step(1)
		cs.Step(1)
	}
	for name, m := range cs.Program().Mems {
		for i := 0; i < m.Depth && bad < 10; i++ {
			want, _ := ref.ReadMem(name, i)
			got, err := cs.ReadMem(name, i)
			if err != nil {
				t.Fatal(err)
			}
			if !equalWords(got, want) {
				bad++
				t.Errorf("%s[%d] = %#x compiled, %#x interpreted", name, i, hdl.BigFromWords(got), hdl.BigFromWords(want))
			}
		}
	}
	if got, err := cs.ProgramCycle(); err != nil || got != ref.Cycle() {
		t.Errorf("program cycle count = %d, %v; interpreter %d", got, err, ref.Cycle())
	}
	t.Logf("%d cells, %d signals, %d statements (%d locals), built in %v",
		len(d.Flat.Cells), len(names), cs.Program().Statements, cs.Program().Locals, cs.BuildTime)
}

func equalWords(a, b []uint64) bool {
	return hdl.BigFromWords(a).Cmp(hdl.BigFromWords(b)) == 0 && len(a) == len(b)
}
