package uartbridge

import (
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/firmware/proto"
	ub "github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/sim"
)

// runBridge drives the bridge alone: rx from levels, a bus slave that
// answers after latency cycles (never when latency < 0) with rdata and err,
// and returns the decoded responses and the bus requests it saw.
func runBridge(t *testing.T, levels []uint8, latency int, rdata uint64, berr bool) ([]proto.Response, []uint64) {
	t.Helper()
	mod, err := ub.New(ub.Config{Divisor: div})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(mod)
	if err != nil {
		t.Fatal(err)
	}
	s.Reset()
	var tx, reqs []uint64
	pending := -1
	peek := func(n string) uint64 {
		v, err := s.Peek(n)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	poke := func(n string, v uint64) {
		if err := s.Poke(n, v); err != nil {
			t.Fatal(err)
		}
	}
	for c := 0; c < len(levels); c++ {
		poke("rx", uint64(levels[c]))
		ready := uint64(0)
		if pending == 0 {
			ready = 1
		}
		if pending >= 0 {
			pending--
		}
		poke("bus_ready", ready)
		poke("bus_rdata", rdata*ready)
		poke("bus_err", ready*map[bool]uint64{true: 1, false: 0}[berr])
		if peek("bus_re")|peek("bus_we") == 1 {
			reqs = append(reqs, peek("bus_addr"))
			if latency >= 0 {
				pending = latency
			}
		}
		tx = append(tx, peek("tx"))
		s.Step(1)
	}
	bs, err := DecodeTx(div, tx)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Responses(bs)
	if err != nil {
		t.Fatal(err)
	}
	return rs, reqs
}

// TestBusHandshake checks the bridge's bus master against slaves of
// different latency, one that reports errors and one that never answers.
func TestBusHandshake(t *testing.T) {
	read := proto.Request{Cmd: proto.Read, Tag: 0x33, Addr: 0x1234}.AppendFrame(nil)
	levels := append(append(Idle(10), Levels(div, read...)...), Idle(ub.BusTimeoutCycles+15*10*div)...)
	for _, tc := range []struct {
		name    string
		latency int
		err     bool
		want    proto.Response
	}{
		{"next cycle", 0, false, proto.Response{Cmd: proto.Read, Tag: 0x33, Data: 0xa1b2c3d4}},
		{"slow slave", 100, false, proto.Response{Cmd: proto.Read, Tag: 0x33, Data: 0xa1b2c3d4}},
		{"bus error", 2, true, proto.Response{Cmd: proto.Read, Tag: 0x33, Status: proto.BusError}},
		{"no answer", -1, false, proto.Response{Cmd: proto.Read, Tag: 0x33, Status: proto.BusTimeout}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, reqs := runBridge(t, levels, tc.latency, 0xa1b2c3d4, tc.err)
			if len(reqs) != 1 || reqs[0] != 0x1234 {
				t.Fatalf("bus requests %x, want one at 0x1234", reqs)
			}
			if len(rs) != 1 || rs[0] != tc.want {
				t.Fatalf("responses %+v, want %+v", rs, tc.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		c    ub.Config
		want string
	}{
		{ub.Config{Divisor: 3}, "divisor 3"},
		{ub.Config{Divisor: ub.MaxDivisor + 1}, "divisor"},
		{ub.Config{Divisor: 8, IdleBits: 5}, "idle timeout 5"},
	} {
		_, err := ub.New(tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.c, err, tc.want)
		}
	}
}
