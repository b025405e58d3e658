package label

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// cjdns EncodingScheme_test.c isOneHopScheme.
func TestIsOneHopCjdnsVectors(t *testing.T) {
	for _, c := range []struct {
		s     Scheme
		label uint64
		want  bool
	}{
		{V4x8, 1, false}, {V4x8, 0x21, true}, {V4x8, 0x23, true}, {V4x8, 0x12, false},
		{V4x8, 0x220, true}, {V4x8, 0x210, true}, {V4x8, 0x110, false},
		{V358, 1, false}, {V358, 0x13, true}, {V358, 0x15, true}, {V358, 0x96, true},
		{V358, 0x400, true}, {V358, 0x115, false}, {V358, 0x166, false}, {V358, 0x1400, false},
	} {
		if got := c.s.IsOneHop(c.label); got != c.want {
			t.Errorf("%v IsOneHop(%#x) = %v, want %v", c.s, c.label, got, c.want)
		}
	}
}

// The v3x5x8 table of cjdns NumberCompress.h, worked by hand.
func TestCompressV358Table(t *testing.T) {
	for _, c := range []struct {
		n    uint32
		form int
		want uint64
	}{
		{1, Canonical, 0b0001}, {1, 1, 0b0001}, {1, 2, 0b0001}, // self is 0001 in every form
		{0, Canonical, 0b0011}, {0, 1, 0b10}, {0, 2, 0b00},
		{2, Canonical, 0b0101}, {7, Canonical, 0b1111},
		{8, Canonical, 0b0011110}, {2, 1, 0b0000110}, {32, Canonical, 0b1111110},
		{33, Canonical, 0b0010000000}, {256, Canonical, 0b1111111100}, {2, 2, 0b100},
	} {
		got, err := V358.Compress(c.n, c.form)
		if err != nil || got != c.want {
			t.Errorf("V358.Compress(%d, %d) = %#b, %v; want %#b", c.n, c.form, got, err, c.want)
		}
	}
	for _, c := range []struct {
		n    uint32
		form int
	}{{257, Canonical}, {8, 0}, {33, 1}, {3, 3}, {3, -2}} {
		if got, err := V358.Compress(c.n, c.form); !errors.Is(err, ErrBadForm) {
			t.Errorf("V358.Compress(%d, %d) = %#b, %v; want ErrBadForm", c.n, c.form, got, err)
		}
	}
}

// Property (cjdns NumberCompress_test.c): every interface number of every
// named scheme, in every form wide enough, decompresses to itself, in that
// form (except 1, which is 0001 in form 0), and the canonical form is the
// narrowest.
func TestCompressRoundTripAllInterfaces(t *testing.T) {
	for _, ns := range namedSchemes {
		for n := uint32(0); n <= ns.ifmax; n++ {
			canon, err := ns.s.Compress(n, Canonical)
			if err != nil {
				t.Fatalf("%s: Compress(%d, Canonical): %v", ns.name, n, err)
			}
			cn, cf, err := ns.s.Decompress(canon)
			if err != nil || cn != n {
				t.Fatalf("%s: Decompress(%#b) = %d, %v; want %d", ns.name, canon, cn, err, n)
			}
			fits := 0
			for f := range ns.s {
				d, err := ns.s.Compress(n, f)
				if err != nil {
					if f >= cf && n != 1 {
						t.Errorf("%s: %d fits form %d but not wider form %d: %v", ns.name, n, cf, f, err)
					}
					continue
				}
				fits++
				got, gf, err := ns.s.Decompress(d)
				wantForm := f
				if n == 1 {
					wantForm = 0
				}
				if err != nil || got != n || gf != wantForm {
					t.Errorf("%s: Decompress(Compress(%d, %d) = %#b) = %d form %d, %v", ns.name, n, f, d, got, gf, err)
				}
				if gf < cf {
					t.Errorf("%s: %d fits form %d, narrower than canonical %d", ns.name, n, gf, cf)
				}
				if n != 1 && ns.s.IsSelfRoute(d) {
					t.Errorf("%s: %d in form %d reads as self", ns.name, n, f)
				}
			}
			if fits == 0 {
				t.Errorf("%s: %d fits no form", ns.name, n)
			}
		}
		if _, err := ns.s.Compress(ns.ifmax+1, Canonical); !errors.Is(err, ErrBadForm) {
			t.Errorf("%s: interface %d accepted", ns.name, ns.ifmax+1)
		}
	}
}

// cjdns NumberCompress_test.c: converting a compressed number to every
// wider form and back gives the same label; 1 converts only to form 0.
// EncodingScheme_test.c: v358 canonical conversion is the identity on the
// canonical compression of every interface.
func TestConvertLabelNumberCompress(t *testing.T) {
	for _, ns := range namedSchemes {
		for n := uint32(0); n <= ns.ifmax; n++ {
			canon, _ := ns.s.Compress(n, Canonical)
			if got, err := ns.s.ConvertLabel(canon, Canonical); err != nil || got != canon {
				t.Errorf("%s: ConvertLabel(%#b, Canonical) = %#b, %v", ns.name, canon, got, err)
			}
			for j := range ns.s {
				label, err := ns.s.Compress(n, j)
				if err != nil {
					continue
				}
				for k := j; k < len(ns.s); k++ {
					b, err := ns.s.ConvertLabel(label, k)
					if n == 1 && k != 0 {
						if !errors.Is(err, ErrSelfRoute) {
							t.Errorf("%s: self converted to form %d: %#b, %v", ns.name, k, b, err)
						}
						continue
					}
					if err != nil {
						t.Errorf("%s: ConvertLabel(%#b, %d): %v", ns.name, label, k, err)
						continue
					}
					if got, gf, _ := ns.s.Decompress(b); got != n || (n != 1 && gf != k) {
						t.Errorf("%s: %d in form %d decompresses to %d form %d", ns.name, n, k, got, gf)
					}
					if c, err := ns.s.ConvertLabel(b, j); err != nil || c != label {
						t.Errorf("%s: ConvertLabel back %#b -> %#b, %v; want %#b", ns.name, b, c, err, label)
					}
				}
			}
		}
	}
}

// Property: ConvertLabel keeps the number and the rest of the label, and
// converting back restores the label, for random labels of every named scheme.
func TestConvertLabelRandomRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ok := 0
	for _, ns := range namedSchemes {
		for i := 0; i < 5000; i++ {
			l := r.Uint64() >> (5 + r.IntN(59))
			l |= 1 << log2(l|1) // keep it a label of some length
			f0, _ := ns.s.FormOf(l)
			n0, _, _ := ns.s.Decompress(l)
			for to := Canonical; to < len(ns.s); to++ {
				c, err := ns.s.ConvertLabel(l, to)
				if err != nil {
					continue
				}
				ok++
				n, f, err := ns.s.Decompress(c)
				if err != nil || n != n0 || (to >= 0 && f != to && !ns.s.IsSelfRoute(l)) {
					t.Fatalf("%s: ConvertLabel(%s, %d) = %s: number %d form %d, was %d", ns.name,
						FormatLabel(l), to, FormatLabel(c), n, f, n0)
				}
				if c>>ns.s[f].Size() != l>>ns.s[f0].Size() {
					t.Fatalf("%s: ConvertLabel(%s, %d) = %s changed the rest", ns.name, FormatLabel(l), to, FormatLabel(c))
				}
				if back, err := ns.s.ConvertLabel(c, f0); err != nil || back != l {
					t.Fatalf("%s: back from %s: %s, %v; want %s", ns.name, FormatLabel(c), FormatLabel(back), err, FormatLabel(l))
				}
			}
		}
	}
	if ok < 10000 {
		t.Fatalf("only %d conversions succeeded", ok)
	}
}

func TestConvertLabelErrors(t *testing.T) {
	for _, c := range []struct {
		s     Scheme
		label uint64
		to    int
		want  error
	}{
		{V358, 0x13, 3, ErrBadForm},
		{V358, 0x13, -2, ErrBadForm},
		{V358, 1, 1, ErrSelfRoute},
		{F8, 0x113, 1, ErrBadForm},
		{V358, 0b1_1111110, 0, ErrBadForm},                                     // 32 does not fit 3 bits
		{V358, 1<<57 | 0x15, 2, ErrLabelTooLong},                               // 0x15 in 10 bits passes 59
		{Scheme{{4, 2, 1}, {8, 2, 2}}, 0x3, 0, ErrNoForm},                      // prefix 11 matches no form
		{Scheme{{4, 2, 2}, {8, 2, 0}}, 0b1_00010000_00, Canonical, ErrBadForm}, // cjdns' off-by-one canonical pick
	} {
		got, err := c.s.ConvertLabel(c.label, c.to)
		if !errors.Is(err, c.want) {
			t.Errorf("%v ConvertLabel(%s, %d) = %s, %v; want %v", c.s, FormatLabel(c.label), c.to, FormatLabel(got), err, c.want)
		}
	}
}

func TestSelfRouteAndFormOf(t *testing.T) {
	for _, c := range []struct {
		s     Scheme
		label uint64
		self  bool
		form  int
	}{
		{V358, 1, true, 0}, {V358, 0x11, true, 0}, {V358, 0x13, false, 0}, {V358, 0x2, false, 1}, {V358, 0x400, false, 2},
		{V4x8, 0x21, true, 0}, {V4x8, 0x1, true, 0}, {V4x8, 0x200, false, 1},
		{F8, 0x101, true, 0}, {F8, 0x11, false, 0}, // no 0001 alias in fixed schemes
		{F4, 0x11, true, 0},
	} {
		if got := c.s.IsSelfRoute(c.label); got != c.self {
			t.Errorf("%v IsSelfRoute(%#x) = %v", c.s, c.label, got)
		}
		if got, err := c.s.FormOf(c.label); err != nil || got != c.form {
			t.Errorf("%v FormOf(%#x) = %d, %v", c.s, c.label, got, err)
		}
	}
	// V4x8's all-zero 9-bit director decodes to 1 (cjdns parseDirector).
	if n, f, err := V4x8.Decompress(0x200); err != nil || n != 1 || f != 1 {
		t.Errorf("V4x8.Decompress(0x200) = %d, %d, %v", n, f, err)
	}
	if _, err := (Scheme{{4, 2, 1}, {8, 2, 2}}).FormOf(3); !errors.Is(err, ErrNoForm) {
		t.Errorf("FormOf with no matching prefix: %v", err)
	}
}

func TestLabelFor(t *testing.T) {
	for _, c := range []struct {
		s                   Scheme
		target, asker, want uint64
	}{
		// asker behind a 7-bit director, target's first director is 4 bits: widen to 7.
		{V358, 0x15, 0x96, 0b1_0000110},
		{V358, 0x13, 0x96, 0b1_0000010},     // interface 0: 0011 becomes 0000010
		{V358, 0x13, 0x15, 0x13},            // same width: unchanged
		{V358, 0x96, 0x13, 0x96},            // target wider: unchanged
		{V358, 0x15, 0x400, 0b1_0000000100}, // widen to 10 bits
		{V358, 0x1, 0x400, 0b1},             // self stays 0001 (rest shifted)
		{V358, 0x1_0001, 0x96, 0x8_0001},    // ...the rest moves up 3 bits
		{V4x8, 0x23, 0x200, 0b1_000000010},  // 1 -> 0 flip kept in 9 bits
		{F8, 0x123, 0x456, 0x123},           // fixed: never changes
	} {
		got, err := c.s.LabelFor(c.target, c.asker)
		if err != nil || got != c.want {
			t.Errorf("%v LabelFor(%#x, %#x) = %#b, %v; want %#b", c.s, c.target, c.asker, got, err, c.want)
		}
		// The widened label still names the same interface.
		a, _, _ := c.s.Decompress(c.target)
		b, _, _ := c.s.Decompress(got)
		if a != b {
			t.Errorf("%v LabelFor(%#x): interface %d became %d", c.s, c.target, a, b)
		}
	}
}
