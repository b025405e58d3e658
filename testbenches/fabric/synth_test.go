package fabric

import (
	"context"
	"fmt"
	"testing"

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// TestSynthICE40 runs the iCE40 flow on the 4×4 crossbar (8-bit data) by
// default, and on 8×8 and 16×16 with PKTROUTER_FABRIC_LONG=1 (place and
// route of those takes minutes). It checks that the figures are sane:
// a design that fits, logic cells beyond the harness, a plausible Fmax.
func TestSynthICE40(t *testing.T) {
	tooltest.Require(t, "yosys")
	tooltest.Require(t, "nextpnr-ice40")
	sizes := []int{4}
	if longTests() {
		sizes = append(sizes, 8, 16)
	}
	for _, n := range sizes {
		t.Run(fmt.Sprintf("%dx%d", n, n), func(t *testing.T) {
			cfg := gfabric.CrossbarConfig{Inputs: n, Outputs: n, DataWidth: 8, Depth: 2}
			r, err := SynthICE40(context.Background(), cfg, SynthOptions{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d/%d logic cells (harness adds %d flops), LUT4 %d, DFF %d, carry %d, Fmax %.1f MHz\n  %s\n  %s",
				r.Top, r.LogicCells, r.LogicCellsMax, r.HarnessFlops, r.LUT4, r.DFF, r.Carry, r.FmaxMHz, r.YosysCommand, r.NextpnrCommand)
			if r.LogicCells <= r.HarnessFlops || r.LogicCells > r.LogicCellsMax {
				t.Errorf("logic cells %d: want more than the harness's %d and at most %d", r.LogicCells, r.HarnessFlops, r.LogicCellsMax)
			}
			if r.DFF < r.HarnessFlops || r.LUT4 == 0 {
				t.Errorf("yosys counts LUT4 %d, DFF %d: the crossbar was optimised away?", r.LUT4, r.DFF)
			}
			if r.FmaxMHz < 5 || r.FmaxMHz > 500 {
				t.Errorf("Fmax %.1f MHz is implausible", r.FmaxMHz)
			}
		})
	}
}
