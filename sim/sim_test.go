package sim_test

import (
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/hdl/hdltest"
	"github.com/pktnetwork/pktrouter/sim"
)

func mustSim(t *testing.T, m *hdl.Module) *sim.Sim {
	t.Helper()
	s, err := sim.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func poke(t *testing.T, s *sim.Sim, port string, v uint64) {
	t.Helper()
	if err := s.Poke(port, v); err != nil {
		t.Fatal(err)
	}
}

func peek(t *testing.T, s *sim.Sim, name string) uint64 {
	t.Helper()
	v, err := s.Peek(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCounter(t *testing.T) {
	s := mustSim(t, hdltest.Counter())
	if got := peek(t, s, "q"); got != 3 {
		t.Fatalf("power-on q = %d, want the initial value 3", got)
	}
	s.Step(5) // en = 0: holds
	if got := peek(t, s, "q"); got != 3 {
		t.Fatalf("q = %d after 5 disabled cycles, want 3", got)
	}
	poke(t, s, "en", 1)
	want := uint64(3)
	for i := 0; i < 20; i++ {
		if got, wrap := peek(t, s, "q"), peek(t, s, "wrap"); got != want || wrap != b2u(want == 15) {
			t.Fatalf("cycle %d: q=%d wrap=%d, want %d %d", i, got, wrap, want, b2u(want == 15))
		}
		s.Step(1)
		want = (want + 1) % 16
	}
	s.Reset()
	if got := peek(t, s, "q"); got != 3 {
		t.Fatalf("q = %d after Reset, want reset value 3", got)
	}
	if s.Cycle() != 26 {
		t.Errorf("Cycle() = %d, want 26", s.Cycle())
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
