package proto

import (
	"bytes"
	"strings"
	"testing"

	ub "github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// decodeAll pushes bs and collects the bodies of good frames and the count
// of CRC errors.
func decodeAll(d *Decoder, bs []byte) (frames [][]byte, crcErrs int) {
	for _, b := range bs {
		switch d.Push(b) {
		case Frame:
			frames = append(frames, bytes.Clone(d.Body()))
		case CRCError:
			crcErrs++
		}
	}
	return frames, crcErrs
}

func TestCRC8KnownAnswer(t *testing.T) {
	// CRC-8/SMBUS check value: "123456789" -> 0xF4.
	if got := ub.CRC8(0, []byte("123456789")...); got != 0xF4 {
		t.Fatalf("CRC8(123456789) = %#02x, want 0xf4", got)
	}
}

func TestRequestEncoding(t *testing.T) {
	for _, tc := range []struct {
		r    Request
		want []byte
	}{
		{Request{Cmd: Read, Tag: 7, Addr: 0x0102}, []byte{0xA5, 4, 1, 7, 1, 2}},
		{Request{Cmd: Write, Tag: 0xff, Addr: 0xfffe, Data: 0xdeadbeef}, []byte{0xA5, 8, 2, 0xff, 0xff, 0xfe, 0xde, 0xad, 0xbe, 0xef}},
	} {
		got := tc.r.AppendFrame(nil)
		want := append(tc.want, ub.CRC8(0, tc.want[1:]...))
		if !bytes.Equal(got, want) {
			t.Errorf("%+v encodes as % x, want % x", tc.r, got, want)
		}
		frames, _ := decodeAll(NewRequestDecoder(), got)
		if len(frames) != 1 {
			t.Fatalf("%+v: decoded %d frames", tc.r, len(frames))
		}
		back, err := ParseRequest(frames[0])
		if err != nil || back != tc.r {
			t.Errorf("round trip of %+v = %+v, %v", tc.r, back, err)
		}
	}
}

func TestResponseParsing(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []byte
		want Response
		err  string
	}{
		{"read ok", []byte{0x81, 3, 0, 1, 2, 3, 4}, Response{Cmd: Read, Tag: 3, Data: 0x01020304}, ""},
		{"write ok", []byte{0x82, 4, 0}, Response{Cmd: Write, Tag: 4}, ""},
		{"read error", []byte{0x81, 5, 4}, Response{Cmd: Read, Tag: 5, Status: BusError}, ""},
		{"no flag", []byte{0x01, 5, 0}, Response{}, "lacks the response flag"},
		{"short", []byte{0x81, 5}, Response{}, "need at least 3"},
		{"ok read without data", []byte{0x81, 5, 0}, Response{}, "want 7"},
		{"error with data", []byte{0x82, 5, 1, 0, 0, 0, 0}, Response{}, "want 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseResponse(tc.body)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseResponse(% x) = %+v, %v; want error %q", tc.body, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseResponse(% x) = %+v, %v; want %+v", tc.body, got, err, tc.want)
			}
			if again := got.AppendFrame(nil); !bytes.Equal(again[2:len(again)-1], tc.body) {
				t.Fatalf("re-encoded body % x, want % x", again[2:len(again)-1], tc.body)
			}
		})
	}
}

// TestDecoderResync holds the decoder to the receiver rules: what garbage
// costs and when the next frame is found.
func TestDecoderResync(t *testing.T) {
	good := Request{Cmd: Write, Tag: 1, Addr: 4, Data: 5}.AppendFrame(nil)
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 0x10
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, tc := range []struct {
		name     string
		in       []byte
		abandon  int // call Abandon after this many bytes (-1: never)
		frames   int
		crcErrs  int
		hunting  bool
		skippedN uint64
	}{
		{"clean", good, -1, 1, 0, true, 0},
		{"noise before", cat([]byte{0, 0xff, 0x13}, good), -1, 1, 0, true, 3},
		{"sync, bad length, frame", cat([]byte{0xA5, 0x09}, good), -1, 1, 0, true, 2},
		{"repeated sync", cat([]byte{0xA5, 0xA5}, good), -1, 1, 0, true, 2},
		{"bad CRC then good", cat(bad, good), -1, 1, 1, true, 0},
		// A truncated frame swallows the start of the next one; the next
		// frame after that is found.
		{"truncated swallows next", cat(good[:5], good, good), -1, 1, 1, true, 5},
		// The idle timeout abandons the truncated frame: the next frame is found.
		{"truncated then idle", cat(good[:5], good), 5, 1, 0, true, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewRequestDecoder()
			var frames, crcErrs int
			for i, b := range tc.in {
				if i == tc.abandon {
					d.Abandon()
				}
				switch d.Push(b) {
				case Frame:
					frames++
					if !bytes.Equal(d.Body(), good[2:len(good)-1]) {
						t.Fatalf("frame body % x", d.Body())
					}
				case CRCError:
					crcErrs++
				}
			}
			if frames != tc.frames || crcErrs != tc.crcErrs || d.Hunting() != tc.hunting || d.Skipped != tc.skippedN {
				t.Fatalf("frames %d crc errors %d hunting %v skipped %d; want %d %d %v %d",
					frames, crcErrs, d.Hunting(), d.Skipped, tc.frames, tc.crcErrs, tc.hunting, tc.skippedN)
			}
		})
	}
}
