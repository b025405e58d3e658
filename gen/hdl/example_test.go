package hdl_test

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// A 4-bit counter with enable: the whole builder API in a few lines.
func Example() {
	m := hdl.NewGenerated("gen/example", "counter", hdl.P("w", 4)) // named counter_w4
	en := m.Input("en", 1)
	count := m.Reg("count", 4, hdl.Reset(0))
	count.NextIf(en, hdl.Add(count, hdl.Const(1, 4)))
	m.Output("q", 4).Drive(count)
	m.Output("wrap", 1).Drive(hdl.AndR(count))

	d, err := m.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Top.Name, len(d.Top.Ports), "ports,", len(d.Top.Regs), "register")

	// Mistakes are reported with the builder call that made them.
	bad := hdl.NewModule("bad")
	bad.Output("y", 8).Drive(bad.Input("a", 4))
	_, err = bad.Build()
	fmt.Println(err != nil)
	// Output:
	// counter_w4 3 ports, 1 register
	// true
}
