package proto

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to both decoders: nothing may panic,
// every good frame must parse or fail with an error, a parsed message must
// re-encode to the same body, and after Abandon a valid frame must always
// be found whatever came before.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add(Request{Cmd: Read, Tag: 1, Addr: 0x40}.AppendFrame(nil))
	f.Add(Request{Cmd: Write, Tag: 2, Addr: 0x84, Data: 0x12345678}.AppendFrame(nil))
	f.Add(Response{Cmd: Read, Tag: 3, Data: 0x504b5452}.AppendFrame(nil))
	f.Add(Response{Cmd: Write, Tag: 4, Status: BusError}.AppendFrame(nil))
	f.Add([]byte{0xA5, 0xA5, 0x5A, 0x5A, 0x08, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range []*Decoder{NewRequestDecoder(), NewResponseDecoder()} {
			for _, b := range data {
				if d.Push(b) != Frame {
					continue
				}
				body := bytes.Clone(d.Body())
				if d.sync == NewRequestDecoder().sync {
					if r, err := ParseRequest(body); err == nil && !bytes.Equal(r.Body(), body) {
						t.Fatalf("request % x parses as %+v which encodes as % x", body, r, r.Body())
					}
				} else if r, err := ParseResponse(body); err == nil && !bytes.Equal(r.Body(), body) {
					t.Fatalf("response % x parses as %+v which encodes as % x", body, r, r.Body())
				}
			}
			d.Abandon()
			frame := Request{Cmd: Write, Tag: 9, Addr: 1, Data: 2}.AppendFrame(nil)
			if d.sync != frame[0] {
				frame = Response{Cmd: Read, Tag: 9, Data: 2}.AppendFrame(nil)
			}
			found := 0
			for _, b := range frame {
				if d.Push(b) == Frame {
					found++
				}
			}
			if found != 1 {
				t.Fatalf("after % x and Abandon, a valid frame gave %d frames", data, found)
			}
		}
	})
}
