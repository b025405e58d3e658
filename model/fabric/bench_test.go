package fabric

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkISLIPSchedule times one slot of the scheduler on random request
// matrices of density 0.5 (ns/op is per slot).
func BenchmarkISLIPSchedule(b *testing.B) {
	for _, n := range []int{16, 32} {
		for _, it := range []int{1, DefaultIterations(n)} {
			b.Run(fmt.Sprintf("N=%d/it=%d", n, it), func(b *testing.B) {
				s, err := NewISLIP(n, n, it, false)
				if err != nil {
					b.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(1, 2))
				reqs := make([][]uint64, 256)
				for k := range reqs {
					reqs[k], _ = randomRequests(rng, n, n, 0.5)
				}
				match := make([]int, n)
				b.ReportAllocs()
				k := 0
				for b.Loop() {
					if err := s.ScheduleInto(match, reqs[k&255], nil); err != nil {
						b.Fatal(err)
					}
					k++
				}
			})
		}
	}
}

// BenchmarkFabricStep times one slot of each model at uniform load 0.9
// (traffic generation included).
func BenchmarkFabricStep(b *testing.B) {
	for _, fc := range models() {
		b.Run(name(fc, TrafficConfig{}), func(b *testing.B) {
			f, err := New(fc)
			if err != nil {
				b.Fatal(err)
			}
			tr, _ := NewTraffic(TrafficConfig{Ports: f.Ports(), Load: 0.9, Seed: 1})
			var arr, out []Cell
			slot := int64(0)
			for b.Loop() {
				arr = tr.Arrivals(slot, arr[:0])
				for _, c := range arr {
					_ = f.Arrive(c)
				}
				out = f.Step(slot, ^uint64(0), out[:0])
				slot++
			}
		})
	}
}

// BenchmarkSaturation is the long measurement behind the figures in the
// package's report: saturation throughput (uniform load 1, 100k measured
// slots after 50k warm-up) of every model at N = 16, reported as the
// "throughput" metric. Run with -benchtime=1x.
func BenchmarkSaturation(b *testing.B) {
	cases := append(models(),
		FabricConfig{Kind: KindFIFO, Ports: 4, Seed: 1},
		FabricConfig{Kind: KindFIFO, Ports: 8, Seed: 1},
		FabricConfig{Kind: KindFIFO, Ports: 32, Seed: 1},
		FabricConfig{Kind: KindFIFO, Ports: 64, Seed: 1},
		FabricConfig{Kind: KindVOQ, Ports: 32},
		FabricConfig{Kind: KindClos, Clos: ClosConfig{M: 8, N: 8, R: 4}},
		FabricConfig{Kind: KindClos, Clos: ClosConfig{M: 15, N: 8, R: 4}},
	)
	for _, fc := range cases {
		b.Run(fmt.Sprintf("%s/N=%d", name(fc, TrafficConfig{}), fc.Ports+fc.Clos.N*fc.Clos.R), func(b *testing.B) {
			for b.Loop() {
				r, err := Measure(Config{Fabric: fc, Traffic: TrafficConfig{Load: 1, Seed: 77}, Warmup: 50000, Slots: 100000})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(r.Throughput, "throughput")
			}
		})
	}
}

// BenchmarkSweepUniform prints throughput/delay curves under uniform
// traffic for the crossbar models and the Clos at N = 16 (b.Log output,
// shown with -v). Run with -benchtime=1x.
func BenchmarkSweepUniform(b *testing.B) {
	loads := []float64{0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99}
	for _, fc := range models() {
		for _, p := range []Pattern{Uniform, Bursty} {
			b.Run(name(fc, TrafficConfig{Pattern: p}), func(b *testing.B) {
				for b.Loop() {
					rs, err := Sweep(Config{Fabric: fc, Traffic: TrafficConfig{Pattern: p, MeanBurst: 16, Seed: 5}, Warmup: 20000, Slots: 50000}, loads)
					if err != nil {
						b.Fatal(err)
					}
					for _, r := range rs {
						b.Logf("load %.2f  throughput %.4f  delay %8.2f slots  backlog %d", r.Load, r.Throughput, r.MeanLatency, r.Backlog)
					}
				}
			})
		}
	}
}

// BenchmarkPatterns reports the throughput of every model at offered load
// 0.9 under each traffic pattern (20k warm-up, 50k measured slots), the
// table that shows where the static Clos routing and iSLIP fall short of
// the output-queued bound. Run with -benchtime=1x.
func BenchmarkPatterns(b *testing.B) {
	for _, fc := range models() {
		for _, tc := range patterns(19, 0.9) {
			b.Run(name(fc, tc), func(b *testing.B) {
				for b.Loop() {
					r, err := Measure(Config{Fabric: fc, Traffic: tc, Warmup: 20000, Slots: 50000})
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(r.Offered, "offered")
					b.ReportMetric(r.Throughput, "throughput")
					b.ReportMetric(r.MeanLatency, "delay-slots")
				}
			})
		}
	}
}
