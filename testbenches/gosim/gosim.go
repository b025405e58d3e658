// Package gosim puts a gen/hdl module in front of every testbench engine at
// once: New builds it, emits its Verilog for Icarus and Verilator, lists its
// ports the way testbenches/tb expects (rst first, then the module's ports in
// order), and Engine runs the same design in the Go simulator as a tb.Func.
// Every block's testbench starts here, so the three engines always see the
// same design and the same port order.
package gosim

import (
	"bytes"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// Bench is a built module ready for the tb engines: the tb.Design (Verilog
// source included) for Icarus and Verilator, and the built netlist for the Go
// simulator.
type Bench struct {
	Design tb.Design
	Built  *hdl.Design
}

// New builds m, emits its Verilog and lists its ports: rst first when the
// design has a reset (the stimulus drives it like any input), then m's ports
// in order; the clock is clk when the design is clocked.
func New(m *hdl.Module) (*Bench, error) {
	d, err := m.Build()
	if err != nil {
		return nil, err
	}
	return FromDesign(d)
}

// FromDesign is New for a module that is already built.
func FromDesign(d *hdl.Design) (*Bench, error) {
	var src bytes.Buffer
	if err := verilog.EmitDesign(&src, d, verilog.Options{}); err != nil {
		return nil, err
	}
	var ports []tb.Port
	if d.Top.UsesRst {
		ports = append(ports, tb.Port{Name: "rst", Width: 1})
	}
	for _, p := range d.Top.Ports {
		ports = append(ports, tb.Port{Name: p.Name, Width: d.Top.Nets[p.Net].Width, Output: p.Dir == hdl.Out})
	}
	clock := ""
	if d.Top.UsesClk {
		clock = tb.Clk
	}
	b := &Bench{Design: tb.Design{Top: d.Top.Name, Source: src.String(), Clock: clock, Ports: ports}, Built: d}
	return b, b.Design.Validate()
}

// Engine is the Go simulator as a tb engine, following tb's cycle convention:
// poke the row's inputs, sample the outputs, then clock. A row with rst set
// clocks with reset held (sim.Reset), which is what a synchronous reset does
// in the Verilog the other engines run.
func (b *Bench) Engine() tb.Func {
	return tb.Func{Label: "gosim", New: func(d tb.Design) (tb.StepFunc, error) {
		s, err := sim.NewDesign(b.Built)
		if err != nil {
			return nil, err
		}
		ins, outs := d.Inputs(), d.Outputs()
		return func(in, out tb.Row) error {
			rst := false
			for i, p := range ins {
				if p.Name == "rst" {
					rst = in.Bool(i)
					continue
				}
				if err := s.PokeWide(p.Name, in.Words(i)); err != nil {
					return err
				}
			}
			for i, p := range outs {
				v, err := s.PeekWide(p.Name)
				if err != nil {
					return err
				}
				out.SetWords(i, v)
			}
			if rst {
				s.Reset()
			} else {
				s.Step(1)
			}
			return nil
		}, nil
	}}
}
