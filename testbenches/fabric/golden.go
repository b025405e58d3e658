package fabric

import (
	"fmt"

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
	mfabric "github.com/pktnetwork/pktrouter/model/fabric"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// portIndex maps port names to their column in the inputs or outputs.
func portIndex(ports []tb.Port) map[string]int {
	idx := make(map[string]int, len(ports))
	for i, p := range ports {
		idx[p.Name] = i
	}
	return idx
}

// column returns the index of a named port or an error naming it.
func column(idx map[string]int, name string) (int, error) {
	i, ok := idx[name]
	if !ok {
		return 0, fmt.Errorf("fabric: golden model: design has no port %q", name)
	}
	return i, nil
}

// matrixRows unpacks a flat nr×nc bit matrix (row r at bits r·nc..) into
// model rows.
func matrixRows(words []uint64, nr, nc int) []uint64 {
	rows := make([]uint64, nr)
	for r := range nr {
		for c := range nc {
			b := r*nc + c
			if words[b/64]>>uint(b%64)&1 == 1 {
				rows[r] |= 1 << uint(c)
			}
		}
	}
	return rows
}

// packFields lays n values of w bits end to end, value 0 lowest.
func packFields(vals []int, w int) []uint64 {
	words := make([]uint64, (len(vals)*w+63)/64)
	for k, v := range vals {
		for b := range w {
			if v>>uint(b)&1 == 1 {
				p := k*w + b
				words[p/64] |= 1 << uint(p%64)
			}
		}
	}
	return words
}

// oneHotRows packs per-row indices (−1: none) as a flat one-hot matrix.
func oneHotRows(idx []int, nc int) []uint64 {
	words := make([]uint64, (len(idx)*nc+63)/64)
	for r, c := range idx {
		if c >= 0 {
			p := r*nc + c
			words[p/64] |= 1 << uint(p%64)
		}
	}
	return words
}

// ISLIPGolden is model/fabric.ISLIP as a tb engine for the module
// gen/fabric.ISLIP(cfg) generates: each cycle it schedules req (and eop)
// and writes the match and the pointer and hold state the registers hold
// after the slot's clock edge — as the hardware outputs show them one
// cycle later, so the engine reports the state from before the call. A
// cycle with rst high resets the model after the slot, as the hardware's
// synchronous reset does. With cfg.Pipelined the match output is the
// decision of the cycle before (none after reset), as the hardware's match
// register holds it.
func ISLIPGolden(cfg gfabric.ISLIPConfig) tb.Func {
	return tb.Func{Label: "model", New: func(d tb.Design) (tb.StepFunc, error) {
		ni, no, it := cfg.Inputs, cfg.Outputs, cfg.Iterations
		if it == 0 {
			it = min(mfabric.DefaultIterations(max(ni, no)), ni, no)
		}
		model, err := mfabric.NewISLIP(ni, no, it, cfg.PacketMode)
		if err != nil {
			return nil, err
		}
		in, out := portIndex(d.Inputs()), portIndex(d.Outputs())
		cols := map[string]int{}
		names := []string{"rst", "req", "match", "gptr", "aptr"}
		if cfg.PacketMode {
			names = append(names, "eop", "hold")
		}
		for _, n := range names {
			idx := out
			if n == "rst" || n == "req" || n == "eop" {
				idx = in
			}
			if cols[n], err = column(idx, n); err != nil {
				return nil, err
			}
		}
		wi, wo := gfabric.IndexWidth(ni), gfabric.IndexWidth(no)
		var prev []int // pipelined: last cycle's decision
		return func(inRow, outRow tb.Row) error {
			st := model.State()
			outRow.SetWords(cols["gptr"], packFields(st.Grant, wi))
			outRow.SetWords(cols["aptr"], packFields(st.Accept, wo))
			if cfg.PacketMode {
				outRow.SetWords(cols["hold"], oneHotRows(st.Hold, no))
			}
			req := matrixRows(inRow.Words(cols["req"]), ni, no)
			var eop []uint64
			if cfg.PacketMode {
				eop = matrixRows(inRow.Words(cols["eop"]), ni, no)
			}
			match, err := model.Schedule(req, eop)
			if err != nil {
				return err
			}
			if cfg.Pipelined {
				if prev != nil {
					outRow.SetWords(cols["match"], oneHotRows(prev, no))
				}
				prev = match
			} else {
				outRow.SetWords(cols["match"], oneHotRows(match, no))
			}
			if inRow.Bool(cols["rst"]) {
				model, err = mfabric.NewISLIP(ni, no, it, cfg.PacketMode)
				prev = nil
			}
			return err
		}, nil
	}}
}

// payload is one queued cell's data as the shadow queues keep it.
type payload struct {
	data []uint64
	last bool
}

// CrossbarGolden is model/fabric.VOQ (with its ISLIP scheduler) as a tb
// engine for the module gen/fabric.Crossbar(cfg) generates, cfg with its
// defaults filled (Iterations non-zero).
//
// Hardware cycle t corresponds to model slot t: the cells the hardware
// accepted in cycle t−1 arrive (Arrive), then Step runs with the egress
// ready mask of cycle t and its departures are the outputs of cycle t.
// That is the crossbar's documented latency: the model's plus one cycle.
// The engine keeps each VOQ's payloads and occupancy beside the model (which
// carries no data) so it can drive data, last and in<i>_ready: ready is
// "VOQ(i, dest) held fewer than Depth cells at the start of the cycle",
// and a dest beyond the outputs is taken and dropped. With cfg.Pipelined
// the model is mfabric.NewPipelinedVOQ, whose slot contract is the
// pipelined crossbar's.
func CrossbarGolden(cfg gfabric.CrossbarConfig) tb.Func {
	return tb.Func{Label: "model", New: func(d tb.Design) (tb.StepFunc, error) {
		ni, no, depth := cfg.Inputs, cfg.Outputs, cfg.Depth
		if ni != no {
			return nil, fmt.Errorf("fabric: the VOQ model is square; crossbar is %d×%d", ni, no)
		}
		if cfg.Iterations == 0 {
			return nil, fmt.Errorf("fabric: CrossbarGolden needs the crossbar's iteration count")
		}
		newModel := func() (*mfabric.VOQ, error) {
			if cfg.Pipelined {
				return mfabric.NewPipelinedVOQ(ni, cfg.Iterations)
			}
			return mfabric.NewVOQ(ni, cfg.Iterations, cfg.PacketMode)
		}
		model, err := newModel()
		if err != nil {
			return nil, err
		}
		in, out := portIndex(d.Inputs()), portIndex(d.Outputs())
		type inCols struct{ valid, data, dest, last, ready int }
		type outCols struct{ valid, data, last, ready int }
		ic := make([]inCols, ni)
		oc := make([]outCols, no)
		for i := range ni {
			c := &ic[i]
			for _, f := range []struct {
				p   *int
				idx map[string]int
				sig string
			}{{&c.valid, in, "valid"}, {&c.data, in, "data"}, {&c.dest, in, "dest"}, {&c.last, in, "last"}, {&c.ready, out, "ready"}} {
				if *f.p, err = column(f.idx, gfabric.InPort(i, f.sig)); err != nil {
					return nil, err
				}
			}
		}
		for j := range no {
			c := &oc[j]
			for _, f := range []struct {
				p   *int
				idx map[string]int
				sig string
			}{{&c.valid, out, "valid"}, {&c.data, out, "data"}, {&c.last, out, "last"}, {&c.ready, in, "ready"}} {
				if *f.p, err = column(f.idx, gfabric.OutPort(j, f.sig)); err != nil {
					return nil, err
				}
			}
		}
		rst, err := column(in, "rst")
		if err != nil {
			return nil, err
		}
		queues := make([][]payload, ni*no)
		var pending []mfabric.Cell
		var pendingData []payload
		var cells []mfabric.Cell
		slot := int64(0)
		return func(inRow, outRow tb.Row) error {
			for k, c := range pending {
				if err := model.Arrive(c); err != nil {
					return err
				}
				q := &queues[c.Input*no+c.Output]
				*q = append(*q, pendingData[k])
			}
			pending, pendingData = pending[:0], pendingData[:0]
			var ready uint64
			for j := range no {
				if inRow.Bool(oc[j].ready) {
					ready |= 1 << uint(j)
				}
			}
			// Ready and acceptance use the occupancy before this slot's
			// departures.
			for i := range ni {
				dest := int(inRow.Uint64(ic[i].dest))
				ok := dest >= no || len(queues[i*no+dest]) < depth
				if ok {
					outRow.Set(ic[i].ready, 1)
				}
				if ok && dest < no && inRow.Bool(ic[i].valid) {
					pending = append(pending, mfabric.Cell{Input: i, Output: dest, Last: inRow.Bool(ic[i].last), Arrival: slot})
					pendingData = append(pendingData, payload{data: append([]uint64(nil), inRow.Words(ic[i].data)...), last: inRow.Bool(ic[i].last)})
				}
			}
			cells = model.Step(slot, ready, cells[:0])
			for _, c := range cells {
				q := &queues[c.Input*no+c.Output]
				if len(*q) == 0 {
					return fmt.Errorf("fabric: golden model: slot %d: VOQ(%d, %d) sent a cell it does not hold", slot, c.Input, c.Output)
				}
				p := (*q)[0]
				*q = (*q)[1:]
				outRow.Set(oc[c.Output].valid, 1)
				outRow.SetWords(oc[c.Output].data, p.data)
				if p.last {
					outRow.Set(oc[c.Output].last, 1)
				}
			}
			slot++
			if inRow.Bool(rst) {
				if model, err = newModel(); err != nil {
					return err
				}
				for k := range queues {
					queues[k] = nil
				}
				pending, pendingData = pending[:0], pendingData[:0]
			}
			return nil
		}, nil
	}}
}
