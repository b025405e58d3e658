package sim

import (
	"math/big"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// Helpers for values of any width held as little-endian uint64 words with
// clean upper bits. They serve every cell the narrow fast path cannot
// (some operand or the result wider than 64 bits).

func clearTop(d []uint64, w int) { d[len(d)-1] &= hdl.TopMask(w) }

func zero(d []uint64) {
	for i := range d {
		d[i] = 0
	}
}

// extract writes bits [lo, lo+w) of src into dst (Words(w) words); bits
// past the end of src read as 0.
func extract(dst, src []uint64, lo, w int) {
	for i := range dst {
		bit := lo + 64*i
		word, sh := bit/64, uint(bit%64)
		var v uint64
		if word < len(src) {
			v = src[word] >> sh
		}
		if sh != 0 && word+1 < len(src) {
			v |= src[word+1] << (64 - sh)
		}
		dst[i] = v
	}
	clip(dst, w)
}

// clip keeps only the low w bits of d.
func clip(d []uint64, w int) {
	n := hdl.Words(w)
	for i := n; i < len(d); i++ {
		d[i] = 0
	}
	if n > 0 && n <= len(d) {
		d[n-1] &= hdl.TopMask(w)
	}
}

// orInsert ORs the w-bit value src into dst at bit pos (bits beyond dst are dropped).
func orInsert(dst, src []uint64, pos, w int) {
	n := hdl.Words(w)
	for i := 0; i < n && i < len(src); i++ {
		v := src[i]
		if i == n-1 {
			v &= hdl.TopMask(w)
		}
		bit := pos + 64*i
		word, sh := bit/64, uint(bit%64)
		if word < len(dst) {
			dst[word] |= v << sh
		}
		if sh != 0 && word+1 < len(dst) {
			dst[word+1] |= v >> (64 - sh)
		}
	}
}

// fillOnes sets bits [lo, hi) of d.
func fillOnes(d []uint64, lo, hi int) {
	for b := lo; b < hi; {
		if b%64 == 0 && hi-b >= 64 {
			d[b/64] = ^uint64(0)
			b += 64
			continue
		}
		d[b/64] |= 1 << uint(b%64)
		b++
	}
}

func bitOf(d []uint64, i int) bool { return d[i/64]>>uint(i%64)&1 != 0 }

func shlWords(dst, src []uint64, n, w int) {
	zero(dst)
	if n < w {
		orInsert(dst, src, n, w-n)
	}
	clearTop(dst, w)
}

func shrWords(dst, src []uint64, n, w int, arith bool) {
	sign := arith && bitOf(src, w-1)
	if n >= w {
		zero(dst)
	} else {
		extract(dst, src, n, w-n)
	}
	if sign {
		fillOnes(dst, max(w-n, 0), w)
	}
}

// amount reads a shift amount of any width, saturated to limit.
func amount(a []uint64, limit int) int {
	for _, x := range a[1:] {
		if x != 0 {
			return limit
		}
	}
	if a[0] >= uint64(limit) {
		return limit
	}
	return int(a[0])
}

func cmpU(a, b []uint64) int {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func cmpS(a, b []uint64, w int) int {
	sa, sb := bitOf(a, w-1), bitOf(b, w-1)
	if sa != sb {
		if sa {
			return -1
		}
		return 1
	}
	return cmpU(a, b)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// wideOp is one cell evaluated by execWide.
type wideOp struct {
	op    hdl.Op
	out   operand
	in    []operand
	n     int
	mem   int32
	valid int32 // OpMemRead: offset of the valid net, -1 when always valid
}

type operand struct {
	off, w int32
}

func (s *Sim) words(o operand) []uint64 {
	return s.st[o.off : o.off+int32(hdl.Words(int(o.w)))]
}

func (s *Sim) execWide(op *wideOp) {
	d := s.words(op.out)
	w := int(op.out.w)
	in := func(i int) []uint64 { return s.words(op.in[i]) }
	switch op.op {
	case hdl.OpCopy, hdl.OpZext:
		zero(d)
		copy(d, in(0))
	case hdl.OpSext:
		zero(d)
		a := in(0)
		copy(d, a)
		if iw := int(op.in[0].w); bitOf(a, iw-1) {
			fillOnes(d, iw, w)
		}
	case hdl.OpAdd:
		a, b := in(0), in(1)
		var c uint64
		for i := range d {
			d[i], c = bits.Add64(a[i], b[i], c)
		}
		clearTop(d, w)
	case hdl.OpSub:
		a, b := in(0), in(1)
		var c uint64
		for i := range d {
			d[i], c = bits.Sub64(a[i], b[i], c)
		}
		clearTop(d, w)
	case hdl.OpMul:
		a, b := in(0), in(1)
		t := s.scratch[:len(d)]
		zero(t)
		for i := range a {
			var carry uint64
			for j := 0; i+j < len(t); j++ {
				hi, lo := bits.Mul64(a[i], b[j])
				var c1, c2 uint64
				t[i+j], c1 = bits.Add64(t[i+j], lo, 0)
				t[i+j], c2 = bits.Add64(t[i+j], carry, 0)
				carry = hi + c1 + c2
			}
		}
		copy(d, t)
		clearTop(d, w)
	case hdl.OpDiv, hdl.OpMod:
		a, b := hdl.BigFromWords(in(0)), hdl.BigFromWords(in(1))
		zero(d)
		if b.Sign() != 0 {
			var r big.Int
			if op.op == hdl.OpDiv {
				r.Quo(a, b)
			} else {
				r.Rem(a, b)
			}
			v, _ := hdl.WordsFromBig(&r, w)
			copy(d, v)
		}
	case hdl.OpAnd:
		a, b := in(0), in(1)
		for i := range d {
			d[i] = a[i] & b[i]
		}
	case hdl.OpOr:
		a, b := in(0), in(1)
		for i := range d {
			d[i] = a[i] | b[i]
		}
	case hdl.OpXor:
		a, b := in(0), in(1)
		for i := range d {
			d[i] = a[i] ^ b[i]
		}
	case hdl.OpNot:
		a := in(0)
		for i := range d {
			d[i] = ^a[i]
		}
		clearTop(d, w)
	case hdl.OpShl:
		shlWords(d, in(0), op.n, w)
	case hdl.OpShr:
		shrWords(d, in(0), op.n, w, false)
	case hdl.OpSra:
		shrWords(d, in(0), op.n, w, true)
	case hdl.OpShlV:
		shlWords(d, in(0), amount(in(1), w), w)
	case hdl.OpShrV:
		shrWords(d, in(0), amount(in(1), w), w, false)
	case hdl.OpSraV:
		shrWords(d, in(0), amount(in(1), w), w, true)
	case hdl.OpEq:
		d[0] = b2u(cmpU(in(0), in(1)) == 0)
	case hdl.OpNe:
		d[0] = b2u(cmpU(in(0), in(1)) != 0)
	case hdl.OpLtU:
		d[0] = b2u(cmpU(in(0), in(1)) < 0)
	case hdl.OpLeU:
		d[0] = b2u(cmpU(in(0), in(1)) <= 0)
	case hdl.OpLtS:
		d[0] = b2u(cmpS(in(0), in(1), int(op.in[0].w)) < 0)
	case hdl.OpLeS:
		d[0] = b2u(cmpS(in(0), in(1), int(op.in[0].w)) <= 0)
	case hdl.OpRedAnd:
		a, iw := in(0), int(op.in[0].w)
		all := true
		for i, x := range a {
			want := ^uint64(0)
			if i == len(a)-1 {
				want = hdl.TopMask(iw)
			}
			all = all && x == want
		}
		d[0] = b2u(all)
	case hdl.OpRedOr:
		var any uint64
		for _, x := range in(0) {
			any |= x
		}
		d[0] = b2u(any != 0)
	case hdl.OpRedXor:
		p := 0
		for _, x := range in(0) {
			p += bits.OnesCount64(x)
		}
		d[0] = uint64(p & 1)
	case hdl.OpMux:
		if in(0)[0] != 0 {
			copy(d, in(1))
		} else {
			copy(d, in(2))
		}
	case hdl.OpSlice:
		extract(d, in(0), op.n, w)
	case hdl.OpConcat:
		zero(d)
		pos := w
		for i, o := range op.in {
			pos -= int(o.w)
			orInsert(d, in(i), pos, int(o.w))
		}
	case hdl.OpRepl:
		zero(d)
		iw := int(op.in[0].w)
		for k := 0; k < op.n; k++ {
			orInsert(d, in(0), k*iw, iw)
		}
	case hdl.OpMemRead:
		if op.valid >= 0 && s.st[op.valid] == 0 {
			zero(d)
			return
		}
		m := &s.mems[op.mem]
		idx := int(in(0)[0])
		copy(d, m.data[idx*m.nw:(idx+1)*m.nw])
	}
}
