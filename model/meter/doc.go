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
// The meter runs on a fixed tick of [Config.TickCycles] clock cycles. Tick n
// happens at cycle n*TickCycles (n >= 1), before the packets of that cycle.
// Packets are accounted whole, in the cycle they are handed to
// [Meter.Ingress] (the cycle their header is parsed).
//
// On each tick, for every lease, in this order:
//
//  1. active factor <- shadow factor (the result of the divider pass that ran
//     during the tick interval that just ended);
//  2. acc <- acc + ((sample << K) - acc) >>> K, an arithmetic (flooring) shift
//     of the signed difference, then sample <- 0;
//  3. the shared sequential divider is started on the new acc; during the
//     following interval it fills the shadow factor of every lease, one lease
//     every [DividerCyclesPerLease] cycles.
//
// So the factor applied to packets in tick interval n+1 comes from the meter
// value at tick n: one tick of latency, the price of a shared divider and
// double-buffered factors.
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
//     the factor is floor(limit * 2^16 / measured) < 2^16, computed by a
//     restoring divider ([Divide]) in 16 iterations; otherwise scaling is off
//     (factor 1.0, which Q0.16 cannot hold, hence the enable bit).
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
