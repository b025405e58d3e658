package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pktnetwork/pktrouter/gen"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	"github.com/pktnetwork/pktrouter/internal/version"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/sim/compiled"
)

// buildBlock looks up a generator and builds its module with params.
func buildBlock(name string, kvs []string) (*hdl.Module, *hdl.Design, error) {
	g, err := gen.Lookup(name)
	if err != nil {
		return nil, nil, err
	}
	params, err := gen.ParseAssignments(kvs)
	if err != nil {
		return nil, nil, err
	}
	m, err := g.New(params)
	if err != nil {
		return nil, nil, err
	}
	d, err := m.Build()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, d, nil
}

func listGenerators(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BLOCK\tPARAMETERS (default)\tWHAT IT IS")
	for _, g := range gen.All() {
		var ps []string
		for _, p := range g.Params {
			ps = append(ps, p.Name+"="+p.Default)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Name, strings.Join(ps, " "), g.Summary)
	}
	tw.Flush()
}

func newGenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gen BLOCK [-p key=value]... [-o DIR]",
		Short: "Generate a block's Verilog",
		Long: `gen builds a hardware block from its Go generator with the parameters given
(-p key=value, repeatable; the rest take their defaults)
and writes one Verilog-2005 file per module into DIR. The files are
deterministic: the same parameters give the same bytes. Each file's header
names the generator, its parameters and the pktrouter version.

gen --list lists the blocks and their parameters; gen BLOCK --help-params
describes one block's parameters.`,
		Example: `  pktrouter gen --list
  pktrouter gen --all -o rtl/
  pktrouter gen fifo -p width=8 -p depth=16 -o out/
  pktrouter gen arbiter -p n=8 -p hold=true -o out/ && pktrouter lint out/`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, _ := cmd.Flags().GetString("out")
			if all, _ := cmd.Flags().GetBool("all"); all {
				if len(args) > 0 {
					return errors.New("--all generates every block; name none")
				}
				files, err := gen.EmitAll(verilog.Options{Version: version.Release})
				if err != nil {
					return err
				}
				return writeVerilog(a, dir, files)
			}
			if l, _ := cmd.Flags().GetBool("list"); l || len(args) == 0 {
				if !l {
					return fmt.Errorf("name a block (pktrouter gen --list shows them)")
				}
				listGenerators(a.out)
				return nil
			}
			if hp, _ := cmd.Flags().GetBool("help-params"); hp {
				g, err := gen.Lookup(args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(a.out, "%s: %s\n", g.Name, g.Summary)
				for _, p := range g.Params {
					fmt.Fprintf(a.out, "  %-12s default %-8s %s\n", p.Name, p.Default, p.Doc)
				}
				return nil
			}
			kvs, _ := cmd.Flags().GetStringArray("param")
			_, d, err := buildBlock(args[0], kvs)
			if err != nil {
				return err
			}
			files := verilog.Files(d, verilog.Options{Version: version.Release})
			sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
			return writeVerilog(a, dir, files)
		},
	}
	cmd.Flags().Bool("list", false, "list the blocks that can be generated")
	cmd.Flags().Bool("all", false, "generate every block with its default parameters (the reference RTL in rtl/)")
	cmd.Flags().Bool("help-params", false, "describe the block's parameters")
	cmd.Flags().StringArrayP("param", "p", nil, "parameter key=value (repeatable)")
	cmd.Flags().StringP("out", "o", ".", "directory to write the Verilog into")
	return cmd
}

// writeVerilog writes files into dir, reporting each.
func writeVerilog(a *app, dir string, files []verilog.File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := writeFileAtomic(p, f.Data); err != nil {
			return err
		}
		fmt.Fprintf(a.out, "wrote %s (module %s)\n", p, f.Module)
	}
	return nil
}

// writeFileAtomic writes through a temporary file and a rename, so an
// interrupted run never leaves a half-written Verilog file behind.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func newSimCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim BLOCK [-p key=value]... --cycles N [--vcd FILE] [--engine interp|compiled]",
		Short: "Simulate a block cycle-accurately in the Go simulator",
		Long: `sim builds a block as gen does and runs it in pktrouter's cycle-accurate Go
simulator: reset for one cycle, then --cycles clock cycles with every input
held at the values --set gives (default 0), or pseudo-random with --random. It prints the
outputs at the end and the simulation speed, and with --vcd writes a waveform
(IEEE 1364 VCD, for GTKWave) of the signals named by --signals (default:
every port).

--engine compiled runs the same program as native code: pktrouter writes it
out as Go source and builds it with the go tool (about a second; cached by
content under the user cache directory, pktrouter/gosim), then it runs
several times faster than the default interpreter. It does not write VCDs.`,
		Example: `  pktrouter sim bench_arbfifo --set run=1 --cycles 1000000
  pktrouter sim bench_arbfifo --set run=1 --cycles 100000000 --engine compiled
  pktrouter sim counter -p width=8 --set en=1 --cycles 300
  pktrouter sim fifo -p width=8 -p depth=16 --cycles 1000 --random --vcd fifo.vcd`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			kvs, _ := f.GetStringArray("param")
			cycles, _ := f.GetInt("cycles")
			vcd, _ := f.GetString("vcd")
			signals, _ := f.GetStringSlice("signals")
			random, _ := f.GetBool("random")
			sets, _ := f.GetStringArray("set")
			if cycles < 1 {
				return fmt.Errorf("--cycles %d: want at least 1", cycles)
			}
			_, d, err := buildBlock(args[0], kvs)
			if err != nil {
				return err
			}
			engine, _ := f.GetString("engine")
			var s sim.Engine
			switch engine {
			case "interp":
				if s, err = sim.NewDesign(d); err != nil {
					return err
				}
			case "compiled":
				if vcd != "" {
					return fmt.Errorf("--vcd: the compiled engine does not trace; use --engine interp")
				}
				fmt.Fprintf(a.err, "sim: building the compiled simulator (cached after the first time)\n")
				cs, err := compiled.NewDesign(cmd.Context(), d, compiled.Options{})
				if err != nil {
					return err
				}
				defer cs.Close()
				s = cs
			default:
				return fmt.Errorf("--engine %q: want interp or compiled", engine)
			}
			held, err := gen.ParseAssignments(sets)
			if err != nil {
				return fmt.Errorf("--set: %w", err)
			}
			for name, v := range held {
				n, err := strconv.ParseUint(v, 0, 64)
				if err != nil {
					return fmt.Errorf("--set %s=%s: not a number", name, v)
				}
				if err := s.Poke(name, n); err != nil {
					return fmt.Errorf("--set %s: %w", name, err)
				}
			}
			return runSim(a, s, d, cycles, random, vcd, signals)
		},
	}
	cmd.Flags().StringArrayP("param", "p", nil, "parameter key=value (repeatable)")
	cmd.Flags().Int("cycles", 1000, "clock cycles to run after reset")
	cmd.Flags().String("vcd", "", "write a VCD waveform to this file")
	cmd.Flags().StringSlice("signals", nil, "signals to put in the VCD (default: every port)")
	cmd.Flags().StringArray("set", nil, "hold input NAME at VALUE (NAME=VALUE, repeatable; 0x for hex)")
	cmd.Flags().Bool("random", false, "drive inputs with pseudo-random values each cycle (seed 1)")
	cmd.Flags().String("engine", "interp", "interp (starts at once) or compiled (go build first, several times faster)")
	return cmd
}

// runSim runs s for cycles after a reset, optionally tracing to a VCD file
// (only the interpreter traces), and prints the final outputs and the speed.
func runSim(a *app, s sim.Engine, d *hdl.Design, cycles int, random bool, vcd string, signals []string) error {
	var ins, outs []hdl.Port
	for _, p := range d.Top.Ports {
		if p.Dir == hdl.In {
			ins = append(ins, p)
		} else {
			outs = append(outs, p)
		}
	}
	interp, traces := s.(*sim.Sim)
	if vcd != "" {
		if !traces {
			return fmt.Errorf("--vcd: the %T engine does not trace; use --engine interp", s)
		}
		if len(signals) == 0 {
			for _, p := range d.Top.Ports {
				signals = append(signals, p.Name)
			}
		}
		f, err := os.Create(vcd)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := interp.TraceVCD(f, signals...); err != nil {
			return err
		}
		defer interp.StopTrace()
	}
	s.Reset()
	// xorshift64: cheap, deterministic input stimulus.
	x := uint64(0x9e3779b97f4a7c15)
	start := time.Now()
	if !random {
		s.Step(cycles) // inputs held: one call, no per-cycle overhead
	}
	for c := 0; random && c < cycles; c++ {
		for _, p := range ins {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			if err := s.Poke(p.Name, x&widthMask(d.Top.Nets[p.Net].Width)); err != nil {
				return err
			}
		}
		s.Step(1)
	}
	if cs, ok := s.(*compiled.Sim); ok {
		// Step returns before the program has run: wait for it, and
		// surface any error it met.
		if err := cs.Sync(); err != nil {
			return err
		}
	}
	el := time.Now().Sub(start)
	fmt.Fprintf(a.out, "%s: %d cycles in %v (%.3g cycles/s)\n", d.Top.Name, cycles, el.Round(1e3), float64(cycles)/el.Seconds())
	for _, p := range outs {
		v, err := s.PeekWide(p.Name)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.out, "  %-20s = 0x%s\n", p.Name, hdl.FormatHex(v, d.Top.Nets[p.Net].Width))
	}
	if vcd != "" {
		if err := interp.StopTrace(); err != nil {
			return err
		}
		fmt.Fprintf(a.err, "wrote %s\n", vcd)
	}
	return nil
}

func widthMask(w int) uint64 {
	if w >= 64 {
		return ^uint64(0)
	}
	return 1<<w - 1
}
