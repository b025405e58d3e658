// Package bitstreams is the one synthesis flow of pktrouter: it takes a
// generated design to an iCE40 bitstream and a report, or (board
// "generic") to a technology-independent Yosys cell count (GenericScript:
// memories stay memories, so a device with megabits of RAM synthesizes in
// minutes and the report counts them as memories of so many bits).
//
// For a board, Run writes the design's Verilog and a generated board top
// (BoardTop: clock, power-on reset, UART, link ports on header pins, the
// other links looped back; see Board.Wrap) with its .pcf, then runs
//
//	yosys -p "read_verilog design.v board_top.v; synth_ice40 -top board_top -json synth.json; check -assert; stat -json"
//	nextpnr-ice40 --hx8k|--up5k --package P --pcf board.pcf --json synth.json --asc X.asc --freq F --seed N --report nextpnr.json
//	icepack X.asc X.bin
//
// in the output directory and writes report.json and report.md (Report):
// Yosys's cell counts (LUT4, flip-flops, carry, block RAM, I/O), nextpnr's
// placed utilization and Fmax of every clock, and pass or fail against the
// target clock. A stage's progress is shown on a terminal; a missing tool
// names the package that provides it (ToolError); a failing stage returns
// the tail of its log (StageError). Timing that misses the target is not
// an error: the report says fail.
//
// Designs that are not a device (no UART) are placed in a measurement
// harness instead of the board top: every input from a shift register on
// one pin, every output registered and folded onto another, so a block of
// any port count is timed register to register as inside the device.
//
// The boards (Boards, LookupBoard) are the Lattice iCE40-HX8K breakout
// board and the iCEBreaker; bitstreams/README.md says how to build, flash
// and read the report, and where the committed bitstreams come from.
package bitstreams
