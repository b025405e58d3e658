package shaper

import (
	"context"
	"os"
	"strconv"
	"testing"

	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	metertb "github.com/pktnetwork/pktrouter/testbenches/meter"
)

// TestLint holds the test shaper (buckets in lease rings) and a port with
// bucket slots (a buffer with room for two guarantees on eight leases, as
// ref4 has room for one) to verilator --lint-only -Wall, iverilog -g2005
// -Wall and yosys. (The ref4 shaper differs only in sizes; Yosys' generic
// synth of its descriptor memory in flip-flops is slow, so it is checked by
// TestSynthICE40Ref4's synth_ice40 + check -assert instead.)
func TestLint(t *testing.T) {
	small, err := genshaper.New(testConfig)
	if err != nil {
		t.Fatal(err)
	}
	slots, err := genshaper.New(slotsConfig)
	if err != nil {
		t.Fatal(err)
	}
	metertb.LintModules(t, small, slots)
}

// RateFracBitsEnv, set to a number, makes TestSynthICE40Ref4 measure the
// port with that many fractional rate bits instead of DeviceRef4's.
const RateFracBitsEnv = "PKTROUTER_SHAPER_F"

// TestSynthICE40Ref4 maps the ref4 shaper with yosys synth_ice40: the
// descriptor queue must land in block RAM. With PKTROUTER_PNR=1 it also
// places and routes it on an HX8K and logs logic cells and Fmax.
func TestSynthICE40Ref4(t *testing.T) {
	tooltest.Require(t, "yosys")
	opt := metertb.SynthOptions{SynthOnly: os.Getenv(metertb.PnREnv) == "", LogDir: os.Getenv(metertb.PnRLogEnv)}
	if !opt.SynthOnly {
		tooltest.Require(t, "nextpnr-ice40")
	}
	var frac uint
	if v := os.Getenv(RateFracBitsEnv); v != "" {
		n, err := strconv.ParseUint(v, 10, 8)
		if err != nil {
			t.Fatalf("%s=%q: %v", RateFracBitsEnv, v, err)
		}
		frac = uint(n)
	}
	f, err := SynthRef4(context.Background(), opt, frac)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f)
	if f.RAM == 0 {
		t.Errorf("descriptor queue not in block RAM: %+v", f)
	}
	if !opt.SynthOnly && (f.LogicCells == 0 || f.FmaxMHz == 0) {
		t.Errorf("place and route gave no figures: %+v", f)
	}
}
