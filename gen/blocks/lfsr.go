package blocks

import (
	"fmt"
	"slices"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// MaxLFSRWidth bounds LFSR widths to the table of maximal-length taps.
const MaxLFSRWidth = 64

// maxLengthTaps lists, for each width n, tap positions (1-based, n first)
// of a maximal-length LFSR: the feedback polynomial x^n + ... + 1 with a
// term x^t per tap is primitive over GF(2), so the register steps through
// all 2^n - 1 non-zero states before repeating. These are the taps of
// Xilinx application note XAPP052 ("Efficient Shift Registers, LFSR
// Counters, and Long Pseudo-Random Sequence Generators"); the package tests
// prove each polynomial primitive rather than trusting the table.
var maxLengthTaps = [MaxLFSRWidth + 1][]int{
	2: {2, 1}, 3: {3, 2}, 4: {4, 3}, 5: {5, 3}, 6: {6, 5}, 7: {7, 6}, 8: {8, 6, 5, 4},
	9: {9, 5}, 10: {10, 7}, 11: {11, 9}, 12: {12, 6, 4, 1}, 13: {13, 4, 3, 1}, 14: {14, 5, 3, 1},
	15: {15, 14}, 16: {16, 15, 13, 4}, 17: {17, 14}, 18: {18, 11}, 19: {19, 6, 2, 1}, 20: {20, 17},
	21: {21, 19}, 22: {22, 21}, 23: {23, 18}, 24: {24, 23, 22, 17}, 25: {25, 22}, 26: {26, 6, 2, 1},
	27: {27, 5, 2, 1}, 28: {28, 25}, 29: {29, 27}, 30: {30, 6, 4, 1}, 31: {31, 28}, 32: {32, 22, 2, 1},
	33: {33, 20}, 34: {34, 27, 2, 1}, 35: {35, 33}, 36: {36, 25}, 37: {37, 5, 4, 3, 2, 1},
	38: {38, 6, 5, 1}, 39: {39, 35}, 40: {40, 38, 21, 19}, 41: {41, 38}, 42: {42, 41, 20, 19},
	43: {43, 42, 38, 37}, 44: {44, 43, 18, 17}, 45: {45, 44, 42, 41}, 46: {46, 45, 26, 25},
	47: {47, 42}, 48: {48, 47, 21, 20}, 49: {49, 40}, 50: {50, 49, 24, 23}, 51: {51, 50, 36, 35},
	52: {52, 49}, 53: {53, 52, 38, 37}, 54: {54, 53, 18, 17}, 55: {55, 31}, 56: {56, 55, 35, 34},
	57: {57, 50}, 58: {58, 39}, 59: {59, 58, 38, 37}, 60: {60, 59}, 61: {61, 60, 46, 45},
	62: {62, 61, 6, 5}, 63: {63, 62}, 64: {64, 63, 61, 60},
}

// MaxLengthTaps returns the maximal-length tap positions for width n
// (2..MaxLFSRWidth), n first; the caller owns the slice.
func MaxLengthTaps(n int) ([]int, error) {
	if err := checkRange("lfsr", "width", n, 2, MaxLFSRWidth); err != nil {
		return nil, err
	}
	return slices.Clone(maxLengthTaps[n]), nil
}

// LFSRKind selects the LFSR structure.
type LFSRKind int

// LFSR structures. Both visit the same number of states for the same taps;
// the sequences differ.
const (
	// Fibonacci shifts left and feeds the XOR of the tapped bits into bit
	// 0: q' = {q[n-2:0], ^(q & taps)}. One wide XOR in front of one flop:
	// fine for narrow registers and easy to read.
	Fibonacci LFSRKind = iota
	// Galois shifts right and XORs bit 0 into every tapped position:
	// q' = (q >> 1) ^ (q[0] ? taps : 0). At most one two-input XOR
	// between flops, whatever the tap count: the fast form in hardware,
	// and the one the benchmark design uses.
	Galois
)

// String names the kind as the registry parameter spells it.
func (k LFSRKind) String() string {
	switch k {
	case Fibonacci:
		return "fibonacci"
	case Galois:
		return "galois"
	}
	return fmt.Sprintf("LFSRKind(%d)", int(k))
}

// ParseLFSRKind reads "fibonacci" or "galois".
func ParseLFSRKind(s string) (LFSRKind, error) {
	for _, k := range []LFSRKind{Fibonacci, Galois} {
		if s == k.String() {
			return k, nil
		}
	}
	return 0, fmt.Errorf("lfsr: kind %q is neither fibonacci nor galois", s)
}

// TapMask turns 1-based tap positions into a mask with bit t-1 set per tap,
// checking that they are a valid tap set for width n: each in 1..n, no
// repeats, and n among them (without it the top bit would not feed back
// and the register would not be an n-bit LFSR).
func TapMask(n int, taps []int) (uint64, error) {
	if err := checkRange("lfsr", "width", n, 2, MaxLFSRWidth); err != nil {
		return 0, err
	}
	var mask uint64
	for _, t := range taps {
		if t < 1 || t > n {
			return 0, fmt.Errorf("lfsr: tap %d out of range [1, %d]", t, n)
		}
		if mask&(1<<(t-1)) != 0 {
			return 0, fmt.Errorf("lfsr: tap %d given twice", t)
		}
		mask |= 1 << (t - 1)
	}
	if mask&(1<<(n-1)) == 0 {
		return 0, fmt.Errorf("lfsr: taps %v lack the width %d itself", taps, n)
	}
	return mask, nil
}

// LFSR returns an n-bit linear-feedback shift register, the cheapest
// pseudo-random source in hardware: test traffic generators, random early
// drop, scrambling and the benchmark design's self-stimulus.
//
// Ports (clk and rst implicit): en -> q[n]. The register steps when en is 1.
// It powers on and resets to seed, which must be non-zero (the all-zero
// state is the one state an XOR LFSR never leaves).
//
// taps are 1-based positions, n first; nil takes MaxLengthTaps(n), for which
// the register visits every non-zero state (period 2^n - 1). kind selects
// the Fibonacci or Galois form (see LFSRKind).
//
// Parameters: n 2..MaxLFSRWidth, taps as in TapMask, seed 1..2^n-1.
func LFSR(n int, taps []int, kind LFSRKind, seed uint64) (*hdl.Module, error) {
	if err := checkRange("lfsr", "width", n, 2, MaxLFSRWidth); err != nil {
		return nil, err
	}
	if taps == nil {
		taps = maxLengthTaps[n]
	}
	mask, err := TapMask(n, taps)
	if err != nil {
		return nil, err
	}
	if kind != Fibonacci && kind != Galois {
		return nil, fmt.Errorf("lfsr: unknown kind %d", int(kind))
	}
	top := ^uint64(0) >> (64 - n)
	if seed == 0 || seed > top {
		return nil, fmt.Errorf("lfsr: seed %#x out of range [1, %#x] (all-zero is a lock-up state)", seed, top)
	}
	m := hdl.NewGenerated(generator, "lfsr", hdl.P("w", n), hdl.P("k", kind.String()[:1]),
		hdl.P("t", fmt.Sprintf("%x", mask)), hdl.P("s", fmt.Sprintf("%x", seed)))
	en := m.Input("en", 1)
	q := m.Reg("state", n, hdl.Init(seed))
	switch kind {
	case Fibonacci:
		fb := hdl.XorR(hdl.And(q, hdl.Const(mask, n)))
		q.NextIf(en, hdl.Concat(hdl.Slice(q, n-2, 0), fb))
	case Galois:
		q.NextIf(en, hdl.Xor(hdl.Shr(q, 1), hdl.And(hdl.Repl(hdl.Bit(q, 0), n), hdl.Const(mask, n))))
	}
	m.Output("q", n).Drive(q)
	return m, nil
}
