package linkframe

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"
)

// Snaplen is the largest frame a capture holds; cjdns' MTU is well below it.
const Snaplen = 65535

// Record is one captured frame: when it was seen and its bytes, decoded.
type Record struct {
	Time    time.Time
	Frame   Frame
	Payload []byte
}

// Writer writes link frames to a pcap file.
type Writer struct {
	w *pcapgo.Writer
}

// NewWriter writes the pcap file header (nanosecond timestamps, link type
// LinkType) and returns a Writer for the frames.
func NewWriter(w io.Writer) (*Writer, error) {
	pw := pcapgo.NewWriterNanos(w)
	if err := pw.WriteFileHeader(Snaplen, LinkType); err != nil {
		return nil, fmt.Errorf("pcap header: %w", err)
	}
	return &Writer{w: pw}, nil
}

// Write appends one frame, stamped t.
func (w *Writer) Write(t time.Time, f *Frame, payload []byte) error {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{}, f, gopacket.Payload(payload)); err != nil {
		return err
	}
	data := buf.Bytes()
	return w.w.WritePacket(gopacket.CaptureInfo{Timestamp: t, CaptureLength: len(data), Length: len(data)}, data)
}

// Reader reads link frames from a pcap file.
type Reader struct {
	r *pcapgo.Reader
	n int
}

// NewReader reads the pcap file header and checks the capture holds
// pktrouter link frames.
func NewReader(r io.Reader) (*Reader, error) {
	pr, err := pcapgo.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a pcap file: %w", err)
	}
	if pr.LinkType() != LinkType {
		return nil, fmt.Errorf("capture has link type %d (%s), want %d (pktrouter link frames)", pr.LinkType(), pr.LinkType(), LinkType)
	}
	return &Reader{r: pr}, nil
}

// Next returns the next frame, or io.EOF after the last. A frame too short
// or malformed is an error naming its position in the file.
func (r *Reader) Next() (Record, error) {
	data, ci, err := r.r.ReadPacketData()
	if errors.Is(err, io.EOF) {
		return Record{}, io.EOF
	}
	r.n++
	if err != nil {
		return Record{}, fmt.Errorf("frame %d: %w", r.n, err)
	}
	var rec Record
	if err := rec.Frame.DecodeFromBytes(data, gopacket.NilDecodeFeedback); err != nil {
		return Record{}, fmt.Errorf("frame %d: %w", r.n, err)
	}
	rec.Time = ci.Timestamp
	rec.Payload = rec.Frame.Payload
	return rec, nil
}
