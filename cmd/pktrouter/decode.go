package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/pktnetwork/pktrouter/label"
	"github.com/pktnetwork/pktrouter/linkframe"
)

func newLabelDecodeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "decode FILE.pcap",
		Short: "Print each link frame of a pktrouter capture",
		Long: `decode prints every frame of a pcap file of pktrouter link frames
(lease tag | cjdns switch header | payload, pcap link type 147): its lease tag,
label, the interface the label's first director selects (by --scheme),
labelShift, traffic class (customer bit and priority), congestion,
suppress-errors and payload length. "-" reads standard input.`,
		Example: `  pktrouter label decode out.pcap
  pktrouter label decode --scheme f8 - < capture.pcap`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := schemeFlag(cmd)
			if err != nil {
				return err
			}
			var r io.Reader = a.in
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			return decodeCapture(a.out, r, s)
		},
	}
}

// decodeCapture writes one line per frame of the capture in r.
func decodeCapture(w io.Writer, r io.Reader, s label.Scheme) error {
	pr, err := linkframe.NewReader(r)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-5s %-3s %-19s %-5s %-5s %-4s %-5s %-4s %-2s %s\n", "#", "tag", "label", "next", "shift", "cust", "prio", "cong", "se", "payload")
	for n := 1; ; n++ {
		rec, err := pr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		h := rec.Frame.Header
		next := "?"
		if iface, _, err := s.Decompress(h.Label); err == nil {
			next = fmt.Sprint(iface)
		}
		cust, prio := "-", "-"
		if h.TrafficClass != 0xffff { // cjdns' "unclassed": the lease default applies
			cust = fmt.Sprint(h.TrafficClass >> 15)
			prio = fmt.Sprint(h.TrafficClass & 0x7fff)
		}
		se := 0
		if h.SuppressErrors {
			se = 1
		}
		fmt.Fprintf(w, "%-5d %-3d %-19s %-5s %-5d %-4s %-5s %-4d %-2d %d\n", n, rec.Frame.LeaseTag, label.FormatLabel(h.Label), next, h.LabelShift, cust, prio, h.Congestion, se, len(rec.Payload))
	}
}
