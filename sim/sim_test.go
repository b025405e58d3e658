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

// TestRstPoke drives the implicit reset as a port: held high it keeps the
// register at its reset value for as many edges as it stays high, and
// Peek shows it; Reset still pulses it for one cycle and releases it.
func TestRstPoke(t *testing.T) {
	s := mustSim(t, hdltest.Counter())
	poke(t, s, "en", 1)
	s.Step(4) // 3 -> 7
	poke(t, s, sim.RstPort, 1)
	if got := peek(t, s, sim.RstPort); got != 1 {
		t.Fatalf("Peek(rst) = %d after Poke(rst, 1)", got)
	}
	for i := 0; i < 3; i++ {
		s.Step(1)
		if got := peek(t, s, "q"); got != 3 {
			t.Fatalf("edge %d with rst held: q = %d, want reset value 3", i, got)
		}
	}
	poke(t, s, sim.RstPort, 0)
	s.Step(2)
	if got := peek(t, s, "q"); got != 5 {
		t.Fatalf("q = %d two edges after releasing rst, want 5", got)
	}
	s.Reset()
	if got, r := peek(t, s, "q"), peek(t, s, sim.RstPort); got != 3 || r != 0 {
		t.Fatalf("after Reset: q = %d rst = %d, want 3 0", got, r)
	}
	if err := s.Poke(sim.RstPort, 2); err == nil {
		t.Error("Poke(rst, 2) succeeded, want a width error")
	}
	if w, err := s.Width(sim.RstPort); err != nil || w != 1 {
		t.Errorf("Width(rst) = %d, %v; want 1", w, err)
	}
}
