package tb

import (
	"fmt"
	"regexp"
)

// MaxWidth bounds a port's width. The testbench packs every input of a cycle
// into one $readmemh word, so the bound keeps that word a sane size while
// leaving room for 256-bit and wider datapaths.
const MaxWidth = 4096

// Clk is the conventional clock port name (see Design.Clock).
const Clk = "clk"

// Port is one input or output port of the top module. Values are unsigned
// bit vectors of Width bits (1..MaxWidth); signedness is the design's
// business, the vectors only carry bits.
type Port struct {
	Name   string
	Width  int
	Output bool
}

// Design is what an engine runs: a top module, its Verilog sources, and its
// ports in order. The order of the inputs is the column order of the
// stimulus, the order of the outputs that of the trace.
//
// The clock is implicit: the testbench drives it and it is never listed in
// Ports. A reset is not special: a design with a reset lists it as an
// ordinary 1-bit input (conventionally "rst") and the stimulus drives it.
type Design struct {
	// Top is the name of the top module.
	Top string
	// Files are Verilog-2005 source files (paths); Source is source text.
	// Either or both may be given; both are compiled. The Verilog
	// engines need at least one; the Func engine ignores them. Build caches hash
	// the contents of Files and Source (not of files they `include).
	Files  []string
	Source string
	// Clock is the name of the clock input, usually Clk. Leave it empty
	// for a purely combinational design that has no clock port.
	Clock string
	// Ports lists inputs and outputs (Output set) in order, without the
	// clock.
	Ports []Port
}

// Inputs returns the input ports in order.
func (d Design) Inputs() []Port { return d.filter(false) }

// Outputs returns the output ports in order.
func (d Design) Outputs() []Port { return d.filter(true) }

func (d Design) filter(out bool) []Port {
	var ps []Port
	for _, p := range d.Ports {
		if p.Output == out {
			ps = append(ps, p)
		}
	}
	return ps
}

// NewStimulus returns an all-zero stimulus of the given number of cycles
// for d's inputs.
func (d Design) NewStimulus(cycles int) (Stimulus, error) {
	if err := d.Validate(); err != nil {
		return Stimulus{}, err
	}
	return NewStimulus(d.Inputs(), cycles)
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]*$`)

// keywords are Verilog-2005 reserved words a port or module could collide with.
var keywords = map[string]bool{}

func init() {
	for _, k := range []string{"always", "and", "assign", "automatic", "begin", "buf", "case", "casex", "casez",
		"cell", "config", "default", "defparam", "design", "disable", "edge", "else", "end", "endcase",
		"endconfig", "endfunction", "endgenerate", "endmodule", "endprimitive", "endspecify", "endtable",
		"endtask", "event", "for", "force", "forever", "fork", "function", "generate", "genvar", "if",
		"initial", "inout", "input", "integer", "join", "localparam", "module", "nand", "negedge", "nor",
		"not", "or", "output", "parameter", "posedge", "real", "reg", "repeat", "signed", "specify",
		"supply0", "supply1", "table", "task", "time", "tri", "unsigned", "wait", "wire", "while", "wor",
		"xnor", "xor", "bit", "logic", "int", "byte", "type", "do", "string"} {
		keywords[k] = true
	}
}

// checkIdent reports whether name can be used as a plain Verilog identifier.
func checkIdent(what, name string) error {
	if !identRE.MatchString(name) {
		return fmt.Errorf("tb: %s %q is not a plain Verilog identifier", what, name)
	}
	if keywords[name] {
		return fmt.Errorf("tb: %s %q is a Verilog keyword", what, name)
	}
	return nil
}

// checkPorts validates a port list: identifiers, unique names, widths.
func checkPorts(ports []Port) error {
	seen := map[string]bool{}
	for i, p := range ports {
		if err := checkIdent(fmt.Sprintf("port %d", i), p.Name); err != nil {
			return err
		}
		if seen[p.Name] {
			return fmt.Errorf("tb: port %q listed twice", p.Name)
		}
		seen[p.Name] = true
		if p.Width < 1 || p.Width > MaxWidth {
			return fmt.Errorf("tb: port %q has width %d, want 1..%d", p.Name, p.Width, MaxWidth)
		}
	}
	return nil
}

// Validate checks that d can be run: a top module name that is a plain
// identifier, at least one input (a line per cycle
// needs something on it: a clocked design without inputs still has rst)
// and one output, unique port names that are plain identifiers, widths in
// range, and no port named like the clock.
func (d Design) Validate() error {
	if err := checkIdent("top module", d.Top); err != nil {
		return err
	}
	if d.Top == tbTop {
		return fmt.Errorf("tb: top module may not be called %q (the generated testbench's name)", tbTop)
	}
	if d.Clock != "" {
		if err := checkIdent("clock", d.Clock); err != nil {
			return err
		}
	}
	if err := checkPorts(d.Ports); err != nil {
		return fmt.Errorf("design %s: %w", d.Top, err)
	}
	for _, p := range d.Ports {
		if d.Clock != "" && p.Name == d.Clock {
			return fmt.Errorf("tb: design %s lists its clock %q as a port; the clock is implicit", d.Top, p.Name)
		}
	}
	if len(d.Inputs()) == 0 {
		return fmt.Errorf("tb: design %s has no inputs (a stimulus line needs at least one; add rst)", d.Top)
	}
	if len(d.Outputs()) == 0 {
		return fmt.Errorf("tb: design %s has no outputs, so there is nothing to trace", d.Top)
	}
	return nil
}

// hasSources checks that the Verilog engines have something to compile.
func (d Design) hasSources() error {
	if len(d.Files) == 0 && d.Source == "" {
		return fmt.Errorf("tb: design %s has no Verilog sources (set Files or Source)", d.Top)
	}
	return nil
}
