package label

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"testing"
)

// cjdnsVectors is testdata/cjdns_vectors.json: inputs and outputs recorded
// from compiled cjdns v22 code (see doc.go). Set CJDNS_VECTORS to another
// file of the same shape to run a bigger set.
type cjdnsVectors struct {
	Source      string
	Deserialize []struct {
		In    string
		Forms [][3]uint32
	}
	Sane []struct {
		Forms [][3]uint32
		Sane  bool
	}
	Ops []struct {
		Scheme       [][3]uint32
		Label        uint64
		Form, Dir    int
		Self, Onehop int
		Conv         []json.Number // index 0: canonical, then forms 0..count; -1 invalid
	}
	Splice []struct {
		Go, Via       uint64
		Splice        json.RawMessage
		Unsplice      uint64
		Through       int
		ThroughSplice int
		MidOnly       int
	}
	Checksum []struct{ In, Sum string }
	Switch   map[string][]switchVector   `json:"-"`
	LabelFor map[string][]labelForVector `json:"-"`
	Compress map[string][]compressVector `json:"-"`
}

type switchVector struct {
	From      uint32
	AbsentMap string
	In        string
	Iface     *int
	Out       string
	Drop      string
	Silent    int
}

type labelForVector struct{ Target, Asker, Out uint64 }

type compressVector struct {
	N     uint32
	Form  int
	Canon int
	Out   uint64
	Back  uint32
}

var typeSchemes = map[string]Scheme{"v3x5x8": V358, "v4x8": V4x8, "f4": F4, "f8": F8}

func loadVectors(t *testing.T) *cjdnsVectors {
	t.Helper()
	path := "testdata/cjdns_vectors.json"
	if p := os.Getenv("CJDNS_VECTORS"); p != "" {
		path = p
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading vectors: %v", err)
	}
	v := &cjdnsVectors{}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	v.Switch = map[string][]switchVector{}
	v.LabelFor = map[string][]labelForVector{}
	v.Compress = map[string][]compressVector{}
	for typ := range typeSchemes {
		var sw []switchVector
		var lf []labelForVector
		var cv []compressVector
		for key, dst := range map[string]any{"switch_" + typ: &sw, "labelfor_" + typ: &lf, "compress_" + typ: &cv} {
			r, ok := all[key]
			if !ok {
				t.Fatalf("%s: no section %s", path, key)
			}
			if err := json.Unmarshal(r, dst); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
		}
		v.Switch[typ], v.LabelFor[typ], v.Compress[typ] = sw, lf, cv
	}
	return v
}

func formsOf(f [][3]uint32) Scheme {
	s := make(Scheme, len(f))
	for i, x := range f {
		s[i] = Form{BitCount: uint8(x[0]), PrefixLen: uint8(x[1]), Prefix: x[2]}
	}
	return s
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCjdnsVectorsSchemes(t *testing.T) {
	v := loadVectors(t)
	if len(v.Deserialize) == 0 || len(v.Sane) == 0 || len(v.Ops) == 0 {
		t.Fatal("vector file has empty sections")
	}
	for _, c := range v.Deserialize {
		s, err := ParseScheme(unhex(t, c.In))
		if (err == nil) != (c.Forms != nil) {
			t.Errorf("ParseScheme(%s) = %v, %v; cjdns forms %v", c.In, s, err, c.Forms)
			continue
		}
		if err != nil {
			continue
		}
		if want := formsOf(c.Forms); !s.Equal(want) {
			t.Errorf("ParseScheme(%s) = %v, cjdns %v", c.In, s, want)
		}
		if again, err := ParseScheme(s.Bytes()); err != nil || !again.Equal(s) {
			t.Errorf("re-parse of %v: %v %v", s, again, err)
		}
	}
	for _, c := range v.Sane {
		s := formsOf(c.Forms)
		if err := s.Validate(); (err == nil) != c.Sane {
			t.Errorf("Validate(%v) = %v, cjdns isSane %v", c.Forms, err, c.Sane)
		}
	}
	for _, c := range v.Ops {
		s := formsOf(c.Scheme)
		fi, err := s.FormOf(c.Label)
		if c.Form < 0 {
			if !errors.Is(err, ErrNoForm) {
				t.Errorf("%v FormOf(%s) = %d, %v; cjdns no form", s, FormatLabel(c.Label), fi, err)
			}
		} else {
			if err != nil || fi != c.Form {
				t.Errorf("%v FormOf(%s) = %d, %v; cjdns %d", s, FormatLabel(c.Label), fi, err, c.Form)
			}
			n, _, err := s.Decompress(c.Label)
			if err != nil || int(n) != c.Dir {
				t.Errorf("%v Decompress(%s) = %d, %v; cjdns %d", s, FormatLabel(c.Label), n, err, c.Dir)
			}
		}
		if got := s.IsSelfRoute(c.Label); got != (c.Self != 0) {
			t.Errorf("%v IsSelfRoute(%s) = %v", s, FormatLabel(c.Label), got)
		}
		if got := s.IsOneHop(c.Label); got != (c.Onehop != 0) {
			t.Errorf("%v IsOneHop(%s) = %v", s, FormatLabel(c.Label), got)
		}
		for i, w := range c.Conv {
			to := i - 1
			got, err := s.ConvertLabel(c.Label, to)
			want, perr := strconv.ParseUint(string(w), 10, 64)
			if w == "-1" {
				if err == nil {
					t.Errorf("%v ConvertLabel(%s, %d) = %s, cjdns invalid", s, FormatLabel(c.Label), to, FormatLabel(got))
				}
			} else if perr != nil || err != nil || got != want {
				t.Errorf("%v ConvertLabel(%s, %d) = %s, %v; cjdns %s", s, FormatLabel(c.Label), to,
					FormatLabel(got), err, FormatLabel(want))
			}
		}
	}
}

func TestCjdnsVectorsSpliceChecksum(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Splice {
		if c.MidOnly != 0 {
			if got := RoutesThrough(c.Go, c.Via); got != (c.Through != 0) {
				t.Errorf("RoutesThrough(%s, %s) = %v", FormatLabel(c.Go), FormatLabel(c.Via), got)
			}
			continue
		}
		var want int64
		var wantU uint64
		if err := json.Unmarshal(c.Splice, &want); err != nil {
			if err := json.Unmarshal(c.Splice, &wantU); err != nil {
				t.Fatal(err)
			}
		} else {
			wantU = uint64(want)
		}
		got, err := Splice(c.Go, c.Via)
		if want == -1 {
			if !errors.Is(err, ErrLabelTooLong) {
				t.Errorf("Splice(%s, %s) = %s, %v; cjdns too big", FormatLabel(c.Go), FormatLabel(c.Via), FormatLabel(got), err)
			}
		} else if err != nil || got != wantU {
			t.Errorf("Splice(%s, %s) = %s, %v; cjdns %s", FormatLabel(c.Go), FormatLabel(c.Via),
				FormatLabel(got), err, FormatLabel(wantU))
		}
		if got := Unsplice(c.Go, c.Via); got != c.Unsplice {
			t.Errorf("Unsplice(%s, %s) = %s, cjdns %s", FormatLabel(c.Go), FormatLabel(c.Via), FormatLabel(got), FormatLabel(c.Unsplice))
		}
		if c.ThroughSplice >= 0 && want != -1 {
			if got := RoutesThrough(wantU, c.Via); got != (c.ThroughSplice != 0) {
				t.Errorf("RoutesThrough(splice, %s) = %v", FormatLabel(c.Via), got)
			}
		}
	}
	for _, c := range v.Checksum {
		in, sum := unhex(t, c.In), unhex(t, c.Sum)
		if got := Checksum(in); got != uint16(sum[0])<<8|uint16(sum[1]) {
			t.Errorf("Checksum(%s) = %04x, cjdns wrote %s", c.In, got, c.Sum)
		}
	}
}

func TestCjdnsVectorsNumberCompress(t *testing.T) {
	v := loadVectors(t)
	for typ, s := range typeSchemes {
		cs := v.Compress[typ]
		if len(cs) == 0 {
			t.Fatalf("%s: no compress vectors", typ)
		}
		for _, c := range cs {
			got, err := s.Compress(c.N, c.Form)
			if err != nil || got != c.Out {
				t.Errorf("%s Compress(%d, %d) = %d, %v; cjdns %d", typ, c.N, c.Form, got, err, c.Out)
			}
			if c.Canon != 0 {
				got, err := s.Compress(c.N, Canonical)
				if err != nil || got != c.Out {
					t.Errorf("%s Compress(%d, Canonical) = %d, %v; cjdns %d", typ, c.N, got, err, c.Out)
				}
			}
			if n, _, err := s.Decompress(c.Out); err != nil || n != c.Back {
				t.Errorf("%s Decompress(%d) = %d, %v; cjdns %d", typ, c.Out, n, err, c.Back)
			}
		}
		for _, c := range v.LabelFor[typ] {
			got, err := s.LabelFor(c.Target, c.Asker)
			if err != nil || got != c.Out {
				t.Errorf("%s LabelFor(%s, %s) = %s, %v; cjdns %s", typ, FormatLabel(c.Target), FormatLabel(c.Asker),
					FormatLabel(got), err, FormatLabel(c.Out))
			}
		}
	}
}

func TestCjdnsVectorsSwitch(t *testing.T) {
	v := loadVectors(t)
	for typ, s := range typeSchemes {
		vs := v.Switch[typ]
		if len(vs) == 0 {
			t.Fatalf("%s: no switch vectors", typ)
		}
		for i, c := range vs {
			in := unhex(t, c.In)
			absent := unhex(t, c.AbsentMap)
			present := func(n uint32) bool {
				return int(n/8) < len(absent) && absent[n/8]&(1<<(n%8)) == 0
			}
			h, err := ParseHeader(in)
			if err != nil {
				t.Fatal(err)
			}
			to, out, err := s.Forward(h, c.From, present)
			switch {
			case c.Iface != nil && err == nil:
				// forwarded (possibly back out of the ingress interface)
				if int(to) != *c.Iface {
					t.Errorf("%s #%d: to %d, cjdns %d", typ, i, to, *c.Iface)
				}
				// cjdns sets the traffic class to 0xffff; pktrouter keeps it.
				wantOut := unhex(t, c.Out)
				if out.TrafficClass != h.TrafficClass {
					t.Errorf("%s #%d: traffic class changed", typ, i)
				}
				out.TrafficClass = Unclassed
				got := append(out.AppendTo(nil), in[HeaderSize:]...)
				if !bytes.Equal(got, wantOut) {
					t.Errorf("%s #%d from %d label %s:\n got %x\nwant %s", typ, i, c.From, FormatLabel(h.Label), got, c.Out)
				}
			case c.Iface != nil || c.Silent != 0:
				// error frame back out of the ingress interface, or suppressed
				var se SwitchError
				if !errors.As(err, &se) {
					t.Errorf("%s #%d from %d label %s: got to=%d err=%v, cjdns sends an error", typ, i, c.From,
						FormatLabel(h.Label), to, err)
					continue
				}
				frame := ErrorFrame(in, se.Code)
				want := []byte(nil)
				if c.Silent == 0 {
					want = unhex(t, c.Out)
				}
				if !bytes.Equal(frame, want) {
					t.Errorf("%s #%d from %d label %s code %d:\n got %x\nwant %x", typ, i, c.From,
						FormatLabel(h.Label), se.Code, frame, want)
				}
			case c.Drop == "UNDELIVERABLE":
				if !errors.Is(err, ErrShiftOverflow) {
					t.Errorf("%s #%d: got to=%d err=%v, cjdns drops (label rolled over)", typ, i, to, err)
				}
			case c.Drop == "RUNT":
				// cjdns refused the packet and had nothing to quote (cause < 16 bytes).
				var se SwitchError
				if !errors.As(err, &se) || ErrorFrame(in, se.Code) != nil {
					t.Errorf("%s #%d: got to=%d err=%v, cjdns error on a runt", typ, i, to, err)
				}
			default:
				t.Fatalf("%s #%d: unknown outcome %+v", typ, i, c)
			}
		}
	}
}
