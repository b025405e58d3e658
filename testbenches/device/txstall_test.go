package device

import (
	"math/bits"
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

// The egress ring is declared MemNoRWCheck (gen/device egress.go): the
// transmitter's read and the switch's write never meet on one word, so
// Yosys builds no read-first bypass. The simulators do not check that
// declaration, so this test does: port 2's link holds off the device a
// third of the time while A's 21-byte and B's 255-byte frames crowd into
// its ring (so it fills to its room limit), and in
// every cycle a ring write and a ring read must address different words;
// then the link runs free and the overload makes the shaper drop.
func TestEgressRingReadsNeverMeetWrites(t *testing.T) {
	cfg := gendev.Ref4.Config
	// B at a low priority: its excess threshold sits well below the
	// ring's room limit, so the shaper drops some of its frames.
	a, b := ispA, ispB
	b.Priority = 0x0040
	setup := Build(cfg, []ISP{a, b})
	// The first half stalls the link, so the ring fills to its room
	// limit; the second does not, so the shaper's backlog follows the ring
	// and its thresholds drop frames (a dropped frame is un-written).
	stall := func(cycle uint64, port int) bool { return port == 2 && cycle < 20_000 && cycle%3 == 0 }
	h, err := NewHWDesign(gendev.Ref4, ref4Core(t), setup, TxStall(stall))
	if err != nil {
		t.Fatal(err)
	}
	fa, err := a.Flow(cfg, 1, 21, 0.9, false)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := b.Flow(cfg, 2, 255, 0.9, false)
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTraffic(h, fa, fb)
	ringWords := uint64(1) << bits.Len32(cfg.Shaper.BufferBytes+cfg.MaxPacketBytes()-1) / 2
	peek := func(n string) uint64 {
		v, err := h.s.Peek("u_eg2." + n)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	minFree := ringWords
	for c := 0; c < 40_000; c++ {
		// The ring's ports in this cycle: the write (the length word at
		// the grant, then the frame's words) at wp, the read at rp.
		wp, rp := peek("wp"), peek("rp")
		write := peek("first") == 1 || (peek("busy") == 1 && peek("in_valid") == 1)
		if write && peek("ren") == 1 && wp%ringWords == rp%ringWords {
			t.Fatalf("cycle %d: the ring writes and reads word %d together", h.Cycle(), wp%ringWords)
		}
		if used := (wp - rp) % (2 * ringWords); ringWords-used < minFree {
			minFree = ringWords - used
		}
		if err := tr.Run(1); err != nil {
			t.Fatal(err)
		}
	}
	// The ring must have come close to full, where a collision could be.
	if maxFrame := uint64(cfg.MaxPacketBytes())/2 + 1; minFree > maxFrame {
		t.Errorf("the ring never filled: at least %d words free, a maximum frame is %d", minFree, maxFrame)
	}
	t.Logf("ring: at least %d of %d words free; B refused %d times", minFree, ringWords, h.Stats[cfg.Leases*b.OutPort+b.OutTag].DropRefused)
	if h.Stats[cfg.Leases*b.OutPort+b.OutTag].DropRefused == 0 {
		t.Error("the shaper dropped nothing: the un-write of a dropped frame was not exercised")
	}
}
