package shaper

import (
	"context"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	metertb "github.com/pktnetwork/pktrouter/testbenches/meter"
)

// DeviceRef4 is one egress port's shaper as gen/device instantiates it in
// the reference device ref4 (gendev.Ref4.ShaperPort: model/device.Ref4's
// shaper, 8 leases, 768 bytes of buffer, 256-byte frames, F = 16, m = 5;
// frames of at least 13 bytes, 10-bit tags, the address in the port's
// 1 KiB egress ring). It is what must fit the HX8K four times.
var DeviceRef4 = func() genshaper.Config {
	c, err := gendev.Ref4.ShaperPort()
	if err != nil {
		panic(err) // the reference configuration is valid (gen/device tests)
	}
	return c
}()

// SynthRef4 synthesizes one ref4 egress port's shaper (DeviceRef4) with
// Yosys synth_ice40 and, unless opt.SynthOnly, nextpnr-ice40 for an HX8K,
// and returns the figures. rateFracBits, when not 0, replaces DeviceRef4's
// RateFracBits (to measure a proposed format).
func SynthRef4(ctx context.Context, opt metertb.SynthOptions, rateFracBits uint) (metertb.Figures, error) {
	c := DeviceRef4
	if rateFracBits != 0 {
		c.RateFracBits = rateFracBits
	}
	m, err := genshaper.New(c)
	if err != nil {
		return metertb.Figures{}, err
	}
	return metertb.SynthICE40(ctx, m, opt)
}
