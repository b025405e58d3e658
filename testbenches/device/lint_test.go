package device

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	metertb "github.com/pktnetwork/pktrouter/testbenches/meter"
)

// TestLintCore holds the generated ref4 core (with its submodules) to
// verilator --lint-only -Wall, the bar every generated file must meet.
// TestLintDevice takes the whole device top through all three linters.
func TestLintCore(t *testing.T) {
	tooltest.Require(t, "verilator")
	d := ref4Core(t)
	files := writeFiles(t, d)
	args := []string{"--lint-only", "-Wall", "--top-module", d.Top.Name, files[len(files)-1]}
	for _, l := range files[:len(files)-1] {
		args = append(args, "-v", l)
	}
	cmd := exec.Command("verilator", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("verilator: %v\n%s", err, out)
	}
}

// TestLintDevice: the ref4 device top and every submodule through
// Verilator -Wall, Icarus -Wall and Yosys (synth -run :fine, check
// -assert); about 30 s.
func TestLintDevice(t *testing.T) {
	m, err := gendev.New(gendev.Ref4, uartbridge.Config{Divisor: 104})
	if err != nil {
		t.Fatal(err)
	}
	metertb.LintModules(t, m)
}

// writeFiles writes a design one module a file (verilog.Files: the file
// named after its module) and returns the paths, the top last.
func writeFiles(t *testing.T, d *hdl.Design) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for _, f := range verilog.Files(d, verilog.Options{}) {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}
