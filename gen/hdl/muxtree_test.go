package hdl_test

import (
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/sim"
)

// TestMuxTree: every listed index picks its value, for list lengths that
// are and are not powers of two.
func TestMuxTree(t *testing.T) {
	for n := 1; n <= 9; n++ {
		m := hdl.NewModule("muxtree")
		sel := m.Input("sel", 4)
		vals := make([]hdl.Value, n)
		for i := range vals {
			vals[i] = hdl.Const(uint64(100+i), 8)
		}
		m.Output("out", 8).Drive(hdl.MuxTree(sel, vals))
		s, err := sim.New(m)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			if err := s.Poke("sel", uint64(i)); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Peek("out"); got != uint64(100+i) {
				t.Errorf("%d values, sel %d: out %d, want %d", n, i, got, 100+i)
			}
		}
	}
}
