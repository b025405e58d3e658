package simline

import (
	"errors"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
)

func TestWireEdges(t *testing.T) {
	m, err := csr.New(csr.Config{Ports: 1, Leases: 1, RateBits: 8, BurstBits: 8, LimitBits: 8, VRouterBits: 1})
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(uartbridge.Config{Divisor: 4}, m)
	if err != nil {
		t.Fatal(err)
	}
	w.ReadTimeoutCycles = 100
	// Nothing sent, nothing comes back: a timeout error that says so.
	buf := make([]byte, 4)
	n, err := w.Read(buf)
	var te interface{ Timeout() bool }
	if n != 0 || !errors.As(err, &te) || !te.Timeout() {
		t.Fatalf("Read on a silent line = %d, %v; want a timeout", n, err)
	}
	if busy, err := w.busy(); err != nil || busy {
		t.Fatalf("idle board busy = %v, %v", busy, err)
	}
	if err := w.SendBits(0, 2); err == nil || !strings.Contains(err.Error(), "level 2") {
		t.Fatalf("SendBits(0, 2) = %v", err)
	}
	// A lone sync byte leaves the bridge waiting for LEN: busy until its
	// idle timeout.
	if _, err := w.Write([]byte{uartbridge.SyncRequest}); err != nil {
		t.Fatal(err)
	}
	if busy, _ := w.busy(); !busy {
		t.Fatal("bridge not busy after a sync byte")
	}
	if err := w.Quiet(); err != nil {
		t.Fatal(err)
	}
	if busy, _ := w.busy(); busy {
		t.Fatal("bridge still busy after the idle timeout")
	}
	if _, err := New(uartbridge.Config{Divisor: 1}, m); err == nil {
		t.Fatal("New accepted divisor 1")
	}
}

// TestHostLoopback wires the host's transmitter to its own receiver
// through a board that only echoes the level (rx to tx): what Write sends
// is what Read gets, and a character with a 0 stop bit is a framing
// error, not a byte.
func TestHostLoopback(t *testing.T) {
	var h *Host
	cycles := 0
	h = NewHost(5, 40, func() error {
		cycles++
		h.Sample(h.Level())
		return nil
	})
	msg := []byte{0x00, 0xff, 0xa5, 0x5a, 0x01}
	if _, err := h.Write(msg); err != nil {
		t.Fatal(err)
	}
	if cycles != 5*10*len(msg) {
		t.Fatalf("Write took %d cycles, want %d (10 bit times of 5 cycles a byte)", cycles, 5*10*len(msg))
	}
	got := make([]byte, 16)
	n, err := h.Read(got)
	if err != nil {
		t.Fatal(err)
	}
	// The last character's stop bit is sampled mid-bit, before Write
	// returns, so every byte is in.
	if string(got[:n]) != string(msg) {
		t.Fatalf("looped back % x, want % x", got[:n], msg)
	}
	if err := h.SendBits(0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1); err != nil {
		t.Fatal(err)
	}
	if h.FramingErrors != 1 {
		t.Fatalf("FramingErrors = %d after a 0 stop bit, want 1", h.FramingErrors)
	}
	if n, err := h.Read(got); n != 0 || err == nil {
		t.Fatalf("Read after a framing error = %d, %v; want a timeout", n, err)
	}
	if h.Busy() {
		t.Fatal("host busy on an idle line")
	}
}
