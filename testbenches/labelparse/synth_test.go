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

// Held-input budgets at the device's parameters (deviceHeld): the issue
// #7 goal for the label parser inside the device.
const (
	heldMaxDFF  = 150
	heldMaxLUT4 = 360
	heldMaxRAM  = 1
)

// deviceHeld is the label parser the device instantiates when it builds
// it for its held header (v358, 33 interfaces, 3-bit ports and tags,
// 6-bit virtual routers).
var deviceHeld = lp.Config{Scheme: lp.Ref4.Scheme, Interfaces: 33, PortBits: 3, TagBits: 3, VRBits: 6, HeldInput: true}

// TestSynthICE40Held synthesizes the held-input block at the device's
// parameters with Yosys (the device runs at 12 MHz: place and route, for
// the record only, with PKTROUTER_PNR=1) and holds it to its budget:
// at most heldMaxDFF flip-flops, heldMaxLUT4 LUT4s and heldMaxRAM block
// RAMs. SYNTH.md records the figures.
func TestSynthICE40Held(t *testing.T) {
	tooltest.Require(t, "yosys")
	opt := SynthOptions{SynthOnly: os.Getenv(PnREnv) != "1", KeepDir: os.Getenv("PKTROUTER_SYNTH_KEEP"), TargetMHz: 12}
	if !opt.SynthOnly {
		tooltest.Require(t, "nextpnr-ice40")
	}
	fig, err := SynthICE40(context.Background(), deviceHeld, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(fig)
	for _, c := range fig.Commands {
		t.Log(c)
	}
	if fig.Core.RAM == 0 || fig.Core.RAM > heldMaxRAM {
		t.Errorf("%d block RAMs, want 1..%d", fig.Core.RAM, heldMaxRAM)
	}
	if fig.Core.DFF > heldMaxDFF || fig.Core.LUT4 > heldMaxLUT4 {
		t.Errorf("%d flip-flops and %d LUT4, budget %d and %d", fig.Core.DFF, fig.Core.LUT4, heldMaxDFF, heldMaxLUT4)
	}
	if fig.Core.LUT4 == 0 || fig.Core.DFF < lp.Latency {
		t.Errorf("implausible cell counts: %v", fig)
	}
	if !opt.SynthOnly {
		if fig.LogicCells > fig.Available {
			t.Errorf("does not fit: %d of %d logic cells", fig.LogicCells, fig.Available)
		}
		if !fig.Met() {
			t.Errorf("Fmax %.1f MHz below the %.0f MHz target", fig.FmaxMHz, fig.TargetMHz)
		}
	}
}
