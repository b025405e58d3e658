package labelparse

import (
	"context"
	"fmt"
	"strings"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// Engine names where Hopper runs the block.
type Engine string

// Engines.
const (
	GoSim     Engine = "gosim"
	Verilator Engine = "verilator"
	Icarus    Engine = "icarus"
)

// Engines lists the engines ParseEngine accepts.
var Engines = []Engine{GoSim, Verilator, Icarus}

// ParseEngine reads an engine name (gosim, verilator, icarus).
func ParseEngine(s string) (Engine, error) {
	for _, e := range Engines {
		if strings.EqualFold(s, string(e)) {
			return e, nil
		}
	}
	return "", fmt.Errorf("labelparse: unknown engine %q (known: gosim, verilator, icarus)", s)
}

// Bench is a built block ready for tb engines (see testbenches/gosim: the
// tb.Design with rst first and the Verilog source, the built netlist, and the
// Go simulator as an engine), with the configuration it was made from.
type Bench struct {
	gosim.Bench
	Config lp.Config
}

// NewBench generates the block for cfg, builds it and emits its Verilog.
func NewBench(cfg lp.Config) (*Bench, error) {
	m, err := lp.New(cfg)
	if err != nil {
		return nil, err
	}
	g, err := gosim.New(m)
	if err != nil {
		return nil, err
	}
	return &Bench{Bench: *g, Config: cfg}, nil
}

// GoSim is the Go simulator as a tb engine.
func (b *Bench) GoSim() tb.Func { return b.Engine() }

// Model is Golden as a cycle-level tb engine for the block b describes,
// with the block's timing: a table write presented in cycle w is seen by
// headers presented in cycle w-1 and later, a header presented in cycle c
// comes out in cycle c+lp.Latency, rst empties the pipeline (not the
// table).
//
// For the held-input block (lp.Config.HeldInput) the model takes the
// header of cycle c as the one held until its result is made, and its
// outputs are the held-input block's: out_result, out_to, out_port,
// out_tag and out_hdr's label and labelShift hold the last result (0 after
// rst) while out_valid pulses as in the pipelined block, and out_hdr's
// other fields and out_from are the inputs of the cycle.
func (b *Bench) Model() tb.Func {
	cfg := b.Config
	return tb.Func{Label: "model", New: func(d tb.Design) (tb.StepFunc, error) {
		ic, oc := colsOf(d.Inputs()), colsOf(d.Outputs())
		table := make(Table, cfg.Interfaces)
		type slot struct {
			valid bool
			from  uint32
			hop   Hop
		}
		// line[i] comes out i cycles from now; line[lp.Latency-1] is
		// filled one cycle late (after the next cycle's table write).
		var line [lp.Latency]slot
		var pending slot
		havePending := false
		var last Hop // the held-input block's result registers
		return func(in, out tb.Row) error {
			o := line[0]
			out.Set(oc["out_valid"], b2u(o.valid))
			switch {
			case cfg.HeldInput:
				if o.valid {
					last = o.hop
				}
				h := lp.HeaderFromWords(in.Words(ic["in_hdr"]))
				h.Label, h.LabelShift = last.Header.Label, last.Header.LabelShift
				out.Set(oc["out_result"], uint64(last.Result))
				out.Set(oc["out_to"], uint64(last.To))
				out.SetWords(oc["out_hdr"], lp.HeaderWords(h))
				out.Set(oc["out_from"], in.Uint64(ic["in_from"]))
				out.Set(oc["out_port"], uint64(last.Port))
				out.Set(oc["out_tag"], uint64(last.Tag))
			case o.valid:
				out.Set(oc["out_result"], uint64(o.hop.Result))
				out.Set(oc["out_to"], uint64(o.hop.To))
				out.SetWords(oc["out_hdr"], lp.HeaderWords(o.hop.Header))
				out.Set(oc["out_from"], uint64(o.from))
				out.Set(oc["out_port"], uint64(o.hop.Port))
				out.Set(oc["out_tag"], uint64(o.hop.Tag))
			}
			copy(line[:], line[1:])
			line[lp.Latency-1] = slot{}
			if in.Bool(ic["rst"]) {
				line = [lp.Latency]slot{}
				havePending = false
				last = Hop{}
				return nil
			}
			if in.Bool(ic["tbl_we"]) {
				if a := in.Uint64(ic["tbl_addr"]); a < uint64(len(table)) {
					table[a] = cfg.Unpack(in.Uint64(ic["tbl_wdata"]))
				}
			}
			if havePending {
				req := pending.hop // the request is parked in hop.Header/From
				pending.hop = Golden(cfg, table, Request{Header: req.Header, From: pending.from})
				line[lp.Latency-2] = pending
				havePending = false
			}
			if in.Bool(ic["in_valid"]) {
				pending = slot{valid: true, from: uint32(in.Uint64(ic["in_from"])),
					hop: Hop{Header: lp.HeaderFromWords(in.Words(ic["in_hdr"]))}}
				havePending = true
			}
			return nil
		}, nil
	}}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func colsOf(ports []tb.Port) map[string]int {
	c := map[string]int{}
	for i, p := range ports {
		c[p.Name] = i
	}
	return c
}

// Hopper is the block built for one configuration and index table,
// answering batches of hops on a chosen engine. The CLI's
// `pktrouter label hop --rtl --engine E` is one Hopper.Hop call.
type Hopper struct {
	bench *Bench
	table Table
	words []uint64 // packed table
}

// NewHopper generates the block for cfg and keeps table (cfg.Interfaces
// entries) to load into its index table at the start of every batch.
func NewHopper(cfg lp.Config, table Table) (*Hopper, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b, err := NewBench(cfg)
	if err != nil {
		return nil, err
	}
	h := &Hopper{bench: b}
	if err := h.SetTable(table); err != nil {
		return nil, err
	}
	return h, nil
}

// SetTable replaces the index table loaded at the start of the next
// batches (cfg.Interfaces entries, each fitting the configured widths).
func (h *Hopper) SetTable(table Table) error {
	cfg := h.bench.Config
	if len(table) != cfg.Interfaces {
		return fmt.Errorf("labelparse: table has %d entries, the block %d interfaces", len(table), cfg.Interfaces)
	}
	words := make([]uint64, len(table))
	for n, e := range table {
		w, err := cfg.Pack(e)
		if err != nil {
			return fmt.Errorf("labelparse: table entry %d: %w", n, err)
		}
		words[n] = w
	}
	h.table, h.words = table, words
	return nil
}

// Table is the index table the hopper loads.
func (h *Hopper) Table() Table { return h.table }

// Bench is the hopper's built block.
func (h *Hopper) Bench() *Bench { return h.bench }

// Stimulus is the batch as tb vectors: one reset cycle, the table writes
// (one per cycle), then the requests, then lp.Latency idle cycles so the
// last result comes out. The pipelined block takes one request per cycle;
// the held-input block (lp.Config.HeldInput) one every Spacing cycles, its
// header and ingress number held from its in_valid cycle until its result
// is out. A request whose From does not fit in_from is an error naming
// it.
func (h *Hopper) Stimulus(reqs []Request) (tb.Stimulus, error) {
	d := h.bench.Design
	step := Spacing(h.bench.Config)
	n := 1 + len(h.words) + step*len(reqs) + lp.Latency
	s, err := d.NewStimulus(n)
	if err != nil {
		return s, err
	}
	c := colsOf(d.Inputs())
	s.Set(0, c["rst"], 1)
	cyc := 1
	for a, w := range h.words {
		s.Set(cyc, c["tbl_we"], 1)
		s.Set(cyc, c["tbl_addr"], uint64(a))
		s.Set(cyc, c["tbl_wdata"], w)
		cyc++
	}
	aw := h.bench.Config.AddrBits()
	for i, r := range reqs {
		if uint64(r.From)>>aw != 0 {
			return s, fmt.Errorf("labelparse: request %d: ingress interface %d does not fit the block's %d-bit in_from", i, r.From, aw)
		}
		s.Set(cyc, c["in_valid"], 1)
		for j := range step {
			if err := s.SetWords(cyc+j, c["in_hdr"], lp.HeaderWords(r.Header)); err != nil {
				return s, err
			}
			s.Set(cyc+j, c["in_from"], uint64(r.From))
		}
		cyc += step
	}
	return s, nil
}

// Spacing is the number of cycles between two requests the block for cfg
// takes: 1 for the pipelined block; for the held-input block, lp.Latency+1,
// so a header holds from its in_valid cycle through the cycle its result
// comes out (out_hdr's unchanged fields and out_from are the inputs).
func Spacing(cfg lp.Config) int {
	if cfg.HeldInput {
		return lp.Latency + 1
	}
	return 1
}

// Hop runs the batch on the engine and returns one Hop per request, in
// order. Verilator and Icarus run once per batch (their builds are cached,
// see testbenches/tb); GoSim runs in process without building vectors.
func (h *Hopper) Hop(ctx context.Context, e Engine, reqs []Request) ([]Hop, error) {
	if e == GoSim {
		return h.hopSim(ctx, reqs)
	}
	var eng tb.Engine
	switch e {
	case Verilator:
		eng = tb.Verilator{}
	case Icarus:
		eng = tb.Icarus{}
	default:
		return nil, fmt.Errorf("labelparse: unknown engine %q (known: gosim, verilator, icarus)", e)
	}
	s, err := h.Stimulus(reqs)
	if err != nil {
		return nil, err
	}
	tr, err := eng.Run(ctx, h.bench.Design, s)
	if err != nil {
		return nil, err
	}
	return HopsFromTrace(tr, len(reqs))
}

// HopsFromTrace reads the hops out of a trace of the block: every cycle
// with out_valid, in order. want is the number of hops expected; a
// different count is an error.
func HopsFromTrace(tr tb.Trace, want int) ([]Hop, error) {
	c := colsOf(tr.Ports())
	for _, p := range []string{"out_valid", "out_result", "out_to", "out_hdr", "out_port", "out_tag"} {
		if _, ok := c[p]; !ok {
			return nil, fmt.Errorf("labelparse: trace has no %s column", p)
		}
	}
	hops := make([]Hop, 0, want)
	for i := range tr.Len() {
		if tr.Get(i, c["out_valid"]) == 0 {
			continue
		}
		hops = append(hops, Hop{
			Result: lp.Result(tr.Get(i, c["out_result"])),
			To:     uint32(tr.Get(i, c["out_to"])),
			Header: lp.HeaderFromWords(tr.Words(i, c["out_hdr"])),
			Port:   uint32(tr.Get(i, c["out_port"])),
			Tag:    uint32(tr.Get(i, c["out_tag"])),
		})
	}
	if len(hops) != want {
		return hops, fmt.Errorf("labelparse: %d results for %d requests", len(hops), want)
	}
	return hops, nil
}

// hopSim drives the Go simulator directly, a cycle per request, so a
// million-hop batch costs no vector tables.
func (h *Hopper) hopSim(ctx context.Context, reqs []Request) ([]Hop, error) {
	s, err := sim.NewDesign(h.bench.Built)
	if err != nil {
		return nil, err
	}
	aw := h.bench.Config.AddrBits()
	for i, r := range reqs {
		if uint64(r.From)>>aw != 0 {
			return nil, fmt.Errorf("labelparse: request %d: ingress interface %d does not fit the block's %d-bit in_from", i, r.From, aw)
		}
	}
	s.Reset()
	for a, w := range h.words {
		if err := pokeAll(s, poke{"tbl_we", 1}, poke{"tbl_addr", uint64(a)}, poke{"tbl_wdata", w}); err != nil {
			return nil, err
		}
		s.Step(1)
	}
	if err := s.Poke("tbl_we", 0); err != nil {
		return nil, err
	}
	hops := make([]Hop, 0, len(reqs))
	step := Spacing(h.bench.Config)
	for c := 0; c < step*len(reqs)+lp.Latency; c++ {
		if c%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		switch i := c / step; {
		case i < len(reqs) && c%step == 0:
			// A new request; the held-input block keeps it on the inputs
			// for step cycles, in_valid in the first.
			r := reqs[i]
			if err := s.PokeWide("in_hdr", lp.HeaderWords(r.Header)); err != nil {
				return nil, err
			}
			if err := pokeAll(s, poke{"in_valid", 1}, poke{"in_from", uint64(r.From)}); err != nil {
				return nil, err
			}
		case c%step == 1 || c == step*len(reqs):
			if err := s.Poke("in_valid", 0); err != nil {
				return nil, err
			}
		}
		if v, err := s.Peek("out_valid"); err != nil {
			return nil, err
		} else if v == 1 {
			hop, err := peekHop(s)
			if err != nil {
				return nil, err
			}
			hops = append(hops, hop)
		}
		s.Step(1)
	}
	if len(hops) != len(reqs) {
		return hops, fmt.Errorf("labelparse: %d results for %d requests", len(hops), len(reqs))
	}
	return hops, nil
}

type poke struct {
	port string
	v    uint64
}

func pokeAll(s *sim.Sim, ps ...poke) error {
	for _, p := range ps {
		if err := s.Poke(p.port, p.v); err != nil {
			return err
		}
	}
	return nil
}

func peekHop(s *sim.Sim) (Hop, error) {
	var vals [4]uint64
	for i, n := range []string{"out_result", "out_to", "out_port", "out_tag"} {
		v, err := s.Peek(n)
		if err != nil {
			return Hop{}, err
		}
		vals[i] = v
	}
	hw, err := s.PeekWide("out_hdr")
	if err != nil {
		return Hop{}, err
	}
	return Hop{Result: lp.Result(vals[0]), To: uint32(vals[1]), Port: uint32(vals[2]), Tag: uint32(vals[3]),
		Header: lp.HeaderFromWords(hw)}, nil
}
