package blocks

import (
	"context"
	"fmt"
	mbits "math/bits"
	"math/rand/v2"
	"testing"

	gb "github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	mb "github.com/pktnetwork/pktrouter/model/blocks"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// benchModel is BenchArbiterFIFOs composed from the golden models, written
// from the generator's documentation: requester i is a 16-bit Galois LFSR
// seeded 0x9e37*(i+1) that pushes its word into an 8-deep source FIFO when
// its two top bits are 1; a round-robin arbiter moves one word per accepted
// cycle into a 16-deep output FIFO; a Galois LFSR seeded 0xace1 drains it
// when its bit 0 is 1; checksum = rotl1(checksum) ^ word and words++ per
// word leaving.
type benchModel struct {
	gens       []*mb.LFSR
	srcs       []*mb.FIFO[uint64]
	arb        *mb.Arbiter
	out        *mb.FIFO[uint64]
	drain      *mb.LFSR
	sum, words uint32
}

func newBenchModel(n int) *benchModel {
	taps, _ := gb.MaxLengthTaps(16)
	b := &benchModel{arb: mb.NewArbiter(n, false), out: mb.NewFIFO[uint64](16, 14),
		drain: mb.NewLFSR(16, taps, true, 0xace1)}
	for i := range n {
		b.gens = append(b.gens, mb.NewLFSR(16, taps, true, uint64(0x9e37*(i+1))&0xffff))
		b.srcs = append(b.srcs, mb.NewFIFO[uint64](8, 6))
	}
	return b
}

func (b *benchModel) clock(rst, run bool) {
	n := len(b.srcs)
	req := make([]bool, n)
	for i, s := range b.srcs {
		req[i] = s.Outputs().OutValid
	}
	accept := run && b.out.Outputs().InReady
	g, ok := b.arb.Grant(req)
	var moved uint64
	if ok {
		moved = b.srcs[g].Outputs().OutData
	}
	outReady := run && b.drain.State()&1 == 1
	head := b.out.Outputs()
	for i, s := range b.srcs {
		w := b.gens[i].State()
		s.Clock(rst, run && w>>15&1 == 1 && w>>14&1 == 1, w, accept && ok && g == i)
		b.gens[i].Clock(rst, run)
	}
	b.arb.Clock(rst, req, accept)
	b.out.Clock(rst, accept && ok, moved, outReady)
	b.drain.Clock(rst, run)
	switch {
	case rst:
		b.sum, b.words = 0, 0
	case outReady && head.OutValid:
		b.sum = mbits.RotateLeft32(b.sum, 1) ^ uint32(head.OutData)
		b.words++
	}
}

func benchBench(n int) bench {
	return bench{
		name:   fmt.Sprintf("bench n%d", n),
		module: func() (*hdl.Module, error) { return gb.BenchArbiterFIFOs(n) },
		// run is mostly 1, with idle stretches.
		stim: func(s *tb.Stimulus, r *rand.Rand) {
			s.SetColumn(s.Index("run"), func(int) uint64 { return b2u(r.IntN(10) != 0) })
		},
		check: func(s *tb.Stimulus, tr *tb.Trace, p string) Checker {
			m := newBenchModel(n)
			rst, run := s.Index("rst"), s.Index("run")
			sum, words := tr.Index(p+"checksum"), tr.Index(p+"words")
			return func(in, out tb.Row) error {
				if err := expect(out, sum, uint64(m.sum)); err != nil {
					return err
				}
				if err := expect(out, words, uint64(m.words)); err != nil {
					return err
				}
				m.clock(in.Bool(rst), in.Bool(run))
				return nil
			}
		},
		cover: func(t *testing.T, s *tb.Stimulus, tr *tb.Trace, p string) {
			// About 0.9 (run) * 0.5 (drain) of the cycles move a word
			// out; require a third.
			col, moved := tr.Index(p+"words"), 0
			for c := 1; c < tr.Len(); c++ {
				if tr.Get(c, col) == tr.Get(c-1, col)+1 {
					moved++
				}
			}
			if moved < tr.Len()/3 {
				t.Errorf("a word left in only %d of %d cycles: the design hardly moves", moved, tr.Len())
			}
		},
	}
}

// TestBenchModel checks the benchmark design against its composed model.
func TestBenchModel(t *testing.T) {
	for _, n := range []int{2, 3, 8} {
		b := benchBench(n)
		t.Run(b.name, func(t *testing.T) { runModel(t, b, modelCycles, 8) })
	}
}

// TestBenchEngines runs the reference benchmark design on all engines.
func TestBenchEngines(t *testing.T) {
	t.Parallel()
	runEngines(t, benchBench(8))
}

// BenchmarkGoSimBench measures the Go simulator on the reference benchmark
// design (8 requesters); cycles/s is reported as a metric.
func BenchmarkGoSimBench(b *testing.B) {
	m, err := gb.BenchArbiterFIFOs(8)
	if err != nil {
		b.Fatal(err)
	}
	s, err := sim.New(m)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Poke("run", 1); err != nil {
		b.Fatal(err)
	}
	const chunk = 1000
	b.ResetTimer()
	for b.Loop() {
		s.Step(chunk)
	}
	b.ReportMetric(float64(b.N)*chunk/b.Elapsed().Seconds(), "cycles/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e9/(float64(b.N)*chunk), "ns/cycle")
}

// benchEngine measures an external engine on the reference benchmark
// design: 100,000 cycles per run, the build (cached) done before timing.
// The figure includes writing the stimulus and reading the trace files,
// as every tb run pays them.
func benchEngine(b *testing.B, e tb.Engine, tool string) {
	tooltest.Require(b, tool)
	m, err := gb.BenchArbiterFIFOs(8)
	if err != nil {
		b.Fatal(err)
	}
	d, _, err := Design(m)
	if err != nil {
		b.Fatal(err)
	}
	const cycles = 100_000
	s, err := d.NewStimulus(cycles)
	if err != nil {
		b.Fatal(err)
	}
	s.SetColumn(s.Index("run"), func(c int) uint64 { return b2u(c >= 2) })
	s.SetColumn(s.Index("rst"), func(c int) uint64 { return b2u(c < 2) })
	if _, err := e.Run(context.Background(), d, s); err != nil { // build
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Run(context.Background(), d, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*cycles/b.Elapsed().Seconds(), "cycles/s")
}

func BenchmarkIcarusBench(b *testing.B) { benchEngine(b, tb.Icarus{}, "iverilog") }

func BenchmarkVerilatorBench(b *testing.B) {
	benchEngine(b, tb.Verilator{Optimize: true}, "verilator")
}
