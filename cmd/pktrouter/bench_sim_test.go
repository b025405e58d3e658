package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/testbenches/simbench"
)

// TestWriteSimBench checks the table names both Go tiers with their own
// ratios and build time, and judges the goals on the faster tier.
func TestWriteSimBench(t *testing.T) {
	r := simbench.Result{Design: "bench_arbfifo_n8", Cells: 4261, CheckCycles: 10000, Checksum: "8c0c7160:000013a6",
		GoInterpCyclesPerS: 5e5, GoCompiledCyclesPerS: 2.5e6, VerilatorCyclesPerS: 5e6, IcarusCyclesPerS: 2.5e4,
		GoInterpOverVerilator: 0.1, GoInterpOverIcarus: 20, GoCompiledOverVerilator: 0.5, GoCompiledOverIcarus: 100,
		GoCyclesPerS: 2.5e6, GoOverVerilator: 0.5, GoOverIcarus: 100, GoSimulatorKind: "compiled",
		VerilatorBuildSecond: 30, GoCompiledBuildSecond: 1.2}
	var b bytes.Buffer
	writeSimBench(&b, r)
	out := b.String()
	for _, want := range []string{
		"go compiled", "2.5e+06", "0.500x", "100.0x", "1.2",
		"go interpreter", "5e+05", "0.100x", "20.0x",
		"verilator -O3", "icarus",
		"goals for the faster Go tier (compiled): >= 0.25x verilator (met), >= 20x icarus (met)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	r.GoSimulatorKind, r.GoOverVerilator, r.GoOverIcarus = "interpreter", 0.1, 19
	b.Reset()
	writeSimBench(&b, r)
	if !strings.Contains(b.String(), "(NOT met), >= 20x icarus (NOT met)") {
		t.Errorf("missed goals not reported:\n%s", b.String())
	}
}
