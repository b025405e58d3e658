package fabric

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// MaxDepth bounds the cells per VOQ: the queues are built from distributed
// memory read combinationally (see Crossbar), which stops being a sensible
// circuit long before this.
const MaxDepth = 1 << 12

// MaxDataWidth bounds the cell payload width.
const MaxDataWidth = 1024

// CrossbarConfig sizes an input-queued crossbar with virtual output queues.
type CrossbarConfig struct {
	Inputs  int // 1..MaxPorts
	Outputs int // 1..MaxPorts (rectangular crossbars are the Clos stages)
	// DataWidth is the payload of one cell in bits, 1..MaxDataWidth.
	DataWidth int
	// Depth is the capacity of each VOQ in cells, 1..MaxDepth. Depth 2 keeps
	// a flow at full rate (a VOQ is refilled the cycle after it drains).
	Depth int
	// Iterations of iSLIP per slot; 0 means ceil(log2 max(Inputs, Outputs))
	// capped at min(Inputs, Outputs).
	Iterations int
	// PacketMode sends a packet's cells back to back: once a VOQ starts a
	// packet, its input and output stay paired until the cell with last set
	// has left (iSLIP packet mode).
	PacketMode bool
	// Pipelined registers the scheduler's match (see ISLIPConfig) and the
	// egress ready it requests with, so the scheduler's cycle runs from
	// registers to registers: a cell is scheduled in cycle t from the
	// occupancy at the start of t and the out<j>_ready of cycle t−1, and
	// leaves in cycle t+1 if out<j>_ready is high then (otherwise the
	// grant is void and the cell stays at its VOQ's head). VOQ(i, j)
	// requests while it holds a cell not already granted: occupancy minus
	// the match register's bit, so no VOQ is granted more cells than it
	// holds. Cell mode only; default off. Depth 3 keeps a flow at full
	// rate (one cell in the VOQ's last slot, one granted, one arriving).
	Pipelined bool
}

func (c CrossbarConfig) withDefaults() (CrossbarConfig, error) {
	s, err := c.scheduler().withDefaults()
	if err != nil {
		return c, err
	}
	c.Iterations = s.Iterations
	if c.DataWidth < 1 || c.DataWidth > MaxDataWidth {
		return c, fmt.Errorf("fabric: crossbar data width %d out of range 1..%d", c.DataWidth, MaxDataWidth)
	}
	if c.Depth < 1 || c.Depth > MaxDepth {
		return c, fmt.Errorf("fabric: crossbar VOQ depth %d out of range 1..%d cells", c.Depth, MaxDepth)
	}
	return c, nil
}

func (c CrossbarConfig) scheduler() ISLIPConfig {
	return ISLIPConfig{Inputs: c.Inputs, Outputs: c.Outputs, Iterations: c.Iterations, PacketMode: c.PacketMode, Pipelined: c.Pipelined}
}

// InPort and OutPort name the crossbar's per-port signals: InPort(3,
// "valid") is "in3_valid", OutPort(0, "data") is "out0_data".
func InPort(i int, sig string) string { return fmt.Sprintf("in%d_%s", i, sig) }

// OutPort names an output port's signal (see InPort).
func OutPort(j int, sig string) string { return fmt.Sprintf("out%d_%s", j, sig) }

// Crossbar generates the VOQ crossbar cfg describes, a module named
// xbar_i<inputs>_o<outputs>_w<data>_d<depth>_it<iterations>_p<0|1>, with
// _pl1 appended when Pipelined (whose timing differs as that field says).
//
// Ports, per input i and output j:
//
//	in<i>_valid in  1          a cell is offered
//	in<i>_ready out 1          it is taken this cycle (its VOQ has room)
//	in<i>_data  in  DataWidth  payload
//	in<i>_dest  in  IndexWidth(Outputs)  output the cell goes to
//	in<i>_last  in  1          last cell of its packet
//	out<j>_valid out 1         a cell leaves this cycle
//	out<j>_ready in  1         the output can take a cell this cycle
//	out<j>_data  out DataWidth
//	out<j>_last  out 1
//
// Input i keeps one FIFO of Depth cells per output, VOQ(i, j), each its
// own small memory read combinationally at its head (distributed RAM or
// flip-flops; iCE40 block RAM has only synchronous reads). in<i>_ready is high when
// VOQ(i, dest) held fewer than Depth cells at the start of the cycle (a
// departure in the same cycle does not make room until the next one, which
// keeps ready off the scheduler's combinational path). A cell whose dest
// is Outputs or more (possible only when Outputs is not a power of two) is
// taken and dropped, so a bad destination cannot wedge its input.
//
// Every cycle is one slot: the request matrix is "VOQ(i, j) non-empty and
// out<j>_ready high", the iSLIP scheduler matches it, and each matched
// input's head cell is read combinationally and driven onto its output in
// the same cycle, with out<j>_valid high. A cell accepted in cycle t can
// leave in cycle t+1 at the earliest. Registers: VOQ counts and pointers,
// the scheduler's pointers and holds; rst clears them all (cells queued
// are forgotten; the memories themselves are not cleared, as block RAM).
//
// The scheduler's state is visible to simulation under the register names
// gmask<j> and amask<i> (pointers as thermometer masks: bits at or above
// the pointer set) and hold<i> (with its registered summaries inheld<i>
// and outheld in packet mode), and the per-VOQ occupancy under
// cnt<i>_<j>; with Pipelined, also the match registers match<i> and the
// registered egress ready rdy<j>.
func Crossbar(cfg CrossbarConfig) (*hdl.Module, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	pkt := 0
	if cfg.PacketMode {
		pkt = 1
	}
	params := []hdl.Param{hdl.P("i", cfg.Inputs), hdl.P("o", cfg.Outputs),
		hdl.P("w", cfg.DataWidth), hdl.P("d", cfg.Depth), hdl.P("it", cfg.Iterations), hdl.P("p", pkt)}
	if cfg.Pipelined {
		params = append(params, hdl.P("pl", 1))
	}
	m := hdl.NewGenerated(Generator, "xbar", params...)
	ni, no, dw, depth := cfg.Inputs, cfg.Outputs, cfg.DataWidth, cfg.Depth
	wo := IndexWidth(no)
	wp := IndexWidth(depth)      // VOQ pointer
	wc := bits.Len(uint(depth))  // VOQ count 0..depth
	cw := dw + 1                 // memory word: {last, data}
	pow2Out := no == 1<<uint(wo) // every dest value names an output

	type voq struct {
		cnt, wptr, rptr *hdl.Signal
		mem             *hdl.Memory
		head            hdl.Value // {last, data} of the head cell
	}
	outReady := make([]hdl.Value, no)
	reqReady := outReady // the ready the requests see
	for j := range no {
		outReady[j] = m.Input(OutPort(j, "ready"), 1)
	}
	matchQ := matchRegs(m, cfg.scheduler())
	if cfg.Pipelined {
		reqReady = make([]hdl.Value, no)
		for j := range no {
			r := m.Reg(fmt.Sprintf("rdy%d", j), 1)
			r.Next(outReady[j])
			reqReady[j] = r
		}
	}

	q := make([][]voq, ni)
	req := make([]hdl.Value, ni)
	eop := make([]hdl.Value, ni)
	type inputSide struct {
		valid, data, dest, last *hdl.Signal
	}
	in := make([]inputSide, ni)
	for i := range ni {
		in[i] = inputSide{
			valid: m.Input(InPort(i, "valid"), 1),
			data:  m.Input(InPort(i, "data"), dw),
			dest:  m.Input(InPort(i, "dest"), wo),
			last:  m.Input(InPort(i, "last"), 1),
		}
		q[i] = make([]voq, no)
		reqBits := make([]hdl.Value, no)
		eopBits := make([]hdl.Value, no)
		for j := range no {
			v := voq{
				cnt:  m.Reg(fmt.Sprintf("cnt%d_%d", i, j), wc),
				wptr: m.Reg(fmt.Sprintf("wptr%d_%d", i, j), wp),
				rptr: m.Reg(fmt.Sprintf("rptr%d_%d", i, j), wp),
				mem:  m.Memory(fmt.Sprintf("voq%d_%d", i, j), cw, depth),
			}
			v.head = v.mem.ReadComb(v.rptr)
			if cfg.PacketMode {
				eopBits[no-1-j] = hdl.Bit(v.head, dw)
			}
			q[i][j] = v
			has := hdl.Ne(v.cnt, hdl.Const(0, wc))
			if cfg.Pipelined {
				// A cell not yet granted: more than one cell, or one
				// that the match register does not already send.
				one := hdl.Eq(v.cnt, hdl.Const(1, wc))
				has = hdl.And(has, hdl.Not(hdl.And(one, hdl.Bit(matchQ[i], j))))
			}
			reqBits[no-1-j] = hdl.And(has, reqReady[j])
		}
		req[i] = hdl.Concat(reqBits...)
		if cfg.PacketMode {
			eop[i] = hdl.Concat(eopBits...)
		}
	}

	var eopRows []hdl.Value
	if cfg.PacketMode {
		eopRows = eop
	}
	sched := buildISLIP(m, cfg.scheduler(), req, eopRows, matchQ)
	// send[i] bit j: VOQ(i, j) sends its head cell this cycle. Unpipelined
	// the match already honours out<j>_ready; pipelined the match was
	// decided a cycle ago and out<j>_ready of this cycle gates it.
	send := sched.match
	if cfg.Pipelined {
		rdy := hdl.Concat(reverse(outReady)...)
		send = make([]hdl.Value, ni)
		for i := range ni {
			send[i] = hdl.And(sched.match[i], rdy)
		}
	}

	// Departures: output j carries the head of VOQ(i, j) for the input i
	// matched to it. Heads depend on registers only, so the match drives
	// one AND-OR level and no address decoder.
	for j := range no {
		var valid hdl.Value = hdl.Const(0, 1)
		var word hdl.Value = hdl.Const(0, cw)
		for i := range ni {
			b := hdl.Bit(send[i], j)
			valid = hdl.Or(valid, b)
			word = hdl.Or(word, hdl.And(q[i][j].head, hdl.Repl(b, cw)))
		}
		m.Output(OutPort(j, "valid"), 1).Drive(valid)
		m.Output(OutPort(j, "data"), dw).Drive(hdl.Slice(word, dw-1, 0))
		m.Output(OutPort(j, "last"), 1).Drive(hdl.Bit(word, dw))
	}

	// Arrivals and queue bookkeeping.
	for i := range ni {
		notFull := make([]hdl.Value, no)
		for j := range no {
			notFull[no-1-j] = hdl.Ne(q[i][j].cnt, hdl.Const(uint64(depth), wc))
		}
		room := hdl.Bit(hdl.ShrV(hdl.Concat(notFull...), in[i].dest), 0)
		ready := hdl.Value(room)
		if !pow2Out {
			ready = hdl.Or(room, hdl.Ge(in[i].dest, hdl.Const(uint64(no), wo)))
		}
		m.Output(InPort(i, "ready"), 1).Drive(ready)
		take := hdl.And(in[i].valid, room)
		for j := range no {
			v := q[i][j]
			we := hdl.And(take, hdl.Eq(in[i].dest, hdl.Const(uint64(j), wo)))
			re := hdl.Bit(send[i], j)
			v.wptr.NextIf(we, incMod(v.wptr, depth))
			v.rptr.NextIf(re, incMod(v.rptr, depth))
			v.cnt.NextIf(hdl.Xor(we, re), hdl.Mux(we, hdl.Add(v.cnt, hdl.Const(1, wc)), hdl.Sub(v.cnt, hdl.Const(1, wc))))
			v.mem.Write(we, v.wptr, hdl.Concat(in[i].last, in[i].data))
		}
	}
	return m, nil
}

// CrossbarDefaults checks cfg and returns it with defaults filled in
// (Iterations), as Crossbar will build it.
func CrossbarDefaults(cfg CrossbarConfig) (CrossbarConfig, error) { return cfg.withDefaults() }
