package compiled_test

import (
	"context"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/sim/compiled"
)

func TestBenchDesign(t *testing.T) {
	m, err := blocks.BenchArbiterFIFOs(8)
	if err != nil {
		t.Fatal(err)
	}
	s, err := compiled.New(context.Background(), m, compiled.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Logf("build %v stmts %d locals %d", s.BuildTime, s.Program().Statements, s.Program().Locals)
	s.Poke("run", 0)
	s.Reset()
	s.Poke("run", 1)
	s.Step(10000)
	c, err := s.Peek("checksum")
	w, _ := s.Peek("words")
	t.Logf("%08x:%08x %v", c, w, err)
	d, err := s.Run(2000000)
	t.Logf("%v %.3g cycles/s", d, 2e6/d.Seconds())
}

func TestInterpBench(t *testing.T) {
	m, _ := blocks.BenchArbiterFIFOs(8)
	s, _ := sim.New(m)
	s.Poke("run", 0)
	s.Reset()
	s.Poke("run", 1)
	s.Step(10000)
	c, _ := s.Peek("checksum")
	w, _ := s.Peek("words")
	t.Logf("%08x:%08x", c, w)
}
