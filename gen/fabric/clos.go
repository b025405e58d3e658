package fabric

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// ClosConfig sizes a three-stage Clos network C(m, n, r) built from
// crossbars, as model/fabric.ClosConfig: r ingress crossbars of n×m, m
// middle crossbars of r×r, r egress crossbars of m×n, N = n·r ports.
// M = N (rearrangeably non-blocking) and M = 2N−1 (strictly non-blocking)
// are the usual choices; any M >= 1 generates.
type ClosConfig struct {
	M, N, R int
	// DataWidth is the cell payload in bits.
	DataWidth int
	// Depth is the VOQ capacity of every crossbar, in cells.
	Depth int
	// Iterations of iSLIP in every crossbar; 0 gives each its default.
	Iterations int
	// PacketMode runs every crossbar in packet mode, so a packet's cells
	// cross each stage back to back and leave the network contiguous.
	PacketMode bool
	// Pipelined builds every crossbar with the pipelined scheduler (see
	// CrossbarConfig.Pipelined): one more cycle per stage. Cell mode only.
	Pipelined bool
}

// Ports is N = n·r.
func (c ClosConfig) Ports() int { return c.N * c.R }

// Middle is the middle crossbar that carries flow (input, output):
// (input + output) mod m, the model's fixed assignment that keeps every
// flow on one path, hence in order.
func (c ClosConfig) Middle(input, output int) int { return (input + output) % c.M }

func (c ClosConfig) check() error {
	if c.M < 1 || c.N < 1 || c.R < 1 {
		return fmt.Errorf("fabric: Clos m=%d n=%d r=%d: each must be at least 1", c.M, c.N, c.R)
	}
	if c.M > MaxPorts || c.N*c.R > MaxPorts {
		return fmt.Errorf("fabric: Clos m=%d n=%d r=%d: m and N = n·r must be at most %d", c.M, c.N, c.R, MaxPorts)
	}
	if c.Iterations < 0 {
		return fmt.Errorf("fabric: Clos iterations %d is negative", c.Iterations)
	}
	return nil
}

// stage returns the crossbar configuration of one stage, iterations capped
// at its size as the model's Clos does.
func (c ClosConfig) stage(ins, outs, width int) (CrossbarConfig, error) {
	it := c.Iterations
	if it > 0 {
		it = min(it, ins, outs)
	}
	return CrossbarConfig{Inputs: ins, Outputs: outs, DataWidth: width, Depth: c.Depth,
		Iterations: it, PacketMode: c.PacketMode, Pipelined: c.Pipelined}.withDefaults()
}

// Clos generates the Clos network cfg describes, a module named
// clos_m<m>_n<n>_r<r>_w<data>_d<depth>_it<iterations>_p<0|1>, with the
// same per-port interface as Crossbar (InPort/OutPort names; dest is the
// final output 0..N−1).
//
// A cell entering at port i for output o is tagged with o and queued in
// ingress crossbar i/n for middle link (i+o) mod m; the middle crossbar
// queues it for egress crossbar o/n, which queues it for its local output
// o mod n and strips the tag. Stage links carry valid/ready, so a full
// queue downstream back-pressures the stage before it, and every queue is
// a FIFO on a fixed path, so each flow's
// cells stay in order. Between stages sits a two-cell link buffer (see
// linkBuffer), so the minimum latency is 5 cycles: one per crossbar, one
// per link.
// A dest of N or more is taken at the input and dropped.
func Clos(cfg ClosConfig) (*hdl.Module, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	m, n, r := cfg.M, cfg.N, cfg.R
	ports := cfg.Ports()
	wp := IndexWidth(ports)
	tagged := cfg.DataWidth + wp
	ingCfg, err := cfg.stage(n, m, tagged)
	if err != nil {
		return nil, fmt.Errorf("fabric: Clos ingress stage: %w", err)
	}
	midCfg, err := cfg.stage(r, r, tagged)
	if err != nil {
		return nil, fmt.Errorf("fabric: Clos middle stage: %w", err)
	}
	egCfg, err := cfg.stage(m, n, cfg.DataWidth)
	if err != nil {
		return nil, fmt.Errorf("fabric: Clos egress stage: %w", err)
	}
	ing, err := Crossbar(ingCfg)
	if err != nil {
		return nil, err
	}
	mid, err := Crossbar(midCfg)
	if err != nil {
		return nil, err
	}
	eg, err := Crossbar(egCfg)
	if err != nil {
		return nil, err
	}
	pkt := 0
	if cfg.PacketMode {
		pkt = 1
	}
	params := []hdl.Param{hdl.P("m", m), hdl.P("n", n), hdl.P("r", r),
		hdl.P("w", cfg.DataWidth), hdl.P("d", cfg.Depth), hdl.P("it", cfg.Iterations), hdl.P("p", pkt)}
	if cfg.Pipelined {
		params = append(params, hdl.P("pl", 1))
	}
	top := hdl.NewGenerated(Generator, "clos", params...)
	pow2 := ports == 1<<uint(wp)

	ingress := make([]*hdl.Instance, r)
	middle := make([]*hdl.Instance, m)
	egress := make([]*hdl.Instance, r)
	for I := range r {
		ingress[I] = top.Instance(fmt.Sprintf("ing%d", I), ing)
		egress[I] = top.Instance(fmt.Sprintf("eg%d", I), eg)
	}
	for k := range m {
		middle[k] = top.Instance(fmt.Sprintf("mid%d", k), mid)
	}

	// Ports into the ingress stage.
	wm := IndexWidth(m)
	for I := range r {
		x := ingress[I]
		for a := range n {
			i := I*n + a
			valid := top.Input(InPort(i, "valid"), 1)
			data := top.Input(InPort(i, "data"), cfg.DataWidth)
			dest := top.Input(InPort(i, "dest"), wp)
			last := top.Input(InPort(i, "last"), 1)
			// (i + o) mod m, computed wide enough not to wrap.
			ws := IndexWidth(ports+m) + 1
			sum := hdl.AddW(dest, hdl.Const(uint64(i), ws), ws)
			link := hdl.Slice(hdl.Mod(sum, hdl.Const(uint64(m), ws)), wm-1, 0)
			ready := x.Out(InPort(a, "ready"))
			if !pow2 {
				bad := hdl.Ge(dest, hdl.Const(uint64(ports), wp))
				valid2 := hdl.And(valid, hdl.Not(bad))
				x.Connect(InPort(a, "valid"), valid2)
				top.Output(InPort(i, "ready"), 1).Drive(hdl.Or(ready, bad))
			} else {
				x.Connect(InPort(a, "valid"), valid)
				top.Output(InPort(i, "ready"), 1).Drive(ready)
			}
			x.Connect(InPort(a, "data"), hdl.Concat(dest, data))
			x.Connect(InPort(a, "dest"), link)
			x.Connect(InPort(a, "last"), last)
		}
	}
	// Ingress I output k -> link buffer -> middle k input I.
	wr := IndexWidth(r)
	for I := range r {
		for k := range m {
			src, dst := ingress[I], middle[k]
			l := linkBuffer(top, fmt.Sprintf("l1_%d_%d", I, k), tagged+1,
				src.Out(OutPort(k, "valid")), hdl.Concat(src.Out(OutPort(k, "last")), src.Out(OutPort(k, "data"))),
				dst.Out(InPort(I, "ready")))
			src.Connect(OutPort(k, "ready"), l.ready)
			o := hdl.Slice(l.data, tagged-1, cfg.DataWidth)
			dst.Connect(InPort(I, "valid"), l.valid)
			dst.Connect(InPort(I, "data"), hdl.Slice(l.data, tagged-1, 0))
			dst.Connect(InPort(I, "dest"), fit(hdl.Div(o, hdl.Const(uint64(n), wp)), wr))
			dst.Connect(InPort(I, "last"), hdl.Bit(l.data, tagged))
		}
	}
	// Middle k output E -> link buffer -> egress E input k.
	wn := IndexWidth(n)
	for k := range m {
		for E := range r {
			src, dst := middle[k], egress[E]
			l := linkBuffer(top, fmt.Sprintf("l2_%d_%d", k, E), tagged+1,
				src.Out(OutPort(E, "valid")), hdl.Concat(src.Out(OutPort(E, "last")), src.Out(OutPort(E, "data"))),
				dst.Out(InPort(k, "ready")))
			src.Connect(OutPort(E, "ready"), l.ready)
			o := hdl.Slice(l.data, tagged-1, cfg.DataWidth)
			dst.Connect(InPort(k, "valid"), l.valid)
			dst.Connect(InPort(k, "data"), hdl.Slice(l.data, cfg.DataWidth-1, 0))
			dst.Connect(InPort(k, "dest"), fit(hdl.Mod(o, hdl.Const(uint64(n), wp)), wn))
			dst.Connect(InPort(k, "last"), hdl.Bit(l.data, tagged))
		}
	}
	// Egress E output b -> port E·n + b.
	for E := range r {
		x := egress[E]
		for b := range n {
			o := E*n + b
			x.Connect(OutPort(b, "ready"), top.Input(OutPort(o, "ready"), 1))
			top.Output(OutPort(o, "valid"), 1).Drive(x.Out(OutPort(b, "valid")))
			top.Output(OutPort(o, "data"), cfg.DataWidth).Drive(x.Out(OutPort(b, "data")))
			top.Output(OutPort(o, "last"), 1).Drive(x.Out(OutPort(b, "last")))
		}
	}
	return top, nil
}

// fit resizes an index to w bits: zero-extends, or keeps the low bits
// when the value is known to fit (a quotient or remainder of a valid
// output number).
func fit(v hdl.Value, w int) hdl.Value {
	switch {
	case v.Width() == w:
		return v
	case v.Width() < w:
		return hdl.ZExt(v, w)
	}
	return hdl.Slice(v, w-1, 0)
}

// link is the downstream side of a link buffer and its upstream ready.
type link struct {
	valid, data, ready hdl.Value
}

// linkBuffer is a two-entry FIFO on a link between two Clos stages. Its
// upstream ready is a register (fewer than two cells held), which breaks
// the combinational path a crossbar would otherwise close: a crossbar's
// in_ready depends on in_dest, and the next stage's dest is the previous
// stage's scheduled output data, which depends on its out_ready. Two
// entries keep a link at one cell per cycle.
func linkBuffer(m *hdl.Module, name string, w int, upValid, upData, downReady hdl.Value) link {
	cnt := m.Reg(name+"_cnt", 2)
	e0 := m.Reg(name+"_e0", w)
	e1 := m.Reg(name+"_e1", w)
	empty := hdl.Eq(cnt, hdl.Const(0, 2))
	full := hdl.Eq(cnt, hdl.Const(2, 2))
	one := hdl.Eq(cnt, hdl.Const(1, 2))
	push := hdl.And(upValid, hdl.Not(full))
	pop := hdl.And(hdl.Not(empty), downReady)
	e0.NextIf(hdl.Or(pop, hdl.And(empty, push)), hdl.Mux(full, e1, upData))
	e1.NextIf(hdl.And(push, hdl.Or(hdl.And(one, hdl.Not(pop)), hdl.And(full, pop))), upData)
	cnt.NextIf(hdl.Xor(push, pop), hdl.Mux(push, hdl.Add(cnt, hdl.Const(1, 2)), hdl.Sub(cnt, hdl.Const(1, 2))))
	return link{valid: hdl.Not(empty), data: e0, ready: hdl.Not(full)}
}
