package shaper

import (
	"strings"
	"testing"
)

// TestLayoutRejects: each configuration the generator cannot build is
// reported with what was wrong.
func TestLayoutRejects(t *testing.T) {
	mod := func(f func(*Config)) Config { c := Ref4; f(&c); return c }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"ref4", Ref4, ""},
		{"wide datapath", mod(func(c *Config) { c.BytesPerCycle = 8; c.BufferBytes = 1 << 16 }), "BytesPerCycle = 8"},
		{"model rejects", mod(func(c *Config) { c.Leases = 0 }), "Leases = 0"},
		{"min packet 1", mod(func(c *Config) { c.MinPacketBytes = 1 }), "MinPacketBytes = 1"},
		{"min packet 2", mod(func(c *Config) { c.MinPacketBytes = 2 }), "MinPacketBytes = 2"},
		{"min above max", mod(func(c *Config) { c.MinPacketBytes = 2000 }), "MinPacketBytes = 2000"},
		{"no tag", mod(func(c *Config) { c.TagBits = 0 }), "TagBits = 0"},
		{"tag too wide", mod(func(c *Config) { c.TagBits = 65 }), "TagBits = 65"},
		{"leases not a power of two", mod(func(c *Config) { c.Leases = 6 }), "Leases = 6"},
		{"queue too deep", mod(func(c *Config) { c.BufferBytes = 1 << 29; c.MinPacketBytes = 3 }), "descriptors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(tt.cfg)
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

// TestRef4Layout: the descriptor queue covers a full buffer of minimum
// packets plus one maximum packet in flight, rounded up to a power of two.
func TestRef4Layout(t *testing.T) {
	l, err := Ref4.Layout()
	if err != nil {
		t.Fatal(err)
	}
	need := int((Ref4.BufferBytes + Ref4.MaxPacketBytes) / Ref4.MinPacketBytes)
	if l.QueueDepth < need || l.QueueDepth&(l.QueueDepth-1) != 0 || l.QueueDepth >= 4*need {
		t.Fatalf("queue depth %d for %d packets", l.QueueDepth, need)
	}
	if l.ExcessReset != uint64(Ref4.BufferBytes)-1 {
		t.Fatalf("excess limit after reset %d", l.ExcessReset)
	}
}
