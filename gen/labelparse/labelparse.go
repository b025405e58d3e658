package labelparse

import (
	"encoding/hex"
	"fmt"
	"math/bits"
	"strings"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/label"
)

const generator = "gen/labelparse"

// Latency is the number of clocks from a header on in_hdr (in_valid set)
// to its result on the outputs: input register, decode, width rules and
// table read, table data register, result select.
const Latency = 5

// HeaderBits is the width of in_hdr and out_hdr: the 12-byte switch header.
const HeaderBits = 8 * label.HeaderSize

// MaxInterfaces bounds Config.Interfaces: the index table is one block RAM
// word per interface and cjdns' widest scheme of interest (F8/V358) reaches
// 256.
const MaxInterfaces = 1 << 12

// MaxFieldBits bounds PortBits, TagBits and VRBits.
const MaxFieldBits = 16

// Result is the block's verdict on one header (out_result).
type Result uint8

// Results, in the order the hardware checks them (see the package
// documentation for the precedence).
const (
	Forward           Result = iota // hop done: out_to, out_hdr, out_port, out_tag are valid
	MalformedAddress                // cjdns MALFORMED_ADDRESS from the director/width rules
	ReturnPathInvalid               // cjdns RETURN_PATH_INVALID
	ShiftOverflow                   // labelShift would pass 63: cjdns drops silently
	UnknownInterface                // egress interface absent; cjdns sends MALFORMED_ADDRESS
	VRMismatch                      // pktrouter: egress in another virtual router than ingress
	BadIngress                      // ingress number not representable in the scheme, or >= Interfaces
)

// ResultBits is the width of out_result.
const ResultBits = 3

var resultNames = [...]string{"forward", "malformed_address", "return_path_invalid", "shift_overflow",
	"unknown_interface", "vr_mismatch", "bad_ingress"}

func (r Result) String() string {
	if int(r) < len(resultNames) {
		return resultNames[r]
	}
	return fmt.Sprintf("result(%d)", uint8(r))
}

// CjdnsCode is the cjdns error code (label.ErrorMalformedAddress, ...) a
// switch answers the result with in a CTRL error frame, and 0 for results
// that send none (Forward, ShiftOverflow, and the pktrouter-only
// VRMismatch and BadIngress, which go to the CPU port for counting).
func (r Result) CjdnsCode() uint32 {
	switch r {
	case MalformedAddress, UnknownInterface:
		return label.ErrorMalformedAddress
	case ReturnPathInvalid:
		return label.ErrorReturnPathInvalid
	}
	return 0
}

// Config is one configuration of the block.
type Config struct {
	// Scheme is the switch's encoding scheme; nil means label.V358.
	Scheme label.Scheme
	// Interfaces is the number of index table entries (interface numbers
	// 0..Interfaces-1), 2..MaxInterfaces. ref4: 4 ports × 8 leases + self.
	Interfaces int
	// PortBits, TagBits, VRBits are the widths of an entry's egress port,
	// lease tag and virtual router, 1..MaxFieldBits each.
	PortBits, TagBits, VRBits int
}

// Ref4 is the reference configuration: v3x5x8, 33 interfaces, 5 ports
// (4 + CPU) in 3 bits, 8 lease tags, 16 virtual routers.
var Ref4 = Config{Scheme: label.V358, Interfaces: 33, PortBits: 3, TagBits: 3, VRBits: 4}

// Entry is one index table entry as software sees it.
type Entry struct {
	Valid         bool
	Port, Tag, VR uint32
}

// scheme returns the configured scheme (V358 when nil).
func (c Config) scheme() label.Scheme {
	if c.Scheme == nil {
		return label.V358
	}
	return c.Scheme
}

// Validate checks every field, naming the one that is wrong.
func (c Config) Validate() error {
	if err := c.scheme().Validate(); err != nil {
		return fmt.Errorf("labelparse: scheme: %w", err)
	}
	if c.Interfaces < 2 || c.Interfaces > MaxInterfaces {
		return fmt.Errorf("labelparse: interfaces %d out of range 2..%d", c.Interfaces, MaxInterfaces)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"port bits", c.PortBits}, {"tag bits", c.TagBits}, {"vr bits", c.VRBits}} {
		if f.v < 1 || f.v > MaxFieldBits {
			return fmt.Errorf("labelparse: %s %d out of range 1..%d", f.name, f.v, MaxFieldBits)
		}
	}
	return nil
}

// AddrBits is the width of in_from, out_to and tbl_addr.
func (c Config) AddrBits() int {
	return max(1, bits.Len(uint(c.Interfaces-1)))
}

// EntryBits is the width of an index table word (tbl_wdata).
func (c Config) EntryBits() int { return 1 + c.VRBits + c.TagBits + c.PortBits }

// Pack encodes e as the tbl_wdata word {valid, vr, tag, port}. A field too
// wide for its configured width is an error naming it.
func (c Config) Pack(e Entry) (uint64, error) {
	for _, f := range []struct {
		name string
		v    uint32
		w    int
	}{{"port", e.Port, c.PortBits}, {"tag", e.Tag, c.TagBits}, {"vr", e.VR, c.VRBits}} {
		if uint64(f.v)>>f.w != 0 {
			return 0, fmt.Errorf("labelparse: entry %s %d does not fit %d bits", f.name, f.v, f.w)
		}
	}
	w := uint64(e.Port) | uint64(e.Tag)<<c.PortBits | uint64(e.VR)<<(c.PortBits+c.TagBits)
	if e.Valid {
		w |= 1 << (c.PortBits + c.TagBits + c.VRBits)
	}
	return w, nil
}

// Unpack decodes a table word (the inverse of Pack).
func (c Config) Unpack(w uint64) Entry {
	m := func(n int) uint64 { return 1<<n - 1 }
	return Entry{
		Port:  uint32(w & m(c.PortBits)),
		Tag:   uint32(w >> c.PortBits & m(c.TagBits)),
		VR:    uint32(w >> (c.PortBits + c.TagBits) & m(c.VRBits)),
		Valid: w>>(c.PortBits+c.TagBits+c.VRBits)&1 != 0,
	}
}

// Header bit positions inside the 96-bit in_hdr/out_hdr.
const (
	labelLo = 32 // label is hdr[95:32]
	shiftLo = 16 // labelShift is hdr[21:16]
)

// HeaderWords packs a switch header as the little-endian words of the
// 96-bit in_hdr value.
func HeaderWords(h label.Header) []uint64 {
	b := h.AppendTo(make([]byte, 0, label.HeaderSize))
	lo := uint64(b[8])<<24 | uint64(b[9])<<16 | uint64(b[10])<<8 | uint64(b[11])
	lbl := uint64(0)
	for _, x := range b[:8] {
		lbl = lbl<<8 | uint64(x)
	}
	return []uint64{lbl<<32 | lo, lbl >> 32}
}

// HeaderFromWords is the inverse of HeaderWords. Missing words are zero.
func HeaderFromWords(w []uint64) label.Header {
	var lo, hi uint64
	if len(w) > 0 {
		lo = w[0]
	}
	if len(w) > 1 {
		hi = w[1]
	}
	var b [label.HeaderSize]byte
	lbl := hi<<32 | lo>>32
	for i := range 8 {
		b[i] = byte(lbl >> (56 - 8*i))
	}
	b[8], b[9], b[10], b[11] = byte(lo>>24), byte(lo>>16), byte(lo>>8), byte(lo)
	h, _ := label.ParseHeader(b[:]) // 12 bytes: cannot fail
	return h
}

// ingressROM is what the block needs to know about an ingress interface
// number, computed at generation time with label's public API so the
// hardware cannot drift from it: whether it is representable, its
// canonical form, and its return director in each form.
type ingressROM struct {
	bad  bool
	form int
	ok   []bool   // fits form k
	ret  []uint64 // director in form k (size_k bits)
}

func romEntry(s label.Scheme, n uint64, interfaces int) (ingressROM, error) {
	e := ingressROM{ok: make([]bool, len(s)), ret: make([]uint64, len(s))}
	if n >= uint64(interfaces) {
		e.bad = true
		return e, nil
	}
	d, err := s.Compress(uint32(n), label.Canonical)
	if err != nil {
		e.bad = true
		return e, nil
	}
	if e.form, err = s.FormOf(d); err != nil {
		// Compress wrote a director its own scheme cannot read: only
		// possible for a scheme Validate rejects.
		return e, fmt.Errorf("labelparse: interface %d: %w", n, err)
	}
	for k := range s {
		if d, err := s.Compress(uint32(n), k); err == nil {
			e.ok[k], e.ret[k] = true, d
		}
	}
	return e, nil
}

// destOf is the interface number a data field of form k selects
// (cjdns EncodingScheme_parseDirector), as hardware: v358's 3-bit form
// swaps 0 and 1, its wider forms skip 1 (n = field+1 unless 0), other
// variable schemes flip the low bit, fixed schemes use the field as is.
func destOf(s label.Scheme, k int, field hdl.Value, w int) hdl.Value {
	bc := field.Width()
	f := hdl.ZExt(field, w)
	switch {
	case s.Name() == "v358" && k == 0:
		upper := hdl.OrR(hdl.Slice(field, bc-1, 1))
		// 0 <-> 1 when the upper bits are zero.
		return hdl.Xor(f, hdl.ZExt(hdl.Not(upper), w))
	case s.Name() == "v358":
		nz := hdl.OrR(field)
		return hdl.Mux(nz, hdl.Add(f, hdl.Const(1, w)), hdl.Const(0, w))
	case len(s) > 1:
		return hdl.Xor(f, hdl.Const(1, w))
	}
	return f
}

// fieldOf is the inverse of destOf: the data field (BitCount bits, as a
// uint64) form k of s writes for interface number n (n != 1; 1 is always
// 0001), or false when n does not fit. It mirrors label's NumberCompress
// rules; returnDirector checks it against label.Scheme.Compress.
func fieldOf(s label.Scheme, k int, n uint64) (uint64, bool) {
	bc := uint(s[k].BitCount)
	f := n
	switch {
	case s.Name() == "v358" && k == 0:
		if n>>1 == 0 {
			f = n ^ 1
		}
	case s.Name() == "v358":
		if n != 0 {
			f = n - 1
		}
	case len(s) > 1:
		f = n ^ 1
	}
	return f, f>>bc == 0
}

// returnDirector is the return director of form k for the ingress
// interface number n (s4_from), bit-reversed into size_k bits, as logic:
// the inverse of destOf (v358: 0/1 swap or n-1; other variable schemes: a
// flipped low bit; fixed schemes: n itself) below the form's prefix, 0001
// for interface 1. It replaces a ROM on n of about 20 LUTs per form with a
// few gates and a short decrement. It is checked at generation time
// against every ROM entry that fits the form (ingressROM, from
// label.Scheme.Compress); on any difference it returns nil and the caller
// uses the ROM, so the hardware stays bit-exact with label either way.
func returnDirector(s label.Scheme, k int, n hdl.Value, rom []ingressROM) hdl.Value {
	f := s[k]
	bc, pl := int(f.BitCount), int(f.PrefixLen)
	size := bc + pl
	for i, e := range rom {
		if !e.ok[k] {
			continue
		}
		want := e.ret[k]
		got := uint64(1)
		if i != 1 {
			fld, ok := fieldOf(s, k, uint64(i))
			if !ok {
				return nil
			}
			got = fld<<pl | uint64(f.Prefix)
		}
		if got != want {
			return nil
		}
	}
	aw := n.Width()
	w := max(aw, bc)
	nn := n
	if aw < w {
		nn = hdl.ZExt(n, w)
	}
	var fld hdl.Value = nn
	switch {
	case s.Name() == "v358" && k == 0:
		low := hdl.Eq(hdl.Slice(nn, w-1, 1), hdl.Const(0, w-1))
		fld = hdl.Xor(nn, hdl.ZExt(low, w))
	case s.Name() == "v358":
		fld = hdl.Mux(hdl.OrR(nn), hdl.Sub(nn, hdl.Const(1, w)), nn)
	case len(s) > 1:
		fld = hdl.Xor(nn, hdl.Const(1, w))
	}
	var d hdl.Value = hdl.Slice(fld, bc-1, 0)
	if pl > 0 {
		d = hdl.Concat(d, hdl.Const(uint64(f.Prefix), pl))
	}
	d = hdl.Mux(hdl.Eq(n, hdl.Const(1, aw)), hdl.Const(1, size), d)
	rev := make([]hdl.Value, size) // bit i of d goes to bit size-1-i
	for i := range rev {
		rev[i] = hdl.Bit(d, i)
	}
	return hdl.Concat(rev...)
}

// New builds the label parser for cfg.
func New(cfg Config) (*hdl.Module, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := cfg.scheme()
	K := len(s)
	aw, ew := cfg.AddrBits(), cfg.EntryBits()
	name := s.Name()
	if name == "" {
		name = "x" + hex.EncodeToString(s.Bytes())
	}
	m := hdl.NewGenerated(generator, "labelparse",
		hdl.P("s", name), hdl.P("n", cfg.Interfaces), hdl.P("p", cfg.PortBits), hdl.P("t", cfg.TagBits), hdl.P("v", cfg.VRBits),
		hdl.P("latency", Latency)) // latency: so the emitted header comment states it

	size := make([]int, K)
	maxBC := 0
	for k, f := range s {
		size[k] = int(f.Size())
		maxBC = max(maxBC, int(f.BitCount))
	}
	dw := maxBC + 1 // interface number width (v358's +1 needs the carry)
	if dw < aw {
		dw = aw
	}

	// The ingress ROM, one entry per in_from value.
	rom := make([]ingressROM, 1<<aw)
	for n := range rom {
		e, err := romEntry(s, uint64(n), cfg.Interfaces)
		if err != nil {
			return nil, err
		}
		rom[n] = e
	}
	selfForm := -1 // canonical form of interface 1, -1 when not representable
	if !rom[1].bad {
		selfForm = rom[1].form
	}

	inValid := m.Input("in_valid", 1)
	inHdr := m.Input("in_hdr", HeaderBits)
	inFrom := m.Input("in_from", aw)
	tblWe := m.Input("tbl_we", 1)
	tblAddr := m.Input("tbl_addr", aw)
	tblData := m.Input("tbl_wdata", ew)

	// Stage 1: input register.
	v1 := m.Reg("s1_valid", 1)
	v1.Next(inValid)
	h1 := m.Reg("s1_hdr", HeaderBits, hdl.NoReset())
	h1.Next(inHdr)
	f1 := m.Reg("s1_from", aw, hdl.NoReset())
	f1.Next(inFrom)

	// Stage 2: decode.
	lbl := hdl.Slice(h1, HeaderBits-1, labelLo)
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
	df := make([]hdl.Value, K)
	var anyMatch hdl.Value = hdl.Const(0, 1)
	for k := range s {
		df[k] = hdl.And(match[k], hdl.Not(anyMatch))
		anyMatch = hdl.Or(anyMatch, match[k])
	}
	var dest hdl.Value = hdl.Const(0, dw)
	for k, f := range s {
		field := hdl.Slice(lbl, int(f.PrefixLen)+int(f.BitCount)-1, int(f.PrefixLen))
		dest = hdl.Or(dest, hdl.And(hdl.Repl(df[k], dw), destOf(s, k, field, dw)))
	}
	low4is1 := hdl.Eq(hdl.Slice(lbl, 3, 0), hdl.Const(1, 4))
	// Issue #93: toward self with a wider ingress form j, label[size_j+3:0]
	// must be 0...0001.
	toSelfOK := make([]hdl.Value, K)
	for j := range s {
		toSelfOK[j] = hdl.Eq(hdl.Slice(lbl, size[j]+3, 0), hdl.Const(1, size[j]+4))
	}
	// From self, wider than director form i: label >> (size_i+64-s1) == 0.
	fromSelfOK := make([]hdl.Value, K)
	for i := range s {
		if selfForm >= 0 && size[selfForm] > size[i] {
			lo := size[i] + 64 - size[selfForm]
			fromSelfOK[i] = hdl.Not(hdl.OrR(hdl.Slice(lbl, 63, lo)))
		} else {
			fromSelfOK[i] = hdl.Const(1, 1)
		}
	}
	// ROM lookups on the ingress number: constant functions of s1_from.
	romBit := func(f func(e ingressROM) bool) hdl.Value {
		var arms []hdl.Arm
		for n, e := range rom {
			if f(e) {
				arms = append(arms, hdl.When(hdl.Const(uint64(n), aw), hdl.Const(1, 1)))
			}
		}
		if len(arms) == 0 {
			return hdl.Const(0, 1)
		}
		if len(arms) == len(rom) {
			return hdl.Const(1, 1)
		}
		return hdl.Case(f1, hdl.Const(0, 1), arms...)
	}
	romWord := func(addr hdl.Value, w int, f func(e ingressROM) uint64) hdl.Value {
		var arms []hdl.Arm
		for n, e := range rom {
			if v := f(e); v != 0 {
				arms = append(arms, hdl.When(hdl.Const(uint64(n), aw), hdl.Const(v, w)))
			}
		}
		if len(arms) == 0 {
			return hdl.Const(0, w)
		}
		return hdl.Case(addr, hdl.Const(0, w), arms...)
	}
	inBad := romBit(func(e ingressROM) bool { return e.bad })
	sf := make([]hdl.Value, K)
	okK := make([]hdl.Value, K)
	for k := range s {
		sf[k] = romBit(func(e ingressROM) bool { return !e.bad && e.form == k })
		okK[k] = romBit(func(e ingressROM) bool { return e.ok[k] })
	}

	// Whether labelShift + each form's width passes 63, ahead of knowing
	// which form the hop uses, so stage 3 only selects. The sums
	// themselves are made in stage 5, from the header that travels on.
	shift1 := hdl.Slice(h1, shiftLo+5, shiftLo)
	ovfK := make([]hdl.Value, K)
	for k := range s {
		ovfK[k] = hdl.Ge(shift1, hdl.Const(uint64(64-size[k]), 6))
	}
	reg := func(name string, v hdl.Value) *hdl.Signal {
		r := m.Reg(name, v.Width(), hdl.NoReset())
		r.Next(v)
		return r
	}
	regs := func(name string, vs []hdl.Value) []hdl.Value {
		out := make([]hdl.Value, len(vs))
		for i, v := range vs {
			out[i] = reg(fmt.Sprintf("%s%d", name, i), v)
		}
		return out
	}
	v2 := m.Reg("s2_valid", 1)
	v2.Next(v1)
	h2 := reg("s2_hdr", h1)
	f2 := reg("s2_from", f1)
	noForm2 := reg("s2_noform", hdl.Not(anyMatch))
	dest2 := reg("s2_dest", dest)
	low4is1_2 := reg("s2_low4is1", low4is1)
	bad2 := reg("s2_badin", inBad)
	df2 := regs("s2_df", df)
	sf2 := regs("s2_sf", sf)
	ok2 := regs("s2_ok", okK)
	tso2 := regs("s2_toselfok", toSelfOK)
	fso2 := regs("s2_fromselfok", fromSelfOK)
	ovf2 := regs("s2_ovf", ovfK)

	// Stage 3: width rules, shift, table read.
	destIs1 := hdl.Eq(dest2, hdl.Const(1, dw))
	var destIn hdl.Value = hdl.Const(1, 1)
	if uint64(cfg.Interfaces) < uint64(1)<<dw {
		destIn = hdl.Lt(dest2, hdl.Const(uint64(cfg.Interfaces), dw))
	}
	fromIs1 := hdl.Eq(f2, hdl.Const(1, aw))
	// wider: the ingress form is wider than the director's.
	var wider hdl.Value = hdl.Const(0, 1)
	var fsoSel hdl.Value = hdl.Const(0, 1)
	var tsoSel hdl.Value = hdl.Const(0, 1)
	for i := range s {
		fsoSel = hdl.Or(fsoSel, hdl.And(df2[i], fso2[i]))
		tsoSel = hdl.Or(tsoSel, hdl.And(sf2[i], tso2[i]))
		for j := range s {
			if size[j] > size[i] {
				wider = hdl.Or(wider, hdl.And(df2[i], sf2[j]))
			}
		}
	}
	selfBad := hdl.And(destIs1, hdl.Not(low4is1_2))
	// Error code of the checks before presence, in Forward's order.
	errA := hdl.Priority(hdl.Const(uint64(Forward), ResultBits),
		hdl.When(noForm2, hdl.Const(uint64(MalformedAddress), ResultBits)),
		hdl.When(bad2, hdl.Const(uint64(BadIngress), ResultBits)),
		hdl.When(selfBad, hdl.Const(uint64(MalformedAddress), ResultBits)),
		hdl.When(hdl.And(wider, destIs1, hdl.Not(tsoSel)), hdl.Const(uint64(ReturnPathInvalid), ResultBits)),
		hdl.When(hdl.And(wider, hdl.Not(destIs1), hdl.Not(hdl.And(fromIs1, fsoSel))), hdl.Const(uint64(MalformedAddress), ResultBits)),
	)
	useSrc := hdl.And(wider, destIs1)
	// The form the hop removes and writes back, as a code: 0 none, k+1
	// form k. Only the code, the chosen return director and the new
	// labelShift travel on; the shifted label is built in stage 5 by the
	// same multiplexer that picks it or the unchanged header (code 0), so
	// one header, not an old and a new one, goes down the pipeline.
	cb := bits.Len(uint(K))
	var code hdl.Value = hdl.Const(0, cb)
	var overflow hdl.Value = hdl.Const(0, 1)
	var retOK hdl.Value = hdl.Const(0, 1)
	for k := range s {
		of := hdl.Mux(useSrc, sf2[k], df2[k])
		code = hdl.Or(code, hdl.And(hdl.Repl(of, cb), hdl.Const(uint64(k+1), cb)))
		overflow = hdl.Or(overflow, hdl.And(of, ovf2[k]))
		retOK = hdl.Or(retOK, hdl.And(of, ok2[k]))
	}

	tbl := m.Memory("tbl", ew, cfg.Interfaces)
	tbl.Write(tblWe, tblAddr, tblData)
	egr := tbl.ReadSync(hdl.Slice(dest2, aw-1, 0))
	ing := tbl.ReadSync(f2)

	v3 := m.Reg("s3_valid", 1)
	v3.Next(v2)
	h3 := reg("s3_hdr", h2)
	code3 := reg("s3_code", code)
	f3 := reg("s3_from", f2)
	to3 := reg("s3_to", hdl.Slice(dest2, aw-1, 0))
	errA3 := reg("s3_erra", errA)
	destIs1_3 := reg("s3_destis1", destIs1)
	destIn3 := reg("s3_destin", destIn)
	fromIs1_3 := reg("s3_fromis1", fromIs1)
	retOK3 := reg("s3_retok", retOK)
	ovf3 := reg("s3_overflow", overflow)

	// Stage 4: what the table says, registered straight out of the block
	// RAM (its clock-to-out is a quarter of the 8 ns budget).
	pb, tb, vb := cfg.PortBits, cfg.TagBits, cfg.VRBits
	eValid := hdl.Bit(egr, ew-1)
	eVR := hdl.Slice(egr, pb+tb+vb-1, pb+tb)
	iVR := hdl.Slice(ing, pb+tb+vb-1, pb+tb)
	v4 := m.Reg("s4_valid", 1)
	v4.Next(v3)
	present4 := reg("s4_present", hdl.Or(destIs1_3, hdl.And(destIn3, eValid)))
	vrBad4 := reg("s4_vrbad", hdl.And(hdl.Not(destIs1_3), hdl.Not(fromIs1_3), hdl.Ne(eVR, iVR)))
	port4 := reg("s4_port", hdl.Slice(egr, pb-1, 0))
	tag4 := reg("s4_tag", hdl.Slice(egr, pb+tb-1, pb))
	h4 := reg("s4_hdr", h3)
	code4 := reg("s4_code", code3)
	f4 := reg("s4_from", f3)
	to4 := reg("s4_to", to3)
	errA4 := reg("s4_erra", errA3)
	// The checks after presence, in Forward's order, folded into one code
	// here where the stage has room (not in stage 3, whose width rules
	// feed them).
	late4 := reg("s4_late", hdl.Priority(hdl.Const(uint64(Forward), ResultBits),
		hdl.When(hdl.Not(retOK3), hdl.Const(uint64(ReturnPathInvalid), ResultBits)),
		hdl.When(ovf3, hdl.Const(uint64(ShiftOverflow), ResultBits))))
	// Every check but presence and the virtual-router compare passed, so
	// stage 5's forward decision is one LUT.
	ok4 := reg("s4_ok", hdl.And(v3, hdl.Not(hdl.OrR(errA3)), retOK3, hdl.Not(ovf3)))

	// Stage 5: result select into the output registers.
	res := hdl.Priority(hdl.Const(uint64(Forward), ResultBits),
		hdl.When(hdl.OrR(errA4), errA4),
		hdl.When(hdl.Not(present4), hdl.Const(uint64(UnknownInterface), ResultBits)),
		hdl.When(hdl.OrR(late4), late4),
		hdl.When(vrBad4, hdl.Const(uint64(VRMismatch), ResultBits)),
	)
	fwd := m.Wire("fwd", 1)
	fwd.Drive(hdl.And(ok4, present4, hdl.Not(vrBad4)))
	// The header out: candidate 0 is the header unchanged, candidate k+1
	// the hop through form k (return director in the top size_k bits, the
	// label shifted down by size_k, labelShift + size_k), picked by a
	// binary code so each bit is a 4:1 multiplexer (two LUT4s) for v358.
	// The return director comes from the ingress ROM on s4_from and the
	// new labelShift from an adder per form: both in parallel with the
	// forward decision, and neither costs pipeline registers.
	sel := m.Wire("hdr_sel", cb)
	sel.Drive(hdl.And(hdl.Repl(fwd, cb), code4))
	lbl4 := hdl.Slice(h4, HeaderBits-1, labelLo)
	shift4 := hdl.Slice(h4, shiftLo+5, shiftLo)
	cands := []hdl.Value{hdl.Concat(lbl4, shift4)}
	for k := range s {
		top := returnDirector(s, k, f4, rom)
		if top == nil { // the arithmetic does not reproduce label.Compress: use the ROM
			top = romWord(f4, size[k], func(e ingressROM) uint64 {
				return bits.Reverse64(e.ret[k]) >> (64 - size[k]) // bit-reversed into the top size_k bits
			})
		}
		sum := hdl.Add(shift4, hdl.Const(uint64(size[k]), 6)) // no overflow when forwarded
		cands = append(cands, hdl.Concat(top, hdl.Slice(lbl4, 63, size[k]), sum))
	}
	picked := hdl.MuxTree(sel, cands)
	newHdr := hdl.Concat(hdl.Slice(picked, 69, 6), hdl.Slice(h4, labelLo-1, shiftLo+6), hdl.Slice(picked, 5, 0), hdl.Slice(h4, shiftLo-1, 0))
	oreg := func(name string, v hdl.Value) *hdl.Signal {
		r := m.Reg(name, v.Width()) // reset: outputs are 0 while rst
		r.Next(v)
		return r
	}
	outV := oreg("out_valid_r", v4)
	outRes := oreg("out_result_r", hdl.And(hdl.Repl(v4, ResultBits), res))
	outTo := oreg("out_to_r", hdl.And(hdl.Repl(fwd, aw), to4))
	outHdr := oreg("out_hdr_r", hdl.And(hdl.Repl(v4, HeaderBits), newHdr))
	outFrom := oreg("out_from_r", hdl.And(hdl.Repl(v4, aw), f4))
	outPort := oreg("out_port_r", hdl.And(hdl.Repl(fwd, pb), port4))
	outTag := oreg("out_tag_r", hdl.And(hdl.Repl(fwd, tb), tag4))

	m.Output("out_valid", 1).Drive(outV)
	m.Output("out_result", ResultBits).Drive(outRes)
	m.Output("out_to", aw).Drive(outTo)
	m.Output("out_hdr", HeaderBits).Drive(outHdr)
	m.Output("out_from", aw).Drive(outFrom)
	m.Output("out_port", pb).Drive(outPort)
	m.Output("out_tag", tb).Drive(outTag)
	return m, nil
}

// ParseScheme reads a scheme as the CLI and the generator registry take
// it: a cjdns name (v358 or v3x5x8, v4x8, f4, f8; case ignored) or the
// scheme's cjdns serialization (label.Scheme.Bytes) in hex, 0x-prefixed.
func ParseScheme(s string) (label.Scheme, error) {
	if h, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(s)), "0x"); ok {
		b, err := hex.DecodeString(h)
		if err != nil {
			return nil, fmt.Errorf("labelparse: scheme %q: not hex: %w", s, err)
		}
		sc, err := label.ParseScheme(b)
		if err != nil {
			return nil, fmt.Errorf("labelparse: scheme %q: %w", s, err)
		}
		return sc, nil
	}
	sc, err := label.SchemeByName(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("labelparse: scheme %q: want v358, v4x8, f4, f8 or 0x<serialized scheme>: %w", s, err)
	}
	return sc, nil
}
