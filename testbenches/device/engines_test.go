package device

import (
	"context"
	"testing"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// TestEngines replays a mixed run (two ISPs, frames to self, a malformed
// label, a runt, configuration writes) recorded from the Go simulator on
// Verilator, and requires identical per-cycle output traces:
// frames out, ready, and every event strobe.
func TestEngines(t *testing.T) {
	for _, tool := range []string{"verilator"} {
		tooltest.Require(t, tool)
	}
	m, err := gendev.Core(gendev.Ref4)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gosim.New(m)
	if err != nil {
		t.Fatal(err)
	}
	cfg := gendev.Ref4.Config
	st, err := b.Design.NewStimulus(0)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHWDesign(gendev.Ref4, b.Built, Build(cfg, []ISP{ispA, ispB}), Recording(b.Design.Inputs(), &st))
	if err != nil {
		t.Fatal(err)
	}
	tr := mixed(t, h)
	tr.Keep = true
	for _, f := range tr.Flows {
		f.Rate = 0.5
	}
	if err := tr.Run(1500); err != nil {
		t.Fatal(err)
	}
	if n := len(tr.Out[2]) + len(tr.Out[cfg.Ports]); n < 8 {
		t.Fatalf("only %d frames left the device: the replay would prove little", n)
	}
	if _, err := tb.RunAll(context.Background(), b.Design, st, b.Engine(), tb.Verilator{}); err != nil {
		t.Fatal(err)
	}
}
