package uartbridge

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

const generator = "gen/uartbridge"

// Config holds the generator parameters.
type Config struct {
	// Divisor is the bit time in clock cycles (ClockHz / baud), MinDivisor..MaxDivisor.
	Divisor int
	// IdleBits is the mid-frame idle timeout in bit times, counted from the
	// end of the previous byte (so it includes the next byte's own 10 bit
	// times); 0 means DefaultIdleBits.
	IdleBits int
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	if c.Divisor < MinDivisor || c.Divisor > MaxDivisor {
		return fmt.Errorf("gen/uartbridge: divisor %d cycles per bit, want %d..%d", c.Divisor, MinDivisor, MaxDivisor)
	}
	if c.IdleBits != 0 && (c.IdleBits < MinIdleBits || c.IdleBits > MaxIdleBits) {
		return fmt.Errorf("gen/uartbridge: idle timeout %d bit times, want %d..%d (0 = %d)", c.IdleBits, MinIdleBits, MaxIdleBits, DefaultIdleBits)
	}
	return nil
}

func (c Config) idleBits() int {
	if c.IdleBits == 0 {
		return DefaultIdleBits
	}
	return c.IdleBits
}

// IdleCycles is the mid-frame idle timeout in clock cycles, IdleBits bit
// times: the bridge abandons a frame at most this long after the last
// byte's stop bit (and at least IdleBits-1 bit times after it; it counts
// bit-timer ticks, see the package doc).
func (c Config) IdleCycles() int { return c.idleBits() * c.Divisor }

func width(maxValue int) int { return max(1, bits.Len(uint(maxValue))) }

// Parser states.
const (
	stHunt = iota
	stLen
	stBody
	stCRC
	stWait
	stResp
)

// New generates the bridge. Ports (clk and rst implicit):
//
//	in  rx                   UART receive line (idle high), 8N1
//	out tx                   UART transmit line (idle high), 8N1
//	out bus_addr[16] bus_wdata[32] bus_we bus_re     CSR master, one request at a time,
//	                                                 address and data held until bus_ready
//	in  bus_rdata[32] bus_ready bus_err
//
// See the package documentation for the protocol.
func New(c Config) (*hdl.Module, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	D := c.Divisor
	m := hdl.NewGenerated(generator, "uartbridge", hdl.P("div", D), hdl.P("idle", c.idleBits()))
	rx := m.Input("rx", 1)
	rdata := m.Input("bus_rdata", csr.DataBits)
	ready := m.Input("bus_ready", 1)
	berr := m.Input("bus_err", 1)

	rxData, rxValid, rxFerr, bitTick := uartRX(m, rx, D)
	txGo := m.Wire("tx_go", 1)
	txData := m.Wire("tx_data", 8)
	txBusy, txLine := uartTX(m, txGo, txData, D)

	k8 := func(v byte) *hdl.Expr { return hdl.Const(uint64(v), 8) }
	st := m.Reg("state", 3)
	in := func(s int) *hdl.Expr { return hdl.Eq(st, hdl.Const(uint64(s), 3)) }
	inHunt, inLen, inBody, inCRC, inWait, inResp := in(stHunt), in(stLen), in(stBody), in(stCRC), in(stWait), in(stResp)

	ln := m.Reg("len", 4)
	idx := m.Reg("idx", 4)
	buf := make([]*hdl.Signal, MaxRequestLen)
	for i := range buf {
		buf[i] = m.Reg(fmt.Sprintf("buf%d", i), 8)
	}
	crc := m.Reg("crc", 8)
	status := m.Reg("status", 8)
	ri := m.Reg("ri", 4)

	// One counter times both waits, which never overlap: the idle
	// timeout while a frame is being received, counted in bit times (the
	// receiver's bit timer runs free while the line is idle, so it needs
	// 5 bits, not the 15 cycles would take at 12 MHz and 115200 baud;
	// it expires IdleBits ticks after the last byte, between IdleBits-1
	// and IdleBits bit times), and the bus timeout while a request waits
	// for bus_ready, counted in cycles. Receiving ends with the CRC byte,
	// whose arrival clears the counter for the wait.
	receiving := hdl.Or(inLen, inBody, inCRC)
	tw := max(8, width(c.idleBits()))
	tcnt := m.Reg("timer", tw)
	tcnt.Next(hdl.Priority(tcnt,
		hdl.When(hdl.Or(hdl.Not(hdl.Or(receiving, inWait)), hdl.And(receiving, rxValid)), hdl.Const(0, tw)),
		hdl.When(hdl.Or(inWait, hdl.And(receiving, bitTick)), hdl.Add(tcnt, hdl.Const(1, tw)))))
	idleExpired := hdl.Eq(tcnt, hdl.Const(uint64(c.idleBits()), tw))
	abort := hdl.And(receiving, hdl.Or(rxFerr, idleExpired))
	timeout := hdl.Eq(tcnt, hdl.Const(BusTimeoutCycles, tw))

	// Frame checks, evaluated when the CRC byte arrives.
	isSync := hdl.Eq(rxData, k8(SyncRequest))
	lenOK := hdl.And(hdl.Ge(rxData, k8(MinRequestLen)), hdl.Le(rxData, k8(MaxRequestLen)))
	crcOK := hdl.Eq(rxData, crc)
	isRead := hdl.Eq(buf[0], k8(CmdRead))
	isWrite := hdl.Eq(buf[0], k8(CmdWrite))
	lenFits := hdl.Or(hdl.And(isRead, hdl.Eq(ln, hdl.Const(ReadBodyLen, 4))), hdl.And(isWrite, hdl.Eq(ln, hdl.Const(WriteBodyLen, 4))))
	goBus := hdl.And(crcOK, lenFits)
	frameStatus := hdl.Priority(k8(StatusOK),
		hdl.When(hdl.Not(crcOK), k8(StatusBadCRC)),
		hdl.When(hdl.Not(hdl.Or(isRead, isWrite)), k8(StatusBadCmd)),
		hdl.When(hdl.Not(lenFits), k8(StatusBadLen)))
	crcDone := hdl.And(inCRC, rxValid)
	busDone := hdl.And(inWait, hdl.Or(ready, timeout))
	enterResp := hdl.Or(hdl.And(crcDone, hdl.Not(goBus)), busDone)

	// Response bytes.
	hasData := hdl.And(hdl.Eq(status, k8(StatusOK)), isRead)
	last := hdl.Mux(hasData, hdl.Const(ReadReplyBodyLen+2, 4), hdl.Const(StatusBodyLen+2, 4))
	respLen := hdl.Mux(hasData, k8(ReadReplyBodyLen), k8(StatusBodyLen))
	atLast := hdl.Eq(ri, last)
	// The response byte at ri, as a tree of 2:1 multiplexers on ri's bits
	// (ri is 0..9; 9 and the last byte of a short response are the CRC).
	byteAt := hdl.MuxTree(ri, []hdl.Value{
		k8(SyncResponse), respLen, hdl.Or(buf[0], k8(RespFlag)), buf[1],
		status, buf[4], buf[5], buf[6],
		hdl.Mux(hdl.Bit(ri, 0), crc, buf[7]),
	})
	txData.Drive(hdl.Mux(atLast, crc, byteAt))
	txGo.Drive(hdl.And(inResp, hdl.Not(txBusy)))
	sending := hdl.And(inResp, hdl.Not(txBusy))

	stc := func(s int) *hdl.Expr { return hdl.Const(uint64(s), 3) }
	st.Next(hdl.Priority(st,
		hdl.When(abort, stc(stHunt)),
		hdl.When(hdl.And(inHunt, rxValid, isSync), stc(stLen)),
		hdl.When(hdl.And(inLen, rxValid, lenOK), stc(stBody)),
		hdl.When(hdl.And(inLen, rxValid, hdl.Not(isSync)), stc(stHunt)),
		hdl.When(hdl.And(inBody, rxValid, hdl.Eq(idx, hdl.Sub(ln, hdl.Const(1, 4)))), stc(stCRC)),
		hdl.When(hdl.And(crcDone, goBus), stc(stWait)),
		hdl.When(enterResp, stc(stResp)),
		hdl.When(hdl.And(sending, atLast), stc(stHunt))))
	ln.NextIf(hdl.And(inLen, rxValid), hdl.Slice(rxData, 3, 0))
	idx.Next(hdl.Priority(idx,
		hdl.When(hdl.And(inLen, rxValid), hdl.Const(0, 4)),
		hdl.When(hdl.And(inBody, rxValid), hdl.Add(idx, hdl.Const(1, 4)))))
	// The read data goes into the write-data bytes, free once the request
	// is on the bus: a 32-bit register fewer (on iCE40 each of its bits
	// would be a logic cell; the byte multiplexer costs none, it shares
	// the cell with the flip-flop).
	busData := hdl.And(inWait, ready)
	for i, b := range buf {
		load := hdl.And(inBody, rxValid, hdl.Eq(idx, hdl.Const(uint64(i), 4)))
		if i >= 4 {
			rb := hdl.Slice(rdata, 8*(7-i)+7, 8*(7-i))
			b.Next(hdl.Priority(b, hdl.When(load, rxData), hdl.When(busData, rb)))
			continue
		}
		b.NextIf(load, rxData)
	}
	// The CRC is computed one bit per clock by one engine shared by both
	// directions (a request is received or a response sent, never both):
	// a byte takes 8 cycles and the next byte comes at least 10*Divisor
	// (40) cycles later, so the CRC is complete before it is compared or
	// sent. Three byte-wide CRC-8 networks cost about 60 LUTs more.
	crcLoad := hdl.Or(
		hdl.And(hdl.Or(inLen, inBody), rxValid),
		hdl.And(sending, hdl.Ne(ri, hdl.Const(0, 4)), hdl.Not(atLast)))
	crcByte := m.Reg("crc_byte", 8, hdl.NoReset())
	crcCnt := m.Reg("crc_cnt", 4)
	crcRun := hdl.Ne(crcCnt, hdl.Const(0, 4))
	crcByte.Next(hdl.Priority(crcByte,
		hdl.When(crcLoad, hdl.Mux(inResp, txData, rxData)),
		hdl.When(crcRun, hdl.Concat(hdl.Slice(crcByte, 6, 0), hdl.Const(0, 1)))))
	crcCnt.Next(hdl.Priority(crcCnt,
		hdl.When(crcLoad, hdl.Const(8, 4)),
		hdl.When(crcRun, hdl.Sub(crcCnt, hdl.Const(1, 4)))))
	fb := hdl.Xor(hdl.Bit(crc, 7), hdl.Bit(crcByte, 7))
	crcStep := hdl.Xor(hdl.Concat(hdl.Slice(crc, 6, 0), hdl.Const(0, 1)), hdl.Mux(fb, k8(CRCPoly), k8(0)))
	crc.Next(hdl.Priority(crc,
		hdl.When(hdl.And(inLen, rxValid), k8(0)),
		hdl.When(enterResp, k8(0)),
		hdl.When(crcRun, crcStep)))
	status.Next(hdl.Priority(status,
		hdl.When(crcDone, frameStatus),
		hdl.When(busData, hdl.Mux(berr, k8(StatusBusError), k8(StatusOK))),
		hdl.When(busDone, k8(StatusBusTimeout))))
	ri.Next(hdl.Priority(ri,
		hdl.When(enterResp, hdl.Const(0, 4)),
		hdl.When(sending, hdl.Add(ri, hdl.Const(1, 4)))))

	re := m.Reg("bus_re_q", 1)
	re.Next(hdl.And(crcDone, goBus, isRead))
	we := m.Reg("bus_we_q", 1)
	we.Next(hdl.And(crcDone, goBus, isWrite))
	m.Output("tx", 1).Drive(txLine)
	m.Output("bus_addr", csr.AddrBits).Drive(hdl.Concat(buf[2], buf[3]))
	m.Output("bus_wdata", csr.DataBits).Drive(hdl.Concat(buf[4], buf[5], buf[6], buf[7]))
	m.Output("bus_we", 1).Drive(we)
	m.Output("bus_re", 1).Drive(re)
	return m, nil
}

// uartRX is an 8N1 receiver: a two-flop synchronizer, start-bit detection,
// a sample in the middle of every bit. After a framing error it waits for
// the line to go high before it looks for a start bit again, so a break
// (the line held low) is one error, not a string of bogus bytes that could
// swallow the start of the next frame. It returns the byte, a one-cycle
// valid pulse when a byte ends with a good stop bit and a one-cycle framing
// error pulse when the stop bit is 0 (a break or a baud mismatch).
func uartRX(m *hdl.Module, rx hdl.Value, D int) (data, valid, ferr, bitTick hdl.Value) {
	cw := width(D - 1)
	s1 := m.Reg("rx_s1", 1, hdl.Reset(1))
	s1.Next(rx)
	s2 := m.Reg("rx_s2", 1, hdl.Reset(1))
	s2.Next(s1)
	busy := m.Reg("rx_busy", 1)
	cnt := m.Reg("rx_cnt", cw)
	bit := m.Reg("rx_bit", 4)
	sh := m.Reg("rx_shift", 8)
	// armed: the line has been idle (high) since the last stop bit, so a
	// low level is a start bit and not the rest of a break.
	armed := m.Reg("rx_armed", 1)
	// The bit timer runs all the time: while a character is received it
	// marks the middle of each bit (restarted at the start bit's edge),
	// while the line is idle it ticks once per bit time for the idle
	// timeout.
	zeroCnt := hdl.Eq(cnt, hdl.Const(0, cw))
	tick := hdl.And(busy, zeroCnt)
	start := hdl.And(hdl.Not(busy), armed, hdl.Not(s2))
	bitIs := func(n uint64) *hdl.Expr { return hdl.Eq(bit, hdl.Const(n, 4)) }
	atStart := hdl.And(tick, bitIs(0))
	atData := hdl.And(tick, hdl.Ge(bit, hdl.Const(1, 4)), hdl.Le(bit, hdl.Const(8, 4)))
	atStop := hdl.And(tick, bitIs(9))
	one, zero := hdl.Const(1, 1), hdl.Const(0, 1)
	busy.Next(hdl.Priority(busy,
		hdl.When(start, one),
		hdl.When(hdl.And(atStart, s2), zero), // a glitch, not a start bit
		hdl.When(atStop, zero)))
	cnt.Next(hdl.Priority(hdl.Sub(cnt, hdl.Const(1, cw)),
		hdl.When(start, hdl.Const(uint64(D/2-1), cw)),
		hdl.When(zeroCnt, hdl.Const(uint64(D-1), cw))))
	bit.Next(hdl.Priority(bit,
		hdl.When(start, hdl.Const(0, 4)),
		hdl.When(tick, hdl.Add(bit, hdl.Const(1, 4)))))
	sh.NextIf(atData, hdl.Concat(s2, hdl.Slice(sh, 7, 1)))
	armed.Next(hdl.Priority(armed, hdl.When(hdl.And(atStop, hdl.Not(s2)), zero), hdl.When(s2, one)))
	v := m.Wire("rx_valid", 1)
	v.Drive(hdl.And(atStop, s2))
	f := m.Wire("rx_ferr", 1)
	f.Drive(hdl.And(atStop, hdl.Not(s2)))
	return sh, v, f, zeroCnt
}

// uartTX is an 8N1 transmitter: go loads data when it is idle; the line
// sends a start bit, eight data bits LSB first and a stop bit, D cycles each.
func uartTX(m *hdl.Module, goTx, data hdl.Value, D int) (busy, line hdl.Value) {
	cw := width(D - 1)
	b := m.Reg("tx_busy", 1)
	cnt := m.Reg("tx_cnt", cw)
	bit := m.Reg("tx_bit", 4)
	sh := m.Reg("tx_shift", 8)
	ln := m.Reg("tx_line", 1, hdl.Reset(1))
	load := hdl.And(goTx, hdl.Not(b))
	tick := hdl.And(b, hdl.Eq(cnt, hdl.Const(0, cw)))
	done := hdl.And(tick, hdl.Eq(bit, hdl.Const(9, 4)))
	b.Next(hdl.Priority(b, hdl.When(load, hdl.Const(1, 1)), hdl.When(done, hdl.Const(0, 1))))
	cnt.Next(hdl.Priority(hdl.Mux(b, hdl.Sub(cnt, hdl.Const(1, cw)), cnt),
		hdl.When(load, hdl.Const(uint64(D-1), cw)),
		hdl.When(tick, hdl.Const(uint64(D-1), cw))))
	bit.Next(hdl.Priority(bit, hdl.When(load, hdl.Const(0, 4)), hdl.When(tick, hdl.Add(bit, hdl.Const(1, 4)))))
	sh.Next(hdl.Priority(sh, hdl.When(load, data), hdl.When(tick, hdl.Concat(hdl.Const(1, 1), hdl.Slice(sh, 7, 1)))))
	ln.Next(hdl.Priority(ln,
		hdl.When(load, hdl.Const(0, 1)),
		hdl.When(hdl.And(tick, hdl.Not(done)), hdl.Bit(sh, 0))))
	return b, ln
}
