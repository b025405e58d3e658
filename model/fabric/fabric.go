package fabric

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Fabric is a cell-level switch fabric model. See the package comment for
// the order of calls within a slot.
type Fabric interface {
	// Ports returns N, the number of inputs and of outputs.
	Ports() int
	// Arrive enqueues a cell arriving at c.Input in the current slot.
	Arrive(c Cell) error
	// Step runs one slot: outputs whose bit is clear in ready take nothing.
	// It appends the cells leaving the fabric to out and returns it.
	Step(slot int64, ready uint64, out []Cell) []Cell
	// Backlog returns the number of cells inside the fabric.
	Backlog() int
}

// checkCell is the common validation of Arrive.
func checkCell(c Cell, n int) error {
	if c.Input < 0 || c.Input >= n {
		return fmt.Errorf("fabric: cell input %d out of range 0..%d", c.Input, n-1)
	}
	if c.Output < 0 || c.Output >= n {
		return fmt.Errorf("fabric: cell output %d out of range 0..%d", c.Output, n-1)
	}
	return nil
}

func checkPorts(what string, n int) error {
	if n < 1 || n > MaxPorts {
		return fmt.Errorf("fabric: %s ports %d out of range 1..%d", what, n, MaxPorts)
	}
	return nil
}

// Contention selects how a FIFO switch picks among head-of-line cells bound
// for the same output.
type Contention int

const (
	// Random picks uniformly among the contending inputs (Karol, Hluchyj and
	// Morgan's model, whose saturation throughput tends to 2−√2).
	Random Contention = iota
	// RoundRobin picks the first contending input at or after the output's
	// pointer, and moves the pointer one past the winner.
	RoundRobin
)

// FIFO is an input-queued crossbar with one FIFO per input: only the head
// cell of each input can be sent, so a head cell waiting for a busy output
// blocks everything behind it (head-of-line blocking). It is the baseline
// the VOQ switch improves on.
//
// Each slot, for every ready output in index order 0..N−1, the inputs whose
// head cell is bound to that output contend and one wins (see Contention).
// With Random, the draws come from one PCG stream seeded by seed, one draw
// (IntN of the number of contenders, k-th contender in input order) per
// output with two or more contenders, outputs in increasing order. Random is
// the statistical baseline of the literature; hardware that must match the
// model slot for slot uses RoundRobin.
type FIFO struct {
	n       int
	q       []cellQueue
	cont    Contention
	rng     *rand.Rand
	ptr     []int
	match   []int
	backlog int
}

// NewFIFO returns an n-port FIFO input-queued switch.
func NewFIFO(n int, c Contention, seed uint64) (*FIFO, error) {
	if err := checkPorts("FIFO switch", n); err != nil {
		return nil, err
	}
	if c != Random && c != RoundRobin {
		return nil, fmt.Errorf("fabric: unknown FIFO contention %d", int(c))
	}
	f := &FIFO{
		n:     n,
		q:     make([]cellQueue, n),
		cont:  c,
		rng:   rand.New(rand.NewPCG(seed, seed^0x6a09e667f3bcc909)),
		ptr:   make([]int, n),
		match: make([]int, n),
	}
	for i := range f.match {
		f.match[i] = -1
	}
	return f, nil
}

// Ports returns N.
func (f *FIFO) Ports() int { return f.n }

// Backlog returns the number of queued cells.
func (f *FIFO) Backlog() int { return f.backlog }

// Arrive appends c to the FIFO of its input.
func (f *FIFO) Arrive(c Cell) error {
	if err := checkCell(c, f.n); err != nil {
		return err
	}
	f.q[c.Input].push(c)
	f.backlog++
	return nil
}

// LastMatch returns the crossbar configuration of the last slot:
// element i is the output input i sent to, or -1.
func (f *FIFO) LastMatch() []int { return append([]int(nil), f.match...) }

// Step runs one slot.
func (f *FIFO) Step(slot int64, ready uint64, out []Cell) []Cell {
	var cols [MaxPorts]uint64
	for i := range f.n {
		f.match[i] = -1
		if f.q[i].len() > 0 {
			cols[f.q[i].peek().Output] |= 1 << i
		}
	}
	for j := range f.n {
		c := cols[j]
		if c == 0 || ready&(1<<j) == 0 {
			continue
		}
		var i int
		switch f.cont {
		case RoundRobin:
			i = roundRobin(c, f.ptr[j])
			f.ptr[j] = (i + 1) % f.n
		default:
			i = nthBit(c, f.pick(bits.OnesCount64(c)))
		}
		f.match[i] = j
	}
	for i, j := range f.match {
		if j >= 0 {
			out = append(out, f.q[i].pop())
			f.backlog--
		}
	}
	return out
}

func (f *FIFO) pick(k int) int {
	if k == 1 {
		return 0
	}
	return f.rng.IntN(k)
}

// nthBit returns the index of the k-th (from 0) set bit of mask.
func nthBit(mask uint64, k int) int {
	for ; k > 0; k-- {
		mask &= mask - 1
	}
	return bits.TrailingZeros64(mask)
}

// VOQ is an input-queued crossbar with virtual output queues: input i keeps
// one FIFO per output j, VOQ(i, j), so no cell waits behind a cell for
// another output. An [ISLIP] scheduler picks the crossbar configuration each
// slot from the request matrix "VOQ(i, j) non-empty and output j ready";
// every matched input sends the head cell of the matched VOQ.
type VOQ struct {
	n        int
	q        []cellQueue // index i*n + j
	nonEmpty []uint64    // bit j of row i: VOQ(i, j) has a cell
	eop      []uint64    // bit j of row i: head of VOQ(i, j) ends its packet
	req      []uint64
	match    []int
	sched    *ISLIP
	backlog  int

	// Pipelined scheduling (NewPipelinedVOQ): the match decided in the
	// previous slot, and the ready mask of the previous slot.
	pipelined bool
	matchQ    []int
	readyQ    uint64
	sent      []int // the configuration carried out in the last slot
}

// NewVOQ returns an n-port VOQ switch scheduled by iSLIP with the given
// iterations (0 means DefaultIterations(n)); packetMode holds matched pairs
// for whole packets (see [ISLIP]).
func NewVOQ(n, iterations int, packetMode bool) (*VOQ, error) {
	if err := checkPorts("VOQ switch", n); err != nil {
		return nil, err
	}
	if iterations == 0 {
		iterations = DefaultIterations(n)
	}
	s, err := NewISLIP(n, n, iterations, packetMode)
	if err != nil {
		return nil, err
	}
	return &VOQ{
		n:        n,
		q:        make([]cellQueue, n*n),
		nonEmpty: make([]uint64, n),
		eop:      make([]uint64, n),
		req:      make([]uint64, n),
		match:    make([]int, n),
		sched:    s,
	}, nil
}

// NewPipelinedVOQ returns an n-port VOQ switch whose iSLIP scheduler
// (cell mode) is pipelined by one slot, as gen/fabric's crossbar with
// Pipelined set:
//
//   - In slot t the scheduler decides on requests built from the queues as
//     they stand at the start of the slot (arrivals included) and from the
//     ready mask of slot t−1 (all clear before the first slot): VOQ(i, j)
//     requests when it holds a cell that the match decided in slot t−1
//     does not already send, i.e. its length minus that match's bit is
//     at least 1, so no VOQ is granted more cells than it holds.
//   - The cells of the match decided in slot t−1 leave in slot t, each
//     only if its output's bit is set in slot t's ready mask; a cell whose
//     output is not ready stays at the head of its VOQ (the grant is void).
//
// Pointers move as in [ISLIP], at the decision. A cell therefore leaves at
// the earliest one slot after it arrives.
func NewPipelinedVOQ(n, iterations int) (*VOQ, error) {
	v, err := NewVOQ(n, iterations, false)
	if err != nil {
		return nil, err
	}
	v.pipelined = true
	v.matchQ = make([]int, n)
	v.sent = make([]int, n)
	for i := range v.matchQ {
		v.matchQ[i] = -1
		v.sent[i] = -1
	}
	return v, nil
}

// Pipelined reports whether the switch was made by NewPipelinedVOQ.
func (v *VOQ) Pipelined() bool { return v.pipelined }

// Ports returns N.
func (v *VOQ) Ports() int { return v.n }

// Backlog returns the number of queued cells.
func (v *VOQ) Backlog() int { return v.backlog }

// Scheduler returns the switch's scheduler, to inspect its pointers.
func (v *VOQ) Scheduler() *ISLIP { return v.sched }

// LastMatch returns the crossbar configuration of the last slot: element i
// is the output input i sent a cell to, or -1. Without pipelining it is
// the match the scheduler made in that slot; pipelined, it is the previous
// slot's match less the outputs that were not ready (see LastDecision).
func (v *VOQ) LastMatch() []int {
	if v.pipelined {
		return append([]int(nil), v.sent...)
	}
	return append([]int(nil), v.match...)
}

// LastDecision returns the match the scheduler made in the last slot. It is
// LastMatch unless the switch is pipelined, whose decision is carried out
// in the next slot.
func (v *VOQ) LastDecision() []int { return append([]int(nil), v.match...) }

// Requests returns the request matrix of the last slot (ready mask applied)
// exactly as it was given to the scheduler.
func (v *VOQ) Requests() []uint64 { return append([]uint64(nil), v.req...) }

// Arrive appends c to VOQ(c.Input, c.Output).
func (v *VOQ) Arrive(c Cell) error {
	if err := checkCell(c, v.n); err != nil {
		return err
	}
	q := &v.q[c.Input*v.n+c.Output]
	if q.len() == 0 {
		v.nonEmpty[c.Input] |= 1 << c.Output
		v.setEOP(c.Input, c.Output, c.Last)
	}
	q.push(c)
	v.backlog++
	return nil
}

func (v *VOQ) setEOP(i, j int, last bool) {
	if last {
		v.eop[i] |= 1 << j
	} else {
		v.eop[i] &^= 1 << j
	}
}

// Step runs one slot.
func (v *VOQ) Step(slot int64, ready uint64, out []Cell) []Cell {
	if v.pipelined {
		return v.stepPipelined(ready, out)
	}
	for i, r := range v.nonEmpty {
		v.req[i] = r & ready
	}
	// Requests come from our own queues, so they are always well formed.
	v.sched.schedule(v.match, v.req, v.eop)
	for i, j := range v.match {
		if j < 0 {
			continue
		}
		q := &v.q[i*v.n+j]
		out = append(out, q.pop())
		v.backlog--
		if q.len() == 0 {
			v.nonEmpty[i] &^= 1 << j
			v.eop[i] &^= 1 << j
		} else {
			v.setEOP(i, j, q.peek().Last)
		}
	}
	return out
}

// stepPipelined is Step for NewPipelinedVOQ.
func (v *VOQ) stepPipelined(ready uint64, out []Cell) []Cell {
	for i, r := range v.nonEmpty {
		if j := v.matchQ[i]; j >= 0 && v.q[i*v.n+j].len() == 1 {
			r &^= 1 << j // its only cell is already granted
		}
		v.req[i] = r & v.readyQ
	}
	v.sched.schedule(v.match, v.req, nil)
	for i, j := range v.matchQ {
		v.sent[i] = -1
		if j < 0 || ready&(1<<j) == 0 {
			continue
		}
		v.sent[i] = j
		q := &v.q[i*v.n+j]
		out = append(out, q.pop())
		v.backlog--
		if q.len() == 0 {
			v.nonEmpty[i] &^= 1 << j
		}
	}
	copy(v.matchQ, v.match)
	v.readyQ = ready
	return out
}

// OQ is the ideal output-queued switch: an arriving cell is written straight
// into the queue of its output in its arrival slot (a memory with N-fold
// speedup), and each ready output sends one cell per slot. No input-queued
// fabric can do better, so it is the upper bound for throughput and latency.
type OQ struct {
	n       int
	q       []cellQueue
	backlog int
}

// NewOQ returns an n-port output-queued switch.
func NewOQ(n int) (*OQ, error) {
	if err := checkPorts("output-queued switch", n); err != nil {
		return nil, err
	}
	return &OQ{n: n, q: make([]cellQueue, n)}, nil
}

// Ports returns N.
func (o *OQ) Ports() int { return o.n }

// Backlog returns the number of queued cells.
func (o *OQ) Backlog() int { return o.backlog }

// Arrive appends c to the queue of its output.
func (o *OQ) Arrive(c Cell) error {
	if err := checkCell(c, o.n); err != nil {
		return err
	}
	o.q[c.Output].push(c)
	o.backlog++
	return nil
}

// Step runs one slot.
func (o *OQ) Step(slot int64, ready uint64, out []Cell) []Cell {
	for j := range o.n {
		if ready&(1<<j) != 0 && o.q[j].len() > 0 {
			out = append(out, o.q[j].pop())
			o.backlog--
		}
	}
	return out
}
