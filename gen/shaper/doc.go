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
// with a burst) is updated incrementally (+old reserve - new reserve) for
// arrivals from cycle t+1. Leases must be a power of two.
//
// # Structure
//
// The input stage registers the arrival and the configuration write and
// computes, a cycle ahead, what depends only on the arriving packet or on
// configuration registers: the lease as one-hot, n + Depth(rank), the
// integer green threshold burst - n and need - rate of the arriving lease
// (against the configuration the decision cycle will see). The decision
// cycle then picks the lease's deficit by AND-OR, compares its integer part
// (tokens >= n << F needs no fraction compare beyond "is it zero"), and
// selects among precomputed outcomes.
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
// window (all counter bits ones) every shot bit is cleared. In the ref4
// device's port (m = 5, 768-byte buffer) that is 10 + 8 + 14 flip-flops
// plus two staged 11-bit rank operands and about a hundred LUT4; the rank
// compare and the shot pick run beside the threshold compare, off the
// deficit paths.
//
// Every paid lease keeps its bucket as a deficit register D = (burst << F) -
// tokens (UQ.F bytes), holding its value except when it is taken from,
// written, or refilled: the round robin refills one lease per cycle (a
// rr_next one-hot register, rotated every cycle, names the lease refilled
// next), with Leases x rate, a shift. So one shared subtractor refills (the
// picked deficit less the picked, staged L x rate, clamped at 0) instead of
// one per lease; the model's lazy refill done eagerly, a lease at a time.
// As a deficit the refill is one subtract whose borrow is the clamp, and
// green is D <= (burst << F) - need. The input stage knows whether the
// arriving or written lease is the one refilled right after the decision
// (rr_next rotated once more, a rewiring) and folds L x rate into need -
// rate and into the write's K. Every outcome (the refill, the arriving
// lease's take with or without its refill, the written lease's new
// bucket) is computed beside the admission decision, which only selects;
// likewise the backlog's next value with and without an admission. The free
// lease has no bucket registers at all, so no configuration write can give
// it a guarantee.
//
// The queue holds descriptors only (tag, lease, end offset), a head
// register in front of a gen/blocks FIFO in block RAM (its depth rounded up
// to a power of two, which Yosys needs to infer block RAM); the packet bytes
// live in the port's buffer elsewhere. A packet departs in the cycle the
// running sent-byte offset reaches its end offset, so no per-packet
// down-counter and no read of the next descriptor sit on the critical path.
// Only the head register can depart (a packet has at least MinPacketBytes
// >= 2 bytes, so one arriving into an empty queue does not leave in its own
// cycle), which keeps the admission decision off the departure logic.
//
// Timing closure at 125 MHz is not reached (testbenches/shaper/SYNTH.md
// has the figures of the ref4 port). The critical path is the
// configuration write's new deficit: the written lease's deficit picked by
// its one-hot, the 41-bit K + D, the clamp at 0 and the deficit register's
// select. Behind it lies the admission decision (deficit pick, the integer
// green compare, the backlog compares) fanning out to every lease's deficit
// select, the backlog, the queue and the head register. Reaching 125 MHz
// needs the decision and the state update in separate cycles, with the
// next arrival's compares computed speculatively for both outcomes of the
// current one, and the write's clamp taken off the write cycle (an
// unclamped deficit read as max(D, 0)).
//
// # Difference from the model
//
// The generator builds the byte-serial port only (BytesPerCycle = 1, the
// ref4 8-bit datapath): wider ports pack several packets into one cycle's
// drain, which needs a multi-departure head stage not built yet. Within
// that, the block is exact: buckets, verdicts, causes, backlog, departures
// and their cycles.
package shaper
