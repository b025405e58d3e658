package device

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/verilog"
)

// TestSynthCore (PKTROUTER_SYNTH=1) synthesizes ref4's device core with
// Yosys synth_ice40 -noflatten and prints the cells of every module
// (PKTROUTER_SYNTH_FLAT=1: flattened, the figure the device gets;
// PKTROUTER_SYNTH_DIR keeps the Verilog and stat.txt). The
// blocks other packages own and measure (meter, egress cap, label parser,
// shaper) are black boxes, so the figures are the core's own: ingress
// slots, header unit, switch, egress rings and glue. testbenches/device
// SYNTH.md records the result.
func TestSynthCore(t *testing.T) {
	if os.Getenv("PKTROUTER_SYNTH") == "" {
		t.Skip("set PKTROUTER_SYNTH=1 (runs Yosys for minutes)")
	}
	if _, err := exec.LookPath("yosys"); err != nil {
		t.Fatal(err)
	}
	m, err := gendev.Core(gendev.Ref4)
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("PKTROUTER_SYNTH_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	var src strings.Builder
	if err := verilog.EmitDesign(&src, d, verilog.Options{Version: "synth"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "core.v"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var boxes []string
	for _, n := range d.Modules {
		for _, p := range []string{"meter_", "egress_cap", "labelparse", "shaper"} {
			if strings.HasPrefix(n.Name, p) {
				boxes = append(boxes, n.Name)
			}
		}
	}
	script := "read_verilog core.v; "
	if len(boxes) > 0 {
		script += "blackbox " + strings.Join(boxes, " ") + "; "
	}
	// PKTROUTER_SYNTH_FLAT=1: one flat netlist (Yosys optimizes across
	// the submodules), as the device is built; else per module.
	flat := "-noflatten "
	if os.Getenv("PKTROUTER_SYNTH_FLAT") != "" {
		flat = ""
	}
	script += "synth_ice40 " + flat + "-top " + d.Top.Name + "; tee -q -o stat.txt stat"
	t.Logf("yosys -q -p %q", script)
	cmd := exec.Command("yosys", "-q", "-p", script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	stat, err := os.ReadFile(filepath.Join(dir, "stat.txt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", stat)
}
