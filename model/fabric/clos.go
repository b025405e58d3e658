package fabric

import "fmt"

// ClosConfig sizes a three-stage Clos network C(m, n, r): r ingress switches
// of n×m, m middle switches of r×r, r egress switches of m×n, N = n·r ports.
// m = n is rearrangeably non-blocking for circuits, m = 2n−1 strictly
// non-blocking; both are accepted (any m >= 1 is).
type ClosConfig struct {
	M int // middle switches (links out of each ingress switch)
	N int // ports per ingress/egress switch
	R int // ingress switches = egress switches = middle switch radix
	// Iterations of iSLIP per slot in every stage. 0 gives each stage
	// DefaultIterations of its larger side; any value is capped at the
	// stage's min(inputs, outputs), beyond which iSLIP gains nothing.
	Iterations int
	// Buffer is the capacity in cells of each queue in the middle and egress
	// stages (credit-based back-pressure between stages); 0 means 16.
	Buffer int
	// Pipelined runs every switch's scheduler one slot ahead of its
	// transfers, as NewPipelinedVOQ does: a switch decides in slot t from
	// its queues minus the cells it already granted, from the downstream
	// queues plus the cells already granted into them, and (egress stage)
	// from the ready mask of slot t−1; the cells leave in slot t+1, an
	// egress cell only if its port is ready then. Minimum latency 5 slots.
	Pipelined bool
}

// DefaultClosBuffer is the stage queue capacity used when ClosConfig.Buffer
// is 0.
const DefaultClosBuffer = 16

// Clos is a buffered three-stage Clos fabric modelled at cell level, every
// switch an iSLIP-scheduled crossbar with per-destination queues:
//
//   - Ingress switch I, input a (port i = I·n + a), keeps one queue per
//     final output o. Its output k is the link to middle switch k.
//   - Middle switch k, input I (the link from ingress I), keeps one queue per
//     final output o. Its output E is the link to egress switch E = o / n.
//   - Egress switch E, input k (the link from middle k), keeps one queue per
//     local output b = o mod n. Its output b is port E·n + b.
//
// Middle-stage choice: every cell of flow (i, o) goes through middle switch
// Middle(i, o) = (i + o) mod m. A flow therefore follows one fixed chain of
// three FIFO queues, which keeps its cells in order without resequencing;
// under uniform traffic the rotation spreads each ingress switch's load
// evenly over the m middle links. The price is that a static assignment can
// be overloaded by some admissible patterns (diagonal with m = n, for one),
// which m = 2n−1 makes much rarer.
//
// Each slot every switch builds its request matrix from the queue state at
// the start of the slot: input x requests output y when some queue of x
// whose destination leaves through y is non-empty and has room downstream
// (the downstream queue holds fewer than Buffer cells, or for the egress
// stage the port is ready). Each switch's iSLIP scheduler picks a match; a
// matched input then serves, among its eligible queues for that output, the
// first destination at or after its round-robin pointer for that output,
// and moves that pointer one past it. All transfers of a slot happen
// together, so a cell advances at most one stage per slot and the minimum
// latency is 2 slots. The room check uses start-of-slot occupancy and each
// downstream queue is fed by a single link, so no queue ever exceeds Buffer.
type Clos struct {
	cfg     ClosConfig
	ports   int
	ingress []*closStage // r switches, n×m, destinations o (N)
	middle  []*closStage // m switches, r×r, destinations o (N)
	egress  []*closStage // r switches, m×n, destinations b (n)
	backlog int
	readyQ  uint64 // pipelined: the previous slot's ready mask
}

// closStage is one crossbar of the Clos with per-destination input queues.
type closStage struct {
	ins, outs, ndest int
	q                []cellQueue // index in*ndest + dest
	nonEmpty         []uint64    // per input, destinations with cells
	space            []uint64    // per input, destinations with room downstream
	eligible         []uint64    // per input, destinations that may be served
	route            []uint64    // index in*outs + out: destinations leaving via out
	ptr              []int       // index in*outs + out: round-robin destination pointer
	req              []uint64
	match            []int
	chosen           []int // per input, destination served this slot, or -1
	sched            *ISLIP
	// Pipelined: the previous slot's decision, transferred this slot.
	pmatch, pchosen []int
}

func newClosStage(ins, outs, ndest, iterations int) (*closStage, error) {
	if iterations == 0 {
		iterations = DefaultIterations(max(ins, outs))
	}
	iterations = min(iterations, ins, outs)
	s, err := NewISLIP(ins, outs, iterations, false)
	if err != nil {
		return nil, err
	}
	return &closStage{
		ins: ins, outs: outs, ndest: ndest,
		q:        make([]cellQueue, ins*ndest),
		nonEmpty: make([]uint64, ins),
		space:    make([]uint64, ins),
		eligible: make([]uint64, ins),
		route:    make([]uint64, ins*outs),
		ptr:      make([]int, ins*outs),
		req:      make([]uint64, ins),
		match:    make([]int, ins),
		chosen:   make([]int, ins),
		sched:    s,
		pmatch:   minusOnes(ins),
		pchosen:  minusOnes(ins),
	}, nil
}

func minusOnes(n int) []int {
	s := make([]int, n)
	for k := range s {
		s[k] = -1
	}
	return s
}

func (s *closStage) push(in, dest int, c Cell) {
	s.q[in*s.ndest+dest].push(c)
	s.nonEmpty[in] |= 1 << dest
}

func (s *closStage) occupancy(in, dest int) int { return s.q[in*s.ndest+dest].len() }

// plan schedules the slot from the current queues and s.space. Pipelined,
// a queue whose only cell the previous decision sends is not eligible.
func (s *closStage) plan(pipelined bool) {
	for in := range s.ins {
		ne := s.nonEmpty[in]
		if d := s.pchosen[in]; pipelined && d >= 0 && s.occupancy(in, d) == 1 {
			ne &^= 1 << d
		}
		s.eligible[in] = ne & s.space[in]
	}
	for in := range s.ins {
		eligible := s.eligible[in]
		var r uint64
		if eligible != 0 {
			for out := range s.outs {
				if eligible&s.route[in*s.outs+out] != 0 {
					r |= 1 << out
				}
			}
		}
		s.req[in] = r
	}
	s.sched.schedule(s.match, s.req, nil)
	for in, out := range s.match {
		s.chosen[in] = -1
		if out < 0 {
			continue
		}
		k := in*s.outs + out
		d := roundRobin(s.eligible[in]&s.route[k], s.ptr[k])
		s.ptr[k] = (d + 1) % s.ndest
		s.chosen[in] = d
	}
}

// take pops the planned cell of input in, if any.
func (s *closStage) take(in int) (Cell, int, bool) { return s.pop(in, s.chosen[in], s.match[in]) }

// pop removes the head of queue (in, d) sent to output out (d < 0: none).
func (s *closStage) pop(in, d, out int) (Cell, int, bool) {
	if d < 0 {
		return Cell{}, 0, false
	}
	q := &s.q[in*s.ndest+d]
	c := q.pop()
	if q.len() == 0 {
		s.nonEmpty[in] &^= 1 << d
	}
	return c, out, true
}

// commit makes this slot's decision the one transferred next slot.
func (s *closStage) commit() {
	copy(s.pmatch, s.match)
	copy(s.pchosen, s.chosen)
}

// NewClos checks cfg and returns the fabric.
func NewClos(cfg ClosConfig) (*Clos, error) {
	if cfg.M < 1 || cfg.N < 1 || cfg.R < 1 {
		return nil, fmt.Errorf("fabric: Clos m=%d n=%d r=%d: each must be at least 1", cfg.M, cfg.N, cfg.R)
	}
	if cfg.M > MaxPorts || cfg.N*cfg.R > MaxPorts {
		return nil, fmt.Errorf("fabric: Clos m=%d n=%d r=%d: m and N = n·r must be at most %d", cfg.M, cfg.N, cfg.R, MaxPorts)
	}
	if cfg.Iterations < 0 {
		return nil, fmt.Errorf("fabric: Clos iterations %d is negative", cfg.Iterations)
	}
	if cfg.Buffer < 0 {
		return nil, fmt.Errorf("fabric: Clos buffer %d is negative", cfg.Buffer)
	}
	if cfg.Buffer == 0 {
		cfg.Buffer = DefaultClosBuffer
	}
	m, n, r := cfg.M, cfg.N, cfg.R
	ports := n * r
	c := &Clos{cfg: cfg, ports: ports}
	for I := range r {
		s, err := newClosStage(n, m, ports, cfg.Iterations)
		if err != nil {
			return nil, err
		}
		for a := range n {
			for o := range ports {
				s.route[a*m+c.Middle(I*n+a, o)] |= 1 << o
			}
		}
		c.ingress = append(c.ingress, s)
	}
	for range m {
		s, err := newClosStage(r, r, ports, cfg.Iterations)
		if err != nil {
			return nil, err
		}
		for I := range r {
			for o := range ports {
				s.route[I*r+o/n] |= 1 << o
			}
		}
		c.middle = append(c.middle, s)
	}
	for range r {
		s, err := newClosStage(m, n, n, cfg.Iterations)
		if err != nil {
			return nil, err
		}
		for k := range m {
			for b := range n {
				s.route[k*n+b] = 1 << b
			}
		}
		c.egress = append(c.egress, s)
	}
	return c, nil
}

// Config returns the configuration with defaults filled in.
func (c *Clos) Config() ClosConfig { return c.cfg }

// Ports returns N = n·r.
func (c *Clos) Ports() int { return c.ports }

// Backlog returns the number of cells in all stages.
func (c *Clos) Backlog() int { return c.backlog }

// Middle returns the middle switch that carries flow (input, output).
func (c *Clos) Middle(input, output int) int { return (input + output) % c.cfg.M }

// ClosMatches is the crossbar configuration of every switch in one slot:
// Ingress[I][a] is the middle switch ingress I's input a sent to, Middle[k][I]
// the egress switch middle k's input I sent to, Egress[E][k] the local output
// egress E's input k sent to; -1 for none.
type ClosMatches struct {
	Ingress, Middle, Egress [][]int
}

// LastMatches returns the matches of the last slot.
func (c *Clos) LastMatches() ClosMatches {
	cp := func(st []*closStage) [][]int {
		out := make([][]int, len(st))
		for x, s := range st {
			out[x] = append([]int(nil), s.match...)
		}
		return out
	}
	return ClosMatches{Ingress: cp(c.ingress), Middle: cp(c.middle), Egress: cp(c.egress)}
}

// Arrive queues c at its ingress switch.
func (c *Clos) Arrive(cell Cell) error {
	if err := checkCell(cell, c.ports); err != nil {
		return err
	}
	n := c.cfg.N
	c.ingress[cell.Input/n].push(cell.Input%n, cell.Output, cell)
	c.backlog++
	return nil
}

// Step runs one slot.
func (c *Clos) Step(slot int64, ready uint64, out []Cell) []Cell {
	if c.cfg.Pipelined {
		return c.stepPipelined(ready, out)
	}
	m, n, r, buf := c.cfg.M, c.cfg.N, c.cfg.R, c.cfg.Buffer
	// Plan every switch from the start-of-slot state.
	for E, s := range c.egress {
		sp := ready >> uint(E*n) & lowMask(n)
		for k := range m {
			s.space[k] = sp
		}
		s.plan(false)
	}
	for k, s := range c.middle {
		for I := range r {
			var sp uint64
			for o := range c.ports {
				if c.egress[o/n].occupancy(k, o%n) < buf {
					sp |= 1 << o
				}
			}
			s.space[I] = sp
		}
		s.plan(false)
	}
	for I, s := range c.ingress {
		for a := range n {
			i := I*n + a
			var sp uint64
			for o := range c.ports {
				if c.middle[c.Middle(i, o)].occupancy(I, o) < buf {
					sp |= 1 << o
				}
			}
			s.space[a] = sp
		}
		s.plan(false)
	}
	// Move cells, last stage first, so no cell moves twice.
	for _, s := range c.egress {
		for k := range m {
			if cell, _, ok := s.take(k); ok {
				out = append(out, cell)
				c.backlog--
			}
		}
	}
	for k, s := range c.middle {
		for I := range r {
			if cell, E, ok := s.take(I); ok {
				c.egress[E].push(k, cell.Output%n, cell)
			}
		}
	}
	for I, s := range c.ingress {
		for a := range n {
			if cell, k, ok := s.take(a); ok {
				c.middle[k].push(I, cell.Output, cell)
			}
		}
	}
	return out
}

// stepPipelined is Step with ClosConfig.Pipelined: every switch plans from
// the start-of-slot state while the previous slot's plans are carried out.
func (c *Clos) stepPipelined(ready uint64, out []Cell) []Cell {
	m, n, r, buf := c.cfg.M, c.cfg.N, c.cfg.R, c.cfg.Buffer
	// Cells granted last slot into each downstream queue (each queue has
	// one feeding link, so at most one): egIn[E][k*n+b], midIn[k][I*N+o].
	egIn := make([][]int, r)
	for E := range egIn {
		egIn[E] = make([]int, m*n)
	}
	midIn := make([][]int, m)
	for k := range midIn {
		midIn[k] = make([]int, r*c.ports)
	}
	for k, s := range c.middle {
		for _, o := range s.pchosen {
			if o >= 0 {
				egIn[o/n][k*n+o%n]++
			}
		}
	}
	for I, s := range c.ingress {
		for a, o := range s.pchosen {
			if o >= 0 {
				midIn[c.Middle(I*n+a, o)][I*c.ports+o]++
			}
		}
	}
	for E, s := range c.egress {
		sp := c.readyQ >> uint(E*n) & lowMask(n)
		for k := range m {
			s.space[k] = sp
		}
		s.plan(true)
	}
	for k, s := range c.middle {
		for I := range r {
			var sp uint64
			for o := range c.ports {
				if c.egress[o/n].occupancy(k, o%n)+egIn[o/n][k*n+o%n] < buf {
					sp |= 1 << o
				}
			}
			s.space[I] = sp
		}
		s.plan(true)
	}
	for I, s := range c.ingress {
		for a := range n {
			i := I*n + a
			var sp uint64
			for o := range c.ports {
				k := c.Middle(i, o)
				if c.middle[k].occupancy(I, o)+midIn[k][I*c.ports+o] < buf {
					sp |= 1 << o
				}
			}
			s.space[a] = sp
		}
		s.plan(true)
	}
	// Carry out the previous plans, last stage first.
	for E, s := range c.egress {
		for k := range m {
			b := s.pmatch[k]
			if b < 0 || ready&(1<<uint(E*n+b)) == 0 {
				continue // not ready: the cell stays
			}
			if cell, _, ok := s.pop(k, s.pchosen[k], b); ok {
				out = append(out, cell)
				c.backlog--
			}
		}
	}
	for k, s := range c.middle {
		for I := range r {
			if cell, E, ok := s.pop(I, s.pchosen[I], s.pmatch[I]); ok {
				c.egress[E].push(k, cell.Output%n, cell)
			}
		}
	}
	for I, s := range c.ingress {
		for a := range n {
			if cell, k, ok := s.pop(a, s.pchosen[a], s.pmatch[a]); ok {
				c.middle[k].push(I, cell.Output, cell)
			}
		}
	}
	for _, st := range [][]*closStage{c.ingress, c.middle, c.egress} {
		for _, s := range st {
			s.commit()
		}
	}
	c.readyQ = ready
	return out
}
