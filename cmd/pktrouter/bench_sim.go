package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pktnetwork/pktrouter/testbenches/simbench"
)

func newBenchSimCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Speed of the Go simulator against Verilator and Icarus, measured in one run",
		Long: `bench sim runs one self-stimulating design of a few thousand gates
(bench_arbfifo: 8 LFSR-fed FIFOs, a round-robin arbiter and an output FIFO) in
the Go simulator, in Verilator (-O3, single thread, no trace, C++ main) and in
Icarus, checks all three end in the same state, and prints cycles per second
and the Go simulator's ratios to the other two. Goals: at least 0.25× Verilator
and at least 20× Icarus. Takes about half a minute (the Verilator -O3 build
dominates).`,
		Example: `  pktrouter bench sim
  pktrouter bench sim --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asJSON, _ := cmd.Flags().GetBool("json")
			var o simbench.Options
			o.GoCycles, _ = cmd.Flags().GetInt("go-cycles")
			o.VerilatorCycles, _ = cmd.Flags().GetInt("verilator-cycles")
			o.IcarusCycles, _ = cmd.Flags().GetInt("icarus-cycles")
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
			fmt.Fprintf(a.out, "design %s: %d cells (yosys synth), engines agree after %d cycles (%s)\n", r.Design, r.Cells, r.CheckCycles, r.Checksum)
			fmt.Fprintf(a.out, "%-24s %14s %12s\n", "engine", "cycles/s", "Go ratio")
			fmt.Fprintf(a.out, "%-24s %14.4g %12s\n", "go ("+r.GoSimulatorKind+")", r.GoCyclesPerS, "1")
			fmt.Fprintf(a.out, "%-24s %14.4g %11.3fx\n", "verilator -O3", r.VerilatorCyclesPerS, r.GoOverVerilator)
			fmt.Fprintf(a.out, "%-24s %14.4g %11.1fx\n", "icarus", r.IcarusCyclesPerS, r.GoOverIcarus)
			fmt.Fprintf(a.out, "goals: >= 0.25x verilator (%s), >= 20x icarus (%s)\n", meets(r.GoOverVerilator >= 0.25), meets(r.GoOverIcarus >= 20))
			return nil
		},
	}
	cmd.Flags().Bool("json", false, "print one JSON object")
	cmd.Flags().Int("go-cycles", 2_000_000, "cycles the Go simulator runs")
	cmd.Flags().Int("verilator-cycles", 20_000_000, "cycles Verilator runs")
	cmd.Flags().Int("icarus-cycles", 100_000, "cycles Icarus runs")
	return cmd
}

func meets(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
