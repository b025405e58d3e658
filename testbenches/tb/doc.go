// Package tb runs one set of test vectors through three simulation
// engines and requires identical per-cycle output traces: Icarus Verilog,
// Verilator, and Go code (golden models and the cycle-accurate Go
// simulator in sim/). Any difference between the engines is a bug in the
// Verilog emitter, the Go simulator, or a model, and the mismatch report
// names the cycle, the output, both values and the inputs of that cycle.
//
// # Designs, stimulus, traces
//
// A Design is a top module, its Verilog sources and its ports in order.
// The clock is implicit (Design.Clock names it, empty for combinational
// designs); a reset is an ordinary 1-bit input the stimulus drives. A
// Stimulus holds one row of input values per clock cycle, a Trace one row
// of output values per cycle. Values are unsigned, up to MaxWidth bits,
// stored as little-endian uint64 words (one word for the common port of up
// to 64 bits).
//
// # Cycle convention
//
// Every engine runs cycle n = 0, 1, 2, ... the same way:
//
//  1. the inputs of stimulus row n are applied;
//  2. combinational logic settles;
//  3. the outputs are sampled: that is trace row n;
//  4. the clock rises: registers and memories take the values computed
//     from row n's inputs and the state before the edge.
//
// So trace row 0 shows the power-on state (every register's initial value)
// and a register output in row n reflects the edges of cycles 0..n-1. A
// combinational output in row n is a function of row n's inputs and that
// state. In the generated Verilog testbench a cycle is 10 time units: the
// clock is low, inputs change at 1, outputs are written at 5, the clock
// rises at 6 and falls at 9, so nothing happens near an edge and Icarus
// and Verilator cannot order events differently. A StepFunc does steps 1
// to 4 in one call.
//
// # File format
//
// Stimulus and trace files share one text format that Verilog's $readmemh
// loads directly: one line per cycle, each line one hex word made of the
// ports' values in port order, most significant first, each value exactly
// ceil(width/4) hex digits, separated by '_' (which $readmemh reads as a
// digit separator, so a line is one memory word while staying readable).
// A header comment names the columns; $readmemh skips it, the parsers
// check it. For inputs rst:1, d:10 and w:99:
//
//	// pktrouter tb: rst:1 d:10 w:99
//	1_3ff_0000000000000000000000000
//	0_02a_00000000000000000deadbeef
//
// Packed, each port takes 4*ceil(width/4) bits of the line's word (here
// 4+12+100 bits); padding bits are zero. The parsers are strict: a wrong
// number of values or digits, a non-hex digit, bits above a port's width
// or an x/z digit (what Icarus prints for an unknown value) is a
// *ParseError naming the line and the port. // comment lines are allowed;
// blank lines only at the end.
//
// # Engines
//
// Icarus and Verilator compile the same generated testbench top
// (Testbench) with the design and run it on a stimulus file, reading back
// the trace it writes. Verilator uses --binary --timing, so the very same
// top runs in both, and +verilator+rand+reset+2 so that a design relying
// on uninitialised state diverges from the others; Icarus instead shows
// such state as x, which fails the run. Builds are cached by content hash
// under $PKTROUTER_TB_CACHE (default: the user cache directory), so only
// the first run of a design pays for the Verilator C++ compile; one build
// serves any stimulus up to a power-of-two depth (at least 1024 cycles).
//
// Func is the engine for Go: golden models, and the Go simulator through a
// small adapter (see Func). RunAll runs several engines concurrently and
// compares every trace with the first.
//
// # Use in a block's testbench folder
//
// A block's folder (testbenches/fifo, testbenches/labelparse, ...) holds
// its Design (emitted Verilog under rtl/, or testdata), a golden model as a
// StepFunc, and a test:
//
//	func TestFIFO(t *testing.T) {
//		for _, tool := range []string{"iverilog", "vvp", "verilator"} {
//			tooltest.Require(t, tool)
//		}
//		d := tb.Design{Top: "fifo", Files: []string{"../../rtl/fifo.v"}, Clock: tb.Clk,
//			Ports: []tb.Port{{Name: "rst", Width: 1}, {Name: "push", Width: 1}, {Name: "din", Width: 64},
//				{Name: "pop", Width: 1}, {Name: "dout", Width: 64, Output: true}}}
//		s, err := d.NewStimulus(10000)
//		if err != nil {
//			t.Fatal(err)
//		}
//		s.Randomize(rand.New(rand.NewPCG(1, 2)))
//		s.SetColumn(s.Index("rst"), func(c int) uint64 {
//			if c < 2 {
//				return 1 // reset in the first two cycles
//			}
//			return 0
//		})
//		// newFIFOModel returns a tb.StepFunc over fresh model state; add the
//		// Go simulator as one more tb.Func (see Func for the adapter).
//		_, err = tb.RunAll(context.Background(), d, s,
//			tb.Func{Label: "model", New: newFIFOModel}, tb.Icarus{}, tb.Verilator{})
//		if err != nil {
//			t.Fatal(err) // names the first differing cycle and output of each engine
//		}
//	}
package tb
