// Package csr describes every control and status register of the pktrouter
// device once, as Go data, and generates from that one description:
//
//   - the CSR decoder block (Map.Module), a gen/hdl circuit on a simple bus
//     (bus_addr, bus_wdata, bus_we, bus_re → bus_rdata, bus_ready, bus_err)
//     whose configuration fields are output ports to the datapath and whose
//     status fields and counters are input ports from it;
//   - the firmware's Go constants, structs and accessors (Map.GoSource,
//     checked in as firmware/regs/regs_gen.go);
//   - the register document (Map.Markdown, firmware/regs/REGISTERS.md).
//
// So the hardware, the driver and the document cannot drift: firmware/regs'
// test regenerates both files and fails when they differ from the checked-in
// ones, and the map hash (a CRC-32 of the description) is both a constant in
// the hardware (ident.map_hash) and in the Go file, so a host notices a board
// built from another map.
//
// # What the map holds
//
// The blocks, in address order: ident (magic "PKTR", map version, map hash,
// P, L, interfaces, a scratch register), iface (the index table: interface
// number → valid, port, lease tag, virtual router), lease (per-lease
// configuration: guaranteed rate and burst for the shaper, max-priority-
// bandwidth limit and its enable, meter shift k, default priority,
// clear-customer-bit, deprioritize-non-customer and its cap), meter (per-lease
// measured value, factor, scaling, a sticky "was scaled" bit), stats (per-lease
// 64-bit counters: packets and bytes in and out, drops by cause) and port
// (per-port drop counters). Field widths come from the meter and shaper
// formats (FromModels), so a CSR field is exactly as wide as the datapath
// register it feeds.
//
// # Layout
//
// Fields are packed into 32-bit words in description order (a field never
// straddles two words). A block's element stride is its word count rounded up
// to a power of two and a block's base is aligned to its size rounded up to a
// power of two, so the decoder finds block, element and word with bit slices,
// no adders. The address is 16 bits (word addresses) whatever the
// configuration, so the UART bridge and the protocol never depend on the map.
//
// # Counters and clear semantics (a decision)
//
// Counters are 64-bit, free-running and read-only: never cleared by a read or
// a write. A low-word read latches the high word in one shared shadow register
// that the high-word address returns, so low-then-high is one consistent
// 64-bit reading. The firmware computes rates from differences. Read-to-clear
// was rejected because the management link is a serial line with retries:
// a response lost after the read cleared the counter would lose the count.
// Event flags (meter.scaled_seen) are sticky write-1-to-clear bits, where a
// retried clear is harmless.
//
// # Storage (why the decoder is small)
//
// Configuration arrays (iface, lease) live in a shadow block RAM, counters
// in a counter block RAM; only identity, single-element configuration
// (ident.scratch) and sticky bits are flip-flops. The datapath blocks keep
// their own copies of the configuration (gen/meter and gen/shaper behind
// cfg_we/cfg_lease, gen/labelparse's index table behind tbl_we), so the
// decoder writes through: a bus write stores the word in the shadow RAM,
// reads the element back and presents the whole element on a strobe. Reads
// return the shadow. yosys 0.23 synth_ice40 on the ref4 decoder: see
// "Size" below.
//
// # Datapath ports
//
// Bus (clk and rst implicit):
//
//	in  bus_addr[16] bus_wdata[32] bus_we bus_re   a request: bus_we or bus_re for one cycle
//	out bus_ready bus_rdata[32] bus_err            the answer, one cycle, some cycles later
//
// A request is accepted when the decoder is idle (the bridge holds one
// request at a time and waits for bus_ready). The master holds bus_addr
// and bus_wdata from the request until bus_ready: the decoder does not
// copy them (the bridge keeps them in its frame registers anyway).
// bus_ready comes 2 cycles after the request for flip-flop registers,
// errors and counter high words, 3 for RO fields, shadow reads and counter
// low words (a bus read goes before any waiting event; 4 when the counter
// is being written in that cycle), and 2+maxWords+1 for configuration
// writes (7 at ref4). After rst (and at power-on) the decoder spends one
// cycle per shadow row (256 at ref4) writing the reset values; init_busy
// is 1 meanwhile and requests wait.
//
// Configuration arrays (blocks of more than one element with RW fields;
// ref4: iface, lease):
//
//	out <block>_we                one-cycle strobe, in the cycle bus_ready is 1
//	out <block>_widx[EB]          the element written
//	out <block>_<field>[W]        every RW field of that element, after the write
//
// The field ports hold the last written element (valid with <block>_we); a
// write to any word of an element presents all its fields, so a datapath
// block loads the element at once: gen/meter's cfg_we/cfg_lease/cfg_default/
// cfg_clear/cfg_limited/cfg_limit from lease_we/lease_widx/lease_default_prio
// /..., gen/shaper's cfg_rate/cfg_burst likewise, gen/labelparse's tbl_we/
// tbl_addr/tbl_wdata from iface_we/iface_widx and the iface fields. Element
// widx of lease is port*L + tag: the datapath of port p loads when widx/L
// equals p. The map's reset values are the datapath's power-on values. rst
// resets the map's shadow but does not replay strobes, and gen/meter keeps
// its per-lease configuration in block RAM that rst does not clear, so
// after a rst other than the power-up one the firmware rewrites the lease
// configuration.
//
// Single-element configuration (ident.scratch) stays in flip-flops:
// <block>_<field> always holds the value, <block>_we/_widx strobe as above.
//
// RO status (ref4: meter.measured, meter.factor, meter.scaling):
//
//	out <block>_ridx[EB]          the element the bus reads, held from the cycle after the request
//	in  <block>_<field>[W]        that element's value, sampled one cycle after ridx changes
//
// so the datapath answers from a register file (a mux on ridx) or a block
// RAM read port addressed by ridx.
//
// Sticky bits (meter.scaled_seen): in <block>_<field>_set[Count*W], one bit
// per element, a 1 sets the bit; writing 1 clears it, a set wins.
//
// Counters (stats, port): event ports, k = 0..EventSources()-1 (ref4: 9,
// one for the ingress of each port and the CPU port and one for the egress
// of each physical port; the CPU port's egress counts nothing):
//
//	in  ev<k>_valid               the source holds an event
//	in  ev<k>_sel[SB]             which pair of counters (Map.Event names the code)
//	in  ev<k>_elem[EB]            the element: lease port*L+tag for stats, the port for port
//	in  ev<k>_inc0                added to the first counter of the pair (a packet, a drop)
//	in  ev<k>_inc1[16]            added to the second (the frame's bytes, or 1 for a drop)
//	out ev<k>_ready               the decoder takes the event in this cycle
//
// The ports are valid/ready: an event is counted in the cycle valid and
// ready are both 1, and the source holds valid and the fields unchanged
// until then. ready depends on valid in the same cycle (it is 1 only in
// the cycle the decoder finishes with the event), so valid must not depend
// on ready. The decoder has no event buffer of its own: the datapath queues
// its events anyway (gen/device: two entries per source), and a copy here
// cost 26 flip-flops per source and a wider multiplexer.
//
// ref4 codes (sel, inc): stats in_packets (0,0), in_bytes (0,1),
// out_packets (1,0), out_bytes (1,1), drop_refused (2,0), drop_overflow
// (2,1), drop_vrouter (3,0); port drop_unknown_tag
// (4,0), label_errors (4,1). SB = 3, EB = 5. So an accepted ingress frame of
// n bytes on lease e is one event: sel 0, elem e, inc0 1, inc1 n; a refusal
// is sel 2, inc0 1, inc1 0. An event naming no counter (sel or elem out of
// range) is dropped.
//
// Rate: a pointer visits one source per cycle, stays on a valid one until
// its event is done and feeds a read-modify-write pipeline on the counter
// RAM (read, add, write; one 64-bit counter per row, so an event takes one
// operation per non-zero increment, two for a frame). An operation on the
// row whose sum is being written in that cycle waits one cycle and then
// reads the sum (the two counters of one event are different rows, so
// only an event's first operation can wait). The RAM's read port is
// disabled in that cycle, which tells Yosys a read never meets a write of
// the same row: no transparent or read-first bypass is built beside the
// block RAM. A valid source is taken within 3*EventSources cycles (27 at
// ref4) plus two per bus counter read (a bus read goes before waiting
// events; over the UART they come thousands of cycles apart), so a source
// that makes at most one event every 3*EventSources cycles has each event
// taken before the next one arrives: with an 8-bit datapath a frame takes
// at least 64 cycles (the shaper's minimum packet), so one source per
// ingress port and one per egress port is within the rate; a source
// shared by several ports must be split per port or queued by the device.
// A bus read of a counter reads after every operation already in the
// pipeline: it never misses an increment.
//
// Counter rows: a block's counters are padded to a power of two per
// element (stats: 7 counters in 8 slots), and a block small enough to fit
// the padding slots of a larger one lives there instead of in a region of
// its own: at ref4 the 8 port counters are slot 7 of stats elements 0..7,
// so the 264 counters take 256 rows (4 block RAMs), not 512 (8). The bus
// addresses do not change; only the decoder's row arithmetic (bit slices,
// no adders) knows. An event's second counter that does not exist (sel 3,
// drop_vrouter, has no pair) is dropped rather than written into a slot
// that may be another block's.
//
// Counters are not cleared by rst: they are zero at power-on (the RAM's
// initial contents) and free-running, as the host treats them anyway.
//
// # Size
//
// The ref4 decoder (9 event sources), yosys 0.23 synth_ice40 of the block
// alone (`pktrouter gen csr -o DIR`, then yosys -p "read_verilog DIR/*.v;
// synth_ice40 -flatten; stat"): 759 SB_LUT4, 294 flip-flops, 80 SB_CARRY,
// 6 SB_RAM40_4K (4 for the 264 counters, 2 for the shadow). It was 833
// SB_LUT4, 739 flip-flops and 10 block RAMs before the valid/ready event
// ports (no event buffers: 260 flip-flops), the counter row packing (4
// block RAMs), the bus master holding the request (48 flip-flops), the
// split sticky-bit decode (22 LUTs) and the read enables that keep Yosys
// from building bypasses beside the block RAMs (136 flip-flops); the flat
// design before the block RAMs was 18,712 LUT4 and 3,769 flip-flops. About
// 180 LUTs are the event sources' multiplexer (9 sources of 26 bits; in
// the device, constant event fields shrink it) and 64 the counter adder.
// Placed on the HX8K breakout board in bitstreams' measurement harness
// (`pktrouter synth csr --board ice40-hx8k-breakout`, seed 1, every input
// from a shift register): 1,409 of 7,680 logic cells with the harness's
// flip-flops (was 1,891), Fmax 68.1 MHz (was 63.4).
package csr
