package blocks

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// MaxCounterWidth bounds Counter: 64 bits count bytes at 100 Gb/s for
// decades.
const MaxCounterWidth = 64

// CounterMode says what a counter does at its maximum.
type CounterMode int

// Counter modes.
const (
	// Wrap rolls over from all ones to 0: sequence numbers, pointers,
	// timers.
	Wrap CounterMode = iota
	// Saturate sticks at all ones: statistics (packet, byte and drop
	// counters read over the CSR bus), where a wrapped value would be
	// silently wrong while a saturated one is visibly "at least this".
	Saturate
)

// String names the mode as the registry parameter spells it.
func (c CounterMode) String() string {
	switch c {
	case Wrap:
		return "wrap"
	case Saturate:
		return "saturate"
	}
	return fmt.Sprintf("CounterMode(%d)", int(c))
}

// ParseCounterMode reads "wrap" or "saturate".
func ParseCounterMode(s string) (CounterMode, error) {
	for _, c := range []CounterMode{Wrap, Saturate} {
		if s == c.String() {
			return c, nil
		}
	}
	return 0, fmt.Errorf("counter: mode %q is neither wrap nor saturate", s)
}

// Counter returns a width-bit up counter with enable and synchronous load.
//
// Ports (clk and rst implicit): en, load, din[width] -> q[width], at_max.
//
// On each rising edge: rst clears it; else load = 1 loads din (a CSR write,
// or a clear-on-read with din = 0); else en = 1 counts up by one, wrapping
// or saturating at 2^width - 1 as mode says; else it holds. at_max is
// q == 2^width - 1, decoded from the register (no path from en), for
// terminal-count chaining and for statistics reporting saturation.
//
// Parameters: width 1..MaxCounterWidth, mode.
func Counter(width int, mode CounterMode) (*hdl.Module, error) {
	if err := checkRange("counter", "width", width, 1, MaxCounterWidth); err != nil {
		return nil, err
	}
	if mode != Wrap && mode != Saturate {
		return nil, fmt.Errorf("counter: unknown mode %d", int(mode))
	}
	m := hdl.NewGenerated(generator, "counter", hdl.P("w", width), hdl.P("m", mode.String()[:1]))
	en := m.Input("en", 1)
	load := m.Input("load", 1)
	din := m.Input("din", width)
	q := m.Reg("q_r", width)
	atMax := hdl.AndR(q)
	inc := hdl.Add(q, hdl.Const(1, width))
	up := inc
	if mode == Saturate {
		up = hdl.Mux(atMax, q, inc)
	}
	q.NextIf(hdl.Or(load, en), hdl.Mux(load, din, up))
	m.Output("q", width).Drive(q)
	m.Output("at_max", 1).Drive(atMax)
	return m, nil
}
