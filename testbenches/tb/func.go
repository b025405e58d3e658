package tb

import (
	"context"
	"fmt"
)

// StepFunc advances a cycle-level model by one clock cycle, following the
// package's cycle convention: in holds the inputs of cycle n; the function
// writes to out the outputs as they settle with those inputs applied,
// before the rising edge, and then performs the rising edge (registers and
// memories take their next values, computed from the same inputs).
// Outputs not written stay 0. An error stops the run.
type StepFunc func(in, out Row) error

// Func is the engine for anything written in Go: golden models and the Go
// simulator. New is called once per Run and returns a StepFunc over fresh
// power-on state, so runs are independent.
//
// The Go simulator (package sim) plugs in with an adapter of this shape:
//
//	tb.Func{Label: "gosim", New: func(d tb.Design) (tb.StepFunc, error) {
//		s, err := sim.NewDesign(built)
//		if err != nil {
//			return nil, err
//		}
//		ins, outs := d.Inputs(), d.Outputs()
//		return func(in, out tb.Row) error {
//			for i, p := range ins {
//				if err := s.PokeWide(p.Name, in.Words(i)); err != nil {
//					return err
//				}
//			}
//			for i, p := range outs {
//				v, err := s.PeekWide(p.Name)
//				if err != nil {
//					return err
//				}
//				out.SetWords(i, v)
//			}
//			s.Step(1)
//			return nil
//		}, nil
//	}}
type Func struct {
	Label string
	New   func(d Design) (StepFunc, error)
}

// Name returns Label, or "func".
func (f Func) Name() string { return nameOr(f.Label, "func") }

// Run implements Engine.
func (f Func) Run(ctx context.Context, d Design, s Stimulus) (Trace, error) {
	if err := checkRun(d, s); err != nil {
		return Trace{}, err
	}
	if f.New == nil {
		return Trace{}, fmt.Errorf("tb: Func engine %q has no New function", f.Name())
	}
	step, err := f.New(d)
	if err != nil {
		return Trace{}, fmt.Errorf("tb: %s: %w", f.Name(), err)
	}
	t, err := NewTrace(d.Outputs(), s.Len())
	if err != nil {
		return Trace{}, err
	}
	t.Engine = f.Name()
	// The step function sees a private copy of each input row, so a
	// model that writes to it cannot disturb the stimulus other engines
	// are reading concurrently.
	scratch := Vectors{ports: s.ports, off: s.off, stride: s.stride, n: 1, data: make([]uint64, s.stride)}
	var rowErr error
	for c := 0; c < s.Len(); c++ {
		if c&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return Trace{}, err
			}
		}
		copy(scratch.data, s.data[c*s.stride:(c+1)*s.stride])
		in := Row{v: &scratch, cycle: c, err: &rowErr}
		out := Row{v: &t.Vectors, base: c * t.stride, cycle: c, err: &rowErr}
		if err := step(in, out); err != nil {
			return Trace{}, fmt.Errorf("tb: %s: cycle %d: %w", f.Name(), c, err)
		}
		if rowErr != nil {
			return Trace{}, fmt.Errorf("%s: %w", f.Name(), rowErr)
		}
	}
	return t, nil
}
