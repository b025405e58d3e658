package hdl

import (
	"fmt"
	"math/big"
	"strings"
)

// MaxWidth bounds every signal's width; wider values are almost certainly a
// generator bug (and would make the emitted Verilog unwieldy).
const MaxWidth = 1 << 16

// Words is the number of 64-bit words that hold a value of width w.
func Words(w int) int { return (w + 63) / 64 }

// TopMask is the mask of valid bits in the most significant word of a value
// of width w (values keep their upper bits clean).
func TopMask(w int) uint64 {
	r := w % 64
	if r == 0 {
		return ^uint64(0)
	}
	return (uint64(1) << uint(r)) - 1
}

// fits reports whether the little-endian words hold a value below 2^w.
func fits(words []uint64, w int) bool {
	n := Words(w)
	for i, x := range words {
		switch {
		case i < n-1:
		case i == n-1:
			if x&^TopMask(w) != 0 {
				return false
			}
		default:
			if x != 0 {
				return false
			}
		}
	}
	return true
}

// normWords returns exactly Words(w) words holding words (which must fit).
func normWords(words []uint64, w int) []uint64 {
	out := make([]uint64, Words(w))
	copy(out, words)
	return out
}

// FormatHex renders a value of width w as Verilog hex digits (no prefix),
// exactly ceil(w/4) digits, most significant first.
func FormatHex(words []uint64, w int) string {
	digits := (w + 3) / 4
	var b strings.Builder
	for d := digits - 1; d >= 0; d-- {
		bit := d * 4
		word, off := bit/64, uint(bit%64)
		var v uint64
		if word < len(words) {
			v = words[word] >> off
		}
		b.WriteByte("0123456789abcdef"[v&0xf])
	}
	return b.String()
}

// WordsFromBig converts a non-negative big.Int to words of width w; it fails
// when the value does not fit.
func WordsFromBig(v *big.Int, w int) ([]uint64, error) {
	if v.Sign() < 0 || v.BitLen() > w {
		return nil, fmt.Errorf("value %s does not fit in %d bits", v, w)
	}
	out := make([]uint64, Words(w))
	for i := range out {
		var t big.Int
		t.Rsh(v, uint(64*i))
		out[i] = t.Uint64()
	}
	return out, nil
}

// BigFromWords converts little-endian words to a big.Int.
func BigFromWords(words []uint64) *big.Int {
	v := new(big.Int)
	for i := len(words) - 1; i >= 0; i-- {
		v.Lsh(v, 64)
		v.Or(v, new(big.Int).SetUint64(words[i]))
	}
	return v
}
