package device

import (
	gendev "github.com/pktnetwork/pktrouter/gen/device"
)

// SharesConfig is ref4 as the §2.1 share runs use it: an egress buffer of
// 4 KiB, so that priority has room to decide which frames are dropped
// (ref4's 768 bytes hold three 200-byte frames, and there the drops are
// close to tail drop: a 1:10 max-priority-bandwidth gives about 1:5), and
// a meter time constant of 4 ticks (K = 2), so the elastic senders settle
// within a million cycles.
func SharesConfig() gendev.Config {
	c := gendev.Ref4
	c.Meter.K = 2
	c.Shaper.BufferBytes = 4096
	return c
}

// ShareRun is the outcome of one §2.1 run.
type ShareRun struct {
	A, B               *Flow
	PassedA, PassedB   uint64 // bytes passed in the measured window
	OfferedA, OfferedB uint64
	Cycles             uint64 // measured window
}

// Share is B's passed bytes over A's.
func (r ShareRun) Share() float64 { return float64(r.PassedB) / float64(r.PassedA) }

// RunShares runs two Cloud ISPs, A and B, both sending elastic traffic at
// the same priority into the same egress port, with max-priority-bandwidth
// limit for A and limit/ratio for B, for warm+measure cycles on t (built
// with setup from SharesSetup), and reports what each passed during the
// last measure cycles.
func RunShares(t Target, ratio uint64, warm, measure uint64) (ShareRun, error) {
	a, b := SharesISPs(ratio)
	return RunSharesOf(t, a, b, warm, measure)
}

// RunSharesOf is RunShares for ISPs a and b as given (t built for them),
// so a test can move them to other ports or tags.
func RunSharesOf(t Target, a, b ISP, warm, measure uint64) (ShareRun, error) {
	cfg := t.Config()
	fa, err := a.Flow(cfg, 1, 200, 0.5, true)
	if err != nil {
		return ShareRun{}, err
	}
	fb, err := b.Flow(cfg, 2, 200, 0.5, true)
	if err != nil {
		return ShareRun{}, err
	}
	tr := NewTraffic(t, fa, fb)
	tr.TCPLike()
	if err := tr.Run(warm); err != nil {
		return ShareRun{}, err
	}
	a0, b0, oa, ob := fa.RecvBytes, fb.RecvBytes, fa.SentBytes, fb.SentBytes
	if err := tr.Run(measure); err != nil {
		return ShareRun{}, err
	}
	return ShareRun{A: fa, B: fb, PassedA: fa.RecvBytes - a0, PassedB: fb.RecvBytes - b0,
		OfferedA: fa.SentBytes - oa, OfferedB: fb.SentBytes - ob, Cycles: measure}, nil
}

// TCPLike makes the elastic flows react as the share runs need: every
// 2048 cycles +0.02 of the link, x0.9 on loss, a loss declared after 6144
// cycles without delivery.
func (tr *Traffic) TCPLike() {
	tr.Period, tr.Inc, tr.Dec, tr.Timeout = 2048, 0.02, 0.9, 6144
}

// SharesISPs are the two ISPs of a share run: limits 1/4 of the link at
// their priority for A, ratio times less for B.
func SharesISPs(ratio uint64) (ISP, ISP) {
	a := ISP{Name: "A", InPort: 0, InTag: 1, OutPort: 2, OutTag: 1, VR: 1, Priority: 0xc000}
	b := ISP{Name: "B", InPort: 1, InTag: 1, OutPort: 2, OutTag: 2, VR: 2, Priority: 0xc000}
	a.MaxPriorityBW = 0x4000 * 1024 / 4
	b.MaxPriorityBW = a.MaxPriorityBW / ratio
	return a, b
}
