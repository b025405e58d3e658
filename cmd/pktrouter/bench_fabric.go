package main

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"

	"github.com/spf13/cobra"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/pktnetwork/pktrouter/model/fabric"
)

func newBenchCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the toolkit and the device's models against theory and other tools",
		Example: `  pktrouter bench fabric
  pktrouter bench fabric --json --slots 5000`,
	}
	cmd.AddCommand(newBenchFabricCmd(a), newBenchShaperCmd(a), newBenchSimCmd(a))
	return cmd
}

// fabricPoint is one measured point of `bench fabric`.
type fabricPoint struct {
	Ports       int     `json:"ports"`
	Pattern     string  `json:"pattern"`
	Fabric      string  `json:"fabric"`
	Load        float64 `json:"load"`
	Throughput  float64 `json:"throughput"`
	MeanLatency float64 `json:"mean_latency_slots"`
}

// benchFabricKinds are the fabrics compared, in table order.
var benchFabricKinds = []fabric.Kind{fabric.KindFIFO, fabric.KindVOQ, fabric.KindClos, fabric.KindOQ}

var benchPatterns = []fabric.Pattern{fabric.Uniform, fabric.Bursty, fabric.Hotspot, fabric.Diagonal}

// closShape splits N ports into r switches of n ports (n·r = N, n ≥ r), the
// squarest three-stage Clos.
func closShape(ports int) (n, r int) {
	n = ports
	r = 1
	for r*2 <= n/2 && (n/2)*(r*2) == ports {
		n, r = n/2, r*2
	}
	return n, r
}

func fabricConfig(kind fabric.Kind, ports int, closM string) fabric.FabricConfig {
	fc := fabric.FabricConfig{Kind: kind, Ports: ports, Contention: fabric.Random, Seed: 1}
	if kind == fabric.KindClos {
		n, r := closShape(ports)
		m := n
		if closM == "2n-1" {
			m = 2*n - 1
		}
		fc.Ports = 0
		fc.Clos = fabric.ClosConfig{M: m, N: n, R: r}
	}
	return fc
}

func newBenchFabricCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fabric",
		Short: "Throughput and latency of the fabric models against offered load",
		Long: `bench fabric runs the cell-level fabric models (model/fabric) — FIFO input
queueing, VOQ with iSLIP (log2 N iterations), a three-stage Clos and the ideal
output-queued switch — under uniform, bursty (mean 8 cells), hotspot (5% to
port 0) and diagonal (2/3 to i, 1/3 to i+1) traffic, for N = 4, 8 and 16, at
offered loads 0.1 to 1.0. It prints throughput (cells per slot per port) and
mean latency (slots), and draws the curves into two PNG files.

Theory to read the table against: FIFO saturates near 2−√2 ≈ 0.586 as N grows
(Karol et al. 1987); iSLIP with log2 N iterations approaches 1.0 under uniform
traffic (McKeown 1999). Hotspot traffic at high load overloads port 0, so no
fabric, not even the ideal one, delivers everything offered.`,
		Example: `  pktrouter bench fabric
  pktrouter bench fabric --ports 16 --patterns uniform --json
  pktrouter bench fabric --slots 100000 --png out/fabric`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			ports, _ := f.GetIntSlice("ports")
			patNames, _ := f.GetStringSlice("patterns")
			slots, _ := f.GetInt64("slots")
			warmup, _ := f.GetInt64("warmup")
			closM, _ := f.GetString("clos-m")
			png, _ := f.GetString("png")
			asJSON, _ := f.GetBool("json")
			if closM != "n" && closM != "2n-1" {
				return fmt.Errorf(`--clos-m %q: want "n" (rearrangeable) or "2n-1" (strictly non-blocking)`, closM)
			}
			if slots < 100 || warmup < 0 {
				return fmt.Errorf("--slots must be at least 100 and --warmup at least 0")
			}
			var pats []fabric.Pattern
			for _, n := range patNames {
				p, err := fabric.ParsePattern(n)
				if err != nil {
					return fmt.Errorf("--patterns: %w", err)
				}
				pats = append(pats, p)
			}
			for _, n := range ports {
				if n < 2 || n > 64 || n&(n-1) != 0 {
					return fmt.Errorf("--ports %d: want a power of two from 2 to 64", n)
				}
			}
			points, err := sweepFabrics(ports, pats, slots, warmup, closM, a.err)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(a.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{"slots": slots, "warmup": warmup, "clos_m": closM, "points": points}); err != nil {
					return err
				}
			} else {
				printFabricTable(a.out, points)
			}
			if png != "" {
				for _, metric := range []string{"throughput", "latency"} {
					file := png + "-" + metric + ".png"
					if err := plotFabric(points, ports, pats, metric, file); err != nil {
						return err
					}
					fmt.Fprintf(a.err, "wrote %s\n", file)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntSlice("ports", []int{4, 8, 16}, "switch sizes N")
	f.StringSlice("patterns", []string{"uniform", "bursty", "hotspot", "diagonal"}, "traffic patterns")
	f.Int64("slots", 20000, "measured slots per point")
	f.Int64("warmup", 5000, "slots run before measuring")
	f.String("clos-m", "n", `Clos middle switches: "n" or "2n-1"`)
	f.String("png", "fabric", "write curves to PREFIX-throughput.png and PREFIX-latency.png (\"\" for none)")
	f.Bool("json", false, "print the points as JSON instead of a table")
	return cmd
}

// sweepFabrics measures every (N, pattern, fabric, load) point, spread over
// the machine's cores, reporting progress on progress.
func sweepFabrics(ports []int, pats []fabric.Pattern, slots, warmup int64, closM string, progress io.Writer) ([]fabricPoint, error) {
	type job struct {
		i   int
		cfg fabric.Config
	}
	var jobs []job
	var points []fabricPoint
	for _, n := range ports {
		for _, p := range pats {
			for _, k := range benchFabricKinds {
				for l := 1; l <= 10; l++ {
					load := float64(l) / 10
					tc := fabric.TrafficConfig{Pattern: p, Ports: n, Load: load, MeanBurst: 8, HotspotFrac: 0.05, Seed: uint64(n*1000 + l)}
					jobs = append(jobs, job{len(points), fabric.Config{Fabric: fabricConfig(k, n, closM), Traffic: tc, Warmup: warmup, Slots: slots}})
					points = append(points, fabricPoint{Ports: n, Pattern: p.String(), Fabric: k.String(), Load: load})
				}
			}
		}
	}
	work := make(chan job)
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		wg       sync.WaitGroup
	)
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				r, err := fabric.Measure(j.cfg)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s N=%d %s load %.1f: %w", points[j.i].Fabric, points[j.i].Ports, points[j.i].Pattern, points[j.i].Load, err)
				}
				points[j.i].Throughput, points[j.i].MeanLatency = r.Throughput, r.MeanLatency
				done++
				if done%20 == 0 || done == len(jobs) {
					fmt.Fprintf(progress, "\rbench fabric: %d/%d points", done, len(jobs))
					if done == len(jobs) {
						fmt.Fprintln(progress)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	return points, firstErr
}

// printFabricTable prints one block per (N, pattern): a row per load, a
// throughput and latency column pair per fabric.
func printFabricTable(w io.Writer, points []fabricPoint) {
	type key struct {
		n int
		p string
	}
	groups := map[key][]fabricPoint{}
	var order []key
	for _, pt := range points {
		k := key{pt.Ports, pt.Pattern}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], pt)
	}
	for _, k := range order {
		fmt.Fprintf(w, "\nN=%d %s   throughput (cells/slot/port) / mean latency (slots)\n", k.n, k.p)
		fmt.Fprintf(w, "%-5s", "load")
		for _, kind := range benchFabricKinds {
			fmt.Fprintf(w, " %17s", kind)
		}
		fmt.Fprintln(w)
		byLoad := map[float64]map[string]fabricPoint{}
		var loads []float64
		for _, pt := range groups[k] {
			if byLoad[pt.Load] == nil {
				byLoad[pt.Load] = map[string]fabricPoint{}
				loads = append(loads, pt.Load)
			}
			byLoad[pt.Load][pt.Fabric] = pt
		}
		sort.Float64s(loads)
		for _, l := range loads {
			fmt.Fprintf(w, "%-5.1f", l)
			for _, kind := range benchFabricKinds {
				pt := byLoad[l][kind.String()]
				fmt.Fprintf(w, " %7.3f / %7.1f", pt.Throughput, pt.MeanLatency)
			}
			fmt.Fprintln(w)
		}
	}
}

// plotFabric draws one panel per (N, pattern), rows N and columns pattern,
// each with a line per fabric, and writes the grid as a PNG.
func plotFabric(points []fabricPoint, ports []int, pats []fabric.Pattern, metric, file string) error {
	rows, cols := len(ports), len(pats)
	colors := []color.Color{
		color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
		color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
		color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
		color.RGBA{A: 0xff},
	}
	plots := make([][]*plot.Plot, rows)
	for ri, n := range ports {
		plots[ri] = make([]*plot.Plot, cols)
		for ci, pat := range pats {
			p := plot.New()
			p.Title.Text = fmt.Sprintf("N=%d %s", n, pat)
			p.X.Label.Text = "offered load"
			p.X.Min, p.X.Max = 0, 1
			if metric == "throughput" {
				p.Y.Label.Text = "throughput"
				p.Y.Min, p.Y.Max = 0, 1
			} else {
				p.Y.Label.Text = "mean latency (slots)"
				p.Y.Scale = plot.LogScale{}
				p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
			}
			p.Legend.Top, p.Legend.Left = true, true
			for ki, kind := range benchFabricKinds {
				var xy plotter.XYs
				for _, pt := range points {
					if pt.Ports == n && pt.Pattern == pat.String() && pt.Fabric == kind.String() {
						y := pt.Throughput
						if metric == "latency" {
							y = max(pt.MeanLatency, 0.1) // log scale: latency 0 drawn at 0.1
						}
						xy = append(xy, plotter.XY{X: pt.Load, Y: y})
					}
				}
				line, err := plotter.NewLine(xy)
				if err != nil {
					return err
				}
				line.Color = colors[ki%len(colors)]
				line.Width = vg.Points(1.5)
				p.Add(line)
				if ri == 0 && ci == 0 {
					p.Legend.Add(kind.String(), line)
				}
			}
			plots[ri][ci] = p
		}
	}
	img := vgimg.New(vg.Length(cols)*8*vg.Centimeter, vg.Length(rows)*7*vg.Centimeter)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 3, PadY: vg.Millimeter * 3, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, dc)
	for ri := range plots {
		for ci := range plots[ri] {
			plots[ri][ci].Draw(canvases[ri][ci])
		}
	}
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(out); err != nil {
		out.Close()
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return out.Close()
}
