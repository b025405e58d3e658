// Package labelparse is the testbench of gen/labelparse and the way the
// CLI runs the label parser RTL (`pktrouter label hop --rtl`): Golden is
// label.Scheme.Forward plus pktrouter's virtual-router rule, phrased in the
// block's result codes; Hopper builds the block for a scheme and an index
// table and answers batches of hops on the Go simulator, Verilator or
// Icarus; Model is Golden as a cycle-level tb engine, so tb.RunAll holds the
// three engines to it cycle for cycle; SynthICE40 measures the block on an
// iCE40.
package labelparse

import (
	"errors"
	"fmt"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/label"
)

// Request is one hop to compute: a switch header arriving on interface
// From.
type Request struct {
	Header label.Header
	From   uint32
}

// Hop is the block's answer to a Request. On any Result but Forward, To,
// Port and Tag are 0 and Header is the request's header unchanged.
type Hop struct {
	Result lp.Result
	To     uint32       // egress interface
	Header label.Header // the header to send (label and labelShift updated)
	Port   uint32       // egress entry's port (index table)
	Tag    uint32       // egress entry's lease tag (index table)
}

// ErrVRMismatch is Hop.Err for lp.VRMismatch: the egress interface belongs
// to another virtual router than the ingress interface.
var ErrVRMismatch = errors.New("egress interface is in another virtual router")

// Err is the hop's outcome as label.Forward reports it: nil for Forward,
// label.SwitchError with the cjdns code for MalformedAddress,
// UnknownInterface and ReturnPathInvalid, label.ErrShiftOverflow,
// label.ErrIngress for BadIngress, and ErrVRMismatch.
func (h Hop) Err() error {
	switch h.Result {
	case lp.Forward:
		return nil
	case lp.MalformedAddress, lp.UnknownInterface, lp.ReturnPathInvalid:
		return label.SwitchError{Code: h.Result.CjdnsCode()}
	case lp.ShiftOverflow:
		return label.ErrShiftOverflow
	case lp.BadIngress:
		return label.ErrIngress
	case lp.VRMismatch:
		return ErrVRMismatch
	}
	return fmt.Errorf("labelparse: unknown result code %d", uint8(h.Result))
}

// Table is an index table: one entry per interface number.
type Table []lp.Entry

// TableFromPresent is the table label.Forward's present function
// describes: entry n is valid when present(n) (nil: all are), every entry in
// virtual router 0 (so the virtual-router rule never fires), port and tag 0.
func TableFromPresent(interfaces int, present func(uint32) bool) Table {
	t := make(Table, interfaces)
	for n := range t {
		t[n].Valid = present == nil || present(uint32(n))
	}
	return t
}

// Present is t's valid bits as label.Forward's present function
// (interfaces outside the table are absent).
func (t Table) Present(n uint32) bool { return uint64(n) < uint64(len(t)) && t[n].Valid }

// Golden is what the block must answer: label.Scheme.Forward of the
// configured scheme with t's valid bits as present, its errors mapped to
// result codes (an absent egress interface, MALFORMED_ADDRESS in cjdns, is
// told apart as UnknownInterface), then the virtual-router rule on a hop
// cjdns would forward. An ingress number outside the table is BadIngress
// unless the label matches no form (the form check comes first, as in
// Forward). t must have cfg.Interfaces entries.
func Golden(cfg lp.Config, t Table, r Request) Hop {
	s := cfg.Scheme
	if s == nil {
		s = label.V358
	}
	fail := func(res lp.Result) Hop { return Hop{Result: res, Header: r.Header} }
	if uint64(r.From) >= uint64(cfg.Interfaces) {
		if _, err := s.FormOf(r.Header.Label); err != nil {
			return fail(lp.MalformedAddress)
		}
		return fail(lp.BadIngress)
	}
	to, out, err := s.Forward(r.Header, r.From, t.Present)
	if err != nil {
		var se label.SwitchError
		switch {
		case errors.Is(err, label.ErrShiftOverflow):
			return fail(lp.ShiftOverflow)
		case errors.Is(err, label.ErrIngress):
			return fail(lp.BadIngress)
		case errors.As(err, &se) && se.Code == label.ErrorReturnPathInvalid:
			return fail(lp.ReturnPathInvalid)
		case errors.As(err, &se) && se.Code == label.ErrorMalformedAddress:
			// Malformed because of presence only when every interface
			// being present would have let it through the address checks.
			if _, _, err2 := s.Forward(r.Header, r.From, nil); !isMalformed(err2) {
				return fail(lp.UnknownInterface)
			}
			return fail(lp.MalformedAddress)
		}
		return fail(lp.Result(255)) // an error Forward does not document
	}
	e, in := t[to], t[r.From]
	if to != label.SelfInterface && r.From != label.SelfInterface && e.VR != in.VR {
		return fail(lp.VRMismatch)
	}
	return Hop{Result: lp.Forward, To: to, Header: out, Port: e.Port, Tag: e.Tag}
}

func isMalformed(err error) bool {
	var se label.SwitchError
	return errors.As(err, &se) && se.Code == label.ErrorMalformedAddress
}
