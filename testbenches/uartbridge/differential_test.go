package uartbridge

import (
	"math/rand/v2"
	"testing"

	"github.com/pktnetwork/pktrouter/firmware/proto"
	"github.com/pktnetwork/pktrouter/firmware/simline"
	"github.com/pktnetwork/pktrouter/gen/csr"
	ub "github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// randomStream mixes valid requests, corrupted ones, truncated ones, bare
// sync bytes with random lengths and noise.
func randomStream(r *rand.Rand, m *csr.Map, n int) []byte {
	var out []byte
	for len(out) < n {
		addr := uint16(r.IntN(0x500))
		if r.IntN(2) == 0 { // often a real register
			b := m.Blocks[r.IntN(len(m.Blocks))]
			addr = uint16(b.Addr(r.IntN(b.Count), r.IntN(b.Words)))
		}
		req := proto.Request{Cmd: proto.Command(1 + r.IntN(2)), Tag: byte(r.Uint32()), Addr: addr, Data: r.Uint32()}
		f := req.AppendFrame(nil)
		switch r.IntN(7) {
		case 0:
			f[2+r.IntN(len(f)-2)] ^= byte(1 << r.IntN(8)) // corrupt
		case 1:
			f = f[:1+r.IntN(len(f)-1)] // truncated
		case 2:
			f = []byte{ub.SyncRequest, byte(r.IntN(12))}
		case 3:
			f = make([]byte, 1+r.IntN(6))
			for i := range f {
				f[i] = byte(r.Uint32())
			}
		case 4: // a well-formed frame with an odd command or length
			body := make([]byte, ub.MinRequestLen+r.IntN(ub.MaxRequestLen-ub.MinRequestLen+1))
			for i := range body {
				body[i] = byte(r.Uint32())
			}
			body[0] = byte(r.IntN(4))
			f = proto.AppendFrame(nil, ub.SyncRequest, body)
		}
		out = append(out, f...)
	}
	return out
}

// want is the response the bridge must give to a frame the Go decoder
// found: event CRCError or Frame with its body.
func want(m *csr.Map, ev proto.Event, body []byte) proto.Response {
	r := proto.Response{Cmd: proto.Command(body[0] &^ ub.RespFlag), Tag: body[1]}
	if ev == proto.CRCError {
		r.Status = proto.BadCRC
		return r
	}
	req, err := proto.ParseRequest(body)
	switch {
	case err != nil && req.Cmd != proto.Read && req.Cmd != proto.Write:
		r.Status = proto.BadCmd
	case err != nil:
		r.Status = proto.BadLen
	default:
		ok := false
		for _, b := range m.Blocks {
			a := int(req.Addr)
			if a >= b.Base && a < b.Base+b.Span {
				i, w := (a-b.Base)/b.Stride, (a-b.Base)%b.Stride
				ok = i < b.Count && w < b.Words
				if req.Cmd == proto.Write {
					writable := false
					for _, f := range b.Fields {
						if f.Word == w && (f.Kind == csr.RW || f.Kind == csr.Sticky) {
							writable = true
						}
					}
					ok = ok && writable
				}
			}
		}
		if !ok {
			r.Status = proto.BusError
		}
	}
	return r
}

// TestParserMatchesDecoder sends random streams byte by byte to the RTL
// bridge and to firmware/proto's request decoder: every frame the decoder
// completes (good or bad CRC) must get exactly one response from the
// hardware, with the status the protocol defines, and nothing else may
// answer. After each completed frame the line waits for the response, as a
// host does; data values are not checked here (the other tests do).
func TestParserMatchesDecoder(t *testing.T) {
	m, err := csr.New(small)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[proto.Status]int{}
	for seed := uint64(1); seed <= 3; seed++ {
		w, err := simline.New(ub.Config{Divisor: div}, m)
		if err != nil {
			t.Fatal(err)
		}
		w.ReadTimeoutCycles = 14 * 10 * div
		r := rand.New(rand.NewPCG(seed, 99))
		dec := proto.NewRequestDecoder()
		resp := proto.NewResponseDecoder()
		frames := 0
		buf := make([]byte, 16)
		for _, b := range randomStream(r, m, 600) {
			if _, err := w.Write([]byte{b}); err != nil {
				t.Fatal(err)
			}
			ev := dec.Push(b)
			if ev == proto.None {
				continue
			}
			frames++
			exp := want(m, ev, dec.Body())
			var got []proto.Response
			for {
				n, err := w.Read(buf)
				for _, c := range buf[:n] {
					switch resp.Push(c) {
					case proto.Frame:
						g, perr := proto.ParseResponse(resp.Body())
						if perr != nil {
							t.Fatalf("seed %d frame %d: %v", seed, frames, perr)
						}
						g.Data = 0
						got = append(got, g)
					case proto.CRCError:
						t.Fatalf("seed %d frame %d: response with a bad CRC", seed, frames)
					}
				}
				if err != nil {
					break // timeout: the response, if any, is complete
				}
			}
			seen[exp.Status]++
			if len(got) != 1 || got[0] != exp {
				t.Fatalf("seed %d frame %d (% x, %v): responses %+v, want %+v", seed, frames, dec.Body(), ev, got, exp)
			}
		}
		if frames < 20 {
			t.Fatalf("seed %d: only %d frames in the stream", seed, frames)
		}
	}
	for _, st := range []proto.Status{proto.OK, proto.BadCRC, proto.BadLen, proto.BadCmd, proto.BusError} {
		if seen[st] == 0 {
			t.Errorf("no %v response in the random streams (seen %v)", st, seen)
		}
	}
	t.Logf("responses by status: %v", seen)
}
