package fabric

import (
	"fmt"
	"math/bits"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// Generator is the name recorded in the header of every emitted module.
const Generator = "gen/fabric"

// MaxPorts bounds the inputs and outputs of one scheduler or crossbar: the
// golden model keeps request rows in uint64 words, and beyond it the
// unrolled single-cycle scheduler stops being a sensible circuit.
const MaxPorts = 64

// ISLIPConfig sizes an iSLIP scheduler.
type ISLIPConfig struct {
	Inputs  int // crossbar inputs, 1..MaxPorts
	Outputs int // crossbar outputs, 1..MaxPorts
	// Iterations per slot, 1..min(Inputs, Outputs); 0 means
	// model/fabric.DefaultIterations(max(Inputs, Outputs)) capped at the
	// minimum, as the model's Clos stages do.
	Iterations int
	// PacketMode holds a matched pair until the cell marked end-of-packet
	// has crossed (see model/fabric.ISLIP).
	PacketMode bool
	// Pipelined registers the match: the decision made in cycle t from
	// the requests of cycle t appears on match in cycle t+1 (the register
	// match<i> per input, cleared by rst). The scheduler's loop then
	// closes on its own registers instead of running through whatever
	// the match drives (VOQ read, counters). Decisions are those of the
	// unpipelined scheduler, one cycle later; pointers still move at the
	// clock edge of the decision. Cell mode only: in packet mode the
	// hold decision needs the end-of-packet bit of the cell the match
	// will send, which is not yet at the head of its VOQ. Default off.
	Pipelined bool
}

// withDefaults checks c and fills Iterations.
func (c ISLIPConfig) withDefaults() (ISLIPConfig, error) {
	if c.Inputs < 1 || c.Inputs > MaxPorts {
		return c, fmt.Errorf("fabric: iSLIP inputs %d out of range 1..%d", c.Inputs, MaxPorts)
	}
	if c.Outputs < 1 || c.Outputs > MaxPorts {
		return c, fmt.Errorf("fabric: iSLIP outputs %d out of range 1..%d", c.Outputs, MaxPorts)
	}
	most := min(c.Inputs, c.Outputs)
	if c.Iterations == 0 {
		c.Iterations = min(defaultIterations(max(c.Inputs, c.Outputs)), most)
	}
	if c.Iterations < 1 || c.Iterations > most {
		return c, fmt.Errorf("fabric: iSLIP iterations %d out of range 1..%d for a %d×%d crossbar", c.Iterations, most, c.Inputs, c.Outputs)
	}
	if c.Pipelined && c.PacketMode {
		return c, fmt.Errorf("fabric: the pipelined iSLIP scheduler runs in cell mode only (packet mode needs the end-of-packet bit of a cell not yet at its VOQ's head)")
	}
	return c, nil
}

// defaultIterations is ceil(log2 n), at least 1 (McKeown's recommendation,
// the same rule as model/fabric.DefaultIterations).
func defaultIterations(n int) int {
	if n <= 2 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

// IndexWidth is the width of a register holding an index 0..n−1 (at least 1
// bit): the width of the pointers and of the crossbar's dest ports.
func IndexWidth(n int) int {
	if n <= 2 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

// ISLIP generates the iSLIP scheduler cfg describes, a module named
// islip_i<inputs>_o<outputs>_it<iterations>_p<0|1> with ports
//
//	req   in  inputs×outputs  request matrix (row i: outputs input i has a cell for, and that are ready)
//	eop   in  inputs×outputs  packet mode only: head cell of VOQ(i, j) ends its packet
//	match out inputs×outputs  this slot's match, at most one bit per row and per column
//	gptr  out outputs×IndexWidth(inputs)  grant pointers, output j at bits [j·w+w−1 : j·w]
//	aptr  out inputs×IndexWidth(outputs)  accept pointers, input i likewise
//	hold  out inputs×outputs  packet mode only: held pairs, one-hot rows
//
// match is combinational from req, eop and the registers (with Pipelined,
// it is the register of the previous cycle's decision); the registers
// take their next values on every clock edge (one slot per cycle) and rst
// clears them (all pointers 0, no holds), the model's initial state. The
// pointer and hold outputs expose the state so traces can be compared with
// model/fabric.ISLIP.State after every slot.
func ISLIP(cfg ISLIPConfig) (*hdl.Module, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	pkt := 0
	if cfg.PacketMode {
		pkt = 1
	}
	params := []hdl.Param{hdl.P("i", cfg.Inputs), hdl.P("o", cfg.Outputs), hdl.P("it", cfg.Iterations), hdl.P("p", pkt)}
	if cfg.Pipelined {
		// Only the new option adds to the name, so the modules at the
		// defaults keep theirs.
		params = append(params, hdl.P("pl", 1))
	}
	m := hdl.NewGenerated(Generator, "islip", params...)
	ni, no := cfg.Inputs, cfg.Outputs
	req := m.Input("req", ni*no)
	var eop *hdl.Signal
	if cfg.PacketMode {
		eop = m.Input("eop", ni*no)
	}
	s := buildISLIP(m, cfg, rows(req, ni, no), rowsOrNil(eop, ni, no), matchRegs(m, cfg))
	m.Output("match", ni*no).Drive(joinRows(s.match))
	m.Output("gptr", no*IndexWidth(ni)).Drive(joinRows(s.gptr))
	m.Output("aptr", ni*IndexWidth(no)).Drive(joinRows(s.aptr))
	if cfg.PacketMode {
		m.Output("hold", ni*no).Drive(joinRows(s.hold))
	}
	return m, nil
}

// islipLogic is the scheduler built inside a module: the match rows and the
// state registers (as values, for exposing them).
type islipLogic struct {
	match []hdl.Value // per input, one-hot (or zero) row of outputs
	gptr  []hdl.Value // per output, grant pointer
	aptr  []hdl.Value // per input, accept pointer
	hold  []hdl.Value // per input, held output one-hot (packet mode)
}

// matchRegs returns the match registers of a pipelined scheduler, one row
// of outputs bits per input (match<i>), or nil when cfg is not pipelined.
// They are made before the scheduler so a crossbar can read them in its
// request logic (a cell granted but not yet sent is not requested again).
func matchRegs(m *hdl.Module, cfg ISLIPConfig) []*hdl.Signal {
	if !cfg.Pipelined {
		return nil
	}
	r := make([]*hdl.Signal, cfg.Inputs)
	for i := range r {
		r[i] = m.Reg(fmt.Sprintf("match%d", i), cfg.Outputs)
	}
	return r
}

// buildISLIP adds the scheduler's registers and logic to m. req and eop are
// rows of outputs bits (eop nil in cell mode). matchQ are the match
// registers of a pipelined scheduler (from matchRegs), nil otherwise: the
// decision is then clocked into them and they are the match.
func buildISLIP(m *hdl.Module, cfg ISLIPConfig, req, eop []hdl.Value, matchQ []*hdl.Signal) islipLogic {
	ni, no := cfg.Inputs, cfg.Outputs
	var out islipLogic
	// Pointers are kept as thermometer masks (bit k set for k >= pointer):
	// the round-robin pick needs exactly that mask, so no decoder sits on
	// the critical path, and the update from a one-hot partner is a
	// prefix OR. Binary pointers are decoded only for observation.
	gmask := make([]*hdl.Signal, no)
	for j := range gmask {
		gmask[j] = m.Reg(fmt.Sprintf("gmask%d", j), ni, hdl.Reset(lowMask(ni)))
		out.gptr = append(out.gptr, encode(lowestBit(gmask[j], ni), ni))
	}
	amask := make([]*hdl.Signal, ni)
	for i := range amask {
		amask[i] = m.Reg(fmt.Sprintf("amask%d", i), no, hdl.Reset(lowMask(no)))
		out.aptr = append(out.aptr, encode(lowestBit(amask[i], no), no))
	}
	// Free inputs and outputs, and the matches held from earlier slots.
	zeroRow := hdl.Const(0, no)
	inFree := make([]hdl.Value, ni) // 1 bit each
	outFree := hdl.Value(hdl.Const(lowMask(no), no))
	held := make([]hdl.Value, ni)
	var hold, inHeld []*hdl.Signal
	var outHeld *hdl.Signal
	if cfg.PacketMode {
		// Besides the hold matrix, one flag per input and a mask of
		// outputs say who is held: the same information, registered, so
		// the row and column ORs sit at the end of the previous cycle and
		// not at the start of the arbiters.
		outHeld = m.Reg("outheld", no)
		for i := range ni {
			h := m.Reg(fmt.Sprintf("hold%d", i), no)
			hold = append(hold, h)
			out.hold = append(out.hold, h)
			inHeld = append(inHeld, m.Reg(fmt.Sprintf("inheld%d", i), 1))
			inFree[i] = hdl.Not(inHeld[i])
			held[i] = hdl.And(h, req[i])
		}
		outFree = hdl.Not(outHeld)
	} else {
		for i := range ni {
			inFree[i] = hdl.Const(1, 1)
			held[i] = zeroRow
		}
	}

	// The iterations are built so that the chain from one iteration to the
	// next is as short as the algorithm allows. An input that is free and
	// receives any grant accepts one of them, so it leaves the free set by
	// the OR of its grant row, without waiting for its accept arbiter. An
	// output leaves the free set when its grant is accepted, but that only
	// matters as a final mask on its next grant: masking a whole request
	// column with the output's free bit and masking the round-robin pick
	// with it are the same function. So iteration k+1's round robin starts
	// one OR level after iteration k's grants, and its accept arbiters run
	// in parallel with the next grant. Decisions are those of the plain
	// formulation (request, grant, accept over the free ports).
	matched := make([]hdl.Value, ni)
	copy(matched, held)
	outFreeBits := make([]hdl.Value, no) // 1 bit each
	for j := range no {
		outFreeBits[j] = hdl.Bit(outFree, j)
	}
	cols := transpose(req, ni, no)
	for it := range cfg.Iterations {
		inFreeCol := hdl.Concat(reverse(inFree)...) // bit i: input i free
		// Grant: each free output picks among the free inputs requesting it.
		grantCols := make([]hdl.Value, no)
		for j := range no {
			g := roundRobin(hdl.And(cols[j], inFreeCol), gmask[j], ni)
			grantCols[j] = hdl.And(g, hdl.Repl(outFreeBits[j], ni))
		}
		grantRows := transpose(grantCols, no, ni)
		// Accept: each input picks among the outputs granting it.
		acc := make([]hdl.Value, ni)
		for i := range ni {
			acc[i] = roundRobin(grantRows[i], amask[i], no)
			matched[i] = hdl.Or(matched[i], acc[i])
		}
		accCols := transpose(acc, ni, no)
		if it == 0 {
			// Pointers move one past the partner, for accepted grants of
			// the first iteration only.
			for i := range ni {
				amask[i].NextIf(hdl.OrR(acc[i]), pastMask(acc[i], no))
			}
			for j := range no {
				gmask[j].NextIf(hdl.OrR(accCols[j]), pastMask(accCols[j], ni))
			}
		}
		if it+1 < cfg.Iterations {
			for i := range ni {
				inFree[i] = hdl.And(inFree[i], hdl.Not(hdl.OrR(grantRows[i])))
			}
			for j := range no {
				outFreeBits[j] = hdl.And(outFreeBits[j], hdl.Not(hdl.OrR(accCols[j])))
			}
		}
	}
	out.match = matched
	if matchQ != nil {
		for i := range ni {
			matchQ[i].Next(matched[i])
			out.match[i] = matchQ[i]
		}
	}
	if cfg.PacketMode {
		var heldOut hdl.Value = zeroRow
		for i := range ni {
			// A transferred pair stays held unless its cell ended the
			// packet; an idle held pair keeps its hold. Bit by bit: a
			// held input can only be matched to its held output, and a
			// free input has no hold bit set, so no OR across the row is
			// needed (it would sit at the end of the longest path).
			next := hdl.Or(hdl.And(matched[i], hdl.Not(eop[i])), hdl.And(hold[i], hdl.Not(matched[i])))
			hold[i].Next(next)
			inHeld[i].Next(hdl.OrR(next))
			heldOut = hdl.Or(heldOut, next)
		}
		outHeld.Next(heldOut)
	}
	return out
}

// roundRobin is a programmable priority encoder: the one-hot lowest set bit
// of mask at or above the pointer, else the lowest set bit (0 when mask is
// 0). It is the model's roundRobin. ge is the pointer as a thermometer mask
// (bits at or above the pointer set). The pick is the lowest set bit of
// the double-width vector {mask, mask & ge}, folded back to n bits: a
// log-depth prefix OR, no select mux. (An isolation by d & ~(d − 1) on the
// carry chain maps to fewer LUTs but measured slower on iCE40 at 4×4 and
// 8×8: entering and leaving the chain costs more than the LUT levels it
// saves.)
func roundRobin(mask, ge hdl.Value, n int) hdl.Value {
	if n == 1 {
		return mask
	}
	d := lowestBit(hdl.Concat(mask, hdl.And(mask, ge)), 2*n)
	return hdl.Or(hdl.Slice(d, 2*n-1, n), hdl.Slice(d, n-1, 0))
}

// prefixOr sets bit k when any bit 0..k of x is set (Kogge–Stone, log2 n
// levels of ORs).
func prefixOr(x hdl.Value, n int) hdl.Value {
	for s := 1; s < n; s *= 2 {
		x = hdl.Or(x, hdl.Shl(x, s))
	}
	return x
}

// lowestBit isolates the lowest set bit of x (0 when x is 0).
func lowestBit(x hdl.Value, n int) hdl.Value {
	if n == 1 {
		return x
	}
	return hdl.And(x, hdl.Not(hdl.Shl(prefixOr(x, n), 1)))
}

// pastMask is the thermometer mask of the pointer one past the position of
// the one-hot value a, wrapping to 0 (all ones) after the last position.
func pastMask(a hdl.Value, n int) hdl.Value {
	if n == 1 {
		return hdl.Const(1, 1)
	}
	return hdl.Mux(hdl.Bit(a, n-1), hdl.Const(lowMask(n), n), hdl.Shl(prefixOr(a, n), 1))
}

// encode turns a one-hot value of n bits into its index (0 for zero).
func encode(onehot hdl.Value, n int) hdl.Value {
	w := IndexWidth(n)
	if n == 1 {
		return hdl.Const(0, w)
	}
	parts := make([]hdl.Value, w)
	for b := range w {
		var sel []hdl.Value
		for k := range n {
			if k>>b&1 == 1 {
				sel = append(sel, hdl.Bit(onehot, k))
			}
		}
		parts[w-1-b] = hdl.OrR(hdl.Concat(sel...))
	}
	return hdl.Concat(parts...)
}

// incMod is (x+1) mod n for an index register.
func incMod(x hdl.Value, n int) hdl.Value {
	w := x.Width()
	if n == 1 {
		return hdl.Const(0, w)
	}
	return hdl.Mux(hdl.Eq(x, hdl.Const(uint64(n-1), w)), hdl.Const(0, w), hdl.Add(x, hdl.Const(1, w)))
}

// transpose turns nr rows of nc bits into nc rows of nr bits.
func transpose(rows []hdl.Value, nr, nc int) []hdl.Value {
	out := make([]hdl.Value, nc)
	for c := range nc {
		parts := make([]hdl.Value, nr)
		for r := range nr {
			parts[nr-1-r] = hdl.Bit(rows[r], c)
		}
		out[c] = hdl.Concat(parts...)
	}
	return out
}

// reverse returns the bits of a row, index 0 first, in Concat order (most
// significant first).
func reverse(v []hdl.Value) []hdl.Value {
	out := make([]hdl.Value, len(v))
	for k, b := range v {
		out[len(v)-1-k] = b
	}
	return out
}

// rows splits a flat matrix port into n rows of w bits, row 0 lowest.
func rows(v hdl.Value, n, w int) []hdl.Value {
	out := make([]hdl.Value, n)
	for i := range n {
		out[i] = hdl.Slice(v, i*w+w-1, i*w)
	}
	return out
}

func rowsOrNil(s *hdl.Signal, n, w int) []hdl.Value {
	if s == nil {
		return nil
	}
	return rows(s, n, w)
}

// joinRows lays rows end to end, row 0 lowest.
func joinRows(r []hdl.Value) hdl.Value {
	parts := make([]hdl.Value, len(r))
	for i, v := range r {
		parts[len(r)-1-i] = v
	}
	return hdl.Concat(parts...)
}

// lowMask is a mask of the n low bits (n <= 64).
func lowMask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(n) - 1
}
