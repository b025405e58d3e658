package meter

import "testing"

// BenchmarkIngress measures the model's speed: eight leases, all limited,
// 800-byte packets at line rate.
func BenchmarkIngress(b *testing.B) {
	cfg := refConfig()
	lcs := make([]LeaseConfig, cfg.Leases)
	for i := range lcs {
		lcs[i] = LeaseConfig{Limited: true, Limit: 1_000_000}
	}
	m, err := New(cfg, lcs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Ingress(uint64(i)*100, i%cfg.Leases, CustomerBit|uint16(i&0x7fff), 800); err != nil {
			b.Fatal(err)
		}
	}
}
