package labelparse

import (
	"encoding/hex"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/label"
)

// plan is what both forms of the block share: the configuration, the
// widths derived from it and the ingress ROM, and the logic of each step
// as functions of their inputs, so the pipelined block (one header per
// clock) and the held-input block (Config.HeldInput) compute the same
// thing and differ only in what they register.
type plan struct {
	cfg      Config
	s        label.Scheme
	name     string // the scheme's name in the module name
	K        int    // forms
	aw, ew   int    // address (interface number) and table word widths
	dw       int    // decoded interface number width (v358's +1 needs the carry)
	cb       int    // width of the form code (0 none, k+1 form k)
	size     []int  // size[k]: form k's director width, prefix included
	rom      []ingressROM
	selfForm int   // canonical form of interface 1, -1 when not representable
	ar       arith // operators (pipelined) or gates (held input)
}

func newPlan(cfg Config) (*plan, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := cfg.scheme()
	p := &plan{cfg: cfg, s: s, K: len(s), aw: cfg.AddrBits(), ew: cfg.EntryBits(), name: s.Name(), ar: arith{gates: cfg.HeldInput}}
	if p.name == "" {
		p.name = "x" + hex.EncodeToString(s.Bytes())
	}
	p.size = make([]int, p.K)
	maxBC := 0
	for k, f := range s {
		p.size[k] = int(f.Size())
		maxBC = max(maxBC, int(f.BitCount))
	}
	p.dw = max(maxBC+1, p.aw)
	p.cb = bits.Len(uint(p.K))
	// The ingress ROM, one entry per in_from value.
	p.rom = make([]ingressROM, 1<<p.aw)
	for n := range p.rom {
		e, err := romEntry(s, uint64(n), cfg.Interfaces)
		if err != nil {
			return nil, err
		}
		p.rom[n] = e
	}
	p.selfForm = -1
	if !p.rom[1].bad {
		p.selfForm = p.rom[1].form
	}
	return p, nil
}

// params are the module name's parameters; latency is there so the
// emitted header comment states it.
func (p *plan) params() []hdl.Param {
	c := p.cfg
	return []hdl.Param{hdl.P("s", p.name), hdl.P("n", c.Interfaces), hdl.P("p", c.PortBits), hdl.P("t", c.TagBits),
		hdl.P("v", c.VRBits), hdl.P("latency", Latency)}
}

// romBit is a constant function of the ingress number from: 1 for the
// numbers whose ROM entry f selects.
func (p *plan) romBit(from hdl.Value, f func(e ingressROM) bool) hdl.Value {
	var arms []hdl.Arm
	for n, e := range p.rom {
		if f(e) {
			arms = append(arms, hdl.When(hdl.Const(uint64(n), p.aw), hdl.Const(1, 1)))
		}
	}
	if len(arms) == 0 {
		return hdl.Const(0, 1)
	}
	if len(arms) == len(p.rom) {
		return hdl.Const(1, 1)
	}
	return hdl.Case(from, hdl.Const(0, 1), arms...)
}

// romWord is a w-bit constant function of the ingress number addr.
func (p *plan) romWord(addr hdl.Value, w int, f func(e ingressROM) uint64) hdl.Value {
	var arms []hdl.Arm
	for n, e := range p.rom {
		if v := f(e); v != 0 {
			arms = append(arms, hdl.When(hdl.Const(uint64(n), p.aw), hdl.Const(v, w)))
		}
	}
	if len(arms) == 0 {
		return hdl.Const(0, w)
	}
	return hdl.Case(addr, hdl.Const(0, w), arms...)
}

// decoded is the director decode of a header arriving on an ingress
// number (stage 2 of the pipeline): a function of the two alone.
type decoded struct {
	noForm  hdl.Value   // the label matches no form
	dest    hdl.Value   // the egress interface number (dw bits)
	low4is1 hdl.Value   // label[3:0] == 0001
	bad     hdl.Value   // the ingress number is not representable
	df      []hdl.Value // one-hot: the director's form
	sf      []hdl.Value // one-hot: the ingress number's canonical form
	ok      []hdl.Value // the ingress number fits form k
	tso     []hdl.Value // issue #93 toward self, ingress form j: label[size_j+3:0] == 0...0001
	fso     []hdl.Value // from self, director form i: the label bits above it are zero
	ovf     []hdl.Value // labelShift + size_k passes 63
}

// decode builds the director decode: each form's prefix match, data field
// and interface number (v358 0/1 swap and skip of 1, or low-bit flip), the
// zero tests the width rules need, whether labelShift + each form's width
// passes 63, and the per-ingress constants from a ROM indexed by from
// (representable, canonical form, "fits" bits), computed at generation
// time with label's public API.
func (p *plan) decode(hdr, from hdl.Value) decoded {
	s, K, size, dw := p.s, p.K, p.size, p.dw
	lbl := hdl.Slice(hdr, HeaderBits-1, labelLo)
	match := make([]hdl.Value, K)
	for k, f := range s {
		if f.PrefixLen == 0 || K == 1 {
			match[k] = hdl.Const(1, 1)
		} else {
			match[k] = hdl.Eq(hdl.Slice(lbl, int(f.PrefixLen)-1, 0), hdl.Const(uint64(f.Prefix), int(f.PrefixLen)))
		}
	}
	// First matching form wins (cjdns getFormNum); Validate already makes
	// prefixes exclusive, the priority costs nothing on top.
	d := decoded{df: make([]hdl.Value, K)}
	var anyMatch hdl.Value = hdl.Const(0, 1)
	for k := range s {
		d.df[k] = hdl.And(match[k], hdl.Not(anyMatch))
		anyMatch = hdl.Or(anyMatch, match[k])
	}
	var dest hdl.Value = hdl.Const(0, dw)
	for k, f := range s {
		field := hdl.Slice(lbl, int(f.PrefixLen)+int(f.BitCount)-1, int(f.PrefixLen))
		dest = hdl.Or(dest, hdl.And(hdl.Repl(d.df[k], dw), destOf(s, k, field, dw, p.ar)))
	}
	d.dest = dest
	d.low4is1 = hdl.Eq(hdl.Slice(lbl, 3, 0), hdl.Const(1, 4))
	// Issue #93: toward self with a wider ingress form j, label[size_j+3:0]
	// must be 0...0001.
	d.tso = make([]hdl.Value, K)
	for j := range s {
		d.tso[j] = hdl.Eq(hdl.Slice(lbl, size[j]+3, 0), hdl.Const(1, size[j]+4))
	}
	// From self, wider than director form i: label >> (size_i+64-s1) == 0.
	d.fso = make([]hdl.Value, K)
	for i := range s {
		if p.selfForm >= 0 && size[p.selfForm] > size[i] {
			lo := size[i] + 64 - size[p.selfForm]
			d.fso[i] = hdl.Not(hdl.OrR(hdl.Slice(lbl, 63, lo)))
		} else {
			d.fso[i] = hdl.Const(1, 1)
		}
	}
	// ROM lookups on the ingress number: constant functions of from.
	d.bad = p.romBit(from, func(e ingressROM) bool { return e.bad })
	d.sf = make([]hdl.Value, K)
	d.ok = make([]hdl.Value, K)
	for k := range s {
		d.sf[k] = p.romBit(from, func(e ingressROM) bool { return !e.bad && e.form == k })
		d.ok[k] = p.romBit(from, func(e ingressROM) bool { return e.ok[k] })
	}
	// Whether labelShift + each form's width passes 63, ahead of knowing
	// which form the hop uses, so the rules only select. The sums
	// themselves are made with the header (plan.hop).
	shift := hdl.Slice(hdr, shiftLo+5, shiftLo)
	d.ovf = make([]hdl.Value, K)
	for k := range s {
		d.ovf[k] = p.ar.ge(shift, uint64(64-size[k]))
	}
	d.noForm = hdl.Not(anyMatch)
	return d
}

// ruled is what the width rules make of a decode (stage 3 of the
// pipeline).
type ruled struct {
	destIs1  hdl.Value // toward self
	destIn   hdl.Value // the egress number is inside the table
	fromIs1  hdl.Value // from self
	errA     hdl.Value // result code of the checks before presence (Forward: none failed)
	code     hdl.Value // the form the hop removes and writes back: 0 none, k+1 form k
	overflow hdl.Value // labelShift passes 63 with that form
	retOK    hdl.Value // the ingress number fits that form
}

// rules applies cjdns' width rules and error precedence to d, for the
// ingress number from.
func (p *plan) rules(d decoded, from hdl.Value) ruled {
	s, size, dw, aw, cb := p.s, p.size, p.dw, p.aw, p.cb
	var r ruled
	r.destIs1 = hdl.Eq(d.dest, hdl.Const(1, dw))
	r.destIn = hdl.Const(1, 1)
	if uint64(p.cfg.Interfaces) < uint64(1)<<dw {
		r.destIn = p.ar.lt(d.dest, uint64(p.cfg.Interfaces))
	}
	r.fromIs1 = hdl.Eq(from, hdl.Const(1, aw))
	// wider: the ingress form is wider than the director's.
	var wider hdl.Value = hdl.Const(0, 1)
	var fsoSel hdl.Value = hdl.Const(0, 1)
	var tsoSel hdl.Value = hdl.Const(0, 1)
	for i := range s {
		fsoSel = hdl.Or(fsoSel, hdl.And(d.df[i], d.fso[i]))
		tsoSel = hdl.Or(tsoSel, hdl.And(d.sf[i], d.tso[i]))
		for j := range s {
			if size[j] > size[i] {
				wider = hdl.Or(wider, hdl.And(d.df[i], d.sf[j]))
			}
		}
	}
	selfBad := hdl.And(r.destIs1, hdl.Not(d.low4is1))
	// Error code of the checks before presence, in Forward's order.
	r.errA = hdl.Priority(hdl.Const(uint64(Forward), ResultBits),
		hdl.When(d.noForm, hdl.Const(uint64(MalformedAddress), ResultBits)),
		hdl.When(d.bad, hdl.Const(uint64(BadIngress), ResultBits)),
		hdl.When(selfBad, hdl.Const(uint64(MalformedAddress), ResultBits)),
		hdl.When(hdl.And(wider, r.destIs1, hdl.Not(tsoSel)), hdl.Const(uint64(ReturnPathInvalid), ResultBits)),
		hdl.When(hdl.And(wider, hdl.Not(r.destIs1), hdl.Not(hdl.And(r.fromIs1, fsoSel))), hdl.Const(uint64(MalformedAddress), ResultBits)),
	)
	useSrc := hdl.And(wider, r.destIs1)
	// The form the hop removes and writes back, as a code: 0 none, k+1
	// form k. Only the code travels on; the shifted label is built at the
	// end (plan.hop) by the same multiplexer that picks it or the
	// unchanged header (code 0).
	var code hdl.Value = hdl.Const(0, cb)
	var overflow hdl.Value = hdl.Const(0, 1)
	var retOK hdl.Value = hdl.Const(0, 1)
	for k := range s {
		of := hdl.Mux(useSrc, d.sf[k], d.df[k])
		code = hdl.Or(code, hdl.And(hdl.Repl(of, cb), hdl.Const(uint64(k+1), cb)))
		overflow = hdl.Or(overflow, hdl.And(of, d.ovf[k]))
		retOK = hdl.Or(retOK, hdl.And(of, d.ok[k]))
	}
	r.code, r.overflow, r.retOK = code, overflow, retOK
	return r
}

// vr is the virtual-router field of a table word.
func (p *plan) vr(word hdl.Value) hdl.Value {
	c := p.cfg
	return hdl.Slice(word, c.PortBits+c.TagBits+c.VRBits-1, c.PortBits+c.TagBits)
}

// table reads what the index table says of a hop: the egress interface
// present (self always is), and the virtual-router rule broken (neither
// side self, the entries' vr differ). egr is the egress table word, iVR
// the ingress entry's virtual router.
func (p *plan) table(egr, iVR, destIs1, destIn, fromIs1 hdl.Value) (present, vrBad hdl.Value) {
	eValid := hdl.Bit(egr, p.ew-1)
	return hdl.Or(destIs1, hdl.And(destIn, eValid)), hdl.And(hdl.Not(destIs1), hdl.Not(fromIs1), hdl.Ne(p.vr(egr), iVR))
}

// hop is the label and labelShift out, {label, labelShift} (70 bits),
// picked by sel (cb bits): 0 the header's unchanged, k+1 the hop through
// form k: the return director of the ingress number from in the top
// size_k bits, the label shifted down by size_k, labelShift + size_k. A
// binary code, so each bit is a 4:1 multiplexer for v358. The return
// director is made from the ingress number by the inverse of the
// director decode (returnDirector), the ROM where that arithmetic does not
// reproduce label.Scheme.Compress.
func (p *plan) hop(sel, hdr, from hdl.Value) hdl.Value {
	lbl := hdl.Slice(hdr, HeaderBits-1, labelLo)
	shift := hdl.Slice(hdr, shiftLo+5, shiftLo)
	cands := []hdl.Value{hdl.Concat(lbl, shift)}
	for k := range p.s {
		size := p.size[k]
		top := returnDirector(p.s, k, from, p.rom, p.ar)
		if top == nil { // the arithmetic does not reproduce label.Compress: use the ROM
			top = p.romWord(from, size, func(e ingressROM) uint64 {
				return bits.Reverse64(e.ret[k]) >> (64 - size) // bit-reversed into the top size_k bits
			})
		}
		sum := p.ar.add(shift, uint64(size)) // no overflow when forwarded
		cands = append(cands, hdl.Concat(top, hdl.Slice(lbl, 63, size), sum))
	}
	return hdl.MuxTree(sel, cands)
}
