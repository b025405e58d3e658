package device

import (
	"testing"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
)

// TestTxStall runs the light mixed traffic of TestFramesMatchModel with
// the egress links taking a byte only in some cycles (tx_ready low 2
// cycles in 5 on port 2, the ISPs' egress, and 1 in 2 on the CPU port):
// the rings hold the frames until the link takes them, so every frame
// still leaves whole, in the model's order, with the model's counters.
func TestTxStall(t *testing.T) {
	cfg := gendev.Ref4.Config
	setup := Build(cfg, []ISP{ispA, ispB})
	stall := func(cycle uint64, port int) bool {
		switch port {
		case 2:
			return cycle%5 < 2
		case cfg.Ports:
			return cycle%2 == 0
		}
		return false
	}
	h, err := NewHWDesign(gendev.Ref4, ref4Core(t), setup, TxStall(stall))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(cfg, setup)
	if err != nil {
		t.Fatal(err)
	}
	hw, md := mixed(t, h), mixed(t, m)
	hw.Keep, md.Keep = true, true
	// 6000 cycles of traffic, then 3000 to drain the slower links.
	for _, tr := range []*Traffic{hw, md} {
		if err := tr.Run(6000); err != nil {
			t.Fatal(err)
		}
		for _, f := range tr.Flows {
			f.Rate = 0
		}
		if err := tr.Run(3000); err != nil {
			t.Fatal(err)
		}
	}
	stalled := 0
	for p := 0; p <= cfg.Ports; p++ {
		a := hw.Out[p]
		sameFrames(t, p, a, md.Out[p])
		if stall(0, p) || stall(1, p) {
			stalled += len(a)
		}
	}
	compareCounters(t, h, m)
	if h.Held < 1000 {
		t.Errorf("the links held off the device in only %d cycles", h.Held)
	}
	if stalled < 20 {
		t.Fatalf("only %d frames left the stalled ports", stalled)
	}
}
