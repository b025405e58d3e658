package csr

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/sim"
)

// small is a configuration small enough to test every address.
var small = Config{Ports: 2, Leases: 2, RateBits: 25, BurstBits: 15, LimitBits: 27, DefaultK: 8, VRouterBits: 3}

// ref is a Go reference of what the decoder must return: the RW values,
// the datapath inputs and the shadow register.
type ref struct {
	m      *Map
	rw     map[[3]int]uint64 // (block, element, field) -> stored value
	in     map[[3]int]uint64 // RO and counter inputs
	shadow uint32
}

func newRef(m *Map) *ref {
	r := &ref{m: m, rw: map[[3]int]uint64{}, in: map[[3]int]uint64{}}
	for bi, b := range m.Blocks {
		for i := 0; i < b.Count; i++ {
			for fi, f := range b.Fields {
				if f.Kind == RW && f.hasStorage(i) {
					r.rw[[3]int{bi, i, fi}] = f.Value
				}
			}
		}
	}
	return r
}

// decode finds block, element and word of addr (ok false when unmapped).
func (r *ref) decode(addr int) (bi, i, w int, ok bool) {
	for bi, b := range r.m.Blocks {
		if addr >= b.Base && addr < b.Base+b.Span {
			off := addr - b.Base
			i, w = off/b.Stride, off%b.Stride
			return bi, i, w, i < b.Count && w < b.Words
		}
	}
	return 0, 0, 0, false
}

// access applies one bus request to the reference and returns what the
// hardware must answer.
func (r *ref) access(addr int, wdata uint32, we bool) (rdata uint32, bad bool) {
	bi, i, w, ok := r.decode(addr)
	if !ok {
		return 0, true
	}
	b := r.m.Blocks[bi]
	if we {
		if !b.wordWritable(w) {
			return 0, true
		}
		for fi, f := range b.Fields {
			if f.Word != w || !f.hasStorage(i) {
				continue
			}
			bits := uint64(wdata) >> f.Lsb & (1<<f.Width - 1)
			switch f.Kind {
			case RW:
				r.rw[[3]int{bi, i, fi}] = bits
			case Sticky:
				r.rw[[3]int{bi, i, fi}] &^= bits
			}
		}
		return 0, false
	}
	var v uint64
	for fi, f := range b.Fields {
		k := [3]int{bi, i, fi}
		switch {
		case f.Kind == Counter && f.Word == w:
			r.shadow = uint32(r.in[k] >> 32)
			v |= r.in[k] & 0xffffffff
		case f.Kind == Counter && f.Word+1 == w:
			v |= uint64(r.shadow)
		case f.Word != w:
		case f.Kind == Const:
			v |= r.m.constValue(b, &b.Fields[fi]) << f.Lsb
		case f.Kind == RO:
			v |= r.in[k] << f.Lsb
		default:
			v |= r.rw[k] << f.Lsb
		}
	}
	return uint32(v), false
}

// busSim drives the decoder's bus ports in the Go simulator.
type busSim struct {
	t *testing.T
	s *sim.Sim
}

func (b busSim) poke(name string, v uint64) {
	b.t.Helper()
	if err := b.s.Poke(name, v); err != nil {
		b.t.Fatal(err)
	}
}

func (b busSim) peek(name string) uint64 {
	b.t.Helper()
	v, err := b.s.Peek(name)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

func (b busSim) access(addr int, wdata uint32, we, re bool) (rdata uint32, bad bool) {
	b.t.Helper()
	b.poke("bus_addr", uint64(addr))
	b.poke("bus_wdata", uint64(wdata))
	b.poke("bus_we", b2u(we))
	b.poke("bus_re", b2u(re))
	b.s.Step(1)
	b.poke("bus_we", 0)
	b.poke("bus_re", 0)
	if b.peek("bus_ready") != 1 {
		b.t.Fatalf("bus_ready not set the cycle after the request at %#x", addr)
	}
	return uint32(b.peek("bus_rdata")), b.peek("bus_err") == 1
}

func b2u(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

// pack packs per-element values of w bits into little-endian words.
func pack(vals []uint64, w int) []uint64 {
	out := make([]uint64, (len(vals)*w+63)/64)
	for i, v := range vals {
		for bit := 0; bit < w; bit++ {
			if v>>bit&1 == 1 {
				p := i*w + bit
				out[p/64] |= 1 << (p % 64)
			}
		}
	}
	return out
}

// setInputs gives every RO and counter input a random value, in the
// simulator and the reference.
func setInputs(t *testing.T, r *ref, s *sim.Sim, rng *rand.Rand) {
	for bi, b := range r.m.Blocks {
		for fi, f := range b.Fields {
			if f.Kind != RO && f.Kind != Counter {
				continue
			}
			vals := make([]uint64, b.Count)
			for i := range vals {
				vals[i] = rng.Uint64()
				if f.Width < 64 {
					vals[i] &= 1<<f.Width - 1
				}
				r.in[[3]int{bi, i, fi}] = vals[i]
			}
			if err := s.PokeWide(b.Name+"_"+f.Name, pack(vals, f.Width)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestDecoderAgainstReference runs random bus traffic (mostly mapped
// addresses, reads and writes, changing inputs, sticky set pulses) and
// compares every answer and strobe with the reference.
func TestDecoderAgainstReference(t *testing.T) {
	ref4, err := Ref4()
	if err != nil {
		t.Fatal(err)
	}
	sm, err := New(small)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		m    *Map
		ops  int
	}{{"small", sm, 4000}, {"ref4", ref4, 1500}} {
		t.Run(tc.name, func(t *testing.T) {
			mod, err := tc.m.Module()
			if err != nil {
				t.Fatal(err)
			}
			s, err := sim.New(mod)
			if err != nil {
				t.Fatal(err)
			}
			s.Reset()
			b := busSim{t, s}
			r := newRef(tc.m)
			rng := rand.New(rand.NewPCG(1, uint64(tc.ops)))
			var mapped []int
			for _, bl := range tc.m.Blocks {
				for i := 0; i < bl.Count; i++ {
					for w := 0; w < bl.Words; w++ {
						mapped = append(mapped, bl.Addr(i, w))
					}
				}
			}
			errs, writes, latched := 0, 0, 0
			for op := 0; op < tc.ops; op++ {
				if op%50 == 0 {
					setInputs(t, r, s, rng)
				}
				if op%37 == 0 { // pulse some sticky bits
					for bi, bl := range tc.m.Blocks {
						for fi, f := range bl.Fields {
							if f.Kind != Sticky {
								continue
							}
							vals := make([]uint64, bl.Count)
							for i := range vals {
								vals[i] = rng.Uint64() & (1<<f.Width - 1)
								r.rw[[3]int{bi, i, fi}] |= vals[i]
							}
							b.s.PokeWide(bl.Name+"_"+f.Name+"_set", pack(vals, f.Width))
							s.Step(1)
							b.s.PokeWide(bl.Name+"_"+f.Name+"_set", pack(make([]uint64, bl.Count), f.Width))
						}
					}
				}
				addr := mapped[rng.IntN(len(mapped))]
				if rng.IntN(10) == 0 {
					addr = rng.IntN(1 << AddrBits)
				}
				we := rng.IntN(3) == 0
				wdata := rng.Uint32()
				wantShadow := r.shadow
				want, wantErr := r.access(addr, wdata, we)
				got, gotErr := b.access(addr, wdata, we, !we)
				if got != want || gotErr != wantErr {
					bi, i, w, ok := r.decode(addr)
					t.Fatalf("op %d: %s %#x (block %s elem %d word %d mapped %v) = %#x err %v, want %#x err %v",
						op, map[bool]string{true: "write", false: "read"}[we], addr, tc.m.Blocks[bi].Name, i, w, ok, got, gotErr, want, wantErr)
				}
				if r.shadow != wantShadow {
					latched++
				}
				if gotErr {
					errs++
				}
				// Write strobes: the written element, in the ready cycle.
				bi, i, w, ok := r.decode(addr)
				for bj, bl := range tc.m.Blocks {
					if !bl.hasRW() {
						continue
					}
					strobe := ok && we && bj == bi && bl.wordWritable(w)
					if got := b.peek(bl.Name + "_we"); got != b2u(strobe) {
						t.Fatalf("op %d: %s_we = %d after %s %#x", op, bl.Name, got, map[bool]string{true: "write", false: "read"}[we], addr)
					}
					if strobe {
						writes++
						if got := b.peek(bl.Name + "_widx"); got != uint64(i) {
							t.Fatalf("op %d: %s_widx = %d, want %d", op, bl.Name, got, i)
						}
					}
				}
			}
			// RW output ports carry the stored values.
			for bi, bl := range tc.m.Blocks {
				for fi, f := range bl.Fields {
					if f.Kind != RW {
						continue
					}
					vals := make([]uint64, bl.Count)
					for i := range vals {
						vals[i] = r.rw[[3]int{bi, i, fi}]
					}
					got, err := s.PeekWide(bl.Name + "_" + f.Name)
					if err != nil {
						t.Fatal(err)
					}
					want := pack(vals, f.Width)
					for k := range want {
						if got[k] != want[k] {
							t.Fatalf("output %s_%s word %d = %#x, want %#x", bl.Name, f.Name, k, got[k], want[k])
						}
					}
				}
			}
			if errs == 0 || writes == 0 || latched == 0 {
				t.Fatalf("weak run: %d errors, %d strobed writes, %d counter latches", errs, writes, latched)
			}
		})
	}
}

func TestNewRejectsBadConfigs(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"no ports", func(c *Config) { c.Ports = 0 }, "Ports = 0"},
		{"too many leases", func(c *Config) { c.Leases = 65 }, "Leases = 65"},
		{"wide rate", func(c *Config) { c.RateBits = 33 }, "RateBits = 33"},
		{"k", func(c *Config) { c.DefaultK = 40 }, "DefaultK = 40"},
		{"two at once", func(c *Config) { c.LimitBits, c.BurstBits = 0, 0 }, "BurstBits = 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := small
			tc.edit(&c)
			_, err := New(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// TestRef4Layout checks the reference map's shape against DESIGN.md and
// the datapath formats, and that blocks and fields never overlap.
func TestRef4Layout(t *testing.T) {
	m, err := Ref4()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.Interfaces != 33 || m.Block("iface").Count != 33 || m.Block("lease").Count != 32 {
		t.Fatalf("ref4: %d interfaces, want 33", m.Config.Interfaces)
	}
	if got := m.Block("lease").Field("limit").Width; got != m.Config.LimitBits || got != 27 {
		t.Fatalf("limit width %d, want the meter's SampleBits 27", got)
	}
	if got := m.Block("lease").Field("rate").Width; got != 25 {
		t.Fatalf("rate width %d, want the shaper's RateBits 25", got)
	}
	end := 0
	for _, b := range m.Blocks {
		if b.Base%b.Span != 0 || b.Base < end {
			t.Fatalf("block %s at %#x (span %d) is misaligned or overlaps the previous one ending at %#x", b.Name, b.Base, b.Span, end)
		}
		end = b.Base + b.Span
		used := make([]uint64, b.Words)
		for _, f := range b.Fields {
			n := 1
			if f.Kind == Counter {
				n = 2
			}
			for k := 0; k < n; k++ {
				mask := uint64(1)<<min(f.Width, 32) - 1
				if used[f.Word+k]&(mask<<f.Lsb) != 0 || f.Lsb+min(f.Width, 32) > 32 {
					t.Fatalf("%s.%s overlaps or leaves word %d", b.Name, f.Name, f.Word+k)
				}
				used[f.Word+k] |= mask << f.Lsb
			}
		}
	}
	// The hash covers the layout: another width is another map.
	c := m.Config
	c.RateBits--
	m2, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Hash == m.Hash {
		t.Fatalf("hash %#x unchanged by a field width change", m.Hash)
	}
}
