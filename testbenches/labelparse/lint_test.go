package labelparse

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/lint"
)

// TestLint emits the block for every test configuration, pipelined and
// held-input, plus a two-interface table of each, and requires Verilator -Wall, Icarus -Wall and Yosys
// (testbenches/lint) to pass each file without a finding.
func TestLint(t *testing.T) {
	for _, tool := range lint.Tools {
		tooltest.Require(t, tool)
	}
	small := lp.Ref4
	small.Interfaces, small.PortBits, small.TagBits, small.VRBits = 2, 1, 1, 1
	dir := t.TempDir()
	var files []string
	smallHeld := small
	smallHeld.HeldInput = true
	for _, sc := range append(append(schemes, heldSchemes...), []struct {
		name string
		cfg  lp.Config
	}{{"small", small}, {"held-small", smallHeld}}...) {
		b, err := NewBench(sc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, b.Design.Top+".v")
		if err := os.WriteFile(p, []byte(b.Design.Source), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	findings, err := lint.Check(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != len(files)*len(lint.Tools) {
		t.Errorf("%d findings for %d files and %d tools", len(findings), len(files), len(lint.Tools))
	}
	for _, f := range findings {
		if !f.OK {
			t.Errorf("%s %s: %s", f.Tool, filepath.Base(f.File), f.Output)
		}
	}
}
