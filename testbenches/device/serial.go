package device

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/firmware/simline"
	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// NewTop builds the whole device top (gen/device.New: the datapath and the
// UART-managed register map) in the Go simulator. Its configuration comes
// over the UART (UART); the HW's Go-side counters still count the
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
	h.uart = simline.NewHost(bc.Divisor, bc.IdleCycles(), h.uartStep)
	h.uart.ReadTimeoutCycles += uartbridge.BusTimeoutCycles
	return h, nil
}

// UART is the host's end of the serial line (uart_rx, uart_tx) of a top
// built by NewTop (nil for a core): an io.ReadWriter for firmware.Serial,
// bit-banged cycle by cycle in the same simulation as the frame ports. The
// clock runs only while the host writes or waits for bytes; Traffic steps
// it otherwise.
func (h *HW) UART() *simline.Host { return h.uart }

// uartStep is the host's clock step: one device cycle with no frames
// offered; a frame coming out meanwhile is an error, since the host would
// drop it.
func (h *HW) uartStep() error {
	_, out, err := h.Step(nil)
	if err != nil {
		return err
	}
	if len(out) > 0 {
		return fmt.Errorf("device: %d frames left while the host was on the serial line (run Traffic to collect them)", len(out))
	}
	return nil
}
