package simbench

import (
	"context"
	"testing"

	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// TestEnginesAgreeAndReport runs the benchmark small: it checks the three
// engines end in the same state and that every figure is filled in. The
// speed figures themselves come from `pktrouter bench sim`, not from a test.
func TestEnginesAgreeAndReport(t *testing.T) {
	for _, tool := range []string{"verilator", "iverilog", "vvp", "yosys"} {
		tooltest.Require(t, tool)
	}
	if testing.Short() {
		t.Skip("builds Verilator with -O3 (about 20 s)")
	}
	r, err := Run(context.Background(), Options{GoCycles: 20_000, VerilatorCycles: 200_000, IcarusCycles: 20_000, CheckCycles: 5_000})
	if err != nil {
		t.Fatal(err)
	}
	if r.Checksum == "" || r.Checksum == "00000000:00000000" {
		t.Errorf("checksum %q: the design did nothing", r.Checksum)
	}
	if r.Cells < 500 {
		t.Errorf("design has %d cells; the benchmark wants a few thousand gates", r.Cells)
	}
	for name, v := range map[string]float64{"go": r.GoCyclesPerS, "verilator": r.VerilatorCyclesPerS, "icarus": r.IcarusCyclesPerS} {
		if !(v > 0) {
			t.Errorf("%s cycles/s = %v", name, v)
		}
	}
	t.Logf("%+v", r)
}
