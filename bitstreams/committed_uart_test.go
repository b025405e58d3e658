package bitstreams_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/bitstreams"
	"github.com/pktnetwork/pktrouter/firmware/proto"
	"github.com/pktnetwork/pktrouter/firmware/regs"
	gendev "github.com/pktnetwork/pktrouter/gen/device"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/label"
	tbdev "github.com/pktnetwork/pktrouter/testbenches/device"
)

// The Verilog the committed ref4 bitstream was built from, board top
// included (power-on reset, UART pins, loopbacks), boots, talks and routes:
// Icarus runs bitstreams/ref4-hx8k/design.v and board_top.v with the board's
// 12 MHz clock and a serial line at the board's divisor. Over the UART the
// firmware's protocol writes the scratch register, reads back the identity
// (magic, map hash) and the scratch value, and writes the index table
// entries of one lease on port 0 and one on port 1 (regs' accessors); then a
// frame sent into link 0's pins leaves link 1's pins with its label
// forwarded as label.Scheme.Forward says and its payload intact. This is
// the check that what is flashed works, beside TestCommittedRef4Bitstream's
// check that it is current.
func TestCommittedRef4OverUART(t *testing.T) {
	iverilog := tooltest.Require(t, "iverilog")
	vvp := tooltest.Require(t, "vvp")
	const dir = "ref4-hx8k"
	board, err := bitstreams.LookupBoard("ice40-hx8k-breakout")
	if err != nil {
		t.Fatal(err)
	}
	div := board.UARTDivisor()
	if raw, err := os.ReadFile(filepath.Join(dir, "report.md")); err != nil || !bytes.Contains(raw, []byte(fmt.Sprintf("div=%d", div))) {
		t.Fatalf("%s/report.md does not name UART divisor div=%d (err %v)", dir, div, err)
	}
	addr := func(w int) uint16 {
		a, err := regs.IdentAddr(0, w)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	const scratch = 0x5ca1ab1e
	reqs := []proto.Request{
		{Cmd: proto.Write, Tag: 1, Addr: addr(regs.IdentScratchWord), Data: scratch},
		{Cmd: proto.Read, Tag: 2, Addr: addr(regs.IdentMagicWord)},
		{Cmd: proto.Read, Tag: 3, Addr: addr(regs.IdentMapHashWord)},
		{Cmd: proto.Read, Tag: 4, Addr: addr(regs.IdentScratchWord)},
	}
	want := []uint32{0, regs.Magic, regs.MapHash, scratch}
	// One lease in, one out, in one virtual router: the index table is
	// all the configuration a forwarded frame needs (leases at their
	// reset values: no guarantee, no limit).
	cfg := gendev.Ref4.Config
	ingress, egress := cfg.Interface(0, 1), cfg.Interface(1, 1)
	rec := &recorder{}
	for _, e := range []struct {
		n    uint32
		port uint8
	}{{ingress, 0}, {egress, 1}} {
		if err := regs.WriteIface(rec, int(e.n), regs.Iface{Valid: true, Port: e.port, Lease: 1, Vrouter: 1}); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range rec.writes {
		reqs = append(reqs, proto.Request{Cmd: proto.Write, Tag: byte(10 + i), Addr: w.addr, Data: w.v})
		want = append(want, 0)
	}
	lbl, err := tbdev.Path(label.V358, egress)
	if err != nil {
		t.Fatal(err)
	}
	hdr := label.Header{Label: lbl, Version: 1, TrafficClass: 0x4000}
	frame := hdr.AppendTo([]byte{1})
	for i := 0; i < 40; i++ {
		frame = append(frame, byte(i*7+3))
	}
	to, fwd, err := label.V358.Forward(hdr, ingress, func(uint32) bool { return true })
	if err != nil || to != egress {
		t.Fatalf("label.Forward: to %d, %v; want %d", to, err, egress)
	}

	// The testbench sends each request's frame bit by bit and waits long
	// enough for its answer (a read's response frame is 10 bytes) before
	// the next; a receiver samples uart_tx mid-bit and prints each byte.
	var b strings.Builder
	fmt.Fprintf(&b, "`timescale 1ns/1ps\nmodule tb;\n  localparam DIV = %d;\n", div)
	b.WriteString(`  reg clk = 1'b0;
  always #1 clk = ~clk;
  reg rx = 1'b1;
  wire tx;
  reg p0v = 1'b0, p0l = 1'b0;
  reg [7:0] p0d = 8'd0;
  wire p0r, p1v, p1l;
  wire [7:0] p1d;
  board_top dut(.clk(clk), .uart_rx(rx), .uart_tx(tx),
    .p0_rx_valid(p0v), .p0_rx_data(p0d), .p0_rx_last(p0l), .p0_rx_ready(p0r), .p0_tx_valid(), .p0_tx_data(), .p0_tx_last(), .p0_tx_ready(1'b1),
    .p1_rx_valid(1'b0), .p1_rx_data(8'd0), .p1_rx_last(1'b0), .p1_rx_ready(), .p1_tx_valid(p1v), .p1_tx_data(p1d), .p1_tx_last(p1l), .p1_tx_ready(1'b1), .led());
  task send(input [7:0] v);
    integer i;
    begin
      rx = 1'b0; repeat (DIV) @(posedge clk);
      for (i = 0; i < 8; i = i + 1) begin rx = v[i]; repeat (DIV) @(posedge clk); end
      rx = 1'b1; repeat (DIV) @(posedge clk);
    end
  endtask
  integer j;
  reg [7:0] got;
  always begin
    @(negedge tx);
    repeat (DIV / 2) @(posedge clk);
    if (tx == 1'b0) begin
      for (j = 0; j < 8; j = j + 1) begin repeat (DIV) @(posedge clk); got[j] = tx; end
      repeat (DIV) @(posedge clk);
      $display("RX %h", got);
    end
  end
  initial begin
    repeat (1000) @(posedge clk); // power-on reset, then the decoder's shadow RAM init
`)
	for _, r := range reqs {
		for _, x := range r.AppendFrame(nil) {
			fmt.Fprintf(&b, "    send(8'h%02x);\n", x)
		}
		fmt.Fprintf(&b, "    repeat (%d) @(posedge clk);\n", 14*10*div)
	}
	// The frame into link 0, a byte a cycle while rx_ready: the pins
	// change and are sampled at the falling edge, so the design's rising
	// edge sees them settled. Link 1's bytes are printed as they leave
	// (tx_ready is held high: a byte a cycle while tx_valid).
	for i, x := range frame {
		fmt.Fprintf(&b, "    @(negedge clk); p0v = 1'b1; p0d = 8'h%02x; p0l = 1'b%d; while (!p0r) @(negedge clk);\n", x, b2i(i == len(frame)-1))
	}
	b.WriteString("    @(negedge clk); p0v = 1'b0; p0l = 1'b0;\n    repeat (2000) @(posedge clk);\n    $finish;\n  end\n")
	b.WriteString("  always @(negedge clk) if (p1v) $display(\"P1 %h %b\", p1d, p1l);\nendmodule\n")

	work := t.TempDir()
	tb := filepath.Join(work, "tb.v")
	if err := os.WriteFile(tb, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	simBin := filepath.Join(work, "sim")
	if out, err := exec.Command(iverilog, "-g2005", "-o", simBin, tb, filepath.Join(dir, "design.v"), filepath.Join(dir, "board_top.v")).CombinedOutput(); err != nil {
		t.Fatalf("iverilog: %v\n%s", err, out)
	}
	out, err := exec.Command(vvp, "-n", simBin).CombinedOutput()
	if err != nil {
		t.Fatalf("vvp: %v\n%s", err, out)
	}

	dec := proto.NewResponseDecoder()
	var resps []proto.Response
	var sent []byte
	ended := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if f := strings.Fields(line); len(f) == 3 && f[0] == "P1" {
			v, err := strconv.ParseUint(f[1], 16, 8)
			if err != nil || ended {
				t.Fatalf("link 1: %q after %d bytes (frame ended: %v)", line, len(sent), ended)
			}
			sent, ended = append(sent, byte(v)), f[2] == "1"
			continue
		}
		hex, ok := strings.CutPrefix(line, "RX ")
		if !ok {
			continue
		}
		v, err := strconv.ParseUint(hex, 16, 8)
		if err != nil {
			t.Fatalf("uart_tx byte %q: %v", hex, err)
		}
		if dec.Push(byte(v)) == proto.Frame {
			r, err := proto.ParseResponse(dec.Body())
			if err != nil {
				t.Fatal(err)
			}
			resps = append(resps, r)
		}
	}
	if len(resps) != len(reqs) {
		t.Fatalf("%d responses on uart_tx, want %d; simulator output:\n%s", len(resps), len(reqs), out)
	}
	for i, r := range resps {
		if r.Tag != reqs[i].Tag || r.Cmd != reqs[i].Cmd || r.Status != proto.OK || r.Data != want[i] {
			t.Errorf("request %d (%s %#04x): response %+v, want tag %d, ok, data %#08x", i, reqs[i].Cmd, reqs[i].Addr, r, reqs[i].Tag, want[i])
		}
	}
	// Out of link 1: the egress lease tag, the forwarded header (the
	// traffic class is the meter's and cap's to rewrite), the payload.
	wantOut := fwd.AppendTo([]byte{1})
	if !ended || len(sent) != len(frame) || sent[0] != 1 || !bytes.Equal(sent[1:11], wantOut[1:11]) || !bytes.Equal(sent[13:], frame[13:]) {
		t.Fatalf("link 1 sent %x (whole frame: %v)\nwant    %x (traffic class bytes 11..12 aside)", sent, ended, wantOut)
	}
}

// recorder is a regs.Bus that keeps the writes, in order.
type recorder struct {
	writes []struct {
		addr uint16
		v    uint32
	}
}

func (r *recorder) ReadReg(addr uint16) (uint32, error) {
	return 0, fmt.Errorf("recorder: no reads (%#04x)", addr)
}

func (r *recorder) WriteReg(addr uint16, v uint32) error {
	r.writes = append(r.writes, struct {
		addr uint16
		v    uint32
	}{addr, v})
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
