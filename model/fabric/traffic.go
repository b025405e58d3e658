package fabric

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Pattern names a traffic pattern.
type Pattern int

// Traffic patterns. Every pattern offers load ρ per input (the probability
// an input receives a cell in a slot, on average).
const (
	// Uniform is Bernoulli i.i.d. arrivals: each slot each input gets a cell
	// with probability ρ, its output uniform over all N. Each cell is a
	// one-cell packet.
	Uniform Pattern = iota
	// Bursty is on/off traffic: an input alternates between bursts, in which
	// it receives one cell every slot, all to one output drawn uniformly, and
	// idle periods. Burst lengths are geometric on {1, 2, ...} with mean
	// MeanBurst; idle lengths geometric on {0, 1, ...} with mean
	// MeanBurst·(1−ρ)/ρ. Each burst is one packet (its last cell has Last
	// set), which is what iSLIP packet mode keeps together.
	Bursty
	// Hotspot is Bernoulli arrivals where a cell goes to output HotspotPort
	// with probability HotspotFrac and otherwise to an output drawn uniformly
	// over all N (the hotspot included). Admissible when
	// ρ·(HotspotFrac·N + 1 − HotspotFrac) <= 1.
	Hotspot
	// Diagonal is Bernoulli arrivals where input i sends 2/3 of its cells to
	// output i and 1/3 to output (i+1) mod N: admissible at every ρ <= 1, and
	// hard for schedulers because every output has only two sources.
	Diagonal
)

var patternNames = [...]string{"uniform", "bursty", "hotspot", "diagonal"}

// String returns the pattern's name as the CLI spells it.
func (p Pattern) String() string {
	if p >= 0 && int(p) < len(patternNames) {
		return patternNames[p]
	}
	return fmt.Sprintf("Pattern(%d)", int(p))
}

// ParsePattern turns a name from String back into a Pattern.
func ParsePattern(name string) (Pattern, error) {
	for i, n := range patternNames {
		if n == name {
			return Pattern(i), nil
		}
	}
	return 0, fmt.Errorf("fabric: unknown traffic pattern %q (want uniform, bursty, hotspot or diagonal)", name)
}

// TrafficConfig describes a traffic generator.
type TrafficConfig struct {
	Pattern     Pattern
	Ports       int     // N; Measure fills it from the fabric when 0
	Load        float64 // offered load ρ per input, 0..1
	MeanBurst   float64 // Bursty: mean burst (packet) length in cells, >= 1
	HotspotFrac float64 // Hotspot: fraction of cells sent to HotspotPort, 0..1
	HotspotPort int     // Hotspot: the hot output
	Seed        uint64  // PCG seed; equal seeds give equal traffic
}

// Traffic generates cell arrivals slot by slot. It is deterministic: the
// random draws come from one PCG stream seeded by TrafficConfig.Seed and are
// taken in input order 0..N−1 every slot.
type Traffic struct {
	cfg      TrafficConfig
	rng      *rand.Rand
	pOn      float64  // Bursty: probability an idle input starts a burst
	pEnd     float64  // Bursty: probability a burst cell is the last
	burstTo  []int    // Bursty: output of the current burst, or -1 when idle
	flowSeq  []uint64 // next Seq per flow, index input*N+output
	packetNo []uint64 // next packet number per input
}

// NewTraffic checks cfg and returns its generator.
func NewTraffic(cfg TrafficConfig) (*Traffic, error) {
	n := cfg.Ports
	if n < 1 || n > MaxPorts {
		return nil, fmt.Errorf("fabric: traffic ports %d out of range 1..%d", n, MaxPorts)
	}
	if !(cfg.Load >= 0 && cfg.Load <= 1) {
		return nil, fmt.Errorf("fabric: traffic load %v out of range 0..1", cfg.Load)
	}
	t := &Traffic{
		cfg:      cfg,
		rng:      rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		flowSeq:  make([]uint64, n*n),
		packetNo: make([]uint64, n),
	}
	switch cfg.Pattern {
	case Uniform, Diagonal:
	case Bursty:
		if !(cfg.MeanBurst >= 1) || math.IsInf(cfg.MeanBurst, 0) {
			return nil, fmt.Errorf("fabric: bursty traffic needs a finite mean burst >= 1 cell, got %v", cfg.MeanBurst)
		}
		t.pEnd = 1 / cfg.MeanBurst
		if cfg.Load > 0 {
			meanIdle := cfg.MeanBurst * (1 - cfg.Load) / cfg.Load
			t.pOn = 1 / (1 + meanIdle)
		}
		t.burstTo = make([]int, n)
		for i := range t.burstTo {
			t.burstTo[i] = -1
		}
	case Hotspot:
		if !(cfg.HotspotFrac >= 0 && cfg.HotspotFrac <= 1) {
			return nil, fmt.Errorf("fabric: hotspot fraction %v out of range 0..1", cfg.HotspotFrac)
		}
		if cfg.HotspotPort < 0 || cfg.HotspotPort >= n {
			return nil, fmt.Errorf("fabric: hotspot port %d out of range 0..%d", cfg.HotspotPort, n-1)
		}
	default:
		return nil, fmt.Errorf("fabric: unknown traffic pattern %d", int(cfg.Pattern))
	}
	return t, nil
}

// Config returns the generator's configuration.
func (t *Traffic) Config() TrafficConfig { return t.cfg }

// Arrivals appends the cells arriving in slot to dst (at most one per input,
// in input order) and returns it.
func (t *Traffic) Arrivals(slot int64, dst []Cell) []Cell {
	n := t.cfg.Ports
	for i := range n {
		out, last, ok := t.draw(i)
		if !ok {
			continue
		}
		f := i*n + out
		c := Cell{
			Input:   i,
			Output:  out,
			Seq:     t.flowSeq[f],
			Packet:  t.packetNo[i],
			Last:    last,
			Arrival: slot,
		}
		t.flowSeq[f]++
		if last {
			t.packetNo[i]++
		}
		dst = append(dst, c)
	}
	return dst
}

// draw decides whether input i gets a cell this slot, its output, and
// whether it ends a packet.
func (t *Traffic) draw(i int) (out int, last, ok bool) {
	n := t.cfg.Ports
	switch t.cfg.Pattern {
	case Bursty:
		if t.burstTo[i] < 0 {
			if t.pOn == 0 || t.rng.Float64() >= t.pOn {
				return 0, false, false
			}
			t.burstTo[i] = t.rng.IntN(n)
		}
		out = t.burstTo[i]
		if t.rng.Float64() < t.pEnd {
			t.burstTo[i] = -1
			return out, true, true
		}
		return out, false, true
	case Hotspot:
		if t.rng.Float64() >= t.cfg.Load {
			return 0, false, false
		}
		if t.rng.Float64() < t.cfg.HotspotFrac {
			return t.cfg.HotspotPort, true, true
		}
		return t.rng.IntN(n), true, true
	case Diagonal:
		if t.rng.Float64() >= t.cfg.Load {
			return 0, false, false
		}
		if t.rng.IntN(3) < 2 {
			return i, true, true
		}
		return (i + 1) % n, true, true
	default: // Uniform
		if t.rng.Float64() >= t.cfg.Load {
			return 0, false, false
		}
		return t.rng.IntN(n), true, true
	}
}
