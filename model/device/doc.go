// Package device is the transaction-level golden model of the whole routing
// device of DESIGN.md ("The routing device"): every pipeline step a frame
// meets between the link it arrives on and the link it leaves by, built
// from the block models rather than copies of them:
//
//	ingress tag → customer bit, meter, re-prioritization (model/meter)
//	→ label parse (label.Scheme.Forward with the index table) and the
//	  virtual-router rule → deprioritize-non-customer cap (model/meter)
//	→ switch → two-level token bucket and output queue (model/shaper)
//	→ egress link, or the CPU port
//
// with per-lease and per-port counters. gen/device is held to it.
//
// # Ports, leases, interfaces
//
// The device has Ports link ports 0..Ports-1 and the CPU port, numbered
// Ports. Each link port carries Leases lease tags; tag 0 is the free lease.
// The lease (port p, tag t) has the element number e = p*Leases + t (the
// CSR map's lease and stats element) and the cjdns interface number
// Interface(p, t): e, except that e >= 1 is shifted up by one so that
// interface 1 stays self (the CPU port), as in cjdns. So ref4's 32 leases
// are interfaces 0 and 2..32 and the index table has Ports*Leases+1 = 33
// entries. This numbering is fixed by the hardware: it is what a frame's
// (port, tag) means on ingress (its return director), and it is the
// interface a free lease has even when the index table is empty. The
// index table says where each interface number leads on egress (valid,
// port, tag, virtual router), as gen/labelparse reads it.
//
// # One frame
//
// A frame arrives on a link as lease tag | switch header | payload and is
// handled when its last byte has arrived (store-and-forward):
//
//  1. Ingress tag. Fewer than 13 bytes: dropped (Runt). A frame longer than
//     MaxPacketBytes: dropped (Oversize). A tag >= Leases, or a paid tag
//     whose interface is not valid in the index table: dropped
//     (UnknownTag, counted on the port). The free lease (tag 0) is always
//     known: it cannot be configured away (whitepaper §5, fail-open).
//  2. The meter of the ingress lease (model/meter.Ingress): unclassed
//     traffic gets the lease's default priority, clear-customer-bit,
//     re-prioritization. Counted: in_packets, in_bytes (the whole frame).
//  3. label.Scheme.Forward from the ingress interface with present(n) =
//     the index table's valid bit. A SwitchError goes to the CPU port as a
//     CPUFrame carrying the cjdns code (the onboard computer answers with
//     [CPUFrame.ErrorFrame], cjdns' sendError, out of the ingress
//     interface); ErrShiftOverflow is dropped silently (DropShift). Then the
//     virtual-router rule: when neither side is interface 1, the egress
//     interface's virtual router must equal the ingress interface's,
//     else the frame is dropped and counted (DropVRouter on the ingress
//     lease).
//  4. Egress interface 1, or a table entry whose port is >= Ports, goes to
//     the CPU port (not shaped). Otherwise the egress lease is (table
//     port, table tag), its deprioritize-non-customer cap applies, and the
//     frame leaves with that lease tag, the forwarded header and the new
//     traffic class.
//  5. The egress port's shaper (model/shaper) decides at the same cycle:
//     guaranteed, excess or dropped (counted by cause on the egress lease);
//     admitted frames leave in arrival order when the link has sent the
//     bytes before them, and out_packets/out_bytes count them then.
//
// Frames from the CPU port (cpu_rx) come from interface 1 (self): they
// are not metered, the tag byte is ignored, and the virtual-router rule
// does not apply.
//
// # Time
//
// The model is driven in clock cycles: [Device.Receive] at the cycle a
// frame's last byte arrived, [Device.AdvanceTo] to let the links drain.
// The header unit, the switch and the hardware's buffers are taken as
// instantaneous and uncontended: the model gives what the device decides
// and in what order frames leave each port, not the exact cycles, so the
// hardware is compared frame by frame per port (content and order) and
// by counters, and where decisions depend on timing (drops at saturation)
// by shares. See gen/device for the hardware's latencies.
//
// # The CPU port
//
// What the device hands the onboard computer is a CPUFrame: a reason byte
// (0 for a frame switched to self, else the cjdns error code), the
// ingress interface number (one byte; Interfaces <= 256), then the switch
// header (as forwarded for reason 0, as received for an error) and the
// payload. Two bytes in front, so the onboard computer knows why and from
// where without re-parsing anything.
package device
