package fabric

import (
	"testing"

	"github.com/pktnetwork/pktrouter/sim"
)

// TestPipelinedFlowRate checks the depth the Pipelined option documents: a
// single flow offered every cycle into an always-ready output keeps one
// cell per cycle with VOQs of 3 cells, and not with 2 (the extra cycle
// between decision and departure holds a cell in the VOQ), while the
// unpipelined crossbar needs only 2.
func TestPipelinedFlowRate(t *testing.T) {
	cases := []struct {
		depth    int
		pipe     bool
		fullRate bool
	}{
		{2, false, true},
		{2, true, false},
		{3, true, true},
	}
	for _, c := range cases {
		mod, err := Crossbar(CrossbarConfig{Inputs: 2, Outputs: 2, DataWidth: 4, Depth: c.depth, Pipelined: c.pipe})
		if err != nil {
			t.Fatal(err)
		}
		s, err := sim.New(mod)
		if err != nil {
			t.Fatal(err)
		}
		s.Reset()
		for _, p := range []struct {
			name string
			v    uint64
		}{{InPort(0, "valid"), 1}, {InPort(0, "dest"), 1}, {OutPort(0, "ready"), 1}, {OutPort(1, "ready"), 1}} {
			if err := s.Poke(p.name, p.v); err != nil {
				t.Fatal(err)
			}
		}
		const cycles = 200
		sent := 0
		for cyc := range cycles {
			v, err := s.Peek(OutPort(1, "valid"))
			if err != nil {
				t.Fatal(err)
			}
			if cyc >= 20 {
				sent += int(v)
			}
			s.Step(1)
		}
		if got := sent == cycles-20; got != c.fullRate {
			t.Errorf("depth %d pipelined %v: %d cells in %d cycles, full rate %v, want %v", c.depth, c.pipe, sent, cycles-20, got, c.fullRate)
		}
	}
}
