package fabric

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// TestLint emits scheduler, crossbar and Clos configurations and requires
// verilator --lint-only -Wall, iverilog -g2005 -Wall and yosys synth to
// pass without a single warning.
func TestLint(t *testing.T) {
	verilator := tooltest.Require(t, "verilator")
	iverilog := tooltest.Require(t, "iverilog")
	yosys := tooltest.Require(t, "yosys")
	gens := []struct {
		name string
		gen  func() (*hdl.Module, error)
	}{
		{"islip_5x3", func() (*hdl.Module, error) { return ISLIP(ISLIPConfig{Inputs: 5, Outputs: 3, Iterations: 2}) }},
		{"islip_6x6_pkt", func() (*hdl.Module, error) { return ISLIP(ISLIPConfig{Inputs: 6, Outputs: 6, PacketMode: true}) }},
		{"islip_1x1", func() (*hdl.Module, error) { return ISLIP(ISLIPConfig{Inputs: 1, Outputs: 1}) }},
		{"xbar_4x4", func() (*hdl.Module, error) {
			return Crossbar(CrossbarConfig{Inputs: 4, Outputs: 4, DataWidth: 8, Depth: 2})
		}},
		{"xbar_3x5_pkt", func() (*hdl.Module, error) {
			return Crossbar(CrossbarConfig{Inputs: 3, Outputs: 5, DataWidth: 1, Depth: 3, PacketMode: true})
		}},
		{"xbar_1x1", func() (*hdl.Module, error) {
			return Crossbar(CrossbarConfig{Inputs: 1, Outputs: 1, DataWidth: 4, Depth: 1})
		}},
		{"clos_m2n2r2", func() (*hdl.Module, error) {
			return Clos(ClosConfig{M: 2, N: 2, R: 2, DataWidth: 8, Depth: 2})
		}},
		{"clos_m3n2r3_pkt", func() (*hdl.Module, error) {
			return Clos(ClosConfig{M: 3, N: 2, R: 3, DataWidth: 8, Depth: 2, PacketMode: true})
		}},
		{"islip_4x4_pl", func() (*hdl.Module, error) { return ISLIP(ISLIPConfig{Inputs: 4, Outputs: 4, Pipelined: true}) }},
		{"xbar_3x5_pl", func() (*hdl.Module, error) {
			return Crossbar(CrossbarConfig{Inputs: 3, Outputs: 5, DataWidth: 8, Depth: 3, Pipelined: true})
		}},
		{"clos_m2n2r2_pl", func() (*hdl.Module, error) {
			return Clos(ClosConfig{M: 2, N: 2, R: 2, DataWidth: 8, Depth: 3, Pipelined: true})
		}},
	}
	for _, g := range gens {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			m, err := g.gen()
			if err != nil {
				t.Fatal(err)
			}
			d, err := m.Build()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var files []string
			for _, f := range verilog.Files(d, verilog.Options{Version: "test"}) {
				p := filepath.Join(dir, f.Name)
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, p)
			}
			top := d.Top.Name
			if out := run(t, dir, verilator, append([]string{"--lint-only", "-Wall", "--top-module", top}, files...)...); strings.TrimSpace(out) != "" {
				t.Errorf("verilator warnings:\n%s", out)
			}
			if out := run(t, dir, iverilog, append([]string{"-g2005", "-Wall", "-o", filepath.Join(dir, "a.vvp")}, files...)...); strings.TrimSpace(out) != "" {
				t.Errorf("iverilog warnings:\n%s", out)
			}
			out := run(t, dir, yosys, "-q", "-p", "read_verilog "+strings.Join(files, " ")+"; synth -top "+top+" -run :fine; check -assert")
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(strings.ToLower(line), "warning") {
					t.Errorf("yosys: %s", line)
				}
			}
		})
	}
}

func run(t *testing.T, dir, tool string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return string(out)
}
