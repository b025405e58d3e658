package labelparse

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/label"
)

// switchVector is one SwitchCore vector of label/testdata/cjdns_vectors.json
// (see label/cjdns_vectors_test.go): a packet in on From with the absent
// interfaces as a bitmap, and what compiled cjdns v22 did with it.
type switchVector struct {
	From      uint32
	AbsentMap string
	In        string
	Iface     *int
	Out       string
	Drop      string
	Silent    int
}

// TestCjdnsVectors runs SwitchCore's recorded vectors through the Go
// simulator of a 257-interface block per scheme (v358 reaches 256),
// pipelined and held-input, and
// checks the block's answer against what cjdns did: the egress interface
// and the output header (traffic class kept, cjdns writes 0xffff), the error
// frame built from the result's cjdns code, or the silent drop.
func TestCjdnsVectors(t *testing.T) {
	path := "../../label/testdata/cjdns_vectors.json"
	if p := os.Getenv("CJDNS_VECTORS"); p != "" {
		path = p
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, held := range []bool{false, true} {
		for typ, s := range map[string]label.Scheme{"v3x5x8": label.V358, "v4x8": label.V4x8, "f4": label.F4, "f8": label.F8} {
			name := typ
			if held {
				name = "held-" + typ
			}
			t.Run(name, func(t *testing.T) { cjdnsVectors(t, all, typ, s, held) })
		}
	}
}

// cjdnsVectors runs section switch_<typ> of the vectors through the block
// for s (pipelined, or held-input when held).
func cjdnsVectors(t *testing.T, all map[string]json.RawMessage, typ string, s label.Scheme, held bool) {
	var vs []switchVector
	if err := json.Unmarshal(all["switch_"+typ], &vs); err != nil || len(vs) == 0 {
		t.Fatalf("section switch_%s: %d vectors, %v", typ, len(vs), err)
	}
	cfg := lp.Ref4
	cfg.Scheme, cfg.Interfaces, cfg.HeldInput = s, 257, held
	hp, err := NewHopper(cfg, TableFromPresent(cfg.Interfaces, nil))
	if err != nil {
		t.Fatal(err)
	}
	unhex := func(x string) []byte {
		b, err := hex.DecodeString(x)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for i, c := range vs {
		absent := unhex(c.AbsentMap)
		if err := hp.SetTable(TableFromPresent(cfg.Interfaces, func(n uint32) bool {
			return int(n/8) < len(absent) && absent[n/8]&(1<<(n%8)) == 0
		})); err != nil {
			t.Fatal(err)
		}
		in := unhex(c.In)
		h, err := label.ParseHeader(in)
		if err != nil {
			t.Fatal(err)
		}
		hops, err := hp.Hop(context.Background(), GoSim, []Request{{Header: h, From: c.From}})
		if err != nil {
			t.Fatal(err)
		}
		got := hops[0]
		switch {
		case c.Iface != nil && got.Result == lp.Forward:
			if int(got.To) != *c.Iface {
				t.Errorf("#%d: to %d, cjdns %d", i, got.To, *c.Iface)
			}
			if got.Header.TrafficClass != h.TrafficClass {
				t.Errorf("#%d: traffic class changed", i)
			}
			out := got.Header
			out.TrafficClass = label.Unclassed
			if b := append(out.AppendTo(nil), in[label.HeaderSize:]...); !bytes.Equal(b, unhex(c.Out)) {
				t.Errorf("#%d from %d: got %x, cjdns %s", i, c.From, b, c.Out)
			}
		case c.Iface != nil || c.Silent != 0 || c.Drop == "RUNT":
			code := got.Result.CjdnsCode()
			if code == 0 {
				t.Errorf("#%d from %d label %s: result %v, cjdns sends an error", i, c.From, label.FormatLabel(h.Label), got.Result)
				continue
			}
			var want []byte
			if c.Iface != nil && c.Silent == 0 {
				want = unhex(c.Out)
			}
			if f := label.ErrorFrame(in, code); !bytes.Equal(f, want) {
				t.Errorf("#%d from %d label %s (%v): error frame %x, cjdns %x", i, c.From, label.FormatLabel(h.Label), got.Result, f, want)
			}
		case c.Drop == "UNDELIVERABLE":
			if got.Result != lp.ShiftOverflow {
				t.Errorf("#%d: result %v, cjdns drops (label rolled over)", i, got.Result)
			}
		default:
			t.Fatalf("#%d: unknown outcome %+v", i, c)
		}
	}
}
