package tb_test

import (
	"context"
	"fmt"
	"os"

	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// A golden model of a registered accumulator, run by the Func engine.
// With tools installed, adding tb.Icarus{} and tb.Verilator{} to RunAll
// checks the Verilog against it cycle for cycle.
func Example() {
	d := tb.Design{
		Top: "acc", Clock: tb.Clk,
		Source: `module acc (input wire clk, input wire rst, input wire [3:0] x, output wire [7:0] sum);
    reg [7:0] r = 8'd0;
    always @(posedge clk) r <= rst ? 8'd0 : r + {4'd0, x};
    assign sum = r;
endmodule
`,
		Ports: []tb.Port{{Name: "rst", Width: 1}, {Name: "x", Width: 4}, {Name: "sum", Width: 8, Output: true}},
	}
	// The model: output the register (before the edge), then clock it.
	model := func(tb.Design) (tb.StepFunc, error) {
		var r uint64
		return func(in, out tb.Row) error {
			out.Set(0, r)
			if in.Bool(0) {
				r = 0
			} else {
				r = (r + in.Uint64(1)) & 0xff
			}
			return nil
		}, nil
	}
	s, err := d.NewStimulus(0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range [][]uint64{{1, 0}, {0, 5}, {0, 0xf}, {1, 3}, {0, 1}} {
		if err := s.Append(row...); err != nil {
			fmt.Println(err)
			return
		}
	}
	traces, err := tb.RunAll(context.Background(), d, s, tb.Func{Label: "model", New: model})
	if err != nil {
		fmt.Println(err)
		return
	}
	s.WriteTo(os.Stdout)
	traces[0].WriteTo(os.Stdout)
	// Output:
	// // pktrouter tb: rst:1 x:4
	// 1_0
	// 0_5
	// 0_f
	// 1_3
	// 0_1
	// // pktrouter tb: sum:8
	// 00
	// 00
	// 05
	// 14
	// 00
}
