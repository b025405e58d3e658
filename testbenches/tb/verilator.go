package tb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Verilator runs designs with Verilator: `verilator --binary --timing` on
// the same generated testbench top Icarus runs, so both simulators execute
// one testbench, event for event, and differences can only come from the
// design's semantics. (The alternative, --cc with a generated C++ main,
// would be a second testbench to keep identical, for a speed gain that
// 10,000-cycle tests do not need.)
//
// Builds are cached by a hash of the Verilator version, the flags, the
// generated top and the design's sources, so only the first run of a
// design pays for the C++ compile. The model is built with
// --x-initial unique and run with +verilator+rand+reset+2: every register
// or memory word the design leaves uninitialised starts random, so a
// design that relies on uninitialised state diverges from the other
// engines instead of passing by luck.
type Verilator struct {
	// CacheDir overrides the build cache directory (see CacheEnv).
	CacheDir string
	// Optimize builds with -O3 (Verilator and C++) for benchmarks. Tests
	// leave it off: the C++ compile dominates and -O3 makes it slower.
	Optimize bool
	// Jobs is the parallelism of the C++ build; 0 means 2.
	Jobs int
	// Seed seeds the random initial values (+verilator+seed); 0 means 1.
	Seed int
	// Flags are extra verilator flags.
	Flags []string
}

// Name returns "verilator".
func (Verilator) Name() string { return "verilator" }

func (e Verilator) flags() []string {
	jobs := e.Jobs
	if jobs <= 0 {
		jobs = 2
	}
	f := []string{"--binary", "--timing", "--top-module", tbTop,
		"-Wno-fatal", "-Wno-lint", "-Wno-style", "--timescale", "1ns/1ps",
		"--x-initial", "unique", "--x-assign", "unique",
		"-j", fmt.Sprint(jobs), "-o", "Vtb"}
	if e.Optimize {
		f = append(f, "-O3", "-MAKEFLAGS", "OPT_FAST=-O3 OPT_SLOW=-O1")
	} else {
		f = append(f, "-MAKEFLAGS", "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1")
	}
	return append(f, e.Flags...)
}

// Run implements Engine.
func (e Verilator) Run(ctx context.Context, d Design, s Stimulus) (Trace, error) {
	if err := checkRun(d, s); err != nil {
		return Trace{}, err
	}
	if err := d.hasSources(); err != nil {
		return Trace{}, err
	}
	top, err := Testbench(d, depthFor(s.Len()))
	if err != nil {
		return Trace{}, err
	}
	flags := e.flags()
	key, err := buildKey(d, "verilator", toolVersion("verilator", "--version"), strings.Join(flags, " "), top)
	if err != nil {
		return Trace{}, err
	}
	dir, err := cachedBuild(ctx, cacheRoot(e.CacheDir), "verilator", key, func(dir string) error {
		files, err := writeSources(dir, d, top)
		if err != nil {
			return err
		}
		args := append(append(flags, "--Mdir", "obj"), files...)
		out, err := run(ctx, dir, "verilator build of "+d.Top, "verilator", args...)
		if err != nil {
			return err
		}
		return writeLog(dir, "build.log", out)
	})
	if err != nil {
		return Trace{}, err
	}
	seed := e.Seed
	if seed == 0 {
		seed = 1
	}
	return simulateBinary(ctx, e.Name(), d, s, []string{filepath.Join(dir, "obj", "Vtb"),
		"+verilator+rand+reset+2", fmt.Sprintf("+verilator+seed+%d", seed)})
}

func writeLog(dir, name string, out []byte) error {
	return os.WriteFile(filepath.Join(dir, name), out, 0o644)
}
