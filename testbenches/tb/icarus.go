package tb

import (
	"context"
	"path/filepath"
	"strings"
)

// Icarus runs designs with Icarus Verilog: the generated testbench top and
// the design are compiled with `iverilog -g2005 -Wall` and run with vvp.
// Compiled images are cached like Verilator builds (they are cheap, but
// the cache also keeps repeated runs free of compiler output).
//
// Icarus is four-state: an output that is x or z in some cycle makes Run
// fail, naming the cycle and output (see ParseTrace).
type Icarus struct {
	// CacheDir overrides the build cache directory (see CacheEnv).
	CacheDir string
	// Flags are extra iverilog flags (e.g. -D defines).
	Flags []string
}

// Name returns "icarus".
func (Icarus) Name() string { return "icarus" }

// Run implements Engine.
func (e Icarus) Run(ctx context.Context, d Design, s Stimulus) (Trace, error) {
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
	flags := append([]string{"-g2005", "-Wall", "-s", tbTop}, e.Flags...)
	key, err := buildKey(d, "icarus", toolVersion("iverilog", "-V"), strings.Join(flags, " "), top)
	if err != nil {
		return Trace{}, err
	}
	dir, err := cachedBuild(ctx, cacheRoot(e.CacheDir), "icarus", key, func(dir string) error {
		files, err := writeSources(dir, d, top)
		if err != nil {
			return err
		}
		args := append(append(flags, "-o", "sim.vvp"), files...)
		out, err := run(ctx, dir, "iverilog compile of "+d.Top, "iverilog", args...)
		if err != nil {
			return err
		}
		return writeLog(dir, "build.log", out)
	})
	if err != nil {
		return Trace{}, err
	}
	return simulateBinary(ctx, e.Name(), d, s, []string{"vvp", "-n", filepath.Join(dir, "sim.vvp")})
}
