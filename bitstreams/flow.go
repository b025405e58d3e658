package bitstreams

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/version"
)

// AptPackages names the Debian/Ubuntu package of each tool the flow runs.
var AptPackages = map[string]string{
	"yosys":         "yosys",
	"nextpnr-ice40": "nextpnr-ice40",
	"icepack":       "fpga-icestorm",
	"iceprog":       "fpga-icestorm",
}

// ToolError is a tool the flow needs that is not on PATH.
type ToolError struct{ Tool string }

func (e *ToolError) Error() string {
	return fmt.Sprintf("%s not found on PATH: install it (Debian/Ubuntu: apt-get install %s)", e.Tool, AptPackages[e.Tool])
}

// StageError is a tool that failed: its stage, log file and the log's last
// lines.
type StageError struct {
	Stage, Log string
	Tail       []string
	Err        error
}

func (e *StageError) Error() string {
	return fmt.Sprintf("%s failed (%v); last lines of %s:\n%s", e.Stage, e.Err, e.Log, strings.Join(e.Tail, "\n"))
}

func (e *StageError) Unwrap() error { return e.Err }

// FitError is a design that needs more of a resource than the part has;
// the report (verdict "does not fit") is written all the same.
type FitError struct {
	Part string
	Over []string
	Dir  string
}

func (e *FitError) Error() string {
	return fmt.Sprintf("the design does not fit the iCE40 %s: %s; report in %s", strings.ToUpper(e.Part), strings.Join(e.Over, ", "), e.Dir)
}

// Design is what the flow builds: one Verilog file holding every module,
// the top module's name and its ports (for the board top).
type Design struct {
	Name    string // what was asked for, for the report: "device_ref4", "labelparse", ...
	Module  string
	Ports   []Port
	Verilog []byte
}

// FromModule builds m and emits its Verilog (every submodule once).
func FromModule(name string, m *hdl.Module) (Design, error) {
	d, err := m.Build()
	if err != nil {
		return Design{}, fmt.Errorf("%s: %w", name, err)
	}
	var src bytes.Buffer
	if err := verilog.EmitDesign(&src, d, verilog.Options{Version: version.Release}); err != nil {
		return Design{}, err
	}
	return Design{Name: name, Module: d.Top.Name, Ports: PortsOf(d), Verilog: src.Bytes()}, nil
}

// Options says where and how to run the flow.
type Options struct {
	Board *Board // nil: generic Yosys synth, cell counts only
	// Dir receives every input, log, report and the bitstream (created).
	Dir string
	// Seed of nextpnr's placer (0 means 1), so a run is reproducible.
	Seed int
	// TargetMHz is the clock the design must meet (nextpnr --freq); 0
	// means the board's clock.
	TargetMHz float64
	// Bitstream is the file name stem of the .asc/.bin (default
	// pktrouter_<design name>).
	Bitstream string
	// Progress receives the stage display; nil is quiet. Live redraws one
	// status line with the running time (a terminal); otherwise one line
	// per finished stage is written.
	Progress io.Writer
	Live     bool
	// Notes are added to the report's notes first (decisions the caller
	// made, such as a UART divisor for the board clock).
	Notes []string
}

// Run synthesizes d for opt.Board (Yosys synth_ice40, nextpnr-ice40,
// icepack) or, without a board, runs Yosys's generic synth; it writes the
// inputs, logs, report.json, report.md and the bitstream into opt.Dir and
// returns the report. A failed check of timing is not an error: the report
// says fail. A missing tool or a failing stage is.
func Run(ctx context.Context, d Design, opt Options) (*Report, error) {
	if opt.Dir == "" {
		return nil, errors.New("bitstreams: no output directory")
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, err
	}
	r := &Report{Design: d.Name, Module: d.Module, Board: Generic, Top: d.Module, Notes: opt.Notes}
	f := &flow{ctx: ctx, dir: opt.Dir, opt: opt, r: r}
	if err := f.write("design.v", d.Verilog); err != nil {
		return r, err
	}
	if opt.Board == nil {
		r.SourceSHA256 = SourceSHA256(d.Verilog)
		f.total = 1
		script := fmt.Sprintf("read_verilog design.v; hierarchy -check -top %s; tee -q -o memstat.json stat -json; %s; tee -q -o stat.json stat -json",
			d.Module, GenericScript(d.Module))
		if err := f.stage("yosys synth (generic)", "yosys.log", "yosys", "-q", "-l", "yosys.log", "-p", script); err != nil {
			return r, err
		}
		if err := f.parseStat(); err != nil {
			return r, err
		}
		mem, err := os.ReadFile(filepath.Join(opt.Dir, "memstat.json"))
		if err != nil {
			return r, err
		}
		if err := r.ParseYosysMemories(mem); err != nil {
			return r, err
		}
		r.Verdict = "synthesized"
		f.versions()
		return r, r.Write(opt.Dir)
	}

	b := opt.Board
	r.Board, r.Device, r.Package = b.Name, b.Device, b.Package
	r.Seed, r.TargetMHz = opt.Seed, opt.TargetMHz
	if r.Seed == 0 {
		r.Seed = 1
	}
	if r.TargetMHz == 0 {
		r.TargetMHz = b.ClockMHz
	}
	top, err := b.Wrap(d.Module, d.Ports)
	if err != nil {
		return r, err
	}
	r.Top, r.Notes = top.Module, append(r.Notes, top.Notes...)
	r.SourceSHA256 = SourceSHA256(d.Verilog, top.Verilog)
	r.Notes = append(r.Notes, fmt.Sprintf("timing target: %g MHz (nextpnr --freq)", r.TargetMHz))
	if err := f.write("board_top.v", top.Verilog); err != nil {
		return r, err
	}
	if err := f.write("board.pcf", top.PCF); err != nil {
		return r, err
	}
	stem := opt.Bitstream
	if stem == "" {
		stem = "pktrouter_" + d.Name
	}
	f.total = 3
	script := fmt.Sprintf("read_verilog design.v board_top.v; synth_ice40 -top %s -json synth.json; check -assert; tee -q -o stat.json stat -json", top.Module)
	if err := f.stage("yosys synth_ice40", "yosys.log", "yosys", "-q", "-l", "yosys.log", "-p", script); err != nil {
		return r, err
	}
	if err := f.parseStat(); err != nil {
		return r, err
	}
	args := []string{"--" + b.Device, "--package", b.Package, "--pcf", "board.pcf", "--json", "synth.json",
		"--asc", stem + ".asc", "--freq", strconv.FormatFloat(r.TargetMHz, 'f', -1, 64), "--seed", strconv.Itoa(r.Seed),
		"--report", "nextpnr.json", "--timing-allow-fail", "-q", "-l", "nextpnr.log"}
	if err := f.stage("nextpnr-ice40 place and route", "nextpnr.log", "nextpnr-ice40", args...); err != nil {
		// A design too big for the part is a result, not only an error:
		// the report keeps Yosys's counts and nextpnr's utilization.
		log, _ := os.ReadFile(filepath.Join(opt.Dir, "nextpnr.log"))
		if over := r.ParseNextpnrLog(log); len(over) > 0 {
			f.versions()
			if werr := r.Write(opt.Dir); werr != nil {
				return r, werr
			}
			return r, &FitError{Part: b.Device, Over: over, Dir: opt.Dir}
		}
		return r, err
	}
	rep, err := os.ReadFile(filepath.Join(opt.Dir, "nextpnr.json"))
	if err != nil {
		return r, err
	}
	if err := r.ParseNextpnrReport(rep); err != nil {
		return r, err
	}
	if err := f.stage("icepack", "icepack.log", "icepack", stem+".asc", stem+".bin"); err != nil {
		return r, err
	}
	bin, err := os.ReadFile(filepath.Join(opt.Dir, stem+".bin"))
	if err != nil {
		return r, err
	}
	r.Bitstream, r.Flash = stem+".bin", b.Flash
	r.BitstreamSHA256 = fmt.Sprintf("%x", sha256.Sum256(bin))
	f.versions()
	return r, r.Write(opt.Dir)
}

// SourceSHA256 is the hex SHA-256 of the Verilog sources a flow reads, in
// the order it reads them, each followed by its length (so moving text
// from one file to the next changes the hash).
func SourceSHA256(sources ...[]byte) string {
	h := sha256.New()
	for _, src := range sources {
		h.Write(src)
		fmt.Fprintf(h, "\n%d\n", len(src))
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// GenericScript is the Yosys script of the generic flow after the design is
// read: Yosys's own `synth` up to its "fine" label (hierarchy, proc, the
// coarse optimisations, memory inference), then the rest of synth without
// memory_map, so memories stay $mem_v2 cells instead of being expanded into
// a flip-flop per bit and a mux tree per read port. That is what a target
// with block RAM would keep, it makes the counts say "N memories of B bits"
// rather than hide megabits in the gate count, and it is what lets a
// device with megabits of buffer (ref16) finish at all. The design is
// left hierarchical, as synth does without -flatten.
//
// The steps after the label are synth's fine and check sections minus
// memory_map (Yosys 0.23): opt -fast -full; opt -full; techmap; opt -fast;
// abc -fast; opt -fast; hierarchy -check; check. Lint and benchmarks that
// only need a design to get through synthesis can stop at `synth -run :fine`.
func GenericScript(top string) string {
	return strings.Join([]string{
		"synth -top " + top + " -run :fine",
		"opt -fast -full", "opt -full", "techmap", "opt -fast", "abc -fast", "opt -fast",
		"hierarchy -check", "check",
	}, "; ")
}

// flow runs the stages of one Run.
type flow struct {
	ctx          context.Context
	dir          string
	opt          Options
	r            *Report
	n, total     int
	progressLock sync.Mutex
}

func (f *flow) write(name string, data []byte) error {
	return os.WriteFile(filepath.Join(f.dir, name), data, 0o644)
}

func (f *flow) parseStat() error {
	stat, err := os.ReadFile(filepath.Join(f.dir, "stat.json"))
	if err != nil {
		return err
	}
	return f.r.ParseYosysStat(stat)
}

// stage runs one tool in the output directory, its output appended to
// logName, and shows progress.
func (f *flow) stage(name, logName, tool string, args ...string) error {
	path, err := exec.LookPath(tool)
	if err != nil {
		return &ToolError{Tool: tool}
	}
	f.n++
	f.r.Commands = append(f.r.Commands, shellLine(tool, args))
	logPath := filepath.Join(f.dir, logName)
	var out bytes.Buffer
	cmd := exec.CommandContext(f.ctx, path, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = f.dir, &out, &out
	start := time.Now()
	stop := f.show(name, start)
	err = cmd.Run()
	elapsed := time.Since(start)
	stop(err == nil, elapsed)
	f.r.Stages = append(f.r.Stages, Stage{Name: name, Seconds: elapsed.Round(100 * time.Millisecond).Seconds(), Log: logName})
	// Tools that write their own log (-l) also print errors; keep both.
	if out.Len() > 0 {
		lf, ferr := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if ferr == nil {
			lf.Write(out.Bytes())
			lf.Close()
		}
	}
	if err != nil {
		log, _ := os.ReadFile(logPath)
		return &StageError{Stage: name, Log: logPath, Tail: tail(string(log), 20), Err: err}
	}
	return nil
}

// show displays a running stage and returns the function that ends it.
func (f *flow) show(name string, start time.Time) func(ok bool, took time.Duration) {
	w := f.opt.Progress
	if w == nil {
		return func(bool, time.Duration) {}
	}
	label := fmt.Sprintf("[%d/%d] %s", f.n, f.total, name)
	done := make(chan struct{})
	var wg sync.WaitGroup
	if f.opt.Live {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(250 * time.Millisecond)
			defer t.Stop()
			for {
				f.progressLock.Lock()
				fmt.Fprintf(w, "\r\033[K%s  %s", label, time.Since(start).Round(time.Second))
				f.progressLock.Unlock()
				select {
				case <-done:
					return
				case <-t.C:
				}
			}
		}()
	}
	return func(ok bool, took time.Duration) {
		close(done)
		wg.Wait()
		status := "done"
		if !ok {
			status = "FAILED"
		}
		prefix := ""
		if f.opt.Live {
			prefix = "\r\033[K"
		}
		fmt.Fprintf(w, "%s%s  %s in %.1f s\n", prefix, label, status, took.Seconds())
	}
}

// versions records the tool versions in the report.
func (f *flow) versions() {
	for _, t := range [][]string{{"yosys", "-V"}, {"nextpnr-ice40", "--version"}} {
		if f.opt.Board == nil && t[0] != "yosys" {
			continue
		}
		out, err := exec.CommandContext(f.ctx, t[0], t[1:]...).CombinedOutput()
		if err == nil {
			f.r.Tools = append(f.r.Tools, strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]))
		}
	}
}

func tail(s string, n int) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

// shellLine quotes a command for a person to paste into a shell.
func shellLine(tool string, args []string) string {
	parts := []string{tool}
	for _, a := range args {
		if strings.ContainsAny(a, " ;\"'$") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
