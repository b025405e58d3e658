package csr

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

const generator = "gen/csr"

// EventIncBits is the width of an event's second increment (ev<k>_inc1):
// a frame's byte count. The first increment (ev<k>_inc0) is one bit: a
// packet or a drop.
const EventIncBits = 16

// log2 of a power of two.
func log2(n int) int { return bits.Len(uint(n)) - 1 }

// slice is a[hi:lo], or a 1-bit 0 when the range is empty (a block of one
// element has no index bits).
func slice(a hdl.Value, hi, lo int) hdl.Value {
	if hi < lo {
		return hdl.Const(0, 1)
	}
	return hdl.Slice(a, hi, lo)
}

// fit zero-extends or truncates v to w bits.
func fit(v hdl.Value, w int) hdl.Value {
	switch {
	case v.Width() == w:
		return v
	case v.Width() < w:
		return hdl.ZExt(v, w)
	}
	return hdl.Slice(v, w-1, 0)
}

// storage is where a block's state lives in the decoder.
type storage uint8

const (
	// inFlops: constants, single-element configuration, sticky bits in
	// flip-flops; RO fields read from the datapath through <block>_ridx.
	inFlops storage = iota
	// inShadow: configuration arrays, stored in the shadow block RAM and
	// written through to the datapath on the <block>_we strobe.
	inShadow
	// inCounters: 64-bit counters in the counter block RAM, incremented by
	// datapath events.
	inCounters
)

func (b *Block) storage() storage {
	for _, f := range b.Fields {
		if f.Kind == Counter {
			return inCounters
		}
	}
	if b.hasRW() && b.Count > 1 {
		return inShadow
	}
	return inFlops
}

// hwLayout is where the shadow RAM and the counter RAM keep each block,
// and the event codes of the counter pairs.
type hwLayout struct {
	shadowBase map[*Block]int // row of element 0, word 0 in the shadow RAM
	shadowRows int
	shadowW    int               // bits per shadow row: the widest configuration word
	maxWords   int               // words of the widest shadow block (the strobe's read-back length)
	rowBase    map[*Block]int    // counter RAM row of element 0, counter 0 (no entry for a guest: it lives in its host's)
	cntStride  map[*Block]int    // counter slots per element (counters rounded up to a power of two)
	guest      map[*Block]*Block // a block kept in the unused slots of another (its host)
	counterRow int               // counter RAM rows
	sels       []eventSel        // ev<k>_sel codes, in map order
}

// holes is the number of unused counter slots at the top of each element
// of a counter block placed on its own: the padding of its counter count to
// a power of two. It is 0 unless that number is itself a power of two, so a
// guest's slots are found with bit slices.
func (l *hwLayout) holes(b *Block) int {
	h := l.cntStride[b] - len(b.Fields)
	if h <= 0 || h&(h-1) != 0 {
		return 0
	}
	return h
}

// counterRowOf is the counter RAM row of counter ctr (log2(cntStride[b])
// bits, or any 1-bit value when the stride is 1) of element elem of b. A
// block placed on its own keeps element e, counter c at
// rowBase + e*cntStride + c. A guest (a block too small to earn its own
// power-of-two region) numbers its counters t = e*cntStride + c and keeps
// counter t in host element t/h, slot cntStride(host)-h + t%h, where h is
// the host's holes: at ref4 the port block's 8 counters sit in slot 7 of
// stats elements 0..7, so 256 rows (4 block RAMs) hold 264 counters
// instead of 512 rows (8).
func (l *hwLayout) counterRowOf(b *Block, elem, ctr hdl.Value) hdl.Value {
	rb := bitlen(l.counterRow)
	cs := l.cntStride[b]
	t := fit(elem, max(1, bitlen(b.Count)))
	if cs > 1 {
		t = hdl.Concat(t, fit(ctr, log2(cs)))
	}
	host, ok := l.guest[b]
	if !ok {
		return hdl.Or(hdl.Const(uint64(l.rowBase[b]), rb), fit(t, rb))
	}
	hcs, h := l.cntStride[host], l.holes(host)
	he := slice(t, t.Width()-1, log2(h)) // host element
	row := hdl.Or(hdl.Const(uint64(l.rowBase[host]+hcs-h), rb), fit(hdl.Shl(fit(he, rb), log2(hcs)), rb))
	if h > 1 {
		row = hdl.Or(row, fit(hdl.Slice(t, log2(h)-1, 0), rb))
	}
	return row
}

// eventSel is one ev<k>_sel code: a pair of counters of a block (pair p
// holds the block's counters 2p and 2p+1).
type eventSel struct {
	b    *Block
	pair int
}

// check rejects block shapes the decoder does not implement: a counter
// block holds only counters, a configuration array only RW fields, and a
// field stored for some elements only (ZeroEvery) resets to 0.
func (b *Block) checkStorage() error {
	for _, f := range b.Fields {
		switch {
		case b.storage() == inCounters && f.Kind != Counter:
			return fmt.Errorf("block %s mixes counters with %s field %s; put counters in a block of their own", b.Name, f.Kind, f.Name)
		case b.storage() == inShadow && f.Kind != RW:
			return fmt.Errorf("block %s is a configuration array but field %s is %s; put it in another block", b.Name, f.Name, f.Kind)
		case f.ZeroEvery > 0 && (f.Kind != RW || f.Value != 0):
			return fmt.Errorf("block %s: field %s: ZeroEvery needs an RW field with reset value 0", b.Name, f.Name)
		}
	}
	return nil
}

func (m *Map) hwLayout() hwLayout {
	l := hwLayout{shadowBase: map[*Block]int{}, rowBase: map[*Block]int{}, cntStride: map[*Block]int{}}
	// Shadow regions are each block's aligned address span, largest first,
	// so a region's base is aligned to its size and the row is a bit
	// concatenation of base and address offset.
	var cfg, cnt []*Block
	for _, b := range m.Blocks {
		switch b.storage() {
		case inShadow:
			cfg = append(cfg, b)
		case inCounters:
			cnt = append(cnt, b)
		}
	}
	bySpan := func(s func(*Block) int) func(a, b *Block) int {
		return func(a, b *Block) int { return s(b) - s(a) }
	}
	slices.SortStableFunc(cfg, bySpan(func(b *Block) int { return b.Span }))
	for _, b := range cfg {
		l.shadowBase[b] = l.shadowRows
		l.shadowRows += b.Span
		l.maxWords = max(l.maxWords, b.Words)
		for _, f := range b.Fields {
			l.shadowW = max(l.shadowW, f.Lsb+f.Width)
		}
	}
	for _, b := range cnt {
		l.cntStride[b] = pow2(len(b.Fields))
	}
	// Counter regions largest first (so each base is aligned to its size);
	// a block that fits the unused slots of a block already placed goes
	// there instead of taking a region of its own (counterRowOf).
	l.guest = map[*Block]*Block{}
	slices.SortStableFunc(cnt, bySpan(func(b *Block) int { return pow2(b.Count * l.cntStride[b]) }))
	var hosts []*Block
	for _, b := range cnt {
		need := (b.Count-1)*l.cntStride[b] + len(b.Fields) // counter numbers t used
		placed := false
		for i, h := range hosts {
			if hh := l.holes(h); hh > 0 && need <= h.Count*hh {
				l.guest[b] = h
				hosts = slices.Delete(hosts, i, i+1) // one guest per host
				placed = true
				break
			}
		}
		if placed {
			continue
		}
		l.rowBase[b] = l.counterRow
		l.counterRow += pow2(b.Count * l.cntStride[b])
		hosts = append(hosts, b)
	}
	for _, b := range m.Blocks {
		if b.storage() == inCounters {
			for p := 0; p < (len(b.Fields)+1)/2; p++ {
				l.sels = append(l.sels, eventSel{b, p})
			}
		}
	}
	return l
}

// EventSources is the number of counter event ports ev<k>_*: Config's
// EventSources, or one per ingress of every port and the CPU port and one
// per egress of every physical port, 2*Ports+1 (the CPU port's egress has
// no lease, so nothing to count).
func (m *Map) EventSources() int {
	if m.Config.EventSources > 0 {
		return m.Config.EventSources
	}
	return 2*m.Config.Ports + 1
}

// EventSelBits and EventElemBits are the widths of ev<k>_sel and
// ev<k>_elem.
func (m *Map) EventSelBits() int { return bitlen(len(m.hwLayout().sels)) }

// EventElemBits is the width of ev<k>_elem: the element index of the
// largest counter block.
func (m *Map) EventElemBits() int {
	n := 1
	for _, b := range m.Blocks {
		if b.storage() == inCounters {
			n = max(n, b.Count)
		}
	}
	return bitlen(n)
}

// Event names the event code that counts field of block: the ev<k>_sel
// value and which increment (0: ev<k>_inc0, 1: ev<k>_inc1) is added to it.
// An event with sel s, element e, inc0 a and inc1 b adds a to the first
// counter of pair s and b to the second, both of element e.
func (m *Map) Event(block, field string) (sel, inc int, err error) {
	b := m.Block(block)
	if b == nil || b.storage() != inCounters {
		return 0, 0, fmt.Errorf("gen/csr: no counter block %q", block)
	}
	ci := slices.IndexFunc(b.Fields, func(f Field) bool { return f.Name == field })
	if ci < 0 {
		return 0, 0, fmt.Errorf("gen/csr: block %s has no counter %q", block, field)
	}
	for s, es := range m.hwLayout().sels {
		if es.b == b && es.pair == ci/2 {
			return s, ci % 2, nil
		}
	}
	return 0, 0, fmt.Errorf("gen/csr: counter %s.%s has no event code", block, field)
}

// Module generates the CSR decoder block: the bus, the configuration
// shadow RAM with write-through strobes, the counter RAM with its event
// ports, and flip-flops for identity, single-element configuration and
// sticky bits. The port list and the timing are in the package doc
// ("Datapath ports").
func (m *Map) Module() (*hdl.Module, error) {
	for _, b := range m.Blocks {
		if err := b.checkStorage(); err != nil {
			return nil, fmt.Errorf("gen/csr: %w", err)
		}
	}
	c := m.Config
	l := m.hwLayout()
	E := m.EventSources()
	mod := hdl.NewGenerated(generator, "csr", hdl.P("ports", c.Ports), hdl.P("leases", c.Leases), hdl.P("ev", E), hdl.P("h", fmt.Sprintf("%08x", m.Hash)))
	addr := mod.Input("bus_addr", AddrBits)
	wdata := mod.Input("bus_wdata", DataBits)
	we := mod.Input("bus_we", 1)
	re := mod.Input("bus_re", 1)
	zero := hdl.Const(0, DataBits)
	one := hdl.Const(1, 1)
	nil1 := hdl.Const(0, 1)
	k := func(v, w int) *hdl.Expr { return hdl.Const(uint64(v), w) }

	// Initialisation walk: after power-on and after every rst the decoder
	// writes the reset values into every shadow row, one row per cycle
	// (block RAM has no reset). Bus requests wait, events queue in their
	// buffers.
	walk := max(l.shadowRows, 1)
	wb := bitlen(walk)
	initQ := mod.Reg("init", 1, hdl.Reset(1))
	initCnt := mod.Reg("init_cnt", wb)
	initLast := hdl.Eq(initCnt, k(walk-1, wb))
	initCnt.Next(hdl.Mux(hdl.And(initQ, hdl.Not(initLast)), hdl.Add(initCnt, k(1, wb)), k(0, wb)))
	initQ.Next(hdl.And(initQ, hdl.Not(initLast)))
	mod.Output("init_busy", 1).Drive(initQ)

	// One request is accepted when the decoder is idle. The master holds
	// bus_addr and bus_wdata until bus_ready (the UART bridge keeps them
	// in its frame registers anyway), so only the direction is kept here:
	// 48 flip-flops, each a logic cell of its own on iCE40, saved.
	busy := mod.Reg("busy", 1)
	start := mod.Wire("start", 1)
	start.Drive(hdl.And(hdl.Or(we, re), hdl.Not(busy)))
	reqWe := mod.Reg("req_we", 1, hdl.NoReset())
	reqWe.NextIf(start, we)
	reqAddr, reqData := addr, wdata
	act := mod.Wire("act", 1) // a request is being served
	act.Drive(hdl.And(busy, hdl.Not(initQ)))
	done := mod.Wire("done", 1)
	busy.Next(hdl.Or(start, hdl.And(busy, hdl.Not(done))))

	// Address decode of the held request.
	type dec struct {
		b                *Block
		hit, mapped      hdl.Value
		elem, word       *hdl.Signal
		elemBits, wBits  int
		writable         hdl.Value
		wordIs           func(w int) hdl.Value
		elemIs           func(i int) hdl.Value
		offBits, strBits int
	}
	var decs []*dec
	var mappedAny, writableAny []hdl.Value
	for _, b := range m.Blocks {
		d := &dec{b: b, offBits: log2(b.Span), strBits: log2(b.Stride)}
		d.elemBits = max(1, d.offBits-d.strBits)
		d.wBits = max(1, d.strBits)
		hit := mod.Wire(b.Name+"_hit", 1)
		if d.offBits >= AddrBits {
			hit.Drive(one)
		} else {
			hit.Drive(hdl.Eq(hdl.Slice(reqAddr, AddrBits-1, d.offBits), k(b.Base>>d.offBits, AddrBits-d.offBits)))
		}
		d.hit = hit
		d.elem = mod.Wire(b.Name+"_elem", d.elemBits)
		d.elem.Drive(slice(reqAddr, d.offBits-1, d.strBits))
		d.word = mod.Wire(b.Name+"_word", d.wBits)
		d.word.Drive(slice(reqAddr, d.strBits-1, 0))
		d.mapped = hdl.And(hit, below(d.elem, b.Count), below(d.word, b.Words))
		d.wordIs = func(w int) hdl.Value { return hdl.Eq(d.word, k(w, d.wBits)) }
		d.elemIs = func(i int) hdl.Value { return hdl.Eq(d.elem, k(i, d.elemBits)) }
		var ws []hdl.Arm
		for w := 0; w < b.Words; w++ {
			if b.wordWritable(w) {
				ws = append(ws, hdl.When(k(w, d.wBits), one))
			}
		}
		d.writable = hdl.Case(d.word, nil1, ws...)
		mappedAny = append(mappedAny, d.mapped)
		writableAny = append(writableAny, hdl.And(hit, d.writable))
		decs = append(decs, d)
	}
	mapped := mod.Wire("mapped", 1)
	mapped.Drive(orAll(mappedAny))
	writable := mod.Wire("writable", 1)
	writable.Drive(orAll(writableAny))
	bad := mod.Wire("bad", 1)
	bad.Drive(hdl.Or(hdl.Not(mapped), hdl.And(reqWe, hdl.Not(writable))))
	reading := hdl.And(hdl.Not(reqWe), hdl.Not(bad))
	writing := hdl.And(reqWe, hdl.Not(bad))

	hitOf := func(s storage) hdl.Value {
		var v []hdl.Value
		for _, d := range decs {
			if d.b.storage() == s {
				v = append(v, d.hit)
			}
		}
		return orAll(v)
	}
	var doneArms []hdl.Arm
	type rdArm struct{ c, v hdl.Value } // a block's hit and its answer
	var rdArms []rdArm

	// --- Configuration arrays: the shadow RAM. ---
	if l.shadowRows > 0 {
		rb := bitlen(l.shadowRows)
		sw := l.shadowW
		shadow := mod.Memory("shadow", sw, pow2(l.shadowRows))
		cstepBits := bitlen(l.maxWords + 2)
		cstep := mod.Reg("cfg_step", cstepBits)
		cfgHit := mod.Wire("cfg_hit", 1)
		cfgHit.Drive(hitOf(inShadow))
		cfgOp := hdl.And(act, cfgHit, hdl.Not(bad))
		cfgWrite := hdl.And(cfgOp, reqWe)
		cfgRead := hdl.And(cfgOp, hdl.Not(reqWe))
		first := hdl.Eq(cstep, k(0, cstepBits))

		// Row of the addressed word, row of the element's word k, the
		// storage mask of the addressed word (ZeroEvery fields cleared on
		// their fixed elements), and the reset value of any row.
		var rowArms, elemArms, maskArms []hdl.Arm
		var initTerms []hdl.Value
		kk := mod.Wire("cfg_k", max(1, bitlen(l.maxWords)))
		kk.Drive(fit(hdl.Sub(cstep, k(1, cstepBits)), kk.Width()))
		for _, d := range decs {
			b := d.b
			if b.storage() != inShadow {
				continue
			}
			base := l.shadowBase[b]
			row := hdl.Or(k(base, rb), fit(slice(reqAddr, d.offBits-1, 0), rb))
			rowArms = append(rowArms, hdl.When(d.hit, row))
			er := k(base, rb)
			if d.offBits > d.strBits {
				er = hdl.Or(er, fit(hdl.Shl(fit(d.elem, rb), d.strBits), rb))
			}
			if d.strBits > 0 {
				er = hdl.Or(er, fit(fit(kk, d.strBits), rb))
			}
			elemArms = append(elemArms, hdl.When(d.hit, er))
			var wordMasks []hdl.Arm
			for w := 0; w < b.Words; w++ {
				var terms []hdl.Value
				for _, f := range b.Fields {
					if f.Word != w {
						continue
					}
					fm := k(int((uint64(1)<<f.Width-1)<<f.Lsb), sw)
					if f.ZeroEvery > 0 {
						var fixed []hdl.Value
						for i := 0; i < b.Count; i += f.ZeroEvery {
							fixed = append(fixed, d.elemIs(i))
						}
						terms = append(terms, hdl.Mux(orAll(fixed), k(0, sw), fm))
					} else {
						terms = append(terms, fm)
					}
				}
				wordMasks = append(wordMasks, hdl.When(k(w, d.wBits), orAll(terms)))
			}
			maskArms = append(maskArms, hdl.When(d.hit, hdl.Case(d.word, k(0, sw), wordMasks...)))
			// Reset values (checkStorage keeps ZeroEvery fields at 0, so
			// they depend on the word only).
			for w := 0; w < b.Words; w++ {
				var v uint64
				for _, f := range b.Fields {
					if f.Word == w {
						v |= f.Value << f.Lsb
					}
				}
				if v == 0 {
					continue
				}
				ic := fit(initCnt, rb) // the walk wraps over the rows like the write port
				var inRegion hdl.Value = one
				if d.offBits < rb {
					inRegion = hdl.Eq(hdl.Slice(ic, rb-1, d.offBits), k(base>>d.offBits, rb-d.offBits))
				}
				var wordOK hdl.Value = one
				if d.strBits > 0 {
					wordOK = hdl.Eq(hdl.Slice(ic, d.strBits-1, 0), k(w, d.strBits))
				}
				initTerms = append(initTerms, hdl.Mux(hdl.And(inRegion, wordOK), k(int(v), sw), k(0, sw)))
			}
		}
		reqRow := mod.Wire("cfg_row", rb)
		reqRow.Drive(hdl.Priority(k(0, rb), rowArms...))
		elemRow := mod.Wire("cfg_elem_row", rb)
		elemRow.Drive(hdl.Priority(k(0, rb), elemArms...))
		wmask := mod.Wire("cfg_mask", sw)
		wmask.Drive(hdl.Priority(k(0, sw), maskArms...))
		initVal := mod.Wire("cfg_init", sw)
		initVal.Drive(orAll(append(initTerms, k(0, sw))))

		wen := mod.Wire("cfg_wen", 1)
		wen.Drive(hdl.Or(initQ, hdl.And(cfgWrite, first)))
		shadow.Write(wen,
			hdl.Mux(initQ, fit(initCnt, rb), reqRow),
			hdl.Mux(initQ, initVal, hdl.And(fit(reqData, sw), wmask)))
		// One read port: the addressed row for a bus read, then (after a
		// write) the element's words 0..maxWords-1 for the strobe.
		//
		// The port does not read in a cycle that writes (nothing uses
		// that read), and says so with its enable: Yosys then knows a
		// read and a write never meet and builds no read-first bypass
		// beside the block RAM (about 30 flip-flops and 15 LUTs at ref4).
		rdata := shadow.ReadSync(hdl.Mux(cfgRead, reqRow, elemRow), hdl.ReadEnable(hdl.Not(wen)))
		cfgDone := mod.Wire("cfg_done", 1)
		cfgDone.Drive(hdl.Or(
			hdl.And(cfgRead, hdl.Eq(cstep, k(1, cstepBits))),
			hdl.And(cfgWrite, hdl.Eq(cstep, k(l.maxWords+1, cstepBits)))))
		cstep.Next(hdl.Mux(hdl.And(cfgOp, hdl.Not(cfgDone)), hdl.Add(cstep, k(1, cstepBits)), k(0, cstepBits)))
		doneArms = append(doneArms, hdl.When(cfgHit, cfgDone))
		rdArms = append(rdArms, rdArm{cfgHit, fit(rdata, DataBits)})

		// The strobe: the element's whole configuration, read back after
		// the write, in the cycle <block>_we is 1.
		stg := make([]*hdl.Signal, l.maxWords)
		for w := range stg {
			stg[w] = mod.Reg(fmt.Sprintf("cfg_stage%d", w), sw, hdl.NoReset())
			stg[w].NextIf(hdl.And(cfgWrite, hdl.Eq(cstep, k(w+2, cstepBits))), rdata)
		}
		for _, d := range decs {
			b := d.b
			if b.storage() != inShadow {
				continue
			}
			wr := mod.Reg(b.Name+"_we_q", 1)
			wr.Next(hdl.And(cfgWrite, d.hit, cfgDone))
			wi := mod.Reg(b.Name+"_widx_q", d.elemBits, hdl.NoReset())
			wi.NextIf(done, d.elem)
			mod.Output(b.Name+"_we", 1).Drive(wr)
			mod.Output(b.Name+"_widx", d.elemBits).Drive(wi)
			for _, f := range b.Fields {
				mod.Output(b.Name+"_"+f.Name, f.Width).Drive(hdl.Slice(stg[f.Word], f.Lsb+f.Width-1, f.Lsb))
			}
		}
	}

	// --- Counters: the counter RAM and its event ports. ---
	if l.counterRow > 0 {
		rb := bitlen(l.counterRow)
		SB := m.EventSelBits()
		EB := m.EventElemBits()
		var init hdl.MemOption
		if m.counterInit != 0 { // tests start near a carry into the high word
			rows := make([][]uint64, pow2(l.counterRow))
			for i := range rows {
				rows[i] = []uint64{m.counterInit}
			}
			init = hdl.MemInitWords(rows)
		}
		// One 64-bit counter per row: an event adds to its two counters in
		// two read-modify-write operations (one when an increment is 0),
		// so the adder and the RAM's bypass are 64 bits wide, not 128.
		cnt := mod.Memory("counters", 64, pow2(l.counterRow), init)
		cntHit := mod.Wire("cnt_hit", 1)
		cntHit.Drive(hitOf(inCounters))
		hiWord := hdl.Bit(reqAddr, 0)
		cntRead := hdl.And(act, cntHit, reading, hdl.Not(hiWord))
		var busRowArms []hdl.Arm
		for _, d := range decs {
			b := d.b
			if b.storage() != inCounters {
				continue
			}
			// Word w of an element: bit 0 the high half, the rest the
			// counter.
			cs := l.cntStride[b]
			busRowArms = append(busRowArms, hdl.When(d.hit, l.counterRowOf(b, d.elem, slice(reqAddr, log2(cs), 1))))
		}
		busRow := mod.Wire("cnt_bus_row", rb)
		busRow.Drive(hdl.Priority(k(0, rb), busRowArms...))

		// Event ports are valid/ready with no buffer in the decoder: a
		// pointer visits one source per cycle and stays on a valid one
		// until its event is taken (ev<k>_ready, in the cycle of its last
		// operation); the source holds the event meanwhile. The datapath
		// already queues its events (gen/device), so a second copy here
		// would only cost flip-flops and a wider multiplexer.
		pb := bitlen(E)
		ptr := mod.Reg("ev_ptr", pb)
		pay := 1 + SB + EB + 1 + EventIncBits
		var srcs []hdl.Value
		pop := mod.Wire("ev_pop", 1)
		for s := 0; s < E; s++ {
			n := fmt.Sprintf("ev%d_", s)
			v := mod.Input(n+"valid", 1)
			sel := mod.Input(n+"sel", SB)
			el := mod.Input(n+"elem", EB)
			i0 := mod.Input(n+"inc0", 1)
			i1 := mod.Input(n+"inc1", EventIncBits)
			mod.Output(n+"ready", 1).Drive(hdl.And(pop, hdl.Eq(ptr, k(s, pb))))
			srcs = append(srcs, hdl.Concat(v, sel, el, i0, i1))
		}
		cur := mod.Wire("ev_cur", pay)
		cur.Drive(muxTree(ptr, srcs, pay))
		curV := hdl.Bit(cur, pay-1)
		curSel := hdl.Slice(cur, pay-2, pay-1-SB)
		curElem := hdl.Slice(cur, pay-2-SB, pay-1-SB-EB)
		curI0 := hdl.Slice(cur, EventIncBits, EventIncBits)
		curI1 := hdl.Slice(cur, EventIncBits-1, 0)
		second := mod.Reg("ev_second", 1)
		opB := hdl.Or(second, hdl.Not(curI0)) // the next operation is the pair's second counter
		var evArms, okArms, okBArms []hdl.Arm
		for s, es := range l.sels {
			cs := l.cntStride[es.b]
			ctr := hdl.Or(k(2*es.pair, max(1, log2(cs))), fit(opB, max(1, log2(cs))))
			evArms = append(evArms, hdl.When(k(s, SB), l.counterRowOf(es.b, curElem, ctr)))
			okArms = append(okArms, hdl.When(k(s, SB), below(curElem, es.b.Count)))
			if 2*es.pair+1 < len(es.b.Fields) {
				okBArms = append(okBArms, hdl.When(k(s, SB), below(curElem, es.b.Count)))
			}
		}
		evRow := mod.Wire("ev_row", rb) // the pair's counter the next operation adds to
		evRow.Drive(hdl.Case(curSel, k(0, rb), evArms...))
		evOK := mod.Wire("ev_ok", 1) // events naming no counter are dropped
		evOK.Drive(hdl.Case(curSel, nil1, okArms...))
		evOKB := mod.Wire("ev_ok_b", 1) // the pair has a second counter
		evOKB.Drive(hdl.Case(curSel, nil1, okBArms...))

		// The event at the pointer takes one or two operations: the first
		// counter (when inc0 is 1), then the second (when inc1 is not 0).
		// ev_row picks the counter from ev_second and inc0 (opB above),
		// not from the later doB, to keep the path to the RAM address
		// short.
		i1nz := hdl.OrR(curI1)
		busPend := mod.Wire("cnt_bus_pend", 1)
		issued := mod.Reg("cnt_issued", 1)
		busPend.Drive(hdl.And(cntRead, hdl.Not(issued)))
		cand := mod.Wire("cnt_row", rb)
		cand.Drive(hdl.Mux(busPend, busRow, evRow))
		s1v := mod.Reg("cnt_s1_valid", 1)
		s1bus := mod.Reg("cnt_s1_bus", 1)
		s1row := mod.Reg("cnt_s1_row", rb, hdl.NoReset())
		cwen := mod.Wire("cnt_wen", 1)
		cwen.Drive(hdl.And(s1v, hdl.Not(s1bus)))
		// An operation on the row whose sum is being written this cycle
		// waits one cycle (it then reads the sum), so the read port never
		// meets the write: see the read below.
		hz := mod.Wire("cnt_hazard", 1)
		hz.Drive(hdl.And(cwen, hdl.Eq(cand, s1row)))
		serve := mod.Wire("ev_serve", 1)
		serve.Drive(hdl.And(hdl.Not(busPend), curV, hdl.Not(initQ), hdl.Not(hz)))
		doA := hdl.And(serve, hdl.Not(second), curI0)
		pop.Drive(hdl.And(serve, hdl.Not(hdl.And(doA, i1nz))))
		doB := hdl.And(serve, hdl.Not(doA), i1nz)
		second.Next(hdl.Mux(serve, hdl.And(doA, i1nz), second))
		issueEv := hdl.Or(hdl.And(doA, evOK), hdl.And(doB, evOKB))
		issueBus := hdl.And(busPend, hdl.Not(hz))
		last := k(E-1, pb)
		ptr.Next(hdl.Mux(hdl.Or(hdl.Not(curV), pop), hdl.Mux(hdl.Eq(ptr, last), k(0, pb), hdl.Add(ptr, k(1, pb))), ptr))

		s1inc := mod.Reg("cnt_s1_inc", EventIncBits, hdl.NoReset())
		s1v.Next(hdl.Or(issueBus, issueEv))
		s1bus.Next(issueBus)
		s1row.Next(cand)
		s1inc.Next(hdl.Mux(doB, curI1, fit(curI0, EventIncBits)))
		cntDone := mod.Wire("cnt_done", 1)
		cntDone.Drive(hdl.And(s1v, s1bus))
		issued.Next(hdl.And(hdl.Or(issued, issueBus), hdl.Not(done)))

		// An operation reads its row in the cycle it is issued and writes
		// the sum a cycle later. One on the row being written waits a
		// cycle (cnt_hazard) and then reads the sum, so a bus read never
		// misses an increment. The read enable says the port skips that
		// cycle: Yosys then sees that a read never meets a write of the
		// same row and builds no transparent bypass beside the block RAM
		// (64 flip-flops and their multiplexer at ref4), at the price of
		// one cycle when two operations in a row hit one counter.
		d := cnt.ReadSync(cand, hdl.ReadEnable(hdl.Not(hz)))
		// Counters are not cleared by rst (only by configuration, through
		// the RAM's initial contents): they are free-running.
		cnt.Write(cwen, s1row, hdl.Add(d, fit(s1inc, 64)))

		// Low word: 32 bits now, the high 32 into the shadow register that
		// a high-word read returns.
		shadowHi := mod.Reg("cnt_shadow", DataBits)
		shadowHi.NextIf(cntDone, hdl.Slice(d, 63, 32))
		doneArms = append(doneArms, hdl.When(hdl.And(cntHit, reading, hdl.Not(hiWord)), cntDone))
		rdArms = append(rdArms, rdArm{cntHit, hdl.Mux(hiWord, shadowHi, hdl.Slice(d, 31, 0))})
	}

	// --- Flip-flop blocks: identity, single-element configuration, sticky
	// bits, and RO status read through <block>_ridx. ---
	flopWrite := hdl.And(act, writing, hitOf(inFlops))
	roWait := mod.Reg("ro_wait", 1)
	var roHits []hdl.Value
	for _, d := range decs {
		b := d.b
		if b.storage() != inFlops {
			continue
		}
		parts := make([][]part, b.Words)
		hasRO := false
		for fi := range b.Fields {
			f := &b.Fields[fi]
			name := b.Name + "_" + f.Name
			switch f.Kind {
			case Const:
				v := m.constValue(b, f)
				parts[f.Word] = append(parts[f.Word], part{f.Lsb, func(int) hdl.Value { return hdl.Const(v, f.Width) }})
			case RO:
				hasRO = true
				in := mod.Input(name, f.Width)
				parts[f.Word] = append(parts[f.Word], part{f.Lsb, func(int) hdl.Value { return in }})
			case RW, Sticky:
				regsOf := make([]hdl.Value, b.Count)
				var set *hdl.Signal
				var clrOf func(i int) hdl.Value
				if f.Kind == Sticky {
					set = mod.Input(name+"_set", b.Count*f.Width)
					clrOf = m.stickyClear(mod, d.elem, hdl.And(flopWrite, d.hit, d.wordIs(f.Word)), reqData, b, f)
				}
				for i := 0; i < b.Count; i++ {
					if !f.hasStorage(i) {
						regsOf[i] = hdl.Const(0, f.Width)
						continue
					}
					r := mod.Reg(fmt.Sprintf("%s_%d", name, i), f.Width, hdl.Reset(f.Value))
					if f.Kind == RW {
						r.NextIf(hdl.And(flopWrite, d.hit, d.elemIs(i), d.wordIs(f.Word)), hdl.Slice(reqData, f.Lsb+f.Width-1, f.Lsb))
					} else {
						clr := clrOf(i)
						r.Next(hdl.Or(hdl.And(r, hdl.Not(clr)), hdl.Slice(set, i*f.Width+f.Width-1, i*f.Width)))
					}
					regsOf[i] = r
				}
				if f.Kind == RW {
					cat := make([]hdl.Value, b.Count)
					for i := range regsOf {
						cat[b.Count-1-i] = regsOf[i]
					}
					mod.Output(name, b.Count*f.Width).Drive(hdl.Concat(cat...))
				}
				parts[f.Word] = append(parts[f.Word], part{f.Lsb, func(i int) hdl.Value { return regsOf[i] }})
			}
		}
		if hasRO {
			mod.Output(b.Name+"_ridx", d.elemBits).Drive(d.elem)
			roHits = append(roHits, d.hit)
		}
		words := make([]hdl.Value, b.Words)
		for w := range words {
			elems := make([]hdl.Value, b.Count)
			for i := range elems {
				elems[i] = wordValue(parts[w], i)
			}
			words[w] = muxTree(d.elem, elems, DataBits)
		}
		rd := mod.Wire(b.Name+"_rd", DataBits)
		rd.Drive(muxTree(d.word, words, DataBits))
		rdArms = append(rdArms, rdArm{d.hit, rd})
		if b.hasRW() {
			wr := mod.Reg(b.Name+"_we_q", 1)
			wr.Next(hdl.And(flopWrite, d.hit))
			wi := mod.Reg(b.Name+"_widx_q", d.elemBits, hdl.NoReset())
			wi.NextIf(done, d.elem)
			mod.Output(b.Name+"_we", 1).Drive(wr)
			mod.Output(b.Name+"_widx", d.elemBits).Drive(wi)
		}
	}
	// RO reads take a second cycle: the datapath answers <block>_ridx
	// from a register or a block-RAM read port.
	roRead := hdl.And(act, reading, orAll(roHits))
	roWait.Next(hdl.And(roRead, hdl.Not(roWait)))

	// Completion: memory-backed accesses finish when their engine says so,
	// RO reads after one wait cycle, everything else (flip-flops, errors,
	// high counter words) at once.
	doneArms = append(doneArms, hdl.When(roRead, roWait))
	done.Drive(hdl.And(act, hdl.Priority(one, append([]hdl.Arm{hdl.When(bad, one)}, doneArms...)...)))
	rdata := mod.Wire("rd", DataBits)
	// The block hits are exclusive, so the answer is an AND-OR of the
	// blocks' words, not a priority chain: fewer LUT levels and LUTs.
	var rdTerms []hdl.Value
	for _, a := range rdArms {
		rdTerms = append(rdTerms, hdl.And(hdl.Repl(a.c, DataBits), a.v))
	}
	rdata.Drive(orAll(append(rdTerms, zero)))

	ready := mod.Reg("ready_q", 1)
	ready.Next(done)
	rq := mod.Reg("rdata_q", DataBits)
	rq.Next(hdl.Mux(hdl.And(done, reading), rdata, zero))
	eq := mod.Reg("err_q", 1)
	eq.Next(hdl.And(done, bad))
	mod.Output("bus_ready", 1).Drive(ready)
	mod.Output("bus_rdata", DataBits).Drive(rq)
	mod.Output("bus_err", 1).Drive(eq)
	return mod, nil
}

// stickyClear returns the write-1-to-clear mask of element i of sticky
// field f. The element decode is split in two: a decode of the low three
// element bits shared by all bits, and one of the high bits with the write
// (and, for a 1-bit field, the written data bit) folded in, so each sticky
// bit's next state (its value, its set input, two decode lines) is one
// LUT4; the plain en&data form cost about twice as many LUTs at ref4.
func (m *Map) stickyClear(mod *hdl.Module, elem, write hdl.Value, data hdl.Value, b *Block, f *Field) func(i int) hdl.Value {
	name := b.Name + "_" + f.Name
	eb := elem.Width()
	lo := min(3, eb)
	bitsIn := func() hdl.Value { return hdl.Slice(data, f.Lsb+f.Width-1, f.Lsb) }
	common := write
	if f.Width == 1 {
		common = hdl.And(write, hdl.Bit(data, f.Lsb))
	}
	hi := map[int]hdl.Value{}
	loDec := map[int]hdl.Value{}
	return func(i int) hdl.Value {
		j, k := i>>lo, i&(1<<lo-1)
		if hi[j] == nil {
			w := mod.Wire(fmt.Sprintf("%s_clr_hi%d", name, j), 1)
			if eb > lo {
				w.Drive(hdl.And(common, hdl.Eq(hdl.Slice(elem, eb-1, lo), hdl.Const(uint64(j), eb-lo))))
			} else {
				w.Drive(common)
			}
			hi[j] = w
		}
		if loDec[k] == nil {
			w := mod.Wire(fmt.Sprintf("%s_clr_lo%d", name, k), 1)
			w.Drive(hdl.Eq(hdl.Slice(elem, lo-1, 0), hdl.Const(uint64(k), lo)))
			loDec[k] = w
		}
		en := hdl.And(hi[j], loDec[k])
		if f.Width == 1 {
			return en
		}
		return hdl.And(hdl.Repl(en, f.Width), bitsIn())
	}
}

func orAll(v []hdl.Value) hdl.Value {
	switch len(v) {
	case 0:
		return hdl.Const(0, 1)
	case 1:
		return v[0]
	}
	return hdl.Or(v[0], v[1], v[2:]...)
}

// part is a field's contribution to a word: its bits in element i.
type part struct {
	lsb int
	v   func(i int) hdl.Value
}

// wordValue assembles element i's word from its fields, zeros in the gaps.
func wordValue(ps []part, i int) hdl.Value {
	sorted := slices.SortedFunc(slices.Values(ps), func(a, b part) int { return a.lsb - b.lsb })
	var cat []hdl.Value
	pos := 0
	for _, p := range sorted {
		v := p.v(i)
		if p.lsb > pos {
			cat = append(cat, hdl.Const(0, p.lsb-pos))
		}
		cat = append(cat, v)
		pos = p.lsb + v.Width()
	}
	if pos < DataBits {
		cat = append(cat, hdl.Const(0, DataBits-pos))
	}
	slices.Reverse(cat)
	if len(cat) == 1 {
		return cat[0]
	}
	return hdl.Concat(cat...)
}

// below is v < n, or a constant 1 when every value of v is below n.
func below(v hdl.Value, n int) hdl.Value {
	if n >= 1<<v.Width() {
		return hdl.Const(1, 1)
	}
	return hdl.Lt(v, hdl.Const(uint64(n), v.Width()))
}

// muxTree selects vals[sel] with a binary tree of 2:1 muxes on the bits of
// sel, least significant first; missing (nil or beyond the list) entries
// and indices beyond the list read 0.
func muxTree(sel hdl.Value, vals []hdl.Value, w int) hdl.Value {
	level := make([]hdl.Value, len(vals))
	for i, v := range vals {
		if v == nil {
			v = hdl.Const(0, w)
		}
		level[i] = v
	}
	for bit := 0; len(level) > 1 || bit == 0; bit++ {
		if bit >= sel.Width() {
			break
		}
		next := make([]hdl.Value, (len(level)+1)/2)
		for i := range next {
			lo := level[2*i]
			if 2*i+1 < len(level) {
				next[i] = hdl.Mux(hdl.Bit(sel, bit), level[2*i+1], lo)
			} else {
				next[i] = hdl.Mux(hdl.Bit(sel, bit), hdl.Const(0, w), lo)
			}
		}
		level = next
	}
	if len(level) == 0 {
		return hdl.Const(0, w)
	}
	return level[0]
}
