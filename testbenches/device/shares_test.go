package device

import (
	"math"
	"os"
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

// The same on the hardware. Long (about 2 minutes of Go simulation), so
// it runs with PKTROUTER_LONG=1; the default run is a short saturation that
// checks the direction: B with a tenth of the limit passes clearly less.
func TestSharesHW(t *testing.T) {
	cfg := SharesConfig()
	long := os.Getenv("PKTROUTER_LONG") == "1"
	warm, measure := uint64(60_000), uint64(60_000)
	if long {
		warm, measure = 200_000, 1_000_000
	}
	for _, ratio := range []uint64{1, 10} {
		a, b := SharesISPs(ratio)
		h, err := NewHW(cfg, Build(cfg.Config, []ISP{a, b}))
		if err != nil {
			t.Fatal(err)
		}
		r, err := RunShares(h, ratio, warm, measure)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("hw 1:%d: B/A passed %.3f over %d cycles (A %d B, B %d B)", ratio, r.Share(), r.Cycles, r.PassedA, r.PassedB)
		switch {
		case long && ratio == 1 && math.Abs(r.Share()-1) > 0.02:
			t.Errorf("equal limits: B/A %.3f, want 1 ±2%%", r.Share())
		case long && ratio == 10 && math.Abs(r.Share()-0.1) > 0.01:
			t.Errorf("1:10 limits: B/A %.3f, want 0.1 ±10%%", r.Share())
		case !long && ratio == 1 && math.Abs(r.Share()-1) > 0.25:
			t.Errorf("equal limits: B/A %.3f after a short run, want 1 ±25%%", r.Share())
		case !long && ratio == 10 && r.Share() > 0.5:
			t.Errorf("1:10 limits: B/A %.3f after a short run, want well below 1", r.Share())
		}
	}
}
