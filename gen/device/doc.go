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
//  1. Ingress slot (device_ingress). Each port receives into one of two
//     slots of a block RAM (2 x MaxPacketBytes as 16-bit words {even
//     byte, odd byte}). When the last byte is in (store-and-forward) the
//     slot is full; rx_ready is low while the slot being received into is
//     full. Frames shorter than 13 bytes or longer than MaxPacketBytes are
//     dropped (ev_runt, ev_oversize).
//  2. Header unit (shared, one frame at a time). A round-robin arbiter
//     (gen/blocks) picks a port with a full slot waiting; the unit reads
//     the frame's first seven words (tag, switch header, first payload
//     byte) from the slot through the slot's read port, so no port keeps
//     a copy of its headers in flip-flops. It derives the lease element
//     {port, tag}, the ingress interface (model/device.Config.Interface)
//     and the ingress-tag check from a register copy of the index
//     table's valid bits, then runs the meter (gen/meter NewIngress, one
//     pulse) and the label parser (gen/labelparse in HeldInput mode: its
//     input is held for the whole frame, so it keeps no copy of the
//     header and its outputs hold too) on the header. At
//     hcDecide (meter.IngressLatency and labelparse.Latency after the
//     header is in) the verdict is made: link port, CPU port or drop, and
//     the cjdns reason; frames to a link pass the egress cap (gen/meter
//     NewEgressCapHeld: its inputs are held too). The rewritten 13 bytes (egress lease tag or ingress
//     interface, forwarded header, final traffic class) are written back
//     into the slot through its write port, in the cycles the receiver
//     leaves it free, from the cycle the label parser's result is in
//     (the two words holding the traffic class wait for the cap). A frame
//     holds the unit about 27 cycles (7 reads, the meter's latency of 10
//     (gen/meter's serial multiplier; the label parser's 5 runs beside
//     it), 4 for the cap, the last two writes, control), so the unit
//     takes about one frame every 27 cycles for the whole device (the
//     meter's MinPacketGap of 15 is met). Each port's two
//     slots let the unit work on one frame while the other crosses the
//     switch (the transfer pauses while the unit reads the slot: one read
//     port), so a port receives at line rate when its frames are 64
//     bytes or longer; 20-byte frames back to back go at one per 33
//     cycles, and all ports at line rate at once need frames of about
//     110 bytes (4 x 27). Above that rate rx_ready goes low: the sender
//     waits, nothing is lost (testbenches/device TestHeaderUnitRate).
//  3. Switch. Frames are stored whole in the slots, so the switch holds no
//     data: an egress port that is free (no frame being written or
//     decided, room for a maximum frame) takes one waiting frame for it,
//     chosen by a round-robin arbiter over the inputs (one new transfer a
//     cycle), and the frame's slot streams into the port's ring at a word
//     (two bytes) a cycle, twice the link rate, so frames from several
//     inputs queue at the egress shaper rather than at the inputs.
//     Transfers to different egress ports run side by side through a
//     word-wide multiplexer per egress port. A port's frames leave its
//     slots in order (head of line: a frame waits for its egress port);
//     frames from several ports waiting for one busy egress port go in
//     the arbiter's round-robin order, where the model (which has no
//     switch delay) has them in arrival order.
//     (gen/fabric's VOQ crossbar and Clos are the fabric for cell
//     switching; the device does not need them.)
//  4. Egress (device_egress). Each link port writes the frame into a ring
//     (block RAM of 16-bit words, BufferBytes+MaxPacketBytes rounded up to
//     a power of two): a length word, then the bytes two to a word. When
//     its last word is in, the port asks the shaper for a verdict. One
//     shaper serves all link ports (gen/shaper NewShared: every port's
//     buckets, backlog and barrier, one admission datapath): the lowest
//     numbered asking port is taken first, so a frame waits at most
//     Ports-1 cycles for it (a port asks once per frame). A dropped frame
//     is un-written (the write pointer returns to the frame's start); an
//     admitted one is committed and the transmitter sends it. The transmitter reads a word while the last one's low
//     byte goes out, so frames of even length leave back to back; a frame
//     of odd length is followed by one idle cycle. The CPU port
//     (device_egress_cpu) has no shaper and no ring: CPU frames are few
//     (frames to self and label errors), so it sends straight from the
//     source's slot at the link's pace, the reason byte in front
//     (model/device.CPUFrame; the reason travels in the verdict's
//     destination code), and the slot stays full until the frame's last
//     word is read.
//
// The shaper assumes the link takes a byte every cycle while the queue is
// not empty (gen/shaper); with tx_ready held low the ring drains slower
// than the shaper's backlog, which stays safe (the switch holds frames
// back while the ring lacks room for a maximum frame) but makes the
// shaper's decisions optimistic. The same holds, slightly, for the idle
// cycle after a frame of odd length and for the ring's length words (2
// bytes a frame): with minimum-size frames the ring holds about 750
// bytes of frames where the shaper counts 768.
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
// and per egress port e<q>_ev_out (bytes, tag; when the frame's last byte
// goes into the tx register) and e<q>_ev_drop (cause, tag). The meter's readings leave through a read port: mt_ridx (lease
// element) in, mt_measured, mt_factor and mt_scaling one cycle later
// (gen/meter ReadLatency), and mt_scaled_set, one bit per lease element,
// pulsed the cycle after a factor update that enables scaling (UpdateDelay,
// 23 cycles, after the lease's tick).
//
// # Top (New)
//
// The device top adds the management subsystem (gen/uartbridge.System with
// the gen/csr decoder of the reference map, the map firmware/regs is
// generated from) beside Core, with the ports clk, rst, uart_rx, uart_tx
// and Core's frame ports. The decoder's configuration strobes drive Core's
// write ports; Core's events become counter events: the header unit's
// (in_packets/in_bytes, drop_vrouter, drop_unknown_tag, label_errors of
// every ingress port) through source 0 with a four-entry queue, and each
// egress link port's (out_packets/out_bytes, drop_refused, drop_overflow)
// through a source of its own with a two-entry queue; the map's other
// sources stay idle. The decoder's pointer passes an idle source in a
// cycle and serves an event in about three, a bus read of a counter going
// first, so a round over the 9 sources takes up to 3 + 4 + 4*3 = 19
// cycles at ref4 while every egress source is busy, plus the bus reads.
// The header unit raises at most two events per frame; a frame dropped at
// the verdict (a virtual-router crossing) leaves the unit after about 21
// cycles, so a long run of such frames while the egress ports count
// traffic of their own can fill source 0's queue, and a push into a full
// queue is lost (neither counted nor flagged). No test reaches that case:
// the counters read over the UART equal the model's in the system tests,
// and a stress run of 120 back-to-back crossing frames with stalled
// egress ports lost nothing (session 5 review).
//
// # What is not built
//
// ref16 is byte-serial (gen/shaper builds byte-serial ports only) and has
// the same datapath as ref4 (header unit, switch, rings scale with the
// configuration); tx_ready low makes the shaper optimistic (above).
//
// # Size
//
// ref4 fits the iCE40 HX8K (bitstreams/ref4-hx8k/report.md, built by
// pktrouter synth --config ref4 --board ice40-hx8k-breakout). It got there
// by building each block for the rate the device gives it rather than one
// item per clock: the header unit hands the meter, the label parser and
// the cap one header per ~27 cycles and holds it meanwhile, so the meter
// multiplies serially (gen/meter, MinPacketGap) and the label parser and
// the cap keep no pipeline copies of their held inputs (HeldInput,
// NewEgressCapHeld); an egress port decides once per frame, so one shaper
// holds every port's state beside one admission datapath (NewShared). The
// core's own logic and the block RAMs (five ingress blocks of two
// 256-byte slots, four 1 KiB rings; fewer needs smaller frames or
// buffers) are in testbenches/device/SYNTH.md. The "device" generator
// (any port and lease count, ref4's formats) sizes the device to other
// parts: pktrouter synth device -p ports=2 -p leases=4 --board ....
package device
