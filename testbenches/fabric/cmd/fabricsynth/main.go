// Command fabricsynth measures gen/fabric crossbars on an iCE40 HX8K: Yosys
// synth_ice40, then nextpnr-ice40, through testbenches/fabric.SynthICE40
// (a shift-register harness feeds the crossbar's inputs, its outputs are
// registered). It either measures one configuration, or with -o the whole
// table of docs/bench/fabric-synth.md (4×4, 8×8 and 16×16, see
// testbenches/fabric.TableConfigs), writing DIR/fabric-synth.md and .json.
// Place and route runs one design at a time and takes minutes at 8×8 and
// beyond.
//
// Examples:
//
//	go run ./testbenches/fabric/cmd/fabricsynth -n 4 -depth 2
//	go run ./testbenches/fabric/cmd/fabricsynth -n 8 -it 1 -depth 1 -packet -keep /tmp/xbar8
//	go run ./testbenches/fabric/cmd/fabricsynth -n 4 -depth 3 -pipelined
//	go run ./testbenches/fabric/cmd/fabricsynth -o docs/bench
//	go run ./testbenches/fabric/cmd/fabricsynth -o docs/bench -sizes 4,8 -functions full-pipe -merge
//	go run ./testbenches/fabric/cmd/fabricsynth -render docs/bench/fabric-synth.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
	tfabric "github.com/pktnetwork/pktrouter/testbenches/fabric"
)

func main() {
	n := flag.Int("n", 4, "ports (inputs = outputs)")
	depth := flag.Int("depth", 2, "VOQ depth in cells")
	it := flag.Int("it", 0, "iSLIP iterations (0: ceil(log2 n))")
	pkt := flag.Bool("packet", false, "packet mode")
	pipe := flag.Bool("pipelined", false, "pipelined scheduler (registered match and egress ready; cell mode only)")
	width := flag.Int("w", 8, "data width in bits")
	seed := flag.Int("seed", 1, "nextpnr placer seed")
	keep := flag.String("keep", "", "keep the work files (top.v, top.json, nextpnr.log) in this directory")
	synthOnly := flag.Bool("synth-only", false, "stop after Yosys")
	out := flag.String("o", "", "measure the whole table and write fabric-synth.md and fabric-synth.json into this directory")
	render := flag.String("render", "", "rewrite fabric-synth.md beside this fabric-synth.json from its rows, without measuring")
	sizes := flag.String("sizes", "4,8,16", "with -o: the port counts to measure")
	functions := flag.String("functions", "", "with -o: the table rows (functions) to measure, comma-separated (default all: full, full-pipe, axis-pkt, axis-cell)")
	merge := flag.Bool("merge", false, "with -o: keep the rows of DIR/fabric-synth.json that were not measured again")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: fabricsynth [-n N -depth D -it K -packet -pipelined -w W -keep DIR] | -o DIR [-sizes 4,8 -functions full-pipe -merge] | -render JSON\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments %q", flag.Args()))
	}
	opt := tfabric.SynthOptions{KeepDir: *keep, SynthOnly: *synthOnly, Seed: *seed}
	ctx := context.Background()
	if *render != "" {
		js, err := os.ReadFile(*render)
		if err != nil {
			fail(err)
		}
		var rows []tfabric.TableRow
		if err := json.Unmarshal(js, &rows); err != nil {
			fail(fmt.Errorf("%s: %w", *render, err))
		}
		var md bytes.Buffer
		if err := tfabric.WriteTableMarkdown(&md, rows, tfabric.ToolVersions(ctx, opt)); err != nil {
			fail(err)
		}
		name := filepath.Join(filepath.Dir(*render), "fabric-synth.md")
		if err := os.WriteFile(name, md.Bytes(), 0o644); err != nil {
			fail(err)
		}
		fmt.Println("wrote", name)
		return
	}
	if *out != "" {
		want := map[int]bool{}
		for _, f := range strings.Split(*sizes, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				fail(fmt.Errorf("-sizes: %q is not a port count", f))
			}
			want[v] = true
		}
		fn := map[string]bool{}
		for _, f := range strings.Split(*functions, ",") {
			if f = strings.TrimSpace(f); f != "" {
				fn[f] = true
			}
		}
		var cfgs []tfabric.TableConfig
		for _, c := range tfabric.TableConfigs() {
			if want[c.Crossbar.Inputs] && (len(fn) == 0 || fn[c.Function]) {
				cfgs = append(cfgs, c)
			}
		}
		if len(cfgs) == 0 {
			fail(fmt.Errorf("-sizes %s -functions %q: no such rows (the table has sizes 4, 8 and 16 and functions full, full-pipe, axis-pkt, axis-cell)", *sizes, *functions))
		}
		var old []tfabric.TableRow
		if *merge {
			js, err := os.ReadFile(filepath.Join(*out, "fabric-synth.json"))
			if err != nil {
				fail(fmt.Errorf("-merge: %w", err))
			}
			if err := json.Unmarshal(js, &old); err != nil {
				fail(fmt.Errorf("-merge: %s: %w", filepath.Join(*out, "fabric-synth.json"), err))
			}
		}
		rows, err := tfabric.MeasureTable(ctx, cfgs, opt, os.Stderr)
		if err != nil {
			fail(err)
		}
		rows = tfabric.MergeRows(old, rows)
		var md, js bytes.Buffer
		if err := tfabric.WriteTableMarkdown(&md, rows, tfabric.ToolVersions(ctx, opt)); err != nil {
			fail(err)
		}
		if err := tfabric.WriteTableJSON(&js, rows); err != nil {
			fail(err)
		}
		if err := os.WriteFile(filepath.Join(*out, "fabric-synth.md"), md.Bytes(), 0o644); err != nil {
			fail(err)
		}
		if err := os.WriteFile(filepath.Join(*out, "fabric-synth.json"), js.Bytes(), 0o644); err != nil {
			fail(err)
		}
		fmt.Printf("wrote %s and %s\n", filepath.Join(*out, "fabric-synth.md"), filepath.Join(*out, "fabric-synth.json"))
		return
	}
	cfg := gfabric.CrossbarConfig{Inputs: *n, Outputs: *n, DataWidth: *width, Depth: *depth, Iterations: *it, PacketMode: *pkt, Pipelined: *pipe}
	r, err := tfabric.SynthICE40(ctx, cfg, opt)
	if err != nil {
		fail(err)
	}
	fmt.Printf("%s: logic cells %d/%d (harness adds %d flops), SB_LUT4 %d, DFF %d, SB_CARRY %d, BRAM %d, Fmax %.1f MHz\n",
		r.Top, r.LogicCells, r.LogicCellsMax, r.HarnessFlops, r.LUT4, r.DFF, r.Carry, r.RAM, r.FmaxMHz)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fabricsynth:", err)
	os.Exit(1)
}
