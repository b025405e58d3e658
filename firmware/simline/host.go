package simline

import "fmt"

// Host is the host's end of a simulated serial line: a UART transmitter
// that puts 8N1 characters on the board's receive pin one bit time after
// another, and a receiver that finds start edges on the board's transmit
// pin and samples each bit in its middle. It is an io.ReadWriter for
// firmware.Serial. Host knows nothing of the board: step runs one clock
// cycle of it, and in that cycle the board's driver calls Level once (the
// level to put on the board's rx) and Sample once (the board's tx). Wire
// drives gen/uartbridge.System this way; the device testbenches drive the
// whole device top, whose clock also moves frames. Not safe for
// concurrent use.
type Host struct {
	step func() error
	div  int // clock cycles per bit
	idle int // the bridge's idle timeout, in cycles

	// ReadTimeoutCycles is how long Read steps the clock waiting for a
	// byte before it returns a *TimeoutError.
	ReadTimeoutCycles int
	// FramingErrors counts bytes received with a 0 stop bit.
	FramingErrors int

	out []uint8 // line levels still to send, one per bit time
	pos int     // cycles into the current bit

	rxCount  int // cycles since the start edge, -1 when idle
	rxShift  byte
	received []byte
	level    uint64 // tx as sampled last cycle
}

// NewHost returns the host end of a line of div clock cycles per bit to a
// bridge that forgets a half-received frame after idle cycles of silence;
// step runs one board cycle (see Host). The read timeout defaults to a
// 20-byte exchange plus the idle timeout.
func NewHost(div, idle int, step func() error) *Host {
	return &Host{step: step, div: div, idle: idle, rxCount: -1, level: 1,
		ReadTimeoutCycles: 20*10*div + idle}
}

// TimeoutError is Read's error when no byte arrived in ReadTimeoutCycles.
type TimeoutError struct{ Cycles int }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("simline: no byte from the board in %d cycles", e.Cycles)
}

// Timeout marks the error as a timeout (as net.Error and os deadlines do),
// so transports retry instead of failing.
func (e *TimeoutError) Timeout() bool { return true }

// Level is the host's transmit level for this cycle (1 when idle); it
// moves on to the next bit after div calls.
func (h *Host) Level() uint64 {
	if len(h.out) == 0 {
		return 1
	}
	v := uint64(h.out[0])
	if h.pos++; h.pos == h.div {
		h.out, h.pos = h.out[1:], 0
	}
	return v
}

// Sample runs the host's receiver on one cycle of the board's tx.
func (h *Host) Sample(tx uint64) {
	defer func() { h.level = tx }()
	if h.rxCount < 0 {
		if tx == 0 && h.level == 1 {
			h.rxCount = 0
		}
		return
	}
	h.rxCount++
	if (h.rxCount-h.div/2)%h.div != 0 {
		return
	}
	switch k := (h.rxCount - h.div/2) / h.div; {
	case k >= 1 && k <= 8:
		h.rxShift = h.rxShift>>1 | byte(tx)<<7
	case k == 9:
		if tx == 1 {
			h.received = append(h.received, h.rxShift)
		} else {
			h.FramingErrors++
		}
		h.rxCount = -1
	}
}

// Busy reports whether the host is inside a character, sending or
// receiving.
func (h *Host) Busy() bool { return h.rxCount >= 0 || len(h.out) > 0 }

// SendBits queues raw line levels, one per bit time (0 or 1), and steps
// the clock until they are on the wire: tests use it for framing errors
// and breaks.
func (h *Host) SendBits(levels ...uint8) error {
	for _, l := range levels {
		if l > 1 {
			return fmt.Errorf("simline: line level %d is not 0 or 1", l)
		}
	}
	h.out = append(h.out, levels...)
	for len(h.out) > 0 {
		if err := h.step(); err != nil {
			return err
		}
	}
	return nil
}

// Write sends p as 8N1 characters and returns when the last stop bit has
// been on the line for its full bit time; the board's answer, if any, is
// being received meanwhile.
func (h *Host) Write(p []byte) (int, error) {
	levels := make([]uint8, 0, 10*len(p))
	for _, b := range p {
		levels = append(levels, 0)
		for i := 0; i < 8; i++ {
			levels = append(levels, b>>i&1)
		}
		levels = append(levels, 1)
	}
	if err := h.SendBits(levels...); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read returns the bytes received so far, stepping the clock (line idle)
// until at least one is there; after ReadTimeoutCycles without one it
// returns a *TimeoutError.
func (h *Host) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for i := 0; len(h.received) == 0; i++ {
		if i == h.ReadTimeoutCycles {
			return 0, &TimeoutError{h.ReadTimeoutCycles}
		}
		if err := h.step(); err != nil {
			return 0, err
		}
	}
	n := copy(p, h.received)
	h.received = h.received[n:]
	return n, nil
}

// Idle keeps the line idle for n cycles.
func (h *Host) Idle(n int) error {
	for i := 0; i < n; i++ {
		if err := h.step(); err != nil {
			return err
		}
	}
	return nil
}

// Quiet keeps the line idle longer than the bridge's idle timeout, so its
// receiver is hunting for a sync byte afterwards (what a host does before
// retrying). firmware.Serial calls it instead of sleeping.
func (h *Host) Quiet() error { return h.Idle(h.idle + 2*h.div) }

// takeReceived returns and forgets the bytes received so far.
func (h *Host) takeReceived() []byte {
	b := h.received
	h.received = nil
	return b
}
