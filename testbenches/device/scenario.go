package device

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/label"
	model "github.com/pktnetwork/pktrouter/model/device"
	"github.com/pktnetwork/pktrouter/model/meter"
)

// Path is the label that leaves through interface n of a v3x5x8 switch and
// ends at the next node: one director, then the self route 1.
func Path(s label.Scheme, n uint32) (uint64, error) {
	d, err := s.Compress(n, label.Canonical)
	if err != nil {
		return 0, err
	}
	f, err := s.FormOf(d)
	if err != nil {
		return 0, err
	}
	return d | 1<<s[f].Size(), nil
}

// ISP is one Cloud ISP's lease pair through the device: it arrives on
// (InPort, InTag) and leaves on (OutPort, OutTag), both in virtual
// router VR.
type ISP struct {
	Name            string
	InPort, InTag   int
	OutPort, OutTag int
	VR              uint32
	MaxPriorityBW   uint64 // meter limit, priority-bytes per tick (0: not limited)
	Priority        uint16 // traffic class the ISP's customers send
}

// Build is the setup for the ISPs: their interfaces, the free leases of
// every port in virtual router 0, and their lease limits.
func Build(cfg model.Config, isps []ISP) Setup {
	s := Setup{Interfaces: map[uint32]model.Entry{}, Leases: map[[2]int]model.LeaseConfig{}}
	for p := 0; p < cfg.Ports; p++ {
		s.Interfaces[cfg.Interface(p, 0)] = model.Entry{Valid: true, Port: uint32(p), Tag: 0, VR: 0}
	}
	for _, i := range isps {
		s.Interfaces[cfg.Interface(i.InPort, i.InTag)] = model.Entry{Valid: true, Port: uint32(i.InPort), Tag: uint32(i.InTag), VR: i.VR}
		s.Interfaces[cfg.Interface(i.OutPort, i.OutTag)] = model.Entry{Valid: true, Port: uint32(i.OutPort), Tag: uint32(i.OutTag), VR: i.VR}
		if i.MaxPriorityBW > 0 {
			s.Leases[[2]int{i.InPort, i.InTag}] = model.LeaseConfig{Meter: meter.LeaseConfig{Limited: true, Limit: i.MaxPriorityBW}}
		}
	}
	return s
}

// Flow is a flow from the ISP's ingress lease to its egress lease.
func (i ISP) Flow(cfg model.Config, id uint16, bytes int, rate float64, elastic bool) (*Flow, error) {
	l, err := Path(cfg.SchemeOrDefault(), cfg.Interface(i.OutPort, i.OutTag))
	if err != nil {
		return nil, fmt.Errorf("device: ISP %s: %w", i.Name, err)
	}
	return &Flow{ID: id, Port: i.InPort, Tag: byte(i.InTag), Label: l, TC: i.Priority, Bytes: bytes, Rate: rate, Elastic: elastic}, nil
}
