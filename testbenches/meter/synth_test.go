package meter

import (
	"context"
	"os"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	genmeter "github.com/pktnetwork/pktrouter/gen/meter"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

func ref4Modules(t *testing.T) []*hdl.Module {
	t.Helper()
	in, err := genmeter.NewIngress(Ref4Device)
	if err != nil {
		t.Fatal(err)
	}
	eg, err := genmeter.NewEgressCap(Ref4Device.Leases)
	if err != nil {
		t.Fatal(err)
	}
	return []*hdl.Module{in, eg}
}

// TestLintRef4AndTestConfigs lints the ref4 blocks and the small test
// configurations.
func TestLintRef4AndTestConfigs(t *testing.T) {
	mods := ref4Modules(t)
	for _, c := range configs {
		m, err := genmeter.NewIngress(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		mods = append(mods, m)
	}
	LintModules(t, mods...)
}

// TestSynthICE40Ref4 maps the ref4 blocks with yosys synth_ice40 (and
// check -assert) and checks the figures are sane; with PKTROUTER_PNR=1 it
// also places and routes them on an HX8K and logs logic cells and Fmax.
func TestSynthICE40Ref4(t *testing.T) {
	tooltest.Require(t, "yosys")
	opt := SynthOptions{SynthOnly: os.Getenv(PnREnv) == "", LogDir: os.Getenv(PnRLogEnv)}
	if !opt.SynthOnly {
		tooltest.Require(t, "nextpnr-ice40")
	}
	figs, err := SynthRef4(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		t.Log(f)
		if f.LUT4 == 0 || f.DFF == 0 {
			t.Errorf("%s: no LUTs or flip-flops counted: %+v", f.Top, f)
		}
		if !opt.SynthOnly && (f.LogicCells == 0 || f.FmaxMHz == 0) {
			t.Errorf("%s: place and route gave no figures: %+v", f.Top, f)
		}
	}
}
