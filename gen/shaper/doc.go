// Package shaper generates the hardware of pipeline step 7 of DESIGN.md for
// one egress port: the per-lease guaranteed token buckets, the admission
// decision (Guaranteed / Excess / Dropped with its cause) and the output
// queue's departures, bit-exact and cycle-exact with model/shaper, including
// its drop rule (per-rank admission thresholds and the refusal barrier, see
// model/shaper).
// testbenches/shaper holds it to the model on all three engines.
//
// # Ports
//
//	in  arr_valid, arr_lease[LB], arr_bytes[BB], arr_tag[TagBits],
//	    arr_prio[15]                                                 at most one arrival per cycle
//	in  cfg_we, cfg_lease[LB], cfg_rate[RateBits], cfg_burst[BacklogBits]
//	out v_valid, v_verdict[2], v_cause[2], v_tag                      VerdictLatency after the arrival
//	out dep_valid, dep_tag, dep_lease                                 DepartLatency after the last byte is sent
//	out backlog[BacklogBits]                                          bytes queued and not yet sent
//
// An arrival or configuration write on the pins in cycle c is the model's
// of cycle c + InputLatency (an input stage; see the constants).
//
// v_verdict is model.Verdict (0 dropped, 1 guaranteed, 2 excess), v_cause
// model.DropCause (0 refused, 2 guarantee overflow) for a dropped packet, 0
// otherwise. Fields of an invalid event are 0. Cycle 0 of the model is the
// first cycle after rst. arr_prio is the packet's 15-bit priority after
// re-prioritization and the non-customer cap (gen/meter's output); it was
// added with the threshold rule (the push-out-less block had no priority
// input), the only port change, and the module name gained the m parameter
// (ClassMantissaBits), which now shapes the hardware.
//
// # Timing
//
// Cycle t, as in the model: lease t mod Leases has already had Leases x
// its rate added (the round-robin refill); the arrival of cycle t is
// decided against the buckets, the backlog and the excess limit; the link
// sends one byte from the head of the queue (an arrival into an empty
// queue sends its first byte in its own cycle); then the configuration
// write of cycle t takes effect (model.Port.SetLease at cycle t after the
// arrival): the bucket is clamped to the new burst and the new rate is
// added from the lease's next refill, and the excess limit BufferBytes -
// sum(reserves) - 1 (model.Config.Reserve: burst + Leases-1 for a lease
// with a burst) applies to arrivals from cycle t+1: kept in a register
// updated incrementally (+old reserve - new reserve) when every paid lease
// has a bucket, computed from the slots' bursts when buckets live in slots
// (ref4; see Slots below). Leases must be a power of two.
//
// # Structure
//
// The input stage registers the arrival and the configuration write and
// computes, a cycle ahead, what depends only on the arriving packet: n +
// Depth(rank), the barrier's rank operands, and the positions (below) of
// the arriving and the written lease as one-hot.
//
// The drop rule is the model's: an excess packet is admitted when
// backlog + len <= max(ExcessLimit - Depth(rank), MaxPacketBytes), computed
// as backlog + (len + Depth) <= ExcessLimit or backlog + len <=
// MaxPacketBytes. Depth is a function of the arriving packet alone: the
// priority class (a priority encoder and a shift, model.Class), subtracted
// from the top class and shifted by PaidShift, or by FreeShift plus
// FreeBase for lease 0. No descriptor is ever removed except at the head.
//
// The refusal barrier (model.Port.Barrier) costs a BarrierBits register,
// one shot bit per lease and a free-running ShotWindowLog-bit cycle counter
// (barrier_tick, the model cycle modulo the shot window; both time scales
// are powers of two, so its low bits give both carries). The barrier
// register holds the barrier as of the start of the current cycle, decay
// included, so the decision compares it directly: the input stage computes
// rank+1 and rank+1+BarrierMargin of the arriving packet (rank = paid bit :
// class), the decision refuses an excess packet also when rank+1+margin <
// barrier, its lease's shot bit (picked by the arrival's one-hot) is clear
// and backlog + len > Floor (the floor compare the threshold rule already
// has). After the decision, an excess refusal raises the register to
// max(barrier, rank+1) and sets its lease's shot bit; then, when the next
// cycle starts a decay period (the counter's low BarrierDecayLog bits all
// ones) the register is decremented unless 0, and when it starts a shot
// window (all counter bits ones) every shot bit is cleared.
//
// Buckets. A lease's tokens are kept split at the binary point: an
// integer part (bytes, BacklogBits) and a fraction (F bits). A packet of n
// bytes is green when tokens >= n << F, which is integer part >= n (the
// fraction does not matter), and its take subtracts n from the integer
// part alone; a configuration write's clamp to the new burst is integer
// part >= burst' (then the integer part becomes burst' and the fraction
// 0). So the decision, the take and the clamp are BacklogBits wide; only
// the round-robin refill adds the fraction: min(tokens + L x rate,
// burst << F), one shared adder, with both outcomes of the decision (the
// refilled lease took n or did not) computed beside it.
//
// Lease state rotates. The round robin visits the leases in a fixed order,
// so every lease's rate, burst and tokens live in ring registers that move
// down one position every cycle: in model cycle k position p holds lease
// (k+1+p) mod L. Position 0 is the lease refilled at the end of the cycle;
// its refilled state enters position L-1, every other position takes the
// next one's (with this cycle's take or configuration write applied when
// the arriving or written lease is the one moving). The refill reads
// position 0 without a select; only the arriving lease's integer part and
// the written lease's integer part and old burst are selected, by
// position (the input stage computes (lease - rr_lease - 1) mod L, L a
// power of two). The free lease has a slot too; it is never written, so
// its rate, burst and tokens stay 0.
//
// Slots. When the buffer has room for the reserves of fewer guarantees
// than there are paid leases (Layout.Guarantees < Leases-1; ref4's
// 768-byte buffer holds one: a minimum reserve is 271 bytes of the 511
// beside a packet), the rings are not built: a lease without a guarantee
// has rate 0 and burst 0, so its tokens are 0 whatever happens and it
// needs no state. Each of the Guarantees slots holds a lease number, a
// valid bit and that lease's rate, burst and tokens; a write with a burst
// takes the lease's slot or the first free one (the model accepts it only
// when one is free), a write without one frees the slot (tokens 0, the
// model's clamp to burst 0). The arriving, written and refilled leases'
// slots are found by comparing lease numbers; one refill datapath serves
// the slot of the lease the round robin visits (a lease given its
// guarantee in the cycle before its visit starts from 0 tokens). The
// excess limit is then the reset value less the slots' reserves, with no
// register of its own.
//
// The queue holds descriptors only (tag, lease, end offset), all of them
// in one block RAM (QueueDepth words, the head's included, declared
// hdl.MemNoRWCheck); the packet bytes live in the port's buffer elsewhere.
// The read port reads the head's word every cycle, and its data register
// is the head descriptor: no head register. A packet departs in the cycle
// the sent-byte offset (the admitted offset less the backlog) reaches its
// end offset. A new head (after a departure, or admitted into an empty
// queue) is in the data register two cycles later, which is before it can depart since a packet has at least
// MinPacketBytes >= 3 bytes; the one cycle in which the data register is
// not the head yet (after an admission into an empty queue, whose write
// and read hit the same word) is masked. Only a packet already queued can
// depart, which keeps the admission decision off the departure logic.
//
// Timing closure at 125 MHz is not reached (testbenches/shaper/SYNTH.md
// has the figures of the ref4 port). With rings the critical path is the
// refill: the bypass of a configuration write to the lease being refilled,
// the (BacklogBits+F)-bit add of L x rate, the take's subtract and the
// clamp compare. With slots (ref4) it is the admission: the slot's lease
// compare, the pick of its integer part, the green compare, the decision
// and the slot's next-state select.
//
// # Shared ports
//
// NewShared builds the admission side of several egress ports' shapers in
// one block, for a device whose frames live in its own egress rings (no
// descriptor queue, no departure outputs; the queue's head-valid is
// backlog != 0, so the backlog needs no queue):
//
//	in  arr_valid, arr_port[PB], arr_lease[LB], arr_bytes[BB], arr_tag[TagBits],
//	    arr_prio[15]                                    at most one arrival per cycle, all ports
//	in  cfg_we, cfg_port[PB], cfg_lease[LB], cfg_rate[RateBits],
//	    cfg_burst[BacklogBits]                          at most one write per cycle, all ports
//	out v_valid, v_port[PB], v_verdict[2], v_cause[2], v_tag   VerdictLatency after the arrival
//	out backlog<q>[BacklogBits], q = 0..ports-1         port q's bytes queued and not yet sent
//
// with PB = PortBits(ports) = max(1, bitlen(ports-1)). Port q is exactly
// model/shaper's Port fed with the arrivals and writes that name it, with
// New's timing. A port's arrivals come one per frame at most, so the
// admission datapath is idle almost always; what changes every cycle stays
// per port in registers (the backlog and its drain, the guarantee slots
// and their round-robin refill, the barrier and its decay, the shot bits),
// and everything that acts only on an arrival or a write exists once: the
// input stage, the green, overflow, floor, threshold and barrier compares,
// the take and the write's clamp select the named port's state and write
// their results back to it. The round-robin counter and the barrier's
// clock are one for all ports. The buckets always live in slots
// (Layout.Guarantees per port). A slot keeps its tokens less the burst
// (integer part, two's complement, never above 0, beside the tokens'
// fraction), so the refill, under + Leases x rate clamped at 0, gets its
// clamp from the sum's sign instead of a compare; green is the sign of
// burst + under - n, computed once for the arriving port. The backlog and
// barrier decrements are LUT logic (no carry chain), and the slot's
// next-state zeroing and holding are written so that they map to the
// flip-flops' sync reset and enable. With one slot a port (ref4) a write
// the model accepts with a burst always goes to the slot, so the slot's
// rate is loaded from the pins a cycle early (only the refill, which
// follows the write, reads it). Everything is in flip-flops: no block
// RAM. testbenches/shaper/SYNTH.md has the figures.
//
// # Difference from the model
//
// The generator builds the byte-serial port only (BytesPerCycle = 1, the
// ref4 8-bit datapath): wider ports pack several packets into one cycle's
// drain, which needs a multi-departure head stage not built yet. Within
// that, the block is exact: buckets, verdicts, causes, backlog, departures
// and their cycles.
package shaper
