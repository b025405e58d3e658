package firmware_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pktnetwork/pktrouter/firmware"
	"github.com/pktnetwork/pktrouter/firmware/proto"
	"github.com/pktnetwork/pktrouter/firmware/regs"
	"github.com/pktnetwork/pktrouter/firmware/simline"
	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// board is a simulated ref4 board on a bit-level UART line, with the
// firmware's Serial transport and Driver on top.
func board(t *testing.T) (*simline.Wire, *firmware.Serial, *firmware.Driver) {
	t.Helper()
	m, err := csr.Ref4()
	if err != nil {
		t.Fatal(err)
	}
	w, err := simline.New(uartbridge.Config{Divisor: uartbridge.DefaultDivisor}, m)
	if err != nil {
		t.Fatal(err)
	}
	s := firmware.NewSerial(w, firmware.SerialOptions{})
	return w, s, firmware.NewDriver(s)
}

// exchange sends raw bytes on the wire and returns the body of the
// response frame that follows (nil when none comes in the read timeout).
func exchange(t *testing.T, w *simline.Wire, raw []byte) []byte {
	t.Helper()
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	d := proto.NewResponseDecoder()
	buf := make([]byte, 16)
	for {
		n, err := w.Read(buf)
		for _, b := range buf[:n] {
			switch d.Push(b) {
			case proto.Frame:
				return bytes.Clone(d.Body())
			case proto.CRCError:
				t.Fatalf("response with a bad CRC: % x", d.Body())
			}
		}
		if err != nil {
			return nil
		}
	}
}

func TestRegistersThroughUART(t *testing.T) {
	w, s, d := board(t)
	id, err := d.Probe()
	if err != nil {
		t.Fatal(err)
	}
	if id.Interfaces != regs.Interfaces || id.Ports != regs.Ports {
		t.Fatalf("ident %+v", id)
	}

	scratch, _ := regs.IdentAddr(0, regs.IdentScratchWord)
	for _, v := range []uint32{0xdeadbeef, 0, 0xffffffff, 0x00a5005a} {
		if err := s.WriteReg(scratch, v); err != nil {
			t.Fatal(err)
		}
		got, err := s.ReadReg(scratch)
		if err != nil || got != v {
			t.Fatalf("scratch = %#x, %v after writing %#x", got, err, v)
		}
	}

	lease := regs.Lease{Rate: 0x0123456, Burst: 4000, DefaultPrio: 300, Limit: 0x3000000, Limited: true, K: 10, Deprio: true, DeprioCap: 17}
	if err := d.SetLease(2, 5, lease); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Lease(2, 5); err != nil || got != lease {
		t.Fatalf("lease (2,5) = %+v, %v; want %+v", got, err, lease)
	}
	// The datapath saw the whole element on the CSR block's write-through
	// ports; they hold the last element written.
	i := 2*regs.Leases + 5
	for port, want := range map[string]uint64{"lease_widx": uint64(i), "lease_rate": uint64(lease.Rate), "lease_limit": uint64(lease.Limit), "lease_deprio_cap": uint64(lease.DeprioCap)} {
		if got, err := w.Sim().Peek(port); err != nil || got != want {
			t.Fatalf("%s = %#x, %v; want %#x", port, got, err, want)
		}
	}
	if err := d.SetLease(1, 0, regs.Lease{Rate: 1}); err == nil {
		t.Fatal("the free lease accepted a rate")
	}

	e := regs.Iface{Valid: true, Port: 3, Lease: 7, Vrouter: 9}
	if err := d.SetInterface(17, e); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Interface(17); err != nil || got != e {
		t.Fatalf("interface 17 = %+v, %v; want %+v", got, err, e)
	}

	// Counters: the datapath reports events; the driver reads 64-bit sums.
	m, _ := csr.Ref4()
	sel, inc, err := m.Event("stats", "drop_refused")
	if err != nil || inc != 0 {
		t.Fatal(err, inc)
	}
	for n := 0; n < 3; n++ {
		for p, v := range map[string]uint64{"ev1_valid": 1, "ev1_sel": uint64(sel), "ev1_elem": uint64(i), "ev1_inc0": 1, "ev1_inc1": 0} {
			if err := w.Sim().Poke(p, v); err != nil {
				t.Fatal(err)
			}
		}
		for r, _ := w.Sim().Peek("ev1_ready"); r != 1; r, _ = w.Sim().Peek("ev1_ready") {
			w.Sim().Step(1) // valid/ready: held until the decoder takes it
		}
		w.Sim().Step(1)
		w.Sim().Poke("ev1_valid", 0)
		w.Sim().Step(20)
	}
	st, err := d.Stats(2, 5)
	if err != nil || st.DropRefused != 3 || st.InPackets != 0 {
		t.Fatalf("stats (2,5) = %+v, %v; want drop_refused 3", st, err)
	}

	// Refusals come back as status errors, without retries.
	before := s.Stats.Attempts
	for _, tc := range []struct {
		name string
		do   func() error
		want proto.Status
	}{
		{"write a counter", func() error { return s.WriteReg(regs.StatsBase, 1) }, proto.BusError},
		{"read unmapped", func() error { _, err := s.ReadReg(0xfff0); return err }, proto.BusError},
	} {
		var se *firmware.StatusError
		if err := tc.do(); !errors.As(err, &se) || se.Status != tc.want {
			t.Errorf("%s: %v, want status %v", tc.name, err, tc.want)
		}
	}
	if s.Stats.Attempts != before+2 || s.Stats.Timeouts != 0 || s.Stats.CRCErrors != 0 {
		t.Fatalf("clean line needed retries: %+v", s.Stats)
	}
}

// TestBadFramesDoNothing sends frames the bridge must refuse and checks
// the error response and that no register changed.
func TestBadFramesDoNothing(t *testing.T) {
	w, s, _ := board(t)
	scratch, _ := regs.IdentAddr(0, regs.IdentScratchWord)
	if err := s.WriteReg(scratch, 0x11111111); err != nil {
		t.Fatal(err)
	}
	write := proto.Request{Cmd: proto.Write, Tag: 0x42, Addr: scratch, Data: 0x22222222}
	badCRC := write.AppendFrame(nil)
	badCRC[len(badCRC)-1] ^= 0x01
	for _, tc := range []struct {
		name string
		raw  []byte
		want proto.Status
	}{
		{"bad checksum", badCRC, proto.BadCRC},
		{"unknown command", proto.AppendFrame(nil, uartbridge.SyncRequest, []byte{0x07, 0x42, byte(scratch >> 8), byte(scratch), 0x22, 0x22, 0x22, 0x22}), proto.BadCmd},
		{"write with a read's length", proto.AppendFrame(nil, uartbridge.SyncRequest, []byte{byte(proto.Write), 0x42, byte(scratch >> 8), byte(scratch)}), proto.BadLen},
		{"read with a write's length", proto.AppendFrame(nil, uartbridge.SyncRequest, []byte{byte(proto.Read), 0x42, byte(scratch >> 8), byte(scratch), 0, 0, 0, 0}), proto.BadLen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := exchange(t, w, tc.raw)
			if body == nil {
				t.Fatal("no response")
			}
			r, err := proto.ParseResponse(body)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.want || r.Tag != 0x42 {
				t.Fatalf("response %+v, want status %v tag 0x42", r, tc.want)
			}
			if got, err := s.ReadReg(scratch); err != nil || got != 0x11111111 {
				t.Fatalf("scratch = %#x, %v: a refused frame wrote it", got, err)
			}
		})
	}
}

// TestResyncAfterGarbage puts garbage on the line and checks that the
// bridge recovers: garbage without a sync byte costs nothing, a bogus frame
// start costs one retry, and nothing is ever written by garbage.
func TestResyncAfterGarbage(t *testing.T) {
	scratchAddr, _ := regs.IdentAddr(0, regs.IdentScratchWord)
	for _, tc := range []struct {
		name    string
		garbage func(w *simline.Wire) error
		retries bool // the next command is expected to need a retry
	}{
		{"noise without sync", func(w *simline.Wire) error {
			_, err := w.Write([]byte{0x00, 0xff, 0x13, 0x5a, 0x37, 0x80})
			return err
		}, false},
		{"sync and bad length", func(w *simline.Wire) error {
			_, err := w.Write([]byte{0xa5, 0x09, 0x01})
			return err
		}, false},
		{"truncated write frame", func(w *simline.Wire) error {
			f := proto.Request{Cmd: proto.Write, Tag: 1, Addr: scratchAddr, Data: 0xbad}.AppendFrame(nil)
			_, err := w.Write(f[:6])
			return err
		}, true},
		{"break mid-frame", func(w *simline.Wire) error {
			if _, err := w.Write([]byte{0xa5, 0x08, 0x02}); err != nil {
				return err
			}
			// 12 bit times of 0 (a framing error), then the mark after
			// break that any UART needs to see the next start bit.
			return w.SendBits(append(make([]uint8, 12), 1, 1)...)
		}, false},
		{"long break", func(w *simline.Wire) error {
			return w.SendBits(append(make([]uint8, 45), 1)...)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, s, _ := board(t)
			if err := s.WriteReg(scratchAddr, 0x600d); err != nil {
				t.Fatal(err)
			}
			if err := tc.garbage(w); err != nil {
				t.Fatal(err)
			}
			before := s.Stats
			got, err := s.ReadReg(scratchAddr)
			if err != nil || got != 0x600d {
				t.Fatalf("scratch = %#x, %v after garbage", got, err)
			}
			retried := s.Stats.Attempts-before.Attempts > 1
			if retried != tc.retries {
				t.Fatalf("retried = %v, want %v (stats %+v)", retried, tc.retries, s.Stats)
			}
			// And the command after that works at once.
			before = s.Stats
			if err := s.WriteReg(scratchAddr, 0x7e57); err != nil {
				t.Fatal(err)
			}
			if got, err := s.ReadReg(scratchAddr); err != nil || got != 0x7e57 || s.Stats.Attempts-before.Attempts != 2 {
				t.Fatalf("scratch = %#x, %v, %d attempts", got, err, s.Stats.Attempts-before.Attempts)
			}
		})
	}
}
