// Package blocks holds the small, reusable hardware building blocks of the
// router's datapath, described with gen/hdl: a synchronous FIFO, a
// round-robin arbiter, a priority encoder, an LFSR, a bit reverser and a
// counter, plus a self-stimulating benchmark design built from them.
//
// Every constructor takes plain Go parameters, validates each one (a bad
// value is an error naming the parameter, its value and the allowed range,
// never a panic) and returns an *hdl.Module whose name carries its
// parameters (fifo_w8_d16_af12), so two configurations never collide in one
// design or one Verilog file. The clock and the synchronous active-high
// reset are the implicit clk and rst of gen/hdl.
//
// The golden model of each block is in model/blocks; the testbenches in
// testbenches/blocks run both, cycle by cycle, and compare the Go
// simulator with Icarus and Verilator on the emitted Verilog.
package blocks

import (
	"fmt"
	"math/bits"
)

// generator is the name recorded in every module's header comment.
const generator = "gen/blocks"

// MaxDataWidth bounds data paths (FIFO words, bit reverser): wide enough for
// a 512-bit packet bus with sideband, small enough to catch a unit mistake.
const MaxDataWidth = 4096

// IndexWidth is the number of bits that index n things: ceil(log2(n)), and
// at least 1 so that a one-entry structure still has a (constant) index port.
func IndexWidth(n int) int {
	if n <= 2 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

// checkRange returns an error naming the block, the parameter and its value
// when v is outside [lo, hi].
func checkRange(block, param string, v, lo, hi int) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s: parameter %s = %d out of range [%d, %d]", block, param, v, lo, hi)
	}
	return nil
}
