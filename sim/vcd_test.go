package sim_test

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/hdl/hdltest"
)

// parsedVCD is a minimal reader: scopes joined by ".", values per time.
type parsedVCD struct {
	names  map[string]string // id -> dotted name
	widths map[string]int
	// history[name] is the list of (time, value) changes.
	history map[string][]change
}

type change struct {
	time uint64
	val  uint64
}

func parseVCD(t *testing.T, data []byte) *parsedVCD {
	t.Helper()
	p := &parsedVCD{names: map[string]string{}, widths: map[string]int{}, history: map[string][]change{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	var scope []string
	var now uint64
	defs := true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "$scope":
			scope = append(scope, f[2])
		case f[0] == "$upscope":
			scope = scope[:len(scope)-1]
		case f[0] == "$var":
			w, _ := strconv.Atoi(f[2])
			name := strings.Join(append(append([]string(nil), scope[1:]...), f[4]), ".")
			p.names[f[3]] = name
			p.widths[name] = w
		case f[0] == "$enddefinitions":
			defs = false
		case defs || f[0] == "$dumpvars" || f[0] == "$end":
		case line[0] == '#':
			v, err := strconv.ParseUint(line[1:], 10, 64)
			if err != nil || v < now {
				t.Fatalf("bad or decreasing time %q", line)
			}
			now = v
		case line[0] == 'b':
			v, err := strconv.ParseUint(f[0][1:], 2, 64)
			if err != nil || len(f) != 2 {
				t.Fatalf("bad vector change %q", line)
			}
			p.add(t, f[1], now, v)
		case line[0] == '0' || line[0] == '1':
			p.add(t, line[1:], now, uint64(line[0]-'0'))
		default:
			t.Fatalf("unexpected VCD line %q", line)
		}
	}
	return p
}

func (p *parsedVCD) add(t *testing.T, id string, now, v uint64) {
	name, ok := p.names[id]
	if !ok {
		t.Fatalf("value change for undeclared id %q", id)
	}
	p.history[name] = append(p.history[name], change{now, v})
}

// at returns the value of name at time tm.
func (p *parsedVCD) at(name string, tm uint64) (uint64, bool) {
	var v uint64
	found := false
	for _, c := range p.history[name] {
		if c.time > tm {
			break
		}
		v, found = c.val, true
	}
	return v, found
}

func TestVCDMatchesPeek(t *testing.T) {
	s := mustSim(t, hdltest.Hierarchy())
	var buf bytes.Buffer
	if err := s.TraceVCD(&buf, "x", "y", "total", "u0.sum", "c0.p"); err != nil {
		t.Fatal(err)
	}
	type sample struct{ x, y, total, sum, p uint64 }
	var want []sample
	for c := 0; c < 12; c++ {
		poke(t, s, "x", uint64(c*37%256))
		poke(t, s, "y", uint64(c*91%256))
		s.Step(1)
		want = append(want, sample{peek(t, s, "x"), peek(t, s, "y"), peek(t, s, "total"), peek(t, s, "u0.sum"), peek(t, s, "c0.p")})
	}
	if err := s.StopTrace(); err != nil {
		t.Fatal(err)
	}
	p := parseVCD(t, buf.Bytes())
	for _, name := range []string{"clk", "rst", "x", "y", "total", "u0.sum", "c0.p"} {
		if _, ok := p.widths[name]; !ok {
			t.Fatalf("VCD lacks %s; has %v", name, p.widths)
		}
	}
	if p.widths["total"] != 10 || p.widths["c0.p"] != 1 {
		t.Errorf("widths total=%d c0.p=%d, want 10 and 1", p.widths["total"], p.widths["c0.p"])
	}
	for c, w := range want {
		tm := uint64(10 * (c + 1)) // after the edge of cycle c
		for name, v := range map[string]uint64{"x": w.x, "y": w.y, "total": w.total, "u0.sum": w.sum, "c0.p": w.p} {
			got, ok := p.at(name, tm)
			if !ok || got != v {
				t.Errorf("cycle %d %s: VCD %d (found %v), Peek %d", c, name, got, ok, v)
			}
		}
		if clk, _ := p.at("clk", tm); clk != 1 {
			t.Errorf("clk low at rising edge time %d", tm)
		}
		if clk, _ := p.at("clk", tm+5); clk != 0 {
			t.Errorf("clk high at falling edge time %d", tm+5)
		}
	}
}

func TestVCDErrors(t *testing.T) {
	s := mustSim(t, hdltest.Counter())
	var buf bytes.Buffer
	if err := s.TraceVCD(&buf, "nosuch"); err == nil {
		t.Error("TraceVCD accepted an unknown signal")
	}
	if err := s.TraceVCD(&buf); err != nil {
		t.Fatal(err)
	}
	if err := s.TraceVCD(&buf); err == nil {
		t.Error("second concurrent trace accepted")
	}
	s.Step(3)
	if err := s.StopTrace(); err != nil {
		t.Fatal(err)
	}
	p := parseVCD(t, buf.Bytes())
	if _, ok := p.widths["count"]; !ok {
		t.Error("default trace lacks register count")
	}
}

func TestPokePeekErrors(t *testing.T) {
	s := mustSim(t, hdltest.Counter())
	tests := []struct {
		name string
		err  error
	}{
		{"unknown port", s.Poke("nosuch", 1)},
		{"output port", s.Poke("q", 1)},
		{"value too wide", s.Poke("en", 2)},
		{"wide value too wide", s.PokeWide("en", []uint64{0, 1})},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := s.Peek("nosuch"); err == nil {
		t.Error("Peek of unknown signal succeeded")
	}
	if _, err := s.ReadMem("nosuch", 0); err == nil {
		t.Error("ReadMem of unknown memory succeeded")
	}
}

func TestMemorySemantics(t *testing.T) {
	s := mustSim(t, hdltest.Memory())
	set := func(kv map[string]uint64) {
		for k, v := range kv {
			poke(t, s, k, v)
		}
	}
	// Power-on contents and out-of-range reads.
	set(map[string]uint64{"ra": 2})
	if got := peek(t, s, "comb"); got != 3 {
		t.Fatalf("comb read of initial word 2 = %d, want 3", got)
	}
	set(map[string]uint64{"ra": 13})
	if got := peek(t, s, "comb"); got != 0 {
		t.Fatalf("comb read past depth = %d, want 0", got)
	}
	// Write 0x55 to word 4 while reading it: read-first sees the old 5,
	// transparent sees 0x55, comb sees the old value until the edge.
	set(map[string]uint64{"ra": 4, "re": 1, "we0": 1, "wa0": 4, "wd0": 0x55})
	if got := peek(t, s, "comb"); got != 5 {
		t.Fatalf("comb before edge = %#x, want 5", got)
	}
	s.Step(1)
	for name, want := range map[string]uint64{"rfirst": 5, "trans": 0x55, "comb": 0x55} {
		if got := peek(t, s, name); got != want {
			t.Errorf("%s after write edge = %#x, want %#x", name, got, want)
		}
	}
	// Both ports write word 6: the later port wins, in memory and in the
	// transparent read. A write past the depth is ignored.
	set(map[string]uint64{"ra": 6, "wa0": 6, "wd0": 0x11, "we1": 1, "wa1": 6, "wd1": 0x22})
	s.Step(1)
	if got := peek(t, s, "trans"); got != 0x22 {
		t.Errorf("transparent read on double write = %#x, want 0x22 (last port)", got)
	}
	set(map[string]uint64{"we0": 0, "wa1": 20, "wd1": 0x99, "re": 0})
	s.Step(1)
	if got := peek(t, s, "comb"); got != 0x22 {
		t.Errorf("word 6 = %#x, want 0x22", got)
	}
	for i := 0; i < 12; i++ {
		w, err := s.ReadMem("ram", i)
		if err != nil {
			t.Fatal(err)
		}
		if w[0] == 0x99 {
			t.Errorf("out-of-range write landed in word %d", i)
		}
	}
	// A disabled read-first port holds its data.
	before := peek(t, s, "rfirst")
	set(map[string]uint64{"ra": 0})
	s.Step(2)
	if got := peek(t, s, "rfirst"); got != before {
		t.Errorf("disabled read port changed from %#x to %#x", before, got)
	}
	// Reset does not touch memories; PowerOn restores initial contents.
	s.Reset()
	if w, _ := s.ReadMem("ram", 4); w[0] != 0x55 {
		t.Errorf("Reset changed memory word 4 to %#x", w[0])
	}
	s.PowerOn()
	if w, _ := s.ReadMem("ram", 4); w[0] != 5 {
		t.Errorf("PowerOn left memory word 4 at %#x, want 5", w[0])
	}
}

func TestWideValues(t *testing.T) {
	s := mustSim(t, hdltest.Wide())
	a := []uint64{0xffffffffffffffff, 0xfffffffff} // 2^100-1
	b := []uint64{1, 0}
	if err := s.PokeWide("a", a); err != nil {
		t.Fatal(err)
	}
	if err := s.PokeWide("b", b); err != nil {
		t.Fatal(err)
	}
	sum, _ := s.PeekWide("sum")
	if hdl.FormatHex(sum, 101) != "10000000000000000000000000" {
		t.Errorf("sum = %s, want 2^100", hdl.FormatHex(sum, 101))
	}
	lt, _ := s.Peek("lt")
	slt, _ := s.Peek("slt")
	if lt != 0 || slt != 1 {
		t.Errorf("lt=%d slt=%d, want 0 1 (a is all ones: -1 signed)", lt, slt)
	}
	if err := s.PokeWide("a", []uint64{0, 1 << 36}); err == nil {
		t.Error("PokeWide accepted bit 100 of a 100-bit input")
	}
}
