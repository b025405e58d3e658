package device

import (
	"bytes"
	"math/rand"
	"testing"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/label"
	model "github.com/pktnetwork/pktrouter/model/device"
	"github.com/pktnetwork/pktrouter/model/shaper"
)

// TestRandomFrames sends frames of random length (15 .. MaxPacketBytes)
// from every port, the CPU port included, to random places: lease 1 of
// any port (its own port too), self, and an absent interface (a
// label error to the CPU port), with the links taking a byte in only
// three cycles of four at random. Counter for counter the hardware equals
// the model, and so do the frames each port sent from each source, in
// order. Across sources the order may differ: frames from several ports
// waiting for one busy egress port leave in the switch's round-robin
// order, the model's in arrival order (a timing decision, like the
// crossbar's before it); the CPU port, sending straight from the slots at
// the link's pace, is where they wait longest.
func TestRandomFrames(t *testing.T) {
	cfg := gendev.Ref4.Config
	setup := Build(cfg, nil)
	// Lease 1 of every port, in virtual router 0 with the free leases,
	// guaranteed 9/10 of its link: the shaper's decisions then do not depend
	// on when a frame reaches it (the hardware's is later than the
	// model's), and none is dropped.
	rate, err := cfg.Shaper.RateFromFraction(9, 10)
	if err != nil {
		t.Fatal(err)
	}
	for p := 0; p < cfg.Ports; p++ {
		setup.Interfaces[cfg.Interface(p, 1)] = model.Entry{Valid: true, Port: uint32(p), Tag: 1}
		setup.Leases[[2]int{p, 1}] = model.LeaseConfig{Shaper: shaper.LeaseConfig{Rate: rate, Burst: 448}}
	}
	rng := rand.New(rand.NewSource(4))
	absent, err := Path(label.V358, cfg.Interface(3, 5))
	if err != nil {
		t.Fatal(err)
	}
	type sent struct {
		port int
		at   uint64
		b    []byte
	}
	var frames []sent
	const spacing, perPort = 1200, 24
	for p := 0; p <= cfg.Ports; p++ {
		for j := 0; j < perPort; j++ {
			var l uint64
			switch r := rng.Intn(10); {
			case r < 7:
				l, err = Path(label.V358, cfg.Interface(rng.Intn(cfg.Ports), 1))
				if err != nil {
					t.Fatal(err)
				}
			case r < 9:
				l = 1 // self
			default:
				l = absent
			}
			b := label.Header{Label: l, Version: 1, TrafficClass: uint16(rng.Intn(1 << 16))}.AppendTo([]byte{1})
			b = append(b, byte(p), byte(j)) // source and sequence, for the sink
			n := len(b) + rng.Intn(int(cfg.MaxPacketBytes())-len(b)+1)
			for len(b) < n {
				b = append(b, byte(rng.Intn(256)))
			}
			frames = append(frames, sent{p, uint64(j*spacing + rng.Intn(spacing)), b[:n]})
		}
	}
	stalls := rand.New(rand.NewSource(5))
	h, err := NewHWDesign(gendev.Ref4, ref4Core(t), setup, TxStall(func(uint64, int) bool { return stalls.Intn(4) == 0 }))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(cfg, setup)
	if err != nil {
		t.Fatal(err)
	}
	var trs []*Traffic
	for _, tg := range []Target{h, m} {
		tr := NewTraffic(tg)
		tr.Keep = true
		for _, f := range frames {
			tr.SendAt(f.port, f.at, f.b)
		}
		if err := tr.Run(perPort*spacing + 4000); err != nil {
			t.Fatal(err)
		}
		trs = append(trs, tr)
	}
	total := 0
	for p := 0; p <= cfg.Ports; p++ {
		// A frame's source is its byte 13, or 14 on the CPU port (the
		// reason byte goes in front).
		at := 13
		if p == cfg.Ports {
			at = 14
		}
		bySource := func(out []PortFrame) map[byte][][]byte {
			m := map[byte][][]byte{}
			for _, f := range out {
				m[f.Frame[at]] = append(m[f.Frame[at]], f.Frame)
			}
			return m
		}
		a, b := bySource(trs[0].Out[p]), bySource(trs[1].Out[p])
		total += len(trs[1].Out[p])
		if len(trs[0].Out[p]) != len(trs[1].Out[p]) {
			t.Errorf("port %d: hardware sent %d frames, model %d", p, len(trs[0].Out[p]), len(trs[1].Out[p]))
		}
		for src, fa := range a {
			if _, ok := b[src]; !ok {
				for _, f := range fa {
					t.Errorf("port %d: the hardware sent a frame from %d, the model none: %x", p, src, f)
					for _, o := range trs[0].Out[p] {
						if bytes.Equal(o.Frame, f) {
							t.Logf("at cycle %d, %d bytes", o.Cycle, len(f))
						}
					}
				}
			}
		}
		for src, fb := range b {
			fa := a[src]
			for i := 0; i < min(len(fa), len(fb)); i++ {
				if !bytes.Equal(fa[i], fb[i]) {
					t.Errorf("port %d, from %d, frame %d:\nhw    %x\nmodel %x", p, src, i, fa[i], fb[i])
					break
				}
			}
		}
	}
	compareCounters(t, h, m)
	if total < len(frames)*9/10 {
		t.Errorf("the model sent %d of %d frames", total, len(frames))
	}
	for p := 0; p < cfg.Ports; p++ {
		if c := m.D.Counters(p, 1); c.DropRefused+c.DropOverflow > 0 {
			t.Errorf("the model dropped frames on port %d: %+v", p, c)
		}
	}
	if h.Held == 0 {
		t.Error("the links never held the device off")
	}
}
