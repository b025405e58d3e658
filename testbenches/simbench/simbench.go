// Package simbench measures the Go simulator against Verilator and Icarus on
// one design, in one run, the way `pktrouter bench sim` reports it.
//
// The design is gen/blocks.BenchArbiterFIFOs: it stimulates itself, so each
// engine only toggles the clock, and no per-cycle I/O blurs what is measured.
// Every engine runs the same sequence — one reset cycle with run=0, then run=1
// for N cycles — and reports the design's checksum and word count at the end;
// all must agree at a common cycle count, or the figures are refused.
//
// The Go simulator has two tiers, both measured: the interpreter (package
// sim, instant start) and the compiled tier (sim/compiled: the same program
// generated as Go source and built with the go tool). The Go figure
// (go_cycles_per_s and the ratios) is the faster tier's.
//
// Fairness: Verilator is built with -O3 (and -O3 C++), single-threaded, no
// tracing, driven by a C++ main that toggles clk and calls eval; Icarus runs a
// Verilog top that toggles clk with #1 delays; the interpreter is timed
// around Step, the compiled tier times its own loop. Build times (Verilator's
// C++ build, the compiled tier's go build) are reported apart and never
// counted in cycles/s. Icarus is timed from outside, minus the time of a
// 1-cycle run (start-up and elaboration). The timed runs go in rounds that
// interleave the engines, and each engine keeps its best round, so that
// load from other processes on a shared machine distorts the ratios less.
package simbench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pktnetwork/pktrouter/bitstreams"
	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/sim/compiled"
)

// Result is one run of the benchmark. Field names follow the JSON the CLI
// prints.
type Result struct {
	Design                  string  `json:"design"`
	Cells                   int     `json:"cells"`           // Yosys cell count after bitstreams.GenericScript (memories kept as memories)
	GoCyclesPerS            float64 `json:"go_cycles_per_s"` // the faster Go tier
	VerilatorCyclesPerS     float64 `json:"verilator_cycles_per_s"`
	IcarusCyclesPerS        float64 `json:"icarus_cycles_per_s"`
	GoOverVerilator         float64 `json:"go_over_verilator"`
	GoOverIcarus            float64 `json:"go_over_icarus"`
	GoInterpCyclesPerS      float64 `json:"go_interp_cycles_per_s"`
	GoCompiledCyclesPerS    float64 `json:"go_compiled_cycles_per_s"`
	GoInterpOverVerilator   float64 `json:"go_interp_over_verilator"`
	GoInterpOverIcarus      float64 `json:"go_interp_over_icarus"`
	GoCompiledOverVerilator float64 `json:"go_compiled_over_verilator"`
	GoCompiledOverIcarus    float64 `json:"go_compiled_over_icarus"`
	GoCycles                int     `json:"go_cycles"`
	GoCompiledCycles        int     `json:"go_compiled_cycles"`
	VerilatorCycles         int     `json:"verilator_cycles"`
	IcarusCycles            int     `json:"icarus_cycles"`
	CheckCycles             int     `json:"check_cycles"`
	Rounds                  int     `json:"rounds"`   // timed rounds per engine; each figure is its best round
	Checksum                string  `json:"checksum"` // checksum:words after CheckCycles, equal on all engines
	VerilatorVersion        string  `json:"verilator_version"`
	IcarusVersion           string  `json:"icarus_version"`
	GoVersion               string  `json:"go_version"`
	GoSimulatorKind         string  `json:"go_simulator"` // the faster tier: "compiled" or "interpreter"
	VerilatorBuildSecond    float64 `json:"verilator_build_s"`
	GoCompiledBuildSecond   float64 `json:"go_compiled_build_s"` // generate + go build (warm Go build cache, empty program cache)
}

// Options size the run. Zero values take the defaults.
type Options struct {
	Requesters      int // design parameter n (default 8)
	GoCycles        int // interpreter, per round, default 1,000,000
	CompiledCycles  int // compiled tier, per round, default 5,000,000
	VerilatorCycles int // per round, default 10,000,000
	IcarusCycles    int // per round, default 50,000
	Rounds          int // timed rounds per engine, interleaved; the best counts (default 3)
	CheckCycles     int // cycles all engines run to compare results (default 10,000)
	WorkDir         string
	Progress        func(string) // called with a line per step; may be nil
}

func (o *Options) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Requesters, 8)
	def(&o.GoCycles, 1_000_000)
	def(&o.CompiledCycles, 5_000_000)
	def(&o.VerilatorCycles, 10_000_000)
	def(&o.IcarusCycles, 50_000)
	def(&o.Rounds, 3)
	def(&o.CheckCycles, 10_000)
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
}

// Run builds the design, runs the four engines and returns their speeds.
func Run(ctx context.Context, o Options) (Result, error) {
	o.defaults()
	for _, t := range []string{"verilator", "iverilog", "vvp", "yosys"} {
		if _, err := exec.LookPath(t); err != nil {
			return Result{}, fmt.Errorf("%s not found on PATH (install with `make tools`)", t)
		}
	}
	m, err := blocks.BenchArbiterFIFOs(o.Requesters)
	if err != nil {
		return Result{}, err
	}
	d, err := m.Build()
	if err != nil {
		return Result{}, err
	}
	dir := o.WorkDir
	if dir == "" {
		dir, err = os.MkdirTemp("", "pktrouter-simbench-")
		if err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(dir)
	}
	var srcs []string
	for _, f := range verilog.Files(d, verilog.Options{}) {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return Result{}, err
		}
		srcs = append(srcs, p)
	}
	top := d.Top.Name
	r := Result{Design: top, GoCycles: o.GoCycles, GoCompiledCycles: o.CompiledCycles, VerilatorCycles: o.VerilatorCycles,
		IcarusCycles: o.IcarusCycles, CheckCycles: o.CheckCycles, Rounds: o.Rounds, GoVersion: runtime.Version()}

	o.Progress("yosys: counting cells")
	if r.Cells, err = cellCount(ctx, dir, srcs, top); err != nil {
		return r, err
	}

	o.Progress("go compiled: generating and building")
	t0 := time.Now()
	cs, err := compiled.NewDesign(ctx, d, compiled.Options{CacheDir: filepath.Join(dir, "gosim")})
	if err != nil {
		return r, err
	}
	defer cs.Close()
	r.GoCompiledBuildSecond = time.Since(t0).Seconds()

	o.Progress("verilator: building with -O3")
	t0 = time.Now()
	vbin, err := buildVerilator(ctx, dir, srcs, top)
	if err != nil {
		return r, err
	}
	r.VerilatorBuildSecond = time.Since(t0).Seconds()

	o.Progress("icarus: compiling")
	vvp, err := buildIcarus(ctx, dir, srcs, top)
	if err != nil {
		return r, err
	}

	is, err := sim.NewDesign(d)
	if err != nil {
		return r, err
	}
	engines := []engine{
		goEngine("go interpreter", o.GoCycles, &r.GoInterpCyclesPerS, interpTier{is}),
		goEngine("go compiled", o.CompiledCycles, &r.GoCompiledCyclesPerS, cs),
		{"verilator", o.VerilatorCycles, &r.VerilatorCyclesPerS,
			func(n int) (string, error) {
				sum, _, err := runVerilator(ctx, vbin, n)
				return sum, err
			},
			func(n int) (float64, error) {
				_, rate, err := runVerilator(ctx, vbin, n)
				return rate, err
			}},
		{"icarus", o.IcarusCycles, &r.IcarusCyclesPerS,
			func(n int) (string, error) {
				sum, _, err := runIcarus(ctx, vvp, n)
				return sum, err
			},
			func(n int) (float64, error) { return icarusRate(ctx, vvp, n) }},
	}
	var sums []string
	goSum := ""
	for i, e := range engines {
		o.Progress(e.name + ": checking")
		sum, err := e.check(o.CheckCycles)
		if err != nil {
			return r, fmt.Errorf("%s: %w", e.name, err)
		}
		sums = append(sums, e.name+" "+sum)
		if i == 0 {
			goSum = sum
		} else if sum != goSum {
			return r, fmt.Errorf("engines disagree after %d cycles: %s", o.CheckCycles, strings.Join(sums, ", "))
		}
	}
	// Rounds interleave the engines, and each keeps its best round: load
	// from other processes only ever slows a run down, and interleaving
	// spreads it over all engines alike.
	for round := 1; round <= o.Rounds; round++ {
		for _, e := range engines {
			o.Progress(fmt.Sprintf("%s: timing, round %d of %d", e.name, round, o.Rounds))
			rate, err := e.rate(e.cycles)
			if err != nil {
				return r, fmt.Errorf("%s: %w", e.name, err)
			}
			*e.best = max(*e.best, rate)
		}
	}
	r.Checksum = goSum
	r.GoInterpOverVerilator = r.GoInterpCyclesPerS / r.VerilatorCyclesPerS
	r.GoInterpOverIcarus = r.GoInterpCyclesPerS / r.IcarusCyclesPerS
	r.GoCompiledOverVerilator = r.GoCompiledCyclesPerS / r.VerilatorCyclesPerS
	r.GoCompiledOverIcarus = r.GoCompiledCyclesPerS / r.IcarusCyclesPerS
	r.GoSimulatorKind, r.GoCyclesPerS = "interpreter", r.GoInterpCyclesPerS
	if r.GoCompiledCyclesPerS > r.GoCyclesPerS {
		r.GoSimulatorKind, r.GoCyclesPerS = "compiled", r.GoCompiledCyclesPerS
	}
	r.GoOverVerilator = r.GoCyclesPerS / r.VerilatorCyclesPerS
	r.GoOverIcarus = r.GoCyclesPerS / r.IcarusCyclesPerS
	r.VerilatorVersion = toolVersion(ctx, "verilator", "--version")
	r.IcarusVersion = toolVersion(ctx, "iverilog", "-V")
	return r, nil
}

// engine is one simulator under test. check runs n cycles from reset and
// returns the checksum; rate runs n cycles from reset and returns cycles/s
// (build and start-up excluded).
type engine struct {
	name   string
	cycles int
	best   *float64
	check  func(n int) (string, error)
	rate   func(n int) (float64, error)
}

// goTier is what the benchmark needs of either Go tier.
type goTier interface {
	sim.Engine
	// Run runs n cycles and returns the time they took.
	Run(n int) (time.Duration, error)
}

// interpTier gives the interpreter a Run that times Step.
type interpTier struct{ *sim.Sim }

func (t interpTier) Run(n int) (time.Duration, error) {
	start := time.Now()
	t.Step(n)
	return time.Since(start), nil
}

// goEngine measures a Go tier: power on, one reset cycle with run=0, then
// run=1, the same sequence the Verilator and Icarus drivers follow. The
// compiled tier times its own loop, so pipe traffic is not counted.
func goEngine(name string, cycles int, best *float64, t goTier) engine {
	start := func() error {
		t.PowerOn()
		if err := t.Poke("run", 0); err != nil {
			return err
		}
		t.Reset()
		return t.Poke("run", 1)
	}
	return engine{name: name, cycles: cycles, best: best,
		check: func(n int) (string, error) {
			if err := start(); err != nil {
				return "", err
			}
			t.Step(n)
			return goChecksum(t)
		},
		rate: func(n int) (float64, error) {
			if err := start(); err != nil {
				return 0, err
			}
			el, err := t.Run(n)
			if err != nil {
				return 0, err
			}
			if el <= 0 {
				return 0, fmt.Errorf("%d cycles took no measurable time: raise the cycle count", n)
			}
			return float64(n) / el.Seconds(), nil
		}}
}

// icarusRate times an n-cycle run minus a 1-cycle run (start-up and
// elaboration).
func icarusRate(ctx context.Context, vvp string, n int) (float64, error) {
	_, base, err := runIcarus(ctx, vvp, 1)
	if err != nil {
		return 0, err
	}
	_, full, err := runIcarus(ctx, vvp, n)
	if err != nil {
		return 0, err
	}
	if full <= base {
		return 0, fmt.Errorf("%d cycles took no longer than 1 (%v vs %v): raise the cycle count", n, full, base)
	}
	return float64(n-1) / (full - base).Seconds(), nil
}

func goChecksum(s sim.Engine) (string, error) {
	c, err := s.Peek("checksum")
	if err != nil {
		return "", err
	}
	w, err := s.Peek("words")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%08x:%08x", c, w), nil
}

func cellCount(ctx context.Context, dir string, srcs []string, top string) (int, error) {
	// The generic flow's script (pktrouter synth --board generic): the
	// FIFOs' RAMs count as memory cells, not as flip-flops and muxes.
	script := fmt.Sprintf("read_verilog %s; %s; stat", strings.Join(srcs, " "), bitstreams.GenericScript(top))
	out, err := run(ctx, dir, "yosys", "-q", "-p", script)
	if err != nil {
		return 0, err
	}
	m := regexp.MustCompile(`Number of cells:\s+(\d+)`).FindAllStringSubmatch(out, -1)
	if len(m) == 0 {
		// -q hides stat; ask again with the log on.
		out, err = run(ctx, dir, "yosys", "-p", script)
		if err != nil {
			return 0, err
		}
		m = regexp.MustCompile(`Number of cells:\s+(\d+)`).FindAllStringSubmatch(out, -1)
		if len(m) == 0 {
			return 0, fmt.Errorf("yosys stat: no cell count in output")
		}
	}
	return strconv.Atoi(m[len(m)-1][1])
}

const verilatorMain = `// simbench driver: reset, then N clock cycles, timed around the loop only.
#include "V%[1]s.h"
#include "verilated.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    VerilatedContext* ctx = new VerilatedContext;
    V%[1]s* top = new V%[1]s{ctx};
    top->clk = 0; top->rst = 1; top->run = 0; top->eval();
    top->clk = 1; top->eval();
    top->clk = 0; top->rst = 0; top->run = 1; top->eval();
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; i++) {
        top->clk = 1; top->eval();
        top->clk = 0; top->eval();
    }
    auto t1 = std::chrono::steady_clock::now();
    double s = std::chrono::duration<double>(t1 - t0).count();
    printf("%%08x:%%08x %%.9f\n", (unsigned)top->checksum, (unsigned)top->words, s);
    top->final();
    delete top;
    delete ctx;
    return 0;
}
`

func buildVerilator(ctx context.Context, dir string, srcs []string, top string) (string, error) {
	mainCpp := filepath.Join(dir, "simbench_main.cpp")
	if err := os.WriteFile(mainCpp, []byte(fmt.Sprintf(verilatorMain, top)), 0o644); err != nil {
		return "", err
	}
	obj := filepath.Join(dir, "vobj")
	args := []string{"-O3", "--x-assign", "fast", "--x-initial", "fast", "--noassert",
		"--cc", "--exe", "--build", "-j", "2", "--threads", "1",
		"-CFLAGS", "-O3", "--Mdir", obj, "--top-module", top, "-o", "simbench", mainCpp}
	args = append(args, srcs...)
	if _, err := run(ctx, dir, "verilator", args...); err != nil {
		return "", err
	}
	return filepath.Join(obj, "simbench"), nil
}

// runVerilator returns the checksum and cycles per second of an n-cycle run.
func runVerilator(ctx context.Context, bin string, n int) (string, float64, error) {
	out, err := run(ctx, "", bin, strconv.Itoa(n))
	if err != nil {
		return "", 0, err
	}
	f := strings.Fields(out)
	if len(f) != 2 {
		return "", 0, fmt.Errorf("verilator bench: unexpected output %q", out)
	}
	secs, err := strconv.ParseFloat(f[1], 64)
	if err != nil || secs <= 0 {
		return "", 0, fmt.Errorf("verilator bench: bad time in %q", out)
	}
	return f[0], float64(n) / secs, nil
}

const icarusTop = "`timescale 1ns/1ns\n" + `// simbench driver: reset, then +cycles=N clock cycles.
module simbench_tb;
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg run = 1'b0;
    wire [31:0] checksum;
    wire [31:0] words;
    integer n, i;
    %[1]s dut (.clk(clk), .rst(rst), .run(run), .checksum(checksum), .words(words));
    initial begin
        if (!$value$plusargs("cycles=%%d", n)) n = 1000;
        #1 clk = 1'b1;
        #1 clk = 1'b0;
        rst = 1'b0;
        run = 1'b1;
        for (i = 0; i < n; i = i + 1) begin
            #1 clk = 1'b1;
            #1 clk = 1'b0;
        end
        $display("%%08x:%%08x", checksum, words);
        $finish;
    end
endmodule
`

func buildIcarus(ctx context.Context, dir string, srcs []string, top string) (string, error) {
	tb := filepath.Join(dir, "simbench_tb.v")
	if err := os.WriteFile(tb, []byte(fmt.Sprintf(icarusTop, top)), 0o644); err != nil {
		return "", err
	}
	vvp := filepath.Join(dir, "simbench.vvp")
	args := append([]string{"-g2005", "-s", "simbench_tb", "-o", vvp, tb}, srcs...)
	if _, err := run(ctx, dir, "iverilog", args...); err != nil {
		return "", err
	}
	return vvp, nil
}

// runIcarus returns the checksum and wall time of an n-cycle run.
func runIcarus(ctx context.Context, vvp string, n int) (string, time.Duration, error) {
	t := time.Now()
	out, err := run(ctx, "", "vvp", "-n", vvp, fmt.Sprintf("+cycles=%d", n))
	el := time.Since(t)
	if err != nil {
		return "", 0, err
	}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if regexp.MustCompile(`^[0-9a-f]{8}:[0-9a-f]{8}$`).MatchString(line) {
			return line, el, nil
		}
	}
	return "", 0, fmt.Errorf("icarus bench: no checksum in output %q", out)
}

func run(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		out := buf.String()
		if len(out) > 2000 {
			out = out[len(out)-2000:]
		}
		return "", fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return buf.String(), nil
}

func toolVersion(ctx context.Context, name, flag string) string {
	out, _ := exec.CommandContext(ctx, name, flag).CombinedOutput()
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}
