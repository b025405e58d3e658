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

	"github.com/pktnetwork/pktrouter/firmware/proto"
	"github.com/pktnetwork/pktrouter/firmware/regs"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// The Verilog the committed ref4 bitstream was built from, board top
// included (power-on reset, UART pins, loopbacks), answers the management
// protocol: Icarus runs bitstreams/ref4-hx8k/design.v and board_top.v with
// the board's 12 MHz clock and a serial line at the board's divisor, and the
// firmware's protocol package writes the scratch register and reads back
// the identity (magic, map hash) and the scratch value. This is the check
// that what is flashed boots and talks, beside TestCommittedRef4Bitstream's
// check that it is current.
func TestCommittedRef4OverUART(t *testing.T) {
	iverilog := tooltest.Require(t, "iverilog")
	vvp := tooltest.Require(t, "vvp")
	const dir = "ref4-hx8k"
	const div = 104 // 12 MHz / 115,200 baud, as the report's notes say
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

	// The testbench sends each request's frame bit by bit and waits long
	// enough for its answer (a read's response frame is 10 bytes) before
	// the next; a receiver samples uart_tx mid-bit and prints each byte.
	var b strings.Builder
	fmt.Fprintf(&b, "`timescale 1ns/1ps\nmodule tb;\n  localparam DIV = %d;\n", div)
	b.WriteString(`  reg clk = 1'b0;
  always #1 clk = ~clk;
  reg rx = 1'b1;
  wire tx;
  board_top dut(.clk(clk), .uart_rx(rx), .uart_tx(tx),
    .p0_rx_valid(1'b0), .p0_rx_data(8'd0), .p0_rx_last(1'b0), .p0_rx_ready(), .p0_tx_valid(), .p0_tx_data(), .p0_tx_last(), .p0_tx_ready(1'b1),
    .p1_rx_valid(1'b0), .p1_rx_data(8'd0), .p1_rx_last(1'b0), .p1_rx_ready(), .p1_tx_valid(), .p1_tx_data(), .p1_tx_last(), .p1_tx_ready(1'b1), .led());
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
	b.WriteString("    $finish;\n  end\nendmodule\n")

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
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		hex, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "RX ")
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
}
