package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pktnetwork/pktrouter/bitstreams"
	"github.com/pktnetwork/pktrouter/gen"
)

func newSynthCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "synth (--config ref4|ref16 | BLOCK [-p key=value]...) --board BOARD [-o DIR] [--seed N] [--freq MHz]",
		Short: "Synthesize a device configuration or a block: iCE40 bitstream and report, or a generic cell count",
		Long: `synth generates the design, then runs the synthesis flow of package bitstreams
in DIR and writes report.json and report.md there.

--board ice40-hx8k-breakout or icebreaker: Yosys synth_ice40, nextpnr-ice40
(placement seed --seed, timing target --freq, default the board's 12 MHz
clock) and icepack. The design sits in a generated board top: the 12 MHz
oscillator drives clk directly (no PLL), a power-on counter drives rst, the
UART goes to the board's USB UART, link ports go to header pins while they
fit and the others are looped back inside the FPGA (bitstreams/README.md).
A block without a UART is measured in a shift-register harness instead.
The report gives logic cells, flip-flops, block RAMs, I/O, Fmax per clock
and pass or fail against the target; synth exits non-zero on fail.

--board generic: Yosys's technology-independent synth and its cell counts
(the ASIC-scale view, for ref16).

--config ref4|ref16 builds the registry entry device_ref4 or device_ref16;
BLOCK is any generator of 'pktrouter gen --list' with -p parameters. A
generator with a UART divisor parameter (div) gets the board clock divided
by 115200 unless -p div=... is given.

Progress is shown on a terminal (stderr), nothing when it is not one.`,
		Example: `  pktrouter synth --config ref4 --board ice40-hx8k-breakout -o bitstreams/ref4-hx8k
  pktrouter synth --config ref16 --board generic -o /tmp/ref16
  pktrouter synth labelparse --board generic
  pktrouter synth device -p ports=2 -p leases=4 --board ice40-hx8k-breakout   # size the device to a part
  pktrouter synth mgmt --board icebreaker --seed 3 --freq 24
  iceprog bitstreams/ref4-hx8k/pktrouter_ref4.bin`,
		Args: cobra.MaximumNArgs(1),
		// --config names a device configuration here, not the root's YAML
		// config file: hide it from the root's hook, which reads flags from
		// the environment and that file.
		PersistentPreRunE: func(c *cobra.Command, args []string) error {
			f := c.Flags().Lookup("config")
			val := f.Value.String()
			if err := f.Value.Set(""); err != nil {
				return err
			}
			defer f.Value.Set(val)
			if root := c.Root(); root != c && root.PersistentPreRunE != nil {
				return root.PersistentPreRunE(c, args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runSynth(a, cmd, args) },
	}
	f := cmd.Flags()
	f.String("config", "", "device configuration: ref4 or ref16 (the registry entry device_<config>)")
	f.String("board", "", "ice40-hx8k-breakout, icebreaker or generic")
	f.StringArrayP("param", "p", nil, "generator parameter key=value (repeatable)")
	f.StringP("out", "o", "", "output directory (default synth-<design>-<board>)")
	f.Int("seed", 1, "nextpnr placer seed")
	f.Float64("freq", 0, "timing target in MHz (default: the board clock)")
	return cmd
}

func runSynth(a *app, cmd *cobra.Command, args []string) error {
	f := cmd.Flags()
	config, _ := f.GetString("config")
	boardName, _ := f.GetString("board")
	kvs, _ := f.GetStringArray("param")
	dir, _ := f.GetString("out")
	seed, _ := f.GetInt("seed")
	freq, _ := f.GetFloat64("freq")

	var name, genName string
	switch {
	case config != "" && len(args) > 0:
		return fmt.Errorf("give --config or a block name, not both (got --config %s and %s)", config, args[0])
	case config != "":
		if config != "ref4" && config != "ref16" {
			return fmt.Errorf("--config %q: want ref4 or ref16", config)
		}
		name, genName = config, "device_"+config
	case len(args) == 1:
		name, genName = args[0], args[0]
	default:
		return errors.New("name what to synthesize: --config ref4|ref16 or a block (pktrouter gen --list)")
	}
	if boardName == "" {
		return fmt.Errorf("--board is required: one of %s", strings.Join(bitstreams.Boards(), ", "))
	}
	board, err := bitstreams.LookupBoard(boardName)
	if err != nil {
		return fmt.Errorf("--board: %w", err)
	}
	if seed < 1 {
		return fmt.Errorf("--seed %d: want a positive integer", seed)
	}
	if freq < 0 || math.IsNaN(freq) || math.IsInf(freq, 0) {
		return fmt.Errorf("--freq %v: want a positive frequency in MHz", freq)
	}

	g, err := gen.Lookup(genName)
	if err != nil {
		if config != "" {
			return fmt.Errorf("configuration %s needs the generator registry entry %s (gen/device), which this build does not have yet", config, genName)
		}
		return err
	}
	params, err := gen.ParseAssignments(kvs)
	if err != nil {
		return err
	}
	var notes []string
	if _, given := params["div"]; !given && board != nil && slices.ContainsFunc(g.Params, func(p gen.Param) bool { return p.Name == "div" }) {
		div := board.UARTDivisor()
		params["div"] = strconv.Itoa(div)
		notes = append(notes, fmt.Sprintf("UART divisor div=%d: %g MHz / %d = %.0f baud", div, board.ClockMHz, div, board.ClockMHz*1e6/float64(div)))
	}
	m, err := g.New(params)
	if err != nil {
		return err
	}
	d, err := bitstreams.FromModule(name, m)
	if err != nil {
		return err
	}
	if dir == "" {
		dir = "synth-" + name + "-" + boardName
	}
	opt := bitstreams.Options{Board: board, Dir: dir, Seed: seed, TargetMHz: freq, Notes: notes}
	if fi, ok := a.err.(*os.File); ok {
		if st, err := fi.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			opt.Progress, opt.Live = a.err, true
		}
	}
	r, err := bitstreams.Run(cmd.Context(), d, opt)
	// A design too big for the part still has a report worth printing.
	if fit := (*bitstreams.FitError)(nil); err != nil && !errors.As(err, &fit) {
		return err
	}
	printSynthSummary(a, r, dir)
	if err != nil {
		return err
	}
	if r.Verdict == "fail" {
		var slow []string
		for _, c := range r.Clocks {
			if !c.Pass {
				slow = append(slow, fmt.Sprintf("%s %.2f MHz < %g MHz", c.Name, c.FmaxMHz, c.ConstraintM))
			}
		}
		return fmt.Errorf("timing not met (%s); report in %s", strings.Join(slow, ", "), dir)
	}
	return nil
}

func printSynthSummary(a *app, r *bitstreams.Report, dir string) {
	if r.Device == "" {
		fmt.Fprintf(a.out, "%s (generic): %d cells\n", r.Module, r.CellsTotal)
	} else {
		lc := r.Utilization["ICESTORM_LC"]
		ram := r.Utilization["ICESTORM_RAM"]
		fmt.Fprintf(a.out, "%s on %s: %d/%d logic cells, LUT4 %d, FF %d, BRAM %d/%d, IO %d\n",
			r.Module, r.Board, lc.Used, lc.Available, r.LUT4, r.FF, ram.Used, ram.Available, r.IO)
		for _, c := range r.Clocks {
			fmt.Fprintf(a.out, "  %s: Fmax %.2f MHz, target %g MHz\n", c.Name, c.FmaxMHz, c.ConstraintM)
		}
	}
	fmt.Fprintf(a.out, "verdict: %s; report: %s/report.md", r.Verdict, dir)
	if r.Bitstream != "" {
		fmt.Fprintf(a.out, ", bitstream: %s/%s", dir, r.Bitstream)
	}
	fmt.Fprintln(a.out)
}
