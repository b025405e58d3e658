// Package uartbridge is the testbench of the management subsystem
// (gen/uartbridge's bridge and gen/csr's decoder): the same bit-level UART
// stimulus runs on the Go simulator, Icarus and Verilator with identical
// per-cycle traces required, the responses on tx are decoded and checked,
// and every emitted Verilog file is linted. It has no API beyond the
// helpers its tests share.
package uartbridge

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/firmware/proto"
)

// Levels expands bytes into UART 8N1 line levels, div cycles per bit:
// start bit 0, eight data bits LSB first, stop bit 1.
func Levels(div int, bs ...byte) []uint8 {
	var out []uint8
	for _, b := range bs {
		bits := []uint8{0}
		for i := 0; i < 8; i++ {
			bits = append(bits, b>>i&1)
		}
		bits = append(bits, 1)
		for _, l := range bits {
			for k := 0; k < div; k++ {
				out = append(out, l)
			}
		}
	}
	return out
}

// Idle is n cycles of an idle (high) line.
func Idle(n int) []uint8 {
	out := make([]uint8, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// DecodeTx runs a UART receiver over per-cycle tx levels (div cycles per
// bit, sampled mid-bit) and returns the bytes, failing on a framing error.
func DecodeTx(div int, tx []uint64) ([]byte, error) {
	var out []byte
	for c := 1; c < len(tx); c++ {
		if !(tx[c] == 0 && tx[c-1] == 1) {
			continue
		}
		mid := c + div/2
		if mid+9*div >= len(tx) {
			return out, fmt.Errorf("cycle %d: character cut off by the end of the trace", c)
		}
		var b byte
		for i := 0; i < 8; i++ {
			b |= byte(tx[mid+(i+1)*div]) << i
		}
		if tx[mid+9*div] != 1 {
			return out, fmt.Errorf("cycle %d: framing error", c)
		}
		out = append(out, b)
		c = mid + 9*div
	}
	return out, nil
}

// Responses splits device → host bytes into parsed responses.
func Responses(bs []byte) ([]proto.Response, error) {
	d := proto.NewResponseDecoder()
	var out []proto.Response
	for _, b := range bs {
		switch d.Push(b) {
		case proto.Frame:
			r, err := proto.ParseResponse(d.Body())
			if err != nil {
				return out, err
			}
			out = append(out, r)
		case proto.CRCError:
			return out, fmt.Errorf("response %d has a bad CRC", len(out)+1)
		}
	}
	if d.Skipped != 0 {
		return out, fmt.Errorf("%d bytes on tx outside any frame", d.Skipped)
	}
	return out, nil
}
