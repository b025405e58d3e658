package label

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

func TestHeaderLayout(t *testing.T) {
	h := Header{Label: 0x0102030405060708, Congestion: 0x55, SuppressErrors: true, Version: 2, LabelShift: 0x2a, TrafficClass: 0xbeef}
	b := h.AppendTo(nil)
	want := []byte{1, 2, 3, 4, 5, 6, 7, 8, 0x55<<1 | 1, 2<<6 | 0x2a, 0xbe, 0xef}
	if !bytes.Equal(b, want) {
		t.Fatalf("AppendTo = %x, want %x", b, want)
	}
	got, err := ParseHeader(append(b, 0xff, 0xff))
	if err != nil || got != h {
		t.Fatalf("ParseHeader = %+v, %v", got, err)
	}
	for n := 0; n < HeaderSize; n++ {
		if _, err := ParseHeader(b[:n]); !errors.Is(err, ErrShortHeader) {
			t.Errorf("ParseHeader(%d bytes): %v", n, err)
		}
	}
	// Over-wide fields are cut to their wire bits.
	wide := Header{Congestion: 0xff, Version: 7, LabelShift: 0xff}.AppendTo(nil)
	if wide[8] != 0xfe || wide[9] != 0xff {
		t.Errorf("wide fields: %x", wide[8:10])
	}
}

func presentAll(uint32) bool { return true }

func TestForwardV358(t *testing.T) {
	absent := func(n uint32) bool { return n != 2 }
	for _, c := range []struct {
		name    string
		label   uint64
		shift   uint8
		from    uint32
		present func(uint32) bool
		to      uint32
		out     uint64
		err     error
	}{
		// 0x15: 4-bit director 0101 = interface 2; from 3 (0111) reversed at the top.
		{"4-bit hop", 0x15, 0, 3, nil, 2, 0x1 | 0b1110<<60, nil},
		{"from self", 0x15, 0, 1, nil, 2, 0x1 | 0b1000<<60, nil},
		{"to self", 0x1, 5, 3, nil, 1, 0b1110 << 60, nil},
		// 7-bit director for 8 (0011110), from 2 written in 7 bits (0000110).
		{"7-bit hop", 0b1_0011110, 0, 2, nil, 8, 1 | 0b0110000<<57, nil},
		// 10-bit director, from 0 written 0000000000: the top stays clear.
		{"10-bit from 0", 0b1_0000000100, 0, 0, nil, 2, 1, nil},
		// from 40 needs 10 bits, the 4-bit director has no room.
		{"return too wide", 0x15, 0, 40, nil, 0, 0, errMalformed},
		// ...unless the packet is for self and the label has 14 low bits 0...01.
		// 40 in 10 bits is 0010011100, reversed 0011100100.
		{"wide return to self", 1<<14 | 1, 0, 40, nil, 1, 1<<4 | 0b0011100100<<54, nil},
		{"wide return to self, cjdns #93", 1<<13 | 1, 0, 40, nil, 0, 0, errReturnPath},
		{"absent egress", 0x15, 0, 3, absent, 0, 0, errMalformed},
		{"self always present", 0x1, 0, 3, absent, 1, 0b1110 << 60, nil},
		{"loop allowed", 0x17, 0, 3, nil, 3, 1 | 0b1110<<60, nil},
		{"shift overflow", 0x15, 60, 3, nil, 0, 0, ErrShiftOverflow},
		{"shift fits", 0x15, 59, 3, nil, 2, 0x1 | 0b1110<<60, nil},
		{"absent beats overflow", 0x15, 60, 3, absent, 0, 0, errMalformed},
	} {
		h := Header{Label: c.label, LabelShift: c.shift, TrafficClass: 0x8123, Congestion: 5, Version: 1}
		to, out, err := V358.Forward(h, c.from, c.present)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: Forward = %d %s %v; want %v", c.name, to, FormatLabel(out.Label), err, c.err)
			}
			continue
		}
		if err != nil || to != c.to || out.Label != c.out {
			t.Errorf("%s: Forward = %d %s %v; want %d %s", c.name, to, FormatLabel(out.Label), err, c.to, FormatLabel(c.out))
			continue
		}
		width := V358[0].Size()
		if f, _ := V358.FormOf(c.label); true {
			width = V358[f].Size()
		}
		if c.name == "wide return to self" {
			width = 10
		}
		if out.LabelShift != c.shift+uint8(width) {
			t.Errorf("%s: labelShift %d, want %d", c.name, out.LabelShift, c.shift+uint8(width))
		}
		if out.TrafficClass != 0x8123 || out.Congestion != 5 || out.Version != 1 {
			t.Errorf("%s: other fields changed: %+v", c.name, out)
		}
	}
	if _, _, err := V358.Forward(Header{Label: 0x15}, 257, nil); !errors.Is(err, ErrIngress) {
		t.Errorf("ingress 257: %v", err)
	}
	var se SwitchError
	if _, _, err := V358.Forward(Header{Label: 0x15}, 40, nil); !errors.As(err, &se) || se.Code != ErrorMalformedAddress ||
		err.Error() != "cjdns switch error 1 MALFORMED_ADDRESS" {
		t.Errorf("error text: %v", err)
	}
}

// V4x8's 9-bit all-zero director decodes to 1 but is not 0001.
func TestForwardV4x8SelfMustBe0001(t *testing.T) {
	_, _, err := V4x8.Forward(Header{Label: 0x200}, 3, nil)
	if !errors.Is(err, errMalformed) {
		t.Fatalf("Forward(0x200) = %v, want MALFORMED_ADDRESS", err)
	}
}

// The whitepaper's example: Alice -> Bob -> Charlie -> Dave with fixed
// schemes of 7, 5, 9 and 6 bits. Each switch puts the reversed return
// director on top; Dave reverses the label and reads the way back.
func TestWhitepaperPath(t *testing.T) {
	alice, bob, charlie, dave := Scheme{{BitCount: 7}}, Scheme{{BitCount: 5}}, Scheme{{BitCount: 9}}, Scheme{{BitCount: 6}}
	// directors: Alice->Bob 0100011, Bob->Charlie 10111, Charlie->Dave 100101101,
	// Dave->Elinor 011010, then 101011 and 0001 (Elinor, Fred; not switched here).
	label := uint64(0b0001_101011_011010_100101101_10111_0100011)
	type hop struct {
		s        Scheme
		from, to uint32
	}
	// Bob reaches Alice through 19 (reversed 11001), Charlie reaches Bob through 411.
	hops := []hop{{alice, 1, 0b0100011}, {bob, 19, 0b10111}, {charlie, 411, 0b100101101}, {dave, 7, 0b011010}}
	h := Header{Label: label}
	for i, hp := range hops[:3] {
		to, out, err := hp.s.Forward(h, hp.from, nil)
		if err != nil || to != hp.to {
			t.Fatalf("hop %d: to %d, %v; want %d", i, to, err, hp.to)
		}
		h = out
	}
	// "Route Label when it reaches Dave": 110110011 11001 1000000 <zeros> 0001 101011 011010
	want := uint64(0b110110011_11001_1000000)<<43 | 0b0001_101011_011010
	if h.Label != want {
		t.Fatalf("at Dave: %064b\n          want %064b", h.Label, want)
	}
	if h.LabelShift != 7+5+9 {
		t.Fatalf("labelShift %d", h.LabelShift)
	}
	// "Route Label after bit reversal": ... 0000001 10011 110011011
	rev := Reverse(h.Label)
	if rev&(1<<21-1) != 0b0000001_10011_110011011 {
		t.Fatalf("reversed: %064b", rev)
	}
	// Charlie, then Bob, then Alice route it home.
	back := Header{Label: rev}
	for i, hp := range []hop{{charlie, 0b100101101, 411}, {bob, 0b10111, 19}, {alice, 0b0100011, 1}} {
		to, out, err := hp.s.Forward(back, hp.from, nil)
		if err != nil || to != hp.to {
			t.Fatalf("return hop %d: to %d, %v; want %d", i, to, err, hp.to)
		}
		back = out
	}
}

// Property: a random path through switches of the four cjdns schemes,
// forwarded hop by hop, arrives at the destination's self interface, and
// the bit-reversed label it arrives with leads back hop by hop to the
// sender's self interface.
func TestForwardReturnPathProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	schemes := []Scheme{F4, F8, V4x8, V358}
	maxIf := []uint32{15, 255, 255, 256}
	done := 0
	for iter := 0; iter < 20000; iter++ {
		n := 1 + r.IntN(6)
		type sw struct {
			s       Scheme
			in, out uint32
		}
		path := make([]sw, n)
		for i := range path {
			k := r.IntN(4)
			path[i].s = schemes[k]
			path[i].out = uint32(r.IntN(int(maxIf[k]) + 1))
			path[i].in = uint32(r.IntN(int(maxIf[k]) + 1))
			// A packet entering a middle switch from its self interface
			// would end there on the way back; keep 1 for the sender only.
			if path[i].out == 1 {
				path[i].out = 0
			}
			if path[i].in == 1 {
				path[i].in = 0
			}
		}
		path[0].in = 1
		// Build the label: each switch's director in a form wide enough for
		// both its egress and its ingress return director; then 0001.
		label := uint64(1)
		bitsUsed := uint(0)
		dirs := make([]uint64, n)
		widths := make([]uint, n)
		for i, p := range path {
			fe := p.s.canonicalForm(uint64(p.out), p.s.is358())
			fi := p.s.canonicalForm(uint64(p.in), p.s.is358())
			f := max(fe, fi)
			d, err := p.s.Compress(p.out, f)
			if err != nil {
				t.Fatal(err)
			}
			dirs[i], widths[i] = d, p.s[f].Size()
			bitsUsed += widths[i]
		}
		// The destination switch is the last one's peer; give it V358 and
		// let the packet arrive on interface 2 there.
		destIn := uint32(2)
		if bitsUsed+4+4 > 59 {
			continue
		}
		for i := n - 1; i >= 0; i-- {
			label = label<<widths[i] | dirs[i]
		}
		h := Header{Label: label}
		for i, p := range path {
			to, out, err := p.s.Forward(h, p.in, presentAll)
			if err != nil || to != p.out {
				t.Fatalf("iter %d hop %d: to %d %v, want %d (label %s)", iter, i, to, err, p.out, FormatLabel(h.Label))
			}
			h = out
		}
		to, h, err := V358.Forward(h, destIn, presentAll)
		if err != nil || to != 1 {
			t.Fatalf("iter %d: at destination to %d, %v", iter, to, err)
		}
		// Way back: destination switch from self, then each switch in reverse.
		back := Header{Label: Reverse(h.Label)}
		to, back, err = V358.Forward(back, 1, presentAll)
		if err != nil || to != destIn {
			t.Fatalf("iter %d: return from destination: to %d, %v", iter, to, err)
		}
		for i := n - 1; i >= 0; i-- {
			p := path[i]
			to, out, err := p.s.Forward(back, p.out, presentAll)
			if err != nil || to != p.in {
				t.Fatalf("iter %d return hop %d: to %d, %v; want %d", iter, i, to, err, p.in)
			}
			back = out
		}
		done++
	}
	if done < 5000 {
		t.Fatalf("only %d paths tried", done)
	}
}

func TestErrorFrame(t *testing.T) {
	cause := Header{Label: 0x0000000000000013, Congestion: 3, LabelShift: 4, TrafficClass: 0x8001}.AppendTo(nil)
	cause = append(cause, 0, 0, 0, 7, 'h', 'i')
	f := ErrorFrame(cause, ErrorMalformedAddress)
	h, ctrl, err := SplitCtrlFrame(f)
	if err != nil {
		t.Fatal(err)
	}
	want := Header{Label: 0xc800000000000000, Congestion: 1, SuppressErrors: true, Version: 1, TrafficClass: 0xffff}
	if h != want {
		t.Errorf("reply header %+v, want %+v", h, want)
	}
	e, err := ParseErrorMsg(ctrl)
	if err != nil || e.Code != ErrorMalformedAddress || !bytes.Equal(e.Cause, cause) {
		t.Fatalf("ParseErrorMsg = %+v, %v", e, err)
	}
	if ch, _ := e.CauseHeader(); ch.Label != 0x13 {
		t.Errorf("cause header %+v", ch)
	}
	// Cut to 256 bytes of cause.
	long := append(cause, make([]byte, 400)...)
	if f := ErrorFrame(long, 10); len(f) != HeaderSize+4+CtrlHeaderSize+4+ErrorMaxCause {
		t.Errorf("long cause frame %d bytes", len(f))
	}
	// Nothing for runts or suppressed errors.
	if ErrorFrame(cause[:15], 1) != nil {
		t.Error("runt answered")
	}
	sup := append([]byte(nil), cause...)
	sup[8] |= 1
	if ErrorFrame(sup, 1) != nil {
		t.Error("suppressed error answered")
	}
	// A corrupted byte fails the checksum.
	f[len(f)-1] ^= 0x40
	_, ctrl, _ = SplitCtrlFrame(f)
	if _, err := ParseErrorMsg(ctrl); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("corrupted error: %v", err)
	}
}

func TestErrorNames(t *testing.T) {
	for code, name := range map[uint32]string{1: "MALFORMED_ADDRESS", 10: "RETURN_PATH_INVALID", 13: "INTERNAL", 14: "UNKNOWN"} {
		if got := ErrorName(code); got != name {
			t.Errorf("ErrorName(%d) = %q", code, got)
		}
	}
}

func BenchmarkForward(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	hs := make([]Header, 1024)
	froms := make([]uint32, len(hs))
	for i := range hs {
		n := uint32(r.IntN(257)) // transit traffic: not for self
		if n == 1 {
			n = 0
		}
		from := uint32(r.IntN(257))
		f := max(V358.canonicalForm(uint64(n), true), V358.canonicalForm(uint64(from), true))
		d, _ := V358.Compress(n, f)
		hs[i] = Header{Label: d | uint64(r.Uint32())<<10 | 1<<50, TrafficClass: 0x8000}
		froms[i] = from
	}
	var present [257]bool
	for i := range present {
		present[i] = true
	}
	pf := func(n uint32) bool { return n < uint32(len(present)) && present[n] }
	b.ReportAllocs()
	b.ResetTimer()
	var sink uint32
	for i := 0; i < b.N; i++ {
		j := i & 1023
		to, _, err := V358.Forward(hs[j], froms[j], pf)
		if err != nil {
			b.Fatal(err)
		}
		sink += to
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/hop")
	_ = sink
}

// The v358 table-driven path in Forward must agree with the general path on every label
// shape, ingress and presence pattern.
func TestForward358MatchesGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	general := func(h Header, from uint32, present func(uint32) bool) (uint32, Header, error) {
		// the general code path, reached by hiding v358's identity
		return forwardGeneral(V358, h, from, present)
	}
	for i := 0; i < 200000; i++ {
		l := r.Uint64() >> r.IntN(64)
		switch r.IntN(4) {
		case 0:
			l = l<<4 | 1
		case 1:
			l = l << (4 + r.IntN(12))
		}
		h := Header{Label: l, LabelShift: uint8(r.IntN(64)), TrafficClass: uint16(r.Uint32())}
		from := uint32(r.IntN(260))
		if r.IntN(4) == 0 {
			from = uint32(r.IntN(3))
		}
		mask := r.Uint64()
		present := func(n uint32) bool { return mask>>(n&63)&1 != 0 }
		if r.IntN(3) == 0 {
			present = nil
		}
		to1, h1, e1 := V358.Forward(h, from, present)
		to2, h2, e2 := general(h, from, present)
		if to1 != to2 || h1 != h2 || e1 != e2 {
			t.Fatalf("label %s from %d: fast %d %+v %v, general %d %+v %v", FormatLabel(l), from, to1, h1, e1, to2, h2, e2)
		}
	}
}

// A scheme whose self route 0001 is wider (8 bits) than its other form
// (5 bits) reaches SwitchCore's "from self" branch: the packet passes only
// if the label's top bits leave room for the wider return director.
func TestForwardGeneralFromSelfWider(t *testing.T) {
	s := Scheme{{BitCount: 3, PrefixLen: 5, Prefix: 1}, {BitCount: 4, PrefixLen: 1, Prefix: 0}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := s.Compress(6, 1) // 5-bit director
	if err != nil {
		t.Fatal(err)
	}
	to, out, err := s.Forward(Header{Label: 1<<5 | d}, 1, nil)
	if err != nil || to != 6 || out.Label != 1|1<<63 || out.LabelShift != 5 {
		t.Fatalf("from self: %d %s %v", to, FormatLabel(out.Label), err)
	}
	if _, _, err := s.Forward(Header{Label: 1<<61 | d}, 1, nil); !errors.Is(err, errMalformed) {
		t.Fatalf("from self without room: %v", err)
	}
	if _, _, err := s.Forward(Header{Label: 1<<5 | d}, 0, nil); !errors.Is(err, errMalformed) {
		t.Fatalf("8-bit ingress into 5-bit director: %v", err)
	}
	if _, _, err := s.Forward(Header{Label: 0b11}, 0, nil); !errors.Is(err, errMalformed) {
		t.Fatalf("label matching no form: %v", err)
	}
}
