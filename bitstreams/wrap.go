package bitstreams

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// Port is one port of the design the board top instantiates.
type Port struct {
	Name  string
	Out   bool
	Width int
}

// PortsOf lists a built design's top ports, clk and rst first when the
// design uses them (as the Verilog emitter declares them).
func PortsOf(d *hdl.Design) []Port {
	var out []Port
	if d.Top.UsesClk {
		out = append(out, Port{Name: "clk", Width: 1})
	}
	if d.Top.UsesRst {
		out = append(out, Port{Name: "rst", Width: 1})
	}
	for _, p := range d.Top.Ports {
		out = append(out, Port{Name: p.Name, Out: p.Dir == hdl.Out, Width: d.Top.Nets[p.Net].Width})
	}
	return out
}

// BoardTop is the module the flow synthesizes for a board: the design
// instantiated with its clock, a power-on reset, its UART and as many link
// ports as the board has header pins for; the rest of the links looped back.
type BoardTop struct {
	Module  string // board_top
	Verilog []byte
	PCF     []byte
	// Notes say what went where, for the report and the README.
	Notes []string
}

// Signals of a link's two streams, in pin-assignment order.
var streamSignals = []string{"valid", "data", "last", "ready"}

var (
	linkRE = regexp.MustCompile(`^(rx|tx)(\d+)_(valid|data|last|ready)$`)
	cpuRE  = regexp.MustCompile(`^cpu_(rx|tx)_(valid|data|last|ready)$`)
)

// link is one frame port of the device: rx (frames in) and tx (frames out).
type link struct {
	name   string // "0", "1", ..., "cpu"
	prefix func(dir string) string
	ports  map[string]Port // "rx_valid" -> port
}

func (l *link) complete() bool {
	for _, d := range []string{"rx", "tx"} {
		for _, s := range streamSignals {
			if _, ok := l.ports[d+"_"+s]; !ok {
				return false
			}
		}
	}
	return l.ports["rx_data"].Width == l.ports["tx_data"].Width &&
		!l.ports["rx_valid"].Out && l.ports["rx_ready"].Out && l.ports["tx_valid"].Out && !l.ports["tx_ready"].Out
}

// pins is the number of package pins the link takes.
func (l *link) pins() int { return 2 * (3 + l.ports["rx_data"].Width) }

// Wrap writes the board top and its .pcf for a design with ports. A design
// with a UART (uart_rx/uart_tx, or rx/tx of one bit) is a device: its
// clock comes from the board oscillator, rst from a power-on reset counter,
// the UART goes to the board's USB UART, link ports 0, 1, ... go to the
// header pins while whole links fit (rx{i}_valid, rx{i}_data[0..W-1],
// rx{i}_last, rx{i}_ready, then the same for tx{i}), and every other link
// (the CPU port always) is looped back through a one-frame-word register
// slice, tx into rx, so its logic is placed and timed. Any other design
// gets the measurement harness: every input from a shift register on one
// pin, every output registered and XOR-folded onto another (Harness).
func (b *Board) Wrap(module string, ports []Port) (*BoardTop, error) {
	has := func(name string, out bool) bool {
		return slices.ContainsFunc(ports, func(p Port) bool { return p.Name == name && p.Out == out && p.Width == 1 })
	}
	if !has("clk", false) {
		return nil, fmt.Errorf("bitstreams: module %s has no clk input", module)
	}
	rxName, txName := "uart_rx", "uart_tx"
	if !has(rxName, false) || !has(txName, true) {
		rxName, txName = "rx", "tx"
	}
	if !has(rxName, false) || !has(txName, true) {
		return b.harness(module, ports)
	}
	w := &topWriter{board: b}
	w.notes = append(w.notes, fmt.Sprintf("clock: the board's %g MHz oscillator (pin %s) drives clk directly, no PLL", b.ClockMHz, b.ClockPin))
	w.notes = append(w.notes, "reset: a power-on counter holds rst for 16 cycles after configuration")
	w.notes = append(w.notes, fmt.Sprintf("UART: %s on pin %s (from the USB UART), %s on pin %s", rxName, b.UARTRx, txName, b.UARTTx))

	// Group the link ports.
	links := map[string]*link{}
	var order []string
	claimed := map[string]bool{}
	for _, p := range ports {
		var name, dir, sig string
		if m := linkRE.FindStringSubmatch(p.Name); m != nil {
			name, dir, sig = m[2], m[1], m[3]
		} else if m := cpuRE.FindStringSubmatch(p.Name); m != nil {
			name, dir, sig = "cpu", m[1], m[2]
		} else {
			continue
		}
		l := links[name]
		if l == nil {
			l = &link{name: name, ports: map[string]Port{}}
			if name == "cpu" {
				l.prefix = func(d string) string { return "cpu_" + d + "_" }
			} else {
				n := name
				l.prefix = func(d string) string { return d + n + "_" }
			}
			links[name] = l
			order = append(order, name)
		}
		l.ports[dir+"_"+sig] = p
		claimed[p.Name] = true
	}
	// Physical links in number order, then the CPU port.
	num := func(s string) int {
		if s == "cpu" {
			return 1 << 30
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	slices.SortStableFunc(order, func(a, b string) int { return num(a) - num(b) })
	w.pin("clk", false, 1, b.ClockPin, "board oscillator")
	w.pin("uart_rx", false, 1, b.UARTRx, "USB UART, into the FPGA")
	w.pin("uart_tx", true, 1, b.UARTTx, "USB UART, out of the FPGA")
	next := 0
	for _, name := range order {
		l := links[name]
		if !l.complete() {
			for _, p := range l.ports {
				delete(claimed, p.Name)
			}
			w.notes = append(w.notes, fmt.Sprintf("link %s: incomplete or mis-directed stream ports; treated as other ports", name))
			continue
		}
		if name != "cpu" && next+l.pins() <= len(b.Header) {
			w.pinLink(l, b.Header[next:next+l.pins()])
			next += l.pins()
			continue
		}
		w.loopLink(l)
	}

	// The device instance.
	inst := map[string]string{"clk": "clk", "rst": "rst", rxName: "uart_rx", txName: "uart_tx"}
	var folded, tied []string
	for _, p := range ports {
		if _, ok := inst[p.Name]; ok || claimed[p.Name] {
			continue
		}
		if p.Out {
			w.decl(fmt.Sprintf("wire [%d:0] d_%s;", p.Width-1, p.Name))
			inst[p.Name] = "d_" + p.Name
			folded = append(folded, "d_"+p.Name)
		} else {
			inst[p.Name] = fmt.Sprintf("%d'd0", p.Width)
			tied = append(tied, p.Name)
		}
	}
	for k, v := range w.inst {
		inst[k] = v
	}
	if len(tied) > 0 {
		w.notes = append(w.notes, "inputs tied to 0: "+strings.Join(tied, ", "))
	}
	w.fold(folded, b.LED, "led", "outputs with no pin, XOR-folded onto the LED")
	return w.finish(module, ports, inst)
}

// harness wraps a design that is not a device: inputs from a shift
// register fed by one header pin, outputs registered and XOR-folded onto
// the next. The timed paths run register to register through the design.
func (b *Board) harness(module string, ports []Port) (*BoardTop, error) {
	if len(b.Header) < 2 {
		return nil, fmt.Errorf("bitstreams: board %s has no header pins for the harness", b.Name)
	}
	w := &topWriter{board: b}
	w.notes = append(w.notes,
		fmt.Sprintf("harness: %s has no UART, so it is measured in a harness: every input bit from a shift register fed by pin %s, every output registered and XOR-folded onto pin %s; the harness's flip-flops are in the counts", module, b.Header[0].Name, b.Header[1].Name),
		fmt.Sprintf("clock: the board's %g MHz oscillator (pin %s) drives clk directly, no PLL", b.ClockMHz, b.ClockPin),
		"reset: a power-on counter holds rst for 16 cycles after configuration")
	w.pin("clk", false, 1, b.ClockPin, "board oscillator")
	w.pin("sin", false, 1, b.Header[0].Name, "harness shift-register input")
	inst := map[string]string{"clk": "clk", "rst": "rst"}
	total := 0
	for _, p := range ports {
		if p.Name != "clk" && p.Name != "rst" && !p.Out {
			total += p.Width
		}
	}
	if total > 0 {
		w.decl(fmt.Sprintf("reg [%d:0] chain = %d'd0;", total-1, total))
		if total == 1 {
			w.body("always @(posedge clk) chain <= sin;")
		} else {
			w.body(fmt.Sprintf("always @(posedge clk) chain <= {chain[%d:0], sin};", total-2))
		}
	} else {
		w.decl("wire unused_sin = sin;")
	}
	off := 0
	var outs []string
	for _, p := range ports {
		switch {
		case p.Name == "clk" || p.Name == "rst":
		case p.Out:
			w.decl(fmt.Sprintf("wire [%d:0] d_%s;", p.Width-1, p.Name))
			inst[p.Name] = "d_" + p.Name
			outs = append(outs, "d_"+p.Name)
		default:
			inst[p.Name] = fmt.Sprintf("chain[%d:%d]", off+p.Width-1, off)
			off += p.Width
		}
	}
	w.fold(outs, b.Header[1].Name, "sout", "harness output")
	return w.finish(module, ports, inst)
}

// topWriter accumulates the board top's ports, declarations and pins.
type topWriter struct {
	board       *Board
	ports       []string // module port declarations
	decls, logc []string
	pcf         []string
	notes       []string
	inst        map[string]string // device port -> board-top expression
}

func (w *topWriter) decl(s string) { w.decls = append(w.decls, s) }
func (w *topWriter) body(s string) { w.logc = append(w.logc, s) }

// pin declares a board-top port of width bits on pins (one per bit,
// LSB first; a single pin for width 1).
func (w *topWriter) pin(name string, out bool, width int, pinName, doc string) {
	dir := "input  wire"
	if out {
		dir = "output wire"
	}
	rng := ""
	if width > 1 {
		rng = fmt.Sprintf("[%d:0] ", width-1)
	}
	w.ports = append(w.ports, fmt.Sprintf("%s %s%s", dir, rng, name))
	if pinName != "" {
		w.pcf = append(w.pcf, fmt.Sprintf("set_io %s %s # %s", name, pinName, doc))
	}
}

func (w *topWriter) pinBits(name string, out bool, pins []Pin) {
	w.pin(name, out, len(pins), "", "")
	if len(pins) == 1 {
		w.pcf = append(w.pcf, fmt.Sprintf("set_io %s %s%s", name, pins[0].Name, where(pins[0])))
		return
	}
	for i, p := range pins {
		w.pcf = append(w.pcf, fmt.Sprintf("set_io %s[%d] %s%s", name, i, p.Name, where(p)))
	}
}

func where(p Pin) string {
	if p.Where == "" {
		return ""
	}
	return " # " + p.Where
}

func (w *topWriter) setInst(port, expr string) {
	if w.inst == nil {
		w.inst = map[string]string{}
	}
	w.inst[port] = expr
}

// pinLink puts both streams of l on pins, in streamSignals order.
func (w *topWriter) pinLink(l *link, pins []Pin) {
	at := 0
	var names []string
	for _, d := range []string{"rx", "tx"} {
		for _, s := range streamSignals {
			p := l.ports[d+"_"+s]
			top := "p" + l.name + "_" + d + "_" + s
			w.pinBits(top, p.Out, pins[at:at+p.Width])
			names = append(names, fmt.Sprintf("%s=%s", top, pinList(pins[at:at+p.Width])))
			at += p.Width
			w.setInst(l.prefix(d)+s, top)
		}
	}
	w.notes = append(w.notes, fmt.Sprintf("link %s on pins: %s", l.name, strings.Join(names, " ")))
}

func pinList(ps []Pin) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Name)
	}
	return strings.Join(s, ",")
}

// loopLink connects l's tx stream to its rx stream through a one-entry
// register slice: registered on both sides, so no combinational path runs
// from the device's tx through the loop into its rx or back.
func (w *topWriter) loopLink(l *link) {
	n := "lb_" + l.name
	width := l.ports["tx_data"].Width
	w.decl(fmt.Sprintf("wire %s_tv, %s_tl, %s_rr;", n, n, n))
	w.decl(fmt.Sprintf("wire [%d:0] %s_td;", width-1, n))
	w.decl(fmt.Sprintf("reg %s_full = 1'b0;", n))
	w.decl(fmt.Sprintf("reg %s_last = 1'b0;", n))
	w.decl(fmt.Sprintf("reg [%d:0] %s_data = %d'd0;", width-1, n, width))
	w.body(fmt.Sprintf(`always @(posedge clk) begin
        if (rst) %[1]s_full <= 1'b0;
        else if (!%[1]s_full) %[1]s_full <= %[1]s_tv;
        else if (%[1]s_rr) %[1]s_full <= 1'b0;
        if (!%[1]s_full) begin
            %[1]s_data <= %[1]s_td;
            %[1]s_last <= %[1]s_tl;
        end
    end`, n))
	w.setInst(l.prefix("tx")+"valid", n+"_tv")
	w.setInst(l.prefix("tx")+"data", n+"_td")
	w.setInst(l.prefix("tx")+"last", n+"_tl")
	w.setInst(l.prefix("tx")+"ready", "!"+n+"_full")
	w.setInst(l.prefix("rx")+"valid", n+"_full")
	w.setInst(l.prefix("rx")+"data", n+"_data")
	w.setInst(l.prefix("rx")+"last", n+"_last")
	w.setInst(l.prefix("rx")+"ready", n+"_rr")
	what := "link " + l.name
	if l.name == "cpu" {
		what = "CPU port"
	}
	w.notes = append(w.notes, fmt.Sprintf("%s looped back inside the FPGA (its tx frames re-enter its rx through a register slice)", what))
}

// fold drives pin with the registered XOR of every bit of sigs.
func (w *topWriter) fold(sigs []string, pinName, port, doc string) {
	w.pin(port, true, 1, pinName, doc)
	if len(sigs) == 0 {
		w.body(fmt.Sprintf("assign %s = 1'b0;", port))
		return
	}
	w.decl("reg fold_q = 1'b0;")
	var terms []string
	for _, s := range sigs {
		terms = append(terms, "^"+s)
	}
	w.body(fmt.Sprintf("always @(posedge clk) fold_q <= %s;", strings.Join(terms, " ^ ")))
	w.body(fmt.Sprintf("assign %s = fold_q;", port))
	if port == "led" {
		w.notes = append(w.notes, fmt.Sprintf("%d outputs with no pin are XOR-folded onto the LED (pin %s), so synthesis keeps their logic", len(sigs), pinName))
	}
}

func (w *topWriter) finish(module string, ports []Port, inst map[string]string) (*BoardTop, error) {
	var v strings.Builder
	fmt.Fprintf(&v, "// Generated by pktrouter bitstreams: board top for %s on the %s. DO NOT EDIT.\n", module, w.board.Title)
	for _, n := range w.notes {
		fmt.Fprintf(&v, "// %s\n", n)
	}
	v.WriteString("`default_nettype none\n\nmodule board_top (\n")
	for i, p := range w.ports {
		sep := ","
		if i == len(w.ports)-1 {
			sep = ""
		}
		fmt.Fprintf(&v, "    %s%s\n", p, sep)
	}
	v.WriteString(");\n")
	v.WriteString("    // Power-on reset: iCE40 flip-flops start at 0 after configuration.\n")
	v.WriteString("    reg [3:0] por = 4'd0;\n    wire rst = ~&por;\n")
	for _, d := range w.decls {
		fmt.Fprintf(&v, "    %s\n", d)
	}
	v.WriteString("    always @(posedge clk) if (rst) por <= por + 4'd1;\n")
	for _, b := range w.logc {
		fmt.Fprintf(&v, "    %s\n", b)
	}
	fmt.Fprintf(&v, "    %s u_dev (\n", module)
	for i, p := range ports {
		e, ok := inst[p.Name]
		if !ok {
			return nil, fmt.Errorf("bitstreams: board top: port %s of %s is not connected (a bug)", p.Name, module)
		}
		sep := ","
		if i == len(ports)-1 {
			sep = ""
		}
		fmt.Fprintf(&v, "        .%s(%s)%s\n", p.Name, e, sep)
	}
	v.WriteString("    );\nendmodule\n\n`default_nettype wire\n")
	var pcf strings.Builder
	fmt.Fprintf(&pcf, "# Generated by pktrouter bitstreams: pins of board_top (%s) on the %s.\n", module, w.board.Title)
	for _, l := range w.pcf {
		pcf.WriteString(l + "\n")
	}
	return &BoardTop{Module: "board_top", Verilog: []byte(v.String()), PCF: []byte(pcf.String()), Notes: w.notes}, nil
}
