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
//	h_grant      the header unit takes the frame in rslot (phase 0 -> 1)
//	h_word[3]    the slot word the header unit reads in phase 1
//	wb_en, wb_word[3], wb_data[16]   the header unit's write-back
//	h_res, h_drop, h_dest, h_reason  its verdict (phase -> 2, or freed)
//	sw_start     the switch starts the frame's transfer
//	-> req, plen, rdata[16] (the slot read port, one cycle after its
//	   address), rx_write (the receiver writes the slot this cycle),
//	   idle (a verdict is waiting for the switch), jdest, jreason,
//	   rv, rl (a word of the transfer is on rdata; it is the last),
//	   ev_runt, ev_oversize
func ingressModule(c Config, w widths) (*hdl.Module, error) {
	JDB := jdb(w)
	WB := w.OB - 1 // word offset inside a slot
	m := hdl.NewGenerated(generator, "device_ingress", hdl.P("mp", w.MaxPkt), hdl.P("d", JDB))
	rxValid := m.Input("rx_valid", 1)
	rxData := m.Input("rx_data", 8)
	rxLast := m.Input("rx_last", 1)
	granted := m.Input("h_grant", 1)
	hWord := m.Input("h_word", 3)
	wbEn := m.Input("wb_en", 1)
	wbWord := m.Input("wb_word", 3)
	wbData := m.Input("wb_data", 16)
	res := m.Input("h_res", 1)
	resDrop := m.Input("h_drop", 1)
	hDest := m.Input("h_dest", JDB)
	hReason := m.Input("h_reason", 8)
	start := m.Input("sw_start", 1)

	wslot := m.Reg("wslot", 1)
	rslot := m.Reg("rslot", 1)
	full := m.Reg("full", 2)
	wcnt := m.Reg("wcnt", w.BB+1)
	hb := m.Reg("hb", 8)       // the byte at an even offset, waiting for its odd partner
	phase := m.Reg("phase", 2) // 0 waiting for the header unit, 1 in it, 2 switching
	plen := [2]*hdl.Signal{m.Reg("plen0", w.BB), m.Reg("plen1", w.BB)}

	fullW := hdl.Bit(hdl.ShrV(full, wslot), 0)
	rxReady := hdl.Not(fullW)
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

	done := m.Wire("done", 1)
	release := hdl.Or(done, resDrop)
	for s := 0; s < 2; s++ {
		set := hdl.And(gEnd, hdl.Eq(wslot, k(uint64(s), 1)))
		plen[s].NextIf(set, hdl.Slice(inc(wcnt), w.BB-1, 0))
	}
	setBits := hdl.Mux(gEnd, hdl.ShlV(k(1, 2), wslot), k(0, 2))
	clrBits := hdl.Mux(release, hdl.ShlV(k(1, 2), rslot), k(0, 2))
	full.Next(hdl.And(hdl.Or(full, setBits), hdl.Not(clrBits)))
	rslot.NextIf(release, hdl.Not(rslot))

	fullR := hdl.Bit(hdl.ShrV(full, rslot), 0)
	m.Output("req", 1).Drive(hdl.And(fullR, hdl.Eq(phase, k(0, 2))))
	phase.Next(hdl.Priority(phase,
		hdl.When(release, k(0, 2)),
		hdl.When(res, k(2, 2)),
		hdl.When(granted, k(1, 2))))
	curLen := hdl.Mux(rslot, plen[1], plen[0])
	m.Output("plen", w.BB).Drive(curLen)
	jdest := m.Reg("jdest_r", JDB)
	jdest.NextIf(res, hDest)
	jreason := m.Reg("jreason_r", 8)
	jreason.NextIf(res, hReason)
	m.Output("jdest", JDB).Drive(jdest)
	m.Output("jreason", 8).Drive(jreason)

	// Sender: once the switch has granted the frame, one 16-bit word of
	// the slot a cycle, words 0 .. (plen-1)/2, into the egress port.
	snd := m.Reg("snd", 1)
	rc := m.Reg("rc", WB)
	rv := m.Reg("rv_r", 1)
	rl := m.Reg("rl_r", 1)
	xfer := m.Reg("xfer", 1)
	lastWord := hdl.Slice(hdl.Sub(curLen, k(1, w.BB)), w.BB-2, 1)
	sndLast := hdl.And(snd, hdl.Eq(rc, lastWord))
	snd.Next(hdl.Priority(snd, hdl.When(start, k(1, 1)), hdl.When(sndLast, k(0, 1))))
	rc.Next(hdl.Mux(hdl.And(snd, hdl.Not(sndLast)), inc(rc), k(0, WB)))
	rv.Next(snd)
	rl.Next(sndLast)
	done.Drive(hdl.And(rv, rl))
	xfer.Next(hdl.Priority(xfer, hdl.When(start, k(1, 1)), hdl.When(done, k(0, 1))))
	m.Output("rv", 1).Drive(rv)
	m.Output("rl", 1).Drive(rl)
	m.Output("idle", 1).Drive(hdl.And(hdl.Eq(phase, k(2, 2)), hdl.Not(xfer)))

	// The slot block RAM: two slots of MaxPkt bytes as 16-bit words
	// {even byte, odd byte}. Its write port takes the received words (the
	// odd byte with the held even one, or the even byte alone at the end
	// of an odd-length frame) and, when the receiver leaves it free, the
	// header unit's write-back; its read port serves the header unit in
	// phase 1 and the sender in phase 2.
	rxW := m.Wire("rx_w", 1)
	rxW.Drive(hdl.And(acc, hdl.Lt(wcnt, k(uint64(w.MaxPkt), w.BB+1)), hdl.Or(odd, rxLast)))
	m.Output("rx_write", 1).Drive(rxW)
	wbW := hdl.And(wbEn, hdl.Not(rxW))
	rxWord := hdl.Mux(odd, hdl.Concat(hb, rxData), hdl.Concat(rxData, k(0, 8)))
	slot := m.Memory("slot", 16, w.MaxPkt)
	slot.Write(hdl.Or(rxW, wbW),
		hdl.Mux(rxW, hdl.Concat(wslot, hdl.Slice(wcnt, WB, 1)), hdl.Concat(rslot, hdl.ZExt(wbWord, WB))),
		hdl.Mux(rxW, rxWord, wbData))
	raddr := hdl.Mux(hdl.Eq(phase, k(1, 2)), hdl.ZExt(hWord, WB), rc)
	m.Output("rdata", 16).Drive(slot.ReadSync(hdl.Concat(rslot, raddr)))
	return m, nil
}
