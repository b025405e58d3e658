package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pktnetwork/pktrouter/testbenches/lint"
)

func newLintCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "lint DIR|FILE.v...",
		Short: "Check Verilog with Verilator, Icarus and Yosys, and summarize",
		Long: `lint checks every .v file of DIR (or the files named) with the three tools the
device's RTL must satisfy, each file as its own top with the other files as a
library:
  verilator --lint-only -Wall        (no waivers)
  iverilog -g2005 -Wall
  yosys: hierarchy -check; synth -run :fine (up to technology mapping); check -assert
It prints one line per file and tool, the tools' messages under any failure,
and exits 1 if anything failed.`,
		Example: `  pktrouter gen fifo -p width=8 -p depth=16 -o out/ && pktrouter lint out/
  pktrouter lint rtl/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var files []string
			for _, arg := range args {
				st, err := os.Stat(arg)
				if err != nil {
					return err
				}
				if st.IsDir() {
					fs, err := lint.Files(arg)
					if err != nil {
						return err
					}
					files = append(files, fs...)
					continue
				}
				files = append(files, arg)
			}
			res, err := lint.Check(cmd.Context(), files)
			if err != nil {
				return err
			}
			failed := 0
			for _, f := range res {
				status := "ok"
				if !f.OK {
					status = "FAIL"
					failed++
				}
				fmt.Fprintf(a.out, "%-4s %-9s %s (top %s)\n", status, f.Tool, filepath.Clean(f.File), f.Top)
				if !f.OK {
					for _, line := range strings.Split(f.Output, "\n") {
						fmt.Fprintf(a.out, "       %s\n", line)
					}
				}
			}
			fmt.Fprintf(a.out, "%d files, %d checks, %d failed\n", len(files), len(res), failed)
			if failed > 0 {
				return fmt.Errorf("lint: %d of %d checks failed", failed, len(res))
			}
			return nil
		},
	}
}
