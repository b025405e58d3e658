package csr

import (
	"fmt"

	genmeter "github.com/pktnetwork/pktrouter/gen/meter"
	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	meter "github.com/pktnetwork/pktrouter/model/meter"
	shaper "github.com/pktnetwork/pktrouter/model/shaper"
)

// FromModels sizes a register map for ports ports and the lease count,
// rate, burst and limit widths of the meter and shaper configurations, so
// the CSR fields are exactly as wide as the datapath registers they feed.
func FromModels(ports int, mc meter.Config, sc shaper.Config) (Config, error) {
	if mc.Leases != sc.Leases {
		return Config{}, fmt.Errorf("gen/csr: meter has %d leases per port, shaper %d", mc.Leases, sc.Leases)
	}
	mf, err := mc.Format()
	if err != nil {
		return Config{}, fmt.Errorf("gen/csr: meter: %w", err)
	}
	sf, err := sc.Format()
	if err != nil {
		return Config{}, fmt.Errorf("gen/csr: shaper: %w", err)
	}
	return Config{
		Ports: ports, Leases: mc.Leases,
		RateBits: int(sf.RateBits), BurstBits: int(sf.BacklogBits), LimitBits: int(mf.SampleBits),
		DefaultK: uint64(mc.K), VRouterBits: bitlen(ports*mc.Leases + 1),
	}, nil
}

// Ref4 is the register map of the reference device: 4 ports, 8 leases per
// port, 33 interfaces.
func Ref4() (*Map, error) { return Reference(4, 8) }

// Reference is the register map of a device with ports ports and leases
// leases per port and the ref4 datapath formats otherwise (clock, tick,
// line rate, buffer): what the generator registry builds.
func Reference(ports, leases int) (*Map, error) {
	mc, sc := genmeter.Ref4, genshaper.Ref4.Config
	mc.Leases, sc.Leases = leases, leases
	c, err := FromModels(ports, mc, sc)
	if err != nil {
		return nil, err
	}
	return New(c)
}
