package blocks

import (
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// Arbiter returns a round-robin arbiter for n requesters: it grants at most
// one requester per cycle, and a requester that keeps requesting is granted
// within n grants whatever the others do, so no port of a switch starves.
//
// Ports (clk and rst implicit):
//
//	req[n], en -> grant[n] (one-hot), grant_idx[IndexWidth(n)], grant_valid
//
// The grant is combinational from req and a priority pointer register: the
// first requester at or after the pointer (cyclically) wins. It is built the
// classic way, with no rotator: one PriorityEncoder over the requests at or
// above the pointer, one over all requests, and the first one wins if it
// found anything. On a clock edge with en = 1 and a grant, the pointer moves:
//
//   - hold = false: to the requester after the winner, so each grant
//     passes priority on (plain round robin);
//   - hold = true: to the winner itself, so the grant stays with it for as
//     long as its request stays asserted (a lock for multi-cycle transfers
//     such as a packet crossing the fabric); when it drops the request, the
//     next requester after it in cyclic order wins.
//
// en says the grant was used (the consumer accepted the transfer); with en =
// 0 the pointer holds, so a stalled consumer does not cost a requester its
// turn. rst sets the pointer to 0.
//
// Parameters: n 1..MaxPriorityInputs, hold.
func Arbiter(n int, hold bool) (*hdl.Module, error) {
	if err := checkRange("arbiter", "n", n, 1, MaxPriorityInputs); err != nil {
		return nil, err
	}
	h := 0
	if hold {
		h = 1
	}
	m := hdl.NewGenerated(generator, "rrarb", hdl.P("n", n), hdl.P("hold", h))
	iw := IndexWidth(n)
	req := m.Input("req", n)
	en := m.Input("en", 1)
	ptr := m.Reg("ptr", iw)

	enc, err := PriorityEncoder(n)
	if err != nil {
		return nil, err
	}
	// mask has bits ptr..n-1 set: ~((1 << ptr) - 1).
	one := hdl.Const(1, n)
	mask := hdl.Not(hdl.Sub(hdl.ShlV(one, ptr), one))
	upper := m.Instance("u_upper", enc).Connect("in", hdl.And(req, mask))
	all := m.Instance("u_all", enc).Connect("in", req)

	valid := all.Out("valid")
	idx := m.Wire("idx", iw)
	idx.Drive(hdl.Mux(upper.Out("valid"), upper.Out("idx"), all.Out("idx")))

	if hold {
		ptr.NextIf(hdl.And(en, valid), idx)
	} else {
		last := hdl.Eq(idx, hdl.Const(uint64(n-1), iw))
		ptr.NextIf(hdl.And(en, valid), hdl.Mux(last, hdl.Const(0, iw), hdl.Add(idx, hdl.Const(1, iw))))
	}

	m.Output("grant", n).Drive(hdl.And(hdl.ShlV(one, idx), hdl.Repl(valid, n)))
	m.Output("grant_idx", iw).Drive(idx)
	m.Output("grant_valid", 1).Drive(valid)
	return m, nil
}
