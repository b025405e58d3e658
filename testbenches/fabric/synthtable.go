package fabric

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
)

// Anchor is a reference figure the issue gives for verilog-axis'
// axis_switch (a plain N×N AXI-Stream switch: one round-robin arbiter per
// output, packets held until tlast, register slices, no VOQs) under the same
// iCE40 HX8K flow. They are quoted, not measured here.
type Anchor struct {
	Ports      int     `json:"ports"`
	LogicCells int     `json:"logic_cells"`
	FmaxMHz    float64 `json:"fmax_mhz"`
}

// Anchors are the axis_switch figures of the issue, by port count.
var Anchors = []Anchor{{4, 600, 120}, {8, 1840, 79}, {16, 6400, 61}}

// TableConfig is one row of the synthesis table: a crossbar configuration
// and what it stands for.
type TableConfig struct {
	Function string                 `json:"function"`
	Crossbar gfabric.CrossbarConfig `json:"crossbar"`
}

// TableConfigs are the rows `fabricsynth -o` measures, at 8-bit data, for
// 4×4, 8×8 and 16×16:
//
//   - "full": what the issue asks of the fabric: VOQs of 2 cells (the
//     smallest depth that keeps a flow at full rate), iSLIP with
//     ceil(log2 N) iterations, cell mode.
//   - "axis-pkt": the closest to axis_switch's function: packet mode (an
//     output stays with one input until the packet's last cell, as
//     axis_switch holds its arbiter until tlast), one iSLIP iteration (one
//     round-robin grant per output, as axis_switch's arbiters), and one
//     cell per VOQ. It still has a VOQ per output at every input where
//     axis_switch has one FIFO-ordered input, so it does more.
//   - "axis-cell": the same in cell mode (arbitration every cycle, no
//     packet holds).
//   - "full-pipe": "full" with the pipelined scheduler
//     (gfabric.CrossbarConfig.Pipelined) and VOQs of 3 cells, the depth
//     that keeps a flow at full rate with the match registered.
func TableConfigs() []TableConfig {
	var out []TableConfig
	for _, n := range []int{4, 8, 16} {
		out = append(out,
			TableConfig{"full", gfabric.CrossbarConfig{Inputs: n, Outputs: n, DataWidth: 8, Depth: 2}},
			TableConfig{"full-pipe", gfabric.CrossbarConfig{Inputs: n, Outputs: n, DataWidth: 8, Depth: 3, Pipelined: true}},
			TableConfig{"axis-pkt", gfabric.CrossbarConfig{Inputs: n, Outputs: n, DataWidth: 8, Depth: 1, Iterations: 1, PacketMode: true}},
			TableConfig{"axis-cell", gfabric.CrossbarConfig{Inputs: n, Outputs: n, DataWidth: 8, Depth: 1, Iterations: 1}})
	}
	return out
}

// TableRow is one measured row.
type TableRow struct {
	Function   string `json:"function"`
	Ports      int    `json:"ports"`
	Depth      int    `json:"voq_depth"`
	Iterations int    `json:"iterations"`
	PacketMode bool   `json:"packet_mode"`
	Pipelined  bool   `json:"pipelined,omitempty"`
	SynthResult
	// Fits is false when nextpnr could not place the design on the part;
	// then only the Yosys counts are meaningful and Note says why.
	Fits bool   `json:"fits"`
	Note string `json:"note,omitempty"`
	// Anchor is axis_switch at the same port count.
	Anchor Anchor `json:"anchor"`
}

// MeasureTable runs SynthICE40 on every configuration, one after the
// other (place and route is CPU-heavy). A design that Yosys maps but
// nextpnr cannot place (more cells than the part) is reported with Fits
// false rather than as an error. progress, when not nil, gets one line per
// finished row.
func MeasureTable(ctx context.Context, cfgs []TableConfig, opt SynthOptions, progress io.Writer) ([]TableRow, error) {
	var rows []TableRow
	for _, tc := range cfgs {
		cfg, err := gfabric.CrossbarDefaults(tc.Crossbar)
		if err != nil {
			return rows, err
		}
		row := TableRow{Function: tc.Function, Ports: cfg.Inputs, Depth: cfg.Depth, Iterations: cfg.Iterations,
			PacketMode: cfg.PacketMode, Pipelined: cfg.Pipelined, Fits: true}
		for _, a := range Anchors {
			if a.Ports == cfg.Inputs {
				row.Anchor = a
			}
		}
		r, err := SynthICE40(ctx, cfg, opt)
		row.SynthResult = r
		if err != nil {
			if r.LUT4 == 0 || r.NextpnrCommand == "" {
				return rows, err // Yosys failed: no figures at all
			}
			row.Fits = false
			row.Note = "nextpnr failed: " + nextpnrError(err)
		}
		if opt.SynthOnly {
			row.Fits = false
			row.Note = "synthesis only"
		}
		rows = append(rows, row)
		if progress != nil {
			fmt.Fprintln(progress, row.summary())
		}
	}
	return rows, nil
}

// MergeRows returns old with the rows of fresh added, a fresh row
// replacing an old one of the same function and size, so a few rows can be
// measured again without the rest. Rows come out by size, then in the
// order of TableConfigs (functions it does not know last).
func MergeRows(old, fresh []TableRow) []TableRow {
	key := func(r TableRow) string { return fmt.Sprintf("%s/%d", r.Function, r.Ports) }
	byKey := map[string]TableRow{}
	var order []string
	for _, r := range append(append([]TableRow(nil), old...), fresh...) {
		k := key(r)
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = r
	}
	rank := map[string]int{}
	for i, tc := range TableConfigs() {
		rank[fmt.Sprintf("%s/%d", tc.Function, tc.Crossbar.Inputs)] = i + 1
	}
	out := make([]TableRow, 0, len(order))
	for _, k := range order {
		out = append(out, byKey[k])
	}
	sort.SliceStable(out, func(a, b int) bool {
		ra, rb := rank[key(out[a])], rank[key(out[b])]
		if ra == 0 || rb == 0 {
			return ra != 0 && rb == 0
		}
		return ra < rb
	})
	return out
}

// shortNote names the usual nextpnr failure in words instead of quoting
// the cell name it could not place.
func shortNote(note string) string {
	if strings.Contains(note, "no BELs remaining to implement cell type 'ICESTORM_LC'") {
		return "does not fit: more logic cells than the part has (nextpnr: no ICESTORM_LC left to place into)"
	}
	return note
}

// nextpnrError picks nextpnr's first ERROR line out of err (the reason a
// design does not fit or route), else err's first line.
func nextpnrError(err error) string {
	for _, l := range strings.Split(err.Error(), "\n") {
		if i := strings.Index(l, "ERROR:"); i >= 0 {
			return strings.TrimSpace(l[i+len("ERROR:"):])
		}
	}
	return firstLine(err.Error())
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (r TableRow) summary() string {
	mode := "cell"
	if r.PacketMode {
		mode = "packet"
	}
	lc, fmax := "—", "—"
	if r.Fits {
		lc = fmt.Sprintf("%d", r.LogicCells)
		fmax = fmt.Sprintf("%.1f", r.FmaxMHz)
	}
	return fmt.Sprintf("| %d×%d | %s | %d | %d | %s | %s | %d | %d | %d | %s | %d | %d @ %.0f |",
		r.Ports, r.Ports, r.Function, r.Depth, r.Iterations, mode, lc, r.LUT4, r.DFF, r.RAM, fmax, r.HarnessFlops,
		r.Anchor.LogicCells, r.Anchor.FmaxMHz)
}

// WriteTableMarkdown writes docs/bench/fabric-synth.md: how the figures
// were made, the table, and what limits them. tools names the tool
// versions used.
func WriteTableMarkdown(w io.Writer, rows []TableRow, tools string) error {
	var b strings.Builder
	b.WriteString(`# Switch fabric on iCE40 HX8K

Generated by ` + "`go run ./testbenches/fabric/cmd/fabricsynth -o docs/bench`" + ` (about twenty
minutes on this loaded two-core machine; designs run one at a time;
` + "`-sizes 4,8 -functions full-pipe -merge`" + ` measures only those rows and keeps
the others; ` + "`-render docs/bench/fabric-synth.json`" + ` rewrites the page from
the JSON without measuring). Tools: ` + tools + `.

Flow, per crossbar (` + "`testbenches/fabric.SynthICE40`" + `): the crossbar of gen/fabric
at 8-bit data is wrapped in a harness, because even 8×8 has more ports
than the package has pins: one shift register fed by a pin drives every
input, every output is registered and the registers are XOR-folded into
one pin. "harness FF" counts those flops; the input shift register takes
one logic cell per bit, so the crossbar alone is roughly "logic cells"
minus the harness's input bits. Timed paths run from register to register
through the crossbar, as inside a device.

    yosys -q -p "read_verilog top.v; synth_ice40 -top <harness> -json top.json"
    nextpnr-ice40 --hx8k --package ct256 --json top.json --seed 1

Rows:

- **full** is the fabric the issue asks for: a VOQ per (input, output) of
  2 cells (the least that keeps a flow at full rate), iSLIP with
  ceil(log2 N) iterations in one cycle, cell mode.
- **axis-pkt** is as close to verilog-axis ` + "`axis_switch`" + `'s function as the generator
  goes: packet mode (an output stays with one input until the packet's
  last cell, as axis_switch holds its arbiter until tlast), one iSLIP
  iteration (one round-robin grant per output, like axis_switch's
  per-output arbiters; the accept step is the extra), 1 cell per VOQ. It
  still keeps N one-cell queues per input where axis_switch has one
  in-order input, so it does more (no head-of-line blocking).
- **axis-cell** is axis-pkt in cell mode: every cycle is arbitrated, no
  packet holds.
- **full-pipe** is full with the pipelined scheduler (gen/fabric
  ` + "`Pipelined`" + `, model/fabric ` + "`NewPipelinedVOQ`" + `): the match and the egress
  ready the requests use are registers, requests are VOQ occupancy minus
  the cells already granted, and a granted cell leaves one cycle after
  the decision. VOQs of 3 cells keep a flow at full rate with that extra
  cycle.

The axis_switch figures (last column) are the issue's anchors for the same
flow, quoted, not measured here.

`)
	b.WriteString("| size | function | VOQ depth | iterations | mode | logic cells | SB_LUT4 | DFF | BRAM | Fmax MHz | harness FF | axis_switch cells @ MHz |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		b.WriteString(r.summary())
		b.WriteByte('\n')
	}
	for _, r := range rows {
		if r.Note != "" {
			fmt.Fprintf(&b, "\n%d×%d %s: %s; the Yosys counts (SB_LUT4, DFF) are the generic figure.\n", r.Ports, r.Ports, r.Function, shortNote(r.Note))
		}
	}
	b.WriteString("\nAgainst axis_switch (the cells here include the harness; how the anchors were wrapped is not recorded):\n\n")
	for _, r := range rows {
		if r.Fits && r.Anchor.LogicCells > 0 && (strings.HasPrefix(r.Function, "axis") || r.Pipelined) {
			fmt.Fprintf(&b, "- %d×%d %s: %.2f× the logic cells at %.2f× the Fmax.\n", r.Ports, r.Ports, r.Function,
				float64(r.LogicCells)/float64(r.Anchor.LogicCells), r.FmaxMHz/r.Anchor.FmaxMHz)
		}
	}
	b.WriteString(`
## What limits Fmax

Without pipelining one slot is one clock cycle, and the scheduler's
decisions are held equal to model/fabric's cycle for cycle, so every loop
of the algorithm closes inside one cycle: out_ready and VOQ occupancy →
request → grant arbiters → accept arbiters → (further iterations) → match
→ VOQ counter enables, pointers and holds. The arbiters are log-depth
(thermometer pointer, doubled request vector, prefix OR) and iterations
are chained through the OR of an input's grant row rather than its accept
decision, but each iteration still costs a grant and an accept arbiter,
and on iCE40 routing is about three quarters of the path. More
iterations cost Fmax directly; one iteration is what an axis_switch-like
fabric needs, and McKeown reports that even one iSLIP iteration sustains
full throughput under uniform Bernoulli load (the pointers
desynchronise), at higher latency than log2 N iterations.

The pipelined scheduler (full-pipe) takes the egress ready input and the
VOQ counter update out of that loop: its path runs from the occupancy
counters and match register (request = count minus the granted cell)
through all iterations' grant and accept arbiters into the match register
and the pointers. That loop is still the algorithm's own: every
iteration of a slot needs the previous one's result, and the next slot's
requests need this slot's match (or a VOQ could be granted more cells
than it holds), so the iterations themselves now set the clock. In the
nextpnr reports of the rows above (` + "`-keep DIR`" + ` keeps nextpnr.log), the
4×4 critical path is 14.6 ns through 12 LUTs, 5.1 ns logic and 9.5 ns
routing; the 8×8 one is 34.5 ns through about 20 LUTs (three iterations),
8.4 ns logic and 26.1 ns routing, in a design that fills 90% of the
part's logic cells. The registers gain 26% at 4×4 but only 15% at 8×8,
where the three iterations' arbiters and the congested routing dominate;
VOQs of 3 cells instead of 2 cost 28% (4×4) and 27% (8×8) more cells.
Splitting the iterations over cycles would overlap slots and need the
grant state of slots in flight in every request; model/fabric would have
to model that first. The 16×16 full-pipe row is not measured: the
unpipelined 16×16 with smaller VOQs already does not fit.

At 16×16, storage alone is N²·depth·(data+1) flip-flops (2,304 at depth
1, 8-bit data) besides the datapath's N 16-to-1 multiplexers of 9 bits,
which is why the full fabric does not fit an HX8K; block-RAM VOQs (one
SB_RAM40_4K per input) would remove the storage but their synchronous
read puts the VOQ read one cycle after the match.
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteTableJSON writes rows as indented JSON.
func WriteTableJSON(w io.Writer, rows []TableRow) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}

// ToolVersions returns the Yosys and nextpnr-ice40 versions opt would use,
// for the record.
func ToolVersions(ctx context.Context, opt SynthOptions) string {
	var parts []string
	for _, t := range []struct{ given, name, flag string }{{opt.Yosys, "yosys", "-V"}, {opt.Nextpnr, "nextpnr-ice40", "--version"}} {
		p, err := toolPath(t.given, t.name)
		if err != nil {
			parts = append(parts, t.name+" (not found)")
			continue
		}
		out, _ := exec.CommandContext(ctx, p, t.flag).CombinedOutput()
		parts = append(parts, strings.TrimSpace(firstLine(string(out))))
	}
	return strings.Join(parts, ", ")
}
