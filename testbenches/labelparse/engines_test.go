package labelparse

import (
	"context"
	"math/rand/v2"
	"testing"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/label"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// engineCycles is the number of random cycles per scheme TestEngines runs.
const engineCycles = 20_000

// engineStimulus is a random stimulus for the block: rst in the first two
// cycles, a header in 7 cycles of 8 from a random ingress slot (in_from's
// whole range), and table writes of random entries to random slots in one
// cycle of 16 while traffic flows, so the read-first timing of the table
// is held to the model's.
func engineStimulus(t *testing.T, b *Bench, r *rand.Rand, cycles int) tb.Stimulus {
	t.Helper()
	cfg := b.Config
	s, err := b.Design.NewStimulus(cycles)
	if err != nil {
		t.Fatal(err)
	}
	c := colsOf(b.Design.Inputs())
	table := randomTable(cfg, r)
	for cyc := range cycles {
		if cyc < 2 {
			s.Set(cyc, c["rst"], 1)
			continue
		}
		// The first cycles load a whole table, then writes trickle in.
		if a := cyc - 2; a < cfg.Interfaces || r.IntN(16) == 0 {
			e := table[a%cfg.Interfaces]
			if a >= cfg.Interfaces {
				a = r.IntN(cfg.Interfaces)
				e = randomTable(cfg, r)[0]
			}
			w, err := cfg.Pack(e)
			if err != nil {
				t.Fatal(err)
			}
			s.Set(cyc, c["tbl_we"], 1)
			s.Set(cyc, c["tbl_addr"], uint64(a))
			s.Set(cyc, c["tbl_wdata"], w)
		}
		if r.IntN(8) != 0 {
			req := randomRequests(cfg, r, 1)[0]
			s.Set(cyc, c["in_valid"], 1)
			if err := s.SetWords(cyc, c["in_hdr"], lp.HeaderWords(req.Header)); err != nil {
				t.Fatal(err)
			}
			s.Set(cyc, c["in_from"], uint64(req.From))
		}
	}
	return s
}

// heldStimulus is a random stimulus for the held-input block, kept to its
// contract: rst and the table as in engineStimulus, then headers each held
// on the inputs from its first in_valid cycle for at least lp.Latency
// cycles, in_valid high for one to four cycles (the same header presented
// again, as the device does for a whole frame), and between headers a
// few cycles of in_valid low with other values on the inputs (the device
// collecting the next header). One header in three has a table write to
// its ingress or egress interface in one of the clocks around its table
// read. One header in 64 has a reset in one of its last clocks.
func heldStimulus(t *testing.T, b *Bench, r *rand.Rand, cycles int) tb.Stimulus {
	t.Helper()
	s := engineStimulus(t, b, r, cycles) // for rst and the table writes
	c := colsOf(b.Design.Inputs())
	set := func(cyc int, valid bool, req Request) {
		s.Set(cyc, c["in_valid"], b2u(valid))
		if err := s.SetWords(cyc, c["in_hdr"], lp.HeaderWords(req.Header)); err != nil {
			t.Fatal(err)
		}
		s.Set(cyc, c["in_from"], uint64(req.From))
	}
	// collide writes a random entry, in clock w, to the ingress or the
	// egress interface of req: in the clocks around its table read, so
	// the read-first timing is held to the model's where it matters.
	scheme := b.Config.Scheme
	if scheme == nil {
		scheme = label.V358
	}
	collide := func(w int, req Request) {
		if w < 2+b.Config.Interfaces || w >= cycles {
			return // reset and the first table load
		}
		a := uint64(req.From)
		if n, _, err := scheme.Decompress(req.Header.Label); err == nil && r.IntN(2) == 0 {
			a = uint64(n)
		}
		if a >= uint64(b.Config.Interfaces) {
			return
		}
		e, err := b.Config.Pack(randomTable(b.Config, r)[0])
		if err != nil {
			t.Fatal(err)
		}
		s.Set(w, c["tbl_we"], 1)
		s.Set(w, c["tbl_addr"], a)
		s.Set(w, c["tbl_wdata"], e)
	}
	for cyc := 0; cyc < cycles; {
		if cyc < 2 {
			set(cyc, false, Request{})
			cyc++
			continue
		}
		req := randomRequests(b.Config, r, 1)[0]
		run := 1 + r.IntN(4)
		hold := run - 1 + lp.Latency + r.IntN(3)
		if r.IntN(3) == 0 {
			collide(cyc-1+r.IntN(5), req)
		}
		for i := 0; i < hold && cyc < cycles; i++ {
			set(cyc, i < run, req)
			cyc++
		}
		if r.IntN(64) == 0 && cyc < cycles {
			// A reset while a header is in flight: the block restarts
			// (it has no table write in that clock: the model's rst
			// takes none).
			at := cyc - 1 - r.IntN(lp.Latency)
			s.Set(at, c["rst"], 1)
			s.Set(at, c["tbl_we"], 0)
		}
		for range r.IntN(4) {
			if cyc < cycles {
				set(cyc, false, randomRequests(b.Config, r, 1)[0])
				cyc++
			}
		}
	}
	return s
}

// TestEngines runs one random stimulus per scheme through the cycle-level
// model (Golden with the block's timing), the Go simulator, Icarus and
// Verilator (the non-cjdns scheme x: without Verilator), and requires
// identical per-cycle traces; for the held-input block too, with a
// stimulus that keeps its contract (Verilator for v358 and the device's
// configuration).
func TestEngines(t *testing.T) {
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		tooltest.Require(t, tool)
	}
	for _, sc := range append(schemes, heldSchemes...) {
		t.Run(sc.name, func(t *testing.T) {
			b, err := NewBench(sc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			stim := engineStimulus
			if sc.cfg.HeldInput {
				stim = heldStimulus
			}
			s := stim(t, b, rand.New(rand.NewPCG(3, uint64(len(sc.name)))), engineCycles)
			engines := []tb.Engine{b.Model(), b.GoSim(), tb.Icarus{}, tb.Verilator{}}
			if sc.name == "x" || sc.cfg.HeldInput && sc.name != "held-v358" && sc.name != "held-device" {
				// Not a cjdns scheme: Icarus suffices, and leaving out its
				// Verilator build keeps a cold-cache run near a minute.
				engines = engines[:3]
			}
			trs, err := tb.RunAll(context.Background(), b.Design, s, engines...)
			if err != nil {
				t.Fatal(err)
			}
			hops, err := HopsFromTrace(trs[0], countValid(s, b))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[lp.Result]int{}
			for _, h := range hops {
				seen[h.Result]++
			}
			// A stimulus that never reaches a result proves little.
			for _, res := range []lp.Result{lp.Forward, lp.UnknownInterface, lp.VRMismatch, lp.BadIngress, lp.ShiftOverflow} {
				if seen[res] == 0 {
					t.Errorf("no %v in %d hops", res, len(hops))
				}
			}
			t.Logf("%d hops: %v", len(hops), seen)
		})
	}
}

// countValid counts the headers of s that leave the pipeline before the
// end (not in the last lp.Latency cycles, not cut by rst in their cycle or
// the lp.Latency-1 after it).
func countValid(s tb.Stimulus, b *Bench) int {
	c := colsOf(b.Design.Inputs())
	n := 0
	for cyc := range s.Len() - lp.Latency {
		if s.Get(cyc, c["in_valid"]) == 0 {
			continue
		}
		cut := false
		for i := range lp.Latency {
			cut = cut || s.Get(cyc+i, c["rst"]) == 1
		}
		if !cut {
			n++
		}
	}
	return n
}
