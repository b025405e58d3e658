// Package meter generates the hardware of pipeline steps 2, 3 and 5 of
// DESIGN.md: the customer bit, re-prioritization by an IIR priority meter per
// ingress lease, and the egress deprioritize-non-customer cap. The circuits
// are bit-exact with the golden model model/meter, cycle for cycle, under the
// timing rules below; testbenches/meter holds them to it.
//
// # Ingress block ([NewIngress])
//
// Ports (clk and rst implicit):
//
//	in  pkt_valid, pkt_lease[LB], pkt_tc[16], pkt_bytes[BB]   one packet per MinPacketGap (15) cycles at most
//	in  cfg_we, cfg_lease[LB], cfg_default[15], cfg_clear, cfg_limited, cfg_limit[SampleBits]
//	out out_valid, out_tc[16]                                  IngressLatency (10) cycles later
//	in  rd_lease[LB]                                           read port (the register map's meter_ridx)
//	out rd_measured[SampleBits], rd_factor[16], rd_scaling     ReadLatency (1) cycle later
//	out scaled_set[Leases]                                     bit i: lease i's factor update enabled scaling
//
// LB = max(1, bitlen(Leases-1)), BB = bitlen(MaxPacketBytes). A packet
// presented in cycle c comes out in cycle c+[IngressLatency] (out_tc is 0
// when out_valid is 0). Cycle 0 of the model is the first cycle after rst.
//
// Timing (what the model is driven with): in model cycle h the
// configuration write of cycle h comes first, then the meter's events
// (lease ticks at n*TickCycles + 24*i, factor updates 23 cycles after each,
// model/meter "Time"), then the packet of cycle h. So a configuration write
// is seen by the packet and the tick of its own cycle. A packet's
// priority-bytes land in its lease's sample model.AccountDelay (10) cycles
// after it arrived (the multiplier's time).
//
// Read port: rd_* in cycle c+1 are lease rd_lease's measured value, factor
// and enable as of the end of cycle c, that is the model's State after
// AdvanceTo(c) (0 for a lease index >= Leases): a block-RAM read
// addressed by rd_lease, which meets gen/csr's RO timing (the value is
// sampled one cycle after <block>_ridx changes). scaled_set has bit i set
// in cycle u+1 when lease i's factor update at cycle u enabled scaling (the
// model's State(i) with UpdateAt == u and Scaling); it is gen/csr's
// meter_scaled_seen_set.
//
// # Contracts the block relies on
//
// Relaxed from a design that takes a packet every cycle, because the device
// meets them and they let one small serial datapath and one block-RAM port
// serve several users:
//
//   - pkt_valid is set in at most one of any [MinPacketGap] (15)
//     consecutive cycles. The one serial multiplier takes 9 cycles and
//     keeps the packet's priority x bytes in its registers until the
//     sample update, which a lease's tick can push back by up to 5
//     cycles; and a packet's factor read takes sample_mem's read port
//     from the tick for a cycle, which the tick's schedule absorbs once
//     per slot. The device's header unit takes a frame at most every
//     IngressLatency+11 = 21 cycles (gen/device: grant, 7 header reads,
//     the meter, the verdict), and issues its meter pulse once per frame.
//   - cfg_we does not write the same lease in two consecutive cycles
//     ([SameLeaseConfigGap] = 2). A packet or tick whose configuration read
//     meets a write to its lease (a block-RAM read on the edge that writes
//     its word is undefined on iCE40) reads again in the next cycle, which
//     must be free of a write to that lease. gen/csr strobes one write per
//     bus transaction and the device's UART bridge takes many cycles per
//     transaction.
//   - rst does not clear the per-lease state or the configuration: both
//     live in block RAM (initial contents 0, which is the model's fresh
//     state and gen/csr's reset values). rst resets the pipeline and the
//     tick schedule only, so after a rst other than the power-up one the
//     firmware must rewrite the lease configuration, and the meters carry
//     on from their old values (they decay to 0 without traffic).
//   - The model's TickCycles >= 24*Leases is the generator's too, and the
//     acc and the factor fit three sample_mem words (MW bits: SampleBits
//     rounded up to 16, or wider when acc and factor need it).
//
// # Architecture
//
// Per-lease state is in block RAM (gen/hdl memories, one word per lease
// unless noted), each memory with one reader and one writer:
//
//	cfgd_mem   {clear-customer-bit, default priority}  16 bits   read: packet; write: cfg_we
//	lim_mem    {limited, limit}                        SB+1      read: tick; write: cfg_we
//	sample_mem word {0, lease}: sample                 MW        read-modify-write: packets and ticks
//	           word {1, lease}: acc (its low MW bits)              read and write: tick datapath
//	           word {2, lease}: {^factor, acc's top}               read: packet, tick; write: factor update
//	stat_mem   {measured, ^factor}                     SB+16     read: rd_lease; write: factor update
//
// (SB = SampleBits, MW = SB rounded up to 16 bits; ^factor is the factor
// inverted, so the memories' initial 0 means "off".) At ref4 device sizes
// (32 leases, SB 26, MW 32, acc 34 bits) that is 1+2+2+3 = 8 SB_RAM40_4K; testbenches/meter/SYNTH.md
// has the measured figures. Every memory is marked no_rw_check (gen/hdl
// MemNoRWCheck): no read's value is ever used from the edge that writes
// its word, so Yosys adds no read-first bypass (a register of the written
// word, an address compare and a mux per read port). Where a read can meet
// a write it does not control, the block reads again or takes the word
// from its own registers: a packet or tick that read its lease's
// configuration in the cycle it was written reads it again a cycle later
// (cfgd_mem for the packet in its cycle 1, lim_mem for the tick in step
// 1, the limit going into the divider in step 2); the register read port shows
// the update's registers when rd_lease meets the stat_mem write; the
// factor's write moves a cycle later when a packet reads its factor in
// that cycle (no packet can come in the next).
//
// Packet path (cycles after the input): 0 cfgd_mem read by pkt_lease (its
// output holds until the next packet; read again in 1 if the lease was
// written in 0) and the lease's factor read from
// sample_mem word 2 (this read always gets the port), the priority, byte
// count and lease registered; 1 the factor registered (0x10000 when
// scaling is off, so no bypass of the multiplier is needed); 2..9 one
// radix-4 shift-and-add multiplier step a cycle, two priority bits at a
// time, least significant first (the first step takes the lease's default
// priority for an unclassed packet): the factor and the byte count are
// each added, times those two bits, into an accumulator that shifts right
// two bits a step; the byte product's low bits shift into the priority
// register behind the priority. In cycle 10 mul_f is
// floor(priority x factor / 2^16), the new priority (IngressLatency 10),
// and {mul_b, mul_q} is priority x bytes. Cycle 9 reads the lease's sample
// and 10 writes the saturated sum (a compare of the sum with SampleMax
// made of LUTs), unless the lease's tick holds sample_mem (steps 0..4 and
// 21..22 of its slot): then the packet waits (pkt_wait) and reads right
// after, so the port is never shared and packets of cycles up to
// tick-AccountDelay land before the tick.
//
// Tick datapath: one slot of TickStagger (24) cycles per lease, back to
// back from each period's first cycle, and the whole update of a lease in
// its slot, so one set of registers serves every lease. Steps: 0 lim_mem
// read (again in 1 if written in 0); 2 the limit into the divider (halved,
// its low bit parked in div_q); 0..3 sample_mem's acc low word, word 2 (acc top) and sample
// read, in order, each in the first cycle no packet reads its factor. One
// adder builds the new acc in the acc register (cleared at the tick): +
// the low word when it arrives; when the top word arrives, the decay
// acc - ceil(acc/2^K) = acc + ^(acc>>K) + (acc mod 2^K == 0) with the top
// word straight from the read; when the sample arrives, + sample (this
// equals the model's flooring shift of the signed
// difference exactly, since sample<<K is a multiple of 2^K); 4 the sample
// written 0; 5 the acc's low word written back, and the divider compares
// limit with measured (acc>>K, read from acc, which holds for the rest of
// the slot): limit >= measured turns scaling off; 6..21 16 restoring
// divider iterations; 22 {the clamped, inverted factor, acc's top} to
// sample_mem word 2; 23 {measured, ^factor} to stat_mem
// (model.UpdateDelay = 23).
//
// The hardware does not check configuration values: a limit above the
// model's SampleMax, or a lease index >= Leases, is the firmware's mistake to
// avoid (the model's SetLease rejects them). The model's saturation counter
// is not implemented.
//
// # Egress block ([NewEgressCap])
//
//	in  eg_valid, eg_lease[LB], eg_tc[16]
//	in  cfg_we, cfg_lease[LB], cfg_deprio, cfg_cap[15]
//	out eg_out_valid, eg_out_tc[16]                            EgressLatency (4) cycles later
//
// The configuration is one {deprio, cap} word per lease in block RAM
// (cap_mem; not cleared by rst, as above), read in the packet's cycle, so a
// write in cycle c applies to packets from cycle c+1 on. Stage 1 registers
// the word, stage 2 compares, stage 3 caps, then the output register.
//
// [NewEgressCapHeld] is the same block, ports, latency and results for a
// caller that holds eg_lease and eg_tc from eg_valid until the result is
// out (gen/device's header unit): the configuration word stays in the block
// RAM's output register (read enable in the eg_valid cycle only) and the
// compare and select work from it and the held traffic class, so only
// eg_valid travels down a shift register.
package meter
