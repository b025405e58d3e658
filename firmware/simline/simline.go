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
	"fmt"
	"io"

	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/sim"
)

// Wire is the serial line to a simulated board. It is not safe for
// concurrent use.
type Wire struct {
	s   *sim.Sim
	cfg uartbridge.Config
	div int

	// ReadTimeoutCycles is how long Read steps the clock waiting for a
	// byte before it returns a timeout error (see New for the default).
	ReadTimeoutCycles int
	// OnCycle, when set, runs before every clock cycle: tests drive the
	// datapath inputs (counters, meter readings) from it.
	OnCycle func(s *sim.Sim, cycle uint64)

	out []uint8 // line levels still to send, one per bit time
	pos int     // cycles into the current bit

	// host receiver
	rxCount  int // cycles since the start edge, -1 when idle
	rxShift  byte
	received []byte
	// FramingErrors counts bytes the host received with a 0 stop bit.
	FramingErrors int
	level         uint64 // tx as sampled last cycle
}

// TimeoutError is Read's error when no byte arrived in ReadTimeoutCycles.
type TimeoutError struct{ Cycles int }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("simline: no byte from the board in %d cycles", e.Cycles)
}

// Timeout marks the error as a timeout (as net.Error and os deadlines do),
// so transports retry instead of failing.
func (e *TimeoutError) Timeout() bool { return true }

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
	w := &Wire{s: s, cfg: c, div: c.Divisor, rxCount: -1, level: 1}
	w.ReadTimeoutCycles = 20*10*c.Divisor + c.IdleCycles()
	return w, nil
}

// Sim is the simulator, for tests that poke datapath inputs or peek
// configuration outputs.
func (w *Wire) Sim() *sim.Sim { return w.s }

// step runs one clock cycle: drive rx, sample tx, clock edge.
func (w *Wire) step() error {
	rx := uint64(1)
	if len(w.out) > 0 {
		rx = uint64(w.out[0])
		if w.pos++; w.pos == w.div {
			w.out, w.pos = w.out[1:], 0
		}
	}
	if err := w.s.Poke("rx", rx); err != nil {
		return err
	}
	if w.OnCycle != nil {
		w.OnCycle(w.s, w.s.Cycle())
	}
	tx, err := w.s.Peek("tx")
	if err != nil {
		return err
	}
	w.sample(tx)
	w.s.Step(1)
	return nil
}

// sample runs the host's UART receiver on one cycle's tx level: it finds
// the start edge and samples every bit in its middle.
func (w *Wire) sample(tx uint64) {
	defer func() { w.level = tx }()
	if w.rxCount < 0 {
		if tx == 0 && w.level == 1 {
			w.rxCount = 0
		}
		return
	}
	w.rxCount++
	if (w.rxCount-w.div/2)%w.div != 0 {
		return
	}
	switch k := (w.rxCount - w.div/2) / w.div; {
	case k >= 1 && k <= 8:
		w.rxShift = w.rxShift>>1 | byte(tx)<<7
	case k == 9:
		if tx == 1 {
			w.received = append(w.received, w.rxShift)
		} else {
			w.FramingErrors++
		}
		w.rxCount = -1
	}
}

// SendBits queues raw line levels, one per bit time (0 or 1), and steps
// the clock until they are on the wire: tests use it for framing errors
// and breaks.
func (w *Wire) SendBits(levels ...uint8) error {
	for _, l := range levels {
		if l > 1 {
			return fmt.Errorf("simline: line level %d is not 0 or 1", l)
		}
	}
	w.out = append(w.out, levels...)
	for len(w.out) > 0 {
		if err := w.step(); err != nil {
			return err
		}
	}
	return nil
}

// Write sends p as 8N1 characters and returns when the last stop bit has
// been on the line for its full bit time; the board's answer, if any, is
// being received meanwhile.
func (w *Wire) Write(p []byte) (int, error) {
	var levels []uint8
	for _, b := range p {
		levels = append(levels, 0)
		for i := 0; i < 8; i++ {
			levels = append(levels, b>>i&1)
		}
		levels = append(levels, 1)
	}
	if err := w.SendBits(levels...); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read returns the bytes received so far, stepping the clock (line idle)
// until at least one is there; after ReadTimeoutCycles without one it
// returns a *TimeoutError.
func (w *Wire) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for i := 0; len(w.received) == 0; i++ {
		if i == w.ReadTimeoutCycles {
			return 0, &TimeoutError{w.ReadTimeoutCycles}
		}
		if err := w.step(); err != nil {
			return 0, err
		}
	}
	n := copy(p, w.received)
	w.received = w.received[n:]
	return n, nil
}

// Idle keeps the line idle for n cycles.
func (w *Wire) Idle(n int) error {
	for i := 0; i < n; i++ {
		if err := w.step(); err != nil {
			return err
		}
	}
	return nil
}

// Quiet keeps the line idle longer than the bridge's idle timeout, so its
// receiver is hunting for a sync byte afterwards (what a host does before
// retrying). firmware.Serial calls it instead of sleeping.
func (w *Wire) Quiet() error { return w.Idle(w.cfg.IdleCycles() + 2*w.div) }

// Signals of gen/uartbridge.System that say the bridge is doing something.
var busySignals = []string{"u_bridge.state", "u_bridge.tx_busy", "u_bridge.rx_busy"}

// busy reports whether stepping the clock with the line idle can change
// anything the host sees: the bridge is receiving, executing or sending, or
// the host's receiver is inside a character.
func (w *Wire) busy() (bool, error) {
	if w.rxCount >= 0 || len(w.out) > 0 {
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
		if len(w.received) > 0 {
			if _, err := conn.Write(w.received); err != nil {
				return err
			}
			w.received = w.received[:0]
		}
	}
}
