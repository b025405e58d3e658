package tb

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// BenchmarkEngines measures one Run of 10,000 random cycles per engine and
// design, builds excluded (the first, untimed run fills the cache). For
// the Verilog engines a Run includes writing the stimulus file, starting
// the simulator process and parsing the trace.
//
//	go test -run XXX -bench Engines ./testbenches/tb
func BenchmarkEngines(b *testing.B) {
	engines := []Engine{Icarus{}, Verilator{}, Verilator{Optimize: true}}
	names := []string{"icarus", "verilator", "verilator-O3"}
	for _, dn := range []string{"counter", "adder", "ram"} {
		td := testDesigns[dn]
		s, err := td.design.NewStimulus(randomCycles)
		if err != nil {
			b.Fatal(err)
		}
		td.stim(&s, rand.New(rand.NewPCG(1, 1)))
		b.Run(dn+"/func", func(b *testing.B) {
			benchRun(b, Func{Label: "model", New: td.model}, td.design, s)
		})
		for i, e := range engines {
			b.Run(dn+"/"+names[i], func(b *testing.B) {
				tooltest.Require(b, map[string]string{"icarus": "iverilog"}[e.Name()]+map[string]string{"verilator": "verilator"}[e.Name()])
				if _, err := e.Run(context.Background(), td.design, s); err != nil {
					b.Fatal(err)
				}
				benchRun(b, e, td.design, s)
			})
		}
	}
}

func benchRun(b *testing.B, e Engine, d Design, s Stimulus) {
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Run(context.Background(), d, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.Len()), "ns/cycle")
}

// BenchmarkFormat measures writing and strictly parsing 10,000 cycles of
// the adder's stimulus (860 bits a line).
func BenchmarkFormat(b *testing.B) {
	d := testDesigns["adder"].design
	s, err := d.NewStimulus(randomCycles)
	if err != nil {
		b.Fatal(err)
	}
	s.Randomize(rand.New(rand.NewPCG(1, 1)))
	var buf bytes.Buffer
	s.WriteTo(&buf)
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		buf.Reset()
		s.WriteTo(&buf)
		if _, err := ParseStimulus(&buf, d.Inputs()); err != nil {
			b.Fatal(err)
		}
	}
}
