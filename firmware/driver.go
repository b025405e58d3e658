package firmware

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/firmware/regs"
)

// Driver programs and reads the device through a Transport with the typed
// accessors generated from the register map: leases are named by (port,
// tag), interfaces by their cjdns interface number, and values the hardware
// cannot hold are refused before anything is written.
type Driver struct {
	t Transport
}

// NewDriver returns a Driver over t.
func NewDriver(t Transport) *Driver { return &Driver{t: t} }

// Probe reads the identity block and checks that the device is a pktrouter
// CSR bus built from the same register map as this firmware (magic, map
// version and map hash).
func (d *Driver) Probe() (regs.Ident, error) {
	id, err := regs.ReadIdent(d.t, 0)
	if err != nil {
		return id, err
	}
	switch {
	case id.Magic != regs.Magic:
		return id, fmt.Errorf("firmware: magic %#08x, want %#08x: not a pktrouter CSR bus (wrong port or baud rate?)", id.Magic, regs.Magic)
	case id.Version != regs.MapVersion:
		return id, fmt.Errorf("firmware: register map version %#x, this firmware speaks %#x", id.Version, regs.MapVersion)
	case id.MapHash != regs.MapHash:
		return id, fmt.Errorf("firmware: register map hash %#08x, this firmware was generated for %#08x: rebuild one of them", id.MapHash, regs.MapHash)
	}
	return id, nil
}

// LeaseIndex is the lease block element of (port, tag).
func LeaseIndex(port, tag int) (int, error) {
	if port < 0 || port >= regs.Ports {
		return 0, fmt.Errorf("firmware: port %d out of range 0..%d", port, regs.Ports-1)
	}
	if tag < 0 || tag >= regs.Leases {
		return 0, fmt.Errorf("firmware: lease tag %d out of range 0..%d", tag, regs.Leases-1)
	}
	return port*regs.Leases + tag, nil
}

// Lease reads the configuration of lease tag on port.
func (d *Driver) Lease(port, tag int) (regs.Lease, error) {
	i, err := LeaseIndex(port, tag)
	if err != nil {
		return regs.Lease{}, err
	}
	return regs.ReadLease(d.t, i)
}

// SetLease writes the configuration of lease tag on port. The free lease
// (tag 0) cannot be given a rate or burst.
func (d *Driver) SetLease(port, tag int, v regs.Lease) error {
	i, err := LeaseIndex(port, tag)
	if err != nil {
		return err
	}
	if tag == 0 && (v.Rate != 0 || v.Burst != 0) {
		return fmt.Errorf("firmware: port %d lease 0 is the free lease: it cannot have a guaranteed rate or burst", port)
	}
	return regs.WriteLease(d.t, i, v)
}

// Interface reads index table entry n (a cjdns interface number).
func (d *Driver) Interface(n int) (regs.Iface, error) { return regs.ReadIface(d.t, n) }

// SetInterface writes index table entry n after checking that it points at
// an existing port (or the CPU port, number Ports) and lease tag.
func (d *Driver) SetInterface(n int, e regs.Iface) error {
	if int(e.Port) > regs.Ports {
		return fmt.Errorf("firmware: interface %d: port %d out of range 0..%d (%d is the CPU port)", n, e.Port, regs.Ports, regs.Ports)
	}
	if int(e.Lease) >= regs.Leases {
		return fmt.Errorf("firmware: interface %d: lease tag %d out of range 0..%d", n, e.Lease, regs.Leases-1)
	}
	return regs.WriteIface(d.t, n, e)
}

// Meter reads the meter of lease tag on port.
func (d *Driver) Meter(port, tag int) (regs.Meter, error) {
	i, err := LeaseIndex(port, tag)
	if err != nil {
		return regs.Meter{}, err
	}
	return regs.ReadMeter(d.t, i)
}

// ClearScaledSeen clears the sticky "was scaled" bit of lease tag on port.
func (d *Driver) ClearScaledSeen(port, tag int) error {
	i, err := LeaseIndex(port, tag)
	if err != nil {
		return err
	}
	return regs.ClearMeterScaledSeen(d.t, i, 1)
}

// Stats reads the 64-bit counters of lease tag on port (each read low half
// first, as the hardware's latch requires).
func (d *Driver) Stats(port, tag int) (regs.Stats, error) {
	i, err := LeaseIndex(port, tag)
	if err != nil {
		return regs.Stats{}, err
	}
	return regs.ReadStats(d.t, i)
}

// PortStats reads the per-port drop counters.
func (d *Driver) PortStats(port int) (regs.Port, error) { return regs.ReadPort(d.t, port) }
