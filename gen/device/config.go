package device

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/gen/shaper"
	"github.com/pktnetwork/pktrouter/label"
	model "github.com/pktnetwork/pktrouter/model/device"
	modelmeter "github.com/pktnetwork/pktrouter/model/meter"
	modelshaper "github.com/pktnetwork/pktrouter/model/shaper"
)

// generator is the name recorded in emitted headers.
const generator = "gen/device"

// Config is one device configuration: the golden model's parameters and
// what only the hardware needs.
type Config struct {
	model.Config
	// VRBits is the width of a virtual router number in the index table.
	VRBits int
}

// Ref4 is the reference configuration ref4 (model/device.Ref4): 4 ports +
// CPU, 8 leases per port, v3x5x8, 8-bit datapath, 64 virtual routers (the
// CSR map's 6-bit vrouter field).
var Ref4 = Config{Config: model.Ref4, VRBits: 6}

// Ref16 is the reference configuration ref16, for ASIC-scale generic
// synthesis: 16 ports + CPU, 8 leases per port (129 interfaces), v3x5x8,
// 2 KiB frames, 16 KiB egress buffers. Its datapath is byte-serial like
// ref4's: the 64-bit datapath DESIGN.md names for ref16 needs a
// multi-byte gen/shaper port, which is not built yet.
var Ref16 = Config{
	Config: model.Config{
		Ports:  16,
		Leases: 8,
		Scheme: label.V358,
		Meter:  modelmeter.Config{ClockHz: 125_000_000, TickCycles: 4096, K: 8, BytesPerCycle: 1, MaxPacketBytes: 2048, Leases: 128},
		Shaper: modelshaper.Config{BytesPerCycle: 1, BufferBytes: 16 << 10, MaxPacketBytes: 2048, Leases: 8, RateFracBits: 24, ClassMantissaBits: 5},
	},
	VRBits: 6,
}

// Validate reports the first thing wrong with the configuration.
func (c Config) Validate() error {
	if err := c.Config.Validate(); err != nil {
		return err
	}
	if c.Meter.BytesPerCycle != 1 || c.Shaper.BytesPerCycle != 1 {
		return fmt.Errorf("gen/device: meter %d and shaper %d bytes per cycle: only the byte-serial datapath (1) is built (gen/shaper builds byte-serial ports only)", c.Meter.BytesPerCycle, c.Shaper.BytesPerCycle)
	}
	if c.Ports < 2 {
		return fmt.Errorf("gen/device: %d ports, want >= 2 (a one-port device has no link port number in its lease elements, which the meter and cap index by)", c.Ports)
	}
	if c.Leases < 2 || c.Leases&(c.Leases-1) != 0 {
		return fmt.Errorf("gen/device: %d leases per port, want a power of two >= 2 (the lease element is {port, tag})", c.Leases)
	}
	if c.VRBits < 1 || c.VRBits > labelparse.MaxFieldBits {
		return fmt.Errorf("gen/device: VRBits %d out of range 1..%d", c.VRBits, labelparse.MaxFieldBits)
	}
	if c.MaxPacketBytes() < 16 {
		return fmt.Errorf("gen/device: max packet %d bytes, want >= 16 (the header unit reads 14 bytes of a slot)", c.MaxPacketBytes())
	}
	if c.MaxPacketBytes()&(c.MaxPacketBytes()-1) != 0 {
		return fmt.Errorf("gen/device: max packet %d bytes, want a power of two (ingress slots are addressed {slot, offset})", c.MaxPacketBytes())
	}
	return nil
}

// widths are the derived port and register widths.
type widths struct {
	N        int // ports including the CPU port (P+1)
	PB       int // port number 0..P: bitlen(P)
	LPB      int // link port number inside a lease element: IndexWidth(P)
	TB       int // lease tag bits: log2(L)
	EB       int // lease element bits: LPB+TB
	AW       int // interface number bits
	BB       int // frame length bits: bitlen(MaxPacketBytes)
	OB       int // offset inside an ingress slot: log2(MaxPacketBytes)
	RB       int // egress ring address bits
	MaxPkt   int
	Ring     int // egress ring bytes: BufferBytes + MaxPacketBytes, rounded up to a power of two
	lp       labelparse.Config
	shaperHW shaper.Config
}

func (c Config) widths() (widths, error) {
	if err := c.Validate(); err != nil {
		return widths{}, err
	}
	var w widths
	w.N = c.Ports + 1
	w.PB = bits.Len(uint(c.Ports))
	w.LPB = blocks.IndexWidth(c.Ports)
	w.TB = bits.Len(uint(c.Leases - 1))
	w.EB = w.LPB + w.TB
	w.MaxPkt = int(c.MaxPacketBytes())
	w.BB = bits.Len(uint(w.MaxPkt))
	w.OB = w.BB - 1
	w.Ring = pow2(int(c.Shaper.BufferBytes) + w.MaxPkt)
	w.RB = bits.Len(uint(w.Ring - 1))
	w.lp = labelparse.Config{Scheme: c.Scheme, Interfaces: c.Interfaces(), PortBits: w.PB, TagBits: w.TB, VRBits: c.VRBits, HeldInput: true}
	if err := w.lp.Validate(); err != nil {
		return w, err
	}
	w.AW = w.lp.AddrBits()
	w.shaperHW = shaper.Config{Config: c.Shaper, MinPacketBytes: 13, TagBits: w.RB}
	if _, err := w.shaperHW.Layout(); err != nil {
		return w, fmt.Errorf("gen/device: shaper: %w", err)
	}
	return w, nil
}

// ShaperPort is the gen/shaper configuration of each egress link port:
// the model's shaper, frames of at least 13 bytes (lease tag and switch
// header) and tags as wide as an address in the port's egress ring.
func (c Config) ShaperPort() (shaper.Config, error) {
	if err := c.Validate(); err != nil {
		return shaper.Config{}, err
	}
	w, err := c.widths()
	return w.shaperHW, err
}

func pow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}
