package tb

import (
	"bytes"
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

var fmtPorts = []Port{{Name: "rst", Width: 1}, {Name: "d", Width: 10}, {Name: "w", Width: 99}}

func TestFormatExample(t *testing.T) {
	s, err := NewStimulus(fmtPorts, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Append(1, 0x3ff, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(0, 0x2a, 0xdeadbeef); err != nil {
		t.Fatal(err)
	}
	s.Grow(1)
	big100, _ := new(big.Int).SetString("40000000000000000000000ab", 16)
	if err := s.SetBig(2, 2, big100); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := s.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	want := "// pktrouter tb: rst:1 d:10 w:99\n" +
		"1_3ff_0000000000000000000000000\n" +
		"0_02a_00000000000000000deadbeef\n" +
		"0_000_40000000000000000000000ab\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if w := packedWidth(fmtPorts); w != 4+12+100 {
		t.Errorf("packed width %d", w)
	}
}

func TestRoundTrip(t *testing.T) {
	ports := []Port{{Name: "a", Width: 1}, {Name: "b", Width: 63}, {Name: "c", Width: 64},
		{Name: "d", Width: 65}, {Name: "e", Width: 128}, {Name: "f", Width: 257}, {Name: "g", Width: 3}}
	s, err := NewStimulus(ports, 500)
	if err != nil {
		t.Fatal(err)
	}
	s.Randomize(rand.New(rand.NewPCG(7, 7)))
	var b bytes.Buffer
	if _, err := s.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	got, err := ParseStimulus(bytes.NewReader(b.Bytes()), ports)
	if err != nil {
		t.Fatal(err)
	}
	tr := Trace{Vectors: got.Vectors}
	if err := Compare(Trace{Vectors: s.Vectors}, tr); err != nil {
		t.Fatal(err)
	}
	for c := 0; c < s.Len(); c++ {
		for i := range ports {
			if got.Big(c, i).Cmp(s.Big(c, i)) != 0 {
				t.Fatalf("cycle %d port %d: %v vs %v", c, i, got.Big(c, i), s.Big(c, i))
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	const hdr = "// pktrouter tb: rst:1 d:10 w:99\n"
	const ok = "0_000_0000000000000000000000000\n"
	tests := []struct {
		name, in string
		line     int
		port     string
		frag     string
	}{
		{"too few values", hdr + ok + "1_3ff\n", 3, "", "2 values, want 3"},
		{"too many values", ok + "1_3ff_0000000000000000000000000_1\n", 2, "", "4 values, want 3"},
		{"space separated", "1 3ff 0000000000000000000000000\n", 1, "", "1 values, want 3"},
		{"short field", ok + "1_ff_0000000000000000000000000\n", 2, "d", "has 2 hex digits, want 3"},
		{"long field", "1_3ff_00000000000000000000000000\n", 1, "w", "has 26 hex digits, want 25"},
		{"bits above width", "1_400_0000000000000000000000000\n", 1, "d", "does not fit 10 bits"},
		{"1-bit port set to 2", "2_000_0000000000000000000000000\n", 1, "rst", "does not fit 1 bits"},
		{"wide bits above width", "0_000_8000000000000000000000000\n", 1, "w", "does not fit 99 bits"},
		{"not hex", "0_0g0_0000000000000000000000000\n", 1, "d", `'g' is not a hex digit`},
		{"x", ok + ok + "0_0x0_0000000000000000000000000\n", 3, "d", "unknown (x/z)"},
		{"upper Z", "0_000_000000000000000000000000Z\n", 1, "w", "unknown (x/z)"},
		{"blank line", ok + "\n" + ok, 2, "", "empty line"},
		{"address", "@10\n", 1, "", "address lines"},
		{"header mismatch", "// pktrouter tb: rst:1 d:12 w:99\n" + ok, 1, "", "does not match"},
		{"empty field", "0__0000000000000000000000000\n", 1, "d", "has 0 hex digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseStimulus(strings.NewReader(tc.in), fmtPorts)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Line != tc.line || pe.Port != tc.port || !strings.Contains(pe.Error(), tc.frag) {
				t.Errorf("got %q (line %d, port %q), want line %d, port %q, containing %q", pe.Error(), pe.Line, pe.Port, tc.line, tc.port, tc.frag)
			}
			if tc.port != "" && !strings.Contains(pe.Error(), `port "`+tc.port+`"`) {
				t.Errorf("message %q does not name port %q", pe.Error(), tc.port)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name, in string
		cycles   int
	}{
		{"no header", "1_3FF_7BCDEF0000000000000000000\n", 1},
		{"no final newline", "1_3ff_0000000000000000000000000", 1},
		{"comments and CRLF", "// made by hand\r\n1_3ff_0000000000000000000000000\r\n// end\r\n", 1},
		{"trailing blank lines", "0_000_0000000000000000000000000\n\n\n", 1},
		{"empty", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseStimulus(strings.NewReader(tc.in), fmtPorts)
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != tc.cycles {
				t.Errorf("%d cycles, want %d", s.Len(), tc.cycles)
			}
		})
	}
}

func TestSetErrors(t *testing.T) {
	s, err := NewStimulus(fmtPorts, 2)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		err  error
		frag string
	}{
		{"too wide", s.Set(0, 1, 0x400), `does not fit 10-bit port "d"`},
		{"1-bit", s.Set(1, 0, 2), `does not fit 1-bit port "rst"`},
		{"cycle", s.Set(2, 0, 0), "cycle 2 out of range"},
		{"port", s.Set(0, 3, 0), "port index 3 out of range"},
		{"wide", s.SetWords(0, 2, []uint64{0, 1 << 36}), `does not fit 99-bit port "w"`},
		{"extra word", s.SetWords(0, 1, []uint64{1, 1}), `does not fit 10-bit port "d"`},
		{"negative", s.SetBig(0, 2, big.NewInt(-1)), "negative"},
		{"append count", s.Append(1, 2), "2 values for 3 ports"},
		{"append width", s.Append(1, 2, 3, 4), "4 values for 3 ports"},
		{"append too wide", s.Append(1, 0x400, 0), `does not fit 10-bit port "d"`},
	}
	for _, tc := range tests {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.frag) {
			t.Errorf("%s: got %v, want %q", tc.name, tc.err, tc.frag)
		}
	}
	if s.Len() != 2 {
		t.Errorf("failed Appends left %d cycles, want 2", s.Len())
	}
	// Nothing was stored by the failed calls.
	for c := 0; c < 2; c++ {
		for i := range fmtPorts {
			if s.Big(c, i).Sign() != 0 {
				t.Errorf("cycle %d port %d is %v after failed sets", c, i, s.Big(c, i))
			}
		}
	}
	// A wide value that fits is stored.
	if err := s.SetWords(1, 2, []uint64{5, 1<<35 - 1, 0}); err != nil {
		t.Fatal(err)
	}
	if got := s.Hex(1, 2); got != "7ffffffff0000000000000005" {
		t.Errorf("hex %s", got)
	}
}

func TestRowErrors(t *testing.T) {
	tr, err := NewTrace(fmtPorts, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := tr.Row(0)
	r.Set(0, 1)
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	r.Set(1, 0x400)
	r.Set(0, 5) // a second error is not recorded over the first
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), `10-bit port "d"`) {
		t.Errorf("got %v", err)
	}
	if tr.Get(0, 1) != 0 || tr.Get(0, 0) != 1 {
		t.Errorf("bad values stored: %#x %#x", tr.Get(0, 0), tr.Get(0, 1))
	}
	if err := tr.Row(3).Err(); err == nil {
		t.Errorf("row out of range: no error")
	}
	r2 := tr.Row(0)
	r2.Set(9, 1)
	if err := r2.Err(); err == nil || !strings.Contains(err.Error(), "port index 9") {
		t.Errorf("got %v", err)
	}
}

// FuzzParseTrace: the parser never panics, and whatever it accepts
// round-trips exactly.
func FuzzParseTrace(f *testing.F) {
	f.Add("// pktrouter tb: rst:1 d:10 w:99\n1_3ff_0000000000000000000000000\n")
	f.Add("0_0x0_0000000000000000000000000\n")
	f.Add("1_3FF_7BCDEF0000000000000000000\r\n\n")
	f.Add("@0\n")
	f.Fuzz(func(t *testing.T, in string) {
		tr, err := ParseTrace(strings.NewReader(in), fmtPorts)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if _, err := tr.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		again, err := ParseTrace(&b, fmtPorts)
		if err != nil {
			t.Fatalf("rewritten trace does not parse: %v", err)
		}
		if err := Compare(tr, again); err != nil {
			t.Fatal(err)
		}
	})
}
