package shaper

import (
	"os"
	"testing"
)

// TestShareSweep is the parameter sweep behind the refusal barrier (run
// with SHAPER_SWEEP=1; about 2 s a row): whitepaper §2.1 with one customer
// at a tenth of the others' limit (seeds 2-4) and with equal limits (seed
// 1), for barrier margin D classes, decay every 2^S cycles and shot window
// 2^W cycles. It prints the small customer's ratio, the link's utilization
// and the largest deviation from the mean share; it asserts nothing.
//
// Measured (64 KiB buffer, 8 bytes a cycle: drain 2^13 cycles, m = 5):
//
//	D=16 S=15 W=17 (derived)  0.098 0.099 0.099; 0.905, 1.8%
//	D=16 S=14 W=16            0.106 0.106 0.106; 0.909, 1.6%
//	D=16 S=16 W=18            0.097 0.094 0.095; 0.904, 1.7%
//	D=16 S=15 W=16            0.098 0.098 0.097; 0.905, 1.3%
//	D=16 S=15 W=18            0.100 0.101 0.100; 0.908, 2.9%
//	D=12 S=15 W=17            0.091 0.092 0.092; 0.903, 1.1%
//	D=20 S=15 W=17            0.105 0.107 0.105; 0.908, 1.8%
//	no barrier                0.172 0.176 0.172; 0.914, 1.7%
//
// At device level (testbenches/device TestSharesModel's setup, drain 2^12
// cycles, so S=14 W=16) the derived parameters give 0.089-0.101 in 1M-cycle
// windows after five warm-up phases and 0.088-0.089 over 10M cycles; the
// neighbours (S or W one off, D 12 or 20) 0.078-0.098 in 1M-cycle
// windows; no barrier 0.082-0.085 (0.086-0.087 over 10M): see the package
// doc for why that setup hardly depends on the drop rule.
func TestShareSweep(t *testing.T) {
	if os.Getenv("SHAPER_SWEEP") == "" {
		t.Skip("set SHAPER_SWEEP=1 to run the parameter sweep")
	}
	rows := []struct {
		D    int
		S, W uint
	}{{16, 15, 17}, {16, 14, 16}, {16, 16, 18}, {16, 15, 16}, {16, 15, 18}, {12, 15, 17}, {20, 15, 17}, {1 << 20, 15, 17}}
	const L = 2_000_000
	defer func() { tuneFormat = nil }()
	for _, r := range rows {
		tuneFormat = func(f *Format) { f.BarrierMargin, f.BarrierDecayLog, f.ShotWindowLog = r.D, r.S, r.W }
		var ratios []float64
		for seed := int64(2); seed <= 4; seed++ {
			res := runSystem(t, []uint64{L, L, L, L / 10}, 400_000_000, seed)
			others := (res.passed[0] + res.passed[1] + res.passed[2]) / 3
			ratios = append(ratios, res.passed[3]/others)
		}
		eq := runSystem(t, []uint64{L, L, L, L}, 400_000_000, 1)
		total, dev := 0.0, 0.0
		for _, s := range eq.passed {
			total += s
		}
		for _, s := range eq.passed {
			dev = max(dev, s-total/4, total/4-s)
		}
		t.Logf("D=%d S=%d W=%d: one tenth %.3f; equal limits: utilization %.3f, largest deviation %.1f%%", r.D, r.S, r.W, ratios, total, 100*dev/(total/4))
	}
}
