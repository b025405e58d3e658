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
