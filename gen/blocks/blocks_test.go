package blocks

import (
	"math/big"
	"math/bits"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// TestBadParams checks that every out-of-range parameter is an error that
// names the block and the parameter, and that building never panics.
func TestBadParams(t *testing.T) {
	tests := []struct {
		name  string
		build func() (*hdl.Module, error)
		frags []string
	}{
		{"fifo width 0", func() (*hdl.Module, error) { return FIFO(0, 4, 2) }, []string{"fifo", "width", "0"}},
		{"fifo width huge", func() (*hdl.Module, error) { return FIFO(MaxDataWidth+1, 4, 2) }, []string{"fifo", "width"}},
		{"fifo depth 0", func() (*hdl.Module, error) { return FIFO(8, 0, 1) }, []string{"fifo", "depth"}},
		{"fifo depth huge", func() (*hdl.Module, error) { return FIFO(8, MaxFIFODepth+1, 1) }, []string{"fifo", "depth"}},
		{"fifo af 0", func() (*hdl.Module, error) { return FIFO(8, 4, 0) }, []string{"fifo", "almost_full", "[1, 4]"}},
		{"fifo af > depth", func() (*hdl.Module, error) { return FIFO(8, 4, 5) }, []string{"fifo", "almost_full", "5"}},
		{"prienc n 0", func() (*hdl.Module, error) { return PriorityEncoder(0) }, []string{"priority encoder", "n"}},
		{"prienc n huge", func() (*hdl.Module, error) { return PriorityEncoder(MaxPriorityInputs + 1) }, []string{"priority encoder", "n"}},
		{"arbiter n 0", func() (*hdl.Module, error) { return Arbiter(0, false) }, []string{"arbiter", "n"}},
		{"arbiter n -3", func() (*hdl.Module, error) { return Arbiter(-3, true) }, []string{"arbiter", "n", "-3"}},
		{"lfsr width 1", func() (*hdl.Module, error) { return LFSR(1, nil, Galois, 1) }, []string{"lfsr", "width"}},
		{"lfsr width 65", func() (*hdl.Module, error) { return LFSR(65, nil, Galois, 1) }, []string{"lfsr", "width", "65"}},
		{"lfsr tap 0", func() (*hdl.Module, error) { return LFSR(8, []int{8, 0}, Galois, 1) }, []string{"lfsr", "tap 0"}},
		{"lfsr tap above width", func() (*hdl.Module, error) { return LFSR(8, []int{8, 9}, Galois, 1) }, []string{"lfsr", "tap 9"}},
		{"lfsr tap twice", func() (*hdl.Module, error) { return LFSR(8, []int{8, 6, 6}, Galois, 1) }, []string{"lfsr", "tap 6", "twice"}},
		{"lfsr no top tap", func() (*hdl.Module, error) { return LFSR(8, []int{6, 5}, Galois, 1) }, []string{"lfsr", "width 8"}},
		{"lfsr empty taps", func() (*hdl.Module, error) { return LFSR(8, []int{}, Galois, 1) }, []string{"lfsr", "width 8"}},
		{"lfsr seed 0", func() (*hdl.Module, error) { return LFSR(8, nil, Fibonacci, 0) }, []string{"lfsr", "seed", "lock-up"}},
		{"lfsr seed too wide", func() (*hdl.Module, error) { return LFSR(8, nil, Fibonacci, 0x100) }, []string{"lfsr", "seed", "0x100"}},
		{"lfsr kind", func() (*hdl.Module, error) { return LFSR(8, nil, LFSRKind(7), 1) }, []string{"lfsr", "kind"}},
		{"bitrev width 0", func() (*hdl.Module, error) { return BitReverse(0) }, []string{"bitrev", "width"}},
		{"counter width 0", func() (*hdl.Module, error) { return Counter(0, Wrap) }, []string{"counter", "width"}},
		{"counter width 65", func() (*hdl.Module, error) { return Counter(65, Wrap) }, []string{"counter", "width", "65"}},
		{"counter mode", func() (*hdl.Module, error) { return Counter(8, CounterMode(9)) }, []string{"counter", "mode"}},
		{"bench n 1", func() (*hdl.Module, error) { return BenchArbiterFIFOs(1) }, []string{"bench", "n"}},
		{"bench n huge", func() (*hdl.Module, error) { return BenchArbiterFIFOs(MaxBenchRequesters + 1) }, []string{"bench", "n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.build()
			if err == nil {
				t.Fatalf("built %s, want an error", m.Name())
			}
			for _, f := range tc.frags {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not mention %q", err, f)
				}
			}
		})
	}
}

// TestNamesAndPorts checks that every configuration builds, carries its
// parameters in its name, and has the documented ports and widths.
func TestNamesAndPorts(t *testing.T) {
	tests := []struct {
		build func() (*hdl.Module, error)
		name  string
		ports map[string]int // port -> width (inputs and outputs)
	}{
		{func() (*hdl.Module, error) { return FIFO(8, 5, 3) }, "fifo_w8_d5_af3",
			map[string]int{"in_valid": 1, "in_data": 8, "out_ready": 1, "in_ready": 1, "out_valid": 1, "out_data": 8, "count": 3, "full": 1, "empty": 1, "almost_full": 1}},
		{func() (*hdl.Module, error) { return FIFO(8, 4, 3) }, "fifo_w8_d4_af3", map[string]int{"count": 3}},
		{func() (*hdl.Module, error) { return FIFO(8, 3, 3) }, "fifo_w8_d3_af3", map[string]int{"count": 2}},
		{func() (*hdl.Module, error) { return FIFO(1, 1, 1) }, "fifo_w1_d1_af1", map[string]int{"count": 1}},
		{func() (*hdl.Module, error) { return PriorityEncoder(9) }, "prienc_n9", map[string]int{"in": 9, "idx": 4, "valid": 1}},
		{func() (*hdl.Module, error) { return PriorityEncoder(1) }, "prienc_n1", map[string]int{"in": 1, "idx": 1, "valid": 1}},
		{func() (*hdl.Module, error) { return Arbiter(8, true) }, "rrarb_n8_hold1",
			map[string]int{"req": 8, "en": 1, "grant": 8, "grant_idx": 3, "grant_valid": 1}},
		{func() (*hdl.Module, error) { return Arbiter(8, false) }, "rrarb_n8_hold0", map[string]int{"grant_idx": 3}},
		{func() (*hdl.Module, error) { return LFSR(16, nil, Galois, 1) }, "lfsr_w16_kg_td008_s1", map[string]int{"en": 1, "q": 16}},
		{func() (*hdl.Module, error) { return LFSR(16, []int{16, 15, 13, 4}, Fibonacci, 0xace1) }, "lfsr_w16_kf_td008_sace1", map[string]int{"q": 16}},
		{func() (*hdl.Module, error) { return BitReverse(64) }, "bitrev_w64", map[string]int{"in": 64, "out": 64}},
		{func() (*hdl.Module, error) { return Counter(12, Saturate) }, "counter_w12_ms",
			map[string]int{"en": 1, "load": 1, "din": 12, "q": 12, "at_max": 1}},
		{func() (*hdl.Module, error) { return Counter(12, Wrap) }, "counter_w12_mw", map[string]int{"q": 12}},
		{func() (*hdl.Module, error) { return BenchArbiterFIFOs(8) }, "bench_arbfifo_n8", map[string]int{"run": 1, "checksum": 32, "words": 32}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			d, err := m.Build()
			if err != nil {
				t.Fatal(err)
			}
			if d.Top.Name != tc.name {
				t.Errorf("name %s, want %s", d.Top.Name, tc.name)
			}
			for port, w := range tc.ports {
				p, ok := d.Top.Port(port)
				if !ok {
					t.Errorf("no port %s", port)
					continue
				}
				if got := d.Top.Nets[p.Net].Width; got != w {
					t.Errorf("port %s is %d bits, want %d", port, got, w)
				}
			}
		})
	}
}

func TestIndexWidth(t *testing.T) {
	for _, c := range []struct{ n, w int }{{1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {8, 3}, {9, 4}, {1024, 10}, {1025, 11}} {
		if got := IndexWidth(c.n); got != c.w {
			t.Errorf("IndexWidth(%d) = %d, want %d", c.n, got, c.w)
		}
	}
}

func TestParseKinds(t *testing.T) {
	for _, k := range []LFSRKind{Fibonacci, Galois} {
		if got, err := ParseLFSRKind(k.String()); err != nil || got != k {
			t.Errorf("ParseLFSRKind(%q) = %v, %v", k, got, err)
		}
	}
	for _, c := range []CounterMode{Wrap, Saturate} {
		if got, err := ParseCounterMode(c.String()); err != nil || got != c {
			t.Errorf("ParseCounterMode(%q) = %v, %v", c, got, err)
		}
	}
	if _, err := ParseLFSRKind("xorshift"); err == nil || !strings.Contains(err.Error(), "xorshift") {
		t.Errorf("ParseLFSRKind(xorshift) = %v", err)
	}
	if _, err := ParseCounterMode("up"); err == nil || !strings.Contains(err.Error(), `"up"`) {
		t.Errorf("ParseCounterMode(up) = %v", err)
	}
}

// TestMaxLengthTapsPrimitive proves every entry of the taps table
// maximal-length: the polynomial p(x) = 1 + sum of x^t over the taps is
// primitive over GF(2) exactly when x has multiplicative order 2^n - 1
// modulo p, i.e. x^(2^n-1) = 1 and x^((2^n-1)/q) != 1 for each prime q
// dividing 2^n - 1. (A reducible p has fewer than 2^n - 1 units, so no
// element reaches that order.)
func TestMaxLengthTapsPrimitive(t *testing.T) {
	for n := 2; n <= MaxLFSRWidth; n++ {
		taps, err := MaxLengthTaps(n)
		if err != nil {
			t.Fatal(err)
		}
		if taps[0] != n {
			t.Errorf("width %d: taps %v do not start with the width", n, taps)
		}
		low := uint64(1) // p without its x^n term
		for _, tap := range taps[1:] {
			low |= 1 << tap
		}
		f := gf2{n: n, low: low}
		order := ^uint64(0) >> (64 - n) // 2^n - 1
		if f.pow(2, order) != 1 {
			t.Errorf("width %d taps %v: x^(2^n-1) != 1, not primitive", n, taps)
			continue
		}
		for _, q := range primeFactors(order) {
			if f.pow(2, order/q) == 1 {
				t.Errorf("width %d taps %v: x^((2^n-1)/%d) = 1, order too small", n, taps, q)
			}
		}
	}
	// The check itself must reject a non-primitive polynomial:
	// x^4 + x^2 + 1 = (x^2 + x + 1)^2.
	f := gf2{n: 4, low: 1 | 1<<2}
	if f.pow(2, 15) == 1 {
		ok := true
		for _, q := range primeFactors(15) {
			if f.pow(2, 15/q) == 1 {
				ok = false
			}
		}
		if ok {
			t.Error("x^4+x^2+1 judged primitive")
		}
	}
}

// gf2 is arithmetic in GF(2)[x] modulo x^n + low (degree < n elements as
// bit masks, bit i the coefficient of x^i).
type gf2 struct {
	n   int
	low uint64
}

func (f gf2) mul(a, b uint64) uint64 {
	var r uint64
	for i := f.n - 1; i >= 0; i-- {
		// r = r*x mod p
		carry := r >> (f.n - 1) & 1
		r <<= 1
		if f.n < 64 {
			r &= 1<<f.n - 1
		}
		if carry == 1 {
			r ^= f.low
		}
		if b>>i&1 == 1 {
			r ^= a
		}
	}
	return r
}

func (f gf2) pow(a, e uint64) uint64 {
	r := uint64(1)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = f.mul(r, a)
		}
		a = f.mul(a, a)
	}
	return r
}

// primeFactors returns the distinct prime factors of m (trial division by
// small primes, then Pollard's rho).
func primeFactors(m uint64) []uint64 {
	seen := map[uint64]bool{}
	var split func(m uint64)
	split = func(m uint64) {
		if m == 1 {
			return
		}
		if new(big.Int).SetUint64(m).ProbablyPrime(20) {
			seen[m] = true
			return
		}
		d := rho(m)
		split(d)
		split(m / d)
	}
	for p := uint64(2); p < 1<<12; p++ {
		for m%p == 0 {
			seen[p] = true
			m /= p
		}
	}
	split(m)
	var out []uint64
	for p := range seen {
		out = append(out, p)
	}
	return out
}

// rho finds a non-trivial factor of the odd composite m.
func rho(m uint64) uint64 {
	mulmod := func(a, b uint64) uint64 {
		hi, lo := bits.Mul64(a, b)
		return bits.Rem64(hi, lo, m)
	}
	for c := uint64(1); ; c++ {
		// step is v*v + c mod m, without overflowing 64 bits.
		step := func(v uint64) uint64 {
			r := mulmod(v, v) + c
			if r < c || r >= m {
				r -= m
			}
			return r
		}
		x, y, d := uint64(2), uint64(2), uint64(1)
		for d == 1 {
			x = step(x)
			y = step(step(y))
			diff := x - y
			if x < y {
				diff = y - x
			}
			d = new(big.Int).GCD(nil, nil, new(big.Int).SetUint64(diff), new(big.Int).SetUint64(m)).Uint64()
		}
		if d != m {
			return d
		}
	}
}
