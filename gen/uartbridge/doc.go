// Package uartbridge generates the management bridge: a UART (8N1) that
// carries CSR reads and writes in framed, checksummed messages, so a real
// board is managed over its USB-serial port and a simulated one over a pty,
// a TCP socket or the in-process simulated line of firmware/simline.
// firmware/proto is the host side of the same protocol; the constants in
// protocol.go are its one definition.
//
// # Hardware
//
// New builds the bridge (rx, tx, and a CSR bus master); System builds the
// bridge and a gen/csr decoder together, with the decoder's datapath ports
// as its own. The UART runs at one bit per Divisor clock cycles
// (ClockHz / baud; at least 4 so the receiver can sample mid-bit after its
// two-flop synchronizer). The receiver detects the start bit's falling
// edge, samples every bit in its middle and checks the stop bit; a 0 stop
// bit is a framing error. The transmitter sends start, eight data bits LSB
// first and one stop bit. The frame parser keeps the body in eight byte
// registers and a running CRC, issues one bus request, waits for
// bus_ready (at most BusTimeoutCycles) and sends the response byte by byte
// while computing its CRC.
//
// Small on purpose (it sits beside the datapath on an iCE40 HX8K): one
// CRC engine, one bit per clock, serves both directions (a byte takes 8
// cycles and the next comes at least 10*Divisor cycles later), and the
// idle timeout counts the receiver's bit-timer ticks (its timer runs free
// while the line is idle), not cycles, and a read's answer goes into the
// write-data byte registers, free once the request is on the bus. The bus
// request's address and data stay on bus_addr/bus_wdata until bus_ready
// (gen/csr relies on it and keeps no copy). Size: see "Size" below.
//
// # Frames
//
// Host → device (request):
//
//	0xA5 | LEN | CMD | TAG | ADDR_HI | ADDR_LO | [D3 D2 D1 D0] | CRC
//
// Device → host (response):
//
//	0x5A | LEN | CMD|0x80 | TAG | STATUS | [D3 D2 D1 D0] | CRC
//
// LEN counts the body bytes (CMD up to the last data byte): 4 for a read
// request, 8 for a write, 3 for a response without data, 7 for a
// successful read's response. Multi-byte values are big-endian. ADDR is the
// 16-bit CSR word address (see firmware/regs/REGISTERS.md). TAG is chosen by
// the host and echoed, so the host matches a response to its request and
// discards a stale one after a retry. CRC is CRC-8/SMBUS (polynomial 0x07,
// init 0, no reflection) over LEN and the body; the sync byte is not
// covered (the receiver has already matched it). The two directions use
// different sync bytes so a line that echoes the host's bytes back is never
// mistaken for the device.
//
// Commands: 0x01 READ (ADDR → D), 0x02 WRITE (ADDR, D). Statuses: 0x00 OK,
// 0x01 BAD_CRC, 0x02 BAD_LEN, 0x03 BAD_CMD (nothing was done for any of
// these three), 0x04 BUS_ERROR (the CSR block refused the address: unmapped,
// or a write to a read-only word), 0x05 BUS_TIMEOUT. Only an OK READ
// carries data. An error response echoes the CMD and TAG bytes as received,
// which for BAD_CRC may be corrupt.
//
// # Receiver rules and resynchronization
//
// The device's receiver (and firmware/proto's decoder, with the response
// sync and lengths) follows these rules:
//
//  1. Hunt: discard every byte until the sync byte.
//  2. The byte after sync is LEN. A LEN outside 4..8 is not a frame: if it
//     is itself the sync byte it starts a new frame (stay in step 2),
//     otherwise go back to hunting.
//  3. Collect LEN body bytes, then the CRC byte.
//  4. Any byte with a framing error, or no byte completing within IdleBits
//     bit times (default 30) of the previous one, abandons the frame: back
//     to hunting.
//  5. A CRC mismatch answers BAD_CRC and goes back to hunting; nothing is
//     written. The bytes of the failed frame are not scanned again for a
//     sync byte (that keeps the hardware to one pass).
//  6. One request at a time: bytes arriving while a request executes or its
//     response is being sent are discarded.
//
// So after any garbage the receiver is hunting again once the line has been
// quiet for the idle timeout, or once the garbage completes a bogus frame
// (answered BAD_CRC with a tag that matches nothing). The host's rule: wait
// for the response with a timeout longer than a response takes plus the
// idle timeout, ignoring responses that carry another tag (late answers to
// an earlier attempt); on a timeout, a response with a bad CRC or a BAD_CRC
// answer (whatever tag it echoes), stay quiet for at least the idle timeout
// and send the request again with a new tag (firmware.Serial does this).
// Reads have no side effects (counters are never read-to-clear, see
// gen/csr) and writes are idempotent, so retries are safe.
//
// The idle timeout of rule 4 is counted in bit times by the receiver's
// bit timer, so it expires between IdleBits-1 and IdleBits bit times
// after the last byte's stop bit (a host staying quiet for IdleCycles plus
// a bit time is always past it).
//
// # Size
//
// yosys 0.23 synth_ice40 of the bridge alone at the default parameters
// (`pktrouter gen uartbridge -o DIR`, then yosys -p "read_verilog
// DIR/*.v; synth_ice40; stat"): 304 SB_LUT4, 164 flip-flops (it was 338
// and 199). The response byte is a balanced multiplexer tree on the byte
// index (a compare chain cost 40 LUTs more), one bit-serial CRC engine
// replaces three byte-wide CRC-8 networks, the idle timeout counts bit
// times (5 bits, not 15) in one counter with the bus timeout, and a
// read's answer lands in the write-data byte registers (32 flip-flops,
// each a logic cell of its own, fewer).
// On the HX8K breakout board (`pktrouter synth uartbridge --board
// ice40-hx8k-breakout`, div 104 for 12 MHz and 115200 baud, seed 1; the
// board top ties bus_rdata, bus_ready and bus_err to 0): 400 logic cells,
// Fmax 90.6 MHz. With the gen/csr decoder (`pktrouter synth mgmt --board
// ice40-hx8k-breakout`; the datapath inputs tied to 0, so Yosys drops the
// counter RAM): 883 logic cells, Fmax 73.4 MHz (the board clock is 12 MHz).
package uartbridge
