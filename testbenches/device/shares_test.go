package device

import (
	"fmt"
	"math"
	"testing"
)

// Whitepaper §2.1 at device level, on the golden model: under saturation,
// Cloud ISPs with equal max-priority-bandwidth pass equal shares, and one
// with a tenth of it passes about a tenth as much.
func TestSharesModel(t *testing.T) {
	cfg := SharesConfig()
	tests := []struct {
		ratio uint64
		want  float64
		tol   float64 // relative
	}{
		{1, 1, 0.02},
		{10, 0.1, 0.1}, // the issue's ±10% of the tenth: 0.094 measured
	}
	for _, tc := range tests {
		a, b := SharesISPs(tc.ratio)
		m, err := NewModel(cfg.Config, Build(cfg.Config, []ISP{a, b}))
		if err != nil {
			t.Fatal(err)
		}
		r, err := RunShares(m, tc.ratio, 200_000, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		util := float64(r.PassedA+r.PassedB) / float64(r.Cycles)
		t.Logf("1:%d: B/A passed %.3f, offered %.3f, link use %.3f", tc.ratio, r.Share(), float64(r.OfferedB)/float64(r.OfferedA), util)
		if math.Abs(r.Share()-tc.want) > tc.tol*tc.want {
			t.Errorf("1:%d max-priority-bandwidth: B passed %.3f of A, want %.3f ±%.0f%%", tc.ratio, r.Share(), tc.want, 100*tc.tol)
		}
		if util < 0.97 {
			t.Errorf("link use %.3f: the link sits idle while traffic is dropped", util)
		}
	}
}

// The same on the hardware: 200,000 cycles of warm-up and 1,000,000
// measured per run (about 20 s of Go simulation each; the runs go in
// parallel).
//
// Equal limits are measured in both placements, A on port 0 and B on port
// 1 and the other way round, and each placement is held to ±4%: one
// placement alone is skewed by where the two leases' meter ticks fall
// against the traffic (the test's elastic sources all step their rate on
// one shared 2048-cycle clock, and the hardware meters a packet some 20
// cycles after the model does, in the header unit), so the lease on port
// 0 gets about 3% more in either placement (0.972 and 1.029 measured). The
// two placements mirror each other exactly, so their sum says nothing and
// is only logged.
func TestSharesHW(t *testing.T) {
	cfg := SharesConfig()
	run := func(t *testing.T, a, b ISP) ShareRun {
		h, err := NewHW(cfg, Build(cfg.Config, []ISP{a, b}))
		if err != nil {
			t.Fatal(err)
		}
		r, err := RunSharesOf(h, a, b, 200_000, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("hw: A on port %d, B on port %d: B/A passed %.3f over %d cycles (A %d B, B %d B)",
			a.InPort, b.InPort, r.Share(), r.Cycles, r.PassedA, r.PassedB)
		return r
	}
	t.Run("1:10", func(t *testing.T) {
		t.Parallel()
		a, b := SharesISPs(10)
		if r := run(t, a, b); math.Abs(r.Share()-0.1) > 0.01 { // a tenth: ±10% of the tenth
			t.Errorf("1:10 limits: B/A %.3f, want 0.10 ±0.01", r.Share())
		}
	})
	t.Run("1:1", func(t *testing.T) {
		t.Parallel()
		var runs [2]ShareRun
		t.Run("placements", func(t *testing.T) {
			for i := range runs {
				t.Run(fmt.Sprintf("A_on_port_%d", i), func(t *testing.T) {
					t.Parallel()
					a, b := SharesISPs(1)
					if i == 1 {
						a.InPort, b.InPort = b.InPort, a.InPort
					}
					runs[i] = run(t, a, b)
				})
			}
		})
		if t.Failed() {
			return
		}
		for i, r := range runs {
			if math.Abs(r.Share()-1) > 0.04 { // equal limits: ±4% in each placement
				t.Errorf("1:1 limits, A on port %d: B/A %.3f, want 1.00 ±0.04", i, r.Share())
			}
		}
		pa, pb := runs[0].PassedA+runs[1].PassedA, runs[0].PassedB+runs[1].PassedB
		t.Logf("hw 1:1 over both placements: B/A passed %.3f", float64(pb)/float64(pa))
	})
}
