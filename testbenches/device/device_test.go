package device

import (
	"bytes"
	"sync"
	"testing"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/label"
)

var (
	coreOnce sync.Once
	coreD    *hdl.Design
	coreErr  error
)

// ref4Core is the ref4 core, built once for every test.
func ref4Core(t *testing.T) *hdl.Design {
	t.Helper()
	coreOnce.Do(func() {
		m, err := gendev.Core(gendev.Ref4)
		if err != nil {
			coreErr = err
			return
		}
		coreD, coreErr = m.Build()
	})
	if coreErr != nil {
		t.Fatal(coreErr)
	}
	return coreD
}

// ispA and ispB are two Cloud ISPs crossing the device from ports 0 and 1
// to port 2, each in its own virtual router.
var (
	ispA = ISP{Name: "A", InPort: 0, InTag: 1, OutPort: 2, OutTag: 1, VR: 1, Priority: 0xc000}
	ispB = ISP{Name: "B", InPort: 1, InTag: 1, OutPort: 2, OutTag: 2, VR: 2, Priority: 0xc000}
)

// both runs the same traffic through the hardware and the model and
// returns the frames each sent per port.
func both(t *testing.T, setup Setup, cycles uint64, mk func(Target) *Traffic) (hw, md *Traffic) {
	t.Helper()
	h, err := NewHWDesign(gendev.Ref4, ref4Core(t), setup)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(gendev.Ref4.Config, setup)
	if err != nil {
		t.Fatal(err)
	}
	hw, md = mk(h), mk(m)
	hw.Keep, md.Keep = true, true
	if err := hw.Run(cycles); err != nil {
		t.Fatal(err)
	}
	if err := md.Run(cycles); err != nil {
		t.Fatal(err)
	}
	return hw, md
}

// Light load: every frame the hardware sends is the model's, port by port
// and in order: forwarded frames, frames to self, and label errors.
func TestFramesMatchModel(t *testing.T) {
	cfg := gendev.Ref4.Config
	setup := Build(cfg, []ISP{ispA, ispB})
	hw, md := both(t, setup, 6000, func(tg Target) *Traffic { return mixed(t, tg) })
	for p := 0; p <= cfg.Ports; p++ {
		sameFrames(t, p, hw.Out[p], md.Out[p])
	}
	compareCounters(t, hw.T.(*HW), md.T.(*Model))
	if n := len(md.Out[2]); n < 20 {
		t.Fatalf("model sent only %d frames on port 2", n)
	}
	if n := len(md.Out[cfg.Ports]); n != 2 {
		t.Fatalf("model sent %d frames to the CPU, want 2", n)
	}
}

// sameFrames fails t unless port p sent the same frames, in the same
// order, on the hardware (hw) and in the model (md); it reports the first
// differing frame.
func sameFrames(t *testing.T, p int, hw, md []PortFrame) {
	t.Helper()
	if len(hw) != len(md) {
		t.Errorf("port %d: hardware sent %d frames, model %d", p, len(hw), len(md))
	}
	for i := 0; i < min(len(hw), len(md)); i++ {
		if !bytes.Equal(hw[i].Frame, md[i].Frame) {
			t.Errorf("port %d frame %d:\nhw    %x\nmodel %x", p, i, hw[i].Frame, md[i].Frame)
			return
		}
	}
}

// mixed is light traffic of every kind: two ISPs' flows, a malformed
// label (an absent interface), a frame to self and a runt.
func mixed(t *testing.T, tg Target) *Traffic {
	t.Helper()
	cfg := tg.Config()
	absent, err := Path(label.V358, cfg.Interface(3, 5))
	if err != nil {
		t.Fatal(err)
	}
	malformed := []byte{1}
	malformed = label.Header{Label: absent, Version: 1, TrafficClass: 0x8001}.AppendTo(malformed)
	malformed = append(malformed, make([]byte, 30)...)
	self := append([]byte{1}, label.Header{Label: 1, Version: 1, TrafficClass: 0x8002}.AppendTo(nil)...)
	self = append(self, 1, 2, 3, 4, 5)
	fa, _ := ispA.Flow(cfg, 1, 100, 0.2, false)
	fb, _ := ispB.Flow(cfg, 2, 61, 0.2, false)
	tr := NewTraffic(tg, fa, fb)
	tr.Send(0, malformed)
	tr.Send(1, self)
	tr.Send(3, []byte{0, 1, 2}) // runt
	return tr
}

// compareCounters holds the hardware's event counts to the model's
// counters, lease by lease and port by port.
func compareCounters(t *testing.T, h *HW, m *Model) {
	t.Helper()
	cfg := m.Config()
	for p := 0; p < cfg.Ports; p++ {
		for tg := 0; tg < cfg.Leases; tg++ {
			want := m.D.Counters(p, tg)
			got := h.Stats[p*cfg.Leases+tg]
			want.DropShift, got.DropShift = 0, 0
			if got != want {
				t.Errorf("lease %d/%d counters:\nhw    %+v\nmodel %+v", p, tg, got, want)
			}
		}
	}
	for p := 0; p <= cfg.Ports; p++ {
		want, got := m.D.PortCounters(p), h.PStats[p]
		want.InPackets = 0 // the hardware counts frames per lease, not per port
		if got != want {
			t.Errorf("port %d counters:\nhw    %+v\nmodel %+v", p, got, want)
		}
	}
}
