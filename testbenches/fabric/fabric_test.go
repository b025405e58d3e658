package fabric

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// engines returns the Go-side engines plus Icarus and Verilator when full
// is set (their tools are then required).
func engines(t *testing.T, golden tb.Func, b *gosim.Bench, full bool) []tb.Engine {
	t.Helper()
	e := []tb.Engine{golden, b.Engine()}
	if full {
		for _, tool := range []string{"iverilog", "vvp", "verilator"} {
			tooltest.Require(t, tool)
		}
		e = append(e, tb.Icarus{}, tb.Verilator{})
	}
	return e
}

// resetCol holds rst high in the first two cycles and once mid-run.
func resetCol(n int) func(int) uint64 {
	return func(c int) uint64 {
		if c < 2 || c == n/2 {
			return 1
		}
		return 0
	}
}

// bernoulliMatrix fills a flat matrix port with bits set with probability p.
func bernoulliMatrix(t *testing.T, s *tb.Stimulus, rng *rand.Rand, name string, bits int, p float64) {
	t.Helper()
	col := s.Index(name)
	for c := range s.Len() {
		words := make([]uint64, (bits+63)/64)
		for b := range bits {
			if rng.Float64() < p {
				words[b/64] |= 1 << uint(b%64)
			}
		}
		if err := s.SetWords(c, col, words); err != nil {
			t.Fatal(err)
		}
	}
}

// TestISLIPTraces holds the generated scheduler to model/fabric.ISLIP in
// the Go simulator, Icarus and Verilator: match, pointers and holds,
// cycle for cycle, on random requests, end-of-packet bits and resets.
func TestISLIPTraces(t *testing.T) {
	cases := []struct {
		cfg    gfabric.ISLIPConfig
		cycles int
		p      float64
		full   bool // also Icarus and Verilator
	}{
		{gfabric.ISLIPConfig{Inputs: 4, Outputs: 4, Iterations: 2, PacketMode: true}, 4000, 0.4, true},
		{gfabric.ISLIPConfig{Inputs: 5, Outputs: 3}, 3000, 0.5, true},
		{gfabric.ISLIPConfig{Inputs: 8, Outputs: 8, Iterations: 3}, 4000, 0.3, true},
		{gfabric.ISLIPConfig{Inputs: 16, Outputs: 16, PacketMode: true}, 20000, 0.2, false},
		{gfabric.ISLIPConfig{Inputs: 32, Outputs: 32, Iterations: 5}, 3000, 0.1, false},
		{gfabric.ISLIPConfig{Inputs: 4, Outputs: 4, Iterations: 2, Pipelined: true}, 3000, 0.4, true},
		{gfabric.ISLIPConfig{Inputs: 16, Outputs: 16, Pipelined: true}, 5000, 0.2, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d_it%d_pkt%v_pl%v", c.cfg.Inputs, c.cfg.Outputs, c.cfg.Iterations, c.cfg.PacketMode, c.cfg.Pipelined), func(t *testing.T) {
			t.Parallel()
			m, err := gfabric.ISLIP(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			b, err := gosim.New(m)
			if err != nil {
				t.Fatal(err)
			}
			s, err := b.Design.NewStimulus(c.cycles)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(c.cfg.Inputs), 7))
			n := c.cfg.Inputs * c.cfg.Outputs
			bernoulliMatrix(t, &s, rng, "req", n, c.p)
			if c.cfg.PacketMode {
				bernoulliMatrix(t, &s, rng, "eop", n, 0.3)
			}
			s.SetColumn(s.Index("rst"), resetCol(c.cycles))
			traces, err := tb.RunAll(context.Background(), b.Design, s, engines(t, ISLIPGolden(c.cfg), b, c.full)...)
			if err != nil {
				t.Fatal(err)
			}
			// The comparison means something only if the scheduler matched.
			match := traces[0].Index("match")
			busy := 0
			for cyc := range traces[0].Len() {
				for _, w := range traces[0].Words(cyc, match) {
					if w != 0 {
						busy++
						break
					}
				}
			}
			if busy < c.cycles/2 {
				t.Fatalf("only %d of %d cycles matched anything", busy, c.cycles)
			}
		})
	}
}

// crossbarStimulus drives random cells (valid with probability load, dest
// uniform over the dest port's values, packets of a few cells) and random
// egress ready.
func crossbarStimulus(t *testing.T, d tb.Design, cfg gfabric.CrossbarConfig, cycles int, load, ready float64, seed uint64) tb.Stimulus {
	t.Helper()
	s, err := d.NewStimulus(cycles)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	s.Randomize(rng)
	s.SetColumn(s.Index("rst"), resetCol(cycles))
	for i := range cfg.Inputs {
		s.SetColumn(s.Index(gfabric.InPort(i, "valid")), func(int) uint64 { return b2u(rng.Float64() < load) })
		s.SetColumn(s.Index(gfabric.InPort(i, "last")), func(int) uint64 { return b2u(rng.IntN(3) == 0) })
	}
	for j := range cfg.Outputs {
		s.SetColumn(s.Index(gfabric.OutPort(j, "ready")), func(int) uint64 { return b2u(rng.Float64() < ready) })
	}
	return s
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// countValid counts the cycles × outputs with a cell leaving.
func countValid(tr tb.Trace, outputs int) int {
	n := 0
	for j := range outputs {
		col := tr.Index(gfabric.OutPort(j, "valid"))
		for c := range tr.Len() {
			n += int(tr.Get(c, col))
		}
	}
	return n
}

// TestCrossbarTraces holds the generated VOQ crossbar to model/fabric.VOQ
// (data, last, valid and ready on every port, every cycle) under random
// traffic and back-pressure, in cell and packet mode.
func TestCrossbarTraces(t *testing.T) {
	cases := []struct {
		cfg         gfabric.CrossbarConfig
		cycles      int
		load, ready float64
		full        bool
	}{
		{gfabric.CrossbarConfig{Inputs: 4, Outputs: 4, DataWidth: 8, Depth: 2}, 3000, 0.7, 0.8, true},
		{gfabric.CrossbarConfig{Inputs: 4, Outputs: 4, DataWidth: 8, Depth: 3, PacketMode: true}, 3000, 0.8, 0.7, true},
		{gfabric.CrossbarConfig{Inputs: 3, Outputs: 3, DataWidth: 5, Depth: 1, Iterations: 2, PacketMode: true}, 3000, 0.9, 0.9, true},
		{gfabric.CrossbarConfig{Inputs: 8, Outputs: 8, DataWidth: 70, Depth: 4, PacketMode: true}, 20000, 0.9, 0.8, false},
		{gfabric.CrossbarConfig{Inputs: 16, Outputs: 16, DataWidth: 8, Depth: 2}, 5000, 0.95, 0.9, false},
		{gfabric.CrossbarConfig{Inputs: 4, Outputs: 4, DataWidth: 8, Depth: 3, Pipelined: true}, 3000, 0.8, 0.8, true},
		{gfabric.CrossbarConfig{Inputs: 3, Outputs: 3, DataWidth: 5, Depth: 1, Iterations: 2, Pipelined: true}, 3000, 0.9, 0.7, false},
		{gfabric.CrossbarConfig{Inputs: 8, Outputs: 8, DataWidth: 8, Depth: 2, Pipelined: true}, 10000, 0.9, 0.85, false},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%dx%d_w%d_d%d_pkt%v_pl%v", c.cfg.Inputs, c.cfg.Outputs, c.cfg.DataWidth, c.cfg.Depth, c.cfg.PacketMode, c.cfg.Pipelined)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, err := gfabric.CrossbarDefaults(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			m, err := gfabric.Crossbar(cfg)
			if err != nil {
				t.Fatal(err)
			}
			b, err := gosim.New(m)
			if err != nil {
				t.Fatal(err)
			}
			s := crossbarStimulus(t, b.Design, cfg, c.cycles, c.load, c.ready, uint64(cfg.Inputs*10+cfg.Depth))
			traces, err := tb.RunAll(context.Background(), b.Design, s, engines(t, CrossbarGolden(cfg), b, c.full)...)
			if err != nil {
				t.Fatal(err)
			}
			if n := countValid(traces[0], cfg.Outputs); n < c.cycles/2 {
				t.Fatalf("only %d cells left in %d cycles: the stimulus exercises little", n, c.cycles)
			}
		})
	}
}
