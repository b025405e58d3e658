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
// # Size (a warning for the device top)
//
// Flat storage is simple and exact but large. yosys synth_ice40 on the ref4
// decoder (yosys 0.23) gives 18,712 LUT4 and 3,769 flip-flops; without the
// stats and port blocks it is 4,554 LUT4 and 3,737 flip-flops. Almost all the
// LUTs are the read multiplexers over 256 64-bit counter inputs (16,384
// bits) and over the configuration flip-flops, which duplicate the copies
// gen/meter and gen/shaper already keep (they load from cfg_we/cfg_lease,
// which <block>_we/<block>_widx feed). An iCE40 HX8K has 7,680 logic cells,
// so a ref4 device on it needs the counters in block RAM (a counter bank
// that increments from datapath events and answers reads) and the
// configuration in block RAM with the written element presented on the
// write strobe. The bridge already waits for bus_ready (up to
// uartbridge.BusTimeoutCycles), so a slower, memory-backed decoder is a
// drop-in replacement; the addresses, the Go accessors and the document do
// not change.
package csr
