// Package shaper is the golden model of pipeline step 7 of DESIGN.md: the
// drop decision of one egress port, a two-level hierarchical token bucket in
// front of a bounded output buffer. The hardware generator gen/shaper is held
// to it bit for bit, so all state is integer fixed point in the formats below.
//
// # What it does
//
// Level 1: every egress lease has a token bucket at its guaranteed rate and
// burst. A packet that finds enough tokens when it arrives is guaranteed
// ("green"): it takes the tokens and is never dropped. Lease 0, the free
// lease, has rate 0 and burst 0 and cannot be given a guarantee.
//
// Level 2: every other packet is excess ("yellow") and competes for the rest
// of the link by priority, through per-rank admission thresholds on the
// queue and a refusal barrier. An excess packet of rank r and len bytes is
// refused when
//
//	backlog + len > Threshold(r) = max(ExcessLimit - Depth(r), Floor)
//
// or, the barrier's shot, when
//
//	r + BarrierMargin + 1 < Barrier  and  backlog + len > Floor  and
//	its lease had no excess packet refused yet in this shot window,
//
// and admitted otherwise. Depth falls with rank, so the higher the rank the
// deeper into the buffer its traffic may fill: under saturation the queue
// settles at the threshold of the lowest rank still admitted and every
// lower rank is refused first (lowest priority dropped first); equal
// priorities meet the same threshold and lose in proportion to what they
// offer (tail drop); and nothing is refused with fewer than Floor-len+1
// bytes queued (Floor = MaxPacketBytes), so the link is busy whenever a
// packet is dropped (work conserving).
//
// The barrier ([Port.Barrier]) remembers the highest rank refused
// recently: every refusal raises it to rank+1, and it forgets one rank
// every 2^BarrierDecayLog cycles. A lease whose packet ranks more than
// BarrierMargin classes (half an octave of priority) below it loses that
// one packet, then nothing more to the barrier until the next shot window
// of 2^ShotWindowLog cycles (a lease's refusal of either kind spends its
// shot). The time scales are 4 and 16 times the time the link takes to
// send a full buffer, rounded up to powers of two ([Format]).
//
// Rank orders excess packets: every paid lease's traffic ranks above every
// free-lease packet (whitepaper §5: the free tier uses capacity that would
// otherwise sit idle, so it is the first starved), and within a tier the rank
// is the priority class [Class] of the packet's 15-bit priority. The depths
// are spread over span = BufferBytes - BytesPerCycle - 2*MaxPacketBytes
// (the excess region above the floor of a port without guarantees): paid
// class c at (Classes-1-c) << PaidShift, over the top half of span; free
// class c at FreeBase + ((Classes-1-c) << FreeShift), FreeBase = 5/8 span,
// over [5/8, 7/8) of it; the shifts are the largest that fit ([Format]).
// Guarantees shrink ExcessLimit and so lower every threshold together;
// once they leave less than a band's depth, the lowest classes share the
// floor.
//
// # Why thresholds, not push-out
//
// The model used to push queued lower-ranked excess packets out to make room
// (strict priority dropping). In hardware that needs a linked list per rank
// through the buffer's descriptors, a doubly linked FIFO and a find-first-set
// over the ranks; the thresholds need a shift, an add and two compares per
// arrival, all precomputable from the arriving packet except the final
// compare with the backlog. The price is that dropping is priority ordered
// but not strict: a lower-ranked packet admitted while the queue was low
// stays queued when a higher one is later refused, and while the queue
// swings below a threshold that rank gets in. Measured on the tests here:
// four leases at priorities 100/1000/5000/20000 offering 40% each pass
// 0/20/40/40% of the link as before, but the 5000 lease loses about 2% of
// its packets where push-out lost none. Packets leave in arrival order (one
// FIFO per port): packets of one lease are never reordered, whatever their
// colour (RFC 2597 asks the same of assured forwarding).
//
// # Why the barrier
//
// Whitepaper §2.1: a customer with a tenth of the others'
// max-priority-bandwidth should pass a tenth as much. The meter scales each
// customer's priority by limit/offered, so priorities are equal exactly at
// that point, and elastic senders get there only if being below the others
// costs loss signals. An elastic sender reacts to whether it lost a packet
// in a round trip, not to how many: a small customer sends a tenth of the
// packets, so with thresholds alone it is rarely in the queue when the queue
// overflows, and at 25 classes (0.6x) below the others it still saw loss in
// no more round trips than they did: it passed 0.17 of what they passed
// (model/shaper TestWhitepaperShares). Push-out told it by evicting its
// queued packets (0.10). The barrier tells it without touching the queue:
// one refused packet whenever it sends while it ranks clearly below a rank
// that overflowed recently. One shot per window keeps the cost to a packet;
// the margin of half an octave keeps it off customers of equal
// max-priority-bandwidth, whose priorities differ by the meter's noise and
// by one back-off (x0.7 is 16 classes at m = 5). Measured
// (TestWhitepaperShares, TestShareSweep): 0.098-0.099 over seeds 2-6, equal
// limits within 2.4% of the mean (the thresholds alone: up to 3.5%) at 0.905
// of the link (0.91).
//
// At device level (testbenches/device TestSharesModel: two ISPs, AIMD
// senders, 200-byte frames, 4 KiB buffer) the barrier barely matters: 0.096
// in the test's 1M-cycle window (0.089-0.101 over five warm-up phases),
// 0.088-0.089 over 10M cycles, against 0.084 and 0.086-0.087 with
// thresholds alone. There the small ISP sends about 0.7 frames per AIMD
// period and must lose about 30% of its frames to stop growing, whatever
// the drop rule (the large one about 1.3%), while the meter prices offered
// traffic: passed/passed is offered/offered times 0.7. A strict rule
// (every packet below the barrier refused) brings offered/offered to
// 0.099, the meter's 1/10, and passed/passed to 0.053.
//
// In hardware: the barrier register (BarrierBits) with a max on every
// refusal and a decrement on a counter's carry, one bit per lease (cleared
// on the shot window's carry), and per arrival an add of a constant and a
// compare of ranks beside the threshold compare, which already has the
// floor compare. Nothing leaves the queue except at its head.
//
// # Why guaranteed traffic is safe
//
// Excess packets are admitted only while the queue stays within
// ExcessLimit = BufferBytes - sum(reserves) - BytesPerCycle, a lease's
// reserve ([Config.Reserve]) being its burst plus (Leases-1)*BytesPerCycle
// when it has a guarantee (every threshold is at most ExcessLimit, and
// Floor = MaxPacketBytes <= ExcessLimit, which the lease check enforces).
// Once the queue is above that limit only guaranteed packets enter and the
// link drains BytesPerCycle every cycle. The guaranteed arrivals of any
// span of s cycles are bounded by the tokens: at most burst at its start
// plus the refills in it per lease; a lease is visited at most
// ceil(s/Leases) times, each visit adding Leases*rate, so its refills are
// at most s*rate + (Leases-1)*BytesPerCycle, and sum(rates) <=
// BytesPerCycle. The queue therefore never exceeds BufferBytes and a
// guaranteed packet is never refused.
//
// # Time
//
// Cycle t is, in order: the buckets are refilled round robin, lease
// t mod Leases alone adding Leases x its rate (clamped to its burst); the
// packets arriving in cycle t are decided in the order given; the link
// sends BytesPerCycle bytes from the head of the FIFO, packed across packet
// boundaries (a packet departs in the cycle its last byte is sent). The
// model is event driven ([Port.Arrive], [Port.AdvanceTo]) but computes
// exactly what the per-cycle hardware does: adding Leases*rate k times with
// a clamp equals adding k*Leases*rate once with the same clamp, and the
// drain is deterministic.
//
// Why round robin: the hardware then needs one shared refill subtractor
// instead of one per lease, and Leases*rate is a shift when Leases is a
// power of two (gen/shaper builds only that). The price is a bucket that
// lags its rate by up to Leases cycles (so MinBurst = MaxPacketBytes +
// Leases*BytesPerCycle, [Config.MinBurst]) and that may hand out up to
// Leases-1 cycles of rate early, which the excess limit reserves
// ([Config.Reserve]). Over any
// longer span a lease gets its rate exactly.
//
// A configuration write at cycle t ([Port.SetLease]) happens after cycle t's
// refill: tokens are clamped to the new burst at once and the new rate is
// added from the lease's next visit after t. Bucket state is never reset.
//
// # Fixed-point formats
//
// With F = [Config.RateFracBits] and B = [Config.BytesPerCycle]:
//
//   - rate: unsigned UQ(bitlen(B)).F bytes per cycle, RateBits =
//     bitlen(B)+F. The conversions round up, so a lease never gets less than
//     it bought; the excess is below 2^-F bytes per cycle, a relative rate
//     error below 2^-F/rate (F = 24, B = 8: 7.5e-7 at 1% of the link). There
//     is no whole-cycles-per-byte quantization (DPDK's rte_sched period), so
//     every rate from 2^-F bytes per cycle to the full link is representable.
//   - tokens: unsigned UQ(bitlen(BufferBytes)).F bytes, TokenBits =
//     bitlen(BufferBytes)+F, at most burst<<F. A packet of n bytes is green
//     when tokens >= n<<F and then takes exactly n<<F; excess packets take
//     nothing. Buckets start full, so a lease's first burst is green; the
//     one-time overshoot this allows is exactly the burst, never more (no
//     HTB-style early overshoot beyond the configured burst).
//   - backlog, excess limit and thresholds: bytes, BacklogBits =
//     bitlen(BufferBytes); depths: bytes, DepthBits.
//   - rank: bit (ClassBits) = paid tier, bits below = [Class] of the priority.
//   - barrier: 0..2*Classes (0: none, else one above a rank), BarrierBits.
package shaper
