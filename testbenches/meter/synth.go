package meter

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	genmeter "github.com/pktnetwork/pktrouter/gen/meter"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	device "github.com/pktnetwork/pktrouter/model/device"
)

// SynthOptions tunes SynthICE40.
type SynthOptions struct {
	// Device and Package of the iCE40 part ("hx8k", "ct256" by default).
	Device, Package string
	// Seed of nextpnr's placer (0 means 1): figures are reproducible.
	Seed int
	// SynthOnly stops after Yosys: no place and route, no Fmax.
	SynthOnly bool
	// TargetMHz is passed to nextpnr --freq (0 means 125, the ref4 clock).
	TargetMHz float64
	// LogDir, when set, receives the Verilog given to Yosys and nextpnr's
	// log (critical paths included) as <top>.v and <top>.nextpnr.log.
	LogDir string
}

// Figures are the results of one synthesis run.
type Figures struct {
	Top                   string
	LUT4, DFF, Carry, RAM int     // Yosys synth_ice40 cells
	LogicCells, Available int     // nextpnr ICESTORM_LC used / on the device
	FmaxMHz               float64 // nextpnr's maximum frequency for clk
	HarnessFlops          int     // flip-flops the pin registers add (see Registered)
	Commands              []string
}

func (f Figures) String() string {
	return fmt.Sprintf("%s: %d logic cells of %d (LUT4 %d, DFF %d incl. %d pin registers, carry %d, BRAM %d), Fmax %.1f MHz",
		f.Top, f.LogicCells, f.Available, f.LUT4, f.DFF, f.HarnessFlops, f.Carry, f.RAM, f.FmaxMHz)
}

// Registered wraps core in a module (named synth_<core>) that registers
// every input and output at the pins, as the block sits between registers in
// the device: nextpnr's Fmax then times every path through the block, not
// only its internal register-to-register paths. It returns the wrapper and
// the flip-flops it adds.
func Registered(core *hdl.Module) (*hdl.Module, int, error) {
	d, err := core.Build()
	if err != nil {
		return nil, 0, err
	}
	h := hdl.NewModule("synth_" + d.Top.Name)
	inst := h.Instance("core", core)
	flops := 0
	for _, p := range d.Top.Ports {
		w := d.Top.Nets[p.Net].Width
		flops += w
		if p.Dir == hdl.In {
			r := h.Reg("i_"+p.Name, w, hdl.NoReset())
			r.Next(h.Input(p.Name, w))
			inst.Connect(p.Name, r)
		} else {
			r := h.Reg("o_"+p.Name, w, hdl.NoReset())
			r.Next(inst.Out(p.Name))
			h.Output(p.Name, w).Drive(r)
		}
	}
	return h, flops, nil
}

// SynthICE40 runs `yosys synth_ice40` and, unless SynthOnly,
// `nextpnr-ice40` on m wrapped by Registered (ports on package pins), and
// returns the cell counts, logic cells and Fmax; the counts include the
// wrapper's HarnessFlops. It fails if Yosys reports a problem
// (`check -assert`) or a tool is missing.
func SynthICE40(ctx context.Context, m *hdl.Module, opt SynthOptions) (Figures, error) {
	top, flops, err := Registered(m)
	if err != nil {
		return Figures{}, err
	}
	d, err := top.Build()
	if err != nil {
		return Figures{}, err
	}
	fig := Figures{Top: d.Top.Name, HarnessFlops: flops}
	dir, err := os.MkdirTemp("", "pktrouter-synth-")
	if err != nil {
		return fig, err
	}
	defer os.RemoveAll(dir)
	var src strings.Builder
	if err := verilog.EmitDesign(&src, d, verilog.Options{Version: "synth"}); err != nil {
		return fig, err
	}
	if err := os.WriteFile(filepath.Join(dir, "top.v"), []byte(src.String()), 0o644); err != nil {
		return fig, err
	}
	script := fmt.Sprintf("read_verilog top.v; synth_ice40 -top %s -json top.json; check -assert; tee -q -o stat.txt stat", fig.Top)
	fig.Commands = append(fig.Commands, fmt.Sprintf("yosys -q -p %q", script))
	if _, err := run(ctx, dir, "yosys", "-q", "-p", script); err != nil {
		return fig, err
	}
	stat, err := os.ReadFile(filepath.Join(dir, "stat.txt"))
	if err != nil {
		return fig, err
	}
	cells := cellCounts(string(stat))
	fig.LUT4, fig.Carry, fig.RAM = cells["SB_LUT4"], cells["SB_CARRY"], cells["SB_RAM40_4K"]
	for name, n := range cells {
		if strings.HasPrefix(name, "SB_DFF") {
			fig.DFF += n
		}
	}
	if opt.SynthOnly {
		return fig, nil
	}
	dev, pkg, seed, freq := opt.Device, opt.Package, opt.Seed, opt.TargetMHz
	if dev == "" {
		dev = "hx8k"
	}
	if pkg == "" {
		pkg = "ct256"
	}
	if seed == 0 {
		seed = 1
	}
	if freq == 0 {
		freq = 125
	}
	args := []string{"--" + dev, "--package", pkg, "--json", "top.json", "--seed", strconv.Itoa(seed),
		"--freq", strconv.FormatFloat(freq, 'f', -1, 64), "--timing-allow-fail"}
	fig.Commands = append(fig.Commands, "nextpnr-ice40 "+strings.Join(args, " "))
	out, err := run(ctx, dir, "nextpnr-ice40", args...)
	if opt.LogDir != "" {
		if werr := os.WriteFile(filepath.Join(opt.LogDir, fig.Top+".nextpnr.log"), []byte(out), 0o644); werr != nil {
			return fig, werr
		}
		if werr := os.WriteFile(filepath.Join(opt.LogDir, fig.Top+".v"), []byte(src.String()), 0o644); werr != nil {
			return fig, werr
		}
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

// Ref4Device is the meter of the ref4 device (model/device.Ref4.Meter):
// one ingress meter for all 4 ports x 8 leases = 32 leases, 256-byte
// packets, tick 1024 cycles, K = 8.
var Ref4Device = device.Ref4.Meter

// SynthRef4 synthesizes the ingress meter and the egress cap at the ref4
// device's sizes (Ref4Device: 32 leases) and returns their figures,
// ingress first.
func SynthRef4(ctx context.Context, opt SynthOptions) ([]Figures, error) {
	in, err := genmeter.NewIngress(Ref4Device)
	if err != nil {
		return nil, err
	}
	eg, err := genmeter.NewEgressCap(Ref4Device.Leases)
	if err != nil {
		return nil, err
	}
	var figs []Figures
	for _, m := range []*hdl.Module{in, eg} {
		f, err := SynthICE40(ctx, m, opt)
		if err != nil {
			return figs, err
		}
		figs = append(figs, f)
	}
	return figs, nil
}

func run(ctx context.Context, dir, tool string, args ...string) (string, error) {
	path, err := exec.LookPath(tool)
	if err != nil {
		return "", fmt.Errorf("synth: %s not found on PATH: %w", tool, err)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) > 20 {
			lines = lines[len(lines)-20:]
		}
		return string(out), fmt.Errorf("synth: %s failed: %v\n%s", tool, err, strings.Join(lines, "\n"))
	}
	return string(out), nil
}

var cellLine = regexp.MustCompile(`(?m)^\s+(SB_\w+)\s+(\d+)\s*$`)

// cellCounts reads Yosys `stat` lines "     SB_LUT4     123"; the last
// count of a cell wins (the design total comes last).
func cellCounts(stat string) map[string]int {
	c := map[string]int{}
	for _, m := range cellLine.FindAllStringSubmatch(stat, -1) {
		n, _ := strconv.Atoi(m[2])
		c[m[1]] = n
	}
	return c
}

// utilization reads nextpnr's "ICESTORM_LC:  1234/ 7680" line.
func utilization(log, cell string) (int, int, error) {
	re := regexp.MustCompile(regexp.QuoteMeta(cell) + `:\s+(\d+)/\s*(\d+)`)
	m := re.FindAllStringSubmatch(log, -1)
	if m == nil {
		return 0, 0, fmt.Errorf("synth: no %s utilization in the nextpnr log", cell)
	}
	last := m[len(m)-1]
	used, _ := strconv.Atoi(last[1])
	avail, _ := strconv.Atoi(last[2])
	return used, avail, nil
}

// fmax reads the last "Max frequency for clock 'clk': 98.76 MHz" line.
func fmax(log string) (float64, error) {
	re := regexp.MustCompile(`Max frequency for clock '[^']*':\s+([0-9.]+) MHz`)
	m := re.FindAllStringSubmatch(log, -1)
	if m == nil {
		return 0, fmt.Errorf("synth: no Fmax in the nextpnr log")
	}
	return strconv.ParseFloat(m[len(m)-1][1], 64)
}
