package simbench

import (
	"context"
	"testing"

	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// TestEnginesAgreeAndReport runs the benchmark small: it checks the four
// engines (both Go tiers, Verilator, Icarus) end in the same state and that every figure is filled in. The
// speed figures themselves come from `pktrouter bench sim`, not from a test.
func TestEnginesAgreeAndReport(t *testing.T) {
	for _, tool := range []string{"verilator", "iverilog", "vvp", "yosys"} {
		tooltest.Require(t, tool)
	}
	if testing.Short() {
		t.Skip("builds Verilator with -O3 (about 20 s)")
	}
	r, err := Run(context.Background(), Options{GoCycles: 20_000, CompiledCycles: 100_000, VerilatorCycles: 200_000, IcarusCycles: 20_000, CheckCycles: 5_000, Rounds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Checksum == "" || r.Checksum == "00000000:00000000" {
		t.Errorf("checksum %q: the design did nothing", r.Checksum)
	}
	if r.Cells < 500 {
		t.Errorf("design has %d cells; the benchmark wants a few thousand gates", r.Cells)
	}
	for name, v := range map[string]float64{"go interpreter": r.GoInterpCyclesPerS, "go compiled": r.GoCompiledCyclesPerS,
		"verilator": r.VerilatorCyclesPerS, "icarus": r.IcarusCyclesPerS, "go compiled build s": r.GoCompiledBuildSecond} {
		if !(v > 0) {
			t.Errorf("%s = %v", name, v)
		}
	}
	if fastest := max(r.GoInterpCyclesPerS, r.GoCompiledCyclesPerS); r.GoCyclesPerS != fastest {
		t.Errorf("go_cycles_per_s = %v, want the faster tier's %v", r.GoCyclesPerS, fastest)
	}
	if r.GoOverVerilator != r.GoCyclesPerS/r.VerilatorCyclesPerS {
		t.Errorf("go_over_verilator %v is not go/verilator", r.GoOverVerilator)
	}
	t.Logf("%+v", r)
}
