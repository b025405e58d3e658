// Package device generates the routing device of DESIGN.md ("The routing
// device"): the frame datapath built from the block generators, and the
// device top that puts the management bus beside it. The golden model is
// model/device; testbenches/device holds the hardware to it.
//
// # Datapath (Core)
//
// Every link port i and the CPU port (numbered Ports) is a byte stream in
// each direction with valid/ready handshakes:
//
//	in  rx<i>_valid, rx<i>_data[8], rx<i>_last    frames in; out rx<i>_ready
//	out tx<i>_valid, tx<i>_data[8], tx<i>_last    frames out; in tx<i>_ready
//	cpu_rx_*, cpu_tx_* the same for the CPU port
//
// A link frame is lease tag | switch header | payload; a CPU-port frame out
// is model/device's CPUFrame (reason, ingress interface, switch header,
// payload); a frame into cpu_rx has a tag byte that is ignored.
//
// The path of one frame:
//
//  1. Ingress slot. Each port receives into one of two slots of an ingress
//     buffer (block RAM, 2 x MaxPacketBytes), capturing the tag and switch
//     header in registers. When the last byte is in (store-and-forward)
//     the slot is full; rx_ready is low while the slot being received into
//     is full. Frames shorter than 13 bytes or longer than MaxPacketBytes
//     are dropped (ev_runt, ev_oversize).
//  2. Shared header pipeline. A round-robin arbiter (gen/blocks) takes one
//     waiting header per cycle from any port: a frame takes at least 13
//     cycles to arrive on a byte-serial port, so one pipeline serves all
//     of them. The issue stage derives the lease element {port, tag}, the
//     ingress interface (model/device.Config.Interface) and the
//     ingress-tag check from a register copy of the index table's valid
//     bits. The meter (gen/meter NewIngress) and the label parser
//     (gen/labelparse) then run side by side on the same header; their
//     outputs are aligned with delay lines computed from
//     meter.IngressLatency and labelparse.Latency, so a change of either
//     latency needs no change here. The verdict (link port, CPU port or
//     drop, and the cjdns reason) is made, the egress cap (gen/meter
//     NewEgressCap) runs for frames to a link, and the result (destination
//     and the rewritten 13 header bytes) is written back into the slot.
//  3. Fabric. The slot streams its frame (for the CPU port with the two
//     CPU-frame bytes in front) into a gen/fabric crossbar in packet mode,
//     one byte per cycle.
//  4. Egress. Each link port writes the frame into a ring buffer (block
//     RAM, BufferBytes+MaxPacketBytes rounded up to a power of two); when
//     its last byte is in, the port's shaper (gen/shaper) decides. A
//     dropped frame is un-written (the write pointer returns to the frame's
//     start); an admitted one is committed and the transmitter sends it.
//     The fabric output is held off while a decision is pending and while
//     the ring has less than one maximum frame free. The CPU port's ring
//     commits every frame.
//
// The shaper assumes the link takes a byte every cycle while the queue is
// not empty (gen/shaper); with tx_ready held low the ring drains slower
// than the shaper's backlog, which stays safe (the fabric is held off) but
// makes the shaper's decisions optimistic.
//
// # Configuration and events
//
// Configuration arrives as write strobes with the written element's
// fields: if_we/if_addr/if_valid/if_port/if_tag/if_vr (index table; the
// label parser's table and the valid copy) and ls_we/ls_idx and the lease
// fields (meter, cap and the shaper of the lease's port). Counters are
// kept outside the datapath from one-cycle event strobes: ev_in,
// ev_vrouter, ev_shift, ev_label_error, ev_unknown_tag (with ev_hp_port,
// ev_hp_lease, ev_hp_bytes, ev_hp_cpu), ev_runt and ev_oversize per port,
// and per egress port e<q>_ev_out (bytes, tag) and e<q>_ev_drop (cause,
// tag). The meter's readings leave through a read port: mt_ridx (lease
// element) in, mt_measured, mt_factor and mt_scaling one cycle later
// (gen/meter ReadLatency), and mt_scaled_set, one bit per lease element,
// pulsed at a tick that enables the lease's factor.
//
// # Top (New)
//
// The device top adds the management subsystem (gen/uartbridge.System with
// the gen/csr decoder of the reference map, the map firmware/regs is
// generated from) beside Core, with the ports clk, rst, uart_rx, uart_tx
// and Core's frame ports. The decoder's configuration strobes drive Core's
// write ports; Core's events become counter events, one source per
// ingress port and one per egress link port. The decoder serves a source
// without loss at one event every 3*EventSources cycles (30 at ref4); a
// frame costs its ingress source one event, two when it is also dropped or
// refused by the label, so frames shorter than about 60 bytes arriving
// back to back on one port can lose counts (ev<k>_ready low).
//
// # What is not built
//
// ref16 is byte-serial (gen/shaper builds byte-serial ports only), and
// the fabric is always the crossbar (a Clos for 17 ports needs padding to a
// product n*r); tx_ready low makes the shaper optimistic (above).
//
// ref4 does not fit an iCE40 HX8K yet: `pktrouter synth --config ref4
// --board ice40-hx8k-breakout` gives 36,135 SB_LUT4, about 24,000
// flip-flops and 40 SB_RAM40_4K (the part has 7,680 logic cells and 32
// block RAMs; bitstreams/ref4-hx8k/report.md). Most of it is per-lease
// state in flip-flops: the 32-lease meter (an 8-lease meter is 3,696 LUT4,
// testbenches/meter/SYNTH.md) and four shapers (2,877 LUT4
// each, testbenches/shaper/SYNTH.md); both packages describe the block-RAM
// form that would shrink them.
package device
