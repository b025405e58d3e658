package label

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// cjdns util/test/Checksum_test.c checksumAlgorithmTest, plus the IPv4
// header of its UDP test (checksum f877 at offset 10).
func TestChecksumCjdnsVectors(t *testing.T) {
	for _, c := range []struct {
		hex  string
		want uint16
	}{
		{"00", 0xffff}, {"0001", 0xfffe}, {"000102", 0xfdfe}, {"00010203", 0xfdfb},
		{"ff", 0xff}, {"fffe", 0x1}, {"fffefd", 0x300}, {"fffefdfc", 0x204},
		{"45000054ccf3000040010000c0a80001c0a8000b", 0x2c59},
		{"45000034fa4d400040064b8d0a4206015cde87c8", 0x0000},
		{"45000034fa4d4000400600000a4206015cde87c8", 0x4b8d},
		{"45000033" + "7a954000" + "40110000" + "c0a80102" + "04020201", 0xf877},
		{"", 0xffff},
	} {
		b, _ := hex.DecodeString(c.hex)
		if got := Checksum(b); got != c.want {
			t.Errorf("Checksum(%s) = %04x, want %04x", c.hex, got, c.want)
		}
	}
}

// A message with its checksum in place sums to zero; any single bit flip
// is caught. The length is taken mod 65536 as cjdns' uint16 length does.
func TestChecksumProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 2000; i++ {
		body := make([]byte, r.IntN(300))
		for j := range body {
			body[j] = byte(r.Uint32())
		}
		m := AppendCtrl(nil, uint16(r.Uint32()), body)
		if Checksum(m) != 0 {
			t.Fatalf("message %x does not sum to 0", m)
		}
		k := r.IntN(len(m) * 8)
		m[k/8] ^= 1 << (k % 8)
		if Checksum(m) == 0 {
			t.Fatalf("bit flip %d not caught", k)
		}
	}
	big := make([]byte, 65536+3)
	big[65536], big[65537] = 0x12, 0x34
	if got, want := Checksum(big), Checksum(big[:3]); got != want {
		t.Errorf("64 KiB + 3: %04x, want the sum of the first 3 bytes %04x", got, want)
	}
}

func TestPing(t *testing.T) {
	for _, pong := range []bool{false, true} {
		p := Ping{Pong: pong, Version: 22, Data: []byte("IFACE_CNTRLR")}
		m, err := p.AppendTo(nil)
		if err != nil {
			t.Fatal(err)
		}
		typ, magic := "0003", "09f91102"
		if pong {
			typ, magic = "0004", "9d74e35b"
		}
		if h := hex.EncodeToString(m[2:12]); h != typ+magic+"00000016" {
			t.Errorf("pong=%v layout %s", pong, h)
		}
		got, err := ParsePing(m)
		if err != nil || got.Pong != pong || got.Version != 22 || !bytes.Equal(got.Data, p.Data) {
			t.Errorf("ParsePing = %+v, %v", got, err)
		}
	}
	if _, err := (Ping{Data: make([]byte, 257)}).AppendTo(nil); err == nil {
		t.Error("257 bytes of ping data accepted")
	}
	good, _ := Ping{Version: 1}.AppendTo(nil)
	wrongMagic := AppendCtrl(nil, CtrlPing, append([]byte{0x9d, 0x74, 0xe3, 0x5b}, good[8:]...))
	short := AppendCtrl(nil, CtrlPing, []byte{9, 0xf9, 0x11, 2})
	errMsg := ErrorMsg{Code: 1, Cause: make([]byte, 16)}.AppendTo(nil)
	for _, c := range []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrShortCtrl},
		{"bad checksum", append([]byte{0, 0}, good[2:]...), ErrBadChecksum},
		{"pong magic in ping", wrongMagic, ErrBadMagic},
		{"short", short, ErrShortCtrl},
		{"error type", errMsg, ErrCtrlType},
	} {
		if _, err := ParsePing(c.in); !errors.Is(err, c.want) {
			t.Errorf("%s: ParsePing = %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := ParseErrorMsg(good); !errors.Is(err, ErrCtrlType) {
		t.Errorf("ParseErrorMsg(ping) = %v", err)
	}
	if _, err := ParseErrorMsg(AppendCtrl(nil, CtrlError, make([]byte, 19))); !errors.Is(err, ErrShortCtrl) {
		t.Errorf("short error: %v", err)
	}
}

func TestSplitCtrlFrame(t *testing.T) {
	h := Header{Label: 0x13, Version: 1}
	f := AppendCtrlFrame(nil, h, []byte{1, 2})
	if _, _, err := SplitCtrlFrame(f[:14]); !errors.Is(err, ErrNotCtrl) {
		t.Errorf("no handle: %v", err)
	}
	f[12] = 0
	if _, _, err := SplitCtrlFrame(f); !errors.Is(err, ErrNotCtrl) {
		t.Errorf("data handle: %v", err)
	}
	if _, _, err := SplitCtrlFrame(f[:5]); !errors.Is(err, ErrShortHeader) {
		t.Errorf("runt: %v", err)
	}
}

func TestLabelNotation(t *testing.T) {
	for _, c := range []struct {
		s string
		v uint64
	}{
		{"0000.0000.0000.0013", 0x13}, {"0000.0000.0000.0001", 1}, {"ffff.ffff.ffff.ffff", ^uint64(0)},
		{"0123.4567.89ab.cdef", 0x0123456789abcdef},
	} {
		if got := FormatLabel(c.v); got != c.s {
			t.Errorf("FormatLabel(%#x) = %q, want %q", c.v, got, c.s)
		}
		if got, err := ParseLabel(c.s); err != nil || got != c.v {
			t.Errorf("ParseLabel(%q) = %#x, %v", c.s, got, err)
		}
		if got, err := ParseLabel(strings.ToUpper(c.s)); err != nil || got != c.v {
			t.Errorf("ParseLabel(upper %q) = %#x, %v", c.s, got, err)
		}
	}
	for _, bad := range []string{"", "0x13", "0000.0000.0000.013", "0000.0000.0000.00134", "0000:0000:0000:0013",
		"0000.0000.0000.001g", " 000.0000.0000.0013", "00000.000.0000.0013", "0000.0000.0000.0013\n"} {
		if v, err := ParseLabel(bad); !errors.Is(err, ErrLabelSyntax) {
			t.Errorf("ParseLabel(%q) = %#x, %v; want ErrLabelSyntax", bad, v, err)
		}
	}
	r := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 1000; i++ {
		v := r.Uint64() >> r.IntN(64)
		if got, err := ParseLabel(FormatLabel(v)); err != nil || got != v {
			t.Fatalf("round trip %#x: %#x, %v", v, got, err)
		}
	}
}

// cjdns LabelSplicer_test.c and the whitepaper's splice example.
func TestSpliceCjdnsVectors(t *testing.T) {
	if got, err := Splice(0x04, 0x04); err != nil || got != 0x10 {
		t.Errorf("Splice(4, 4) = %#x, %v; want 0x10", got, err)
	}
	if got := Unsplice(0x13, 1); got != 0x13 {
		t.Errorf("Unsplice(0x13, 1) = %#x", got)
	}
	if RoutesThrough(0x0000900aea95ca55, 0x000001652639c655) {
		t.Error("RoutesThrough(dst, mid) true, cjdns false")
	}
	if !RoutesThrough(0x0000900aea95ca55, 1) {
		t.Error("everything routes through self")
	}
	ab := uint64(0b1011101110101011001)
	bc := uint64(0b110101010100)
	ac := uint64(0b110101010100011101110101011001)
	if got, err := Splice(bc, ab); err != nil || got != ac {
		t.Errorf("whitepaper splice = %b, %v; want %b", got, err, ac)
	}
	if got := Unsplice(ac, ab); got != bc {
		t.Errorf("whitepaper unsplice = %b, want %b", got, bc)
	}
	if !RoutesThrough(ac, ab) {
		t.Error("whitepaper routesThrough")
	}
	if _, err := Splice(1<<30, 1<<30); !errors.Is(err, ErrLabelTooLong) {
		t.Errorf("60-bit splice: %v", err)
	}
	if _, err := Splice(1<<30, 1<<29); err != nil {
		t.Errorf("59-bit splice refused: %v", err)
	}
}

// Property: Unsplice undoes Splice and the spliced path routes through its
// first part, for random paths that fit.
func TestSpliceUnspliceProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	n := 0
	for i := 0; i < 20000; i++ {
		via := r.Uint64()>>r.IntN(64) | 2
		via |= 1 << log2(via)
		goHere := r.Uint64()>>r.IntN(64) | 2
		sp, err := Splice(goHere, via)
		if log2(goHere)+log2(via) > MaxLabelBits {
			if err == nil {
				t.Fatalf("Splice(%#x, %#x) fitted", goHere, via)
			}
			continue
		}
		n++
		if err != nil {
			t.Fatal(err)
		}
		if got := Unsplice(sp, via); got != goHere {
			t.Fatalf("Unsplice(Splice(%#x, %#x)) = %#x", goHere, via, got)
		}
		if !RoutesThrough(sp, via) {
			t.Fatalf("Splice(%#x, %#x) = %#x does not route through %#x", goHere, via, sp, via)
		}
		if log2(sp) != log2(goHere)+log2(via) {
			t.Fatalf("length of splice %#x", sp)
		}
	}
	if n < 5000 {
		t.Fatalf("only %d splices fit", n)
	}
}
