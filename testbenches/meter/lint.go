package meter

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/lint"
)

// PnREnv names the environment variable that turns on place-and-route
// tests (nextpnr takes over a minute for the ref4 meter).
const PnREnv = "PKTROUTER_PNR"

// PnRLogEnv names the environment variable giving a directory for the
// place-and-route tests' Verilog and nextpnr logs (SynthOptions.LogDir).
const PnRLogEnv = "PKTROUTER_PNR_LOG"

// LintModules writes each module's files and holds them to verilator
// --lint-only -Wall, iverilog -g2005 -Wall and yosys (lint.Check).
func LintModules(t testing.TB, mods ...*hdl.Module) {
	t.Helper()
	for _, tool := range lint.Tools {
		tooltest.Require(t, tool)
	}
	dir := t.TempDir()
	var files []string
	for _, m := range mods {
		d, err := m.Build()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range verilog.Files(d, verilog.Options{}) {
			p := filepath.Join(dir, f.Name)
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
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
