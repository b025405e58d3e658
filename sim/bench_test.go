package sim_test

import (
	"fmt"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/sim"
)

// meshModule is a synthetic datapath: n 32-bit registers, each updated
// from its neighbours through adds, xors, shifts, compares and muxes
// (about 8 cells per register), like a bank of pipeline stages.
func meshModule(n int) *hdl.Module {
	m := hdl.NewModule(fmt.Sprintf("mesh%d", n))
	in := m.Input("in", 32)
	regs := make([]*hdl.Signal, n)
	for i := range regs {
		regs[i] = m.Reg(fmt.Sprintf("r%d", i), 32, hdl.Reset(uint64(i)))
	}
	for i, r := range regs {
		a, b := regs[(i+1)%n], regs[(i+7)%n]
		sum := hdl.Add(a, hdl.Xor(b, in))
		rot := hdl.Or(hdl.Shl(sum, 3), hdl.Shr(sum, 29))
		sel := hdl.Lt(a, b)
		r.Next(hdl.Mux(sel, rot, hdl.Sub(r, hdl.Const(1, 32))))
	}
	m.Output("out", 32).Drive(regs[0])
	return m
}

func benchSim(b *testing.B, m *hdl.Module) {
	d, err := m.Build()
	if err != nil {
		b.Fatal(err)
	}
	s, err := sim.NewDesign(d)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Poke("in", 12345); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	s.Step(b.N)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(d.Flat.Cells)), "ns/cell")
}

// BenchmarkMesh reports ns per simulated cycle (ns/op) and per netlist
// cell for a 1000-register, ~8000-cell design.
func BenchmarkMesh1000(b *testing.B) { benchSim(b, meshModule(1000)) }

// BenchmarkCounter is the smallest design: the fixed per-cycle overhead.
func BenchmarkMesh8(b *testing.B) { benchSim(b, meshModule(8)) }

// BenchmarkBenchArbFIFO is the interpreter on the `bench sim` design
// (ns/op is per clock cycle; compare sim/compiled's benchmark of the same
// name).
func BenchmarkBenchArbFIFO(b *testing.B) {
	m, err := blocks.BenchArbiterFIFOs(8)
	if err != nil {
		b.Fatal(err)
	}
	d, err := m.Build()
	if err != nil {
		b.Fatal(err)
	}
	s, err := sim.NewDesign(d)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Poke("run", 0); err != nil {
		b.Fatal(err)
	}
	s.Reset()
	if err := s.Poke("run", 1); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	s.Step(b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cycles/s")
}
