package uartbridge

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/pktnetwork/pktrouter/firmware/proto"
	"github.com/pktnetwork/pktrouter/gen/csr"
	ub "github.com/pktnetwork/pktrouter/gen/uartbridge"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/testbenches/blocks"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// small is a register map small enough for a quick Verilator build.
var small = csr.Config{Ports: 1, Leases: 2, RateBits: 25, BurstBits: 15, LimitBits: 27, DefaultK: 8, VRouterBits: 2}

const div = ub.DefaultDivisor

// script is what the stimulus puts on rx, and the responses it must get.
type step struct {
	raw  []byte // bytes sent
	want *proto.Response
}

func script(m *csr.Map) []step {
	scratch := uint16(m.Block("ident").Addr(0, 4))
	lease1 := uint16(m.Block("lease").Addr(1, 0))
	rd := func(tag byte, a uint16) []byte {
		return proto.Request{Cmd: proto.Read, Tag: tag, Addr: a}.AppendFrame(nil)
	}
	wr := func(tag byte, a uint16, v uint32) []byte {
		return proto.Request{Cmd: proto.Write, Tag: tag, Addr: a, Data: v}.AppendFrame(nil)
	}
	badCRC := wr(5, scratch, 0x99)
	badCRC[len(badCRC)-1] ^= 0x80
	resp := func(c proto.Command, tag byte, st proto.Status, d uint32) *proto.Response {
		return &proto.Response{Cmd: c, Tag: tag, Status: st, Data: d}
	}
	return []step{
		{rd(1, 0), resp(proto.Read, 1, proto.OK, csr.Magic)},
		{wr(2, scratch, 0xcafef00d), resp(proto.Write, 2, proto.OK, 0)},
		{rd(3, scratch), resp(proto.Read, 3, proto.OK, 0xcafef00d)},
		{[]byte{0x00, 0x13, 0xa5, 0x77}, nil}, // garbage: sync, bad length
		{wr(4, lease1, 0x1234567), resp(proto.Write, 4, proto.OK, 0)},
		{badCRC, resp(proto.Write, 5, proto.BadCRC, 0)},
		{rd(6, scratch), resp(proto.Read, 6, proto.OK, 0xcafef00d)},
		{wr(7, uint16(m.Block("stats").Addr(0, 0)), 1), resp(proto.Write, 7, proto.BusError, 0)},
		{rd(8, 0xfff0), resp(proto.Read, 8, proto.BusError, 0)},
		{rd(9, lease1), resp(proto.Read, 9, proto.OK, 0x1234567)},
	}
}

// TestEnginesAgree runs the management subsystem on a scripted UART
// stimulus with random datapath inputs in the Go simulator, Icarus and
// Verilator, requires identical traces, and decodes the responses on tx.
func TestEnginesAgree(t *testing.T) {
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		tooltest.Require(t, tool)
	}
	m, err := csr.New(small)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := ub.System(ub.Config{Divisor: div}, m)
	if err != nil {
		t.Fatal(err)
	}
	d, built, err := blocks.Design(mod)
	if err != nil {
		t.Fatal(err)
	}
	steps := script(m)
	var rx []uint8
	rx = append(rx, Idle(20)...)
	for _, st := range steps {
		rx = append(rx, Levels(div, st.raw...)...)
		// Wait out the response (10 bytes) and the idle timeout.
		rx = append(rx, Idle(12*10*div+ub.DefaultIdleBits*div)...)
	}
	s, err := d.NewStimulus(len(rx))
	if err != nil {
		t.Fatal(err)
	}
	s.Randomize(rand.New(rand.NewPCG(3, 4))) // datapath inputs: counters, meters, sticky sets
	s.SetColumn(s.Index("rst"), func(c int) uint64 {
		if c < 2 {
			return 1
		}
		return 0
	})
	s.SetColumn(s.Index("rx"), func(c int) uint64 { return uint64(rx[c]) })
	traces, err := tb.RunAll(context.Background(), d, s, blocks.GoSim(built), tb.Icarus{}, tb.Verilator{})
	if err != nil {
		t.Fatal(err)
	}
	tr := traces[0]
	col := tr.Index("tx")
	tx := make([]uint64, tr.Len())
	for c := range tx {
		tx[c] = tr.Get(c, col)
	}
	bs, err := DecodeTx(div, tx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Responses(bs)
	if err != nil {
		t.Fatal(err)
	}
	var want []proto.Response
	for _, st := range steps {
		if st.want != nil {
			want = append(want, *st.want)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d responses on tx, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("response %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
