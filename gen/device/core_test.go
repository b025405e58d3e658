package device

import (
	"testing"

	"github.com/pktnetwork/pktrouter/gen/uartbridge"
)

func TestCoreBuilds(t *testing.T) {
	m, err := Core(Ref4)
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cells %d", len(d.Flat.Cells))
}

func TestTopBuilds(t *testing.T) {
	m, err := New(Ref4, uartbridge.Config{Divisor: 8})
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cells %d", len(d.Flat.Cells))
}

func TestRef16Builds(t *testing.T) {
	m, err := New(Ref16, uartbridge.Config{Divisor: 1085})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Build(); err != nil {
		t.Fatal(err)
	}
}
