// Package simline is a simulated board on a serial line: the host side of a
// UART bit-banged, cycle by cycle, against the Go simulator (package sim) of
// the real management hardware (gen/uartbridge.System: the UART bridge and
// the gen/csr decoder). Wire is an io.ReadWriter, so firmware.Serial, the
// same transport that drives a real board's USB-serial port, talks to the
// RTL through the real protocol, and tests can put garbage, framing errors
// and silences on the line.
package simline

import (
	"bytes"
	"errors"
	"io"

	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/sim"
)

// Wire is the serial line to a simulated board: a Host whose clock steps
// the board's simulator. It is not safe for concurrent use.
type Wire struct {
	*Host
	s *sim.Sim

	// OnCycle, when set, runs before every clock cycle: tests drive the
	// datapath inputs (counters, meter readings) from it.
	OnCycle func(s *sim.Sim, cycle uint64)
}

// New builds the management subsystem for map m with bridge configuration
// c, compiles it for the simulator and resets it. The read timeout defaults
// to the time of a 20-byte exchange plus the bridge's idle timeout.
func New(c uartbridge.Config, m *csr.Map) (*Wire, error) {
	mod, err := uartbridge.System(c, m)
	if err != nil {
		return nil, err
	}
	s, err := sim.New(mod)
	if err != nil {
		return nil, err
	}
	s.Reset()
	w := &Wire{s: s}
	w.Host = NewHost(c.Divisor, c.IdleCycles(), w.step)
	return w, nil
}

// Sim is the simulator, for tests that poke datapath inputs or peek
// configuration outputs.
func (w *Wire) Sim() *sim.Sim { return w.s }

// step runs one clock cycle: drive rx, sample tx, clock edge.
func (w *Wire) step() error {
	if err := w.s.Poke("rx", w.Level()); err != nil {
		return err
	}
	if w.OnCycle != nil {
		w.OnCycle(w.s, w.s.Cycle())
	}
	tx, err := w.s.Peek("tx")
	if err != nil {
		return err
	}
	w.Sample(tx)
	w.s.Step(1)
	return nil
}

// Signals of gen/uartbridge.System that say the bridge is doing something.
var busySignals = []string{"u_bridge.state", "u_bridge.tx_busy", "u_bridge.rx_busy"}

// busy reports whether stepping the clock with the line idle can change
// anything the host sees: the bridge is receiving, executing or sending, or
// the host's receiver is inside a character.
func (w *Wire) busy() (bool, error) {
	if w.Host.Busy() {
		return true, nil
	}
	for _, n := range busySignals {
		v, err := w.s.Peek(n)
		if err != nil {
			return false, err
		}
		if v != 0 {
			return true, nil
		}
	}
	return false, nil
}

// Serve connects conn (a TCP connection, the far end of a pty) to the
// simulated board until reading conn fails; io.EOF, the peer closing, ends
// it with a nil error. Bytes from conn go out on the line as they arrive;
// bytes from the board go back to conn. The simulated clock runs while the
// bridge is busy and stops while it is idle with nothing to send, so an
// idle board costs no CPU; simulated time is not real time (a host's
// timeouts only need to cover the simulator's speed). Serve owns the Wire
// while it runs; OnCycle hooks still run on every cycle.
func (w *Wire) Serve(conn io.ReadWriter) error {
	in := make(chan []byte)
	done := make(chan struct{})
	defer close(done)
	var readErr error
	go func() {
		defer close(in)
		buf := make([]byte, 256)
		for {
			n, err := conn.Read(buf)
			if n > 0 {
				select {
				case in <- bytes.Clone(buf[:n]):
				case <-done:
					return
				}
			}
			if err != nil {
				readErr = err
				return
			}
		}
	}()
	for {
		busy, err := w.busy()
		if err != nil {
			return err
		}
		var b []byte
		ok := true
		if busy {
			select {
			case b, ok = <-in:
			default:
				if err := w.Idle(w.div); err != nil {
					return err
				}
			}
		} else {
			b, ok = <-in
		}
		if !ok {
			if errors.Is(readErr, io.EOF) {
				return nil
			}
			return readErr
		}
		if len(b) > 0 {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		if got := w.takeReceived(); len(got) > 0 {
			if _, err := conn.Write(got); err != nil {
				return err
			}
		}
	}
}
