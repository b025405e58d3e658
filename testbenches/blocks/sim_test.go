package blocks

import (
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/sim"
)

// newSim builds a module and starts the Go simulator on it.
func newSim(t *testing.T, mk func() (*hdl.Module, error)) (*sim.Sim, *hdl.Module) {
	t.Helper()
	m, err := mk()
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return s, m
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
