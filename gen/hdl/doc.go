// Package hdl describes synchronous digital circuits in Go, once, so that the
// same description can be emitted as Verilog (package gen/verilog) and run
// cycle-accurately in Go (package sim).
//
// # Shape
//
// People build circuits with a small builder API: a Module has ports, wires,
// registers, memories and submodule instances; expressions (*Expr) are built
// with functions such as Add, Mux, Slice and Concat. Building never panics:
// mistakes (width mismatches, undriven outputs, signals driven twice,
// combinational loops, bad names) are recorded with the file:line of the
// builder call that made them and reported together by Module.Build.
//
// Build lowers the builder tree once into a flat, width-explicit Netlist per
// module: every operator cell's operands already have the width the operator
// needs (extensions are explicit cells), signedness lives in the opcode
// (OpLtU/OpLtS, OpShr/OpSra), and each net has exactly one driver. The
// hierarchical netlists feed the Verilog emitter; a flattened copy feeds the
// simulator, so both consume exactly the same semantics.
//
// # Semantics (no X)
//
// Every value is defined, so the Go simulator, Icarus and Verilator agree:
//   - one clock (clk) and one synchronous, active-high reset (rst), both
//     implicit; a module gets the ports only when it (or a submodule) uses them;
//   - every register and memory word has an initial (power-on) value; a
//     register's reset value defaults to its initial value and vice versa;
//   - Add, Sub and Mul wrap modulo 2^width of the result; x/0 == 0, x%0 == 0;
//   - shifting by the width or more gives 0 (arithmetic right shift gives the
//     sign fill);
//   - a memory read at an address >= depth gives 0, a write there is ignored;
//   - a synchronous read port is either ReadFirst (sees the contents before
//     this edge's writes) or Transparent (sees this edge's writes; if several
//     write ports hit the address, the last declared wins, as for memory
//     contents); a combinational read sees the contents after the last edge;
//   - MemNoRWCheck is a synthesis hint only (read-during-write on read-first
//     ports is don't-care in block RAM); simulation keeps read-first, so a
//     design that never reads a word on the edge it writes it is unchanged.
//
// Combinational loops are rejected at signal (word) granularity, which is
// stricter than bit granularity but matches what Verilator accepts without
// UNOPTFLAT warnings.
package hdl
