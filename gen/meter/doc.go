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
//	in  pkt_valid, pkt_lease[LB], pkt_tc[16], pkt_bytes[BB]   one packet per cycle at most
//	in  cfg_we, cfg_lease[LB], cfg_default[15], cfg_clear, cfg_limited, cfg_limit[SampleBits]
//	out out_valid, out_tc[16]                                  IngressLatency (5) cycles later
//	in  rd_lease[LB]                                           read port (the register map's meter_ridx)
//	out rd_measured[SampleBits], rd_factor[16], rd_scaling     ReadLatency (1) cycle later
//	out scaled_set[Leases]                                     bit i: lease i's factor update enabled scaling
//
// LB = max(1, bitlen(Leases-1)), BB = bitlen(MaxPacketBytes). A packet
// presented in cycle c comes out in cycle c+[IngressLatency] (out_tc is 0
// when out_valid is 0). Cycle 0 of the model is the first cycle after rst.
//
// Timing (what the model is driven with): in model cycle h the meter's
// events (lease ticks at n*TickCycles + 17*i, factor updates 27 cycles after
// each, model/meter "Time") happen first, then the packet of cycle h, then
// the configuration write of cycle h. So a configuration write is seen by
// packets from the next cycle on, and a new limit by the lease's next tick.
//
// Read port: rd_* in cycle c+1 are lease rd_lease's measured value, factor
// and enable as of the end of cycle c-1, that is the model's State after
// AdvanceTo(c-1) (0 for a lease index >= Leases): a block-RAM read
// addressed by rd_lease, which meets gen/csr's RO timing (the value is
// sampled one cycle after <block>_ridx changes). scaled_set has bit i set
// in cycle u+1 when lease i's factor update at cycle u enabled scaling (the
// model's State(i) with UpdateAt == u and Scaling); it is gen/csr's
// meter_scaled_seen_set.
//
// # Contracts the block relies on
//
// Relaxed from the flip-flop design, because the device meets them and
// they let one block-RAM port serve several users:
//
//   - pkt_valid is low in at least one of any 16 consecutive cycles
//     ([MaxPacketRun] = 15 packets in a row at most). A lease's tick takes
//     the sample memory's single read-modify-write slot for one cycle; the
//     packet it displaces waits in a one-entry hold register and goes
//     first in the next cycle, so the hold register must empty before the
//     next lease's tick, 17 cycles later. The device's header pipeline
//     takes a header from a port at most every 13 - 4 = 9 cycles (a frame
//     is at least 13 bytes, the round-robin arbiter serves 5 ports), so at
//     most 5 headers in 9 cycles reach the meter. A longer run loses a
//     packet's accounting (never its traffic class).
//   - rst does not clear the per-lease state or the configuration: both
//     live in block RAM (initial contents 0, which is the model's fresh
//     state and gen/csr's reset values). rst resets the pipeline and the
//     tick schedule only, so after a rst other than the power-up one the
//     firmware must rewrite the lease configuration, and the meters carry
//     on from their old values (they decay to 0 without traffic).
//   - The model's TickCycles >= 17*Leases is the generator's too.
//
// # Architecture
//
// Per-lease state is in block RAM (gen/hdl memories, one word per lease
// unless noted), each memory with one reader and one writer:
//
//	cfgd_mem   {clear-customer-bit, default priority}  16 bits   read: packet decode; write: cfg_we
//	lim_mem    {limited, limit}                        SB+1      read: tick; write: cfg_we
//	sample_mem sample                                  SB        read-modify-write: packets and ticks
//	acc_mem    acc, in 16-bit words (lease*2^WB+word)  16        read and write: tick datapath
//	fac_mem    ^factor (0: scaling off)                16        read: packet scaling; write: factor update
//	stat_mem   {measured, ^factor}                     SB+16     read: rd_lease; write: factor update
//
// (SB = SampleBits; ^factor is the factor inverted, so the memories'
// initial 0 means "off".) At ref4 device sizes (32 leases, SB 26, acc 34
// bits) that is 1+2+2+1+1+3 = 10 SB_RAM40_4K; testbenches/meter/SYNTH.md
// has the measured figures.
//
// Packet pipeline (cycles after the input): 0 cfgd_mem and fac_mem read by
// pkt_lease (the fac_mem read transparent, so it sees an update written
// at the end of the packet's cycle); 1 decode (unclassed → default
// priority, clear-customer-bit), factor registered; then two paths. Output: 2, 3, 4 the 15×16 scaling as
// registered 15×4 partial products, pair sums and the total, then the
// output register (IngressLatency 5). Accounting: 2, 3, 4 the priority ×
// bytes product the same way, 5 the room left below SampleMax, 6 the
// choice of the sample operation (the tick's, the held packet's or the
// arriving packet's), 7 the sample_mem read (registered), 8 the
// saturating add (the sample compared with the room, not added first) and
// the write. Operations on one lease may follow each other every cycle: the
// read is transparent (it sees the write of the operation two ahead) and
// the result of the operation right ahead is forwarded from a register. The deep pipeline is there for Fmax on LUT-only FPGAs (iCE40 has
// no multipliers).
//
// Tick datapath, one lease every 17 cycles, in cycles after the lease's
// tick τ: τ lim_mem read; τ+1.. the acc words read (one a cycle) and
// assembled; τ+6, τ+7 acc - ceil(acc/2^K) precomputed; τ+7, τ+8 the
// tick's sample_mem operation (reads the sample, writes 0); τ+9 new acc =
// decayed + sample (which equals the model's flooring shift of the signed
// difference exactly, since sample<<K is a multiple of 2^K); τ+10.. the acc
// words written back and the shared restoring divider loaded (measured =
// acc>>K, limit), the enable decided in its first iteration (limited and
// measured > limit), 16 quotient bits to τ+26; τ+27 the clamped, inverted
// factor written to fac_mem and, with measured, to stat_mem
// (model.UpdateDelay = 27).
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
package meter
