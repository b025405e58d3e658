// Package blocks is the testbench of the building blocks in gen/blocks.
//
// For every block it drives random stimulus through the Go simulator and
// checks each cycle against the golden model in model/blocks; with the EDA
// tools installed it runs the same stimulus on Icarus and Verilator (through
// testbenches/tb) and requires per-cycle traces identical to the Go
// simulator's for at least EngineCycles cycles. The package has no non-test
// API beyond these helpers: it exists for its tests.
package blocks

import (
	"bytes"
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// EngineCycles is how many random cycles each block runs on all three
// engines (the hardware-core issue asks for at least 100,000).
const EngineCycles = 100_000

// Design builds m, emits its Verilog and describes it for testbenches/tb:
// rst first (when the design has a reset), then m's ports in order; the
// clock is clk when the design is clocked.
func Design(m *hdl.Module) (tb.Design, *hdl.Design, error) {
	built, err := m.Build()
	if err != nil {
		return tb.Design{}, nil, err
	}
	var src bytes.Buffer
	if err := verilog.EmitDesign(&src, built, verilog.Options{}); err != nil {
		return tb.Design{}, nil, err
	}
	d := tb.Design{Top: built.Top.Name, Source: src.String()}
	if built.Top.UsesClk {
		d.Clock = tb.Clk
	}
	if built.Top.UsesRst {
		d.Ports = append(d.Ports, tb.Port{Name: "rst", Width: 1})
	}
	for _, p := range built.Top.Ports {
		d.Ports = append(d.Ports, tb.Port{Name: p.Name, Width: built.Top.Nets[p.Net].Width, Output: p.Dir == hdl.Out})
	}
	return d, built, d.Validate()
}

// GoSim is the Go simulator as a testbenches/tb engine. The simulator's rst
// is not a port: a cycle whose rst input is 1 is run with Sim.Reset, which
// holds rst high for exactly that cycle's edge (rst is synchronous, so it
// changes no output before the edge).
func GoSim(built *hdl.Design) tb.Func {
	return tb.Func{Label: "gosim", New: func(d tb.Design) (tb.StepFunc, error) {
		s, err := sim.NewDesign(built)
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

// Checker compares one cycle of a design's outputs with a golden model: in
// is the cycle's stimulus, out the design's outputs before the edge. It
// advances the model by one edge and returns an error naming the first
// output that differs.
type Checker func(in, out tb.Row) error

// CheckTrace walks a stimulus and the trace it produced through a fresh
// checker, stopping at the first cycle that differs.
func CheckTrace(s tb.Stimulus, tr tb.Trace, check Checker) error {
	if s.Len() != tr.Len() {
		return fmt.Errorf("stimulus has %d cycles, trace %d", s.Len(), tr.Len())
	}
	for c := 0; c < s.Len(); c++ {
		if err := check(s.Row(c), tr.Row(c)); err != nil {
			return fmt.Errorf("cycle %d: %w", c, err)
		}
	}
	return nil
}

// mismatch describes one differing output.
func mismatch(port string, got, want any) error {
	return fmt.Errorf("%s = %v, model says %v", port, got, want)
}
