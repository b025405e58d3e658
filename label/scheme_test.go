package label

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
)

var namedSchemes = []struct {
	name  string
	s     Scheme
	ifmax uint32 // cjdns NumberCompress_<type>_INTERFACES - 1
}{{"f4", F4, 15}, {"f8", F8, 255}, {"v4x8", V4x8, 255}, {"v358", V358, 256}}

// cjdns EncodingScheme_test.c "encoding": three 15/20/18-bit-prefix forms.
func TestBytesCjdnsEncodingVector(t *testing.T) {
	s := Scheme{
		{PrefixLen: 15, BitCount: 2, Prefix: (1<<15 - 1) ^ (1 << 1)},
		{PrefixLen: 20, BitCount: 4, Prefix: (1<<20 - 1) ^ (1 << 2)},
		{PrefixLen: 18, BitCount: 8, Prefix: (1<<18 - 1) ^ (1 << 3)},
	}
	want := []byte("\x4f\xf4\xff\x29\xd9\xff\x7f\x89\xee\xff\x07")
	if got := s.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("Bytes = %x, cjdns %x", got, want)
	}
	back, err := ParseScheme(want)
	if err != nil || !back.Equal(s) {
		t.Fatalf("ParseScheme = %v, %v; want %v", back, err, s)
	}
}

func TestNamedSchemeBytes(t *testing.T) {
	for _, c := range []struct {
		s    Scheme
		want string
	}{
		{V358, "\x61\x14\x45\x81\x00"}, // the scheme every cjdns node announces
		{F4, "\x80\x00"},
		{F8, "\x00\x01"},
		{V4x8, "\x81\x0c\x08"},
	} {
		if got := c.s.Bytes(); string(got) != c.want {
			t.Errorf("%v.Bytes() = %x, want %x", c.s, got, c.want)
		}
		back, err := ParseScheme([]byte(c.want))
		if err != nil || !back.Equal(c.s) {
			t.Errorf("ParseScheme(%x) = %v, %v", c.want, back, err)
		}
		if err := c.s.Validate(); err != nil {
			t.Errorf("%v: %v", c.s, err)
		}
	}
}

func TestParseSchemeRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"zero byte", []byte{0}},
		{"truncated v358", []byte("\x61\x14\x45\x81")},
		{"garbage after v358", []byte("\x61\x14\x45\x81\x00\x00\x00\x00\x00\x00\x00\x01")},
		{"fixed with prefix", Scheme{{BitCount: 4, PrefixLen: 1, Prefix: 1}}.Bytes()},
		{"descending", Scheme{{BitCount: 8, PrefixLen: 1, Prefix: 1}, {BitCount: 4, PrefixLen: 1}}.Bytes()},
		{"same prefix", Scheme{{BitCount: 4, PrefixLen: 1, Prefix: 1}, {BitCount: 8, PrefixLen: 2, Prefix: 1}}.Bytes()},
		{"no prefix in variable", Scheme{{BitCount: 4, PrefixLen: 1, Prefix: 1}, {BitCount: 8}}.Bytes()},
		{"form too wide", Scheme{{BitCount: 4, PrefixLen: 1, Prefix: 1}, {BitCount: 31, PrefixLen: 30}}.Bytes()},
	} {
		s, err := ParseScheme(c.in)
		if !errors.Is(err, ErrInsaneScheme) {
			t.Errorf("%s: ParseScheme(%x) = %v, %v; want ErrInsaneScheme", c.name, c.in, s, err)
		}
	}
	// Trailing zero bytes inside cjdns' 56-bit window are accepted.
	if s, err := ParseScheme([]byte("\x61\x14\x45\x81\x00\x00\x00")); err != nil || !s.Equal(V358) {
		t.Errorf("v358 + 2 zero bytes: %v, %v", s, err)
	}
}

func TestValidateRejectsWidePrefix(t *testing.T) {
	s := Scheme{{BitCount: 4, PrefixLen: 1, Prefix: 3}, {BitCount: 8, PrefixLen: 1, Prefix: 0}}
	if err := s.Validate(); !errors.Is(err, ErrInsaneScheme) {
		t.Fatalf("prefix wider than its length: %v", err)
	}
	if _, err := s.Compress(3, Canonical); !errors.Is(err, ErrInsaneScheme) {
		t.Fatalf("Compress on insane scheme: %v", err)
	}
	if s.IsOneHop(0x13) || s.IsSelfRoute(1) {
		t.Fatal("insane scheme answered a label question")
	}
}

func TestSchemeByName(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Scheme
	}{{"f4", F4}, {"F8", F8}, {"v4x8", V4x8}, {"v358", V358}, {"v3x5x8", V358}, {" V358 ", V358}} {
		s, err := SchemeByName(c.in)
		if err != nil || !s.Equal(c.want) {
			t.Errorf("SchemeByName(%q) = %v, %v", c.in, s, err)
		}
		if s.Name() == "" || s.String() != s.Name() {
			t.Errorf("%q: Name %q String %q", c.in, s.Name(), s.String())
		}
	}
	if _, err := SchemeByName("v48"); err == nil {
		t.Error("unknown name accepted")
	}
	s, _ := SchemeByName("v358")
	s[0].BitCount = 9 // the returned scheme is a copy
	if V358[0].BitCount != 3 {
		t.Fatal("SchemeByName returned the package variable")
	}
	if got := (Scheme{{BitCount: 4, PrefixLen: 2, Prefix: 1}, {BitCount: 9, PrefixLen: 2, Prefix: 2}}).String(); got != "[4/2/01 9/2/10]" {
		t.Errorf("String = %q", got)
	}
}

// Property: every serializable sane scheme survives Bytes/ParseScheme.
func TestSchemeRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 0
	for i := 0; i < 20000 && n < 500; i++ {
		s := make(Scheme, 1+r.IntN(5))
		for j := range s {
			s[j].BitCount = uint8(1 + r.IntN(31))
			if len(s) > 1 {
				s[j].PrefixLen = uint8(1 + r.IntN(6))
				s[j].Prefix = r.Uint32() & mask32(s[j].PrefixLen)
			}
		}
		if s.Validate() != nil {
			continue
		}
		n++
		back, err := ParseScheme(s.Bytes())
		if err != nil || !back.Equal(s) {
			t.Fatalf("%v: round trip %v, %v", s, back, err)
		}
	}
	if n < 100 {
		t.Fatalf("only %d sane random schemes", n)
	}
}

func TestSchemeText(t *testing.T) {
	var cfg struct {
		Scheme Scheme `json:"scheme"`
	}
	for _, c := range []struct {
		in   string
		want Scheme
	}{
		{`{"scheme":"v358"}`, V358},
		{`{"scheme":"v3x5x8"}`, V358},
		{`{"scheme":"f4"}`, F4},
		{`{"scheme":"` + hex.EncodeToString(V4x8.Bytes()) + `"}`, V4x8},
		{`{"scheme":"8002"}`, Scheme{{BitCount: 20}}}, // fixed 20 bits: 20<<5
	} {
		if err := json.Unmarshal([]byte(c.in), &cfg); err != nil || !cfg.Scheme.Equal(c.want) {
			t.Errorf("%s: %v, %v", c.in, cfg.Scheme, err)
			continue
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var back struct {
			Scheme Scheme `json:"scheme"`
		}
		if err := json.Unmarshal(out, &back); err != nil || !back.Scheme.Equal(c.want) {
			t.Errorf("%s -> %s -> %v, %v", c.in, out, back.Scheme, err)
		}
	}
	for _, bad := range []string{`{"scheme":"v99"}`, `{"scheme":"00"}`, `{"scheme":""}`} {
		if err := json.Unmarshal([]byte(bad), &cfg); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := (Scheme{}).MarshalText(); err == nil {
		t.Error("empty scheme marshalled")
	}
}
