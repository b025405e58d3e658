package device

import (
	"strings"
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

// TestValidateRejects: each configuration the datapath cannot build is an
// error naming what is wrong, before any hardware is generated.
func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		frag string
	}{
		{"one port", func(c *Config) { c.Ports, c.Meter.Leases = 1, c.Leases }, "1 ports"},
		{"three leases", func(c *Config) { c.Leases, c.Shaper.Leases, c.Meter.Leases = 3, 3, 3*c.Ports }, "3 leases"},
		{"wide datapath", func(c *Config) { c.Meter.BytesPerCycle, c.Shaper.BytesPerCycle = 8, 8 }, "bytes per cycle"},
		{"VR bits", func(c *Config) { c.VRBits = 0 }, "VRBits 0"},
	} {
		c := Ref4
		tc.edit(&c)
		_, err := Core(c)
		if err == nil || !strings.Contains(err.Error(), tc.frag) {
			t.Errorf("%s: Core error %v, want one containing %q", tc.name, err, tc.frag)
		}
	}
	for _, ports := range []int{2, 3} {
		c := Ref4
		c.Ports, c.Meter.Leases = ports, ports*c.Leases
		if _, err := New(c, uartbridge.Config{Divisor: 8}); err != nil {
			t.Errorf("%d ports: %v", ports, err)
		}
	}
}
