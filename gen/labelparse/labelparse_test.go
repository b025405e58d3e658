package labelparse

import (
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/label"
)

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"insane scheme", func(c *Config) {
			c.Scheme = label.Scheme{{BitCount: 3, PrefixLen: 1, Prefix: 1}, {BitCount: 3, PrefixLen: 1, Prefix: 0}}
		}, "scheme"},
		{"one interface", func(c *Config) { c.Interfaces = 1 }, "interfaces 1"},
		{"too many interfaces", func(c *Config) { c.Interfaces = MaxInterfaces + 1 }, "interfaces"},
		{"port bits", func(c *Config) { c.PortBits = 0 }, "port bits 0"},
		{"tag bits", func(c *Config) { c.TagBits = MaxFieldBits + 1 }, "tag bits"},
		{"vr bits", func(c *Config) { c.VRBits = -1 }, "vr bits -1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Ref4
			c.mod(&cfg)
			if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New: %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

// TestPorts checks the port list and widths the package documentation
// promises, for ref4 and a nil scheme (V358).
func TestPorts(t *testing.T) {
	cfg := Ref4
	cfg.Scheme = nil
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		w   int
		dir hdl.Dir
	}{
		"in_valid": {1, hdl.In}, "in_hdr": {96, hdl.In}, "in_from": {6, hdl.In},
		"tbl_we": {1, hdl.In}, "tbl_addr": {6, hdl.In}, "tbl_wdata": {11, hdl.In},
		"out_valid": {1, hdl.Out}, "out_result": {3, hdl.Out}, "out_to": {6, hdl.Out}, "out_hdr": {96, hdl.Out},
		"out_from": {6, hdl.Out}, "out_port": {3, hdl.Out}, "out_tag": {3, hdl.Out},
	}
	if len(d.Top.Ports) != len(want) {
		t.Errorf("%d ports, want %d", len(d.Top.Ports), len(want))
	}
	for _, p := range d.Top.Ports {
		w, ok := want[p.Name]
		if !ok || d.Top.Nets[p.Net].Width != w.w || p.Dir != w.dir {
			t.Errorf("port %s width %d dir %d, want %+v", p.Name, d.Top.Nets[p.Net].Width, p.Dir, w)
		}
	}
	if !strings.Contains(d.Top.Name, "v358") || !strings.Contains(d.Top.Name, "latency5") {
		t.Errorf("module name %q should say the scheme and the latency", d.Top.Name)
	}
	// A custom scheme gets its serialized form in the name: two schemes
	// never share a module name.
	c2 := Ref4
	c2.Scheme = label.Scheme{{BitCount: 3, PrefixLen: 3, Prefix: 0}, {BitCount: 4, PrefixLen: 1, Prefix: 1}}
	m2, err := New(c2)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Name() == m.Name() {
		t.Errorf("custom scheme and v358 share the name %s", m.Name())
	}
}

func TestPackUnpack(t *testing.T) {
	cfg := Ref4
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		e := Entry{Valid: r.IntN(2) == 1, Port: r.Uint32N(8), Tag: r.Uint32N(8), VR: r.Uint32N(16)}
		w, err := cfg.Pack(e)
		if err != nil {
			t.Fatal(err)
		}
		if w>>cfg.EntryBits() != 0 {
			t.Fatalf("%+v packs to %#x, wider than %d bits", e, w, cfg.EntryBits())
		}
		if got := cfg.Unpack(w); got != e {
			t.Fatalf("%+v -> %#x -> %+v", e, w, got)
		}
	}
	// The valid bit is the top bit, the port the bottom bits.
	if w, _ := cfg.Pack(Entry{Valid: true, Port: 5}); w != 1<<10|5 {
		t.Errorf("valid+port 5 packs to %#x", w)
	}
	for _, e := range []Entry{{Port: 8}, {Tag: 8}, {VR: 16}} {
		if _, err := cfg.Pack(e); err == nil {
			t.Errorf("Pack(%+v): no error for a field too wide", e)
		}
	}
}

func TestHeaderWords(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		h := label.Header{Label: r.Uint64(), Congestion: uint8(r.IntN(128)), SuppressErrors: r.IntN(2) == 1,
			Version: uint8(r.IntN(4)), LabelShift: uint8(r.IntN(64)), TrafficClass: uint16(r.Uint32())}
		w := HeaderWords(h)
		if w[1]>>32 != 0 {
			t.Fatalf("%+v: bits above 96", h)
		}
		// The label is bits 95..32 and labelShift 21..16, as documented.
		if got := w[1]<<32 | w[0]>>32; got != h.Label {
			t.Fatalf("label at 95..32: %#x, want %#x", got, h.Label)
		}
		if got := w[0] >> 16 & 63; got != uint64(h.LabelShift) {
			t.Fatalf("labelShift at 21..16: %d, want %d", got, h.LabelShift)
		}
		if got := HeaderFromWords(w); got != h {
			t.Fatalf("%+v -> %x -> %+v", h, w, got)
		}
	}
}

func TestResultCodes(t *testing.T) {
	for r, want := range map[Result]uint32{
		Forward: 0, MalformedAddress: label.ErrorMalformedAddress, ReturnPathInvalid: label.ErrorReturnPathInvalid,
		ShiftOverflow: 0, UnknownInterface: label.ErrorMalformedAddress, VRMismatch: 0, BadIngress: 0,
	} {
		if got := r.CjdnsCode(); got != want {
			t.Errorf("%v.CjdnsCode() = %d, want %d", r, got, want)
		}
		if r.String() == "" || strings.HasPrefix(r.String(), "result(") {
			t.Errorf("%d has no name", r)
		}
	}
	if got := Result(7).String(); got != "result(7)" {
		t.Errorf("Result(7) = %q", got)
	}
}

func TestParseScheme(t *testing.T) {
	custom := label.Scheme{{BitCount: 3, PrefixLen: 3, Prefix: 0}, {BitCount: 4, PrefixLen: 1, Prefix: 1}}
	for in, want := range map[string]label.Scheme{
		"v358": label.V358, "V3x5x8": label.V358, " f4 ": label.F4, "f8": label.F8, "v4x8": label.V4x8,
		"0x" + hex.EncodeToString(custom.Bytes()): custom,
	} {
		got, err := ParseScheme(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseScheme(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "v9", "0xzz", "0x"} {
		if _, err := ParseScheme(in); err == nil || !strings.Contains(err.Error(), "scheme") {
			t.Errorf("ParseScheme(%q): %v, want an error naming the scheme", in, err)
		}
	}
}

// FuzzParseScheme: any string either fails with an error or gives a
// scheme the generator accepts.
func FuzzParseScheme(f *testing.F) {
	for _, s := range []string{"v358", "f4", "0x" + hex.EncodeToString(label.V4x8.Bytes()), "0x00", "0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseScheme(in)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("ParseScheme(%q) gave an invalid scheme: %v", in, err)
		}
	})
}

// TestReturnDirectorArithmetic checks that the return directors of every
// form of the named schemes are built as logic (returnDirector), not
// taken from the ingress ROM fallback: the arithmetic reproduces
// label.Scheme.Compress for every interface number that fits the form.
func TestReturnDirectorArithmetic(t *testing.T) {
	for _, tc := range []struct {
		name       string
		interfaces int
	}{{"v358", 33}, {"v358", 257}, {"v4x8", 129}, {"f4", 16}, {"f8", 200}} {
		s, err := label.SchemeByName(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		aw := Config{Interfaces: tc.interfaces}.AddrBits()
		rom := make([]ingressROM, 1<<aw)
		for n := range rom {
			if rom[n], err = romEntry(s, uint64(n), tc.interfaces); err != nil {
				t.Fatal(err)
			}
		}
		m := hdl.NewModule("x")
		n := m.Input("n", aw)
		for k := range s {
			if returnDirector(s, k, n, rom, arith{}) == nil {
				t.Errorf("%s, %d interfaces: form %d falls back to the ROM", tc.name, tc.interfaces, k)
			}
		}
	}
}

// TestHeldInputModule checks that the held-input block (Config.HeldInput)
// has the pipelined block's ports, widths and latency in its name, and a
// module name of its own for every configuration, so rtl/ and a design
// that holds both never confuse them.
func TestHeldInputModule(t *testing.T) {
	dev := Ref4
	dev.VRBits = 6
	for _, cfg := range []Config{Ref4, dev, {Scheme: label.F4, Interfaces: 2, PortBits: 1, TagBits: 1, VRBits: 1}} {
		pipe, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		cfg.HeldInput = true
		held, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if held.Name() == pipe.Name() {
			t.Errorf("held-input and pipelined blocks share the name %s", held.Name())
		}
		if !strings.Contains(held.Name(), "held") || !strings.Contains(held.Name(), "latency5") {
			t.Errorf("module name %q should say held and the latency", held.Name())
		}
		dp, err := pipe.Build()
		if err != nil {
			t.Fatal(err)
		}
		dh, err := held.Build()
		if err != nil {
			t.Fatal(err)
		}
		if len(dh.Top.Ports) != len(dp.Top.Ports) {
			t.Fatalf("%s: %d ports, pipelined %d", held.Name(), len(dh.Top.Ports), len(dp.Top.Ports))
		}
		for i, p := range dh.Top.Ports {
			q := dp.Top.Ports[i]
			if p.Name != q.Name || p.Dir != q.Dir || dh.Top.Nets[p.Net].Width != dp.Top.Nets[q.Net].Width {
				t.Errorf("%s: port %d is %s (%d bits), pipelined %s (%d bits)", held.Name(), i,
					p.Name, dh.Top.Nets[p.Net].Width, q.Name, dp.Top.Nets[q.Net].Width)
			}
		}
	}
}
