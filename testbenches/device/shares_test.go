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

// The same on the hardware, held to the same figures: 200,000 cycles of
// warm-up and 1,000,000 measured per ratio (about 20 s of Go simulation
// each; the two ratios run in parallel).
func TestSharesHW(t *testing.T) {
	cfg := SharesConfig()
	for _, tc := range []struct {
		ratio     uint64
		want, tol float64 // absolute
	}{
		{1, 1, 0.02},    // equal limits: ±2%
		{10, 0.1, 0.01}, // a tenth: ±10% of the tenth
	} {
		t.Run(fmt.Sprintf("1:%d", tc.ratio), func(t *testing.T) {
			t.Parallel()
			a, b := SharesISPs(tc.ratio)
			h, err := NewHW(cfg, Build(cfg.Config, []ISP{a, b}))
			if err != nil {
				t.Fatal(err)
			}
			r, err := RunShares(h, tc.ratio, 200_000, 1_000_000)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("hw 1:%d: B/A passed %.3f over %d cycles (A %d B, B %d B)", tc.ratio, r.Share(), r.Cycles, r.PassedA, r.PassedB)
			if math.Abs(r.Share()-tc.want) > tc.tol {
				t.Errorf("1:%d limits: B/A %.3f, want %.2f ±%.2f", tc.ratio, r.Share(), tc.want, tc.tol)
			}
		})
	}
}
