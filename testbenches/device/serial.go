package device

import (
	"fmt"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// NewTop builds the whole device top (gen/device.New: the datapath and the
// UART-managed register map) in the Go simulator. Its configuration comes
// over the UART (Line); the HW's Go-side counters still count the
// datapath's events, as a cross-check of the counters the host reads.
func NewTop(cfg gendev.Config, bc uartbridge.Config) (*HW, error) {
	m, err := gendev.New(cfg, bc)
	if err != nil {
		return nil, err
	}
	d, err := m.Build()
	if err != nil {
		return nil, err
	}
	h, err := newHW(cfg, d, Setup{}, func(h *HW) { h.evPrefix = "u_core." })
	if err != nil {
		return nil, err
	}
	h.uart = &Line{h: h, div: bc.Divisor, idle: bc.IdleCycles(), rxCount: -1, level: 1}
	h.uart.ReadTimeoutCycles = 20*10*bc.Divisor + bc.IdleCycles() + uartbridge.BusTimeoutCycles
	return h, nil
}

// Line is the host's end of the device top's serial line (uart_rx,
// uart_tx), bit-banged cycle by cycle in the same simulation as the frame
// ports: an io.ReadWriter for firmware.Serial, like firmware/simline's
// Wire but on the whole device. The clock runs only while the host
// writes or waits for bytes; Traffic steps it otherwise.
type Line struct {
	h         *HW
	div, idle int
	// ReadTimeoutCycles is how long Read waits for a byte.
	ReadTimeoutCycles int

	out      []uint8 // line levels still to send, one per bit time
	pos      int
	rxCount  int
	rxShift  byte
	received []byte
	level    uint64
	// FramingErrors counts bytes received with a 0 stop bit.
	FramingErrors int
}

// UART is the host's serial line to a top built by NewTop (nil for a core).
func (h *HW) UART() *Line { return h.uart }

// level is the host's transmit level this cycle; it moves the bit pointer.
func (l *Line) txLevel() uint64 {
	if len(l.out) == 0 {
		return 1
	}
	v := uint64(l.out[0])
	if l.pos++; l.pos == l.div {
		l.out, l.pos = l.out[1:], 0
	}
	return v
}

// sample runs the host's receiver on one cycle of uart_tx.
func (l *Line) sample(tx uint64) {
	defer func() { l.level = tx }()
	if l.rxCount < 0 {
		if tx == 0 && l.level == 1 {
			l.rxCount = 0
		}
		return
	}
	l.rxCount++
	if (l.rxCount-l.div/2)%l.div != 0 {
		return
	}
	switch k := (l.rxCount - l.div/2) / l.div; {
	case k >= 1 && k <= 8:
		l.rxShift = l.rxShift>>1 | byte(tx)<<7
	case k == 9:
		if tx == 1 {
			l.received = append(l.received, l.rxShift)
		} else {
			l.FramingErrors++
		}
		l.rxCount = -1
	}
}

func (l *Line) step() error {
	_, out, err := l.h.Step(nil)
	if err != nil {
		return err
	}
	if len(out) > 0 {
		return fmt.Errorf("device: %d frames left while the host was on the serial line (run Traffic to collect them)", len(out))
	}
	return nil
}

// Write sends p as 8N1 characters.
func (l *Line) Write(p []byte) (int, error) {
	for _, b := range p {
		l.out = append(l.out, 0)
		for i := 0; i < 8; i++ {
			l.out = append(l.out, b>>i&1)
		}
		l.out = append(l.out, 1)
	}
	for len(l.out) > 0 {
		if err := l.step(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// TimeoutError is Read's error when no byte came in time.
type TimeoutError struct{ Cycles int }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("device: no byte on uart_tx in %d cycles", e.Cycles)
}

// Timeout marks the error as a timeout, so firmware.Serial retries.
func (e *TimeoutError) Timeout() bool { return true }

// Read returns the bytes received, stepping the clock until there is one.
func (l *Line) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for i := 0; len(l.received) == 0; i++ {
		if i == l.ReadTimeoutCycles {
			return 0, &TimeoutError{l.ReadTimeoutCycles}
		}
		if err := l.step(); err != nil {
			return 0, err
		}
	}
	n := copy(p, l.received)
	l.received = l.received[n:]
	return n, nil
}

// Quiet keeps the line idle past the bridge's idle timeout (what
// firmware.Serial asks before a retry).
func (l *Line) Quiet() error {
	for i := 0; i < l.idle+2*l.div; i++ {
		if err := l.step(); err != nil {
			return err
		}
	}
	return nil
}
