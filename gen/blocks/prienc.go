package blocks

import (
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// MaxPriorityInputs bounds PriorityEncoder and Arbiter: a crossbar of the
// target devices has tens of ports, not thousands.
const MaxPriorityInputs = 1024

// PriorityEncoder returns a combinational encoder of n request lines: idx is
// the number of the lowest-numbered input that is 1 (input 0 has the
// highest priority) and valid says whether any input is 1; idx is 0 when
// none is. It is the fixed-priority core of the round-robin arbiter and of
// free-slot search in queue managers.
//
// Ports: in[n] -> idx[IndexWidth(n)], valid.
//
// The encoder is a balanced binary tree: each node merges two halves as
// valid = vlo | vhi, idx = {!vlo & vhi, vlo ? idx_lo : idx_hi}, so the
// logic depth grows with log2(n) rather than n, which keeps a 64-input
// encoder within one clock at the fabric's frequency.
//
// Parameter: n 1..MaxPriorityInputs.
func PriorityEncoder(n int) (*hdl.Module, error) {
	if err := checkRange("priority encoder", "n", n, 1, MaxPriorityInputs); err != nil {
		return nil, err
	}
	m := hdl.NewGenerated(generator, "prienc", hdl.P("n", n))
	in := m.Input("in", n)
	lines := make([]hdl.Value, n)
	for i := range lines {
		lines[i] = hdl.Bit(in, i)
	}
	valid, idx := encodeTree(lines, IndexWidth(n))
	m.Output("idx", IndexWidth(n)).Drive(idx)
	m.Output("valid", 1).Drive(valid)
	return m, nil
}

// encodeTree encodes up to 2^k lines (lines[0] first) into a valid bit and
// a k-bit index, 0 when no line is set.
func encodeTree(lines []hdl.Value, k int) (valid hdl.Value, idx hdl.Value) {
	if k == 1 {
		if len(lines) == 1 {
			return lines[0], hdl.Const(0, 1)
		}
		return hdl.Or(lines[0], lines[1]), hdl.And(hdl.Not(lines[0]), lines[1])
	}
	half := 1 << (k - 1)
	if len(lines) <= half {
		// The upper half is absent: its valid is 0, so the top index bit is 0.
		v, i := encodeTree(lines, k-1)
		return v, hdl.Concat(hdl.Const(0, 1), i)
	}
	vlo, ilo := encodeTree(lines[:half], k-1)
	vhi, ihi := encodeTree(lines[half:], k-1)
	return hdl.Or(vlo, vhi), hdl.Concat(hdl.And(hdl.Not(vlo), vhi), hdl.Mux(vlo, ilo, ihi))
}
