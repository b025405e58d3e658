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
// table read, table data register, result select. The held-input block
// (Config.HeldInput) has the same latency.
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
	// HeldInput builds the block for a caller that holds its input: in_hdr
	// and in_from keep their value from the clock in_valid presents them
	// until Latency-1 clocks later, as the device's header unit does. No
	// stage then copies the header: every stage reads it from the inputs,
	// only decode results and the table's answer are registered, and the
	// results hold until the next ones (see the package documentation).
	// false is the pipelined block, one header per clock.
	HeldInput bool
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
func destOf(s label.Scheme, k int, field hdl.Value, w int, ar arith) hdl.Value {
	bc := field.Width()
	f := hdl.ZExt(field, w)
	switch {
	case s.Name() == "v358" && k == 0:
		upper := hdl.OrR(hdl.Slice(field, bc-1, 1))
		// 0 <-> 1 when the upper bits are zero.
		return hdl.Xor(f, hdl.ZExt(hdl.Not(upper), w))
	case s.Name() == "v358":
		nz := hdl.OrR(field)
		return hdl.Mux(nz, ar.add(f, 1), hdl.Const(0, w))
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
func returnDirector(s label.Scheme, k int, n hdl.Value, rom []ingressROM, ar arith) hdl.Value {
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
		fld = hdl.Mux(hdl.OrR(nn), ar.dec(nn), nn)
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

// New builds the label parser for cfg: the five-stage pipeline that takes
// one header per clock, or, with cfg.HeldInput, the parser for a held
// input (see Config.HeldInput).
func New(cfg Config) (*hdl.Module, error) {
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.HeldInput {
		return p.held(), nil
	}
	return p.pipelined(), nil
}

// pipelined builds the five-stage block that takes one header per clock.
func (p *plan) pipelined() *hdl.Module {
	cfg, aw, ew := p.cfg, p.aw, p.ew
	m := hdl.NewGenerated(generator, "labelparse", p.params()...)

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
	d := p.decode(h1, f1)
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
	d2 := decoded{
		noForm:  reg("s2_noform", d.noForm),
		dest:    reg("s2_dest", d.dest),
		low4is1: reg("s2_low4is1", d.low4is1),
		bad:     reg("s2_badin", d.bad),
		df:      regs("s2_df", d.df),
		sf:      regs("s2_sf", d.sf),
		ok:      regs("s2_ok", d.ok),
		tso:     regs("s2_toselfok", d.tso),
		fso:     regs("s2_fromselfok", d.fso),
		ovf:     regs("s2_ovf", d.ovf),
	}

	// Stage 3: width rules, shift, table read.
	r := p.rules(d2, f2)
	tbl := m.Memory("tbl", ew, cfg.Interfaces)
	tbl.Write(tblWe, tblAddr, tblData)
	egr := tbl.ReadSync(hdl.Slice(d2.dest, aw-1, 0))
	ing := tbl.ReadSync(f2)

	v3 := m.Reg("s3_valid", 1)
	v3.Next(v2)
	h3 := reg("s3_hdr", h2)
	code3 := reg("s3_code", r.code)
	f3 := reg("s3_from", f2)
	to3 := reg("s3_to", hdl.Slice(d2.dest, aw-1, 0))
	errA3 := reg("s3_erra", r.errA)
	destIs1_3 := reg("s3_destis1", r.destIs1)
	destIn3 := reg("s3_destin", r.destIn)
	fromIs1_3 := reg("s3_fromis1", r.fromIs1)
	retOK3 := reg("s3_retok", r.retOK)
	ovf3 := reg("s3_overflow", r.overflow)

	// Stage 4: what the table says, registered straight out of the block
	// RAM (its clock-to-out is a quarter of the 8 ns budget).
	pb, tb := cfg.PortBits, cfg.TagBits
	present, vrBad := p.table(egr, p.vr(ing), destIs1_3, destIn3, fromIs1_3)
	v4 := m.Reg("s4_valid", 1)
	v4.Next(v3)
	present4 := reg("s4_present", present)
	vrBad4 := reg("s4_vrbad", vrBad)
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
	// the hop through form k (see plan.hop), picked by a binary code so
	// each bit is a 4:1 multiplexer (two LUT4s) for v358. The return
	// director is made from s4_from and the new labelShift by an adder per
	// form: both in parallel with the forward decision, and neither costs
	// pipeline registers.
	sel := m.Wire("hdr_sel", p.cb)
	sel.Drive(hdl.And(hdl.Repl(fwd, p.cb), code4))
	picked := p.hop(sel, h4, f4)
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
	return m
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
