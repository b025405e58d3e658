package tb

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Engine runs a design on a stimulus and returns its output trace, one
// row per stimulus row, following the package's cycle convention.
// Implementations: Icarus, Verilator, Func (Go models and the Go
// simulator plug in through Func).
type Engine interface {
	// Name identifies the engine in traces and mismatch reports.
	Name() string
	// Run simulates d from power-on for s.Len() cycles.
	Run(ctx context.Context, d Design, s Stimulus) (Trace, error)
}

// checkRun validates a design and that the stimulus matches its inputs.
func checkRun(d Design, s Stimulus) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if err := samePorts(d.Inputs(), s.ports); err != nil {
		return fmt.Errorf("tb: stimulus columns (%s) do not match the inputs of %s (%s)", portList(s.ports), d.Top, portList(d.Inputs()))
	}
	return nil
}

// RunAll runs every engine on the same design and stimulus, concurrently
// (the Verilog engines spend their time in external compilers and
// simulators, so overlap pays even on two cores), then compares every
// trace with the first engine's. It returns the traces in engine order and
// an error that joins every engine failure and every mismatch; a mismatch
// names the cycle, the output, both engines' values and the inputs of that
// cycle.
func RunAll(ctx context.Context, d Design, s Stimulus, engines ...Engine) ([]Trace, error) {
	if len(engines) == 0 {
		return nil, errors.New("tb: RunAll needs at least one engine")
	}
	if err := checkRun(d, s); err != nil {
		return nil, err
	}
	traces := make([]Trace, len(engines))
	errs := make([]error, len(engines))
	var wg sync.WaitGroup
	for i, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t, err := e.Run(ctx, d, s)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", e.Name(), err)
				return
			}
			t.Engine = e.Name()
			traces[i] = t
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return traces, err
	}
	for i := 1; i < len(traces); i++ {
		err := Compare(traces[0], traces[i])
		var m *Mismatch
		if errors.As(err, &m) {
			m.Inputs = s.describe(m.Cycle)
		}
		errs[i] = err
	}
	return traces, errors.Join(errs...)
}
