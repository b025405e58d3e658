package device

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/pktnetwork/pktrouter/label"
	model "github.com/pktnetwork/pktrouter/model/device"
)

// Flow is one traffic source: frames of one size, one lease tag, one
// label and one traffic class, sent into one ingress port. A payload
// starts with the flow's ID (2 bytes) and a sequence number (4 bytes), so
// the sink can attribute frames and see losses.
//
// Elastic flows are AIMD, like TCP: every Period cycles the rate is halved
// when the sink saw a loss in that period and raised by Increase bytes per
// cycle otherwise. The whitepaper's §2.1 shares are a statement about such
// senders: max-priority-bandwidth turns into priority = limit/rate, so the
// holder sending above its share is the one whose packets are dropped, and
// backs off.
type Flow struct {
	ID      uint16
	Port    int    // ingress port (Ports = the CPU port)
	Tag     byte   // lease tag
	Label   uint64 // switch label
	TC      uint16 // traffic class
	Bytes   int    // frame length, tag included
	Rate    float64
	Elastic bool
	// Offered and received traffic (frames and bytes).
	SentFrames, SentBytes uint64
	RecvFrames, RecvBytes uint64
	Lost                  uint64 // frames missing at the sink (sequence gaps)

	credit   float64
	seq      uint32
	lastSeq  int64
	lostMark uint64
	marks    []uint32 // sequence number at each period boundary
}

// frame builds the flow's next frame.
func (f *Flow) frame() []byte {
	h := label.Header{Label: f.Label, Version: label.CurrentVersion, TrafficClass: f.TC}
	b := h.AppendTo(make([]byte, 0, f.Bytes))
	b = append([]byte{f.Tag}, b...)
	var id [6]byte
	binary.BigEndian.PutUint16(id[:2], f.ID)
	binary.BigEndian.PutUint32(id[2:], f.seq)
	b = append(b, id[:]...)
	for len(b) < f.Bytes {
		b = append(b, byte(len(b)))
	}
	f.seq++
	return b[:f.Bytes]
}

// Traffic drives a Target: per-port transmit queues fed by flows, a sink
// that attributes every frame leaving the device to its flow, and the
// AIMD control loop of elastic flows.
type Traffic struct {
	T      Target
	Flows  []*Flow
	Period uint64  // AIMD period in cycles (default 4096)
	Inc    float64 // increase per period without loss, a fraction of the rate (default 0.05)
	Dec    float64 // multiplicative decrease on a loss (default 0.8)
	// Timeout is how long a frame may be in flight before it counts as
	// lost (default 16384 cycles: more than a full egress buffer's delay).
	Timeout uint64
	// OnOut, when set, sees every frame that leaves the device.
	OnOut func(PortFrame)
	// Out keeps every frame that left, per port, when Keep is set.
	Keep bool
	Out  map[int][]PortFrame

	queues [][]queued
	pos    []int
	byID   map[uint16]*Flow
}

// NewTraffic prepares the driver; flows may be added before the first Step.
func NewTraffic(t Target, flows ...*Flow) *Traffic {
	n := t.Config().Ports + 1
	tr := &Traffic{T: t, Flows: flows, Period: 4096, Inc: 0.02, Dec: 0.9, Timeout: 16384, queues: make([][]queued, n), pos: make([]int, n), Out: map[int][]PortFrame{}}
	return tr
}

// queued is a frame waiting for its port, not to start before cycle at.
type queued struct {
	at uint64
	b  []byte
}

// Send queues a frame on a port.
func (tr *Traffic) Send(port int, frame []byte) { tr.SendAt(port, 0, frame) }

// SendAt queues a frame on a port that does not start before cycle at.
func (tr *Traffic) SendAt(port int, at uint64, frame []byte) {
	tr.queues[port] = append(tr.queues[port], queued{at, frame})
}

// Idle reports whether every port queue is empty.
func (tr *Traffic) Idle() bool {
	for _, q := range tr.queues {
		if len(q) > 0 {
			return false
		}
	}
	return true
}

// Run steps the target n cycles.
func (tr *Traffic) Run(n uint64) error {
	if tr.byID == nil {
		tr.byID = map[uint16]*Flow{}
		for _, f := range tr.Flows {
			f.lastSeq = -1
			tr.byID[f.ID] = f
		}
	}
	for i := uint64(0); i < n; i++ {
		if err := tr.step(); err != nil {
			return err
		}
	}
	return nil
}

func (tr *Traffic) step() error {
	cyc := tr.T.Cycle()
	for _, f := range tr.Flows {
		if tr.Period > 0 && f.Elastic && cyc > 0 && cyc%tr.Period == 0 {
			// A loss is a sequence gap, or a frame sent more than Timeout
			// cycles ago that has not arrived (TCP's retransmission
			// timeout: when every frame is dropped, no later frame shows a
			// gap).
			f.marks = append(f.marks, f.seq)
			if back := int((tr.Timeout + tr.Period - 1) / tr.Period); len(f.marks) > back {
				old := int64(f.marks[len(f.marks)-1-back])
				if f.lastSeq < old-1 {
					f.Lost += uint64(old - 1 - f.lastSeq)
					f.lastSeq = old - 1
				}
				f.marks = f.marks[len(f.marks)-back:]
			}
			if f.Lost > f.lostMark {
				f.Rate *= tr.Dec
			} else {
				f.Rate += tr.Inc*f.Rate + tr.Inc/10
			}
			f.Rate = min(max(f.Rate, 0.001), 1)
			f.lostMark = f.Lost
		}
		f.credit += f.Rate
		if f.credit >= float64(f.Bytes) {
			if len(tr.queues[f.Port]) < 2 {
				b := f.frame()
				tr.Send(f.Port, b)
				f.SentFrames++
				f.SentBytes += uint64(len(b))
				f.credit -= float64(f.Bytes)
			} else {
				f.credit = float64(f.Bytes)
			}
		}
	}
	rx := make([]Lane, len(tr.queues))
	for p, q := range tr.queues {
		if len(q) > 0 && (tr.pos[p] > 0 || q[0].at <= cyc) {
			rx[p] = Lane{Valid: true, Data: q[0].b[tr.pos[p]], Last: tr.pos[p] == len(q[0].b)-1}
		}
	}
	taken, out, err := tr.T.Step(rx)
	if err != nil {
		return err
	}
	for p, ok := range taken {
		if !ok {
			continue
		}
		tr.pos[p]++
		if tr.pos[p] == len(tr.queues[p][0].b) {
			tr.queues[p] = tr.queues[p][1:]
			tr.pos[p] = 0
		}
	}
	for _, o := range out {
		tr.sink(o)
	}
	return nil
}

// sink attributes a frame to its flow by the ID after the switch header.
func (tr *Traffic) sink(o PortFrame) {
	if tr.OnOut != nil {
		tr.OnOut(o)
	}
	if tr.Keep {
		tr.Out[o.Port] = append(tr.Out[o.Port], o)
	}
	off := 1 + label.HeaderSize
	if o.Port == tr.T.Config().Ports {
		off += model.CPUFrameHeader - 1
	}
	if len(o.Frame) < off+6 {
		return
	}
	f := tr.byID[binary.BigEndian.Uint16(o.Frame[off:])]
	if f == nil {
		return
	}
	seq := int64(binary.BigEndian.Uint32(o.Frame[off+2:]))
	if seq > f.lastSeq+1 {
		f.Lost += uint64(seq - f.lastSeq - 1)
	}
	if seq > f.lastSeq {
		f.lastSeq = seq
	}
	f.RecvFrames++
	f.RecvBytes += uint64(len(o.Frame))
}

// Summary is one flow's line of a report.
func (f *Flow) Summary(cycles uint64) string {
	return fmt.Sprintf("flow %d: offered %d B, passed %d B (%.3f B/cycle), lost %d frames", f.ID, f.SentBytes, f.RecvBytes, float64(f.RecvBytes)/float64(cycles), f.Lost)
}

func sortedIfaces(m map[uint32]model.Entry) []uint32 {
	var ks []uint32
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

func sortedLeases(m map[[2]int]model.LeaseConfig) [][2]int {
	var ks [][2]int
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i][0] != ks[j][0] {
			return ks[i][0] < ks[j][0]
		}
		return ks[i][1] < ks[j][1]
	})
	return ks
}
