// Package gen is the table of hardware generators behind the pktrouter CLI:
// `pktrouter gen --list`, `pktrouter gen BLOCK -p key=value … -o DIR` and
// `pktrouter sim BLOCK -p … --cycles N`. Each entry names a generator,
// documents its parameters and builds an *hdl.Module from string values.
//
// It is a plain table on purpose: adding a generator is adding an entry
// to generators (keep it sorted by name), with a Build function that reads
// its parameters through Int, Uint, Bool and Ints so every bad value is
// reported the same way, naming the parameter and the value.
package gen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/fabric"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/gen/meter"
	"github.com/pktnetwork/pktrouter/gen/shaper"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/gen/verilog"
	modelmeter "github.com/pktnetwork/pktrouter/model/meter"
)

// Param is one parameter of a generator as the CLI shows and accepts it.
type Param struct {
	Name    string
	Default string // used when the parameter is not given
	Doc     string // one line: meaning, unit, allowed range
}

// Generator is one entry of the table.
type Generator struct {
	Name    string
	Summary string
	Params  []Param
	// Build makes the module from a complete parameter map: New checks the
	// keys and fills in defaults before calling it, so Build sees every
	// declared parameter and nothing else.
	Build func(p map[string]string) (*hdl.Module, error)
}

// generators is the table, sorted by name.
var generators = []Generator{
	{
		Name:    "arbiter",
		Summary: "round-robin arbiter of n requesters, optionally holding the grant while the winner requests",
		Params: []Param{
			{"n", "8", "number of requesters, 1..1024"},
			{"hold", "false", "true: the grant stays with the winner while its request stays asserted"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			n, err := Int(p, "n")
			if err != nil {
				return nil, err
			}
			hold, err := Bool(p, "hold")
			if err != nil {
				return nil, err
			}
			return blocks.Arbiter(n, hold)
		},
	},
	{
		Name:    "bench_arbfifo",
		Summary: "simulator benchmark: LFSR-fed source FIFOs, a round-robin arbiter and an output FIFO, self-stimulating",
		Params:  []Param{{"n", "8", "number of requesters, 2..64"}},
		Build: func(p map[string]string) (*hdl.Module, error) {
			n, err := Int(p, "n")
			if err != nil {
				return nil, err
			}
			return blocks.BenchArbiterFIFOs(n)
		},
	},
	{
		Name:    "bitrev",
		Summary: "combinational bit reverser (cjdns label and director reversal)",
		Params:  []Param{{"width", "64", "bits, 1..4096"}},
		Build: func(p map[string]string) (*hdl.Module, error) {
			w, err := Int(p, "width")
			if err != nil {
				return nil, err
			}
			return blocks.BitReverse(w)
		},
	},
	{
		Name:    "clos",
		Summary: "three-stage Clos C(m, n, r) of VOQ crossbars, a fixed middle switch per flow so cells stay in order (gen/fabric)",
		Params: []Param{
			{"m", "2", "middle switches (m = n rearrangeable, m = 2n-1 strictly non-blocking)"},
			{"n", "2", "ports per ingress and egress switch"},
			{"r", "2", "ingress and egress switches (N = n*r ports)"},
			{"width", "8", "cell payload bits"},
			{"depth", "2", "VOQ capacity in cells"},
			{"packet", "false", "packet mode: a packet's cells cross back to back"},
			{"pipelined", "false", "registered match and egress ready in every stage's scheduler (cell mode; depth >= 3 keeps a flow at full rate)"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			var c fabric.ClosConfig
			var err error
			for _, f := range []struct {
				key string
				dst *int
			}{{"m", &c.M}, {"n", &c.N}, {"r", &c.R}, {"width", &c.DataWidth}, {"depth", &c.Depth}} {
				if *f.dst, err = Int(p, f.key); err != nil {
					return nil, err
				}
			}
			if c.PacketMode, err = Bool(p, "packet"); err != nil {
				return nil, err
			}
			if c.Pipelined, err = Bool(p, "pipelined"); err != nil {
				return nil, err
			}
			return fabric.Clos(c)
		},
	},
	{
		Name:    "counter",
		Summary: "up counter with enable and load that wraps or saturates",
		Params: []Param{
			{"width", "32", "bits, 1..64"},
			{"mode", "wrap", "wrap (roll over to 0) or saturate (stick at all ones)"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			w, err := Int(p, "width")
			if err != nil {
				return nil, err
			}
			mode, err := blocks.ParseCounterMode(p["mode"])
			if err != nil {
				return nil, err
			}
			return blocks.Counter(w, mode)
		},
	},
	{
		Name:    "crossbar",
		Summary: "N x N input-queued crossbar: virtual output queues and an iSLIP scheduler, cell or packet mode (gen/fabric)",
		Params: []Param{
			{"n", "4", "ports, 1..32"},
			{"width", "8", "cell payload bits"},
			{"depth", "2", "VOQ capacity in cells"},
			{"iterations", "0", "iSLIP iterations per slot (0: log2 n)"},
			{"packet", "false", "packet mode: a packet's cells leave together"},
			{"pipelined", "false", "registered match and egress ready: higher Fmax, one more cycle (cell mode; depth >= 3 keeps a flow at full rate)"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			var c fabric.CrossbarConfig
			var err error
			for _, f := range []struct {
				key string
				dst *int
			}{{"n", &c.Inputs}, {"width", &c.DataWidth}, {"depth", &c.Depth}, {"iterations", &c.Iterations}} {
				if *f.dst, err = Int(p, f.key); err != nil {
					return nil, err
				}
			}
			c.Outputs = c.Inputs
			if c.PacketMode, err = Bool(p, "packet"); err != nil {
				return nil, err
			}
			if c.Pipelined, err = Bool(p, "pipelined"); err != nil {
				return nil, err
			}
			return fabric.Crossbar(c)
		},
	},
	{
		Name:    "csr",
		Summary: "CSR decoder of the device's register map: index table, per-lease configuration, meter readings, 64-bit counters (gen/csr)",
		Params: []Param{
			{"ports", "4", "physical ports P, 1..16"},
			{"leases", "8", "leases per port L, 1..64 (tag 0 is the free lease)"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			m, err := csrMap(p)
			if err != nil {
				return nil, err
			}
			return m.Module()
		},
	},
	{
		Name:    "device",
		Summary: "the routing device at any port and lease count, ref4's formats otherwise (8-bit datapath, v3x5x8, 256-byte frames, 768-byte egress buffers; the meter tick grows with the lease count); device_ref4 and device_ref16 are the reference configurations (gen/device)",
		Params: append([]Param{
			{"ports", "4", "physical ports (plus the CPU port), >= 2"},
			{"leases", "8", "leases per port, a power of two >= 2; ports x leases + 1 interfaces must fit the v358 index table (<= 256)"},
		}, bridgeParams...),
		Build: func(p map[string]string) (*hdl.Module, error) {
			ports, err := Int(p, "ports")
			if err != nil {
				return nil, err
			}
			leases, err := Int(p, "leases")
			if err != nil {
				return nil, err
			}
			c, err := bridgeConfig(p)
			if err != nil {
				return nil, err
			}
			cfg := device.Ref4
			cfg.Ports, cfg.Leases = ports, leases
			cfg.Meter.Leases, cfg.Shaper.Leases = ports*leases, leases
			for uint64(cfg.Meter.TickCycles) < modelmeter.MinTickCycles(ports*leases) {
				cfg.Meter.TickCycles *= 2
			}
			m, err := device.New(cfg, c)
			if err != nil {
				return nil, fmt.Errorf("ports=%d leases=%d: %w", ports, leases, err)
			}
			return m, nil
		},
	},
	deviceGenerator("device_ref16", "the ref16 routing device for generic synthesis: 16 ports + CPU, 8 leases per port, v3x5x8, byte-serial datapath (not yet 64-bit), UART-managed register map (gen/device)", device.Ref16),
	deviceGenerator("device_ref4", "the ref4 routing device: 4 ports + CPU, 8 leases per port, v3x5x8, 8-bit datapath, UART-managed register map, for iCE40 HX8K (gen/device)", device.Ref4),
	{
		Name:    "fifo",
		Summary: "synchronous FIFO with valid/ready on both sides, block-RAM backed, first-word fall-through",
		Params: []Param{
			{"width", "8", "bits per word, 1..4096"},
			{"depth", "16", "words, 1..65536"},
			{"almost_full", "0", "almost_full is set at this many words or more, 1..depth; 0 means depth"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			w, err := Int(p, "width")
			if err != nil {
				return nil, err
			}
			d, err := Int(p, "depth")
			if err != nil {
				return nil, err
			}
			af, err := Int(p, "almost_full")
			if err != nil {
				return nil, err
			}
			if af == 0 {
				af = d
			}
			return blocks.FIFO(w, d, af)
		},
	},
	{
		Name:    "islip",
		Summary: "iSLIP scheduler: request matrix in, match out, round-robin grant/accept pointers, decisions equal model/fabric.ISLIP (gen/fabric)",
		Params: []Param{
			{"n", "4", "ports, 1..32"},
			{"iterations", "0", "iterations per slot (0: log2 n)"},
			{"packet", "false", "packet mode: hold a match until end of packet"},
			{"pipelined", "false", "requests net of the registered match, registered egress ready (cell mode)"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			var c fabric.ISLIPConfig
			var err error
			if c.Inputs, err = Int(p, "n"); err != nil {
				return nil, err
			}
			c.Outputs = c.Inputs
			if c.Iterations, err = Int(p, "iterations"); err != nil {
				return nil, err
			}
			if c.PacketMode, err = Bool(p, "packet"); err != nil {
				return nil, err
			}
			if c.Pipelined, err = Bool(p, "pipelined"); err != nil {
				return nil, err
			}
			return fabric.ISLIP(c)
		},
	},
	{
		Name:    "labelparse",
		Summary: "cjdns label parser: one switch hop per clock, bit-exact with label.Scheme.Forward, index table and virtual-router check",
		Params: []Param{
			{"scheme", "v358", "encoding scheme: v358 (v3x5x8), v4x8, f4, f8, or 0x<cjdns serialized scheme>"},
			{"interfaces", "33", "index table entries (interface numbers 0..n-1), 2..4096"},
			{"port_bits", "3", "egress port field of a table entry, 1..16 bits"},
			{"tag_bits", "3", "lease tag field of a table entry, 1..16 bits"},
			{"vr_bits", "4", "virtual router field of a table entry, 1..16 bits"},
			{"held", "false", "true: built for an input held from in_valid until the result is read (the device's mode: no header copies in the pipeline)"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			s, err := labelparse.ParseScheme(p["scheme"])
			if err != nil {
				return nil, err
			}
			cfg := labelparse.Config{Scheme: s}
			for _, f := range []struct {
				key string
				dst *int
			}{{"interfaces", &cfg.Interfaces}, {"port_bits", &cfg.PortBits}, {"tag_bits", &cfg.TagBits}, {"vr_bits", &cfg.VRBits}} {
				if *f.dst, err = Int(p, f.key); err != nil {
					return nil, err
				}
			}
			if cfg.HeldInput, err = Bool(p, "held"); err != nil {
				return nil, err
			}
			return labelparse.New(cfg)
		},
	},
	{
		Name:    "lfsr",
		Summary: "linear-feedback shift register (pseudo-random source), Fibonacci or Galois",
		Params: []Param{
			{"width", "16", "bits, 2..64"},
			{"taps", "", "1-based tap positions, width first, comma-separated; empty: the maximal-length table"},
			{"kind", "galois", "galois or fibonacci"},
			{"seed", "1", "power-on and reset value, non-zero, decimal or 0x hex"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			w, err := Int(p, "width")
			if err != nil {
				return nil, err
			}
			taps, err := Ints(p, "taps")
			if err != nil {
				return nil, err
			}
			kind, err := blocks.ParseLFSRKind(p["kind"])
			if err != nil {
				return nil, err
			}
			seed, err := Uint(p, "seed")
			if err != nil {
				return nil, err
			}
			return blocks.LFSR(w, taps, kind, seed)
		},
	},
	{
		Name:    "meter",
		Summary: "ingress lease meter: IIR priority x bytes meter, shared divider, priority re-scaling, customer bit (gen/meter)",
		Params: []Param{
			{"leases", "8", "ingress leases metered (lease 0 is the free lease)"},
			{"k", "8", "EWMA shift: alpha = 2^-k"},
			{"tick", "1024", "meter tick in clock cycles, at least 17*leases+2"},
			{"bytes_per_cycle", "1", "datapath bytes per clock (line rate of one port)"},
			{"max_packet", "1536", "largest packet in bytes"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			cfg := meter.Ref4
			var err error
			if cfg.Leases, err = Int(p, "leases"); err != nil {
				return nil, err
			}
			for _, f := range []struct {
				key string
				set func(uint64)
			}{
				{"k", func(v uint64) { cfg.K = uint(v) }},
				{"tick", func(v uint64) { cfg.TickCycles = uint32(v) }},
				{"bytes_per_cycle", func(v uint64) { cfg.BytesPerCycle = uint32(v) }},
				{"max_packet", func(v uint64) { cfg.MaxPacketBytes = uint32(v) }},
			} {
				v, err := Uint(p, f.key)
				if err != nil {
					return nil, err
				}
				if v > 1<<32-1 {
					return nil, fmt.Errorf("parameter %s = %d: too large", f.key, v)
				}
				f.set(v)
			}
			return meter.NewIngress(cfg)
		},
	},
	{
		Name:    "meter_egress_cap",
		Summary: "egress deprioritize-non-customer cap: priority of packets without the customer bit capped per egress lease (gen/meter)",
		Params: []Param{
			{"leases", "8", "egress leases"},
			{"held", "false", "true: built for inputs held until the result is out (the device's mode: no pipeline copies)"},
		},
		Build: func(p map[string]string) (*hdl.Module, error) {
			n, err := Int(p, "leases")
			if err != nil {
				return nil, err
			}
			held, err := Bool(p, "held")
			if err != nil {
				return nil, err
			}
			if held {
				return meter.NewEgressCapHeld(n)
			}
			return meter.NewEgressCap(n)
		},
	},
	{
		Name:    "mgmt",
		Summary: "management subsystem: UART bridge driving the CSR decoder; rx, tx and the decoder's datapath ports",
		Params: append([]Param{
			{"ports", "4", "physical ports P, 1..16"},
			{"leases", "8", "leases per port L, 1..64 (tag 0 is the free lease)"},
		}, bridgeParams...),
		Build: func(p map[string]string) (*hdl.Module, error) {
			m, err := csrMap(p)
			if err != nil {
				return nil, err
			}
			c, err := bridgeConfig(p)
			if err != nil {
				return nil, err
			}
			return uartbridge.System(c, m)
		},
	},
	{
		Name:    "prienc",
		Summary: "priority encoder: index of the lowest-numbered set input, and valid",
		Params:  []Param{{"n", "8", "inputs, 1..1024"}},
		Build: func(p map[string]string) (*hdl.Module, error) {
			n, err := Int(p, "n")
			if err != nil {
				return nil, err
			}
			return blocks.PriorityEncoder(n)
		},
	},
	{
		Name:    "shaper",
		Summary: "egress two-level token bucket of one port (ref4: 8 leases, 16 KiB buffer, byte-serial); no push-out yet (gen/shaper)",
		Params:  nil,
		Build: func(map[string]string) (*hdl.Module, error) {
			return shaper.New(shaper.Ref4)
		},
	},
	{
		Name:    "uartbridge",
		Summary: "UART (8N1) to CSR bus bridge: framed, CRC-8 checked read/write protocol with resynchronization (gen/uartbridge)",
		Params:  bridgeParams,
		Build: func(p map[string]string) (*hdl.Module, error) {
			c, err := bridgeConfig(p)
			if err != nil {
				return nil, err
			}
			return uartbridge.New(c)
		},
	},
}

// csrMap is the reference register map for the ports and leases parameters.
func csrMap(p map[string]string) (*csr.Map, error) {
	ports, err := Int(p, "ports")
	if err != nil {
		return nil, err
	}
	leases, err := Int(p, "leases")
	if err != nil {
		return nil, err
	}
	return csr.Reference(ports, leases)
}

// bridgeParams are the UART bridge's parameters, read by bridgeConfig.
var bridgeParams = []Param{
	{"div", "1085", "clock cycles per UART bit (ClockHz / baud; 1085 = 115200 baud at 125 MHz), 4..1048576"},
	{"idle", "30", "mid-frame idle timeout in bit times, 12..4096"},
}

// deviceGenerator is the registry entry of a device reference
// configuration: only the UART bridge is a parameter, the rest is the
// configuration's (gen/device).
func deviceGenerator(name, summary string, cfg device.Config) Generator {
	return Generator{
		Name:    name,
		Summary: summary,
		Params:  bridgeParams,
		Build: func(p map[string]string) (*hdl.Module, error) {
			c, err := bridgeConfig(p)
			if err != nil {
				return nil, err
			}
			return device.New(cfg, c)
		},
	}
}

// bridgeConfig reads the UART bridge's div and idle parameters.
func bridgeConfig(p map[string]string) (uartbridge.Config, error) {
	div, err := Int(p, "div")
	if err != nil {
		return uartbridge.Config{}, err
	}
	idle, err := Int(p, "idle")
	if err != nil {
		return uartbridge.Config{}, err
	}
	return uartbridge.Config{Divisor: div, IdleBits: idle}, nil
}

// All returns every generator, sorted by name.
func All() []Generator { return slices.Clone(generators) }

// Lookup finds a generator by name; the error lists the known names.
func Lookup(name string) (Generator, error) {
	for _, g := range generators {
		if g.Name == name {
			return g, nil
		}
	}
	return Generator{}, fmt.Errorf("unknown generator %q (known: %s)", name, strings.Join(names(), ", "))
}

func names() []string {
	var out []string
	for _, g := range generators {
		out = append(out, g.Name)
	}
	return out
}

// New builds the generator's module from the given parameters: every key
// must be a declared parameter (an unknown key is an error listing the
// known ones) and missing parameters take their defaults. Errors are
// prefixed with the generator's name.
func (g Generator) New(params map[string]string) (*hdl.Module, error) {
	full := make(map[string]string, len(g.Params))
	for _, p := range g.Params {
		full[p.Name] = p.Default
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys) // report the same unknown key every time
	for _, k := range keys {
		if _, ok := full[k]; !ok {
			if len(g.Params) == 0 {
				return nil, fmt.Errorf("%s: unknown parameter %q (it takes none: its sizes are the reference configuration's)", g.Name, k)
			}
			var known []string
			for _, p := range g.Params {
				known = append(known, p.Name)
			}
			return nil, fmt.Errorf("%s: unknown parameter %q (known: %s)", g.Name, k, strings.Join(known, ", "))
		}
		full[k] = params[k]
	}
	m, err := g.Build(full)
	if err != nil && !strings.HasPrefix(err.Error(), g.Name+":") {
		// Name the block, unless its generator already did.
		err = fmt.Errorf("%s: %w", g.Name, err)
	}
	return m, err
}

// ParseAssignments turns CLI arguments of the form key=value into a map.
// A missing '=', an empty key or a key given twice is an error.
func ParseAssignments(args []string) (map[string]string, error) {
	out := make(map[string]string, len(args))
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("parameter %q is not key=value", a)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("parameter %s given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

// Int reads a decimal integer parameter.
func Int(p map[string]string, key string) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(p[key]))
	if err != nil {
		return 0, fmt.Errorf("parameter %s=%q: not a decimal integer", key, p[key])
	}
	return v, nil
}

// Uint reads an unsigned 64-bit parameter, decimal or 0x-prefixed hex (a
// leading zero does not make it octal).
func Uint(p map[string]string, key string) (uint64, error) {
	s := strings.TrimSpace(p[key])
	base := 10
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		s, base = h, 16
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		return 0, fmt.Errorf("parameter %s=%q: not an unsigned 64-bit integer (decimal or 0x hex)", key, p[key])
	}
	return v, nil
}

// Bool reads true/false (also 1/0, t/f as strconv.ParseBool does).
func Bool(p map[string]string, key string) (bool, error) {
	v, err := strconv.ParseBool(strings.TrimSpace(p[key]))
	if err != nil {
		return false, fmt.Errorf("parameter %s=%q: not true or false", key, p[key])
	}
	return v, nil
}

// Ints reads a comma-separated list of decimal integers; an empty value is
// nil (the generator's default).
func Ints(p map[string]string, key string) ([]int, error) {
	s := strings.TrimSpace(p[key])
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("parameter %s=%q: %q is not a decimal integer", key, p[key], f)
		}
		out = append(out, v)
	}
	return out, nil
}

// EmitAll builds every generator with its default parameters and returns
// their Verilog, one file per distinct module (submodules that several blocks
// share appear once), sorted by file name: the reference RTL checked in
// under rtl/.
func EmitAll(opt verilog.Options) ([]verilog.File, error) {
	seen := map[string]verilog.File{}
	for _, g := range All() {
		m, err := g.New(nil)
		if err != nil {
			return nil, err
		}
		d, err := m.Build()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.Name, err)
		}
		for _, f := range verilog.Files(d, opt) {
			if old, ok := seen[f.Name]; ok && string(old.Data) != string(f.Data) {
				return nil, fmt.Errorf("%s: two different modules named %s", g.Name, f.Module)
			}
			seen[f.Name] = f
		}
	}
	files := make([]verilog.File, 0, len(seen))
	for _, f := range seen {
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b verilog.File) int { return strings.Compare(a.Name, b.Name) })
	return files, nil
}
