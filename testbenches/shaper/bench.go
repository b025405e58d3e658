// Package shaper is the testbench of gen/shaper: model/shaper wrapped as a
// cycle-level engine producing exactly the outputs the hardware must
// produce, stimulus generators for the traffic the properties talk
// about, and trace checks. The tests run one stimulus through the model, the
// Go simulator, Icarus and Verilator and require identical traces, and
// check the properties on the RTL's trace: a lease at its guarantee
// loses nothing, nothing is refused below the packet's admission threshold
// except by the refusal barrier's shot above the floor (work conserving;
// Refusals replays the drop rule from a trace), the barrier fires on a
// directed stream, the lowest priority is dropped first under saturation,
// and the free tier passes on an idle link and is starved first under load.
// SynthRef4 measures the ref4 block on an iCE40 HX8K (SYNTH.md).
package shaper

import (
	"fmt"
	"math/rand/v2"

	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	model "github.com/pktnetwork/pktrouter/model/shaper"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// NewBench generates the shaper for c and prepares it for the engines
// (testbenches/gosim: the tb design and the Go-simulator engine).
func NewBench(c genshaper.Config) (*gosim.Bench, error) {
	m, err := genshaper.New(c)
	if err != nil {
		return nil, err
	}
	return gosim.New(m)
}

type observer struct {
	deps  []model.Packet
	depAt []uint64
	drops []model.DropCause
}

func (o *observer) Departed(cycle uint64, p model.Packet) {
	o.deps = append(o.deps, p)
	o.depAt = append(o.depAt, cycle)
}

func (o *observer) Dropped(cycle uint64, p model.Packet, cause model.DropCause, backlog uint32) {
	o.drops = append(o.drops, cause)
}

// Model is model/shaper as a cycle-level engine for the block New(c)
// builds (see gen/shaper's timing). rst starts a fresh port; the first cycle
// after rst is model cycle 0. The block's input stage is modelled as such:
// the engine hands the model each row's arrival and configuration write
// gen/shaper.InputLatency (1) rows later, as the block's core sees them.
func Model(c genshaper.Config) tb.Func {
	return tb.Func{Label: "model", New: func(d tb.Design) (tb.StepFunc, error) {
		ic, oc := cols(d.Inputs()), cols(d.Outputs())
		obs := &observer{}
		var port *model.Port
		var h uint64
		type verdict struct{ valid, verdict, cause, tag uint64 }
		var pend verdict
		fresh := func() error {
			var err error
			*obs = observer{}
			port, err = model.New(c.Config, nil, obs)
			h, pend = 0, verdict{}
			return err
		}
		if err := fresh(); err != nil {
			return nil, err
		}
		// The row of the previous cycle, as the input stage holds it.
		type row struct {
			valid, lease, tag, prio, bytes uint64
			we, wlease, rate, burst        uint64
		}
		var held row
		return func(in, out tb.Row) error {
			if err := port.AdvanceTo(h); err != nil {
				return err
			}
			if len(obs.deps) > 1 {
				return fmt.Errorf("cycle %d: %d departures in one cycle", in.Cycle(), len(obs.deps))
			}
			out.Set(oc["v_valid"], pend.valid)
			out.Set(oc["v_verdict"], pend.verdict)
			out.Set(oc["v_cause"], pend.cause)
			out.Set(oc["v_tag"], pend.tag)
			if len(obs.deps) == 1 {
				if obs.depAt[0]+1 != h {
					return fmt.Errorf("cycle %d: departure reported for cycle %d", in.Cycle(), obs.depAt[0])
				}
				out.Set(oc["dep_valid"], 1)
				out.Set(oc["dep_tag"], obs.deps[0].ID)
				out.Set(oc["dep_lease"], uint64(obs.deps[0].Lease))
			}
			out.Set(oc["backlog"], uint64(port.Backlog()))
			obs.deps, obs.depAt = obs.deps[:0], obs.depAt[:0]
			if in.Bool(ic["rst"]) {
				held = row{}
				return fresh()
			}
			cur := held
			held = row{valid: in.Uint64(ic["arr_valid"]), lease: in.Uint64(ic["arr_lease"]), tag: in.Uint64(ic["arr_tag"]),
				prio: in.Uint64(ic["arr_prio"]), bytes: in.Uint64(ic["arr_bytes"]),
				we: in.Uint64(ic["cfg_we"]), wlease: in.Uint64(ic["cfg_lease"]), rate: in.Uint64(ic["cfg_rate"]), burst: in.Uint64(ic["cfg_burst"])}
			pend = verdict{}
			if cur.valid == 1 {
				p := model.Packet{ID: cur.tag, Lease: int(cur.lease), Priority: uint16(cur.prio), Bytes: uint32(cur.bytes)}
				obs.drops = obs.drops[:0]
				v, err := port.Arrive(h, p)
				if err != nil {
					return fmt.Errorf("cycle %d: %w", in.Cycle()-1, err)
				}
				pend = verdict{valid: 1, verdict: uint64(v), tag: p.ID}
				if v == model.Dropped {
					pend.cause = uint64(obs.drops[0])
				}
			}
			if cur.we == 1 {
				lc := model.LeaseConfig{Rate: cur.rate, Burst: uint32(cur.burst)}
				if err := port.SetLease(h, int(cur.wlease), lc); err != nil {
					return fmt.Errorf("cycle %d: %w", in.Cycle()-1, err)
				}
			}
			h++
			return nil
		}, nil
	}}
}

func cols(ports []tb.Port) map[string]int {
	c := map[string]int{}
	for i, p := range ports {
		c[p.Name] = i
	}
	return c
}

// Source is one lease's traffic in a generated stream.
type Source struct {
	Lease int
	Prio  uint16 // 15-bit priority of every packet
	// Paced sources send at exactly Rate bytes per cycle (the lease's
	// guaranteed rate when it has one); others send at random with
	// probability Prob per cycle.
	Paced bool
	Rate  float64
	Prob  float64
	// A source with Period > 0 sends only in the cycles t with
	// t mod Period < On (bursts that make the queue overflow, then drain).
	Period, On int
	// Start is the first cycle the source sends in (a paced source gains
	// no credit before it).
	Start int
}

func (s Source) active(t int) bool { return t >= s.Start && (s.Period == 0 || t%s.Period < s.On) }

// Stream describes a generated stimulus.
type Stream struct {
	Cycles  int
	Leases  []model.LeaseConfig // written at cycles 2.. (one write per cycle), index = lease
	Sources []Source
	// Reconfig is the chance per cycle of a random valid guarantee change
	// (rate and burst of a random paid lease; the burst sum kept legal).
	Reconfig float64
}

// Generate fills a stimulus: rst in cycles 0 and 1, the lease writes,
// then the sources (at most one arrival per cycle; a collision goes to the
// next free cycle, sizes uniform in MinPacketBytes..MaxPacketBytes, tags a
// running count). It returns the stimulus and the guarantee each lease had
// in the end.
func Generate(b *gosim.Bench, c genshaper.Config, st Stream, rng *rand.Rand) (tb.Stimulus, error) {
	s, err := b.Design.NewStimulus(st.Cycles)
	if err != nil {
		return s, err
	}
	set := func(cy int, name string, v uint64) {
		if err == nil {
			err = s.Set(cy, s.Index(name), v)
		}
	}
	cur := make([]model.LeaseConfig, c.Leases)
	write := func(cy, lease int, lc model.LeaseConfig) bool {
		all := append([]model.LeaseConfig(nil), cur...)
		all[lease] = lc
		if _, e := model.New(c.Config, all, nil); e != nil {
			return false
		}
		cur[lease] = lc
		set(cy, "cfg_we", 1)
		set(cy, "cfg_lease", uint64(lease))
		set(cy, "cfg_rate", lc.Rate)
		set(cy, "cfg_burst", uint64(lc.Burst))
		return true
	}
	cy := 2
	for i, lc := range st.Leases {
		if i == 0 || lc == (model.LeaseConfig{}) {
			continue
		}
		if !write(cy, i, lc) {
			return s, fmt.Errorf("lease %d configuration %+v is not valid", i, lc)
		}
		cy++
	}
	for r := 0; r < 2; r++ {
		set(r, "rst", 1)
	}
	credit := make([]float64, len(st.Sources))
	var tag uint64
	for t := cy; t < st.Cycles; t++ {
		if st.Reconfig > 0 && rng.Float64() < st.Reconfig && c.Leases > 1 {
			lease := 1 + rng.IntN(c.Leases-1)
			write(t, lease, randomGuarantee(c, rng))
		}
		best, bytes := pickArrival(c, st.Sources, credit, t, rng)
		if best < 0 {
			continue
		}
		set(t, "arr_valid", 1)
		set(t, "arr_lease", uint64(st.Sources[best].Lease))
		set(t, "arr_bytes", uint64(bytes))
		set(t, "arr_tag", tag&(1<<c.TagBits-1))
		set(t, "arr_prio", uint64(st.Sources[best].Prio))
		tag++
	}
	return s, err
}

// randomGuarantee is a random guarantee change for a paid lease: none in
// one case of four, otherwise a rate up to 1/Leases of the link and a burst
// from MinBurst up to a maximum packet more (the caller keeps it only if
// the port's guarantees stay legal).
func randomGuarantee(c genshaper.Config, rng *rand.Rand) model.LeaseConfig {
	link := float64(uint64(1) << c.RateFracBits)
	lc := model.LeaseConfig{}
	if rng.IntN(4) != 0 {
		lc.Rate = uint64(rng.Float64() * link / float64(c.Leases))
		lc.Burst = uint32(c.MinBurst()) + uint32(rng.IntN(int(c.MaxPacketBytes)))
		if lc.Rate == 0 {
			lc.Burst = 0
		}
	}
	return lc
}

// pickArrival gives every source active in cycle t its credit (a paced
// source its rate, any other a maximum packet with its probability), then
// offers the source with the most credit that can afford its packet (size
// uniform in MinPacketBytes..MaxPacketBytes, a maximum packet for a paced
// source) and takes the packet's bytes from its credit. It returns the
// source and the size, or -1 when none can send.
func pickArrival(c genshaper.Config, srcs []Source, credit []float64, t int, rng *rand.Rand) (int, uint32) {
	for i, src := range srcs {
		if !src.active(t) {
			continue
		}
		if src.Paced {
			credit[i] += src.Rate
		} else if rng.Float64() < src.Prob {
			credit[i] += float64(c.MaxPacketBytes)
		}
	}
	span := int(c.MaxPacketBytes - c.MinPacketBytes + 1)
	best, bytes := -1, uint32(0)
	for i := range srcs {
		n := c.MinPacketBytes + uint32(rng.IntN(span))
		if srcs[i].Paced {
			n = c.MaxPacketBytes // paced sources send full-size packets
		}
		if credit[i] >= float64(n) && (best < 0 || credit[i] > credit[best]) {
			best, bytes = i, n
		}
	}
	if best >= 0 {
		credit[best] -= float64(bytes)
	}
	return best, bytes
}

// Refusals classifies a trace's excess refusals by the drop rule of
// model/shaper, replayed independently of the model from the trace alone:
// thresholdDrops were above the packet's admission threshold, barrierDrops
// were within it but above the floor, ranked more than BarrierMargin below
// the refusal barrier, with the lease's shot left in its window. Any other
// refusal is an error (nothing is dropped while the link could take it),
// and so is an excess admission the barrier's shot should have refused. p
// is a port with the stream's (fixed) lease configuration: its thresholds
// and format are used. The stimulus has rst in rows 0 and 1 (Generate), so
// an arrival in row a is decided in model cycle a - 1.
func Refusals(p *model.Port, s tb.Stimulus, tr tb.Trace) (thresholdDrops, barrierDrops int, err error) {
	return refusals(p, s, tr, "backlog", func(int) bool { return true })
}

// refusals is Refusals over the verdicts of the arrivals in the rows a
// for which mine(a) holds, against the backlog output named backlogName.
func refusals(p *model.Port, s tb.Stimulus, tr tb.Trace, backlogName string, mine func(a int) bool) (thresholdDrops, barrierDrops int, err error) {
	f := p.Format()
	barrier, decayAt, win := 0, uint64(0), uint64(0)
	shot := make([]bool, p.Config().Leases)
	vValid, vVerdict, vCause, backlog := tr.Index("v_valid"), tr.Index("v_verdict"), tr.Index("v_cause"), tr.Index(backlogName)
	arrLease, arrPrio, arrBytes := s.Index("arr_lease"), s.Index("arr_prio"), s.Index("arr_bytes")
	for cy := genshaper.VerdictLatency; cy < tr.Len(); cy++ {
		a := cy - genshaper.VerdictLatency
		if tr.Get(cy, vValid) == 0 || !mine(a) {
			continue
		}
		h := uint64(a - 1)
		// The barrier decays by one entering every multiple of
		// 2^BarrierDecayLog; the shots return with every shot window.
		if k := h >> f.BarrierDecayLog; k > decayAt {
			barrier = max(0, barrier-int(min(k-decayAt, uint64(barrier))))
			decayAt = k
		}
		if w := h >> f.ShotWindowLog; w != win {
			clear(shot)
			win = w
		}
		v, cause := tr.Get(cy, vVerdict), tr.Get(cy, vCause)
		if v == genshaper.CodeGuaranteed || (v == genshaper.CodeDropped && cause != genshaper.CauseRefused) {
			continue
		}
		lease := int(s.Get(a, arrLease))
		rank := p.Rank(lease, uint16(s.Get(a, arrPrio)))
		level := tr.Get(a+genshaper.InputLatency, backlog) + s.Get(a, arrBytes)
		barShot := rank+f.BarrierMargin+1 < barrier && !shot[lease] && level > uint64(p.Floor())
		if v == genshaper.CodeExcess {
			if barShot {
				return thresholdDrops, barrierDrops, fmt.Errorf("model cycle %d: lease %d rank %d admitted at queue level %d although the barrier (%d) had its shot", h, lease, rank, level, barrier)
			}
			continue
		}
		switch {
		case level > uint64(p.Threshold(rank)):
			thresholdDrops++
		case barShot:
			barrierDrops++
		default:
			return thresholdDrops, barrierDrops, fmt.Errorf("model cycle %d: lease %d rank %d refused at queue level %d, threshold %d, floor %d, barrier %d, shot spent %v",
				h, lease, rank, level, p.Threshold(rank), p.Floor(), barrier, shot[lease])
		}
		barrier = max(barrier, rank+1)
		shot[lease] = true
	}
	return thresholdDrops, barrierDrops, nil
}
