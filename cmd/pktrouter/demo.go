package main

import (
	"fmt"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/label"
	device "github.com/pktnetwork/pktrouter/model/device"
	tbdev "github.com/pktnetwork/pktrouter/testbenches/device"
)

func newDemoCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the main job: cjdns switch hops, then the ref4 routing device in the Go simulator",
		Long: `demo has two parts.

First, cjdns' compact source routing: it builds a 3-hop route from interface
numbers, pushes a switch header along it through four switches (A, B, C, D),
printing the label in cjdns' dotted form at every hop, and sends a reply back
along the return path the switches spliced into the label.

Then the routing device: it generates the ref4 device (4 ports + CPU, 8 leases
per port, 8-bit datapath) and runs it cycle by cycle in the Go simulator with
a traffic mix on one saturated egress port: two Cloud ISPs whose
max-priority-bandwidth is 10:1, each sending like TCP (backing off on loss),
a free-tier user at a fixed rate, and a frame with a malformed label that
the device hands its onboard computer, which answers with cjdns' error frame.
It prints a per-lease table (offered, passed, dropped, share of the link),
writes the output of every port as a pcap capture and the first cycles of
the device's ports as a VCD waveform.

The device runs with a 4 KiB egress buffer and a meter time constant of 4
ticks (--buffer, --k) so that the elastic senders settle within the run;
ref4's 768-byte buffer holds only three of the demo's frames.`,
		Example: `  pktrouter demo
  pktrouter demo --out ./demo-out --cycles 400000
  pktrouter label decode ./demo-out/out-p2.pcap
  make demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := schemeFlag(cmd)
			if err != nil {
				return err
			}
			f := cmd.Flags()
			var o deviceDemo
			o.scheme = s
			o.out, _ = f.GetString("out")
			o.vcd, _ = f.GetString("vcd")
			o.cycles, _ = f.GetUint64("cycles")
			o.vcdCycles, _ = f.GetUint64("vcd-cycles")
			o.buffer, _ = f.GetUint32("buffer")
			o.k, _ = f.GetUint("k")
			// Check every flag before the first part prints anything.
			cfg, err := o.config()
			if err != nil {
				return err
			}
			if err := runPathDemo(a.out, s); err != nil {
				return err
			}
			fmt.Fprintln(a.out)
			return runDeviceDemo(a.out, o, cfg)
		},
	}
	cmd.Flags().String("scheme", "v358", "encoding scheme of the switches and the device: v358, v4x8, f4 or f8")
	cmd.Flags().String("out", filepath.Join(os.TempDir(), "pktrouter-demo"), "directory for the captures (out-p<N>.pcap, out-cpu.pcap) and the waveform")
	cmd.Flags().String("vcd", "", "waveform file (default <out>/ref4.vcd; \"none\" for none)")
	cmd.Flags().Uint64("cycles", 300_000, "clock cycles to simulate (the shares are measured over the last two thirds)")
	cmd.Flags().Uint64("vcd-cycles", 20_000, "cycles the waveform covers, from reset")
	cmd.Flags().Uint32("buffer", 4096, "egress buffer per port in bytes")
	cmd.Flags().Uint("k", 2, "meter EWMA shift: time constant 2^k ticks of 1024 cycles")
	return cmd
}

// demoLink is one cable of the demo network: node From's interface Out is
// plugged into node To's interface In.
type demoLink struct {
	From, To string
	Out, In  uint32
}

// demoNet is a line of four switches, A–B–C–D, with interface numbers chosen
// so that directors of several lengths appear.
var demoNet = []demoLink{
	{"A", "B", 5, 7},
	{"B", "C", 2, 9},
	{"C", "D", 19, 3},
}

// runPathDemo sends a header from A to D, then answers from D to A along the
// return path, and checks both arrive. It returns an error if either does not.
func runPathDemo(w io.Writer, s label.Scheme) error {
	fmt.Fprintln(w, "== cjdns compact source routing ==")
	outs := make([]uint32, len(demoNet))
	for i, l := range demoNet {
		outs[i] = l.Out
	}
	route, _, err := buildPath(s, outs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Network: A -5/7- B -2/9- C -19/3- D   (node -out/in- node, scheme %s)\n\n", s.Name())
	fmt.Fprintf(w, "Route A → D from interfaces 5, 2, 19: %s\n", label.FormatLabel(route))

	// Forward: A itself sends (ingress interface 1, self); D delivers to itself.
	hops := []demoHop{{node: "A", from: 1, out: demoNet[0].Out}}
	for i, l := range demoNet {
		out := uint32(1)
		if i+1 < len(demoNet) {
			out = demoNet[i+1].Out
		}
		hops = append(hops, demoHop{node: l.To, from: l.In, out: out})
	}
	h, err := walk(w, s, label.Header{Label: route, TrafficClass: 0xffff}, hops)
	if err != nil {
		return fmt.Errorf("forward path: %w", err)
	}

	ret := bits.Reverse64(h.Label)
	fmt.Fprintf(w, "\nAt D the label holds the return path, bit-reversed: %s → %s\n", label.FormatLabel(h.Label), label.FormatLabel(ret))

	// Back: D sends from itself out of the interfaces the packet came in on.
	back := []demoHop{{node: "D", from: 1, out: demoNet[len(demoNet)-1].In}}
	for i := len(demoNet) - 1; i >= 0; i-- {
		out := uint32(1)
		if i > 0 {
			out = demoNet[i-1].In
		}
		back = append(back, demoHop{node: demoNet[i].From, from: demoNet[i].Out, out: out})
	}
	if _, err := walk(w, s, label.Header{Label: ret, TrafficClass: 0xffff}, back); err != nil {
		return fmt.Errorf("return path: %w", err)
	}
	fmt.Fprintln(w, "\nThe reply reached A: forward and return paths both work.")
	return nil
}

// demoHop is one switch on a walk: the interface the header arrives on and
// the one it must leave by (1: delivered to the switch itself).
type demoHop struct {
	node      string
	from, out uint32
}

// walk forwards h through hops, checking that each switch sends it out of
// the interface the network says. It prints one line per hop.
func walk(w io.Writer, s label.Scheme, h label.Header, hops []demoHop) (label.Header, error) {
	fmt.Fprintf(w, "  %-4s %-4s %-19s %-5s %-4s %-19s %s\n", "node", "in", "label in", "shift", "out", "label out", "shift")
	for _, hp := range hops {
		to, out, err := s.Forward(h, hp.from, func(uint32) bool { return true })
		if err != nil {
			return h, fmt.Errorf("at %s: %w", hp.node, err)
		}
		fmt.Fprintf(w, "  %-4s %-4s %-19s %-5d %-4s %-19s %d\n", hp.node, ifName(hp.from), label.FormatLabel(h.Label), h.LabelShift, ifName(to), label.FormatLabel(out.Label), out.LabelShift)
		if to != hp.out {
			return out, fmt.Errorf("at %s: sent out of interface %s, want %s", hp.node, ifName(to), ifName(hp.out))
		}
		h = out
	}
	return h, nil
}

func ifName(n uint32) string {
	if n == 1 {
		return "self"
	}
	return fmt.Sprint(n)
}

// deviceDemo holds the flags of the device part.
type deviceDemo struct {
	scheme            label.Scheme
	out, vcd          string
	cycles, vcdCycles uint64
	buffer            uint32
	k                 uint
}

// demoLease is one row of the device demo's table.
type demoLease struct {
	name string
	flow *tbdev.Flow
	isp  tbdev.ISP // its egress (port, tag) indexes the counters
}

// config is ref4 with the demo's flags applied, checked.
func (o deviceDemo) config() (gendev.Config, error) {
	if o.cycles < 3000 {
		return gendev.Config{}, fmt.Errorf("--cycles %d: want at least 3000", o.cycles)
	}
	cfg := gendev.Ref4
	cfg.Scheme = o.scheme
	cfg.Meter.K = o.k
	cfg.Shaper.BufferBytes = o.buffer
	if err := cfg.Validate(); err != nil {
		return gendev.Config{}, fmt.Errorf("--buffer %d / --k %d: %w", o.buffer, o.k, err)
	}
	return cfg, nil
}

// runDeviceDemo generates ref4 as cfg says, runs the traffic mix through it in the Go
// simulator and reports per lease.
func runDeviceDemo(w io.Writer, o deviceDemo, cfg gendev.Config) error {
	mc := cfg.Config
	fmt.Fprintln(w, "== the ref4 routing device, in the Go simulator ==")
	core, err := gendev.Core(cfg)
	if err != nil {
		return err
	}
	d, err := core.Build()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Generated %s: %d ports + CPU, %d leases per port, %s, %d netlist cells, %d-byte frames, %d-byte egress buffers.\n",
		d.Top.Name, mc.Ports, mc.Leases, o.scheme.Name(), len(d.Flat.Cells), mc.MaxPacketBytes(), o.buffer)

	// Two Cloud ISPs in their own virtual routers and a free-tier user,
	// all leaving through port 2.
	ispA, ispB := tbdev.SharesISPs(10)
	ispA.Name, ispB.Name = "Cloud ISP A", "Cloud ISP B"
	free := tbdev.ISP{Name: "free tier", InPort: 3, InTag: 0, OutPort: 2, OutTag: 0, VR: 0, Priority: 0x0100}
	setup := tbdev.Build(mc, []tbdev.ISP{ispA, ispB})
	h, err := tbdev.NewHWDesign(cfg, d, setup)
	if err != nil {
		return err
	}
	fa, err := ispA.Flow(mc, 1, 200, 0.5, true)
	if err != nil {
		return err
	}
	fb, _ := ispB.Flow(mc, 2, 200, 0.5, true)
	ff, _ := free.Flow(mc, 3, 120, 0.15, false)
	tr := tbdev.NewTraffic(h, fa, fb, ff)
	tr.TCPLike()
	tr.Keep = true
	// A frame whose label names an interface no lease holds.
	absent, err := tbdev.Path(o.scheme, mc.Interface(3, 5))
	if err != nil {
		return err
	}
	bad := label.Header{Label: absent, Version: label.CurrentVersion, TrafficClass: 0x0100}.AppendTo([]byte{0})
	bad = append(bad, 0xff, 0xff, 0xff, 0xff)
	bad = append(bad, []byte("malformed label")...)
	for i := uint64(0); i < 3; i++ {
		tr.SendAt(free.InPort, 1000+i*o.cycles/4, bad)
	}

	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	vcdPath := o.vcd
	if vcdPath == "" {
		vcdPath = filepath.Join(o.out, "ref4.vcd")
	}
	var vf *os.File
	if vcdPath != "none" {
		if vf, err = os.Create(vcdPath); err != nil {
			return err
		}
		defer vf.Close()
		var sigs []string
		for _, p := range d.Top.Ports {
			sigs = append(sigs, p.Name)
		}
		if err := h.Sim().TraceVCD(vf, sigs...); err != nil {
			return err
		}
	}
	start := time.Now()
	warm := o.cycles / 3
	if vf != nil {
		if err := tr.Run(min(o.vcdCycles, o.cycles)); err != nil {
			return err
		}
		if err := h.Sim().StopTrace(); err != nil {
			return err
		}
	}
	if done := h.Cycle(); done < warm {
		if err := tr.Run(warm - done); err != nil {
			return err
		}
	}
	base := map[*tbdev.Flow][2]uint64{}
	for _, f := range tr.Flows {
		base[f] = [2]uint64{f.SentBytes, f.RecvBytes}
	}
	if err := tr.Run(o.cycles - h.Cycle()); err != nil {
		return err
	}
	el := time.Since(start)
	meas := o.cycles - warm
	fmt.Fprintf(w, "Ran %d cycles in %.1f s (%.0f cycles/s); measured over the last %d cycles (%.2f ms at 125 MHz).\n\n",
		o.cycles, el.Seconds(), float64(o.cycles)/el.Seconds(), meas, float64(meas)*8e-6)

	rows := []demoLease{{ispA.Name + " (max-priority-bandwidth 10)", fa, ispA}, {ispB.Name + " (max-priority-bandwidth 1)", fb, ispB}, {free.Name + " (fixed rate)", ff, free}}
	fmt.Fprintf(w, "  %-44s %12s %12s %9s %7s\n", "lease (egress port 2)", "offered B", "passed B", "dropped", "share")
	for _, r := range rows {
		st := h.Stats[r.isp.OutPort*mc.Leases+r.isp.OutTag]
		off := r.flow.SentBytes - base[r.flow][0]
		pass := r.flow.RecvBytes - base[r.flow][1]
		fmt.Fprintf(w, "  %-44s %12d %12d %9d %6.1f%%\n", r.name, off, pass, st.DropRefused+st.DropOverflow+st.DropOther, 100*float64(pass)/float64(meas))
	}
	pa, pb := float64(fa.RecvBytes-base[fa][1]), float64(fb.RecvBytes-base[fb][1])
	fmt.Fprintf(w, "\nCloud ISP B passed %.3f of what A passed (whitepaper §2.1: about 1/10 for 1/10 the max-priority-bandwidth).\n", pb/pa)
	fmt.Fprintf(w, "Dropped counts are whole run, from the egress shaper's events.\n")

	// The onboard computer's side: error frames for the refused labels.
	if cpu := tr.Out[mc.Ports]; len(cpu) > 0 {
		cf, err := device.ParseCPUFrame(cpu[0].Frame)
		if err != nil {
			return err
		}
		if cf.Reason != 0 {
			p, reply := replyOf(mc, cf)
			rh, _ := label.ParseHeader(reply[1:])
			fmt.Fprintf(w, "\nThe CPU port got %d frame(s); the first: cjdns %s from interface %d. The onboard computer answers out of port %d with cjdns' error frame, label %s (the path back).\n",
				len(cpu), label.ErrorName(uint32(cf.Reason)), cf.From, p, label.FormatLabel(rh.Label))
		}
	}

	for p := 0; p <= mc.Ports; p++ {
		name := fmt.Sprintf("out-p%d.pcap", p)
		if p == mc.Ports {
			name = "out-cpu.pcap"
		}
		if err := tbdev.WritePcapFile(filepath.Join(o.out, name), tr.Out[p]); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nWrote %s/out-p0..p%d.pcap, %s/out-cpu.pcap", o.out, mc.Ports-1, o.out)
	if vf != nil {
		fmt.Fprintf(w, " and %s (first %d cycles)", vcdPath, min(o.vcdCycles, o.cycles))
	}
	fmt.Fprintln(w, ".")
	// The elastic senders need some 50,000 cycles to settle; shorter runs
	// (tests) only show the mechanics.
	if o.cycles >= 100_000 && (pa == 0 || pb >= pa) {
		return fmt.Errorf("demo: Cloud ISP B passed %.0f bytes against A's %.0f: the meter did not hold B to its share", pb, pa)
	}
	return nil
}

// replyOf is the error frame the onboard computer sends back for a CPU
// frame, as model/device builds it (cjdns' sendError).
func replyOf(c device.Config, cf device.CPUFrame) (int, []byte) {
	d, err := device.New(c)
	if err != nil {
		return 0, nil
	}
	return d.ErrorReply(cf)
}
