package shaper

import (
	"errors"
	"fmt"
)

// RateError is one point of the guaranteed-rate accuracy benchmark.
type RateError struct {
	Percent        int     // guaranteed rate asked for, percent of the link
	Target         float64 // bytes per cycle asked for
	Configured     float64 // the rate register's value, bytes per cycle
	Measured       float64 // long-run throughput of the lease, bytes per cycle
	ErrorPct       float64 // 100*(Measured-Target)/Target
	BucketErrorPct float64 // 100*(guaranteed bytes/Cycles - Target)/Target: level 1 alone, whole run, first burst included
	Cycles         uint64  // cycles simulated
	MeasuredCycles uint64  // cycles of the long-run window
}

// DefaultRatePercents are the guaranteed rates the benchmark sweeps.
var DefaultRatePercents = []int{1, 2, 3, 5, 7, 10, 13, 20, 25, 33, 50, 67, 75, 90, 99, 100}

// BenchConfig is the port the benchmark uses when the caller has none:
// 8 bytes per cycle, 256 KiB of buffer, 24 fractional rate bits.
var BenchConfig = Config{BytesPerCycle: 8, BufferBytes: 256 << 10, MaxPacketBytes: 1536, Leases: 4, RateFracBits: 24, ClassMantissaBits: 5}

// benchSizes is a fixed mix of packet sizes, so the tokens are taken in
// amounts that are not multiples of anything in particular.
var benchSizes = []uint32{64, 1500, 576, 1024, 89, 1280, 300, 1536, 128, 777}

// MeasureRateError holds lease 1 at a guarantee of percent% of the link while
// it offers the full line rate at the lowest paid priority and lease 2 offers
// 1.5x line rate at the highest priority (guaranteed whatever lease 1 is
// not), so the link is saturated and lease 1 passes its guarantee and
// nothing more. It runs cycles cycles and reports lease 1's throughput over
// the last 90% of the run against the rate asked for.
func MeasureRateError(cfg Config, percent int, cycles uint64) (RateError, error) {
	if percent < 1 || percent > 100 {
		return RateError{}, fmt.Errorf("shaper: rate %d%% of the link, want 1..100", percent)
	}
	if cfg.Leases < 3 {
		return RateError{}, errors.New("shaper: the rate benchmark needs 3 leases")
	}
	if cycles < 1000 {
		return RateError{}, errors.New("shaper: the rate benchmark needs at least 1000 cycles")
	}
	B := uint64(cfg.BytesPerCycle)
	rate1, err := cfg.RateFromFraction(uint64(percent)*B, 100)
	if err != nil {
		return RateError{}, err
	}
	link := B << cfg.RateFracBits
	burst := 2 * cfg.MaxPacketBytes
	leases := []LeaseConfig{{}, {Rate: rate1, Burst: burst}}
	if rate1 < link {
		leases = append(leases, LeaseConfig{Rate: link - rate1, Burst: burst})
	}
	warm := cycles / 10
	rec := &benchRecorder{from: warm}
	p, err := New(cfg, leases, rec)
	if err != nil {
		return RateError{}, err
	}
	// Two paced sources with fractional carry: lease 1 at B, lease 2 at 1.5B
	// bytes per cycle.
	type src struct {
		lease int
		prio  uint16
		num   uint64 // bytes per cycle = num/2
		next  uint64 // next send cycle
		frac  uint64
		i     int
	}
	srcs := []*src{{lease: 1, prio: 0, num: 2 * B}, {lease: 2, prio: MaxPriority, num: 3 * B, i: 5}}
	var id uint64
	for {
		s := srcs[0]
		if srcs[1].next < s.next {
			s = srcs[1]
		}
		if s.next >= cycles {
			break
		}
		n := benchSizes[s.i%len(benchSizes)]
		if n > cfg.MaxPacketBytes {
			n = cfg.MaxPacketBytes
		}
		s.i++
		id++
		if _, err := p.Arrive(s.next, Packet{ID: id, Lease: s.lease, Priority: s.prio, Bytes: n}); err != nil {
			return RateError{}, err
		}
		s.frac += 2 * uint64(n)
		s.next += s.frac / s.num
		s.frac %= s.num
	}
	if err := p.AdvanceTo(cycles); err != nil {
		return RateError{}, err
	}
	_, _, c, _ := p.Lease(1)
	target := float64(percent) * float64(B) / 100
	r := RateError{
		Percent:        percent,
		Target:         target,
		Configured:     float64(rate1) / float64(uint64(1)<<cfg.RateFracBits),
		Measured:       float64(rec.bytes) / float64(cycles-warm),
		Cycles:         cycles,
		MeasuredCycles: cycles - warm,
	}
	r.ErrorPct = 100 * (r.Measured - target) / target
	r.BucketErrorPct = 100 * (float64(c.GuaranteedBytes)/float64(cycles) - target) / target
	return r, nil
}

// RateErrorSweep runs MeasureRateError for every percent.
func RateErrorSweep(cfg Config, percents []int, cycles uint64) ([]RateError, error) {
	out := make([]RateError, 0, len(percents))
	for _, pc := range percents {
		r, err := MeasureRateError(cfg, pc, cycles)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// benchRecorder counts lease 1's departed bytes from cycle from on.
type benchRecorder struct {
	from  uint64
	bytes uint64
}

func (b *benchRecorder) Departed(cycle uint64, p Packet) {
	if p.Lease == 1 && cycle >= b.from {
		b.bytes += uint64(p.Bytes)
	}
}

func (b *benchRecorder) Dropped(uint64, Packet, DropCause, uint32) {}
