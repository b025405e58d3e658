package device

import (
	"bytes"
	"testing"

	"github.com/pktnetwork/pktrouter/label"
	"github.com/pktnetwork/pktrouter/model/meter"
)

// frame builds a link frame with the given tag, label and traffic class.
func frame(tag byte, lbl uint64, tc uint16, payload int) []byte {
	h := label.Header{Label: lbl, Version: label.CurrentVersion, TrafficClass: tc}
	b := h.AppendTo([]byte{tag})
	for i := 0; i < payload; i++ {
		b = append(b, byte(i))
	}
	return b
}

// path is the label that leaves this switch through interface n and ends
// at the next node (its self route): one director then 1.
func path(t *testing.T, n uint32) uint64 {
	t.Helper()
	d, err := label.V358.Compress(n, label.Canonical)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := label.V358.FormOf(d)
	return d | 1<<label.V358[f].Size()
}

// twoISPs is ref4 with virtual router 1 on port 0 tag 1 and port 1 tag 1,
// virtual router 2 on port 2 tag 1, and the free leases in router 0.
func twoISPs(t *testing.T) *Device {
	t.Helper()
	d, err := New(Ref4)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Config()
	for _, e := range []struct {
		p, t int
		vr   uint32
	}{{0, 1, 1}, {1, 1, 1}, {2, 1, 2}, {0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}} {
		if err := d.SetInterface(c.Interface(e.p, e.t), Entry{Valid: true, Port: uint32(e.p), Tag: uint32(e.t), VR: e.vr}); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestInterfaceNumbering(t *testing.T) {
	c := Ref4
	seen := map[uint32]bool{}
	for p := 0; p < c.Ports; p++ {
		for tg := 0; tg < c.Leases; tg++ {
			n := c.Interface(p, tg)
			if n == label.SelfInterface || n >= uint32(c.Interfaces()) || seen[n] {
				t.Fatalf("Interface(%d,%d) = %d: self, outside the table or taken", p, tg, n)
			}
			seen[n] = true
			if gp, gt, ok := c.LeaseOf(n); !ok || gp != p || gt != tg {
				t.Fatalf("LeaseOf(%d) = %d,%d,%v, want %d,%d", n, gp, gt, ok, p, tg)
			}
		}
	}
	if _, _, ok := c.LeaseOf(1); ok {
		t.Fatal("LeaseOf(1) must be false: 1 is self")
	}
}

func TestReceive(t *testing.T) {
	tests := []struct {
		name   string
		port   int
		frame  []byte
		result Result
		to     int // egress port for Forwarded
		code   uint32
	}{
		{"forward within router 1", 0, frame(1, 0, 0x8100, 40), Forwarded, 1, 0},
		{"free lease to free lease", 0, frame(0, 0, 0x0010, 40), Forwarded, 3, 0},
		{"self from paid lease", 0, frame(1, 1, 0x8100, 20), ToCPU, 4, 0},
		{"unknown tag", 0, frame(9, 1, 0, 20), UnknownTag, 0, 0},
		{"unconfigured paid tag", 0, frame(2, 1, 0, 20), UnknownTag, 0, 0},
		{"runt", 0, []byte{1, 2, 3}, Runt, 0, 0},
		{"oversize", 0, frame(1, 1, 0, 300), Oversize, 0, 0},
		{"absent interface", 0, frame(1, 0, 0, 20), LabelError, 4, label.ErrorMalformedAddress},
		{"crosses routers", 0, frame(1, 0, 0, 20), DropVRouter, 0, 0},
		{"from the CPU to router 2", 4, frame(0, 0, 0x8100, 20), Forwarded, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := twoISPs(t)
			c := d.Config()
			f := append([]byte(nil), tc.frame...)
			if len(f) > 13 {
				switch tc.name {
				case "forward within router 1":
					setLabel(f, path(t, c.Interface(1, 1)))
				case "free lease to free lease":
					setLabel(f, path(t, c.Interface(3, 0)))
				case "absent interface":
					setLabel(f, path(t, c.Interface(3, 5)))
				case "crosses routers":
					setLabel(f, path(t, c.Interface(2, 1)))
				case "from the CPU to router 2":
					setLabel(f, path(t, c.Interface(2, 1)))
				}
			}
			oc, err := d.Receive(100, tc.port, f)
			if err != nil {
				t.Fatal(err)
			}
			if oc.Result != tc.result {
				t.Fatalf("result %v, want %v", oc.Result, tc.result)
			}
			switch oc.Result {
			case Forwarded, ToCPU, LabelError:
				if oc.Port != tc.to {
					t.Fatalf("port %d, want %d", oc.Port, tc.to)
				}
			}
			if oc.Code != tc.code {
				t.Fatalf("code %d, want %d", oc.Code, tc.code)
			}
		})
	}
}

func setLabel(f []byte, l uint64) {
	for i := 0; i < 8; i++ {
		f[1+i] = byte(l >> (56 - 8*i))
	}
}

// A forwarded frame is what label.Forward makes of it, with the egress tag
// and the meter's traffic class, and leaves when the link has sent it.
func TestForwardMatchesLabel(t *testing.T) {
	d := twoISPs(t)
	c := d.Config()
	if err := d.SetLease(0, 1, LeaseConfig{Meter: meter.LeaseConfig{DefaultPriority: 77}}); err != nil {
		t.Fatal(err)
	}
	in := frame(1, path(t, c.Interface(1, 1)), label.Unclassed, 100)
	oc, err := d.Receive(10, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := label.ParseHeader(in[1:])
	h.TrafficClass = 77 // unclassed: the lease's default priority, customer bit clear
	_, want, err := label.V358.Forward(h, c.Interface(0, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	wf := want.AppendTo([]byte{1})
	wf = append(wf, in[13:]...)
	if !bytes.Equal(oc.Frame, wf) {
		t.Fatalf("frame\n%x\nwant\n%x", oc.Frame, wf)
	}
	if err := d.AdvanceTo(10 + uint64(len(in)) + 1); err != nil {
		t.Fatal(err)
	}
	out := d.TakeOutput()
	if len(out) != 1 || out[0].Port != 1 || !bytes.Equal(out[0].Frame, wf) {
		t.Fatalf("output %+v", out)
	}
	if got := d.Counters(1, 1); got.OutPackets != 1 || got.OutBytes != uint64(len(in)) {
		t.Fatalf("egress counters %+v", got)
	}
	if got := d.Counters(0, 1); got.InPackets != 1 || got.InBytes != uint64(len(in)) {
		t.Fatalf("ingress counters %+v", got)
	}
}

// The onboard computer answers a refused frame with cjdns' error frame,
// sent back with the ingress lease tag.
func TestErrorReply(t *testing.T) {
	d := twoISPs(t)
	c := d.Config()
	in := frame(1, path(t, c.Interface(3, 5)), 0x8100, 30)
	oc, err := d.Receive(5, 0, in)
	if err != nil || oc.Result != LabelError {
		t.Fatalf("%v %v", oc.Result, err)
	}
	cf, err := ParseCPUFrame(oc.Frame)
	if err != nil {
		t.Fatal(err)
	}
	if cf.From != c.Interface(0, 1) || cf.Reason != label.ErrorMalformedAddress {
		t.Fatalf("cpu frame %+v", cf)
	}
	port, reply := d.ErrorReply(cf)
	if port != 0 || reply == nil || reply[0] != 1 {
		t.Fatalf("reply on port %d: %x", port, reply)
	}
	want := label.ErrorFrame(in[1:], label.ErrorMalformedAddress)
	if !bytes.Equal(reply[1:], want) {
		t.Fatalf("reply\n%x\nwant\n%x", reply[1:], want)
	}
	rh, _ := label.ParseHeader(reply[1:])
	if rh.Label != label.Reverse(path(t, c.Interface(3, 5))) {
		t.Fatalf("reply label %x", rh.Label)
	}
}

// Whitepaper §5: with every interface invalid (the table emptied by
// misconfiguration), the free lease of every port still reaches the CPU.
func TestFreeTierFailOpen(t *testing.T) {
	d, err := New(Ref4)
	if err != nil {
		t.Fatal(err)
	}
	for p := 0; p < 4; p++ {
		oc, err := d.Receive(uint64(100*p), p, frame(0, 1, 0, 20))
		if err != nil {
			t.Fatal(err)
		}
		if oc.Result != ToCPU {
			t.Fatalf("port %d: %v, want to-cpu", p, oc.Result)
		}
		if oc, _ := d.Receive(uint64(100*p+50), p, frame(3, 1, 0, 20)); oc.Result != UnknownTag {
			t.Fatalf("port %d paid tag: %v, want unknown-tag", p, oc.Result)
		}
	}
	if got := d.PortCounters(4).OutPackets; got != 4 {
		t.Fatalf("CPU port sent %d frames, want 4", got)
	}
}

// The free lease is starved before a paid lease: both offer more than the
// link, the paid lease's excess outranks the free tier.
func TestFreeStarvedFirst(t *testing.T) {
	d := twoISPs(t)
	c := d.Config()
	if err := d.SetInterface(c.Interface(2, 0), Entry{Valid: true, Port: 2, Tag: 0, VR: 0}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetInterface(c.Interface(2, 2), Entry{Valid: true, Port: 2, Tag: 2, VR: 1}); err != nil {
		t.Fatal(err)
	}
	free := frame(0, path(t, c.Interface(2, 0)), 0x10, 100)
	paid := frame(1, path(t, c.Interface(2, 2)), 0x8010, 100)
	n := uint64(len(free))
	// Each source sends back to back on its own port: 2x the egress link.
	for i := uint64(0); i < 400; i++ {
		now := (i + 1) * n
		if _, err := d.Receive(now, 0, paid); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Receive(now, 1, free); err != nil {
			t.Fatal(err)
		}
	}
	pc, fc := d.Counters(2, 2), d.Counters(2, 0)
	if pc.DropRefused != 0 {
		t.Fatalf("paid lease dropped %d", pc.DropRefused)
	}
	if fc.DropRefused < 300 {
		t.Fatalf("free lease dropped only %d of 400", fc.DropRefused)
	}
}
