package blocks

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// Benchmark design sizes: small enough that every engine builds it in
// seconds, big enough (a few thousand gates) that a simulator's per-cycle
// overhead does not dominate.
const (
	benchDataWidth = 16 // LFSR words pushed through the FIFOs
	benchSrcDepth  = 8  // per-requester source FIFO
	benchOutDepth  = 16 // shared output FIFO
	// MaxBenchRequesters bounds BenchArbiterFIFOs.
	MaxBenchRequesters = 64
)

// BenchArbiterFIFOs returns the simulator benchmark design: n requesters,
// each an LFSR feeding its own source FIFO, a round-robin arbiter moving one
// word per cycle from the non-empty source FIFOs into a shared output FIFO,
// and an LFSR deciding when the output drains. It is the shape of a switch
// port in miniature (queues, arbitration, back-pressure) and stimulates
// itself, so an engine only drives clk and rst.
//
// Ports (clk and rst implicit): run -> checksum[32], words[32].
// run = 0 freezes every register, so the design has an input besides rst
// and engines can be checked idling; benchmarks hold it at 1. checksum
// folds every word leaving the output FIFO into a rotating XOR, words
// counts them: one 64-bit pair in which any engine difference shows up.
//
// Requester i pushes its LFSR's word when two bits of it are 1 (a quarter
// of the cycles), so with n = 8 the sources offer twice what the output
// drains (half the cycles) and the FIFOs fill, back-pressure and drain
// continuously: every block is busy every cycle.
//
// Parameter: n 2..MaxBenchRequesters (the reference benchmark uses 8).
func BenchArbiterFIFOs(n int) (*hdl.Module, error) {
	if err := checkRange("bench", "n", n, 2, MaxBenchRequesters); err != nil {
		return nil, err
	}
	const w = benchDataWidth
	m := hdl.NewGenerated(generator, "bench_arbfifo", hdl.P("n", n))
	run := m.Input("run", 1)

	srcFIFO, err := FIFO(w, benchSrcDepth, benchSrcDepth-2)
	if err != nil {
		return nil, err
	}
	outFIFO, err := FIFO(w, benchOutDepth, benchOutDepth-2)
	if err != nil {
		return nil, err
	}
	arb, err := Arbiter(n, false)
	if err != nil {
		return nil, err
	}

	// Each requester gets its own seed so the sources are not in lockstep.
	reqs := make([]hdl.Value, n)
	srcs := make([]*hdl.Instance, n)
	for i := range n {
		seed := uint64(0x9e37*(i+1)) & 0xffff
		if seed == 0 {
			seed = 1
		}
		gen, err := LFSR(w, nil, Galois, seed)
		if err != nil {
			return nil, err
		}
		g := m.Instance(fmt.Sprintf("u_gen%d", i), gen).Connect("en", run)
		word := g.Out("q")
		push := hdl.And(run, hdl.Bit(word, w-1), hdl.Bit(word, w-2))
		srcs[i] = m.Instance(fmt.Sprintf("u_src%d", i), srcFIFO).
			Connect("in_valid", push).Connect("in_data", word)
		reqs[n-1-i] = srcs[i].Out("out_valid") // Concat puts the first part on top
	}
	req := m.Wire("req", n)
	req.Drive(hdl.Concat(reqs...))

	out := m.Instance("u_out", outFIFO)
	accept := m.Wire("accept", 1)
	accept.Drive(hdl.And(run, out.Out("in_ready")))
	a := m.Instance("u_arb", arb).Connect("req", req).Connect("en", accept)
	grant := a.Out("grant")

	// The granted source's word: an AND-OR multiplexer over the one-hot
	// grant, the way a crossbar column is built.
	var moved hdl.Value = hdl.Const(0, w)
	for i := range n {
		srcs[i].Connect("out_ready", hdl.And(accept, hdl.Bit(grant, i)))
		moved = hdl.Or(moved, hdl.And(srcs[i].Out("out_data"), hdl.Repl(hdl.Bit(grant, i), w)))
	}
	out.Connect("in_valid", hdl.And(accept, a.Out("grant_valid"))).Connect("in_data", moved)

	drain, err := LFSR(w, nil, Galois, 0xace1)
	if err != nil {
		return nil, err
	}
	d := m.Instance("u_drain", drain).Connect("en", run)
	pop := m.Wire("pop", 1)
	pop.Drive(hdl.And(run, hdl.Bit(d.Out("q"), 0), out.Out("out_valid")))
	out.Connect("out_ready", hdl.And(run, hdl.Bit(d.Out("q"), 0)))

	sum := m.Reg("sum", 32)
	rot := hdl.Concat(hdl.Slice(sum, 30, 0), hdl.Bit(sum, 31))
	sum.NextIf(pop, hdl.Xor(rot, hdl.ZExt(out.Out("out_data"), 32)))
	words := m.Reg("nwords", 32)
	words.NextIf(pop, hdl.Add(words, hdl.Const(1, 32)))
	m.Output("checksum", 32).Drive(sum)
	m.Output("words", 32).Drive(words)
	return m, nil
}
