package firmware

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/firmware/regs"
	"github.com/pktnetwork/pktrouter/model/shaper"
)

// Driver programs and reads the device through a Transport with the typed
// accessors generated from the register map: leases are named by (port,
// tag), interfaces by their cjdns interface number, and values the hardware
// cannot hold are refused before anything is written.
type Driver struct {
	t      Transport
	shaper *shaper.Config // set by CheckGuarantees
}

// NewDriver returns a Driver over t.
func NewDriver(t Transport) *Driver { return &Driver{t: t} }

// CheckGuarantees makes SetLease hold every guarantee it writes to the
// egress shaper's rules for configuration c (model/device.Ref4.Shaper for a
// ref4 board): rates within the link and summing to at most it, bursts of
// at least MinBurst, and the bursts' reserves within the buffer. The
// hardware does not check: a guarantee beyond what the buffer can reserve
// (ref4's 768 bytes hold one per port) would be ignored by the shaper
// while the register map kept it, so the driver refuses it first. An
// invalid c is an error, and the driver keeps checking as before.
func (d *Driver) CheckGuarantees(c shaper.Config) error {
	if _, err := c.Format(); err != nil {
		return fmt.Errorf("firmware: shaper configuration for guarantee checks: %w", err)
	}
	d.shaper = &c
	return nil
}

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
	if d.shaper != nil && (v.Rate != 0 || v.Burst != 0) {
		if err := d.checkGuarantee(port, tag, v); err != nil {
			return err
		}
	}
	return regs.WriteLease(d.t, i, v)
}

// checkGuarantee reads the guarantees of the port's other leases and
// checks the port's set with v in place of lease tag against the shaper
// model (see CheckGuarantees).
func (d *Driver) checkGuarantee(port, tag int, v regs.Lease) error {
	if tag >= d.shaper.Leases {
		return fmt.Errorf("firmware: port %d lease %d: the shaper has leases 0..%d", port, tag, d.shaper.Leases-1)
	}
	all := make([]shaper.LeaseConfig, d.shaper.Leases)
	for t := 1; t < min(regs.Leases, len(all)); t++ {
		if t == tag {
			all[t] = shaper.LeaseConfig{Rate: uint64(v.Rate), Burst: uint32(v.Burst)}
			continue
		}
		i, err := LeaseIndex(port, t)
		if err != nil {
			return err
		}
		rate, err := d.leaseWord(i, regs.LeaseRateWord)
		if err != nil {
			return err
		}
		burst, err := d.leaseWord(i, regs.LeaseBurstWord)
		if err != nil {
			return err
		}
		all[t] = shaper.LeaseConfig{Rate: uint64(rate >> regs.LeaseRateShift & regs.LeaseRateMask), Burst: uint32(burst >> regs.LeaseBurstShift & regs.LeaseBurstMask)}
	}
	if _, err := shaper.New(*d.shaper, all, nil); err != nil {
		return fmt.Errorf("firmware: port %d lease %d: guarantee refused: %w", port, tag, err)
	}
	return nil
}

// leaseWord reads word w of lease element i.
func (d *Driver) leaseWord(i, w int) (uint32, error) {
	a, err := regs.LeaseAddr(i, w)
	if err != nil {
		return 0, err
	}
	return d.t.ReadReg(a)
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
