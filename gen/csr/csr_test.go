package csr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// counterStart is the power-on value of every counter in the tests: a
// few events carry into the high word.
const counterStart = 0x1_fffe_0000

// small is a configuration small enough to test every address.
var small = Config{Ports: 2, Leases: 2, RateBits: 25, BurstBits: 15, LimitBits: 27, DefaultK: 8, VRouterBits: 3}

// ref is the Go model of the register file: stored configuration and
// sticky bits, the datapath's RO values, the counters as sums of the
// accepted events, and the shadow register.
type ref struct {
	m      *Map
	rw     map[[3]int]uint64 // (block, element, field) -> stored value
	in     map[[3]int]uint64 // RO values the datapath answers
	cnt    map[[3]int]uint64 // counter sums of the applied events
	shadow uint32
}

func newRef(m *Map) *ref {
	r := &ref{m: m, rw: map[[3]int]uint64{}, in: map[[3]int]uint64{}, cnt: map[[3]int]uint64{}}
	for bi, b := range m.Blocks {
		for i := 0; i < b.Count; i++ {
			for fi, f := range b.Fields {
				if f.Kind == RW && f.hasStorage(i) {
					r.rw[[3]int{bi, i, fi}] = f.Value
				}
			}
		}
	}
	return r
}

// decode finds block, element and word of addr (ok false when unmapped).
func (r *ref) decode(addr int) (bi, i, w int, ok bool) {
	for bi, b := range r.m.Blocks {
		if addr >= b.Base && addr < b.Base+b.Span {
			off := addr - b.Base
			i, w = off/b.Stride, off%b.Stride
			return bi, i, w, i < b.Count && w < b.Words
		}
	}
	return 0, 0, 0, false
}

// access applies one bus request to the model and returns what the
// hardware must answer. cnt gives the counter value the hardware may
// return (the model's counters are checked separately, see busSim).
func (r *ref) access(addr int, wdata uint32, we bool, cnt func(k [3]int) uint64) (rdata uint32, bad bool) {
	bi, i, w, ok := r.decode(addr)
	if !ok {
		return 0, true
	}
	b := r.m.Blocks[bi]
	if we {
		if !b.wordWritable(w) {
			return 0, true
		}
		for fi, f := range b.Fields {
			if f.Word != w || !f.hasStorage(i) {
				continue
			}
			bits := uint64(wdata) >> f.Lsb & (1<<f.Width - 1)
			switch f.Kind {
			case RW:
				r.rw[[3]int{bi, i, fi}] = bits
			case Sticky:
				r.rw[[3]int{bi, i, fi}] &^= bits
			}
		}
		return 0, false
	}
	var v uint64
	for fi, f := range b.Fields {
		k := [3]int{bi, i, fi}
		switch {
		case f.Kind == Counter && f.Word == w:
			c := cnt(k)
			r.shadow = uint32(c >> 32)
			v |= c & 0xffffffff
		case f.Kind == Counter && f.Word+1 == w:
			v |= uint64(r.shadow)
		case f.Word != w:
		case f.Kind == Const:
			v |= r.m.constValue(b, &b.Fields[fi]) << f.Lsb
		case f.Kind == RO:
			v |= r.in[k] << f.Lsb
		default:
			v |= r.rw[k] << f.Lsb
		}
	}
	return uint32(v), false
}

// rig drives the decoder in the Go simulator and records every cycle's
// inputs, so the same run can be replayed in Icarus and Verilator.
type rig struct {
	t    *testing.T
	s    *sim.Sim
	m    *Map
	r    *ref
	rng  *rand.Rand
	in   map[string]uint64 // current input values
	rows []map[string]uint64
	rst  []bool
	// events
	evRate   int                 // 1 in evRate cycles per source carries an event (0: none)
	applied  []map[[3]int]uint64 // counter sums accepted by the end of each cycle
	accepted map[[3]int]uint64   // sums of accepted events so far
	sels     []eventSel          // the map's event codes
	roVals   map[int][]uint64    // per RO field index in its block: value per element
	pending  []*event            // per source: the event it holds until ready
	events   int
}

// event is one counter event a source holds until the decoder takes it.
type event struct {
	sel, elem int
	i0, i1    uint64
}

func newRig(t *testing.T, m *Map, seed uint64) *rig {
	m.counterInit = counterStart
	mod, err := m.Module()
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(mod)
	if err != nil {
		t.Fatal(err)
	}
	g := &rig{t: t, s: s, m: m, r: newRef(m), rng: rand.New(rand.NewPCG(seed, 7)), in: map[string]uint64{},
		accepted: map[[3]int]uint64{}, sels: m.hwLayout().sels, roVals: map[int][]uint64{},
		pending: make([]*event, m.EventSources())}
	for bi, b := range m.Blocks {
		for i := 0; i < b.Count; i++ {
			for fi, f := range b.Fields {
				if f.Kind == Counter {
					g.accepted[[3]int{bi, i, fi}] = counterStart
				}
			}
		}
	}
	g.randomRO()
	g.reset()
	return g
}

// reset pulses rst and waits out the initialisation walk; the model's
// configuration and sticky bits return to their reset values, its
// counters stay (rst does not clear them).
func (g *rig) reset() {
	in := g.r.in
	g.r = newRef(g.m)
	g.r.in = in
	g.cycle(true)
	for g.peek("init_busy") == 1 {
		g.cycle(false)
	}
}

func (g *rig) peek(name string) uint64 {
	g.t.Helper()
	v, err := g.s.Peek(name)
	if err != nil {
		g.t.Fatal(err)
	}
	return v
}

// randomRO gives every RO field of every element a new random value.
func (g *rig) randomRO() {
	for bi, b := range g.m.Blocks {
		for fi, f := range b.Fields {
			if f.Kind != RO {
				continue
			}
			vals := make([]uint64, b.Count)
			for i := range vals {
				vals[i] = g.rng.Uint64() & (1<<f.Width - 1)
				g.r.in[[3]int{bi, i, fi}] = vals[i]
			}
			g.roVals[bi<<8|fi] = vals
		}
	}
}

// cycle runs one clock: the datapath side (RO answers, events, sticky
// sets) is filled in, the inputs are recorded, the clock ticks.
func (g *rig) cycle(rst bool) {
	// RO answers for the element on <block>_ridx.
	for bi, b := range g.m.Blocks {
		for fi, f := range b.Fields {
			if f.Kind == RO {
				i := int(g.peek(b.Name + "_ridx"))
				v := uint64(0)
				if i < b.Count {
					v = g.roVals[bi<<8|fi][i]
				}
				g.in[b.Name+"_"+f.Name] = v
			}
			if f.Kind == Sticky {
				var set uint64
				if g.rng.IntN(40) == 0 && !rst {
					i := g.rng.IntN(b.Count)
					set = 1 << i
					g.r.rw[[3]int{bi, i, fi}] |= 1
				}
				g.in[b.Name+"_"+f.Name+"_set"] = set
			}
		}
	}
	// Events: each source is valid/ready. Now and then it makes an event
	// and holds it (valid and fields unchanged) until ready; the model
	// counts what the block took.
	for k := 0; k < g.m.EventSources(); k++ {
		n := fmt.Sprintf("ev%d_", k)
		if rst {
			g.pending[k] = nil
		}
		if g.pending[k] == nil && g.evRate != 0 && !rst && g.rng.IntN(g.evRate) == 0 {
			sel := g.rng.IntN(len(g.sels))
			elem := g.rng.IntN(g.sels[sel].b.Count)
			if g.rng.IntN(4) == 0 { // hammer one row: back-to-back events to the same counters
				sel, elem = 0, 1%g.sels[0].b.Count
			}
			i1 := uint64(g.rng.IntN(1 << EventIncBits))
			if g.rng.IntN(8) == 0 {
				i1 = 1<<EventIncBits - 1
			}
			g.pending[k] = &event{sel: sel, elem: elem, i0: uint64(g.rng.IntN(2)), i1: i1}
		}
		e := g.pending[k]
		if e == nil {
			g.in[n+"valid"] = 0
			if err := g.s.Poke(n+"valid", 0); err != nil {
				g.t.Fatal(err)
			}
			continue
		}
		for p, v := range map[string]uint64{"valid": 1, "sel": uint64(e.sel), "elem": uint64(e.elem), "inc0": e.i0, "inc1": e.i1} {
			g.in[n+p] = v
			if err := g.s.Poke(n+p, v); err != nil {
				g.t.Fatal(err)
			}
		}
	}
	// ready is valid in this cycle once every source is poked (a source's
	// ready depends on its own valid only, but poke them all first anyway).
	for k := 0; k < g.m.EventSources(); k++ {
		e := g.pending[k]
		if e == nil || g.peek(fmt.Sprintf("ev%d_ready", k)) != 1 {
			continue
		}
		es := g.sels[e.sel]
		bi := g.m.blockIndex(es.b)
		if 2*es.pair < len(es.b.Fields) {
			g.accepted[[3]int{bi, e.elem, 2 * es.pair}] += e.i0
		}
		if 2*es.pair+1 < len(es.b.Fields) {
			g.accepted[[3]int{bi, e.elem, 2*es.pair + 1}] += e.i1
		}
		g.events++
		g.pending[k] = nil
	}
	for name, v := range g.in {
		if err := g.s.Poke(name, v); err != nil {
			g.t.Fatal(err)
		}
	}
	row := make(map[string]uint64, len(g.in))
	for k, v := range g.in {
		row[k] = v
	}
	g.rows = append(g.rows, row)
	g.rst = append(g.rst, rst)
	snap := make(map[[3]int]uint64, len(g.accepted))
	for k, v := range g.accepted {
		snap[k] = v
	}
	g.applied = append(g.applied, snap)
	if rst {
		g.s.Reset()
	} else {
		g.s.Step(1)
	}
}

func (m *Map) blockIndex(b *Block) int {
	for i := range m.Blocks {
		if m.Blocks[i] == b {
			return i
		}
	}
	return -1
}

// access runs one bus request to completion and returns the answer and
// the cycle (index into rows) of the request.
func (g *rig) access(addr int, wdata uint32, we bool) (rdata uint32, bad bool, reqCycle int) {
	g.t.Helper()
	g.in["bus_addr"], g.in["bus_wdata"] = uint64(addr), uint64(wdata)
	g.in["bus_we"], g.in["bus_re"] = b2u(we), b2u(!we)
	reqCycle = len(g.rows)
	g.cycle(false)
	g.in["bus_we"], g.in["bus_re"] = 0, 0
	for n := 0; g.peek("bus_ready") != 1; n++ {
		if n > 40 {
			g.t.Fatalf("no bus_ready %d cycles after the request at %#x", n, addr)
		}
		g.cycle(false)
	}
	return uint32(g.peek("bus_rdata")), g.peek("bus_err") == 1, reqCycle
}

func b2u(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

// mapped lists every mapped address of m.
func mapped(m *Map) []int {
	var out []int
	for _, bl := range m.Blocks {
		for i := 0; i < bl.Count; i++ {
			for w := 0; w < bl.Words; w++ {
				out = append(out, bl.Addr(i, w))
			}
		}
	}
	return out
}

// run drives ops random bus requests with random events and checks every
// answer, every write strobe and, after draining, every counter against
// the model.
func (g *rig) run(ops int) {
	t := g.t
	addrs := mapped(g.m)
	errs, strobes, latched, cntReads := 0, 0, 0, 0
	for op := 0; op < ops; op++ {
		if op%50 == 0 {
			g.randomRO()
		}
		addr := addrs[g.rng.IntN(len(addrs))]
		if g.rng.IntN(10) == 0 {
			addr = g.rng.IntN(1 << AddrBits)
		}
		we := g.rng.IntN(3) == 0
		wdata := g.rng.Uint32()
		bi, i, w, ok := g.r.decode(addr)
		isCnt := ok && !we && g.m.Blocks[bi].storage() == inCounters && w%2 == 0
		// A counter read returns the sum of the events applied before the
		// read reached the RAM: at least those accepted 2E+4 cycles before
		// the request (the longest a buffered event waits), at most those
		// accepted by the answer. The value is checked against that range
		// and the model then uses the value read, for the shadow.
		before := len(g.rows)
		got, gotErr, _ := g.access(addr, wdata, we)
		var readVal uint64
		cnt := func(k [3]int) uint64 {
			lo := g.applied[max(0, before-2*g.m.EventSources()-4)][k]
			hi := g.applied[len(g.applied)-1][k]
			// reconstruct the 64-bit value the hardware read: the low word
			// is got, the high word is in the hardware shadow register.
			h := g.peekShadow()
			v := h<<32 | uint64(got)
			if v < lo || v > hi {
				t.Fatalf("op %d: counter %s[%d].%s read %#x, want %#x..%#x", op, g.m.Blocks[k[0]].Name, k[1], g.m.Blocks[k[0]].Fields[k[2]].Name, v, lo, hi)
			}
			readVal = v
			return v
		}
		wantShadow := g.r.shadow
		want, wantErr := g.r.access(addr, wdata, we, cnt)
		if got != want || gotErr != wantErr {
			t.Fatalf("op %d: %s %#x (block %s elem %d word %d mapped %v) = %#x err %v, want %#x err %v",
				op, map[bool]string{true: "write", false: "read"}[we], addr, g.m.Blocks[bi].Name, i, w, ok, got, gotErr, want, wantErr)
		}
		if isCnt {
			cntReads++
			_ = readVal
		}
		if g.r.shadow != wantShadow {
			latched++
		}
		if gotErr {
			errs++
		}
		// Write strobes: the written element, in the ready cycle, with the
		// whole element's configuration on the field ports.
		for bj, bl := range g.m.Blocks {
			if !bl.hasRW() {
				continue
			}
			strobe := ok && we && bj == bi && bl.wordWritable(w)
			if got := g.peek(bl.Name + "_we"); got != b2u(strobe) {
				t.Fatalf("op %d: %s_we = %d after %s %#x", op, bl.Name, got, map[bool]string{true: "write", false: "read"}[we], addr)
			}
			if !strobe {
				continue
			}
			strobes++
			if got := g.peek(bl.Name + "_widx"); got != uint64(i) {
				t.Fatalf("op %d: %s_widx = %d, want %d", op, bl.Name, got, i)
			}
			for fi, f := range bl.Fields {
				if f.Kind != RW {
					continue
				}
				port, err := g.s.PeekWide(bl.Name + "_" + f.Name)
				if err != nil {
					t.Fatal(err)
				}
				v := port[0]
				if bl.storage() == inFlops { // the whole array, element i
					v = extract(port, i*f.Width, f.Width)
				}
				if want := g.r.rw[[3]int{bj, i, fi}]; v != want {
					t.Fatalf("op %d: strobe %s[%d].%s = %#x, want %#x", op, bl.Name, i, f.Name, v, want)
				}
			}
		}
	}
	// Drain: stop the events, let the buffers empty, then every counter
	// must equal the sum of the accepted events.
	g.evRate = 0
	for n := 0; n < 4*g.m.EventSources()+8; n++ {
		g.cycle(false)
	}
	for bi, b := range g.m.Blocks {
		if b.storage() != inCounters {
			continue
		}
		for i := 0; i < b.Count; i++ {
			for fi, f := range b.Fields {
				lo, _, _ := g.access(b.Addr(i, f.Word), 0, false)
				hi, _, _ := g.access(b.Addr(i, f.Word+1), 0, false)
				if got, want := uint64(hi)<<32|uint64(lo), g.accepted[[3]int{bi, i, fi}]; got != want {
					t.Fatalf("after draining: %s[%d].%s = %#x, want the event sum %#x", b.Name, i, f.Name, got, want)
				}
			}
		}
	}
	if errs == 0 || strobes == 0 || latched == 0 || cntReads == 0 || g.events < 100 {
		t.Fatalf("weak run: %d errors, %d strobes, %d counter latches, %d counter reads, %d events", errs, strobes, latched, cntReads, g.events)
	}
}

func (g *rig) peekShadow() uint64 { return g.peek("cnt_shadow") }

// extract returns w bits of the little-endian words at bit lsb.
func extract(words []uint64, lsb, w int) uint64 {
	var v uint64
	for b := 0; b < w; b++ {
		p := lsb + b
		v |= (words[p/64] >> (p % 64) & 1) << b
	}
	return v
}

// TestDecoderAgainstModel runs random bus traffic (mostly mapped
// addresses, reads and writes), random counter events on every source
// (some hammering one row), RO answers and sticky set pulses, and compares
// every answer and strobe with the model and every counter with the sum
// of the events.
func TestDecoderAgainstModel(t *testing.T) {
	ref4, err := Ref4()
	if err != nil {
		t.Fatal(err)
	}
	sm, err := New(small)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		m    *Map
		ops  int
	}{{"small", sm, 3000}, {"ref4", ref4, 1500}} {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, tc.m, uint64(tc.ops))
			g.evRate = 4
			g.run(tc.ops)
		})
	}
}

// TestEnginesAgree replays a recorded random run of the small decoder
// (bus traffic, events, RO answers, sticky sets, a reset in the middle)
// in the Go simulator, Icarus and Verilator and requires identical traces.
func TestEnginesAgree(t *testing.T) {
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		tooltest.Require(t, tool)
	}
	m, err := New(small)
	if err != nil {
		t.Fatal(err)
	}
	g := newRig(t, m, 99)
	g.evRate = 3
	g.run(300)
	g.reset() // while idle: configuration back to reset values, counters kept
	g.evRate = 2
	g.run(200)

	mod, err := m.Module()
	if err != nil {
		t.Fatal(err)
	}
	b, err := gosim.New(mod)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Design.NewStimulus(len(g.rows))
	if err != nil {
		t.Fatal(err)
	}
	for c, row := range g.rows {
		for name, v := range row {
			if err := s.Set(c, s.Index(name), v); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Set(c, s.Index("rst"), b2u(g.rst[c])); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tb.RunAll(context.Background(), b.Design, s, b.Engine(), tb.Icarus{}, tb.Verilator{}); err != nil {
		t.Fatal(err)
	}
}

func TestNewRejectsBadConfigs(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"no ports", func(c *Config) { c.Ports = 0 }, "Ports = 0"},
		{"too many leases", func(c *Config) { c.Leases = 65 }, "Leases = 65"},
		{"wide rate", func(c *Config) { c.RateBits = 33 }, "RateBits = 33"},
		{"k", func(c *Config) { c.DefaultK = 40 }, "DefaultK = 40"},
		{"two at once", func(c *Config) { c.LimitBits, c.BurstBits = 0, 0 }, "BurstBits = 0"},
		{"event sources", func(c *Config) { c.EventSources = 65 }, "EventSources = 65"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := small
			tc.edit(&c)
			_, err := New(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestEventCodes(t *testing.T) {
	m, err := Ref4()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		block, field string
		sel, inc     int
	}{
		{"stats", "in_packets", 0, 0}, {"stats", "in_bytes", 0, 1},
		{"stats", "out_bytes", 1, 1}, {"stats", "drop_overflow", 2, 1},
		{"stats", "drop_vrouter", 3, 0}, {"port", "drop_unknown_tag", 4, 0}, {"port", "label_errors", 4, 1},
	} {
		sel, inc, err := m.Event(tc.block, tc.field)
		if err != nil || sel != tc.sel || inc != tc.inc {
			t.Errorf("Event(%s, %s) = %d, %d, %v; want %d, %d", tc.block, tc.field, sel, inc, err, tc.sel, tc.inc)
		}
	}
	if _, _, err := m.Event("lease", "rate"); err == nil || !strings.Contains(err.Error(), `no counter block "lease"`) {
		t.Errorf("Event(lease, rate) = %v", err)
	}
	if m.EventSources() != 9 || m.EventSelBits() != 3 || m.EventElemBits() != 5 {
		t.Errorf("ref4 events: %d sources, sel %d bits, elem %d bits; want 9, 3, 5", m.EventSources(), m.EventSelBits(), m.EventElemBits())
	}
}

// TestRef4Layout checks the reference map's shape against DESIGN.md and
// the datapath formats, and that blocks and fields never overlap.
func TestRef4Layout(t *testing.T) {
	m, err := Ref4()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.Interfaces != 33 || m.Block("iface").Count != 33 || m.Block("lease").Count != 32 {
		t.Fatalf("ref4: %d interfaces, want 33", m.Config.Interfaces)
	}
	if got := m.Block("lease").Field("limit").Width; got != m.Config.LimitBits || got != 27 {
		t.Fatalf("limit width %d, want the meter's SampleBits 27", got)
	}
	if got := m.Block("lease").Field("rate").Width; got != 25 {
		t.Fatalf("rate width %d, want the shaper's RateBits 25", got)
	}
	end := 0
	for _, b := range m.Blocks {
		if b.Base%b.Span != 0 || b.Base < end {
			t.Fatalf("block %s at %#x (span %d) is misaligned or overlaps the previous one ending at %#x", b.Name, b.Base, b.Span, end)
		}
		end = b.Base + b.Span
		used := make([]uint64, b.Words)
		for _, f := range b.Fields {
			n := 1
			if f.Kind == Counter {
				n = 2
			}
			for k := 0; k < n; k++ {
				mask := uint64(1)<<min(f.Width, 32) - 1
				if used[f.Word+k]&(mask<<f.Lsb) != 0 || f.Lsb+min(f.Width, 32) > 32 {
					t.Fatalf("%s.%s overlaps or leaves word %d", b.Name, f.Name, f.Word+k)
				}
				used[f.Word+k] |= mask << f.Lsb
			}
		}
	}
	// The hash covers the layout: another width is another map.
	c := m.Config
	c.RateBits--
	m2, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Hash == m.Hash {
		t.Fatalf("hash %#x unchanged by a field width change", m.Hash)
	}
}

// TestBusLatency pins the cycles from a request to bus_ready that the
// package doc promises, on an idle decoder.
func TestBusLatency(t *testing.T) {
	m, err := Ref4()
	if err != nil {
		t.Fatal(err)
	}
	g := newRig(t, m, 1)
	stats, lease, meter := m.Block("stats"), m.Block("lease"), m.Block("meter")
	for _, tc := range []struct {
		name string
		addr int
		we   bool
		want int
	}{
		{"flip-flop read", 0, false, 2},
		{"unmapped", 0xfff0, false, 2},
		{"counter high word", stats.Addr(3, 1), false, 2},
		{"RO read", meter.Addr(5, 0), false, 3},
		{"shadow read", lease.Addr(5, 2), false, 3},
		{"counter low word", stats.Addr(3, 0), false, 3},
		{"configuration write", lease.Addr(5, 2), true, 7},
	} {
		_, _, req := g.access(tc.addr, 1, tc.we)
		if got := len(g.rows) - req; got != tc.want {
			t.Errorf("%s: bus_ready %d cycles after the request, want %d", tc.name, got, tc.want)
		}
	}
}
