package device

import (
	"testing"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
)

// TestHeaderUnitRate measures how often the shared header unit takes a
// frame: 20-byte frames offered back to back on one port are taken at
// about one per 33 cycles (the unit's schedule and the transfer, one
// after the other for a frame; gen/device), not one per 20, with
// rx_ready low in between; frames of 64 bytes on the same port
// go at line rate. Nothing is lost either way.
func TestHeaderUnitRate(t *testing.T) {
	cfg := gendev.Ref4.Config
	setup := Build(cfg, []ISP{ispA})
	for _, tc := range []struct {
		bytes    int
		min, max float64 // cycles per frame taken
	}{
		{20, 28, 36},
		{64, 64, 66},
	} {
		h, err := NewHWDesign(gendev.Ref4, ref4Core(t), setup)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ispA.Flow(cfg, 1, tc.bytes, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		tr := NewTraffic(h)
		tr.Keep = true
		const frames = 60
		for i := 0; i < frames; i++ {
			tr.Send(ispA.InPort, f.frame())
		}
		n := uint64(0)
		for !tr.Idle() && n < 10000 {
			if err := tr.Run(1); err != nil {
				t.Fatal(err)
			}
			n++
		}
		per := float64(n) / frames
		t.Logf("%d-byte frames: one taken every %.1f cycles", tc.bytes, per)
		if per < tc.min || per > tc.max {
			t.Errorf("%d-byte frames: one every %.1f cycles, want %.0f..%.0f", tc.bytes, per, tc.min, tc.max)
		}
		// Nothing lost: every frame comes out once the rings drain.
		out := func() int {
			k := 0
			for _, fs := range tr.Out {
				k += len(fs)
			}
			return k
		}
		for i := 0; out() < frames && i < 20000; i++ {
			if err := tr.Run(1); err != nil {
				t.Fatal(err)
			}
		}
		if k := out(); k != frames {
			t.Errorf("%d-byte frames: %d of %d left the device", tc.bytes, k, frames)
		}
	}
}
