package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pktnetwork/pktrouter/testbenches/simbench"
)

func newBenchSimCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Speed of the Go simulator (interpreted and compiled) against Verilator and Icarus, measured in one run",
		Long: `bench sim runs one self-stimulating design of a few thousand gates
(bench_arbfifo: 8 LFSR-fed FIFOs, a round-robin arbiter and an output FIFO) in
both tiers of the Go simulator — the interpreter and the compiled tier (the
same program generated as Go source and built with the go tool) — in
Verilator (-O3, single thread, no trace, C++ main) and in Icarus, checks all
four end in the same state, and prints cycles per second and each Go tier's
ratios to Verilator and Icarus. Build times (go build, Verilator's C++ build)
are shown apart and not counted in cycles/s. The timed runs go in --rounds
rounds interleaving the engines and each engine keeps its best round, so load
from other processes skews the ratios less. Goals, for the faster Go tier: at
least 0.25x Verilator and at least 20x Icarus. Takes about a minute and a
half (the Verilator -O3 build and the timed rounds).

--json prints one object; go_cycles_per_s and go_over_* are the faster
tier's, go_interp_* and go_compiled_* each tier's.`,
		Example: `  pktrouter bench sim
  pktrouter bench sim --json
  pktrouter bench sim --compiled-cycles 50000000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asJSON, _ := cmd.Flags().GetBool("json")
			var o simbench.Options
			o.GoCycles, _ = cmd.Flags().GetInt("go-cycles")
			o.CompiledCycles, _ = cmd.Flags().GetInt("compiled-cycles")
			o.VerilatorCycles, _ = cmd.Flags().GetInt("verilator-cycles")
			o.IcarusCycles, _ = cmd.Flags().GetInt("icarus-cycles")
			o.Rounds, _ = cmd.Flags().GetInt("rounds")
			o.Progress = func(s string) { fmt.Fprintf(a.err, "bench sim: %s\n", s) }
			r, err := simbench.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(a.out)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			writeSimBench(a.out, r)
			return nil
		},
	}
	cmd.Flags().Bool("json", false, "print one JSON object")
	cmd.Flags().Int("go-cycles", 1_000_000, "cycles the Go interpreter runs per round")
	cmd.Flags().Int("compiled-cycles", 5_000_000, "cycles the compiled Go tier runs per round")
	cmd.Flags().Int("verilator-cycles", 10_000_000, "cycles Verilator runs per round")
	cmd.Flags().Int("icarus-cycles", 50_000, "cycles Icarus runs per round")
	cmd.Flags().Int("rounds", 3, "timed rounds, interleaving the engines; each engine's best round counts")
	return cmd
}

// writeSimBench prints the table: one row per engine, each Go tier's
// ratios to Verilator and Icarus, build times apart.
func writeSimBench(w io.Writer, r simbench.Result) {
	fmt.Fprintf(w, "design %s: %d cells (yosys generic synth, memories kept), engines agree after %d cycles (%s); best of %d rounds\n",
		r.Design, r.Cells, r.CheckCycles, r.Checksum, r.Rounds)
	fmt.Fprintf(w, "%-18s %12s %13s %10s %9s\n", "engine", "cycles/s", "x verilator", "x icarus", "build s")
	fmt.Fprintf(w, "%-18s %12.4g %12.3fx %9.1fx %9.1f\n", "go compiled", r.GoCompiledCyclesPerS, r.GoCompiledOverVerilator, r.GoCompiledOverIcarus, r.GoCompiledBuildSecond)
	fmt.Fprintf(w, "%-18s %12.4g %12.3fx %9.1fx %9s\n", "go interpreter", r.GoInterpCyclesPerS, r.GoInterpOverVerilator, r.GoInterpOverIcarus, "-")
	fmt.Fprintf(w, "%-18s %12.4g %13s %10s %9.1f\n", "verilator -O3", r.VerilatorCyclesPerS, "1", "", r.VerilatorBuildSecond)
	fmt.Fprintf(w, "%-18s %12.4g %13s %10s %9s\n", "icarus", r.IcarusCyclesPerS, "", "1", "-")
	fmt.Fprintf(w, "goals for the faster Go tier (%s): >= 0.25x verilator (%s), >= 20x icarus (%s)\n",
		r.GoSimulatorKind, meets(r.GoOverVerilator >= 0.25), meets(r.GoOverIcarus >= 20))
}

func meets(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
