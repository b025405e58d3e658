package shaper

import (
	"context"

	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	metertb "github.com/pktnetwork/pktrouter/testbenches/meter"
)

// SynthRef4 synthesizes one ref4 egress port's shaper (gen/shaper.Ref4)
// with Yosys synth_ice40 and, unless opt.SynthOnly, nextpnr-ice40 for an
// HX8K, and returns the figures.
func SynthRef4(ctx context.Context, opt metertb.SynthOptions) (metertb.Figures, error) {
	m, err := genshaper.New(genshaper.Ref4)
	if err != nil {
		return metertb.Figures{}, err
	}
	return metertb.SynthICE40(ctx, m, opt)
}
