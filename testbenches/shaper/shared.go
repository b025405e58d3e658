package shaper

import (
	"context"
	"fmt"
	"math/rand/v2"

	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	model "github.com/pktnetwork/pktrouter/model/shaper"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	metertb "github.com/pktnetwork/pktrouter/testbenches/meter"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// NewSharedBench generates the shared shaper of ports egress ports
// (gen/shaper.NewShared) and prepares it for the engines.
func NewSharedBench(c genshaper.Config, ports int) (*gosim.Bench, error) {
	m, err := genshaper.NewShared(c, ports)
	if err != nil {
		return nil, err
	}
	return gosim.New(m)
}

// SharedModel is the block NewShared(c, ports) builds as a cycle-level
// engine: one model/shaper Port per egress port, port q fed the arrivals
// whose arr_port is q and the writes whose cfg_port is q, each
// InputLatency rows after the pins, as Model does for one port.
func SharedModel(c genshaper.Config, ports int) tb.Func {
	return tb.Func{Label: "model", New: func(d tb.Design) (tb.StepFunc, error) {
		ic, oc := cols(d.Inputs()), cols(d.Outputs())
		bl := make([]int, ports)
		for q := range bl {
			i, ok := oc[fmt.Sprintf("backlog%d", q)]
			if !ok {
				return nil, fmt.Errorf("design has no backlog%d output", q)
			}
			bl[q] = i
		}
		pm := make([]*model.Port, ports)
		obs := make([]*observer, ports)
		var h uint64
		type verdict struct{ valid, port, verdict, cause, tag uint64 }
		var pend verdict
		fresh := func() error {
			for q := range pm {
				obs[q] = &observer{}
				var err error
				if pm[q], err = model.New(c.Config, nil, obs[q]); err != nil {
					return err
				}
			}
			h, pend = 0, verdict{}
			return nil
		}
		if err := fresh(); err != nil {
			return nil, err
		}
		type row struct {
			valid, port, lease, tag, prio, bytes uint64
			we, wport, wlease, rate, burst       uint64
		}
		var held row
		return func(in, out tb.Row) error {
			for q, p := range pm {
				if err := p.AdvanceTo(h); err != nil {
					return err
				}
				out.Set(bl[q], uint64(p.Backlog()))
			}
			out.Set(oc["v_valid"], pend.valid)
			out.Set(oc["v_port"], pend.port)
			out.Set(oc["v_verdict"], pend.verdict)
			out.Set(oc["v_cause"], pend.cause)
			out.Set(oc["v_tag"], pend.tag)
			if in.Bool(ic["rst"]) {
				held = row{}
				return fresh()
			}
			cur := held
			held = row{valid: in.Uint64(ic["arr_valid"]), port: in.Uint64(ic["arr_port"]), lease: in.Uint64(ic["arr_lease"]),
				tag: in.Uint64(ic["arr_tag"]), prio: in.Uint64(ic["arr_prio"]), bytes: in.Uint64(ic["arr_bytes"]),
				we: in.Uint64(ic["cfg_we"]), wport: in.Uint64(ic["cfg_port"]), wlease: in.Uint64(ic["cfg_lease"]),
				rate: in.Uint64(ic["cfg_rate"]), burst: in.Uint64(ic["cfg_burst"])}
			pend = verdict{}
			if cur.valid == 1 {
				if cur.port >= uint64(ports) {
					return fmt.Errorf("cycle %d: arrival for port %d of %d", in.Cycle()-1, cur.port, ports)
				}
				o := obs[cur.port]
				p := model.Packet{ID: cur.tag, Lease: int(cur.lease), Priority: uint16(cur.prio), Bytes: uint32(cur.bytes)}
				o.drops = o.drops[:0]
				v, err := pm[cur.port].Arrive(h, p)
				if err != nil {
					return fmt.Errorf("cycle %d: port %d: %w", in.Cycle()-1, cur.port, err)
				}
				pend = verdict{valid: 1, port: cur.port, verdict: uint64(v), tag: p.ID}
				if v == model.Dropped {
					pend.cause = uint64(o.drops[0])
				}
			}
			if cur.we == 1 {
				if cur.wport >= uint64(ports) {
					return fmt.Errorf("cycle %d: write for port %d of %d", in.Cycle()-1, cur.wport, ports)
				}
				lc := model.LeaseConfig{Rate: cur.rate, Burst: uint32(cur.burst)}
				if err := pm[cur.wport].SetLease(h, int(cur.wlease), lc); err != nil {
					return fmt.Errorf("cycle %d: port %d: %w", in.Cycle()-1, cur.wport, err)
				}
			}
			for _, o := range obs {
				o.deps, o.depAt = o.deps[:0], o.depAt[:0] // the shared block has no departure outputs
			}
			h++
			return nil
		}, nil
	}}
}

// SharedStream describes a generated stimulus for a shared shaper: one
// Stream per port (its Cycles is ignored).
type SharedStream struct {
	Cycles int
	Ports  []Stream
}

// GenerateShared fills a stimulus for the shared shaper: rst in cycles 0
// and 1, every port's lease writes (one write per cycle), then all ports'
// sources interleaved on the one arrival bus (at most one arrival per
// cycle: the (port, source) with the most credit that can afford a packet
// goes; sizes and tags as Generate) and, at most one per cycle, the
// ports' random guarantee changes (each kept valid for its port).
func GenerateShared(b *gosim.Bench, c genshaper.Config, st SharedStream, rng *rand.Rand) (tb.Stimulus, error) {
	s, err := b.Design.NewStimulus(st.Cycles)
	if err != nil {
		return s, err
	}
	set := func(cy int, name string, v uint64) {
		if err == nil {
			err = s.Set(cy, s.Index(name), v)
		}
	}
	P := len(st.Ports)
	cur := make([][]model.LeaseConfig, P)
	for q := range cur {
		cur[q] = make([]model.LeaseConfig, c.Leases)
	}
	write := func(cy, q, lease int, lc model.LeaseConfig) bool {
		all := append([]model.LeaseConfig(nil), cur[q]...)
		all[lease] = lc
		if _, e := model.New(c.Config, all, nil); e != nil {
			return false
		}
		cur[q][lease] = lc
		set(cy, "cfg_we", 1)
		set(cy, "cfg_port", uint64(q))
		set(cy, "cfg_lease", uint64(lease))
		set(cy, "cfg_rate", lc.Rate)
		set(cy, "cfg_burst", uint64(lc.Burst))
		return true
	}
	cy := 2
	for q, ps := range st.Ports {
		for i, lc := range ps.Leases {
			if i == 0 || lc == (model.LeaseConfig{}) {
				continue
			}
			if !write(cy, q, i, lc) {
				return s, fmt.Errorf("port %d lease %d configuration %+v is not valid", q, i, lc)
			}
			cy++
		}
	}
	for r := 0; r < 2; r++ {
		set(r, "rst", 1)
	}
	var sources []Source
	var portOf []int // the port of each source
	for q, ps := range st.Ports {
		for _, so := range ps.Sources {
			sources, portOf = append(sources, so), append(portOf, q)
		}
	}
	credit := make([]float64, len(sources))
	var tag uint64
	for t := cy; t < st.Cycles; t++ {
		for _, q := range rng.Perm(P) {
			if st.Ports[q].Reconfig == 0 || rng.Float64() >= st.Ports[q].Reconfig || c.Leases < 2 {
				continue
			}
			lease := 1 + rng.IntN(c.Leases-1)
			if write(t, q, lease, randomGuarantee(c, rng)) {
				break
			}
		}
		best, bytes := pickArrival(c, sources, credit, t, rng)
		if best < 0 {
			continue
		}
		set(t, "arr_valid", 1)
		set(t, "arr_port", uint64(portOf[best]))
		set(t, "arr_lease", uint64(sources[best].Lease))
		set(t, "arr_bytes", uint64(bytes))
		set(t, "arr_tag", tag&(1<<c.TagBits-1))
		set(t, "arr_prio", uint64(sources[best].Prio))
		tag++
	}
	return s, err
}

// RefusalsPort is Refusals for port q of a shared shaper's trace: only
// the arrivals for port q, against its backlog<q> output.
func RefusalsPort(p *model.Port, s tb.Stimulus, tr tb.Trace, q int) (thresholdDrops, barrierDrops int, err error) {
	arrValid, arrPort := s.Index("arr_valid"), s.Index("arr_port")
	return refusals(p, s, tr, fmt.Sprintf("backlog%d", q), func(a int) bool {
		return s.Get(a, arrValid) == 1 && s.Get(a, arrPort) == uint64(q)
	})
}

// SynthSharedRef4 synthesizes the shared shaper of ports ref4 egress
// ports (DeviceRef4's sizes) like SynthRef4.
func SynthSharedRef4(ctx context.Context, opt metertb.SynthOptions, ports int) (metertb.Figures, error) {
	m, err := genshaper.NewShared(DeviceRef4, ports)
	if err != nil {
		return metertb.Figures{}, err
	}
	return metertb.SynthICE40(ctx, m, opt)
}
