package main

import (
	"fmt"
	"io"
	"math/bits"

	"github.com/spf13/cobra"

	"github.com/pktnetwork/pktrouter/label"
)

func newDemoCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the main job: a packet's route through cjdns switches and back",
		Long: `demo builds a 3-hop cjdns route from interface numbers, pushes a switch header
along it through four switches (A, B, C, D), one switch hop each, printing the
label in cjdns' dotted form at every hop, and then sends a reply back along
the return path that the switches spliced into the label as it travelled.

As the device grows, demo grows with it into the whole routing device.`,
		Example: `  pktrouter demo
  make demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := schemeFlag(cmd)
			if err != nil {
				return err
			}
			return runPathDemo(a.out, s)
		},
	}
	cmd.Flags().String("scheme", "v358", "encoding scheme of the switches: v358, v4x8, f4 or f8")
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
