package blocks

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	gb "github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// writeVerilog emits m as one file per module into a temporary directory.
func writeVerilog(t *testing.T, m *hdl.Module) (top string, files []string) {
	t.Helper()
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range verilog.Files(d, verilog.Options{}) {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	return d.Top.Name, files
}

// TestLint requires every block, in its edge configurations, to pass
// verilator --lint-only -Wall and iverilog -g2005 -Wall without a word.
func TestLint(t *testing.T) {
	verilator := tooltest.Require(t, "verilator")
	iverilog := tooltest.Require(t, "iverilog")
	for _, mk := range []func() (*hdl.Module, error){
		func() (*hdl.Module, error) { return gb.FIFO(8, 1, 1) },
		func() (*hdl.Module, error) { return gb.FIFO(8, 5, 3) },
		func() (*hdl.Module, error) { return gb.FIFO(72, 512, 500) },
		func() (*hdl.Module, error) { return gb.PriorityEncoder(1) },
		func() (*hdl.Module, error) { return gb.PriorityEncoder(13) },
		func() (*hdl.Module, error) { return gb.Arbiter(1, false) },
		func() (*hdl.Module, error) { return gb.Arbiter(5, true) },
		func() (*hdl.Module, error) { return gb.LFSR(2, nil, gb.Fibonacci, 1) },
		func() (*hdl.Module, error) { return gb.LFSR(64, nil, gb.Galois, 1) },
		func() (*hdl.Module, error) { return gb.BitReverse(1) },
		func() (*hdl.Module, error) { return gb.BitReverse(64) },
		func() (*hdl.Module, error) { return gb.Counter(1, gb.Saturate) },
		func() (*hdl.Module, error) { return gb.Counter(64, gb.Wrap) },
		func() (*hdl.Module, error) { return gb.BenchArbiterFIFOs(8) },
	} {
		m, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		top, files := writeVerilog(t, m)
		for _, cmd := range [][]string{
			append([]string{verilator, "--lint-only", "-Wall", "--top-module", top}, files...),
			append([]string{iverilog, "-g2005", "-Wall", "-o", filepath.Join(filepath.Dir(files[0]), "a.vvp")}, files...),
		} {
			out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "" {
				t.Errorf("%s: %s: %v\n%s", top, filepath.Base(cmd[0]), err, out)
			}
		}
	}
}

var (
	cellsRE        = regexp.MustCompile(`Number of cells:\s+(\d+)`)
	yosysWarningRE = regexp.MustCompile(`(?m)^Warning:.*$`) // Yosys' own, not ABC's
)

// yosysCells synthesizes m with the given Yosys synth command and returns
// the stat report and its cell count.
func yosysCells(t *testing.T, m *hdl.Module, synth string) (string, int) {
	t.Helper()
	yosys := tooltest.Require(t, "yosys")
	top, files := writeVerilog(t, m)
	script := "read_verilog " + strings.Join(files, " ") + "; " + synth + " -top " + top + "; stat"
	out, err := exec.Command(yosys, "-p", script).CombinedOutput()
	if err != nil {
		t.Fatalf("yosys: %v\n%s", err, out)
	}
	report := string(out)
	if w := yosysWarningRE.FindAllString(report, -1); w != nil {
		t.Errorf("%s: yosys warns:\n%s", top, strings.Join(w, "\n"))
	}
	// Keep the last statistics only (synth commands print their own).
	if i := strings.LastIndex(report, "Printing statistics"); i >= 0 {
		report = report[i:]
	}
	mm := cellsRE.FindAllStringSubmatch(report, -1)
	if mm == nil {
		t.Fatalf("no cell count in:\n%s", report)
	}
	n, _ := strconv.Atoi(mm[len(mm)-1][1])
	return report, n
}

// TestFIFOUsesBlockRAM checks the hardware reason for the FIFO's
// synchronous read port: on iCE40 its words land in SB_RAM40_4K block RAM,
// not in flip-flops.
func TestFIFOUsesBlockRAM(t *testing.T) {
	t.Parallel()
	m, err := gb.FIFO(16, 256, 250)
	if err != nil {
		t.Fatal(err)
	}
	report, _ := yosysCells(t, m, "synth_ice40")
	if !strings.Contains(report, "SB_RAM40_4K") {
		t.Errorf("fifo 16x256 did not map to block RAM:\n%s", report)
	}
	if m := regexp.MustCompile(`SB_DFF\w*\s+(\d+)`).FindAllStringSubmatch(report, -1); m != nil {
		total := 0
		for _, x := range m {
			n, _ := strconv.Atoi(x[1])
			total += n
		}
		if total > 64 { // pointers, count, read register: tens, not 4096
			t.Errorf("fifo 16x256 uses %d flip-flops", total)
		}
	}
}

// TestBenchDesignSize reports the benchmark design's size under Yosys'
// generic synth (flattened) and keeps it "a few thousand gates".
func TestBenchDesignSize(t *testing.T) {
	t.Parallel()
	m, err := gb.BenchArbiterFIFOs(8)
	if err != nil {
		t.Fatal(err)
	}
	_, cells := yosysCells(t, m, "synth -flatten")
	t.Logf("bench_arbfifo_n8: %d cells after yosys synth -flatten", cells)
	if cells < 1000 || cells > 20000 {
		t.Errorf("bench design has %d cells, want a few thousand", cells)
	}
}
