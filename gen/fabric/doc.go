// Package fabric generates the switch fabric of pipeline step 6 (see
// DESIGN.md): an iSLIP crossbar scheduler, an input-queued crossbar with
// virtual output queues (VOQs) scheduled by it, and a three-stage Clos
// network assembled from instances of that crossbar.
//
// The hardware is held to the golden models of model/fabric slot for slot:
// the scheduler makes exactly the decisions of model/fabric.ISLIP (same
// tie-breaking, same first-iteration-only pointer update, same packet-mode
// holds), so a trace of either can be checked against the other.
//
// # Timing
//
// One slot is one clock cycle. By default the scheduler is combinational
// over its pointer registers: all iterations of a slot are unrolled into
// one cycle, and the match drives the VOQ reads and counters in the same
// cycle. The iteration count is the knob that trades Fmax for match size.
//
// The Pipelined option (ISLIPConfig, CrossbarConfig, ClosConfig; cell mode
// only, default off) registers the match and the egress ready the requests
// are built from: the scheduler decides in cycle t on the VOQ occupancy at
// the start of t minus the cells its previous decision already sends (so no
// VOQ is over-granted) and on out_ready of t−1; the match leaves in t+1
// where out_ready of t+1 still gates it. The scheduler's loop then runs
// from registers to registers (occupancy and match register → requests →
// iterations → match register and pointers), without the counter update
// and the egress ready input. model/fabric.NewPipelinedVOQ (and
// ClosConfig.Pipelined there) has the same contract, decision for
// decision. Depth 3 keeps one flow at full rate (one cell granted, one
// queued, one arriving).
//
// Within that rule the logic is arranged for depth: round-robin arbiters
// are a prefix OR over the doubled request vector with the pointer kept as
// a thermometer mask (no decoder, no select mux); iteration k+1 starts
// from the OR of each input's iteration-k grant row (a free input that is
// granted anything accepts) instead of waiting for the accept arbiters,
// and an output's accepted grant only masks its next grant at the end;
// in packet mode the held inputs and outputs are registered flags beside
// the hold matrix. None of this changes a decision. The loops that remain
// (occupancy → request → grant → accept → occupancy, and pointer → grant →
// accept → pointer) are the algorithm's own. docs/bench/fabric-synth.md
// has the iCE40 figures (testbenches/fabric/cmd/fabricsynth measures them).
//
// The crossbar writes an arriving cell into its VOQ on the clock edge of the
// cycle it is accepted (valid and ready high), schedules it at the earliest
// in the next cycle, and presents it on the output in the cycle it is
// scheduled, combinationally from the VOQ memory, so an output whose ready
// is low in a cycle is simply not a candidate that cycle (the model's ready
// mask). Minimum latency through a crossbar is therefore 1 cycle (accepted
// in cycle t, leaves in cycle t+1): the model's latency plus one. The Clos
// network chains three crossbars, so its minimum latency is 3 cycles.
//
// # Bit matrices
//
// Request, end-of-packet, match and hold matrices are flat ports of
// inputs×outputs bits: row i (input i) occupies bits [i·outputs+outputs−1 :
// i·outputs], bit j of a row is output j, the same layout as the model's
// []uint64 rows laid end to end.
package fabric
