package fabric

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

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
)

// SynthOptions says where the tools are and how to run them. Empty tool
// paths are looked up on PATH.
type SynthOptions struct {
	Yosys, Nextpnr string
	// Device and Package of the iCE40 part: "hx8k" and "ct256" by default.
	Device, Package string
	// Seed of nextpnr's placer (0 means 1), so a figure is reproducible.
	Seed int
	// SynthOnly stops after Yosys (no place and route, no Fmax).
	SynthOnly bool
	// KeepDir, when set, is where the files are written and kept (for
	// inspection); otherwise a temporary directory is removed.
	KeepDir string
}

// SynthResult are the figures of one synthesis run.
type SynthResult struct {
	Top string `json:"top"` // the crossbar module measured
	// Yosys synth_ice40 cell counts of the whole harness.
	LUT4  int `json:"yosys_lut4"`
	DFF   int `json:"yosys_dff"`
	Carry int `json:"yosys_carry"`
	RAM   int `json:"yosys_bram"`
	// nextpnr figures (zero with SynthOnly).
	LogicCells     int     `json:"logic_cells"`     // ICESTORM_LC used
	LogicCellsMax  int     `json:"logic_cells_max"` // ICESTORM_LC available
	FmaxMHz        float64 `json:"fmax_mhz"`        // maximum frequency of clk
	HarnessFlops   int     `json:"harness_flops"`   // flops the measurement harness adds (see SynthICE40)
	YosysCommand   string  `json:"yosys_command"`
	NextpnrCommand string  `json:"nextpnr_command,omitempty"`
}

// SynthICE40 measures the crossbar cfg describes on an iCE40 (HX8K by
// default): Yosys synth_ice40, then nextpnr-ice40, returning logic cells
// and Fmax. Even an 8×8 crossbar has more ports than the package has
// pins, so the crossbar is wrapped in a harness (see Harness): every input
// bit comes from one shift register fed by a single pin, every output is
// registered and the registers are XOR-reduced into one registered pin.
// The harness adds HarnessFlops flip-flops (each taking a logic cell) and
// a small XOR tree; the timed paths are input register to output register
// through the crossbar, as inside a larger design. rst is a pin.
//
//	yosys -q -p "read_verilog top.v; synth_ice40 -top <harness> -json top.json"
//	nextpnr-ice40 --hx8k --package ct256 --json top.json --seed 1
func SynthICE40(ctx context.Context, cfg gfabric.CrossbarConfig, opt SynthOptions) (SynthResult, error) {
	core, err := gfabric.Crossbar(cfg)
	if err != nil {
		return SynthResult{}, err
	}
	harness, flops, err := Harness(core)
	if err != nil {
		return SynthResult{}, err
	}
	res := SynthResult{Top: core.Name(), HarnessFlops: flops}
	dir := opt.KeepDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "fabric-synth-"); err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	f, err := os.Create(filepath.Join(dir, "top.v"))
	if err != nil {
		return res, err
	}
	err = verilog.Emit(f, harness, verilog.Options{Version: "synth"})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, err
	}
	yosys, err := toolPath(opt.Yosys, "yosys")
	if err != nil {
		return res, err
	}
	script := fmt.Sprintf("read_verilog top.v; synth_ice40 -top %s -json top.json; tee -q -o stat.txt stat", harness.Name())
	res.YosysCommand = fmt.Sprintf("yosys -q -p %q", script)
	if _, err := runIn(ctx, dir, yosys, "-q", "-p", script); err != nil {
		return res, err
	}
	stat, err := os.ReadFile(filepath.Join(dir, "stat.txt"))
	if err != nil {
		return res, err
	}
	out := string(stat)
	res.LUT4 = statCount(out, "SB_LUT4")
	res.Carry = statCount(out, "SB_CARRY")
	res.RAM = statCount(out, "SB_RAM40_4K")
	for _, ff := range []string{"SB_DFF", "SB_DFFE", "SB_DFFSR", "SB_DFFSS", "SB_DFFESR", "SB_DFFESS", "SB_DFFR", "SB_DFFS", "SB_DFFER", "SB_DFFES"} {
		res.DFF += statCount(out, ff)
	}
	if opt.SynthOnly {
		return res, nil
	}
	nextpnr, err := toolPath(opt.Nextpnr, "nextpnr-ice40")
	if err != nil {
		return res, err
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
	args := []string{"--" + dev, "--package", pkg, "--json", "top.json", "--seed", strconv.Itoa(seed)}
	res.NextpnrCommand = "nextpnr-ice40 " + strings.Join(args, " ")
	out, err = runIn(ctx, dir, nextpnr, args...)
	if opt.KeepDir != "" {
		_ = os.WriteFile(filepath.Join(dir, "nextpnr.log"), []byte(out), 0o644)
	}
	if err != nil {
		return res, err
	}
	if res.LogicCells, res.LogicCellsMax, err = parseUtil(out, "ICESTORM_LC"); err != nil {
		return res, err
	}
	if res.FmaxMHz, err = parseFmax(out); err != nil {
		return res, err
	}
	return res, nil
}

// Harness wraps core for place and route on a small package: a shift
// register (input "sin") feeds every core input but rst; every core output
// is registered, and a register holding the XOR of those drives "sout". It returns the
// harness and the number of flip-flops it adds.
func Harness(core *hdl.Module) (*hdl.Module, int, error) {
	d, err := core.Build()
	if err != nil {
		return nil, 0, err
	}
	h := hdl.NewModule("harness_" + d.Top.Name)
	inst := h.Instance("core", core)
	total := 0
	for _, p := range d.Top.Ports {
		if p.Dir == hdl.In {
			total += d.Top.Nets[p.Net].Width
		}
	}
	if total == 0 {
		return nil, 0, errors.New("fabric: harness: core has no inputs")
	}
	sin := h.Input("sin", 1)
	chain := h.Reg("chain", total, hdl.NoReset())
	if total == 1 {
		chain.Next(sin)
	} else {
		chain.Next(hdl.Concat(hdl.Slice(chain, total-2, 0), sin))
	}
	off := 0
	var outs []hdl.Value
	for _, p := range d.Top.Ports {
		w := d.Top.Nets[p.Net].Width
		if p.Dir == hdl.In {
			inst.Connect(p.Name, hdl.Slice(chain, off+w-1, off))
			off += w
		} else {
			outs = append(outs, inst.Out(p.Name))
		}
	}
	// Registering each output first keeps the XOR tree off the core's
	// paths: what is timed is the core to an output register, as in an
	// enclosing design.
	all := hdl.Concat(outs...)
	outReg := h.Reg("outs", all.Width(), hdl.NoReset())
	outReg.Next(all)
	fold := h.Reg("fold", 1, hdl.NoReset())
	fold.Next(hdl.XorR(outReg))
	h.Output("sout", 1).Drive(fold)
	return h, total + all.Width() + 1, nil
}

func toolPath(given, name string) (string, error) {
	if given != "" {
		return given, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("fabric: %s not found on PATH: %w", name, err)
	}
	return p, nil
}

func runIn(ctx context.Context, dir, tool string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("fabric: %s failed: %v\n%s", filepath.Base(tool), err, tail(string(out), 30))
	}
	return string(out), nil
}

// statCount reads "     SB_LUT4    123" from Yosys stat output (the last
// occurrence: the top module's totals).
func statCount(log, cell string) int {
	re := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(cell) + `\s+(\d+)\s*$`)
	all := re.FindAllStringSubmatch(log, -1)
	if len(all) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(all[len(all)-1][1])
	return n
}

var fmaxRe = regexp.MustCompile(`Max frequency for clock\s+'[^']*':\s+([0-9.]+) MHz`)

// parseFmax takes the last "Max frequency for clock" line (after routing).
func parseFmax(log string) (float64, error) {
	all := fmaxRe.FindAllStringSubmatch(log, -1)
	if len(all) == 0 {
		return 0, errors.New("fabric: nextpnr reported no clock frequency")
	}
	return strconv.ParseFloat(all[len(all)-1][1], 64)
}

// parseUtil reads "ICESTORM_LC:   123/  7680" from nextpnr's device
// utilisation report.
func parseUtil(log, res string) (used, avail int, err error) {
	re := regexp.MustCompile(regexp.QuoteMeta(res) + `:\s+(\d+)/\s*(\d+)`)
	all := re.FindAllStringSubmatch(log, -1)
	if len(all) == 0 {
		return 0, 0, fmt.Errorf("fabric: nextpnr reported no %s utilisation", res)
	}
	m := all[len(all)-1]
	used, _ = strconv.Atoi(m[1])
	avail, _ = strconv.Atoi(m[2])
	return used, avail, nil
}
