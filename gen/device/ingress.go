package device

import (
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// ingressModule is one port's ingress (the same module for every port,
// the CPU port included): the receiver into two slots of a block RAM, the
// port's place in the header unit's queue, and the sender that streams a
// switched frame out of its slot.
//
// Ports (clk, rst implicit):
//
//	rx_valid, rx_data[8], rx_last -> rx_ready     the frame stream in
//	h_grant      the header unit takes the next frame (req, plen)
//	h_read, h_word[3]   it reads that word of the frame's slot
//	wb_en, wb_word[3], wb_data[16]   its write-back
//	h_res, h_dest                    its verdict
//	sw_start     the switch starts the transfer of the frame leaving
//	             (idle, jdest, tlen)
//	pace         the egress port takes a word (always, but for the CPU
//	             port, which sends straight from the slot)
//	-> rdata[16] (the slot read port, one cycle after its address),
//	   rx_write (the receiver writes the slot this cycle), rv, rl (a
//	   word of the transfer is on rdata; it is the last), ev_runt,
//	   ev_oversize
//
// The header unit may work on one slot's frame while the other slot's
// frame crosses the switch, so a port's frames need the header unit's
// time or the transfer's, whichever is longer, not both.
func ingressModule(w widths) *hdl.Module {
	JDB := jdb(w)
	WB := w.OB - 1 // word offset inside a slot
	m := hdl.NewGenerated(generator, "device_ingress", hdl.P("mp", w.MaxPkt), hdl.P("d", JDB))
	rxValid := m.Input("rx_valid", 1)
	rxData := m.Input("rx_data", 8)
	rxLast := m.Input("rx_last", 1)
	granted := m.Input("h_grant", 1)
	hRead := m.Input("h_read", 1)
	hWord := m.Input("h_word", 3)
	wbEn := m.Input("wb_en", 1)
	wbWord := m.Input("wb_word", 3)
	wbData := m.Input("wb_data", 16)
	res := m.Input("h_res", 1)
	hDest := m.Input("h_dest", JDB)
	start := m.Input("sw_start", 1)
	pace := m.Input("pace", 1)

	// The two slots are a ring of frames: wslot is being received, hslot
	// is the next for the header unit, tslot the next to leave. A slot is
	// full from its last byte until it has left; ver says the header unit
	// has given its verdict (jdest).
	wslot := m.Reg("wslot", 1)
	hslot := m.Reg("hslot", 1)
	tslot := m.Reg("tslot", 1)
	full := m.Reg("full", 2)
	ver := m.Reg("ver", 2)
	hin := m.Reg("hin", 1) // the header unit holds hslot's frame
	wcnt := m.Reg("wcnt", w.BB+1)
	hb := m.Reg("hb", 8) // the byte at an even offset, waiting for its odd partner
	plen := [2]*hdl.Signal{m.Reg("plen0", w.BB), m.Reg("plen1", w.BB)}
	jdest := [2]*hdl.Signal{m.Reg("jdest0", JDB), m.Reg("jdest1", JDB)}
	sel := func(slot hdl.Value, v [2]*hdl.Signal) hdl.Value { return hdl.Mux(slot, v[1], v[0]) }
	bit := func(v, slot hdl.Value) hdl.Value { return hdl.Bit(hdl.ShrV(v, slot), 0) }
	onehot := func(en, slot hdl.Value) hdl.Value { return hdl.Mux(en, hdl.ShlV(k(1, 2), slot), k(0, 2)) }

	rxReady := hdl.Not(bit(full, wslot))
	m.Output("rx_ready", 1).Drive(rxReady)
	acc := m.Wire("rx_acc", 1)
	acc.Drive(hdl.And(rxValid, rxReady))
	endF := hdl.And(acc, rxLast)
	// A frame is good with 13 .. MaxPkt bytes: wcnt (bytes before this
	// one) in 12 .. MaxPkt-1.
	good := hdl.And(hdl.Ge(wcnt, k(12, w.BB+1)), hdl.Lt(wcnt, k(uint64(w.MaxPkt), w.BB+1)))
	gEnd := m.Wire("rx_good", 1)
	gEnd.Drive(hdl.And(endF, good))
	m.Output("ev_runt", 1).Drive(hdl.And(endF, hdl.Lt(wcnt, k(12, w.BB+1))))
	m.Output("ev_oversize", 1).Drive(hdl.And(endF, hdl.Ge(wcnt, k(uint64(w.MaxPkt), w.BB+1))))
	sat := hdl.Eq(wcnt, k(uint64(w.MaxPkt+1), w.BB+1))
	wcnt.NextIf(acc, hdl.Mux(rxLast, k(0, w.BB+1), hdl.Mux(sat, wcnt, inc(wcnt))))
	wslot.NextIf(gEnd, hdl.Not(wslot))
	odd := hdl.Bit(wcnt, 0)
	hb.NextIf(hdl.And(acc, hdl.Not(odd)), rxData)
	for s := 0; s < 2; s++ {
		sv := k(uint64(s), 1)
		plen[s].NextIf(hdl.And(gEnd, hdl.Eq(wslot, sv)), hdl.Slice(inc(wcnt), w.BB-1, 0))
		jdest[s].NextIf(hdl.And(res, hdl.Eq(hslot, sv)), hDest)
	}

	// Header unit: the frames in order, one at a time.
	m.Output("req", 1).Drive(hdl.And(bit(full, hslot), hdl.Not(bit(ver, hslot)), hdl.Not(hin)))
	hin.Next(hdl.Priority(hin, hdl.When(res, k(0, 1)), hdl.When(granted, k(1, 1))))
	hslot.NextIf(res, hdl.Not(hslot))
	m.Output("plen", w.BB).Drive(sel(hslot, plen))

	// Leaving: tslot's frame once it has its verdict. A frame to drop
	// frees its slot at once; any other waits for the switch (idle), which
	// starts the sender: one 16-bit word of the slot a cycle, words
	// 0 .. (plen-1)/2, into the egress port, pausing while the header unit
	// reads the slot (the block RAM has one read port) and while the
	// egress port does not pace it.
	tLen := sel(tslot, plen)
	tDest := sel(tslot, jdest)
	tReady := hdl.And(bit(full, tslot), bit(ver, tslot))
	tDrop := hdl.And(tReady, hdl.Eq(tDest, k(uint64(dropDest(w)), JDB)))
	snd := m.Reg("snd", 1)
	rc := m.Reg("rc", WB)
	rv := m.Reg("rv_r", 1)
	rl := m.Reg("rl_r", 1)
	xfer := m.Reg("xfer", 1)
	done := m.Wire("done", 1)
	release := hdl.Or(done, tDrop)
	lastWord := hdl.Slice(hdl.Sub(tLen, k(1, w.BB)), w.BB-2, 1)
	adv := hdl.And(snd, hdl.Not(hRead), pace)
	sndLast := hdl.And(adv, hdl.Eq(rc, lastWord))
	snd.Next(hdl.Priority(snd, hdl.When(start, k(1, 1)), hdl.When(sndLast, k(0, 1))))
	rc.Next(hdl.Priority(rc, hdl.When(sndLast, k(0, WB)), hdl.When(adv, inc(rc))))
	rv.Next(adv)
	rl.Next(sndLast)
	done.Drive(hdl.And(rv, rl))
	xfer.Next(hdl.Priority(xfer, hdl.When(start, k(1, 1)), hdl.When(done, k(0, 1))))
	m.Output("rv", 1).Drive(rv)
	m.Output("rl", 1).Drive(rl)
	m.Output("idle", 1).Drive(hdl.And(tReady, hdl.Not(tDrop), hdl.Not(xfer)))
	m.Output("jdest", JDB).Drive(tDest)
	m.Output("tlen", w.BB).Drive(tLen)
	tslot.NextIf(release, hdl.Not(tslot))
	full.Next(hdl.And(hdl.Or(full, onehot(gEnd, wslot)), hdl.Not(onehot(release, tslot))))
	ver.Next(hdl.And(hdl.Or(ver, onehot(res, hslot)), hdl.Not(onehot(release, tslot))))

	// The slot block RAM: two slots of MaxPkt bytes as 16-bit words
	// {even byte, odd byte}. Its write port takes the received words (the
	// odd byte with the held even one; at the end of an odd-length frame
	// the last byte twice, the second copy past the frame) and, when the
	// receiver leaves it free, the header unit's write-back; its read
	// port serves the header unit and the sender.
	rxW := m.Wire("rx_w", 1)
	rxW.Drive(hdl.And(acc, hdl.Lt(wcnt, k(uint64(w.MaxPkt), w.BB+1)), hdl.Or(odd, rxLast)))
	m.Output("rx_write", 1).Drive(rxW)
	wbW := hdl.And(wbEn, hdl.Not(rxW))
	rxWord := hdl.Concat(hdl.Mux(odd, hb, rxData), rxData)
	slot := m.Memory("slot", 16, w.MaxPkt)
	slot.Write(hdl.Or(rxW, wbW),
		hdl.Mux(rxW, hdl.Concat(wslot, hdl.Slice(wcnt, WB, 1)), hdl.Concat(hslot, hdl.ZExt(wbWord, WB))),
		hdl.Mux(rxW, rxWord, wbData))
	raddr := hdl.Mux(hRead, hdl.Concat(hslot, hdl.ZExt(hWord, WB)), hdl.Concat(tslot, rc))
	m.Output("rdata", 16).Drive(slot.ReadSync(raddr))
	return m
}
