package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pktnetwork/pktrouter/label"
)

func newLabelCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "label",
		Short: "Work with cjdns source-routing labels (bit-exact with cjdns)",
		Long: `Work with cjdns compact source-routing labels, the 64-bit routes the device
forwards. Labels are written in cjdns' dotted form (0000.0000.0000.0013) or as
hexadecimal (0x13, 0000000000000013). --scheme picks the encoding scheme:
v358 (cjdns' default v3x5x8), v4x8, f4 or f8.`,
		Example: `  pktrouter label path 5 2 19
  pktrouter label splice 0000.0000.0000.0015 0000.0000.0000.0013
  echo '{"from":1,"label":"0000000000000013"}' | pktrouter label hop`,
	}
	cmd.PersistentFlags().String("scheme", "v358", "encoding scheme: v358 (v3x5x8), v4x8, f4 or f8")
	cmd.AddCommand(
		newLabelSpliceCmd(a), newLabelUnspliceCmd(a), newLabelConvertCmd(a),
		newLabelHopCmd(a), newLabelPathCmd(a), newLabelDecodeCmd(a),
	)
	return cmd
}

// schemeFlag returns the scheme named by --scheme.
func schemeFlag(cmd *cobra.Command) (label.Scheme, error) {
	name, _ := cmd.Flags().GetString("scheme")
	s, err := label.SchemeByName(name)
	if err != nil {
		return nil, fmt.Errorf("--scheme: %w", err)
	}
	return s, nil
}

// parseLabel accepts a label in cjdns dotted form or as hexadecimal.
func parseLabel(s string) (uint64, error) {
	if strings.Contains(s, ".") {
		return label.ParseLabel(s)
	}
	h := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if h == "" || len(h) > 16 {
		return 0, fmt.Errorf("label %q: want dotted form 0000.0000.0000.0013 or up to 16 hex digits", s)
	}
	v, err := strconv.ParseUint(h, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("label %q: not hexadecimal", s)
	}
	return v, nil
}

func parseLabels(args []string) ([]uint64, error) {
	out := make([]uint64, len(args))
	for i, s := range args {
		v, err := parseLabel(s)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func newLabelSpliceCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "splice GO_HERE VIA_HERE",
		Short: "Join two routes: VIA_HERE to a node, then GO_HERE from it",
		Long: `splice joins a route to a middle node (VIA_HERE) and a route from that node
(GO_HERE) into one route, as cjdns' LabelSplicer_splice does. It fails when the
result does not fit in 64 bits.`,
		Example: `  pktrouter label splice 0000.0000.0000.0015 0000.0000.0000.0013
  # -> 0000.0000.0000.0153`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := parseLabels(args)
			if err != nil {
				return err
			}
			r, err := label.Splice(l[0], l[1])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.out, label.FormatLabel(r))
			return err
		},
	}
}

func newLabelUnspliceCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "unsplice FULL MID",
		Short: "The route from MID onward, given the FULL route through MID",
		Example: `  pktrouter label unsplice 0000.0000.0000.0153 0000.0000.0000.0013
  # -> 0000.0000.0000.0015`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := parseLabels(args)
			if err != nil {
				return err
			}
			if !label.RoutesThrough(l[0], l[1]) {
				return fmt.Errorf("%s does not route through %s", label.FormatLabel(l[0]), label.FormatLabel(l[1]))
			}
			_, err = fmt.Fprintln(a.out, label.FormatLabel(label.Unsplice(l[0], l[1])))
			return err
		},
	}
}

func newLabelConvertCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "convert LABEL",
		Short: "Re-encode a label's first director in another form of the scheme",
		Long: `convert rewrites the first director of LABEL in the form --to (a form index of
the scheme, or "canonical" for the form cjdns picks), keeping the rest of the
route, as cjdns' EncodingScheme_convertLabel does.`,
		Example: `  pktrouter label convert 0000.0000.0000.0013 --to 2
  pktrouter label convert --scheme v4x8 0000.0000.0000.0006 --to canonical`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := schemeFlag(cmd)
			if err != nil {
				return err
			}
			l, err := parseLabel(args[0])
			if err != nil {
				return err
			}
			to, _ := cmd.Flags().GetString("to")
			form := label.Canonical
			if to != "canonical" {
				n, err := strconv.Atoi(to)
				if err != nil || n < 0 || n >= len(s) {
					return fmt.Errorf("--to %q: want \"canonical\" or a form index 0..%d", to, len(s)-1)
				}
				form = n
			}
			r, err := s.ConvertLabel(l, form)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.out, label.FormatLabel(r))
			return err
		},
	}
	cmd.Flags().String("to", "canonical", `target form: a form index, or "canonical"`)
	return cmd
}

func newLabelPathCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "path IFACE...",
		Short: "Build a route from the egress interface number at each hop",
		Long: `path builds the label of a route from the interface number each switch along it
sends the packet out of, first hop first, each director in the scheme's
canonical form. It prints the route, then each hop's one-hop label (the
director and its terminating 1).`,
		Example: `  pktrouter label path 5 2 19
  pktrouter label path --scheme f8 3 200`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := schemeFlag(cmd)
			if err != nil {
				return err
			}
			ifaces := make([]uint32, len(args))
			for i, arg := range args {
				n, err := strconv.ParseUint(arg, 10, 32)
				if err != nil {
					return fmt.Errorf("hop %d: interface %q is not a number", i+1, arg)
				}
				ifaces[i] = uint32(n)
			}
			route, dirs, err := buildPath(s, ifaces)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, label.FormatLabel(route))
			for i, d := range dirs {
				fmt.Fprintf(a.out, "  hop %d: interface %d, one-hop label %s\n", i+1, ifaces[i], label.FormatLabel(d))
			}
			return nil
		},
	}
}

// buildPath returns the route through ifaces (egress interface per hop, first
// hop first) and each hop's one-hop label (director plus terminating 1).
func buildPath(s label.Scheme, ifaces []uint32) (uint64, []uint64, error) {
	hops := make([]uint64, len(ifaces))
	for i, n := range ifaces {
		d, err := s.Compress(n, label.Canonical)
		if err != nil {
			return 0, nil, fmt.Errorf("hop %d: interface %d: %w", i+1, n, err)
		}
		f, err := s.FormOf(d)
		if err != nil {
			return 0, nil, fmt.Errorf("hop %d: interface %d: %w", i+1, n, err)
		}
		hops[i] = d | 1<<s[f].Size() // the director, then the terminating 1
	}
	route := hops[len(hops)-1]
	for i := len(hops) - 2; i >= 0; i-- {
		r, err := label.Splice(route, hops[i])
		if err != nil {
			return 0, nil, fmt.Errorf("route through %d hops does not fit in 64 bits: %w", len(hops), err)
		}
		route = r
	}
	return route, hops, nil
}
