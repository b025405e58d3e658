package fabric

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// PnREnv enables place and route in tests (PKTROUTER_PNR=1), as in the
// other testbenches.
const PnREnv = "PKTROUTER_PNR"

func pnrTests() bool { return os.Getenv(PnREnv) == "1" }

// TestSynthICE40 runs with PKTROUTER_PNR=1: it maps, places and routes the
// 4×4 crossbar (8-bit data; and 8×8 with PKTROUTER_FABRIC_LONG=1; 16×16
// does not fit an HX8K, see docs/bench/fabric-synth.md) and checks the
// counts, logic cells and Fmax are sane. Without it, Yosys alone runs in
// TestMeasureTableSynthOnly.
func TestSynthICE40(t *testing.T) {
	pnr := pnrTests()
	if !pnr {
		t.Skipf("place and route runs with %s=1", PnREnv)
	}
	tooltest.Require(t, "yosys")
	tooltest.Require(t, "nextpnr-ice40")
	sizes := []int{4}
	if pnr && longTests() {
		sizes = append(sizes, 8)
	}
	for _, n := range sizes {
		t.Run(fmt.Sprintf("%dx%d", n, n), func(t *testing.T) {
			cfg := gfabric.CrossbarConfig{Inputs: n, Outputs: n, DataWidth: 8, Depth: 2}
			r, err := SynthICE40(context.Background(), cfg, SynthOptions{SynthOnly: !pnr})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d/%d logic cells (harness adds %d flops), LUT4 %d, DFF %d, carry %d, Fmax %.1f MHz\n  %s\n  %s",
				r.Top, r.LogicCells, r.LogicCellsMax, r.HarnessFlops, r.LUT4, r.DFF, r.Carry, r.FmaxMHz, r.YosysCommand, r.NextpnrCommand)
			// 16 VOQs of 2 cells of 9 bits are 288 flops on their own.
			if r.DFF < r.HarnessFlops+n*n*2*9 || r.LUT4 == 0 {
				t.Errorf("yosys counts LUT4 %d, DFF %d: the crossbar was optimised away?", r.LUT4, r.DFF)
			}
			if !pnr {
				return
			}
			if r.LogicCells <= r.HarnessFlops || r.LogicCells > r.LogicCellsMax {
				t.Errorf("logic cells %d: want more than the harness's %d and at most %d", r.LogicCells, r.HarnessFlops, r.LogicCellsMax)
			}
			if r.FmaxMHz < 5 || r.FmaxMHz > 500 {
				t.Errorf("Fmax %.1f MHz is implausible", r.FmaxMHz)
			}
		})
	}
}

// TestMeasureTableSynthOnly runs the table code on one small row with
// Yosys only, and checks the Markdown and JSON writers.
func TestMeasureTableSynthOnly(t *testing.T) {
	tooltest.Require(t, "yosys")
	cfgs := []TableConfig{{"axis-pkt", gfabric.CrossbarConfig{Inputs: 4, Outputs: 4, DataWidth: 8, Depth: 1, Iterations: 1, PacketMode: true}}}
	rows, err := MeasureTable(context.Background(), cfgs, SynthOptions{SynthOnly: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].LUT4 == 0 || rows[0].Anchor.Ports != 4 || rows[0].Iterations != 1 {
		t.Fatalf("rows %+v", rows)
	}
	var md, js bytes.Buffer
	if err := WriteTableMarkdown(&md, rows, "test"); err != nil {
		t.Fatal(err)
	}
	if err := WriteTableJSON(&js, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| 4×4 | axis-pkt | 1 | 1 | packet |", "600 @ 120", "synthesis only"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if !strings.Contains(js.String(), `"yosys_lut4"`) {
		t.Errorf("json lacks yosys_lut4:\n%s", js.String())
	}
}

// TestMergeRows: re-measured rows replace their namesakes, new rows go
// where TableConfigs puts them, and unknown functions go last.
func TestMergeRows(t *testing.T) {
	old := []TableRow{{Function: "full", Ports: 4, Note: "old"}, {Function: "axis-pkt", Ports: 4},
		{Function: "odd", Ports: 4}, {Function: "full", Ports: 8}}
	fresh := []TableRow{{Function: "full-pipe", Ports: 8}, {Function: "full", Ports: 4, Note: "new"}, {Function: "full-pipe", Ports: 4}}
	got := MergeRows(old, fresh)
	var keys []string
	for _, r := range got {
		keys = append(keys, fmt.Sprintf("%s/%d/%s", r.Function, r.Ports, r.Note))
	}
	want := "full/4/new full-pipe/4/ axis-pkt/4/ full/8/ full-pipe/8/ odd/4/"
	if s := strings.Join(keys, " "); s != want {
		t.Errorf("MergeRows = %s, want %s", s, want)
	}
}
