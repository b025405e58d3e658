package sim

// This file is the multi-word runtime: the arithmetic on values wider than
// 64 bits, held as little-endian uint64 words with clean upper bits. It
// imports only the standard library because it is shared word for word:
// the interpreter calls it from execWide, and the compiled tier
// (GenerateGo) copies this file's source into every program it generates,
// so both tiers compute wide values with the very same code.

import (
	"math/big"
	"math/bits"
)

// rtTopMask is the mask of valid bits in the top word of a w-bit value.
func rtTopMask(w int) uint64 {
	if r := w % 64; r != 0 {
		return (uint64(1) << uint(r)) - 1
	}
	return ^uint64(0)
}

func rtWords(w int) int { return (w + 63) / 64 }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func clearTop(d []uint64, w int) { d[len(d)-1] &= rtTopMask(w) }

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
	n := rtWords(w)
	for i := n; i < len(d); i++ {
		d[i] = 0
	}
	if n > 0 && n <= len(d) {
		d[n-1] &= rtTopMask(w)
	}
}

// orInsert ORs the w-bit value src into dst at bit pos (bits beyond dst are dropped).
func orInsert(dst, src []uint64, pos, w int) {
	n := rtWords(w)
	for i := 0; i < n && i < len(src); i++ {
		v := src[i]
		if i == n-1 {
			v &= rtTopMask(w)
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

// wCopy zero-extends a into d.
func wCopy(d, a []uint64) {
	zero(d)
	copy(d, a)
}

// wSext sign-extends the iw-bit a into the w-bit d.
func wSext(d, a []uint64, iw, w int) {
	zero(d)
	copy(d, a)
	if bitOf(a, iw-1) {
		fillOnes(d, iw, w)
	}
}

func wAdd(d, a, b []uint64, w int) {
	var c uint64
	for i := range d {
		d[i], c = bits.Add64(a[i], b[i], c)
	}
	clearTop(d, w)
}

func wSub(d, a, b []uint64, w int) {
	var c uint64
	for i := range d {
		d[i], c = bits.Sub64(a[i], b[i], c)
	}
	clearTop(d, w)
}

// wMul multiplies into t (len(d) words of scratch), then copies to d.
func wMul(d, a, b, t []uint64, w int) {
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
}

func rtBig(words []uint64) *big.Int {
	v := new(big.Int)
	for i := len(words) - 1; i >= 0; i-- {
		v.Lsh(v, 64)
		v.Or(v, new(big.Int).SetUint64(words[i]))
	}
	return v
}

// wDivMod sets d to a/b (or a%b when mod); division by zero gives 0.
func wDivMod(d, a, b []uint64, mod bool) {
	x, y := rtBig(a), rtBig(b)
	zero(d)
	if y.Sign() == 0 {
		return
	}
	var r big.Int
	if mod {
		r.Rem(x, y)
	} else {
		r.Quo(x, y)
	}
	for i := range d {
		var t big.Int
		d[i] = t.Rsh(&r, uint(64*i)).Uint64()
	}
}

func wAnd(d, a, b []uint64) {
	for i := range d {
		d[i] = a[i] & b[i]
	}
}

func wOr(d, a, b []uint64) {
	for i := range d {
		d[i] = a[i] | b[i]
	}
}

func wXor(d, a, b []uint64) {
	for i := range d {
		d[i] = a[i] ^ b[i]
	}
}

func wNot(d, a []uint64, w int) {
	for i := range d {
		d[i] = ^a[i]
	}
	clearTop(d, w)
}

// wRedAnd is 1 when all iw bits of a are set.
func wRedAnd(a []uint64, iw int) uint64 {
	all := true
	for i, x := range a {
		want := ^uint64(0)
		if i == len(a)-1 {
			want = rtTopMask(iw)
		}
		all = all && x == want
	}
	return b2u(all)
}

func wRedOr(a []uint64) uint64 {
	var any uint64
	for _, x := range a {
		any |= x
	}
	return b2u(any != 0)
}

func wRedXor(a []uint64) uint64 {
	p := 0
	for _, x := range a {
		p += bits.OnesCount64(x)
	}
	return uint64(p & 1)
}

func wMux(d, sel, a, b []uint64) {
	if sel[0] != 0 {
		copy(d, a)
	} else {
		copy(d, b)
	}
}

// wRepl sets d to n copies of the iw-bit a.
func wRepl(d, a []uint64, iw, n int) {
	zero(d)
	for k := 0; k < n; k++ {
		orInsert(d, a, k*iw, iw)
	}
}
