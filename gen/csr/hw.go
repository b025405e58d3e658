package csr

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

const generator = "gen/csr"

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

// Module generates the CSR decoder block. Ports (clk and rst implicit; rst
// returns every RW field to its reset value and clears sticky bits):
//
//	in  bus_addr[16] bus_wdata[32] bus_we bus_re      one request per cycle at most
//	out bus_ready bus_rdata[32] bus_err               the cycle after the request
//	out <block>_<field>[Count*Width]                  each RW field, element i at bits [i*W +: W]
//	out <block>_we, <block>_widx                      pulse with the element written (blocks with RW fields)
//	in  <block>_<field>[Count*Width]                  each RO field (Counter: Count*64)
//	in  <block>_<field>_set[Count*Width]              each Sticky field's set pulses
//
// A request is bus_we or bus_re held for one cycle (bus_we wins when both
// are set). The next cycle bus_ready is 1, with bus_rdata (reads; 0 for
// writes and errors) and bus_err: 1 when the address maps no register, or a
// write hits a word with no writable field. Writes to the RW fields of a
// word take effect at the request's clock edge, so the new value is on the
// output port, together with <block>_we = 1 and <block>_widx = the element,
// in the cycle bus_ready is 1; a datapath block with its own configuration
// registers (gen/meter's cfg_we/cfg_lease, gen/shaper's) loads from there.
func (m *Map) Module() (*hdl.Module, error) {
	c := m.Config
	mod := hdl.NewGenerated(generator, "csr", hdl.P("ports", c.Ports), hdl.P("leases", c.Leases), hdl.P("h", fmt.Sprintf("%08x", m.Hash)))
	addr := mod.Input("bus_addr", AddrBits)
	wdata := mod.Input("bus_wdata", DataBits)
	we := mod.Input("bus_we", 1)
	re := mod.Input("bus_re", 1)
	zero := hdl.Const(0, DataBits)
	one := hdl.Const(1, 1)
	nil1 := hdl.Const(0, 1)
	reading := hdl.And(re, hdl.Not(we))
	var shadow *hdl.Signal // high halves of counters, latched by low-half reads
	for _, b := range m.Blocks {
		for _, f := range b.Fields {
			if f.Kind == Counter && shadow == nil {
				shadow = mod.Reg("cnt_shadow", DataBits)
			}
		}
	}

	var rdArms, hiArms []hdl.Arm
	var mappedAny, writableAny, latchAny []hdl.Value
	for _, b := range m.Blocks {
		offBits := log2(b.Span)
		strideBits := log2(b.Stride)
		elemBits := max(1, offBits-strideBits)
		hit := mod.Wire(b.Name+"_hit", 1)
		if offBits >= AddrBits {
			hit.Drive(one)
		} else {
			hit.Drive(hdl.Eq(hdl.Slice(addr, AddrBits-1, offBits), hdl.Const(uint64(b.Base>>offBits), AddrBits-offBits)))
		}
		elem := mod.Wire(b.Name+"_elem", elemBits)
		elem.Drive(slice(addr, offBits-1, strideBits))
		word := mod.Wire(b.Name+"_word", max(1, strideBits))
		word.Drive(slice(addr, strideBits-1, 0))
		mapped := hdl.And(hit, below(elem, b.Count), below(word, b.Words))
		mappedAny = append(mappedAny, mapped)
		wordIs := func(w int) *hdl.Expr { return hdl.Eq(word, hdl.Const(uint64(w), word.Width())) }
		elemIs := func(i int) *hdl.Expr { return hdl.Eq(elem, hdl.Const(uint64(i), elemBits)) }

		// Storage and ports of each field.
		parts := make([][]part, b.Words) // per word
		var hiWordArms []hdl.Arm
		var writableWords, loWords []hdl.Arm
		for fi := range b.Fields {
			f := &b.Fields[fi]
			name := b.Name + "_" + f.Name
			switch f.Kind {
			case Const:
				v := m.constValue(b, f)
				parts[f.Word] = append(parts[f.Word], part{f.Lsb, func(int) hdl.Value { return hdl.Const(v, f.Width) }})
			case RO:
				in := mod.Input(name, b.Count*f.Width)
				parts[f.Word] = append(parts[f.Word], part{f.Lsb, func(i int) hdl.Value { return hdl.Slice(in, i*f.Width+f.Width-1, i*f.Width) }})
			case Counter:
				in := mod.Input(name, b.Count*64)
				parts[f.Word] = append(parts[f.Word], part{0, func(i int) hdl.Value { return hdl.Slice(in, i*64+31, i*64) }})
				loWords = append(loWords, hdl.When(hdl.Const(uint64(f.Word), word.Width()), one))
				his := make([]hdl.Value, b.Count)
				for i := range his {
					his[i] = hdl.Slice(in, i*64+63, i*64+32)
				}
				hiWordArms = append(hiWordArms, hdl.When(hdl.Const(uint64(f.Word), word.Width()), muxTree(elem, his, DataBits)))
			case RW, Sticky:
				regsOf := make([]hdl.Value, b.Count)
				var set *hdl.Signal
				if f.Kind == Sticky {
					set = mod.Input(name+"_set", b.Count*f.Width)
				}
				for i := 0; i < b.Count; i++ {
					if !f.hasStorage(i) {
						regsOf[i] = hdl.Const(0, f.Width)
						continue
					}
					r := mod.Reg(fmt.Sprintf("%s_%d", name, i), f.Width, hdl.Reset(f.Value))
					en := hdl.And(we, hit, elemIs(i), wordIs(f.Word))
					bitsIn := hdl.Slice(wdata, f.Lsb+f.Width-1, f.Lsb)
					if f.Kind == RW {
						r.NextIf(en, bitsIn)
					} else {
						clr := hdl.Mux(en, bitsIn, hdl.Const(0, f.Width))
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
		for w := 0; w < b.Words; w++ {
			if b.wordWritable(w) {
				writableWords = append(writableWords, hdl.When(hdl.Const(uint64(w), word.Width()), one))
			}
		}
		shadowWords := map[int]bool{}
		for _, f := range b.Fields {
			if f.Kind == Counter {
				shadowWords[f.Word+1] = true
			}
		}

		// Read data: per word a mux tree over the elements, then one over
		// the words (trees on the index bits: log depth, no comparators).
		words := make([]hdl.Value, b.Words)
		for w := range words {
			if shadowWords[w] {
				continue // the high half of a counter reads the shadow (below)
			}
			elems := make([]hdl.Value, b.Count)
			for i := range elems {
				elems[i] = wordValue(parts[w], i)
			}
			words[w] = muxTree(elem, elems, DataBits)
		}
		rd := mod.Wire(b.Name+"_rd", DataBits)
		rd.Drive(muxTree(word, words, DataBits))
		rdArms = append(rdArms, hdl.When(hit, rd))
		writable := hdl.Case(word, nil1, writableWords...)
		writableAny = append(writableAny, hdl.And(hit, writable))
		if len(loWords) > 0 {
			latchAny = append(latchAny, hdl.And(mapped, hdl.Case(word, nil1, loWords...)))
			hiArms = append(hiArms, hdl.When(hit, hdl.Case(word, zero, hiWordArms...)))
		}
		if len(shadowWords) > 0 {
			var hiWords []hdl.Arm
			for w := 0; w < b.Words; w++ {
				if shadowWords[w] {
					hiWords = append(hiWords, hdl.When(hdl.Const(uint64(w), word.Width()), one))
				}
			}
			rdArms[len(rdArms)-1] = hdl.When(hit, hdl.Mux(hdl.Case(word, nil1, hiWords...), shadow, rd))
		}

		// Write strobes for the datapath.
		if b.hasRW() {
			wr := mod.Reg(b.Name+"_we_q", 1)
			wr.Next(hdl.And(we, mapped, writable))
			wi := mod.Reg(b.Name+"_widx_q", elemBits)
			wi.Next(elem)
			mod.Output(b.Name+"_we", 1).Drive(wr)
			mod.Output(b.Name+"_widx", elemBits).Drive(wi)
		}
	}

	mappedW := mod.Wire("mapped", 1)
	mappedW.Drive(orAll(mappedAny))
	writableW := mod.Wire("writable", 1)
	writableW.Drive(orAll(writableAny))
	rdata := mod.Wire("rd", DataBits)
	rdata.Drive(hdl.Priority(zero, rdArms...))
	if len(latchAny) > 0 {
		shadow.NextIf(hdl.And(reading, orAll(latchAny)), hdl.Priority(zero, hiArms...))
	}

	req := hdl.Or(we, re)
	ready := mod.Reg("ready_q", 1)
	ready.Next(req)
	rq := mod.Reg("rdata_q", DataBits)
	rq.Next(hdl.Mux(hdl.And(reading, mappedW), rdata, zero))
	eq := mod.Reg("err_q", 1)
	eq.Next(hdl.And(req, hdl.Or(hdl.Not(mappedW), hdl.And(we, hdl.Not(writableW)))))
	mod.Output("bus_ready", 1).Drive(ready)
	mod.Output("bus_rdata", DataBits).Drive(rq)
	mod.Output("bus_err", 1).Drive(eq)
	return mod, nil
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
