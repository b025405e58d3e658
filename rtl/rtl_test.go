package rtl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/version"
)

// TestCurrent regenerates the reference RTL in memory and requires the
// checked-in files to be exactly it: no file stale, missing or left over.
func TestCurrent(t *testing.T) {
	files, err := gen.EmitAll(verilog.Options{Version: version.Release})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, f := range files {
		want[f.Name] = true
		got, err := os.ReadFile(f.Name)
		if err != nil {
			t.Errorf("%s missing: run `go generate ./rtl` (or `make generate`)", f.Name)
			continue
		}
		if !bytes.Equal(got, f.Data) {
			t.Errorf("%s is stale: run `go generate ./rtl` (or `make generate`) and commit the result", f.Name)
		}
	}
	vs, _ := filepath.Glob("*.v")
	for _, v := range vs {
		if !want[v] {
			t.Errorf("%s is no longer generated: delete it", v)
		}
	}
	if len(files) == 0 || !strings.HasSuffix(files[0].Name, ".v") {
		t.Fatalf("EmitAll gave %d files", len(files))
	}
}
