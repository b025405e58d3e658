package meter

import (
	"math"
	"math/bits"
	"math/rand"
	"strings"
	"testing"
)

// refConfig is a ref4-like meter: 200 MHz, 8 bytes per cycle (12.8 Gb/s),
// a 1024-cycle tick (5.12 us) and K = 8 (time constant 256 ticks, 1.3 ms).
func refConfig() Config {
	return Config{ClockHz: 200_000_000, TickCycles: 1024, K: 8, BytesPerCycle: 8, MaxPacketBytes: 1536, Leases: 8}
}

func TestConfigValidate(t *testing.T) {
	mod := func(f func(*Config)) Config { c := refConfig(); f(&c); return c }
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error, "" for valid
	}{
		{"ref", refConfig(), ""},
		{"no clock", mod(func(c *Config) { c.ClockHz = 0 }), "ClockHz"},
		{"no tick", mod(func(c *Config) { c.TickCycles = 0 }), "TickCycles"},
		{"K zero", mod(func(c *Config) { c.K = 0 }), "K = 0"},
		{"K huge", mod(func(c *Config) { c.K = 40 }), "K = 40"},
		{"no line rate", mod(func(c *Config) { c.BytesPerCycle = 0 }), "BytesPerCycle"},
		{"no packet", mod(func(c *Config) { c.MaxPacketBytes = 0 }), "MaxPacketBytes"},
		{"no leases", mod(func(c *Config) { c.Leases = 0 }), "Leases"},
		{"tick too short for divider", mod(func(c *Config) { c.TickCycles = 100 }), "divider pass"},
		{"one lease, tick shorter than its slot", mod(func(c *Config) { c.Leases, c.TickCycles = 1, TickStagger-1 }), "divider pass"},
		{"one lease, tick of one slot", mod(func(c *Config) { c.Leases, c.TickCycles = 1, TickStagger }), ""},
		{"acc too wide", mod(func(c *Config) { c.K = 24; c.TickCycles = 1 << 30 }), "acc would need"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
			if _, err := New(tt.cfg, nil); err == nil {
				t.Fatal("New accepted an invalid config")
			}
		})
	}
}

func TestLeaseConfigValidate(t *testing.T) {
	cfg := refConfig()
	f, _ := cfg.Format()
	m, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		lease int
		lc    LeaseConfig
		want  string
	}{
		{"ok", 1, LeaseConfig{DefaultPriority: 100, Limited: true, Limit: 5000}, ""},
		{"limit at max", 1, LeaseConfig{Limited: true, Limit: f.SampleMax}, ""},
		{"limit over max", 1, LeaseConfig{Limited: true, Limit: f.SampleMax + 1}, "largest measurable"},
		{"default priority", 1, LeaseConfig{DefaultPriority: 0x8000}, "default priority"},
		{"lease range", 8, LeaseConfig{}, "out of range"},
		{"negative lease", -1, LeaseConfig{}, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.SetLease(tt.lease, tt.lc)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := New(cfg, make([]LeaseConfig, 9)); err == nil {
		t.Fatal("New accepted 9 lease configs for 8 leases")
	}
	if _, err := m.Ingress(0, 1, 0, 0); err == nil {
		t.Fatal("zero-length packet accepted")
	}
	if _, err := m.Ingress(0, 1, 0, cfg.MaxPacketBytes+1); err == nil {
		t.Fatal("oversized packet accepted")
	}
	if _, err := m.Ingress(100, 1, 0, 64); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Ingress(99, 1, 0, 64); err == nil || !strings.Contains(err.Error(), "time went back") {
		t.Fatalf("time going back: error %v", err)
	}
	if err := (EgressConfig{NonCustomerCap: 0x8000}).Validate(); err == nil {
		t.Fatal("egress cap 0x8000 accepted")
	}
}

// TestNoOverflowAtLineRate drives every lease at line rate with maximum
// priority, packets straddling tick boundaries, and checks that no register
// leaves its documented width and the sample adder never saturates; then
// drives beyond line rate and checks it saturates instead of wrapping.
func TestNoOverflowAtLineRate(t *testing.T) {
	for _, k := range []uint{1, 8, 16} {
		cfg := refConfig()
		cfg.K = k
		cfg.Leases = 1
		m, err := New(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		f := m.Format()
		// back-to-back max packets at exactly line rate: one every MaxPacket/B cycles.
		now := uint64(0)
		var carry uint64
		for i := 0; i < 200_000; i++ {
			if _, err := m.Ingress(now, 0, 0x7fff, cfg.MaxPacketBytes); err != nil {
				t.Fatal(err)
			}
			st, _ := m.State(0)
			if st.Sample > f.SampleMax || bits.Len64(st.Sample) > int(f.SampleBits) || bits.Len64(st.Acc) > int(f.AccBits) {
				t.Fatalf("K=%d: register out of width: %+v, format %+v", k, st, f)
			}
			carry += uint64(cfg.MaxPacketBytes)
			now += carry / uint64(cfg.BytesPerCycle)
			carry %= uint64(cfg.BytesPerCycle)
		}
		st, _ := m.State(0)
		if st.Saturated != 0 {
			t.Fatalf("K=%d: sample saturated %d times at line rate", k, st.Saturated)
		}
		// Far beyond line rate: the sample saturates, acc stays in range.
		for i := 0; i < 50_000; i++ {
			if _, err := m.Ingress(now, 0, 0x7fff, cfg.MaxPacketBytes); err != nil {
				t.Fatal(err)
			}
			now += 20
		}
		st, _ = m.State(0)
		if st.Saturated == 0 || st.Acc > f.SampleMax<<k {
			t.Fatalf("K=%d: beyond line rate: %+v, want saturation and acc <= %d", k, st, f.SampleMax<<k)
		}
	}
}

// TestEWMAStepResponse feeds an exact constant sample per tick (a step up,
// then a step down) and compares acc with the real-valued EWMA: the model
// must be within one priority-byte per tick (2^K acc LSBs) and never above.
func TestEWMAStepResponse(t *testing.T) {
	tests := []struct {
		k     uint
		prio  uint16
		bytes uint32
	}{
		{1, 1, 64}, {4, 7, 1000}, {8, 0x7fff, 1536}, {8, 3, 1}, {12, 1000, 777}, {16, 12345, 1500},
	}
	for _, tt := range tests {
		cfg := refConfig()
		cfg.K = tt.k
		cfg.Leases = 2
		m, err := New(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := float64(tt.prio) * float64(tt.bytes)
		scale := math.Ldexp(1, int(tt.k))
		alpha := 1 / scale
		y := 0.0
		T := uint64(cfg.TickCycles)
		steps := 12 << tt.k // long enough to settle
		if steps > 400_000 {
			steps = 400_000
		}
		var worst float64
		for n := 1; n <= 2*steps; n++ {
			x := s
			if n > steps {
				x = 0 // step down
			}
			if x != 0 {
				// one packet in tick interval n-1, so tick n sees it
				if _, err := m.Ingress(uint64(n-1)*T+5, 0, tt.prio, tt.bytes); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.AdvanceTo(uint64(n) * T); err != nil {
				t.Fatal(err)
			}
			y += (x - y) * alpha
			st, _ := m.State(0)
			got := float64(st.Acc) / scale
			d := y - got
			if d > worst {
				worst = d
			}
			if d < -1e-9*y || d >= 1 {
				t.Fatalf("K=%d s=%v tick %d: acc %v, EWMA %v (diff %v, want 0 <= diff < 1)", tt.k, s, n, got, y, d)
			}
		}
		t.Logf("K=%d sample=%v: worst deficit %.4f priority-bytes/tick", tt.k, s, worst)
	}
}

// TestSteadyStreamWithinOnePercent sends paced streams and checks, once
// settled, every reading of the meter over many time constants is within 1%
// of the stream's true priority-bandwidth.
func TestSteadyStreamWithinOnePercent(t *testing.T) {
	cfg := refConfig()
	cfg.K = 10
	tests := []struct {
		name     string
		prio     uint16
		pktBytes uint32
		ratePct  uint64 // of line rate
	}{
		{"1% big packets", 20000, 1500, 1},
		{"10% mid packets", 3000, 700, 10},
		{"50% small packets", 0x7fff, 64, 50},
		{"100% big packets", 100, 1536, 100},
		{"33% odd packets", 7, 1001, 33},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			// pace: one packet every pktBytes*100/(B*ratePct) cycles, fractional carry kept.
			num := uint64(tt.pktBytes) * 100
			den := uint64(cfg.BytesPerCycle) * tt.ratePct
			trueBps := float64(cfg.BytesPerCycle) * float64(tt.ratePct) / 100 * float64(cfg.ClockHz)
			truePKBps := float64(tt.prio) * trueBps / 1000
			settle := uint64(12<<cfg.K) * uint64(cfg.TickCycles)
			end := settle + uint64(8<<cfg.K)*uint64(cfg.TickCycles)
			var acc uint64
			now := uint64(0)
			nextCheck := settle
			worst := 0.0
			for now < end {
				if _, err := m.Ingress(now, 3, tt.prio, tt.pktBytes); err != nil {
					t.Fatal(err)
				}
				acc += num
				now += acc / den
				acc %= den
				for nextCheck <= now && nextCheck < end {
					if err := m.AdvanceTo(nextCheck); err != nil {
						t.Fatal(err)
					}
					st, _ := m.State(3)
					got := float64(cfg.PriorityKBps(st.Acc))
					e := math.Abs(got-truePKBps) / truePKBps
					worst = math.Max(worst, e)
					nextCheck += uint64(cfg.TickCycles) * 7
				}
			}
			if worst > 0.01 {
				t.Fatalf("worst reading off by %.3f%%, want < 1%%", worst*100)
			}
			t.Logf("worst reading error %.4f%%", worst*100)
		})
	}
}

// TestPriorityRatioUnderOverload: leases offering the same traffic with
// limits in ratio 4:1 leave with priorities in ratio 4:1, and the priority
// ratio of packets within one lease is kept.
func TestPriorityRatioUnderOverload(t *testing.T) {
	cfg := refConfig()
	cfg.K = 6
	// Offered: priority 16000 and 4000 alternating, 1000-byte packets, 40% of line rate.
	// Offered priority-bandwidth per tick: 10000 * 0.4*8*1024 = 32.8M priority-bytes per tick.
	limA, limB := uint64(8_000_000), uint64(2_000_000)
	m, err := New(cfg, []LeaseConfig{{}, {Limited: true, Limit: limA}, {Limited: true, Limit: limB}})
	if err != nil {
		t.Fatal(err)
	}
	gap := uint64(1000 * 100 / (8 * 40)) // cycles between packets of one lease
	var outA, outB [2]uint16
	for i := uint64(0); i < 300_000; i++ {
		p := uint16(16000)
		if i%2 == 1 {
			p = 4000
		}
		now := i * gap
		a, err := m.Ingress(now, 1, CustomerBit|p, 1000)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Ingress(now, 2, CustomerBit|p, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if a&CustomerBit == 0 || b&CustomerBit == 0 {
			t.Fatal("customer bit lost on a lease without clear-customer-bit")
		}
		outA[i%2], outB[i%2] = a&PriorityMask, b&PriorityMask
	}
	ratio := float64(outA[0]) / float64(outB[0])
	if math.Abs(ratio/4-1) > 0.01 {
		t.Fatalf("priority ratio between leases %d/%d = %.4f, want 4 (limits %d:%d)", outA[0], outB[0], ratio, limA, limB)
	}
	for name, o := range map[string][2]uint16{"A": outA, "B": outB} {
		if r := float64(o[0]) / float64(o[1]); math.Abs(r/4-1) > 0.01 {
			t.Fatalf("lease %s: priorities within the lease %v, ratio %.4f, want 4", name, o, r)
		}
	}
	// The scaled lease leaves with about its limit: priority * bytes per tick.
	bytesPerTick := float64(cfg.TickCycles) * 8 * 0.4
	leftA := float64(outA[0]+outA[1]) / 2 * bytesPerTick
	if math.Abs(leftA/float64(limA)-1) > 0.01 {
		t.Fatalf("lease A leaves with %.0f priority-bytes per tick, want about its limit %d", leftA, limA)
	}
}

// TestPriorityNeverRises: random traffic, random limits and reconfigurations;
// the priority out is never above the priority in, the customer bit is never
// set by the meter, and 0xffff never comes out.
func TestPriorityNeverRises(t *testing.T) {
	cfg := refConfig()
	cfg.K = 3
	cfg.TickCycles = 256
	rng := rand.New(rand.NewSource(7))
	leases := make([]LeaseConfig, cfg.Leases)
	for i := range leases {
		leases[i] = LeaseConfig{DefaultPriority: uint16(rng.Intn(0x8000)), ClearCustomerBit: rng.Intn(2) == 0,
			Limited: rng.Intn(4) != 0, Limit: uint64(rng.Intn(20_000_000))}
	}
	m, err := New(cfg, leases)
	if err != nil {
		t.Fatal(err)
	}
	now := uint64(0)
	scaled := 0
	for i := 0; i < 300_000; i++ {
		now += uint64(rng.Intn(30))
		l := rng.Intn(cfg.Leases)
		if rng.Intn(5000) == 0 {
			leases[l].Limit = uint64(rng.Intn(20_000_000))
			leases[l].ClearCustomerBit = !leases[l].ClearCustomerBit
			if err := m.SetLease(l, leases[l]); err != nil {
				t.Fatal(err)
			}
		}
		tc := uint16(rng.Intn(0x10000))
		if rng.Intn(10) == 0 {
			tc = Unclassed
		}
		out, err := m.Ingress(now, l, tc, uint32(1+rng.Intn(1536)))
		if err != nil {
			t.Fatal(err)
		}
		inPrio, inCust := tc&PriorityMask, tc&CustomerBit != 0
		if tc == Unclassed {
			inPrio, inCust = leases[l].DefaultPriority, false
		}
		if out == Unclassed {
			t.Fatalf("0xffff came out for tc 0x%04x", tc)
		}
		if out&PriorityMask > inPrio {
			t.Fatalf("priority rose: in 0x%04x (prio %d) out 0x%04x", tc, inPrio, out)
		}
		if out&PriorityMask < inPrio {
			scaled++
		}
		if wantCust := inCust && !leases[l].ClearCustomerBit; (out&CustomerBit != 0) != wantCust {
			t.Fatalf("customer bit: in 0x%04x clear=%v out 0x%04x", tc, leases[l].ClearCustomerBit, out)
		}
	}
	if scaled == 0 {
		t.Fatal("no packet was ever re-prioritized: the test exercised nothing")
	}
}

func TestCustomerBitAndUnclassed(t *testing.T) {
	cfg := refConfig()
	m, err := New(cfg, []LeaseConfig{
		{DefaultPriority: 5},
		{DefaultPriority: 300, ClearCustomerBit: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lease int
		in    uint16
		want  uint16
	}{
		{0, 0x8123, 0x8123},
		{0, 0x0123, 0x0123},
		{0, Unclassed, 5},
		{0, 0x7fff, 0x7fff},
		{0, 0xfffe, 0xfffe},
		{1, 0x8123, 0x0123},
		{1, 0x0123, 0x0123},
		{1, Unclassed, 300},
	}
	for _, tt := range tests {
		got, err := m.Ingress(0, tt.lease, tt.in, 100)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("lease %d tc 0x%04x: got 0x%04x, want 0x%04x", tt.lease, tt.in, got, tt.want)
		}
	}
}

func TestDeprioritizeNonCustomer(t *testing.T) {
	tests := []struct {
		cfg  EgressConfig
		in   uint16
		want uint16
	}{
		{EgressConfig{}, 0x1234, 0x1234},
		{EgressConfig{DeprioritizeNonCustomer: true, NonCustomerCap: 100}, 0x1234, 100},
		{EgressConfig{DeprioritizeNonCustomer: true, NonCustomerCap: 100}, 99, 99},
		{EgressConfig{DeprioritizeNonCustomer: true, NonCustomerCap: 100}, 0x8000 | 0x1234, 0x8000 | 0x1234},
		{EgressConfig{DeprioritizeNonCustomer: true, NonCustomerCap: 0}, 0x7fff, 0},
	}
	for _, tt := range tests {
		if got := tt.cfg.Apply(tt.in); got != tt.want {
			t.Errorf("%+v tc 0x%04x: got 0x%04x, want 0x%04x", tt.cfg, tt.in, got, tt.want)
		}
	}
}

func TestDivideAndScale(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200_000; i++ {
		den := uint64(rng.Int63n(1<<40)) + 1
		num := uint64(rng.Int63n(int64(den)))
		want := (num << 16) / den
		if num>>40 == 0 && den < 1<<47 {
			if got := Divide(num, den); uint64(got) != want {
				t.Fatalf("Divide(%d, %d) = %d, want %d", num, den, got, want)
			}
		}
	}
	edge := []struct {
		num, den uint64
		want     uint32
	}{
		{0, 1, 0}, {1, 2, 0x8000}, {2, 3, 43690}, {5, 5, 0xffff}, {1, 0, 0}, {(1 << 40) - 1, 1 << 40, 0xffff},
	}
	for _, e := range edge {
		if got := Divide(e.num, e.den); got != e.want {
			t.Errorf("Divide(%d, %d) = %d, want %d", e.num, e.den, got, e.want)
		}
	}
	for p := uint16(0); p <= MaxPriority; p += 7 {
		for _, f := range []uint32{0, 1, 0x8000, 0xffff} {
			got := Scale(p, f)
			if got > p || (p > 0 && got >= p) {
				t.Fatalf("Scale(%d, %#x) = %d: must be below the original", p, f, got)
			}
			if uint32(got) != uint32(p)*f>>16 {
				t.Fatalf("Scale(%d, %#x) = %d", p, f, got)
			}
		}
	}
}

// TestFactorTiming checks the documented schedule: lease i's tick n is at
// n*TickCycles + TickStagger*i, and the factor computed from that tick's acc
// applies from UpdateDelay cycles later.
func TestFactorTiming(t *testing.T) {
	for _, lease := range []int{0, 1, 7} {
		cfg := refConfig()
		cfg.K = 1 // acc = sample/2 after the first tick
		lcs := make([]LeaseConfig, lease+1)
		lcs[lease] = LeaseConfig{Limited: true, Limit: 1000}
		m, err := New(cfg, lcs)
		if err != nil {
			t.Fatal(err)
		}
		tick := cfg.TickAt(lease, 1)
		if want := uint64(cfg.TickCycles) + uint64(TickStagger*lease); tick != want {
			t.Fatalf("lease %d: first tick at %d, want %d", lease, tick, want)
		}
		// Before the tick: 1000 bytes at priority 8 -> sample 8000; the
		// tick makes acc 4000 > 1000.
		// The last cycle whose packets the tick takes (AccountDelay).
		if _, err := m.Ingress(tick-AccountDelay, lease, 8, 1000); err != nil {
			t.Fatal(err)
		}
		got, _ := m.Ingress(tick+UpdateDelay-1, lease, 8, 1)
		if got != 8 {
			t.Fatalf("lease %d, %d cycles after the tick: priority %d, want 8 (factor not updated yet)", lease, UpdateDelay-1, got)
		}
		// The update makes floor(1000*65536/4000) = 16384 active: 8 -> 2.
		got, _ = m.Ingress(tick+UpdateDelay, lease, 8, 1)
		if got != 2 {
			t.Fatalf("lease %d at the update: priority %d, want 2", lease, got)
		}
		st, _ := m.State(lease)
		if !st.Scaling || st.Factor != 16384 || st.Measured != 4000 || !st.Updated || st.UpdateAt != tick+UpdateDelay {
			t.Fatalf("lease %d: state %+v, want factor 16384 from measured 4000 updated at %d", lease, st, tick+UpdateDelay)
		}
	}
}

// TestFactorClamp: a quotient of 0xffff is stored as MaxFactor, which
// scales every priority exactly as 0xffff would.
func TestFactorClamp(t *testing.T) {
	for p := uint16(0); p <= MaxPriority; p++ {
		if Scale(p, MaxFactor) != Scale(p, 0xffff) {
			t.Fatalf("priority %d: Scale(0xfffe) %d != Scale(0xffff) %d", p, Scale(p, MaxFactor), Scale(p, 0xffff))
		}
	}
	cfg := refConfig()
	cfg.K = 1
	m, err := New(cfg, []LeaseConfig{{Limited: true, Limit: 199_999}})
	if err != nil {
		t.Fatal(err)
	}
	// sample 400_000 -> acc 200_000 > limit 199_999: quotient 0xfffe.something
	if _, err := m.Ingress(0, 0, 400, 1000); err != nil {
		t.Fatal(err)
	}
	if err := m.AdvanceTo(uint64(cfg.TickCycles) + UpdateDelay); err != nil {
		t.Fatal(err)
	}
	st, _ := m.State(0)
	if q := Divide(199_999, 200_000); q != 0xffff || !st.Scaling || st.Factor != MaxFactor {
		t.Fatalf("quotient %#x, state %+v: want 0xffff clamped to %#x", q, st, MaxFactor)
	}
}

func TestUnitConversions(t *testing.T) {
	cfg := refConfig()
	f, _ := cfg.Format()
	unit := float64(cfg.ClockHz) / float64(cfg.TickCycles) / 1000 // priority-KB/s per meter unit
	for _, pk := range []uint64{0, 1000, 123_456_789, 9_999_999_999} {
		lim, err := cfg.LimitFromPriorityKBps(pk)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(float64(lim)*unit - float64(pk)); d > unit/2+1e-6 {
			t.Fatalf("limit for %d priority-KB/s = %d units (%v): off by %v, want within half a unit %v", pk, lim, float64(lim)*unit, d, unit/2)
		}
		back := cfg.PriorityKBps(lim << cfg.K)
		if d := math.Abs(float64(back) - float64(pk)); d > unit+1 {
			t.Fatalf("round trip %d -> %d -> %d", pk, lim, back)
		}
	}
	if _, err := cfg.LimitFromPriorityKBps(uint64(float64(f.SampleMax)*unit) * 2); err == nil {
		t.Fatal("limit above the measurable range accepted")
	}
}

// TestAccountDelay checks when a packet's priority-bytes reach the sample:
// AccountDelay cycles after it arrived, before that cycle's tick. So the
// tick at t takes a packet of cycle t-AccountDelay and leaves one of the
// next cycle to the following tick.
func TestAccountDelay(t *testing.T) {
	cfg := refConfig()
	cfg.K = 1
	tick := cfg.TickAt(0, 1)
	tests := []struct {
		name    string
		at      uint64
		wantAcc uint64 // acc after the tick (K = 1: sample)
	}{
		{"lands at the tick", tick - AccountDelay, 8000},
		{"lands after the tick", tick - AccountDelay + 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Ingress(tt.at, 0, 8, 1000); err != nil {
				t.Fatal(err)
			}
			if st, _ := m.State(0); st.Sample != 0 {
				t.Fatalf("sample %d right after the packet, want 0 (not landed)", st.Sample)
			}
			if err := m.AdvanceTo(tick + 1); err != nil {
				t.Fatal(err)
			}
			st, _ := m.State(0)
			if st.Acc != tt.wantAcc || st.Sample != 8000-tt.wantAcc {
				t.Fatalf("after the tick: acc %d sample %d, want acc %d sample %d", st.Acc, st.Sample, tt.wantAcc, 8000-tt.wantAcc)
			}
		})
	}
}
