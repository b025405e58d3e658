package fabric

import (
	"fmt"
)

// Kind names a fabric model.
type Kind int

// Fabric models.
const (
	KindFIFO Kind = iota // FIFO input queues, head-of-line blocking
	KindVOQ              // virtual output queues + iSLIP
	KindOQ               // ideal output queueing
	KindClos             // three-stage buffered Clos
)

var kindNames = [...]string{"fifo", "voq", "oq", "clos"}

// String returns the kind's name as the CLI spells it.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind turns a name from String back into a Kind.
func ParseKind(name string) (Kind, error) {
	for i, n := range kindNames {
		if n == name {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("fabric: unknown fabric kind %q (want fifo, voq, oq or clos)", name)
}

// FabricConfig selects and sizes a fabric model.
type FabricConfig struct {
	Kind       Kind
	Ports      int        // N for FIFO, VOQ and OQ (Clos: n·r, may be 0)
	Contention Contention // FIFO
	Seed       uint64     // FIFO with Random contention
	Iterations int        // VOQ: iSLIP iterations, 0 = DefaultIterations(N)
	PacketMode bool       // VOQ: hold matches for whole packets
	// Pipelined: VOQ with the scheduler one slot ahead of the transfers
	// (NewPipelinedVOQ; cell mode only). For Clos set Clos.Pipelined.
	Pipelined bool
	Clos      ClosConfig // Clos
}

// New builds the fabric cfg describes.
func New(cfg FabricConfig) (Fabric, error) {
	switch cfg.Kind {
	case KindFIFO:
		return NewFIFO(cfg.Ports, cfg.Contention, cfg.Seed)
	case KindVOQ:
		if cfg.Pipelined {
			if cfg.PacketMode {
				return nil, fmt.Errorf("fabric: the pipelined VOQ switch runs in cell mode only")
			}
			return NewPipelinedVOQ(cfg.Ports, cfg.Iterations)
		}
		return NewVOQ(cfg.Ports, cfg.Iterations, cfg.PacketMode)
	case KindOQ:
		return NewOQ(cfg.Ports)
	case KindClos:
		c, err := NewClos(cfg.Clos)
		if err != nil {
			return nil, err
		}
		if cfg.Ports != 0 && cfg.Ports != c.Ports() {
			return nil, fmt.Errorf("fabric: Clos n·r = %d ports, but %d ports were asked for", c.Ports(), cfg.Ports)
		}
		return c, nil
	}
	return nil, fmt.Errorf("fabric: unknown fabric kind %d", int(cfg.Kind))
}

// Config is one measurement run.
type Config struct {
	Fabric  FabricConfig
	Traffic TrafficConfig // Ports 0 takes the fabric's
	Warmup  int64         // slots run before measuring, >= 0
	Slots   int64         // slots measured, >= 1
	// Ready gives the egress ready mask of each slot (bit j: output j can
	// take a cell). nil means every output is always ready.
	Ready func(slot int64) uint64
}

// Result is what a measurement run observed in its measured window
// [Warmup, Warmup+Slots).
type Result struct {
	Ports int
	Load  float64 // configured offered load ρ
	// Offered is cells arrived per slot per port in the window.
	Offered float64
	// Throughput is cells delivered per slot per port in the window.
	Throughput float64
	// MeanLatency is the mean latency in slots (departure slot − arrival
	// slot) of the cells that arrived in the window and left before it
	// ended. Near and above saturation the backlog grows and this
	// understates the real delay; Backlog tells.
	MeanLatency float64
	MaxLatency  int64
	Arrived     int64 // cells arrived in the window
	Delivered   int64 // cells delivered in the window
	Measured    int64 // cells whose latency went into MeanLatency
	Backlog     int   // cells inside the fabric at the end
	// OutOfOrder counts delivered cells whose flow sequence number was not
	// the next expected one (a lost, duplicated or reordered cell). It must
	// be 0 for every model.
	OutOfOrder int64
	// Conflicts counts (slot, output) pairs where an output delivered more
	// than one cell, or delivered while not ready. It must be 0.
	Conflicts int64
}

// Measure builds the fabric and the traffic cfg describes, runs
// Warmup+Slots slots and reports the measured window.
func Measure(cfg Config) (Result, error) {
	f, err := New(cfg.Fabric)
	if err != nil {
		return Result{}, err
	}
	n := f.Ports()
	tc := cfg.Traffic
	if tc.Ports == 0 {
		tc.Ports = n
	}
	if tc.Ports != n {
		return Result{}, fmt.Errorf("fabric: traffic has %d ports, fabric %d", tc.Ports, n)
	}
	tr, err := NewTraffic(tc)
	if err != nil {
		return Result{}, err
	}
	if cfg.Warmup < 0 {
		return Result{}, fmt.Errorf("fabric: warm-up %d slots is negative", cfg.Warmup)
	}
	if cfg.Slots < 1 {
		return Result{}, fmt.Errorf("fabric: measurement needs at least 1 slot, got %d", cfg.Slots)
	}
	res := Result{Ports: n, Load: tc.Load}
	next := make([]uint64, n*n)
	all := lowMask(n)
	var arrivals, departures []Cell
	var latSum int64
	end := cfg.Warmup + cfg.Slots
	for t := int64(0); t < end; t++ {
		in := t >= cfg.Warmup
		arrivals = tr.Arrivals(t, arrivals[:0])
		for _, c := range arrivals {
			if err := f.Arrive(c); err != nil {
				return Result{}, err
			}
		}
		if in {
			res.Arrived += int64(len(arrivals))
		}
		ready := all
		if cfg.Ready != nil {
			ready = cfg.Ready(t) & all
		}
		departures = f.Step(t, ready, departures[:0])
		var used uint64
		for _, c := range departures {
			bit := uint64(1) << c.Output
			if used&bit != 0 || ready&bit == 0 {
				res.Conflicts++
			}
			used |= bit
			fl := c.Input*n + c.Output
			if c.Seq != next[fl] {
				res.OutOfOrder++
			}
			next[fl] = c.Seq + 1
			if !in {
				continue
			}
			res.Delivered++
			if c.Arrival >= cfg.Warmup {
				lat := t - c.Arrival
				latSum += lat
				res.Measured++
				res.MaxLatency = max(res.MaxLatency, lat)
			}
		}
	}
	cells := float64(cfg.Slots) * float64(n)
	res.Offered = float64(res.Arrived) / cells
	res.Throughput = float64(res.Delivered) / cells
	if res.Measured > 0 {
		res.MeanLatency = float64(latSum) / float64(res.Measured)
	}
	res.Backlog = f.Backlog()
	return res, nil
}

// Sweep runs Measure once per offered load, all else equal, for a
// throughput/latency curve.
func Sweep(cfg Config, loads []float64) ([]Result, error) {
	out := make([]Result, 0, len(loads))
	for _, l := range loads {
		c := cfg
		c.Traffic.Load = l
		r, err := Measure(c)
		if err != nil {
			return nil, fmt.Errorf("fabric: sweep at load %v: %w", l, err)
		}
		out = append(out, r)
	}
	return out, nil
}
