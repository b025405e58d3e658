package firmware_test

import (
	"net"
	"testing"
	"time"

	"github.com/pktnetwork/pktrouter/firmware"
	"github.com/pktnetwork/pktrouter/firmware/proto"
	"github.com/pktnetwork/pktrouter/firmware/regs"
	"github.com/pktnetwork/pktrouter/firmware/simline"
	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// TestSerialOverTCP serves the simulated board on a TCP socket and drives
// it with Serial over the connection: the deadline path a real port or a
// pty takes, including recovery from garbage by timeout and retry.
func TestSerialOverTCP(t *testing.T) {
	m, err := csr.Ref4()
	if err != nil {
		t.Fatal(err)
	}
	w, err := simline.New(uartbridge.Config{Divisor: uartbridge.DefaultDivisor}, m)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback TCP: %v", err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		served <- w.Serve(c)
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := firmware.NewSerial(conn, firmware.SerialOptions{Timeout: 2 * time.Second, IdleGap: 20 * time.Millisecond})
	d := firmware.NewDriver(s)
	if _, err := d.Probe(); err != nil {
		t.Fatal(err)
	}
	scratch, _ := regs.IdentAddr(0, regs.IdentScratchWord)
	if err := s.WriteReg(scratch, 0x51515151); err != nil {
		t.Fatal(err)
	}
	// A truncated frame on the line: the next request is swallowed, the
	// device answers BAD_CRC, the host retries after a quiet gap.
	junk := proto.Request{Cmd: proto.Write, Tag: 0xee, Addr: scratch, Data: 0xbad}.AppendFrame(nil)[:7]
	if _, err := conn.Write(junk); err != nil {
		t.Fatal(err)
	}
	before := s.Stats
	got, err := s.ReadReg(scratch)
	if err != nil || got != 0x51515151 {
		t.Fatalf("scratch = %#x, %v after garbage", got, err)
	}
	if s.Stats.Attempts-before.Attempts != 2 || s.Stats.CRCErrors-before.CRCErrors != 1 {
		t.Fatalf("recovery took %+v (before %+v), want one BAD_CRC and one retry", s.Stats, before)
	}
	conn.Close()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the client closed")
	}
}
