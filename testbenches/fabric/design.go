// Package fabric holds the testbenches of the switch-fabric generators in
// gen/fabric: golden engines built on model/fabric for the tb package's
// per-cycle trace comparison (Go simulator, Icarus, Verilator), a Yosys
// formal proof of the scheduler's match properties, and the iCE40 synthesis
// flow that measures logic cells and Fmax.
package fabric

import (
	"bytes"
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// Built is a generated module ready for every engine: the tb.Design (ports
// in the generator's order, rst first when the module has one, Verilog
// source attached) and the built hdl design the Go simulator runs.
type Built struct {
	TB  tb.Design
	HDL *hdl.Design
}

// Build builds m, emits its Verilog and lists its ports for the tb engines.
func Build(m *hdl.Module) (Built, error) {
	d, err := m.Build()
	if err != nil {
		return Built{}, err
	}
	var src bytes.Buffer
	if err := verilog.EmitDesign(&src, d, verilog.Options{Version: "tb"}); err != nil {
		return Built{}, err
	}
	td := tb.Design{Top: d.Top.Name, Source: src.String()}
	if d.Top.UsesClk {
		td.Clock = tb.Clk
	}
	if d.Top.UsesRst {
		td.Ports = append(td.Ports, tb.Port{Name: "rst", Width: 1})
	}
	for _, p := range d.Top.Ports {
		td.Ports = append(td.Ports, tb.Port{Name: p.Name, Width: d.Top.Nets[p.Net].Width, Output: p.Dir == hdl.Out})
	}
	if err := td.Validate(); err != nil {
		return Built{}, fmt.Errorf("fabric: %s: %w", d.Top.Name, err)
	}
	return Built{TB: td, HDL: d}, nil
}

// GoSim is the Go simulator as a tb engine: each run compiles b's design
// afresh (power-on state), pokes every input, samples every output, then
// clocks once, with rst high when the stimulus says so.
func GoSim(b Built) tb.Func {
	return tb.Func{Label: "gosim", New: func(d tb.Design) (tb.StepFunc, error) {
		s, err := sim.NewDesign(b.HDL)
		if err != nil {
			return nil, err
		}
		ins, outs := d.Inputs(), d.Outputs()
		rst := -1
		for i, p := range ins {
			if p.Name == "rst" {
				rst = i
			}
		}
		return func(in, out tb.Row) error {
			for i, p := range ins {
				if i == rst {
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
			if rst >= 0 && in.Bool(rst) {
				s.Reset()
			} else {
				s.Step(1)
			}
			return nil
		}, nil
	}}
}
