package bitstreams

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Board is an iCE40 board the flow places a design on: its part, its clock
// and UART pins, and the header pins free for the design's link ports, in
// the order they are assigned.
type Board struct {
	Name    string // the --board value
	Title   string
	Device  string // nextpnr-ice40 part flag without dashes: hx8k, up5k
	Package string // nextpnr-ice40 --package
	// ClockPin carries the board oscillator (ClockMHz) straight to the
	// design's clk: no PLL, so the design runs at ClockMHz and the timing
	// target defaults to it.
	ClockPin string
	ClockMHz float64
	// UARTRx is the FPGA pin that receives from the board's USB UART (the
	// FTDI's TX), UARTTx the pin that sends to it.
	UARTRx, UARTTx string
	// LED shows a fold of the design's outputs that have no pin, so
	// synthesis keeps the logic behind them (and a person sees activity).
	LED string
	// Header lists the free I/O pins in assignment order, with where they
	// are on the board.
	Header []Pin
	// Flash is how the bitstream gets onto the board.
	Flash string
}

// Pin is one package pin and its place on the board.
type Pin struct {
	Name  string // package pin (ball or pin number) as the .pcf names it
	Where string // header position, "" when the board documentation is the reference
}

// Generic is the pseudo-board of `--board generic`: Yosys's technology-
// independent synth and its cell counts, no place and route.
const Generic = "generic"

var boards = []Board{
	{
		Name: "ice40-hx8k-breakout", Title: "Lattice iCE40-HX8K breakout board (ICE40HX8K-B-EVN)",
		Device: "hx8k", Package: "ct256", ClockPin: "J3", ClockMHz: 12,
		UARTRx: "B10", UARTTx: "B12", LED: "B5",
		// The through-hole header pins that no LED, the FTDI UART or the
		// configuration flash uses (ct256 ball names; the board's user
		// guide maps them to the J1..J4 positions): the 2x20 header next
		// to the power jumpers first, then the short rows, then the
		// bottom header.
		Header: pins("", "C16 D16 E16 F16 G16 H16 J15 G14 K14 K15 M16 N16 P16 B16 D14 D15 E14 F15 G15 H14 F14 J14 K16 L16 M15 P15 "+
			"A5 B6 A6 B7 B8 A9 A10 A11 C6 C7 A7 B9 C9 B11 "+
			"T1 R2 R3 T5 T6 T7 T9 P8 T10 T11 N10 N12 T13 T15 R16 T2 T3 R4 R5 R6 T8"),
		Flash: "iceprog BIN (the board's FTDI programs the SPI flash; configuration jumpers in their default flash position)",
	},
	{
		Name: "icebreaker", Title: "1BitSquared iCEBreaker (iCE40UP5K-SG48)",
		Device: "up5k", Package: "sg48", ClockPin: "35", ClockMHz: 12,
		UARTRx: "6", UARTTx: "9", LED: "11",
		Header: append(append(
			pmod("PMOD1A", "4 2 47 45 3 48 46 44"),
			pmod("PMOD1B", "43 38 34 31 42 36 32 28")...),
			pmod("PMOD2", "27 25 21 19 26 23 20 18")...),
		Flash: "iceprog BIN (the on-board FTDI programs the SPI flash)",
	},
}

func pins(where, names string) []Pin {
	var out []Pin
	for _, n := range strings.Fields(names) {
		out = append(out, Pin{Name: n, Where: where})
	}
	return out
}

// pmod names the 8 signal pins of a 2x6 PMOD in the order 1-4, 7-10.
func pmod(name, numbers string) []Pin {
	pos := []int{1, 2, 3, 4, 7, 8, 9, 10}
	var out []Pin
	for i, n := range strings.Fields(numbers) {
		out = append(out, Pin{Name: n, Where: fmt.Sprintf("%s pin %d", name, pos[i])})
	}
	return out
}

// Boards lists the boards, then generic.
func Boards() []string {
	var out []string
	for _, b := range boards {
		out = append(out, b.Name)
	}
	return append(out, Generic)
}

// Baud is the UART rate a device with a UART is built for on a board.
const Baud = 115200

// UARTDivisor is the UART bridge's clock divisor for Baud at the board's
// clock (12 MHz: 104, 115,385 baud).
func (b *Board) UARTDivisor() int { return int(math.Round(b.ClockMHz * 1e6 / Baud)) }

// LookupBoard finds a board by name; generic has no Board (nil, nil).
func LookupBoard(name string) (*Board, error) {
	if name == Generic {
		return nil, nil
	}
	for i := range boards {
		if boards[i].Name == name {
			b := boards[i]
			b.Header = slices.Clone(b.Header)
			return &b, nil
		}
	}
	return nil, fmt.Errorf("unknown board %q (known: %s)", name, strings.Join(Boards(), ", "))
}
