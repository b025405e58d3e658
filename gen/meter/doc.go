// Package meter generates the hardware of pipeline steps 2, 3 and 5 of
// DESIGN.md: the customer bit, re-prioritization by an IIR priority meter per
// ingress lease, and the egress deprioritize-non-customer cap. The circuits
// are bit-exact with the golden model model/meter, cycle for cycle, under the
// timing rules below; testbenches/meter holds them to it.
//
// # Ingress block ([NewIngress])
//
// Ports (clk and rst implicit; rst is synchronous and clears every register,
// configuration included):
//
//	in  pkt_valid, pkt_lease[LB], pkt_tc[16], pkt_bytes[BB]   one packet per cycle at most
//	in  cfg_we, cfg_lease[LB], cfg_default[15], cfg_clear, cfg_limited, cfg_limit[SampleBits]
//	out out_valid, out_tc[16]                                  IngressLatency cycles later
//	in  rd_lease[LB]                                           read port (the register map's meter_ridx)
//	out rd_measured[AB-K], rd_factor[16], rd_scaling           ReadLatency (1) cycle later
//	out scaled_set[Leases]                                     bit i: lease i's factor enabled at a tick
//
// LB = max(1, bitlen(Leases-1)), BB = bitlen(MaxPacketBytes). A packet
// presented in cycle c comes out in cycle c+[IngressLatency] (out_tc is 0
// when out_valid is 0). Cycle 0 of the model is the first cycle after rst.
//
// Timing (what the model is driven with): in model cycle h the tick (when h
// is a multiple of TickCycles, h > 0) happens first, then the packet of cycle
// h, then the configuration write of cycle h. So a configuration write is seen
// by packets from the next cycle on, and a new limit by the next tick's
// divider pass (model.Meter.SetLease).
//
// Read port: rd_* in cycle c+1 are lease rd_lease's acc>>K, active factor
// and active enable as the registers hold them in cycle c (0 for a lease
// index >= Leases); one register after the mux, which meets gen/csr's RO
// timing (the value is sampled one cycle after <block>_ridx changes). The
// registers change at the accounting stage, so a tick at model cycle h is
// visible on rd_* from cycle h+accStage+2 = h+8 on: rd_* in cycle c equal
// the model's State after AdvanceTo(c-8). scaled_set pulses for one cycle,
// in cycle h+7, with bit i set when the tick at h made lease i's factor
// active (the model's State(i).Scaling just after that tick); it is
// gen/csr's meter_scaled_seen_set.
//
// Pipeline (cycles after the input): 1 the input register; 2 decode
// (unclassed → default priority, clear-customer-bit) against the
// configuration registers; 3, 4 and 5 the priority × bytes product as
// registered 15×4 partial products (one per 4-bit digit of the length),
// their sums in pairs and the total; 6 the room left below SampleMax; then the accounting stage: one saturating sample adder per
// lease, the tick (acc update of every lease in parallel, factor swap, limit
// snapshot, divider start) and the choice of the factor; three stages of
// the 15×16 scaling (four registered 15×4 partial products, their sums in
// pairs, the total); and the output register. Configuration writes of the limit travel down a matching
// delay line so the tick sees exactly the writes the model has made by then.
// The acc update is computed as acc - ceil(acc/2^K) + sample, which equals
// the model's flooring shift of the signed difference exactly (sample<<K is
// a multiple of 2^K); the first two terms change only at ticks and are
// precomputed, so the tick is one adder. The deep pipeline is there for Fmax
// on LUT-only FPGAs (iCE40 has no multipliers).
//
// The shared divider is a restoring divider, one lease every
// model.DividerCyclesPerLease (17) cycles: one load cycle (measured = acc>>K
// and the limit snapshot taken at the tick) and 16 quotient-bit cycles, the
// first of which also decides the enable (limited and measured > limit),
// writing the lease's shadow factor from a result register one cycle after
// the last iteration. That cycle, and keeping the result off the tick's
// edge, is why the generator needs TickCycles >= 17*Leases+2 where the
// model accepts 17*Leases: the only configuration the two disagree on.
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
//	out eg_out_valid, eg_out_tc[16]                            EgressLatency cycles later
//
// A configuration write in cycle c applies to packets from cycle c+1 on.
// Stage 1 looks the lease's configuration up, stage 2 compares, stage 3
// caps, then the output register.
//
// # Size
//
// Every per-lease register is a flip-flop and the tick updates all leases
// at once, which is simple and exact but costs logic cells in proportion
// to Leases (testbenches/meter/SYNTH.md has the ref4 figures). A device
// with many leases per port would keep the per-lease state in block RAM and
// run the acc update sequentially beside the divider (the tick interval is
// long), with the sample double-buffered per tick.
package meter
