// Package meter is the testbench of gen/meter: it wraps model/meter as a
// cycle-level engine (tb.Func) that produces exactly the per-cycle outputs the
// hardware must produce, adapts the Go simulator to the same interface, and
// generates random packet and configuration streams. The tests run one
// stimulus through the model, the Go simulator, Icarus and Verilator and
// require identical traces, so the RTL equals the model bit for bit and cycle
// for cycle.
//
// The design and its Go-simulator engine come from testbenches/gosim, the
// shared adapter. It also holds the helpers the shaper's testbench shares:
// LintModules (verilator, iverilog, yosys), and the synthesis flow
// SynthICE40 / SynthRef4 (yosys synth_ice40 + nextpnr-ice40 on an HX8K,
// every port registered at the pins by Registered), whose Figures the CLI
// can print. Place and route runs in tests only with PKTROUTER_PNR=1:
//
//	PKTROUTER_PNR=1 go test ./testbenches/meter ./testbenches/shaper -run SynthICE40Ref4 -v
package meter

import (
	"fmt"
	"math/rand/v2"

	genmeter "github.com/pktnetwork/pktrouter/gen/meter"
	model "github.com/pktnetwork/pktrouter/model/meter"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// col finds named columns of a row's ports once.
type cols map[string]int

func colsOf(ports []tb.Port) cols {
	c := cols{}
	for i, p := range ports {
		c[p.Name] = i
	}
	return c
}

// IngressModel is model/meter as a cycle-level engine for the block
// NewIngress(cfg) builds: rst starts a fresh model, the first cycle after rst
// is model cycle 0, each cycle runs the configuration write, AdvanceTo and
// then the packet, and the packet's traffic class comes out IngressLatency
// cycles later. Scaled, when not nil, counts packets the model scaled down
// (so tests can prove the limit was exercised).
//
// The read port follows gen/meter's timing: rd_* in cycle c+1 are lease
// rd_lease's State after AdvanceTo(c) (measured, factor, scaling; 0 for
// an index beyond the leases), and scaled_set bit i is set in cycle u+1
// when lease i's factor update at cycle u enabled scaling.
func IngressModel(cfg model.Config, scaled *int) tb.Func {
	return tb.Func{Label: "model", New: func(d tb.Design) (tb.StepFunc, error) {
		ic, oc := colsOf(d.Inputs()), colsOf(d.Outputs())
		type res struct {
			valid bool
			tc    uint16
		}
		var line [genmeter.IngressLatency]res
		var mtr *model.Meter
		var h uint64
		var rd model.LeaseState // rd_* of the next cycle
		var seen uint64         // scaled_set of the next cycle
		fresh := func() error {
			var err error
			mtr, err = model.New(cfg, nil)
			h = 0
			line = [genmeter.IngressLatency]res{}
			rd, seen = model.LeaseState{}, 0
			return err
		}
		if err := fresh(); err != nil {
			return nil, err
		}
		return func(in, out tb.Row) error {
			out.Set(oc["out_valid"], b2u(line[0].valid))
			out.Set(oc["out_tc"], uint64(line[0].tc))
			out.Set(oc["rd_measured"], rd.Measured)
			out.Set(oc["rd_factor"], uint64(rd.Factor))
			out.Set(oc["rd_scaling"], b2u(rd.Scaling))
			out.Set(oc["scaled_set"], seen)
			if in.Bool(ic["rst"]) {
				return fresh()
			}
			copy(line[:], line[1:])
			line[len(line)-1] = res{}
			// The configuration write of cycle h comes first: the tick and
			// the packet of cycle h see it.
			if in.Bool(ic["cfg_we"]) {
				lc := model.LeaseConfig{
					DefaultPriority:  uint16(in.Uint64(ic["cfg_default"])),
					ClearCustomerBit: in.Bool(ic["cfg_clear"]),
					Limited:          in.Bool(ic["cfg_limited"]),
					Limit:            in.Uint64(ic["cfg_limit"]),
				}
				if err := mtr.SetLease(int(in.Uint64(ic["cfg_lease"])), lc); err != nil {
					return fmt.Errorf("cycle %d: %w", in.Cycle(), err)
				}
			}
			if err := mtr.AdvanceTo(h); err != nil {
				return err
			}
			// The next cycle's read: the state as of cycle h.
			rd = model.LeaseState{}
			if l := int(in.Uint64(ic["rd_lease"])); l < cfg.Leases {
				rd, _ = mtr.State(l)
			}
			// Lease i's factor lands at n*T + TickStagger*i + UpdateDelay,
			// and TickStagger*Leases <= T: in cycle h only one lease can
			// have an update landing.
			seen = 0
			if off := h - model.UpdateDelay; h >= model.UpdateDelay && off%uint64(cfg.TickCycles)%model.TickStagger == 0 {
				if i := int(off % uint64(cfg.TickCycles) / model.TickStagger); i < cfg.Leases {
					if st, _ := mtr.State(i); st.Updated && st.UpdateAt == h && st.Scaling {
						seen = 1 << i
					}
				}
			}
			if in.Bool(ic["pkt_valid"]) {
				lease := int(in.Uint64(ic["pkt_lease"]))
				tc := uint16(in.Uint64(ic["pkt_tc"]))
				st, err := mtr.State(lease)
				if err != nil {
					return err
				}
				o, err := mtr.Ingress(h, lease, tc, uint32(in.Uint64(ic["pkt_bytes"])))
				if err != nil {
					return fmt.Errorf("cycle %d: %w", in.Cycle(), err)
				}
				if st.Scaling && scaled != nil {
					*scaled++
				}
				line[len(line)-1] = res{true, o}
			}
			h++
			return nil
		}, nil
	}}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Traffic shapes a random ingress stimulus.
type Traffic struct {
	Cycles     int
	PacketProb float64 // chance of a packet in a cycle
	ConfigProb float64 // chance of a configuration write in a cycle
	Unclassed  float64 // share of packets with traffic class 0xffff
	// Leases restricts packets to these leases (nil: all).
	Leases []int
}

// RandomIngress fills a stimulus for the ingress block: rst in cycles 0 and
// 1, then random packets (valid lease, 1..MaxPacketBytes bytes; at most one
// in any gen/meter.MinPacketGap consecutive cycles, the block's contract:
// PacketProb is the chance of a packet in a cycle where one may come) and
// random valid configuration writes whose limits are spread over many
// octaves so scaling both happens and does not.
func RandomIngress(b *gosim.Bench, cfg model.Config, tr Traffic, rng *rand.Rand) (tb.Stimulus, error) {
	f, err := cfg.Format()
	if err != nil {
		return tb.Stimulus{}, err
	}
	s, err := b.Design.NewStimulus(tr.Cycles)
	if err != nil {
		return tb.Stimulus{}, err
	}
	set := func(c int, name string, v uint64) {
		if err == nil {
			err = s.Set(c, s.Index(name), v)
		}
	}
	next := 0                    // first cycle the next packet may come
	lastCfg, lastCfgAt := -1, -9 // the latest configuration write
	for c := 0; c < tr.Cycles; c++ {
		if c < 2 {
			set(c, "rst", 1)
			continue
		}
		pktLease := -1
		if c >= next && rng.Float64() < tr.PacketProb {
			next = c + genmeter.MinPacketGap
			lease := rng.IntN(cfg.Leases)
			if tr.Leases != nil {
				lease = tr.Leases[rng.IntN(len(tr.Leases))]
			}
			tc := uint64(rng.IntN(1 << 16))
			if tc == uint64(model.Unclassed) || rng.Float64() < tr.Unclassed {
				tc = uint64(model.Unclassed)
			}
			pktLease = lease
			set(c, "pkt_valid", 1)
			set(c, "pkt_lease", uint64(lease))
			set(c, "pkt_tc", tc)
			set(c, "pkt_bytes", 1+uint64(rng.IntN(int(cfg.MaxPacketBytes))))
		}
		// The read port is driven every cycle, over every index it can
		// carry (indexes beyond the leases read 0).
		set(c, "rd_lease", uint64(rng.IntN(1<<genmeter.LeaseBits(cfg.Leases))))
		if rng.Float64() < tr.ConfigProb {
			// Half the writes go to the lease a packet or a tick reads in
			// this cycle, so such meetings are frequent; none to the
			// lease written in the previous cycle (the block's
			// SameLeaseConfigGap contract).
			lease := rng.IntN(cfg.Leases)
			if h := uint64(c - 2); rng.IntN(2) == 0 {
				if pktLease >= 0 {
					lease = pktLease
				} else if ph := h % uint64(cfg.TickCycles); h >= uint64(cfg.TickCycles) && ph%model.TickStagger == 0 && ph/model.TickStagger < uint64(cfg.Leases) {
					lease = int(ph / model.TickStagger)
				}
			}
			if lease == lastCfg && c == lastCfgAt+1 {
				lease = (lease + 1) % cfg.Leases
			}
			if lease == lastCfg && c < lastCfgAt+genmeter.SameLeaseConfigGap {
				continue
			}
			lastCfg, lastCfgAt = lease, c
			set(c, "cfg_we", 1)
			set(c, "cfg_lease", uint64(lease))
			set(c, "cfg_default", uint64(rng.IntN(1<<15)))
			set(c, "cfg_clear", uint64(rng.IntN(2)))
			set(c, "cfg_limited", b2u(rng.IntN(4) != 0))
			set(c, "cfg_limit", (f.SampleMax>>rng.IntN(int(f.SampleBits)))>>rng.IntN(4))
		}
	}
	return s, err
}

// EgressModel is model/meter.EgressConfig.Apply as a cycle-level engine for
// NewEgressCap(leases): a write in cycle c applies from cycle c+1, the result
// comes out EgressLatency cycles after the packet.
func EgressModel(leases int) tb.Func {
	return tb.Func{Label: "model", New: func(d tb.Design) (tb.StepFunc, error) {
		ic, oc := colsOf(d.Inputs()), colsOf(d.Outputs())
		cfgs := make([]model.EgressConfig, leases)
		var line [genmeter.EgressLatency][2]uint64 // valid, tc
		return func(in, out tb.Row) error {
			out.Set(oc["eg_out_valid"], line[0][0])
			out.Set(oc["eg_out_tc"], line[0][1])
			copy(line[:], line[1:])
			line[len(line)-1] = [2]uint64{}
			if in.Bool(ic["rst"]) {
				clear(cfgs)
				line = [genmeter.EgressLatency][2]uint64{}
				return nil
			}
			ov, otc := &line[len(line)-1][0], &line[len(line)-1][1]
			if in.Bool(ic["eg_valid"]) {
				l := int(in.Uint64(ic["eg_lease"]))
				if l >= leases {
					return fmt.Errorf("cycle %d: egress lease %d out of range", in.Cycle(), l)
				}
				*ov, *otc = 1, uint64(cfgs[l].Apply(uint16(in.Uint64(ic["eg_tc"]))))
			}
			if in.Bool(ic["cfg_we"]) {
				e := model.EgressConfig{DeprioritizeNonCustomer: in.Bool(ic["cfg_deprio"]), NonCustomerCap: uint16(in.Uint64(ic["cfg_cap"]))}
				if err := e.Validate(); err != nil {
					return err
				}
				cfgs[int(in.Uint64(ic["cfg_lease"]))] = e
			}
			return nil
		}, nil
	}}
}
