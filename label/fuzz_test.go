package label

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzParseHeader(f *testing.F) {
	f.Add([]byte{})
	f.Add(Header{Label: 0x13, TrafficClass: 0xffff, Version: 1}.AppendTo(nil))
	f.Add(append(Header{Label: ^uint64(0), Congestion: 127, SuppressErrors: true, Version: 3, LabelShift: 63}.AppendTo(nil), 0xff, 0xff, 0xff, 0xff))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader(b)
		if len(b) < HeaderSize {
			if !errors.Is(err, ErrShortHeader) {
				t.Fatalf("%d bytes: %v", len(b), err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Congestion > 127 || h.Version > 3 || h.LabelShift > 63 {
			t.Fatalf("field out of range: %+v", h)
		}
		if out := h.AppendTo(nil); !bytes.Equal(out, b[:HeaderSize]) {
			t.Fatalf("round trip %x -> %x", b[:HeaderSize], out)
		}
		// A CTRL frame built on this header splits back into it.
		h2, ctrl, err := SplitCtrlFrame(AppendCtrlFrame(nil, h, b[HeaderSize:]))
		if err != nil || h2 != h || !bytes.Equal(ctrl, b[HeaderSize:]) {
			t.Fatalf("ctrl frame round trip: %+v %x %v", h2, ctrl, err)
		}
		// Error frames: nothing for runts and suppressed packets, else a
		// valid CTRL error quoting the packet.
		fr := ErrorFrame(b, ErrorMalformedAddress)
		if len(b) < HeaderSize+4 || h.SuppressErrors {
			if fr != nil {
				t.Fatalf("error frame for a packet cjdns would not answer")
			}
			return
		}
		eh, ectrl, err := SplitCtrlFrame(fr)
		if err != nil || eh.Label != Reverse(h.Label) || !eh.SuppressErrors {
			t.Fatalf("error frame header %+v, %v", eh, err)
		}
		e, err := ParseErrorMsg(ectrl)
		if err != nil || e.Code != ErrorMalformedAddress || !bytes.Equal(e.Cause, b[:min(len(b), ErrorMaxCause)]) {
			t.Fatalf("error message %+v, %v", e, err)
		}
	})
}

func FuzzParseScheme(f *testing.F) {
	for _, s := range []Scheme{F4, F8, V4x8, V358} {
		f.Add(s.Bytes())
	}
	f.Add([]byte{})
	f.Add([]byte("\x4f\xf4\xff\x29\xd9\xff\x7f\x89\xee\xff\x07"))
	f.Add([]byte("\x61\x14\x45\x81\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseScheme(b)
		if err != nil {
			if !errors.Is(err, ErrInsaneScheme) {
				t.Fatalf("error %v does not wrap ErrInsaneScheme", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("parsed insane scheme %v: %v", s, err)
		}
		enc := s.Bytes()
		back, err := ParseScheme(enc)
		if err != nil || !back.Equal(s) {
			t.Fatalf("re-parse of %v (%x): %v, %v", s, enc, back, err)
		}
		// The canonical encoding is a prefix of the input (cjdns allows
		// trailing zero bits only).
		if !bytes.HasPrefix(b, enc[:len(enc)-1]) {
			t.Fatalf("%x parsed as %v, whose encoding %x is not its prefix", b, s, enc)
		}
		// Every form can carry a number and get it back.
		for fi, form := range s {
			n := uint32(s.fieldToNum(fi, 1<<form.BitCount-1, s.is358()))
			if n == 1 {
				continue // 1 is the self route 0001 in every form
			}
			d, err := s.Compress(n, fi)
			if err != nil {
				t.Fatalf("%v: Compress(%d, %d): %v", s, n, fi, err)
			}
			if got, gf, err := s.Decompress(d); err != nil || got != n || gf != fi {
				t.Fatalf("%v: Decompress(%#x) = %d, %d, %v; want %d, %d", s, d, got, gf, err, n, fi)
			}
		}
	})
}

// fuzzScheme picks a named scheme or parses one from the fuzzer's bytes.
func fuzzScheme(sel uint8, raw []byte) (Scheme, bool) {
	switch sel % 5 {
	case 0:
		return F4, true
	case 1:
		return F8, true
	case 2:
		return V4x8, true
	case 3:
		return V358, true
	}
	s, err := ParseScheme(raw)
	return s, err == nil
}

func FuzzConvertLabel(f *testing.F) {
	f.Add(uint8(3), []byte{}, uint64(0x13), 1)
	f.Add(uint8(3), []byte{}, uint64(0x1), -1)
	f.Add(uint8(2), []byte{}, uint64(0x200), 0)
	f.Add(uint8(4), Scheme{{4, 2, 2}, {8, 2, 0}}.Bytes(), uint64(0x440), -1)
	f.Add(uint8(3), []byte{}, uint64(1<<57|0x15), 2)
	f.Fuzz(func(t *testing.T, sel uint8, raw []byte, label uint64, to int) {
		s, ok := fuzzScheme(sel, raw)
		if !ok {
			return
		}
		out, err := s.ConvertLabel(label, to)
		if err != nil {
			return
		}
		f0, err0 := s.FormOf(label)
		n0, _, _ := s.Decompress(label)
		n1, f1, err := s.Decompress(out)
		if err0 != nil || err != nil || n1 != n0 {
			t.Fatalf("%v ConvertLabel(%s, %d) = %s: number %d -> %d (%v)", s, FormatLabel(label), to,
				FormatLabel(out), n0, n1, err)
		}
		if s.IsSelfRoute(label) || len(s) == 1 {
			if out != label {
				t.Fatalf("%v: self/fixed label %s changed to %s", s, FormatLabel(label), FormatLabel(out))
			}
			return
		}
		if to >= 0 && f1 != to {
			t.Fatalf("%v: converted to form %d, asked %d", s, f1, to)
		}
		if out>>s[f1].Size() != label>>s[f0].Size() {
			t.Fatalf("%v: ConvertLabel(%s) = %s changed the rest of the label", s, FormatLabel(label), FormatLabel(out))
		}
		if log2(label) <= MaxLabelBits {
			back, err := s.ConvertLabel(out, f0)
			if err != nil || back != label {
				t.Fatalf("%v: back from %s to form %d: %s, %v; want %s", s, FormatLabel(out), f0, FormatLabel(back), err, FormatLabel(label))
			}
		}
	})
}

func FuzzForward(f *testing.F) {
	f.Add(uint8(3), []byte{}, uint64(0x15), uint8(0), uint32(3), uint64(0))
	f.Add(uint8(3), []byte{}, uint64(1<<14|1), uint8(0), uint32(40), uint64(0))
	f.Add(uint8(2), []byte{}, uint64(0x200), uint8(9), uint32(3), uint64(0))
	f.Add(uint8(0), []byte{}, uint64(0x1), uint8(61), uint32(1), uint64(2))
	f.Add(uint8(4), Scheme{{3, 5, 7}, {4, 1, 0}}.Bytes(), uint64(0x1234), uint8(0), uint32(12), uint64(0))
	f.Fuzz(func(t *testing.T, sel uint8, raw []byte, label uint64, shift uint8, from uint32, absent uint64) {
		s, ok := fuzzScheme(sel, raw)
		if !ok {
			return
		}
		present := func(n uint32) bool { return absent>>(n&63)&1 == 0 }
		h := Header{Label: label, LabelShift: shift & 63, TrafficClass: 0x8001, Version: 1, Congestion: 9}
		to, out, err := s.Forward(h, from, present)
		if s.is358() {
			// the fast path must agree with the general one
			to2, out2, err2 := forwardGeneral(s, h, from, present)
			if to2 != to || out2 != out || err2 != err {
				t.Fatalf("v358 fast %d %+v %v, general %d %+v %v", to, out, err, to2, out2, err2)
			}
		}
		if err != nil {
			if out != h {
				t.Fatalf("header changed on error: %+v", out)
			}
			var se SwitchError
			switch {
			case errors.As(err, &se):
				if se.Code != ErrorMalformedAddress && se.Code != ErrorReturnPathInvalid {
					t.Fatalf("unexpected code %d", se.Code)
				}
			case errors.Is(err, ErrShiftOverflow), errors.Is(err, ErrIngress):
			default:
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if to != 1 && !present(to) {
			t.Fatalf("forwarded to absent interface %d", to)
		}
		width := uint(out.LabelShift - h.LabelShift)
		if width == 0 || out.LabelShift > 63 {
			t.Fatalf("labelShift %d -> %d", h.LabelShift, out.LabelShift)
		}
		if out.Label&(^uint64(0)>>width) != label>>width {
			t.Fatalf("rest of label %s not shifted by %d: %s", FormatLabel(label), width, FormatLabel(out.Label))
		}
		// The bit-reversed top is a director back to the ingress interface.
		back, _, err := s.Decompress(Reverse(out.Label))
		if err != nil || back != from {
			t.Fatalf("%v: return director of %s decodes to %d (%v), want %d", s, FormatLabel(out.Label), back, err, from)
		}
		if out.TrafficClass != h.TrafficClass || out.Congestion != h.Congestion || out.Version != h.Version {
			t.Fatalf("pass-through fields changed: %+v", out)
		}
		// The destination read here is the label's own first director
		// (unless the cjdns #93 widening applied, which only targets self).
		if n, _, err := s.Decompress(label); err == nil && to != 1 && n != to {
			t.Fatalf("label %s names %d, forwarded to %d", FormatLabel(label), n, to)
		}
	})
}
