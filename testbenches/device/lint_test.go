package device

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/lint"
)

// TestLintCore holds the generated ref4 core (with its submodules) to
// verilator --lint-only -Wall, the bar every generated file must meet.
// The whole device top through all three linters (Verilator, Icarus,
// Yosys) takes minutes: PKTROUTER_LONG=1 adds it.
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

func TestLintDevice(t *testing.T) {
	if os.Getenv("PKTROUTER_LONG") == "" {
		t.Skip("set PKTROUTER_LONG=1 (Yosys takes minutes on the whole device)")
	}
	for _, tool := range lint.Tools {
		tooltest.Require(t, tool)
	}
	m, err := gendev.New(gendev.Ref4, uartbridge.Config{Divisor: 104})
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	findings, err := lint.Check(context.Background(), writeFiles(t, d))
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range findings {
		if !fd.OK {
			t.Errorf("%s: %s", fd.Tool, fd.Output)
		}
	}
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
