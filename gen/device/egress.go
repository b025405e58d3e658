package device

import (
	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/gen/shaper"
)

// egressModule is one egress link port: the ring the switch writes a
// frame into, its request to the shaper, and the transmitter.
//
// The ring is a block RAM of 16-bit words. A frame in it is a length
// word (its bytes) then its bytes two to a word, high byte first, so
// every frame starts on a word. The switch writes the length word in
// the cycle after the grant, then the source's words as they come
// (in_valid). When the last word is in, the port asks the shaper
// (sh_req with the frame's lease tag, bytes and priority, held until
// sh_take) and waits for its verdict (sh_vvalid): a dropped frame is
// un-written (the write pointer returns to the frame's start), an
// admitted one committed (start moves past it). The port is free for the
// next frame when no frame is being written or decided and the ring has
// room for a maximum frame.
//
// Ports (clk, rst implicit):
//
//	grant, grant_src[PB], grant_len[BB]
//	in_valid, in_data[16], in_last   the source's words -> src[PB], free
//	tx_ready -> tx_valid, tx_data[8], tx_last
//	-> sh_req, sh_lease[TB], sh_bytes[BB], sh_prio[15]; sh_take   the arrival at the shaper
//	sh_vvalid, sh_verdict[2], sh_cause[2]                          its verdict
//	-> ev_out, ev_out_bytes, ev_out_tag, ev_drop, ev_drop_cause,
//	   ev_drop_tag
func egressModule(w widths) *hdl.Module {
	RWB := w.RB - 1 // ring word address bits
	words := w.Ring / 2
	maxWords := w.MaxPkt/2 + 1 // a maximum frame and its length word
	m := hdl.NewGenerated(generator, "device_egress", hdl.P("mp", w.MaxPkt), hdl.P("words", words), hdl.P("t", w.TB))
	grant := m.Input("grant", 1)
	grantSrc := m.Input("grant_src", w.PB)
	grantLen := m.Input("grant_len", w.BB)
	inValid := m.Input("in_valid", 1)
	inData := m.Input("in_data", 16)
	inLast := m.Input("in_last", 1)
	txReady := m.Input("tx_ready", 1)

	busy := m.Reg("busy", 1)
	src := m.Reg("src_r", w.PB)
	olen := m.Reg("len", w.BB)
	ofirst := m.Reg("first", 1)
	wp := m.Reg("wp", RWB+1)
	rp := m.Reg("rp", RWB+1)
	start := m.Reg("start", RWB+1)
	wait := m.Reg("decide_wait", 1)
	used := hdl.Sub(wp, rp)
	room := hdl.Le(used, k(uint64(words-maxWords), RWB+1))
	m.Output("free", 1).Drive(hdl.And(hdl.Not(busy), hdl.Not(wait), room))
	m.Output("src", w.PB).Drive(src)
	busyEnd := m.Wire("write_end", 1)
	busy.Next(hdl.Priority(busy, hdl.When(grant, k(1, 1)), hdl.When(busyEnd, k(0, 1))))
	src.NextIf(grant, grantSrc)
	olen.NextIf(grant, grantLen)
	ofirst.Next(grant)
	dv := hdl.And(busy, inValid)
	dd := inData
	endP := hdl.And(dv, inLast)
	// MemNoRWCheck: the transmitter reads at rp only while rp != start
	// (committed words), and the switch writes at wp, at or after start and
	// less than a ring ahead of rp (the room check leaves a maximum frame's
	// words free), so a read and a write never meet on one word.
	ring := m.Memory("ring", 16, words, hdl.MemNoRWCheck())
	busyEnd.Drive(endP)
	we := hdl.Or(ofirst, dv)
	wdata := hdl.Mux(ofirst, hdl.ZExt(olen, 16), dd)
	ring.Write(we, hdl.Slice(wp, RWB-1, 0), wdata)

	// Transmitter: reads the committed words (rp up to start), takes a
	// length word, then the frame's words: the high byte goes out and the
	// low byte waits in lo, so the read port fetches the next word (or the
	// next frame's length) while lo goes out. A frame of odd length costs
	// one idle cycle on the link after it (its next length word is read
	// when its last byte goes out).
	txv := m.Reg("txv", 1)
	txd := m.Reg("txd", 8)
	txl := m.Reg("txl", 1)
	hv := m.Reg("hv", 1)                 // rd holds a word not yet taken
	tlw := m.Reg("tlw", 1, hdl.Reset(1)) // the next word is a length word
	rem := m.Reg("rem", w.BB)            // bytes of the frame not yet taken from rd
	flen := m.Reg("flen", w.BB)
	lo := m.Reg("lo", 8)
	lov := m.Reg("lov", 1)
	lol := m.Reg("lol", 1)
	tfirst := m.Reg("tfirst", 1)
	ttag := m.Reg("ttag", w.TB)
	adv := hdl.Or(hdl.Not(txv), txReady)
	ren := m.Wire("ren", 1)
	rd := ring.ReadSync(hdl.Slice(rp, RWB-1, 0), hdl.ReadEnable(ren))
	emitLo := hdl.And(lov, adv)
	// The next frame's length is taken once the last frame's last byte
	// has gone out (at the latest with it): flen counts the last frame
	// until its ev_out.
	lenTake := hdl.And(hv, tlw, hdl.Or(hdl.Not(lov), emitLo))
	dataTake := m.Wire("take", 1)
	dataTake.Drive(hdl.And(hv, hdl.Not(tlw), adv, hdl.Not(lov)))
	emit := hdl.Or(dataTake, emitLo)
	one := hdl.Eq(rem, k(1, w.BB))
	consumed := hdl.Or(lenTake, dataTake)
	ren.Drive(hdl.And(hdl.Or(hdl.Not(hv), consumed), hdl.Ne(rp, start)))
	rp.NextIf(ren, inc(rp))
	hv.Next(hdl.Priority(hv, hdl.When(ren, k(1, 1)), hdl.When(consumed, k(0, 1))))
	rem.Next(hdl.Priority(rem,
		hdl.When(lenTake, hdl.Slice(rd, w.BB-1, 0)),
		hdl.When(dataTake, hdl.Mux(one, k(0, w.BB), hdl.Sub(rem, k(2, w.BB))))))
	flen.NextIf(lenTake, hdl.Slice(rd, w.BB-1, 0))
	tlw.Next(hdl.Priority(tlw,
		hdl.When(lenTake, k(0, 1)),
		hdl.When(hdl.And(dataTake, hdl.Le(rem, k(2, w.BB))), k(1, 1))))
	lo.NextIf(dataTake, hdl.Slice(rd, 7, 0))
	lol.NextIf(dataTake, hdl.Eq(rem, k(2, w.BB)))
	lov.Next(hdl.Priority(lov, hdl.When(hdl.And(dataTake, hdl.Not(one)), k(1, 1)), hdl.When(emitLo, k(0, 1))))
	tfirst.Next(hdl.Priority(tfirst, hdl.When(lenTake, k(1, 1)), hdl.When(dataTake, k(0, 1))))
	ttag.NextIf(hdl.And(dataTake, tfirst), hdl.Slice(rd, 8+w.TB-1, 8))
	lastOut := hdl.Mux(lov, lol, one)
	txd.NextIf(emit, hdl.Mux(lov, lo, hdl.Slice(rd, 15, 8)))
	txl.NextIf(emit, lastOut)
	txv.Next(hdl.Priority(txv, hdl.When(emit, k(1, 1)), hdl.When(txReady, k(0, 1))))
	m.Output("tx_valid", 1).Drive(txv)
	m.Output("tx_data", 8).Drive(txd)
	m.Output("tx_last", 1).Drive(txl)

	// A frame is counted sent when its last byte goes into the output
	// register (the link takes it next, or when tx_ready returns).
	m.Output("ev_out", 1).Drive(hdl.And(emit, lastOut))
	m.Output("ev_out_bytes", w.BB).Drive(flen)
	m.Output("ev_out_tag", w.TB).Drive(ttag)

	// Arrival at the shaper when the last word is in: lease tag from byte
	// 0 (word 0 high), priority from the traffic class, bytes 11 (word 5
	// low) and 12 (word 6 high).
	owc := m.Reg("owc", 3)
	owc.Next(hdl.Priority(owc, hdl.When(ofirst, k(0, 3)), hdl.When(hdl.And(dv, hdl.Ne(owc, k(7, 3))), inc(owc))))
	etag := m.Reg("etag", w.TB)
	etag.NextIf(hdl.And(dv, hdl.Eq(owc, k(0, 3))), hdl.Slice(dd, 8+w.TB-1, 8))
	ephi := m.Reg("ephi", 7)
	ephi.NextIf(hdl.And(dv, hdl.Eq(owc, k(5, 3))), hdl.Slice(dd, 6, 0))
	eplo := m.Reg("eplo", 8)
	eplo.NextIf(hdl.And(dv, hdl.Eq(owc, k(6, 3))), hdl.Slice(dd, 15, 8))
	// The arrival waits in sh_req until the shaper takes it (sh_take: the
	// device's shaper serves one arrival a cycle for all its ports); its
	// verdict comes back on sh_v* (see Core).
	req := m.Reg("sh_req_q", 1)
	take := m.Input("sh_take", 1)
	req.Next(hdl.Priority(req, hdl.When(endP, k(1, 1)), hdl.When(take, k(0, 1))))
	m.Output("sh_req", 1).Drive(req)
	m.Output("sh_lease", w.TB).Drive(etag)
	m.Output("sh_bytes", w.BB).Drive(olen)
	m.Output("sh_prio", shaper.PrioBits).Drive(hdl.Slice(hdl.Concat(ephi, eplo), shaper.PrioBits-1, 0))
	vv := m.Input("sh_vvalid", 1)
	dropped := hdl.And(vv, hdl.Eq(m.Input("sh_verdict", 2), k(shaper.CodeDropped, 2)))
	wait.Next(hdl.Priority(wait, hdl.When(endP, k(1, 1)), hdl.When(vv, k(0, 1))))
	wp.Next(hdl.Priority(wp, hdl.When(dropped, start), hdl.When(we, inc(wp))))
	start.NextIf(hdl.And(vv, hdl.Not(dropped)), wp)
	m.Output("ev_drop", 1).Drive(dropped)
	m.Output("ev_drop_cause", 2).Drive(m.Input("sh_cause", 2))
	m.Output("ev_drop_tag", w.TB).Drive(etag)
	return m
}

// cpuEgressModule is the CPU port's egress: it has no shaper and no ring
// (CPU frames are few: the index table's self entry and label errors), so
// it sends the frame straight from its source's slot, pacing the
// source's sender (pace: one word, then the next while the last one's
// low byte goes out), and the slot stays full until the frame has left.
// In front of the frame goes the reason byte (model/device.CPUFrame).
//
// Ports (clk, rst implicit):
//
//	grant, grant_src[PB], grant_len[BB], grant_reason[8]
//	in_valid, in_data[16], in_last -> src[PB], busy, free, pace
//	tx_ready -> tx_valid, tx_data[8], tx_last
//	-> ev_out, ev_out_bytes
func cpuEgressModule(w widths) *hdl.Module {
	m := hdl.NewGenerated(generator, "device_egress_cpu", hdl.P("mp", w.MaxPkt))
	grant := m.Input("grant", 1)
	grantSrc := m.Input("grant_src", w.PB)
	grantLen := m.Input("grant_len", w.BB)
	grantReason := m.Input("grant_reason", 8)
	inValid := m.Input("in_valid", 1)
	inData := m.Input("in_data", 16)
	_ = m.Input("in_last", 1) // the frame's end is its length
	txReady := m.Input("tx_ready", 1)

	busy := m.Reg("busy_r", 1)
	src := m.Reg("src_r", w.PB)
	flen := m.Reg("flen", w.BB) // bytes out, the reason byte included
	rem := m.Reg("rem", w.BB)   // frame bytes not yet taken from the word
	wreq := m.Reg("wreq", w.BB) // frame words not yet arrived
	rsn := m.Reg("rsn", 8)
	rs := m.Reg("rs", 1) // the reason byte is still to go
	cw := m.Reg("cw", 16)
	hv := m.Reg("hv", 1) // cw holds a word not yet taken
	pl := m.Reg("pl", 1) // a word was asked for last cycle
	lo := m.Reg("lo", 8)
	lov := m.Reg("lov", 1)
	lol := m.Reg("lol", 1)
	txv := m.Reg("txv", 1)
	txd := m.Reg("txd", 8)
	txl := m.Reg("txl", 1)

	adv := hdl.Or(hdl.Not(txv), txReady)
	emitR := hdl.And(rs, adv)
	emitLo := hdl.And(hdl.Not(rs), lov, adv)
	takeHi := m.Wire("take", 1)
	takeHi.Drive(hdl.And(busy, hdl.Not(rs), hdl.Not(lov), hv, adv))
	emit := hdl.Or(emitR, emitLo, takeHi)
	one := hdl.Eq(rem, k(1, w.BB))
	lastOut := hdl.Mux(lov, lol, hdl.And(hdl.Not(rs), one))
	frameEnd := hdl.And(emit, hdl.Not(emitR), lastOut)
	arrive := hdl.And(busy, inValid)
	// Ask for a word when none is held (or the held one goes out now), none
	// was asked for last cycle and the frame has words still to come; the
	// source pauses while the header unit reads its slot, and a request it
	// missed is simply made again. The source's sender moves only when
	// asked while this port is busy with it, so no word of its next frame
	// (to another port) arrives here.
	pace := hdl.And(busy, hdl.Not(pl), hdl.Or(hdl.Not(hv), takeHi), hdl.Ne(wreq, k(0, w.BB)))
	m.Output("pace", 1).Drive(pace)
	pl.Next(pace)

	busy.Next(hdl.Priority(busy, hdl.When(grant, k(1, 1)), hdl.When(frameEnd, k(0, 1))))
	src.NextIf(grant, grantSrc)
	flen.NextIf(grant, inc(grantLen))
	rsn.NextIf(grant, grantReason)
	rs.Next(hdl.Priority(rs, hdl.When(grant, k(1, 1)), hdl.When(emitR, k(0, 1))))
	cw.NextIf(arrive, inData)
	wreq.Next(hdl.Priority(wreq,
		hdl.When(grant, hdl.Shr(inc(grantLen), 1)),
		hdl.When(arrive, hdl.Sub(wreq, k(1, w.BB)))))
	hv.Next(hdl.Priority(hv, hdl.When(grant, k(0, 1)), hdl.When(arrive, k(1, 1)), hdl.When(takeHi, k(0, 1))))
	rem.Next(hdl.Priority(rem,
		hdl.When(grant, grantLen),
		hdl.When(takeHi, hdl.Mux(one, k(0, w.BB), hdl.Sub(rem, k(2, w.BB))))))
	lo.NextIf(takeHi, hdl.Slice(cw, 7, 0))
	lol.NextIf(takeHi, hdl.Eq(rem, k(2, w.BB)))
	lov.Next(hdl.Priority(lov, hdl.When(hdl.And(takeHi, hdl.Not(one)), k(1, 1)), hdl.When(emitLo, k(0, 1))))
	txd.NextIf(emit, hdl.Priority(hdl.Slice(cw, 15, 8), hdl.When(rs, rsn), hdl.When(lov, lo)))
	txl.NextIf(emit, hdl.And(hdl.Not(emitR), lastOut))
	txv.Next(hdl.Priority(txv, hdl.When(emit, k(1, 1)), hdl.When(txReady, k(0, 1))))
	m.Output("tx_valid", 1).Drive(txv)
	m.Output("tx_data", 8).Drive(txd)
	m.Output("tx_last", 1).Drive(txl)
	m.Output("src", w.PB).Drive(src)
	m.Output("busy", 1).Drive(busy)
	m.Output("free", 1).Drive(hdl.Not(busy))
	m.Output("ev_out", 1).Drive(frameEnd)
	m.Output("ev_out_bytes", w.BB).Drive(flen)
	return m
}
