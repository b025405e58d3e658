// Package meter is the golden model of pipeline steps 2, 3 and 5 of
// DESIGN.md: the customer bit, re-prioritization by an IIR priority meter per
// ingress lease, and the deprioritize-non-customer cap of the egress lease.
// The hardware generator gen/meter is held to it bit for bit, so every value
// here is an integer in a documented fixed-point format; there is no floating
// point in the datapath.
//
// # Traffic class
//
// The cjdns switch header's 16-bit traffic class is read as bit 15 = customer
// bit, bits 14..0 = priority (higher is more important). 0xffff, cjdns'
// "unclassed", means "take the ingress lease's default priority, customer bit
// clear". Because 0xffff is taken, the highest priority a customer packet can
// carry is 0x7ffe. The model never emits 0xffff: the customer bit can only be
// cleared and the priority only lowered.
//
// # Time
//
// Every lease has its own tick, every [Config.TickCycles] clock cycles,
// staggered by [TickStagger] (24) cycles between leases: lease i's tick n
// happens at cycle n*TickCycles + 24*i ([Config.TickAt], n >= 1), before the
// packets of that cycle. The stagger is what lets the hardware keep every
// lease's state in block RAM and update one lease at a time, the whole
// update inside the lease's 24-cycle slot, with one shared datapath and
// divider (gen/meter); it needs TickCycles >= 24*Leases.
// A packet's traffic class is decided in the cycle it is handed to
// [Meter.Ingress] (the cycle its header is parsed); its priority-bytes land
// in the lease's sample [AccountDelay] (10) cycles later, before that
// cycle's tick (the time the hardware's serial priority x bytes product and
// sample update take). So the tick at cycle t takes the packets of cycles
// up to t-10; packets are accounted whole.
//
// At lease i's tick:
//
//  1. acc <- acc + ((sample << K) - acc) >>> K, an arithmetic (flooring)
//     shift of the signed difference, then sample <- 0;
//  2. the factor update is computed from the new acc (measured = acc >> K)
//     and the lease's configuration as it stands at the tick (writes of
//     earlier cycles), and takes effect [UpdateDelay] (23) cycles later,
//     before the packets of that cycle: the time the hardware's acc update
//     and 16-iteration divider take.
//
// So the factor applied to a packet comes from the lease's latest tick at
// least 23 cycles before it. [LeaseState.Measured] is the measured value
// behind the active factor (what the register read port shows), Acc the
// accumulator as of the latest tick.
//
// # Fixed-point formats
//
// Unit of the meter: one priority-byte per tick (priority x bytes accumulated
// over one tick). Widths are computed from the configuration by
// [Config.Format]:
//
//   - sample: unsigned integer, SampleBits = bitlen(SampleMax) with
//     SampleMax = 0x7fff * (BytesPerCycle*TickCycles + MaxPacketBytes). Line
//     rate at maximum priority fills at most BytesPerCycle*TickCycles bytes
//     per tick plus one packet that started at the end of the previous tick,
//     so the adder never saturates at line rate. It saturates (and counts)
//     rather than wraps if driven beyond line rate.
//   - acc: unsigned UQ(SampleBits).(K), AccBits = SampleBits+K. acc is a convex
//     combination of samples, so it never exceeds SampleMax<<K. The
//     difference is signed, AccBits+1 bits.
//   - measured: acc >> K, integer priority-bytes per tick, SampleBits bits.
//   - limit (max-priority-bandwidth register): integer priority-bytes per
//     tick, SampleBits bits, compared with measured.
//   - factor: Q0.16 (16 bits) plus a scale-enable bit. When measured > limit
//     the factor is min(floor(limit * 2^16 / measured), [MaxFactor]),
//     computed by a restoring divider ([Divide]) in 16 iterations; otherwise
//     scaling is off (factor 1.0, which Q0.16 cannot hold, hence the enable
//     bit). The clamp to 0xfffe changes no scaled priority (Scale gives
//     p-1 for both 0xfffe and 0xffff) and frees 0xffff, so the hardware
//     stores factor and enable in one 16-bit word (inverted: 0 is off).
//   - new priority = (priority * factor) >> 16, a 15x16-bit product; it is
//     always strictly below a non-zero original priority when scaling is on.
//
// The flooring shift makes acc sit below the exact EWMA y[n] = y[n-1] +
// (x[n] - y[n-1]) * 2^-K by less than 2^K acc LSBs, that is less than one
// priority-byte per tick (see the tests).
//
// Because the meter measures the priority the packet arrived with (not the
// scaled one), the scaling is open-loop and cannot oscillate: a lease
// offering priority-bandwidth M > limit leaves with about limit.
//
// # Units for people
//
// The whitepaper's max-priority-bandwidth is in priority x kilobytes per
// second, with 1 KB = 1000 bytes. One meter unit is ClockHz/(TickCycles*1000)
// priority-KB/s; [Config.LimitFromPriorityKBps] and [Config.PriorityKBps]
// convert.
package meter
