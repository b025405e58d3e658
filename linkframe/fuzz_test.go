package linkframe

import (
	"bytes"
	"testing"

	"github.com/gopacket/gopacket"
)

// FuzzDecode: any bytes either decode or give an error; a decoded frame
// serializes back to exactly the bytes it came from (every header bit is
// carried, none invented).
func FuzzDecode(f *testing.F) {
	for _, s := range sample {
		f.Add(Append(nil, s.tag, s.h, s.payload))
	}
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		var fr Frame
		if err := fr.DecodeFromBytes(data, gopacket.NilDecodeFeedback); err != nil {
			if len(data) >= HeaderLen {
				t.Fatalf("%d-byte frame refused: %v", len(data), err)
			}
			return
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{}, &fr, gopacket.Payload(fr.Payload)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), data) {
			t.Fatalf("round trip changed % x into % x", data, buf.Bytes())
		}
	})
}
