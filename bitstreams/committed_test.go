package bitstreams_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pktnetwork/pktrouter/bitstreams"
	"github.com/pktnetwork/pktrouter/gen"
)

// The committed ref4 bitstream must fit, meet its clock, and be built from
// the Verilog the generators make today: like rtl/, a change to any block
// of the device makes this test fail until the bitstream is rebuilt with
//
//	pktrouter synth --config ref4 --board ice40-hx8k-breakout -o bitstreams/ref4-hx8k
//
// It needs no EDA tool: it regenerates the design and the board top and
// compares their hash with the one the flow recorded.
func TestCommittedRef4Bitstream(t *testing.T) {
	const dir = "ref4-hx8k"
	raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r bitstreams.Report
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s/report.json: %v", dir, err)
	}
	if r.Verdict != "pass" || r.Bitstream == "" {
		t.Fatalf("%s: verdict %q, bitstream %q: want a bitstream that fits and meets %g MHz", dir, r.Verdict, r.Bitstream, r.TargetMHz)
	}
	bin, err := os.ReadFile(filepath.Join(dir, r.Bitstream))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(bin)); got != r.BitstreamSHA256 {
		t.Errorf("%s/%s: SHA-256 %s, the report says %s", dir, r.Bitstream, got, r.BitstreamSHA256)
	}

	board, err := bitstreams.LookupBoard(r.Board)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gen.Lookup("device_ref4")
	if err != nil {
		t.Fatal(err)
	}
	// The divisor pktrouter synth picks for the board clock.
	m, err := g.New(map[string]string{"div": fmt.Sprint(board.UARTDivisor())})
	if err != nil {
		t.Fatal(err)
	}
	d, err := bitstreams.FromModule("ref4", m)
	if err != nil {
		t.Fatal(err)
	}
	top, err := board.Wrap(d.Module, d.Ports)
	if err != nil {
		t.Fatal(err)
	}
	if d.Module != r.Module {
		t.Errorf("%s was built from module %s; the generator now makes %s", dir, r.Module, d.Module)
	}
	// The committed sources (what a vendor rebuilds from, and what
	// TestCommittedRef4OverUART simulates) are the ones the flow read.
	var committed [][]byte
	for _, f := range []string{"design.v", "board_top.v"} {
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		committed = append(committed, src)
	}
	if got := bitstreams.SourceSHA256(committed...); got != r.SourceSHA256 {
		t.Errorf("%s/design.v and board_top.v are not the sources the bitstream was built from (SHA-256 %s, report %s)", dir, got, r.SourceSHA256)
	}
	if got := bitstreams.SourceSHA256(d.Verilog, top.Verilog); got != r.SourceSHA256 {
		t.Errorf("%s is stale: the ref4 Verilog has changed since it was built (source SHA-256 %s, report %s); rebuild it:\n"+
			"  pktrouter synth --config ref4 --board %s -o bitstreams/%s", dir, got, r.SourceSHA256, r.Board, dir)
	}
}
