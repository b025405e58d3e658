package fabric

import (
	"fmt"
	"math/bits"
)

// MaxPorts is the largest number of inputs or outputs a scheduler or fabric
// model handles: request rows are uint64 bitmasks.
const MaxPorts = 64

// ISLIP is the iSLIP crossbar scheduler of McKeown, "The iSLIP Scheduling
// Algorithm for Input-Queued Switches", IEEE/ACM ToN 7(2), 1999, for an
// inputs × outputs crossbar (rectangular allowed: the Clos stages are n×m,
// r×r and m×n). It is deterministic: the same request sequence from the same
// state gives the same matches and the same pointers, which is what the
// hardware scheduler is checked against.
//
// One call of [ISLIP.Schedule] is one slot. Each iteration has three steps
// and involves only the inputs and outputs still unmatched in this slot:
//
//  1. Request: every unmatched input requests every unmatched output whose
//     bit is set in its request row.
//  2. Grant: every unmatched output that has requests grants the requesting
//     input that comes first in round-robin order starting at its grant
//     pointer g[j]: the lowest requesting input index >= g[j], and if there
//     is none, the lowest requesting input index (wrap-around).
//  3. Accept: every input that received grants accepts the granting output
//     that comes first in round-robin order starting at its accept pointer
//     a[i], with the same rule (lowest index >= a[i], else lowest index).
//     The accepted pair is matched.
//
// Pointer update: only in the first iteration, and only for accepted
// grants, a[i] becomes (accepted output + 1) mod outputs and g[j] becomes
// (accepted input + 1) mod inputs. Grants that are not accepted, and matches
// made in later iterations, leave the pointers alone; this is what makes the
// pointers desynchronize and gives 100% throughput under uniform Bernoulli
// traffic. Iterations stop early when an iteration makes no new match
// (later ones could not either).
//
// Packet mode (NewISLIP with packetMode true): when a pair (i, j) is matched
// and the cell at the head of VOQ(i, j) is not the last cell of its packet
// (its bit in eop is clear), the pair is held: in the following slots input i
// and output j take no part in request/grant/accept, and the pair is matched
// directly whenever req[i] has bit j set. The hold is released in the slot in
// which a cell of the pair with its eop bit set is transferred (the packet's
// last cell leaves). A held pair whose bit is absent from req (next cell not
// yet arrived, or output not ready) stays held and transfers nothing in that
// slot. Held pairs never move pointers.
type ISLIP struct {
	inputs, outputs int
	iterations      int
	packetMode      bool

	grant  []int // g[j]: grant pointer of output j, an input index
	accept []int // a[i]: accept pointer of input i, an output index
	hold   []int // packet mode: output held by input i, or -1

	reqRow, cols, grants [MaxPorts]uint64
}

// ISLIPState is a snapshot of an [ISLIP] scheduler's registers, the state a
// hardware implementation must match after every slot.
type ISLIPState struct {
	Grant  []int // grant pointer per output (an input index)
	Accept []int // accept pointer per input (an output index)
	Hold   []int // packet mode: output held by each input, -1 for none
}

// NewISLIP returns an iSLIP scheduler for an inputs × outputs crossbar that
// runs the given number of iterations per slot. Iterations must lie in
// 1..min(inputs, outputs): iSLIP reaches a maximal match in at most that many
// iterations, and about log2 N suffice on average. All pointers start at 0.
func NewISLIP(inputs, outputs, iterations int, packetMode bool) (*ISLIP, error) {
	if inputs < 1 || inputs > MaxPorts {
		return nil, fmt.Errorf("fabric: iSLIP inputs %d out of range 1..%d", inputs, MaxPorts)
	}
	if outputs < 1 || outputs > MaxPorts {
		return nil, fmt.Errorf("fabric: iSLIP outputs %d out of range 1..%d", outputs, MaxPorts)
	}
	if most := min(inputs, outputs); iterations < 1 || iterations > most {
		return nil, fmt.Errorf("fabric: iSLIP iterations %d out of range 1..%d for a %d×%d crossbar", iterations, most, inputs, outputs)
	}
	s := &ISLIP{
		inputs:     inputs,
		outputs:    outputs,
		iterations: iterations,
		packetMode: packetMode,
		grant:      make([]int, outputs),
		accept:     make([]int, inputs),
		hold:       make([]int, inputs),
	}
	for i := range s.hold {
		s.hold[i] = -1
	}
	return s, nil
}

// DefaultIterations is ceil(log2 n), at least 1: the iteration count McKeown
// recommends for an n-port iSLIP scheduler.
func DefaultIterations(n int) int {
	if n <= 2 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

// Inputs returns the number of crossbar inputs.
func (s *ISLIP) Inputs() int { return s.inputs }

// Outputs returns the number of crossbar outputs.
func (s *ISLIP) Outputs() int { return s.outputs }

// Iterations returns the number of iterations per slot.
func (s *ISLIP) Iterations() int { return s.iterations }

// PacketMode reports whether matched pairs are held for whole packets.
func (s *ISLIP) PacketMode() bool { return s.packetMode }

// State returns a copy of the scheduler's pointers and holds.
func (s *ISLIP) State() ISLIPState {
	return ISLIPState{
		Grant:  append([]int(nil), s.grant...),
		Accept: append([]int(nil), s.accept...),
		Hold:   append([]int(nil), s.hold...),
	}
}

// SetState loads pointers and holds, so a check can start the model from
// the state a hardware trace is in. Every slice must have the right length
// and every value must be in range (hold -1 or an output; no output held by
// two inputs).
func (s *ISLIP) SetState(st ISLIPState) error {
	if len(st.Grant) != s.outputs || len(st.Accept) != s.inputs || len(st.Hold) != s.inputs {
		return fmt.Errorf("fabric: iSLIP state has %d grant, %d accept, %d hold pointers; want %d, %d, %d",
			len(st.Grant), len(st.Accept), len(st.Hold), s.outputs, s.inputs, s.inputs)
	}
	for j, g := range st.Grant {
		if g < 0 || g >= s.inputs {
			return fmt.Errorf("fabric: iSLIP grant pointer of output %d is %d, want 0..%d", j, g, s.inputs-1)
		}
	}
	var held uint64
	for i, a := range st.Accept {
		if a < 0 || a >= s.outputs {
			return fmt.Errorf("fabric: iSLIP accept pointer of input %d is %d, want 0..%d", i, a, s.outputs-1)
		}
		h := st.Hold[i]
		if h < -1 || h >= s.outputs || (h >= 0 && !s.packetMode) {
			return fmt.Errorf("fabric: iSLIP hold of input %d is %d, want -1 or (packet mode) 0..%d", i, h, s.outputs-1)
		}
		if h >= 0 {
			if held&(1<<h) != 0 {
				return fmt.Errorf("fabric: iSLIP output %d held by two inputs", h)
			}
			held |= 1 << h
		}
	}
	copy(s.grant, st.Grant)
	copy(s.accept, st.Accept)
	copy(s.hold, st.Hold)
	return nil
}

// Schedule runs one slot and returns the match: match[i] is the output
// input i sends to, or -1. See [ISLIP.ScheduleInto].
func (s *ISLIP) Schedule(req, eop []uint64) ([]int, error) {
	match := make([]int, s.inputs)
	if err := s.ScheduleInto(match, req, eop); err != nil {
		return nil, err
	}
	return match, nil
}

// ScheduleInto runs one slot of iSLIP and writes the match into match
// (len inputs): match[i] is the output matched to input i, or -1.
//
// req[i] (len inputs) has bit j set when VOQ(i, j) holds a cell that may be
// sent this slot (the caller clears the bits of outputs that are not ready).
// eop is used only in packet mode: eop[i] bit j set means the head cell of
// VOQ(i, j) is the last cell of its packet. eop may be nil in cell mode; in
// packet mode nil means every cell is a whole packet.
func (s *ISLIP) ScheduleInto(match []int, req, eop []uint64) error {
	if len(match) != s.inputs {
		return fmt.Errorf("fabric: iSLIP match has length %d, want %d inputs", len(match), s.inputs)
	}
	if len(req) != s.inputs {
		return fmt.Errorf("fabric: iSLIP request matrix has %d rows, want %d inputs", len(req), s.inputs)
	}
	if eop != nil && len(eop) != s.inputs {
		return fmt.Errorf("fabric: iSLIP end-of-packet matrix has %d rows, want %d inputs", len(eop), s.inputs)
	}
	outAll := lowMask(s.outputs)
	for i, r := range req {
		if r&^outAll != 0 {
			return fmt.Errorf("fabric: iSLIP request row %d = %#x names outputs beyond %d", i, r, s.outputs-1)
		}
	}
	s.schedule(match, req, eop)
	return nil
}

// schedule is ScheduleInto on arguments known to be well formed.
func (s *ISLIP) schedule(match []int, req, eop []uint64) {
	outAll := lowMask(s.outputs)
	inFree := lowMask(s.inputs)
	outFree := outAll
	for i := range match {
		match[i] = -1
	}
	if s.packetMode {
		for i, j := range s.hold {
			if j < 0 {
				continue
			}
			inFree &^= 1 << i
			outFree &^= 1 << j
			if req[i]&(1<<j) != 0 {
				match[i] = j
			}
		}
	}

	// Request: column j collects the inputs requesting output j. Inputs and
	// outputs matched in earlier iterations are masked out per iteration.
	cols := &s.cols
	for j := range s.outputs {
		cols[j] = 0
	}
	for in := inFree; in != 0; in &= in - 1 {
		i := bits.TrailingZeros64(in)
		for r := req[i] & outFree; r != 0; r &= r - 1 {
			cols[bits.TrailingZeros64(r)] |= 1 << i
		}
	}
	for it := 0; it < s.iterations; it++ {
		// Grant.
		grants := &s.grants
		for i := range s.inputs {
			grants[i] = 0
		}
		granted := false
		for out := outFree; out != 0; out &= out - 1 {
			j := bits.TrailingZeros64(out)
			c := cols[j] & inFree
			if c == 0 {
				continue
			}
			i := roundRobin(c, s.grant[j])
			grants[i] |= 1 << j
			granted = true
		}
		if !granted {
			break
		}
		// Accept.
		for in := inFree; in != 0; in &= in - 1 {
			i := bits.TrailingZeros64(in)
			if grants[i] == 0 {
				continue
			}
			j := roundRobin(grants[i], s.accept[i])
			match[i] = j
			inFree &^= 1 << i
			outFree &^= 1 << j
			if it == 0 {
				s.accept[i] = (j + 1) % s.outputs
				s.grant[j] = (i + 1) % s.inputs
			}
		}
	}

	if s.packetMode {
		for i, j := range match {
			if j < 0 {
				continue
			}
			last := eop == nil || eop[i]&(1<<j) != 0
			if last {
				s.hold[i] = -1
			} else {
				s.hold[i] = j
			}
		}
	}
}

// roundRobin picks from a non-empty mask the first set bit at or after
// position ptr, wrapping to the lowest set bit: a programmable priority
// encoder, as the hardware builds it.
func roundRobin(mask uint64, ptr int) int {
	if hi := mask >> uint(ptr) << uint(ptr); hi != 0 {
		return bits.TrailingZeros64(hi)
	}
	return bits.TrailingZeros64(mask)
}

// lowMask returns a mask with the n low bits set (n <= 64).
func lowMask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(n) - 1
}
