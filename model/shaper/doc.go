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
// of the link by priority. An excess packet is admitted while the queue has
// room below the excess limit; when it has not, the port pushes out queued
// excess packets of strictly lower rank, lowest rank first and oldest first
// within a rank, until the packet fits; if it still does not fit it is
// refused. So the lowest priority is dropped first, equal priorities are
// dropped in proportion to what they offer (tail drop), and nothing is
// dropped unless the queue holds at least ExcessLimit-len+1 bytes, that is,
// unless the link already has that much work queued (work conserving).
//
// Rank orders excess packets: every paid lease's traffic ranks above every
// free-lease packet (whitepaper §5: the free tier uses capacity that would
// otherwise sit idle, so it is the first starved), and within a tier the rank
// is the priority class [Class] of the packet's 15-bit priority.
//
// # Why push-out below a limit, and why guaranteed traffic is safe
//
// Packets leave in arrival order (one FIFO per port): packets of one lease
// are never reordered, whatever their colour (RFC 2597 asks the same of
// assured forwarding). Excess packets are admitted only while the queue
// stays within ExcessLimit = BufferBytes - sum(bursts) - BytesPerCycle. Once
// the queue is above that limit only guaranteed packets enter, the link
// drains BytesPerCycle every cycle and the guaranteed arrivals of any span of
// cycles are bounded by the tokens, sum(bursts) + sum(rates)*span with
// sum(rates) <= BytesPerCycle, so the queue never exceeds BufferBytes and a
// guaranteed packet is never refused. No guaranteed packet ever has to push
// anything out.
//
// Push-out needs, in hardware, one linked list per rank threaded through the
// buffer's cell descriptors beside the FIFO list (the FIFO list doubly
// linked so an evicted packet is unlinked in two writes) and a find-first-set
// over the non-empty-rank bitmap (a two-level tree for 2*Classes ranks). Each
// eviction is one list pop and one unlink. An arriving packet of len bytes
// takes len/BytesPerCycle cycles to be written, during which the evictions it
// needs (at most len/min-packet) are done; the model decides them atomically.
// A packet leaves its rank list when its first byte is sent: a packet on the
// wire is never evicted.
//
// # Time
//
// Cycle t is, in order: every bucket adds its rate (clamped to its burst);
// the packets arriving in cycle t are decided in the order given; the link
// sends BytesPerCycle bytes from the head of the FIFO, packed across packet
// boundaries (a packet departs in the cycle its last byte is sent). The model
// is event driven ([Port.Arrive], [Port.AdvanceTo]) but computes exactly what
// the per-cycle hardware does: adding rate d times with a clamp equals
// adding rate*d once with the same clamp, and the drain is deterministic.
//
// A configuration write at cycle t ([Port.SetLease]) happens after cycle t's
// refill: tokens are clamped to the new burst at once and the new rate is
// added from cycle t+1. Bucket state is never reset.
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
//   - backlog and excess limit: bytes, BacklogBits = bitlen(BufferBytes).
//   - rank: bit (ClassBits) = paid tier, bits below = [Class] of the priority.
package shaper
