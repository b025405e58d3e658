package shaper

import (
	"math"
	"math/rand"
	"testing"
)

// BenchmarkRateSweep is `pktrouter bench shaper` as a Go benchmark: the
// long-run throughput error of a lease held at its guarantee, for guarantees
// from 1% to 100% of the link (DefaultRatePercents), 20M cycles each. It
// reports the worst absolute error in percent (goal < 0.5).
func BenchmarkRateSweep(b *testing.B) {
	var worst, worstBucket float64
	for i := 0; i < b.N; i++ {
		res, err := RateErrorSweep(BenchConfig, DefaultRatePercents, 20_000_000)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			worst = math.Max(worst, math.Abs(r.ErrorPct))
			worstBucket = math.Max(worstBucket, math.Abs(r.BucketErrorPct))
			if i == 0 {
				b.Logf("%3d%%: target %.6f configured %.9f measured %.6f B/cycle, error %+.5f%%, level-1 error incl. first burst %+.4f%%",
					r.Percent, r.Target, r.Configured, r.Measured, r.ErrorPct, r.BucketErrorPct)
			}
		}
	}
	b.ReportMetric(worst, "worst-err-%")
	b.ReportMetric(worstBucket, "worst-bucket-err-%")
}

// BenchmarkArrive measures the model's speed on a saturated port: four
// Poisson sources at 40% of the link each, mixed sizes and priorities.
func BenchmarkArrive(b *testing.B) {
	c := testConfig()
	p, err := New(c, []LeaseConfig{{}, {Rate: mustRate(b, c, 2, 1), Burst: 4000}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	t := 0.0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := mixSizes[i%len(mixSizes)]
		if _, err := p.Arrive(uint64(t), Packet{Lease: i % 4, Priority: uint16(rng.Intn(MaxPriority + 1)), Bytes: n}); err != nil {
			b.Fatal(err)
		}
		t += rng.ExpFloat64() * float64(n) / 12.8
	}
}
