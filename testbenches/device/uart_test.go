package device

import (
	"testing"

	"github.com/pktnetwork/pktrouter/firmware"
	"github.com/pktnetwork/pktrouter/firmware/regs"
	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/label"
	"github.com/pktnetwork/pktrouter/model/meter"
)

// The device top managed from Go as a board is: firmware's Serial transport
// and Driver over the simulated serial line configure the index table and
// the leases, traffic runs, and the 64-bit counters read back over the
// line match the golden model's for the same traffic, lease by lease; the
// meter readings of a lease that carried traffic read over the line equal
// the meter's registers inside the hardware.
func TestRegistersOverUART(t *testing.T) {
	cfg := gendev.Ref4
	mc := cfg.Config
	h, err := NewTop(cfg, uartbridge.Config{Divisor: uartbridge.MinDivisor})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTraffic(h)
	if err := tr.Run(400); err != nil { // the decoder fills its shadow RAM after reset
		t.Fatal(err)
	}
	drv := firmware.NewDriver(firmware.NewSerial(h.UART(), firmware.SerialOptions{}))
	// As an operator's daemon would: the shaper ignores guarantees its
	// buffer cannot reserve.
	if err := drv.CheckGuarantees(h.cfg.Shaper); err != nil {
		t.Fatal(err)
	}
	id, err := drv.Probe()
	if err != nil {
		t.Fatal(err)
	}
	if id.Ports != uint8(mc.Ports) {
		t.Fatalf("ident: %d ports", id.Ports)
	}
	setup := Build(mc, []ISP{ispA, ispB})
	for _, n := range sortedIfaces(setup.Interfaces) {
		e := setup.Interfaces[n]
		if err := drv.SetInterface(int(n), regs.Iface{Valid: e.Valid, Port: uint8(e.Port), Lease: uint8(e.Tag), Vrouter: uint8(e.VR)}); err != nil {
			t.Fatal(err)
		}
	}
	// Read one entry back: the shadow holds what was written.
	if got, err := drv.Interface(int(mc.Interface(ispA.InPort, ispA.InTag))); err != nil || !got.Valid || got.Vrouter != uint8(ispA.VR) {
		t.Fatalf("interface read back: %+v, %v", got, err)
	}

	m, err := NewModel(mc, setup)
	if err != nil {
		t.Fatal(err)
	}
	cross, _ := Path(label.V358, mc.Interface(ispB.OutPort, ispB.OutTag))
	for _, tg := range []Target{h, m} {
		tr := mixed(t, tg)
		vr := label.Header{Label: cross, Version: 1, TrafficClass: 0x8100}.AppendTo([]byte{byte(ispA.InTag)})
		tr.SendAt(ispA.InPort, 500, append(vr, make([]byte, 40)...))
		tr.SendAt(2, 700, append([]byte{7}, make([]byte, 20)...)) // tag 7 is not configured on port 2
		if err := tr.Run(4000); err != nil {
			t.Fatal(err)
		}
		for _, f := range tr.Flows {
			f.Rate = 0
		}
		if err := tr.Run(2000); err != nil {
			t.Fatal(err)
		}
		if !tr.Idle() {
			t.Fatalf("%T: traffic not drained", tg)
		}
	}
	for _, l := range [][2]int{{0, 1}, {1, 1}, {2, 1}, {2, 2}} {
		got, err := drv.Stats(l[0], l[1])
		if err != nil {
			t.Fatal(err)
		}
		want := m.D.Counters(l[0], l[1])
		if got.InPackets != want.InPackets || got.InBytes != want.InBytes || got.OutPackets != want.OutPackets ||
			got.OutBytes != want.OutBytes || got.DropRefused != want.DropRefused || got.DropOverflow != want.DropOverflow ||
			got.DropVrouter != want.DropVRouter {
			t.Errorf("lease %d/%d over the UART %+v, model %+v", l[0], l[1], got, want)
		}
		if l == [2]int{0, 1} && (got.InPackets < 5 || got.DropVrouter != 1) {
			t.Errorf("lease 0/1: %+v: want traffic and one virtual-router drop", got)
		}
	}
	for p := 0; p < mc.Ports; p++ {
		got, err := drv.PortStats(p)
		if err != nil {
			t.Fatal(err)
		}
		want := m.D.PortCounters(p)
		if got.DropUnknownTag != want.DropUnknownTag || got.LabelErrors != want.LabelErrors {
			t.Errorf("port %d over the UART %+v, model %+v", p, got, want)
		}
	}
	checkMeterOverUART(t, h, drv, ispA.InPort, ispA.InTag)
	if h.UART().FramingErrors != 0 {
		t.Errorf("%d framing errors", h.UART().FramingErrors)
	}
}

// checkMeterOverUART reads lease tag on port's meter over the serial line
// and compares it with the meter's state, read from its stat_mem block RAM
// (gen/meter: one {measured, ^factor} word per lease, written at the
// lease's tick) before and after the read. With the traffic stopped, the
// measured value only decays (at ticks), so the value read must lie
// between the two (equal them when no tick fell inside the read); the
// factor and its enable change only at ticks too. The lease carried
// traffic, so measured must not be 0 (it was 0 before the meter had a read
// port).
func checkMeterOverUART(t *testing.T, h *HW, drv *firmware.Driver, port, tag int) {
	t.Helper()
	li, err := firmware.LeaseIndex(port, tag)
	if err != nil {
		t.Fatal(err)
	}
	type regsNow struct {
		measured, factor, on uint64
	}
	const fb = meter.FactorFracBits
	peek := func() regsNow {
		w, err := h.Sim().ReadMem("u_core.u_meter.stat_mem", li)
		if err != nil {
			t.Fatal(err)
		}
		inv := w[0] & (1<<fb - 1) // the factor inverted, 0 when scaling is off
		r := regsNow{measured: w[0] >> fb}
		if inv != 0 {
			r.factor, r.on = ^inv&(1<<fb-1), 1
		}
		return r
	}
	before := peek()
	got, err := drv.Meter(port, tag)
	if err != nil {
		t.Fatal(err)
	}
	after := peek()
	m := uint64(got.Measured)
	if m == 0 || m > before.measured || m < after.measured {
		t.Errorf("lease %d/%d: measured %d over the UART, hardware register %d before the read and %d after", port, tag, m, before.measured, after.measured)
	}
	if before.factor == after.factor && before.on == after.on &&
		(uint64(got.Factor) != before.factor || b2u(got.Scaling) != before.on) {
		t.Errorf("lease %d/%d: factor %d scaling %v over the UART, hardware %d %d", port, tag, got.Factor, got.Scaling, before.factor, before.on)
	}
	t.Logf("lease %d/%d: measured %d over the UART (register %d..%d)", port, tag, m, after.measured, before.measured)
}
