package blocks

import (
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// BitReverse returns a combinational bit reverser: out[i] = in[width-1-i].
// cjdns labels are read from the least significant end, and the switch
// splices in the ingress interface's director bit-reversed (cjdns'
// Bits_bitReverse64), so the label parser reverses 64-bit labels and
// directors of every width the encoding scheme uses.
//
// Ports: in[width] -> out[width]. It is pure wiring: no gates at all after
// synthesis.
//
// Parameter: width 1..MaxDataWidth (64 for a whole label).
func BitReverse(width int) (*hdl.Module, error) {
	if err := checkRange("bitrev", "width", width, 1, MaxDataWidth); err != nil {
		return nil, err
	}
	m := hdl.NewGenerated(generator, "bitrev", hdl.P("w", width))
	in := m.Input("in", width)
	// Concat puts its first part at the top, so listing in[0] first
	// moves bit 0 to the most significant position.
	parts := make([]hdl.Value, width)
	for i := range parts {
		parts[i] = hdl.Bit(in, i)
	}
	out := m.Output("out", width)
	if width == 1 {
		out.Drive(in)
	} else {
		out.Drive(hdl.Concat(parts...))
	}
	return m, nil
}
