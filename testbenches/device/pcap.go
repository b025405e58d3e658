package device

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pktnetwork/pktrouter/label"
	"github.com/pktnetwork/pktrouter/linkframe"
)

// Epoch is the time stamp of cycle 0 in captures the device tests write;
// a cycle is 8 ns (125 MHz).
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// CycleTime is the capture time stamp of a cycle at 125 MHz.
func CycleTime(c uint64) time.Time { return Epoch.Add(time.Duration(c) * 8 * time.Nanosecond) }

// WritePcap writes link frames (lease tag | switch header | payload) to a
// pktrouter capture. Frames of the CPU port are written the same way: their
// first byte (the CPU frame's reason) lands in the lease tag field and the
// ingress interface byte in front of the switch header, so decode them
// with model/device.ParseCPUFrame rather than linkframe.
func WritePcap(w io.Writer, frames []PortFrame) error {
	pw, err := linkframe.NewWriter(w)
	if err != nil {
		return err
	}
	for i, f := range frames {
		if len(f.Frame) < linkframe.HeaderLen {
			return fmt.Errorf("device: frame %d of %d bytes is shorter than a link frame header", i, len(f.Frame))
		}
		h, err := label.ParseHeader(f.Frame[1:])
		if err != nil {
			return err
		}
		lf := linkframe.Frame{LeaseTag: f.Frame[0], Header: h}
		if err := pw.Write(CycleTime(f.Cycle), &lf, f.Frame[linkframe.HeaderLen:]); err != nil {
			return err
		}
	}
	return nil
}

// WritePcapFile is WritePcap into a new file.
func WritePcapFile(path string, frames []PortFrame) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WritePcap(f, frames); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadPcapFile reads every frame of a pktrouter capture as wire bytes, in
// order, with the cycle its time stamp names.
func ReadPcapFile(path string, port int) ([]PortFrame, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := linkframe.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []PortFrame
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		b := linkframe.Append(nil, rec.Frame.LeaseTag, rec.Frame.Header, rec.Payload)
		out = append(out, PortFrame{Cycle: uint64(rec.Time.Sub(Epoch) / (8 * time.Nanosecond)), Port: port, Frame: b})
	}
}
