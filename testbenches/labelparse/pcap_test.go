package labelparse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/label"
	"github.com/pktnetwork/pktrouter/linkframe"
)

// pcapFrames puts the batch in the same stimulus depth (32768 cycles) as
// TestEngines, so the Verilator build of ref4 is shared through the tb
// cache.
const pcapFrames = 20_000

// TestPcap writes a capture of random link frames (one port: the lease
// tag picks the ingress interface 2+tag, tag 0 arriving from self), runs
// it through HopPcap on each engine and checks the output capture frame
// by frame against label.Forward: the forwarded frames, in order, with the
// new header, the egress lease tag, the payload and the time unchanged.
func TestPcap(t *testing.T) {
	engines := []Engine{GoSim}
	if !testing.Short() {
		for _, tool := range []string{"iverilog", "vvp", "verilator"} {
			tooltest.Require(t, tool)
		}
		engines = append(engines, Icarus, Verilator)
	}
	cfg := lp.Ref4
	r := rand.New(rand.NewPCG(5, 6))
	// One virtual router: the hop is exactly label.Forward.
	table := TableFromPresent(cfg.Interfaces, func(n uint32) bool { return n%5 != 3 })
	for n := range table {
		table[n].Port, table[n].Tag = uint32(n)/8%8, uint32(n)%8
	}
	ingress := func(tag uint8) (uint32, error) {
		if tag >= 8 {
			return 0, errors.New("no such lease on this port")
		}
		if tag == 0 {
			return label.SelfInterface, nil
		}
		return 2 + uint32(tag), nil
	}
	var in bytes.Buffer
	w, err := linkframe.NewWriter(&in)
	if err != nil {
		t.Fatal(err)
	}
	type frame struct {
		tag     uint8
		h       label.Header
		payload []byte
		at      time.Time
	}
	var frames []frame
	t0 := time.Unix(1_800_000_000, 0)
	for i := range pcapFrames {
		f := frame{tag: uint8(r.IntN(8)), h: randomHeader(r), payload: []byte(fmt.Sprintf("payload %d", i)),
			at: t0.Add(time.Duration(i) * time.Microsecond)}
		frames = append(frames, f)
		if err := w.Write(f.at, &linkframe.Frame{LeaseTag: f.tag, Header: f.h}, f.payload); err != nil {
			t.Fatal(err)
		}
	}
	hp, err := NewHopper(cfg, table)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range engines {
		t.Run(string(e), func(t *testing.T) {
			var out bytes.Buffer
			st, err := hp.HopPcap(context.Background(), e, bytes.NewReader(in.Bytes()), &out, ingress)
			if err != nil {
				t.Fatal(err)
			}
			rd, err := linkframe.NewReader(&out)
			if err != nil {
				t.Fatal(err)
			}
			written := 0
			for _, f := range frames {
				from, _ := ingress(f.tag)
				to, want, err := cfg.Scheme.Forward(f.h, from, table.Present)
				if err != nil {
					continue
				}
				rec, rerr := rd.Next()
				if rerr != nil {
					t.Fatalf("output frame %d: %v", written, rerr)
				}
				written++
				if rec.Frame.Header != want || rec.Frame.LeaseTag != uint8(table[to].Tag) ||
					!bytes.Equal(rec.Payload, f.payload) || !rec.Time.Equal(f.at) {
					t.Fatalf("output frame %d: got tag %d %+v %q at %v, want tag %d %+v %q at %v", written-1,
						rec.Frame.LeaseTag, rec.Frame.Header, rec.Payload, rec.Time, table[to].Tag, want, f.payload, f.at)
				}
			}
			if _, err := rd.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("more output frames than label.Forward forwards (%d): %v", written, err)
			}
			if st.Frames != len(frames) || st.Written != written || written == 0 || written == len(frames) {
				t.Errorf("stats %d read %d written, want %d and %d (and some refused)", st.Frames, st.Written, len(frames), written)
			}
			t.Logf("%d frames, %d forwarded, %v", st.Frames, st.Written, st.ByResult)
		})
	}
}

// TestPcapBadTag: a lease tag the ingress stage does not know is an error
// naming the frame.
func TestPcapBadTag(t *testing.T) {
	var in bytes.Buffer
	w, err := linkframe.NewWriter(&in)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(time.Unix(0, 0), &linkframe.Frame{LeaseTag: 9, Header: label.Header{Label: 0x13}}, nil); err != nil {
		t.Fatal(err)
	}
	hp, err := NewHopper(lp.Ref4, TableFromPresent(lp.Ref4.Interfaces, nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = hp.HopPcap(context.Background(), GoSim, &in, io.Discard, func(tag uint8) (uint32, error) {
		return 0, errors.New("unknown lease")
	})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("frame 0: lease tag 9")) {
		t.Errorf("got %v, want an error naming frame 0 and lease tag 9", err)
	}
}
