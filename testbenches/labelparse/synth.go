package labelparse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/testbenches/fabric"
)

// PnREnv set to 0 makes the synthesis test stop after Yosys (no
// nextpnr-ice40, no Fmax check).
const PnREnv = "PKTROUTER_PNR"

// SynthOptions tunes SynthICE40.
type SynthOptions struct {
	// Device and Package of the iCE40 part: "hx8k" and "ct256" by default.
	Device, Package string
	// Seed of nextpnr's placer (0 means 1), so figures are reproducible.
	Seed int
	// TargetMHz is nextpnr's --freq (0 means 125: 1 GbE at 8 bits per clock).
	TargetMHz float64
	// SynthOnly stops after Yosys: no place and route, no Fmax.
	SynthOnly bool
	// KeepDir, when set, keeps the files (top.v, top.json, logs) there.
	KeepDir string
}

// Figures are one synthesis run's results. Core counts the block alone
// (Yosys synth_ice40 of the block as top); the other counts are of the
// measurement harness placed and routed (see SynthICE40): HarnessFlops of
// its flip-flops are the harness's, and Yosys merges the block's input
// register with the harness's shift register (equal flip-flops), so the
// harness's DFF count is not the block's.
type Figures struct {
	Top                   string
	Core                  Cells
	LUT4, DFF, Carry, RAM int     // Yosys synth_ice40 cells of the harness (RAM: SB_RAM40_4K)
	LogicCells, Available int     // nextpnr ICESTORM_LC used / on the device
	FmaxMHz               float64 // nextpnr's Fmax of clk after routing
	TargetMHz             float64
	HarnessFlops          int
	Commands              []string // the exact commands, run in the work directory
}

// Cells are Yosys synth_ice40 cell counts.
type Cells struct{ LUT4, DFF, Carry, RAM int }

// Met reports whether Fmax reaches the target.
func (f Figures) Met() bool { return f.FmaxMHz >= f.TargetMHz }

func (f Figures) String() string {
	return fmt.Sprintf("%s: block LUT4 %d, DFF %d, carry %d, BRAM %d; with harness %d/%d logic cells, Fmax %.1f MHz (target %.0f)",
		f.Top, f.Core.LUT4, f.Core.DFF, f.Core.Carry, f.Core.RAM, f.LogicCells, f.Available, f.FmaxMHz, f.TargetMHz)
}

// SynthICE40 generates the block for cfg and measures it on an iCE40
// (HX8K in the CT256 package by default): Yosys synth_ice40, then
// nextpnr-ice40. The block has more ports than the package has pins, so it
// sits in testbenches/fabric's harness: one pin shifts every input bit in,
// every output is registered and XOR-folded onto one pin; the timed paths
// are register to register through the block, as inside the device.
func SynthICE40(ctx context.Context, cfg lp.Config, opt SynthOptions) (Figures, error) {
	core, err := lp.New(cfg)
	if err != nil {
		return Figures{}, err
	}
	h, flops, err := fabric.Harness(core)
	if err != nil {
		return Figures{}, err
	}
	fig := Figures{Top: core.Name(), HarnessFlops: flops, TargetMHz: opt.TargetMHz}
	if fig.TargetMHz == 0 {
		fig.TargetMHz = 125
	}
	dir := opt.KeepDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "labelparse-synth-"); err != nil {
			return fig, err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fig, err
	}
	var src strings.Builder
	if err := verilog.Emit(&src, h, verilog.Options{Version: "synth"}); err != nil {
		return fig, err
	}
	if err := os.WriteFile(filepath.Join(dir, "top.v"), []byte(src.String()), 0o644); err != nil {
		return fig, err
	}
	// The block alone: its own cell counts (the harness's file holds it).
	script := fmt.Sprintf("read_verilog top.v; synth_ice40 -top %s; tee -q -o core.txt stat", core.Name())
	fig.Commands = append(fig.Commands, fmt.Sprintf("yosys -q -p %q", script))
	if _, err := run(ctx, dir, "yosys", "-q", "-p", script); err != nil {
		return fig, err
	}
	if fig.Core, err = statFile(filepath.Join(dir, "core.txt")); err != nil {
		return fig, err
	}
	script = fmt.Sprintf("read_verilog top.v; synth_ice40 -top %s -json top.json; check -assert; tee -q -o stat.txt stat", h.Name())
	fig.Commands = append(fig.Commands, fmt.Sprintf("yosys -q -p %q", script))
	if _, err := run(ctx, dir, "yosys", "-q", "-p", script); err != nil {
		return fig, err
	}
	hc, err := statFile(filepath.Join(dir, "stat.txt"))
	if err != nil {
		return fig, err
	}
	fig.LUT4, fig.DFF, fig.Carry, fig.RAM = hc.LUT4, hc.DFF, hc.Carry, hc.RAM
	if opt.SynthOnly {
		return fig, nil
	}
	dev, pkg, seed := opt.Device, opt.Package, opt.Seed
	if dev == "" {
		dev = "hx8k"
	}
	if pkg == "" {
		pkg = "ct256"
	}
	if seed == 0 {
		seed = 1
	}
	args := []string{"--" + dev, "--package", pkg, "--json", "top.json", "--seed", strconv.Itoa(seed),
		"--freq", strconv.FormatFloat(fig.TargetMHz, 'f', -1, 64), "--timing-allow-fail"}
	fig.Commands = append(fig.Commands, "nextpnr-ice40 "+strings.Join(args, " "))
	out, err := run(ctx, dir, "nextpnr-ice40", args...)
	if opt.KeepDir != "" {
		_ = os.WriteFile(filepath.Join(dir, "nextpnr.log"), []byte(out), 0o644)
	}
	if err != nil {
		return fig, err
	}
	if fig.LogicCells, fig.Available, err = utilization(out, "ICESTORM_LC"); err != nil {
		return fig, err
	}
	if fig.FmaxMHz, err = fmax(out); err != nil {
		return fig, err
	}
	return fig, nil
}

func run(ctx context.Context, dir, tool string, args ...string) (string, error) {
	path, err := exec.LookPath(tool)
	if err != nil {
		return "", fmt.Errorf("labelparse synth: %s not found on PATH: %w", tool, err)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) > 20 {
			lines = lines[len(lines)-20:]
		}
		return string(out), fmt.Errorf("labelparse synth: %s failed: %v\n%s", tool, err, strings.Join(lines, "\n"))
	}
	return string(out), nil
}

func statFile(path string) (Cells, error) {
	stat, err := os.ReadFile(path)
	if err != nil {
		return Cells{}, err
	}
	var c Cells
	for cell, n := range cellCounts(string(stat)) {
		switch {
		case cell == "SB_LUT4":
			c.LUT4 = n
		case cell == "SB_CARRY":
			c.Carry = n
		case cell == "SB_RAM40_4K":
			c.RAM = n
		case strings.HasPrefix(cell, "SB_DFF"):
			c.DFF += n
		}
	}
	return c, nil
}

var cellLine = regexp.MustCompile(`(?m)^\s+(SB_\w+)\s+(\d+)\s*$`)

// cellCounts reads Yosys `stat` lines; the last count of a cell wins (the
// design totals come last).
func cellCounts(stat string) map[string]int {
	c := map[string]int{}
	for _, m := range cellLine.FindAllStringSubmatch(stat, -1) {
		n, _ := strconv.Atoi(m[2])
		c[m[1]] = n
	}
	return c
}

func utilization(log, cell string) (int, int, error) {
	re := regexp.MustCompile(regexp.QuoteMeta(cell) + `:\s+(\d+)/\s*(\d+)`)
	m := re.FindAllStringSubmatch(log, -1)
	if m == nil {
		return 0, 0, fmt.Errorf("labelparse synth: no %s utilization in the nextpnr log", cell)
	}
	last := m[len(m)-1]
	used, _ := strconv.Atoi(last[1])
	avail, _ := strconv.Atoi(last[2])
	return used, avail, nil
}

var fmaxRe = regexp.MustCompile(`Max frequency for clock\s+'[^']*':\s+([0-9.]+) MHz`)

func fmax(log string) (float64, error) {
	m := fmaxRe.FindAllStringSubmatch(log, -1)
	if m == nil {
		return 0, errors.New("labelparse synth: nextpnr reported no Fmax")
	}
	return strconv.ParseFloat(m[len(m)-1][1], 64)
}
