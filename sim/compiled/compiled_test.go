package compiled_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/hdl/hdltest"
	"github.com/pktnetwork/pktrouter/sim"
	"github.com/pktnetwork/pktrouter/sim/compiled"
)

// TestCounter drives the hdltest counter through the protocol: pokes,
// peeks, reset as a port and as a pulse, power-on, the cycle count, the
// errors for bad names and values, and the build cache.
func TestCounter(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	s, err := compiled.New(ctx, hdltest.Counter(), compiled.Options{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Cached {
		t.Error("first build reported as cached")
	}
	peek := func(name string) uint64 {
		t.Helper()
		v, err := s.Peek(name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := peek("q"); got != 3 {
		t.Fatalf("power-on q = %d, want 3", got)
	}
	s.Poke("en", 1)
	s.Step(5)
	if got := peek("q"); got != 8 {
		t.Fatalf("q = %d after 5 enabled cycles, want 8", got)
	}
	s.Poke(sim.RstPort, 1)
	s.Step(2)
	if got := peek("q"); got != 3 {
		t.Fatalf("q = %d with rst held, want 3", got)
	}
	s.Poke(sim.RstPort, 0)
	s.Step(13)
	if q, wrap := peek("q"), peek("wrap"); q != 0 || wrap != 0 {
		t.Fatalf("q, wrap = %d, %d after wrapping, want 0, 0", q, wrap)
	}
	s.Reset()
	if got := peek("q"); got != 3 {
		t.Fatalf("q = %d after Reset, want 3", got)
	}
	if c, err := s.ProgramCycle(); err != nil || c != 21 || s.Cycle() != 21 {
		t.Fatalf("cycle count: program %d (%v), Cycle() %d; want 21", c, err, s.Cycle())
	}
	if d, err := s.Run(1000); err != nil || d <= 0 {
		t.Fatalf("Run(1000) = %v, %v", d, err)
	}
	s.PowerOn()
	if c, _ := s.ProgramCycle(); c != 0 || s.Cycle() != 0 || peek("q") != 3 {
		t.Fatalf("after PowerOn: cycle %d/%d q %d, want 0 3", c, s.Cycle(), peek("q"))
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"unknown port", s.Poke("nope", 1)},
		{"output", s.Poke("q", 1)},
		{"too wide", s.Poke("en", 2)},
		{"rst too wide", s.Poke(sim.RstPort, 2)},
	} {
		if tc.err == nil {
			t.Errorf("%s: Poke succeeded, want an error", tc.name)
		}
	}
	if _, err := s.Peek("nope"); err == nil {
		t.Error("Peek of an unknown signal succeeded")
	}
	if _, err := s.ReadMem("nope", 0); err == nil {
		t.Error("ReadMem of an unknown memory succeeded")
	}
	if got := peek("q"); got != 3 {
		t.Errorf("q = %d after rejected pokes, want 3 (nothing sent)", got)
	}
	s.Step(3)
	if err := s.Sync(); err != nil || s.Err() != nil {
		t.Errorf("Sync() = %v, Err() = %v after a clean session", err, s.Err())
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	again, err := compiled.New(ctx, hdltest.Counter(), compiled.Options{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !again.Cached {
		t.Error("second build of the same design was not cached")
	}
}

// TestGenerateDeterministic: equal designs give byte-identical source (the
// cache key).
func TestGenerateDeterministic(t *testing.T) {
	var src [][]byte
	for i := 0; i < 2; i++ {
		m, err := blocks.BenchArbiterFIFOs(8)
		if err != nil {
			t.Fatal(err)
		}
		d, err := m.Build()
		if err != nil {
			t.Fatal(err)
		}
		p, err := sim.GenerateGo(d)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, p.Source)
	}
	if !bytes.Equal(src[0], src[1]) {
		t.Fatal("GenerateGo gave different source for the same design")
	}
}

// BenchmarkBenchArbFIFO is the compiled tier on the `bench sim` design
// (timed inside the program; ns/op is per clock cycle).
func BenchmarkBenchArbFIFO(b *testing.B) {
	m, err := blocks.BenchArbiterFIFOs(8)
	if err != nil {
		b.Fatal(err)
	}
	s, err := compiled.New(context.Background(), m, compiled.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Poke("run", 0)
	s.Reset()
	s.Poke("run", 1)
	b.ResetTimer()
	d, err := s.Run(b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "ns/cycle")
	b.ReportMetric(float64(b.N)/d.Seconds(), "cycles/s")
}
