package label

import (
	"fmt"
	"math/bits"
)

// Splice joins a path from A to B (viaHere) with a path from B to C (goHere)
// into a path from A to C, as cjdns' LabelSplicer_splice: goHere's
// terminating 1 is dropped and its bits are placed over viaHere's
// terminating 1. It fails with ErrLabelTooLong when log2(goHere) +
// log2(viaHere) exceeds 59, the room cjdns leaves for forward paths.
//
// The first director of goHere must already be in the form B's switch can
// fit A-side return directors in (see LabelFor); Splice does not look at
// directors at all.
func Splice(goHere, viaHere uint64) (uint64, error) {
	lv := log2(viaHere)
	if log2(goHere)+lv > MaxLabelBits {
		return 0, fmt.Errorf("%w: splicing %s onto %s needs %d bits, more than %d", ErrLabelTooLong,
			FormatLabel(goHere), FormatLabel(viaHere), log2(goHere)+lv, MaxLabelBits)
	}
	return (goHere^1)<<lv ^ viaHere, nil
}

// Unsplice is the inverse of Splice (cjdns LabelSplicer_unsplice): given
// the full path A to C and the path A to B (mid), it returns the path B to C
// by dropping mid's directors from the full path. It does not check that
// full routes through mid; use RoutesThrough for that.
func Unsplice(full, mid uint64) uint64 {
	return full >> log2(mid)
}

// RoutesThrough reports whether the path dst passes through the node at the
// end of path mid (cjdns LabelSplicer_routesThrough): mid without its
// terminating 1 must be the low bits of dst. As in cjdns, a mid larger than
// dst never qualifies, and mid 0 or 1 (the self route) always does.
func RoutesThrough(dst, mid uint64) bool {
	if mid > dst {
		return false
	}
	if mid < 2 {
		return true
	}
	m := ^uint64(0) >> (64 - log2(mid))
	return dst&m == mid&m
}

// Reverse bit-reverses a label: a path received with its return directors
// spliced in by each switch (as Forward does) becomes the path back to the
// sender. cjdns Bits_bitReverse64.
func Reverse(label uint64) uint64 { return bits.Reverse64(label) }
