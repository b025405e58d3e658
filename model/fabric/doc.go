// Package fabric holds cell-level golden models of the switch fabric
// (pipeline step 6 of DESIGN.md): the reference behaviour the generated
// hardware in gen/fabric is held to, slot for slot, and the yardstick its
// throughput is measured against.
//
// # Time and cells
//
// Time advances in slots. A slot is one cell time: each input may receive at
// most one cell and each output may send at most one cell per slot. Every
// model is driven the same way, once per slot t:
//
//  1. the cells arriving in slot t are handed to [Fabric.Arrive];
//  2. [Fabric.Step] is called with t and the egress ready mask (bit j set
//     means output j can take a cell this slot); it makes the slot's
//     scheduling decisions on the state after the arrivals and returns the
//     cells that leave the fabric in slot t.
//
// A cell's latency is the slot it leaves minus the slot it arrived, so a cell
// that crosses a crossbar in its arrival slot has latency 0. Back-pressure: an
// output whose ready bit is clear takes nothing in that slot, and the
// schedulers do not count it as a candidate (no grant, no pointer movement).
//
// # Models
//
//   - [FIFO]: one FIFO per input, the head-of-line blocking baseline, with
//     random or round-robin contention among head cells bound to one output.
//   - [VOQ]: virtual output queues scheduled by [ISLIP] (cell or packet mode),
//     or with [NewPipelinedVOQ] by iSLIP one slot ahead of the transfers
//     (the contract of gen/fabric's Pipelined crossbar).
//   - [OQ]: the ideal output-queued switch (speedup N), the upper bound.
//   - [Clos]: a three-stage (m, n, r) Clos network of buffered crossbars,
//     each stage scheduled by iSLIP, with a fixed middle switch per
//     (input, output) flow so cells stay in order; ClosConfig.Pipelined
//     pipelines every stage's scheduler the same way.
//
// [ISLIP] is exported on its own because the hardware scheduler is compared
// to it decision by decision: same requests in, same match and same pointer
// state out. Request matrices are uint64 bitmasks (bit j of req[i] set means
// input i has a cell for output j), so at most 64 ports.
//
// Traffic comes from [Traffic] (Bernoulli uniform, bursty on/off, hotspot,
// diagonal), seeded and deterministic. [Measure] and [Sweep] run a model
// under a pattern and report throughput and latency.
package fabric
