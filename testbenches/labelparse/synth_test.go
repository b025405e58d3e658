package labelparse

import (
	"context"
	"os"
	"testing"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// TestSynthICE40 synthesizes ref4's label parser (v358, 33 interfaces) for
// the iCE40 HX8K: Yosys (the table must map to block RAM), then nextpnr
// (about 6 s here, so it runs by default): the design must fit and meet
// 125 MHz. PKTROUTER_PNR=0 stops after Yosys. SYNTH.md records the
// figures.
func TestSynthICE40(t *testing.T) {
	tooltest.Require(t, "yosys")
	opt := SynthOptions{SynthOnly: os.Getenv(PnREnv) == "0", KeepDir: os.Getenv("PKTROUTER_SYNTH_KEEP")}
	if !opt.SynthOnly {
		tooltest.Require(t, "nextpnr-ice40")
	}
	fig, err := SynthICE40(context.Background(), lp.Ref4, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(fig)
	for _, c := range fig.Commands {
		t.Log(c)
	}
	if fig.Core.RAM == 0 || fig.RAM != fig.Core.RAM {
		t.Errorf("index table not in block RAM: %d SB_RAM40_4K (%d with the harness)", fig.Core.RAM, fig.RAM)
	}
	// At least the five pipeline registers of the 96-bit header.
	if fig.Core.LUT4 == 0 || fig.Core.DFF < 5*96 {
		t.Errorf("implausible cell counts: %v", fig)
	}
	if opt.SynthOnly {
		return
	}
	if fig.LogicCells > fig.Available {
		t.Errorf("does not fit: %d of %d logic cells", fig.LogicCells, fig.Available)
	}
	if !fig.Met() {
		t.Errorf("Fmax %.1f MHz below the %.0f MHz target", fig.FmaxMHz, fig.TargetMHz)
	}
}
