package uartbridge

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	ub "github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/lint"
)

// Ref4LintEnv names the environment variable that makes TestLint lint the
// ref4 register map instead of the small one: the generator code is the
// same, but Yosys takes about 35 s per file on the ref4 decoder.
const Ref4LintEnv = "PKTROUTER_LINT_REF4"

// TestLint holds the emitted Verilog of the CSR decoder, the bridge and the
// management subsystem to verilator -Wall, iverilog -Wall and yosys
// (testbenches/lint).
func TestLint(t *testing.T) {
	for _, tool := range lint.Tools {
		tooltest.Require(t, tool)
	}
	m, err := csr.New(small)
	if os.Getenv(Ref4LintEnv) != "" {
		m, err = csr.Ref4()
	}
	if err != nil {
		t.Fatal(err)
	}
	c := ub.Config{Divisor: 1085} // 125 MHz / 115200 baud
	cm, err := m.Module()
	if err != nil {
		t.Fatal(err)
	}
	br, err := ub.New(c)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := ub.System(c, m)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	seen := map[string]bool{}
	var files []string
	for _, mod := range []*hdl.Module{cm, br, sys} {
		d, err := mod.Build()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range verilog.Files(d, verilog.Options{}) {
			if seen[f.Name] {
				continue
			}
			seen[f.Name] = true
			p := filepath.Join(dir, f.Name)
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
	}
	if len(files) != 3 {
		t.Fatalf("%d distinct modules, want csr, bridge and mgmt", len(files))
	}
	findings, err := lint.Check(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if !f.OK {
			t.Errorf("%s (%s): %s", filepath.Base(f.File), f.Tool, f.Output)
		}
	}
}
