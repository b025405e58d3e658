package meter

import (
	"strings"
	"testing"

	model "github.com/pktnetwork/pktrouter/model/meter"
)

// TestNewIngressRejects checks every configuration the generator refuses
// is reported with the reason, never a panic.
func TestNewIngressRejects(t *testing.T) {
	ok := Ref4
	mod := func(f func(*model.Config)) model.Config { c := ok; f(&c); return c }
	tests := []struct {
		name string
		cfg  model.Config
		want string
	}{
		{"ref4", ok, ""},
		{"model rejects K", mod(func(c *model.Config) { c.K = 0 }), "K = 0"},
		{"model rejects leases", mod(func(c *model.Config) { c.Leases = 0 }), "Leases = 0"},
		{"tick shorter than a divider pass", mod(func(c *model.Config) { c.TickCycles = 100 }), "shorter than one divider pass"},
		{"tick one cycle short", mod(func(c *model.Config) { c.TickCycles = model.TickStagger*8 - 1 }), "shorter than one divider pass"},
		{"shortest tick", mod(func(c *model.Config) { c.TickCycles = model.TickStagger * 8 }), ""},
		{"widest acc: two words", mod(func(c *model.Config) { c.K = model.MaxK }), ""},
		{"one lease", mod(func(c *model.Config) { c.Leases = 1 }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewIngress(tt.cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := m.Build(); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestNewEgressCapRejects(t *testing.T) {
	for _, n := range []int{0, -1, model.MaxLeases + 1} {
		if _, err := NewEgressCap(n); err == nil || !strings.Contains(err.Error(), "egress leases") {
			t.Errorf("%d leases: got %v", n, err)
		}
	}
	for _, n := range []int{1, 2, 8, 33} {
		m, err := NewEgressCap(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Build(); err != nil {
			t.Fatalf("%d leases: %v", n, err)
		}
	}
}

// TestModuleNamesCarryParameters: two configurations never collide in one
// Verilog file.
func TestModuleNamesCarryParameters(t *testing.T) {
	a, _ := NewIngress(Ref4)
	c := Ref4
	c.K = 4
	b, _ := NewIngress(c)
	if a == nil || b == nil || a.Name() == b.Name() {
		t.Fatalf("names %v and %v", a, b)
	}
}
