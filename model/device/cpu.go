package device

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/label"
)

// CPUFrameHeader is the two bytes in front of the switch header of a frame
// the device hands the CPU port: reason and ingress interface.
const CPUFrameHeader = 2

// CPUFrame is a frame on the CPU port (see the package documentation).
type CPUFrame struct {
	Reason uint8  // 0: switched to self; else the cjdns error code
	From   uint32 // ingress interface (1: the frame came from the CPU port itself)
	Frame  []byte // switch header and payload
}

// Bytes is the frame as it crosses cpu_tx.
func (c CPUFrame) Bytes() []byte {
	b := make([]byte, 0, CPUFrameHeader+len(c.Frame))
	b = append(b, c.Reason, byte(c.From))
	return append(b, c.Frame...)
}

// ParseCPUFrame reads a frame from cpu_tx.
func ParseCPUFrame(b []byte) (CPUFrame, error) {
	if len(b) < CPUFrameHeader+label.HeaderSize {
		return CPUFrame{}, fmt.Errorf("device: CPU frame of %d bytes, want at least %d", len(b), CPUFrameHeader+label.HeaderSize)
	}
	return CPUFrame{Reason: b[0], From: uint32(b[1]), Frame: b[CPUFrameHeader:]}, nil
}

// Header is the frame's switch header.
func (c CPUFrame) Header() (label.Header, error) { return label.ParseHeader(c.Frame) }

// ErrorFrame is what the onboard computer sends back out of the ingress
// interface for a refused frame, as cjdns' SwitchCore does (sendError,
// label.ErrorFrame): nil for a frame switched to self, a short frame or
// one that suppresses errors.
func (c CPUFrame) ErrorFrame() []byte {
	if c.Reason == 0 {
		return nil
	}
	return label.ErrorFrame(c.Frame, uint32(c.Reason))
}

// ErrorReply is the link frame carrying c's error frame back to the
// neighbour it came from, with the lease tag of the ingress interface, or
// nil when there is none (see ErrorFrame; also when the frame came from the
// CPU port itself).
func (d *Device) ErrorReply(c CPUFrame) (port int, frame []byte) {
	ef := c.ErrorFrame()
	p, t, ok := d.cfg.LeaseOf(c.From)
	if ef == nil || !ok {
		return 0, nil
	}
	return p, append([]byte{byte(t)}, ef...)
}
