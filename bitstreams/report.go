package bitstreams

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Report is what one run of the flow measured, written as report.json and
// report.md beside the bitstream.
type Report struct {
	Design  string `json:"design"`            // what was asked for: "device_ref4", "labelparse", ...
	Module  string `json:"module"`            // the generated top module
	Board   string `json:"board"`             // board name, or "generic"
	Device  string `json:"device,omitempty"`  // iCE40 part (hx8k, up5k)
	Package string `json:"package,omitempty"` // iCE40 package
	Top     string `json:"top"`               // the module Yosys synthesized (board_top on a board)
	Seed    int    `json:"seed,omitempty"`    // nextpnr placer seed
	// TargetMHz is the clock the design must reach (nextpnr --freq).
	TargetMHz float64 `json:"target_mhz,omitempty"`

	// Cells are Yosys's cell counts of the synthesized top by type
	// (synth_ice40: SB_LUT4, SB_DFF*, SB_CARRY, SB_RAM40_4K, SB_IO, ...;
	// generic: $_AND_, $_DFF_P_, ...).
	Cells      map[string]int `json:"cells"`
	CellsTotal int            `json:"cells_total"`
	// iCE40 summaries of Cells.
	LUT4  int `json:"lut4,omitempty"`
	FF    int `json:"ff,omitempty"` // flip-flops (and latches), iCE40 or generic
	Carry int `json:"carry,omitempty"`
	BRAM  int `json:"bram,omitempty"`
	IO    int `json:"io,omitempty"`
	// Generic summaries of Cells: Gates are the single-bit logic cells
	// ($_AND_, $_MUX_, ...) other than flip-flops; Memories and MemoryBits
	// are the design's memories (every instance counted) and their size
	// in bits, which the generic flow keeps as $mem_v2 cells.
	Gates      int `json:"gates,omitempty"`
	Memories   int `json:"memories,omitempty"`
	MemoryBits int `json:"memory_bits,omitempty"`

	// Utilization is nextpnr's placed use of each resource (ICESTORM_LC is
	// a logic cell: one LUT4 and one flip-flop).
	Utilization map[string]Use `json:"utilization,omitempty"`
	// Clocks are nextpnr's achieved maximum frequencies after routing.
	Clocks []Clock `json:"clocks,omitempty"`
	// Verdict is "pass" (every clock meets TargetMHz), "fail" (timing),
	// "does not fit" (the part has too few of a resource; nextpnr stopped
	// before routing), or "synthesized" for a generic run (no timing).
	Verdict   string `json:"verdict"`
	Bitstream string `json:"bitstream,omitempty"` // file name in the output directory
	// SourceSHA256 is SourceSHA256 of the Verilog the flow read (the
	// design and, on a board, the board top), BitstreamSHA256 the
	// bitstream's: a committed bitstream is current while regenerating its
	// design gives the same source hash (bitstreams' committed test).
	SourceSHA256    string   `json:"source_sha256,omitempty"`
	BitstreamSHA256 string   `json:"bitstream_sha256,omitempty"`
	Flash           string   `json:"flash,omitempty"` // how to put it on the board
	Notes           []string `json:"notes,omitempty"` // clock, reset, pin and loopback decisions
	Commands        []string `json:"commands"`        // exactly what ran, in the output directory
	Stages          []Stage  `json:"stages"`
	Tools           []string `json:"tools"` // tool versions
}

// Use is one resource's use out of what the part has.
type Use struct {
	Used      int `json:"used"`
	Available int `json:"available"`
}

// Clock is one clock domain's timing.
type Clock struct {
	Name        string  `json:"name"`
	FmaxMHz     float64 `json:"fmax_mhz"`
	ConstraintM float64 `json:"constraint_mhz"`
	Pass        bool    `json:"pass"`
}

// Stage is one step of the flow and how long it took.
type Stage struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
	Log     string  `json:"log"` // log file name in the output directory
}

// yosysStat is the part of `stat -json` the report reads: the "design"
// section, which Yosys writes when the top module is known and which counts
// every submodule instance's cells in the top's totals.
type yosysStat struct {
	Design *statDesign `json:"design"`
}

type statDesign struct {
	NumCells      int            `json:"num_cells"`
	ByType        map[string]int `json:"num_cells_by_type"`
	NumMemories   int            `json:"num_memories"`
	NumMemoryBits int            `json:"num_memory_bits"`
}

// parseStat reads `stat -json` output. Yosys 0.23 prints the hierarchy
// (one line per submodule with its instance count) as plain text between
// the "modules" and "design" sections when the top has submodules, which
// makes the file invalid JSON; the design section after it is intact, so
// when the whole file does not parse, the object after the last "design"
// key is decoded alone.
func parseStat(data []byte) (*yosysStat, error) {
	var s yosysStat
	if err := json.Unmarshal(data, &s); err != nil {
		i := bytes.LastIndex(data, []byte(`"design"`))
		if i < 0 {
			return nil, fmt.Errorf("bitstreams: yosys stat -json: %w", err)
		}
		rest := bytes.TrimLeft(data[i+len(`"design"`):], " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			return nil, fmt.Errorf("bitstreams: yosys stat -json: %w", err)
		}
		var design statDesign
		if derr := json.NewDecoder(bytes.NewReader(rest[1:])).Decode(&design); derr != nil {
			return nil, fmt.Errorf("bitstreams: yosys stat -json: %w (design section: %v)", err, derr)
		}
		s.Design = &design
	}
	if s.Design == nil {
		return nil, fmt.Errorf("bitstreams: yosys stat -json has no design section (no top module?)")
	}
	return &s, nil
}

// genericFF are the prefixes of Yosys's single-bit storage cells.
var genericFF = []string{"$_DFF", "$_SDFF", "$_ALDFF", "$_FF_", "$_DLATCH", "$_SR_"}

// ParseYosysStat reads Yosys `stat -json` output into the report's cell
// counts and iCE40 summaries.
func (r *Report) ParseYosysStat(data []byte) error {
	s, err := parseStat(data)
	if err != nil {
		return err
	}
	if s.Design.ByType == nil && s.Design.NumCells == 0 {
		return fmt.Errorf("bitstreams: yosys stat -json has no cells")
	}
	r.Cells, r.CellsTotal = s.Design.ByType, s.Design.NumCells
	r.LUT4, r.FF, r.Carry, r.BRAM, r.IO, r.Gates = 0, 0, 0, 0, 0, 0
	for name, n := range r.Cells {
		switch {
		case name == "SB_LUT4":
			r.LUT4 = n
		case strings.HasPrefix(name, "SB_DFF"):
			r.FF += n
		case name == "SB_CARRY":
			r.Carry = n
		case strings.HasPrefix(name, "SB_RAM40"):
			r.BRAM += n
		case name == "SB_IO":
			r.IO = n
		case slices.ContainsFunc(genericFF, func(p string) bool { return strings.HasPrefix(name, p) }):
			r.FF += n
		case strings.HasPrefix(name, "$_"):
			r.Gates += n
		}
	}
	return nil
}

// ParseYosysMemories reads the memories from a `stat -json` taken before
// Yosys collects them into $mem_v2 cells (stat counts only memories it
// still holds as such): their number and bits, every instance counted.
func (r *Report) ParseYosysMemories(data []byte) error {
	s, err := parseStat(data)
	if err != nil {
		return err
	}
	r.Memories, r.MemoryBits = s.Design.NumMemories, s.Design.NumMemoryBits
	return nil
}

// nextpnrReport is the part of nextpnr's --report JSON the report reads.
type nextpnrReport struct {
	Fmax map[string]struct {
		Achieved   float64 `json:"achieved"`
		Constraint float64 `json:"constraint"`
	} `json:"fmax"`
	Utilization map[string]Use `json:"utilization"`
}

// ParseNextpnrReport reads nextpnr-ice40's --report JSON: utilization per
// resource and Fmax per clock, judged against TargetMHz (or each clock's
// own constraint when TargetMHz is 0). It sets Verdict.
func (r *Report) ParseNextpnrReport(data []byte) error {
	var n nextpnrReport
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("bitstreams: nextpnr report: %w", err)
	}
	if len(n.Utilization) == 0 {
		return fmt.Errorf("bitstreams: nextpnr report has no utilization")
	}
	r.Utilization = n.Utilization
	// Yosys does not insert the iCE40 I/O cells (nextpnr does): the pins
	// used come from the placement.
	r.IO = n.Utilization["SB_IO"].Used
	r.Clocks = nil
	for name, f := range n.Fmax {
		target := r.TargetMHz
		if target == 0 {
			target = f.Constraint
		}
		r.Clocks = append(r.Clocks, Clock{Name: clockName(name), FmaxMHz: f.Achieved, ConstraintM: target, Pass: f.Achieved >= target})
	}
	slices.SortFunc(r.Clocks, func(a, b Clock) int { return strings.Compare(a.Name, b.Name) })
	r.Verdict = "pass"
	if len(r.Clocks) == 0 {
		r.Verdict = "fail"
		r.Notes = append(r.Notes, "nextpnr reported no clock: nothing was timed")
	}
	for _, c := range r.Clocks {
		if !c.Pass {
			r.Verdict = "fail"
		}
	}
	return nil
}

var utilLine = regexp.MustCompile(`(?m)^Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+\d+%`)

// ParseNextpnrLog reads the "Device utilisation" table of a nextpnr-ice40
// log, for a run that stopped before writing its report (a design that
// does not fit). It reports whether any resource is over capacity and then
// sets Verdict to "does not fit".
func (r *Report) ParseNextpnrLog(log []byte) (overflow []string) {
	u := map[string]Use{}
	for _, m := range utilLine.FindAllSubmatch(log, -1) {
		used, _ := strconv.Atoi(string(m[2]))
		avail, _ := strconv.Atoi(string(m[3]))
		u[string(m[1])] = Use{Used: used, Available: avail}
	}
	if len(u) == 0 {
		return nil
	}
	r.Utilization = u
	r.IO = u["SB_IO"].Used
	for _, k := range sortedKeys(u) {
		if u[k].Used > u[k].Available {
			overflow = append(overflow, fmt.Sprintf("%s %d/%d (%.0f%%)", k, u[k].Used, u[k].Available, 100*float64(u[k].Used)/float64(u[k].Available)))
		}
	}
	if len(overflow) > 0 {
		r.Verdict = "does not fit"
		r.Notes = append(r.Notes, "does not fit the part: "+strings.Join(overflow, ", "))
	}
	return overflow
}

// clockName strips nextpnr's buffer suffixes: "clk$SB_IO_IN_$glb_clk" is
// the net clk.
func clockName(n string) string {
	if i := strings.IndexByte(n, '$'); i > 0 {
		return n[:i]
	}
	return n
}

// Markdown renders the report for people.
func (r *Report) Markdown() []byte {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Synthesis report: %s on %s\n\n", r.Design, r.Board)
	p("Generated by `pktrouter synth`; the JSON twin is report.json.\n\n")
	p("| | |\n| --- | --- |\n")
	p("| design | %s (module `%s`, synthesized top `%s`) |\n", r.Design, r.Module, r.Top)
	if r.Device != "" {
		p("| part | iCE40 %s, package %s |\n", strings.ToUpper(r.Device), r.Package)
		p("| target clock | %g MHz |\n", r.TargetMHz)
		p("| placer seed | %d |\n", r.Seed)
	}
	p("| verdict | **%s** |\n", strings.ToUpper(r.Verdict))
	if r.Bitstream != "" {
		p("| bitstream | %s |\n", r.Bitstream)
		p("| flash | %s |\n", strings.ReplaceAll(r.Flash, "BIN", r.Bitstream))
	}
	if len(r.Clocks) > 0 {
		p("\n## Timing (nextpnr, after routing)\n\n| clock | Fmax | target | |\n| --- | --- | --- | --- |\n")
		for _, c := range r.Clocks {
			v := "pass"
			if !c.Pass {
				v = "FAIL"
			}
			p("| %s | %.2f MHz | %g MHz | %s |\n", c.Name, c.FmaxMHz, c.ConstraintM, v)
		}
	}
	if len(r.Utilization) > 0 {
		p("\n## Placed resources (nextpnr)\n\n| resource | used | available | |\n| --- | --- | --- | --- |\n")
		for _, k := range sortedKeys(r.Utilization) {
			u := r.Utilization[k]
			pct := 0.0
			if u.Available > 0 {
				pct = 100 * float64(u.Used) / float64(u.Available)
			}
			p("| %s | %d | %d | %.1f%% |\n", k, u.Used, u.Available, pct)
		}
		p("\nICESTORM_LC is a logic cell (one LUT4 and its flip-flop), ICESTORM_RAM a 4-kbit block RAM, SB_IO a pin.\n")
	}
	p("\n## Synthesized cells (Yosys)\n\n")
	if r.Device != "" {
		p("LUT4 %d, flip-flops %d, carry %d, block RAM %d, I/O %d; %d cells in all.\n\n", r.LUT4, r.FF, r.Carry, r.BRAM, r.IO, r.CellsTotal)
	} else {
		p("%d cells in all (Yosys generic synthesis, technology-independent cells, memories kept as memories): "+
			"%d gates, %d flip-flops, %d memories of %d bits in all (%.2f Mbit, 10^6 bits).\n\n",
			r.CellsTotal, r.Gates, r.FF, r.Memories, r.MemoryBits, float64(r.MemoryBits)/1e6)
	}
	p("| cell | count |\n| --- | --- |\n")
	for _, k := range sortedKeys(r.Cells) {
		p("| `%s` | %d |\n", k, r.Cells[k])
	}
	if len(r.Notes) > 0 {
		heading := "Board decisions"
		if r.Device == "" {
			heading = "Notes"
		}
		p("\n## %s\n\n", heading)
		for _, n := range r.Notes {
			p("- %s\n", n)
		}
	}
	p("\n## How it was built\n\n")
	for _, s := range r.Stages {
		p("- %s: %.1f s (log: %s)\n", s.Name, s.Seconds, s.Log)
	}
	p("\n```sh\n%s\n```\n", strings.Join(r.Commands, "\n"))
	if len(r.Tools) > 0 {
		p("\nTools: %s.\n", strings.Join(r.Tools, "; "))
	}
	return b.Bytes()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Write stores report.json and report.md in dir.
func (r *Report) Write(dir string) error {
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "report.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.md"), r.Markdown(), 0o644)
}
