package linkframe

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"

	"github.com/pktnetwork/pktrouter/label"
)

var sample = []struct {
	tag     uint8
	h       label.Header
	payload []byte
}{
	{0, label.Header{Label: 0x13, TrafficClass: 0xffff}, []byte("free tier")},
	{3, label.Header{Label: 0x0123456789abcdef, Congestion: 0x55, SuppressErrors: true, Version: 1, LabelShift: 17, TrafficClass: 0x8007}, nil},
	{255, label.Header{Label: 1, Congestion: 127, LabelShift: 63, TrafficClass: 0x7fff}, bytes.Repeat([]byte{0xa5}, 1400)},
}

func TestGopacketDecodesFramesByLinkType(t *testing.T) {
	for i, s := range sample {
		data := Append(nil, s.tag, s.h, s.payload)
		if len(data) != HeaderLen+len(s.payload) {
			t.Fatalf("%d: frame length %d", i, len(data))
		}
		p := gopacket.NewPacket(data, LinkType, gopacket.Default)
		if el := p.ErrorLayer(); el != nil {
			t.Fatalf("%d: decode error: %v", i, el.Error())
		}
		f, ok := p.Layer(LayerTypeLink).(*Frame)
		if !ok {
			t.Fatalf("%d: no link layer in %v", i, p)
		}
		if f.LeaseTag != s.tag || f.Header != s.h || !bytes.Equal(f.Payload, s.payload) {
			t.Errorf("%d: decoded tag %d header %+v payload %d bytes; want %d %+v %d", i, f.LeaseTag, f.Header, len(f.Payload), s.tag, s.h, len(s.payload))
		}
		// Serializing the decoded layers gives the same bytes back.
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{}, f, gopacket.Payload(f.Payload)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), data) {
			t.Errorf("%d: re-serialized % x, want % x", i, buf.Bytes()[:HeaderLen], data[:HeaderLen])
		}
	}
}

func TestShortFrameIsAnError(t *testing.T) {
	for n := 0; n < HeaderLen; n++ {
		var f Frame
		err := f.DecodeFromBytes(make([]byte, n), gopacket.NilDecodeFeedback)
		if err == nil || !strings.Contains(err.Error(), "need at least 13") {
			t.Errorf("%d bytes: err %v", n, err)
		}
	}
}

func TestPcapRoundTrip(t *testing.T) {
	var file bytes.Buffer
	w, err := NewWriter(&file)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1_700_000_000, 123456789).UTC()
	for i, s := range sample {
		f := &Frame{LeaseTag: s.tag, Header: s.h}
		if err := w.Write(t0.Add(time.Duration(i)*time.Microsecond), f, s.payload); err != nil {
			t.Fatal(err)
		}
	}
	r, err := NewReader(bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sample {
		rec, err := r.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i+1, err)
		}
		if !rec.Time.Equal(t0.Add(time.Duration(i) * time.Microsecond)) {
			t.Errorf("frame %d: time %v (nanoseconds lost?)", i+1, rec.Time)
		}
		if rec.Frame.LeaseTag != s.tag || rec.Frame.Header != s.h || !bytes.Equal(rec.Payload, s.payload) {
			t.Errorf("frame %d: got %+v", i+1, rec.Frame)
		}
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after last frame: %v, want io.EOF", err)
	}
}

func TestReaderRejectsOtherCaptures(t *testing.T) {
	if _, err := NewReader(strings.NewReader("not a pcap at all, just text")); err == nil || !strings.Contains(err.Error(), "not a pcap file") {
		t.Errorf("text: %v", err)
	}
	// An Ethernet capture (link type 1) is refused by name.
	eth := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}
	if _, err := NewReader(bytes.NewReader(eth)); err == nil || !strings.Contains(err.Error(), "link type 1") {
		t.Errorf("ethernet capture: %v", err)
	}
	// A truncated frame inside a good capture names the frame.
	var file bytes.Buffer
	w, _ := NewWriter(&file)
	_ = w.Write(time.Unix(0, 0), &Frame{Header: label.Header{Label: 0x13}}, nil)
	raw := file.Bytes()
	// Patch the record's lengths to 5 bytes and cut the data to match.
	rec := raw[24:]
	rec[8], rec[12] = 5, 5
	bad := append(append([]byte{}, raw[:24+16]...), rec[16:21]...)
	r, err := NewReader(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "frame 1") {
		t.Errorf("short frame: %v", err)
	}
}
