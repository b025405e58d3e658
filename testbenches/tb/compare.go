package tb

import (
	"fmt"
	"slices"
	"strings"
)

// Mismatch is the first difference between two traces: the cycle, the
// first output (in port order) that differs, and both values in hex.
// Others lists the other outputs that differ in the same cycle.
type Mismatch struct {
	Cycle   int
	Port    string
	Width   int
	A, B    string // hex digits, as in the files
	EngineA string
	EngineB string
	Others  []string
	Inputs  string // "rst=0 en=1 ..." at Cycle, when known (RunAll fills it)
}

func (m *Mismatch) Error() string {
	a, b := nameOr(m.EngineA, "a"), nameOr(m.EngineB, "b")
	s := fmt.Sprintf("tb: cycle %d: output %q (%d bits) differs: %s=0x%s %s=0x%s", m.Cycle, m.Port, m.Width, a, m.A, b, m.B)
	if len(m.Others) > 0 {
		s += " (also differ: " + strings.Join(m.Others, ", ") + ")"
	}
	if m.Inputs != "" {
		s += "; inputs in that cycle: " + m.Inputs
	}
	return s
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Compare returns nil when a and b have the same outputs and identical
// values in every cycle. Otherwise it returns a *Mismatch for the first
// differing cycle, or a plain error when the port lists or the lengths
// differ (after checking the cycles both have).
func Compare(a, b Trace) error {
	an, bn := nameOr(a.Engine, "a"), nameOr(b.Engine, "b")
	if err := samePorts(a.ports, b.ports); err != nil {
		return fmt.Errorf("tb: traces %s and %s have different outputs: %v", an, bn, err)
	}
	n := min(a.n, b.n)
	if a.stride > 0 {
		// Fast path: scan whole rows, then find the port.
		for c := 0; c < n; c++ {
			ra := a.data[c*a.stride : (c+1)*a.stride]
			rb := b.data[c*b.stride : (c+1)*b.stride]
			if slices.Equal(ra, rb) {
				continue
			}
			m := &Mismatch{Cycle: c, EngineA: a.Engine, EngineB: b.Engine}
			for i, p := range a.ports {
				if slices.Equal(a.cell(c, i), b.cell(c, i)) {
					continue
				}
				if m.Port == "" {
					m.Port, m.Width = p.Name, p.Width
					m.A, m.B = a.Hex(c, i), b.Hex(c, i)
				} else {
					m.Others = append(m.Others, p.Name)
				}
			}
			return m
		}
	}
	if a.n != b.n {
		return fmt.Errorf("tb: trace %s has %d cycles, %s has %d (identical in the first %d)", an, a.n, bn, b.n, n)
	}
	return nil
}

// describe renders one row as "name=0x.. name=0x..".
func (v *Vectors) describe(cycle int) string {
	if cycle < 0 || cycle >= v.n {
		return ""
	}
	var s []string
	for i, p := range v.ports {
		s = append(s, fmt.Sprintf("%s=0x%s", p.Name, v.Hex(cycle, i)))
	}
	return strings.Join(s, " ")
}
