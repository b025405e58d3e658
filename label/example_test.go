package label_test

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/label"
)

// A packet for interface 2 of a v358 switch arrives on interface 3: the
// switch shifts out 0101 and puts 3's director (0111), bit-reversed, on top.
func ExampleScheme_Forward() {
	path, _ := label.ParseLabel("0000.0000.0000.0015")
	h := label.Header{Label: path, Version: label.CurrentVersion, TrafficClass: 0x8010}
	to, out, err := label.V358.Forward(h, 3, nil)
	fmt.Println(to, label.FormatLabel(out.Label), out.LabelShift, err)
	fmt.Println(label.FormatLabel(label.Reverse(out.Label))) // the way back: 0111 then 0001
	// Output:
	// 2 e000.0000.0000.0001 4 <nil>
	// 8000.0000.0000.0007
}

// Route servers widen a label's first director for a peer behind a wider
// interface, then splice it behind the path to that peer.
func ExampleSplice() {
	toPeer := uint64(0x96)                           // one hop: interface 6 in 7 bits
	fromPeer, _ := label.V358.LabelFor(0x15, toPeer) // interface 2, widened to 7 bits
	full, _ := label.Splice(fromPeer, toPeer)
	fmt.Println(label.FormatLabel(fromPeer), label.FormatLabel(full))
	fmt.Println(label.FormatLabel(label.Unsplice(full, toPeer)), label.RoutesThrough(full, toPeer))
	// Output:
	// 0000.0000.0000.0086 0000.0000.0000.4316
	// 0000.0000.0000.0086 true
}
