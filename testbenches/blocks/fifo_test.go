package blocks

import (
	"fmt"
	"math/rand/v2"
	"testing"

	gb "github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/gen/hdl"
	mb "github.com/pktnetwork/pktrouter/model/blocks"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

func fifoBench(width, depth, af int) bench {
	return bench{
		name:   fmt.Sprintf("fifo w%d d%d af%d", width, depth, af),
		module: func() (*hdl.Module, error) { return gb.FIFO(width, depth, af) },
		stim: func(s *tb.Stimulus, r *rand.Rand) {
			phased(s, r, "in_valid")
			phased(s, r, "out_ready")
		},
		check: func(s *tb.Stimulus, tr *tb.Trace, p string) Checker {
			f := mb.NewFIFO[string](depth, af)
			rst, inV, inD, outR := s.Index("rst"), s.Index("in_valid"), s.Index("in_data"), s.Index("out_ready")
			inReady, outV, outD, count := tr.Index(p+"in_ready"), tr.Index(p+"out_valid"), tr.Index(p+"out_data"), tr.Index(p+"count")
			full, empty, afull := tr.Index(p+"full"), tr.Index(p+"empty"), tr.Index(p+"almost_full")
			return func(in, out tb.Row) error {
				w := f.Outputs()
				for _, e := range []struct {
					col  int
					want uint64
				}{{inReady, b2u(w.InReady)}, {outV, b2u(w.OutValid)}, {count, uint64(w.Count)},
					{full, b2u(w.Full)}, {empty, b2u(w.Empty)}, {afull, b2u(w.AlmostFull)}} {
					if err := expect(out, e.col, e.want); err != nil {
						return err
					}
				}
				// out_data is defined only while out_valid.
				if got := fmt.Sprint(out.Words(outD)); w.OutValid && got != w.OutData {
					return mismatch("out_data", got, w.OutData)
				}
				f.Clock(in.Bool(rst), in.Bool(inV), fmt.Sprint(in.Words(inD)), in.Bool(outR))
				return nil
			}
		},
		cover: func(t *testing.T, s *tb.Stimulus, tr *tb.Trace, p string) {
			counts := histogram(&tr.Vectors, p+"count")
			if counts[0] < 50 || counts[uint64(depth)] < 50 {
				t.Errorf("fifo d%d: empty in %d cycles, full in %d: the stimulus does not exercise both ends", depth, counts[0], counts[uint64(depth)])
			}
			if len(counts) != depth+1 {
				t.Errorf("fifo d%d: only %d of %d occupancies seen", depth, len(counts), depth+1)
			}
		},
	}
}

// TestFIFOModel checks FIFOs of several shapes against the model: depth 1
// (a single register stage), non-power-of-two depths (pointer wrap logic),
// a power of two, and a word wider than 64 bits.
func TestFIFOModel(t *testing.T) {
	for _, c := range []struct{ w, d, af int }{{8, 1, 1}, {8, 2, 1}, {12, 5, 3}, {32, 16, 12}, {100, 7, 7}, {1, 3, 2}} {
		b := fifoBench(c.w, c.d, c.af)
		t.Run(b.name, func(t *testing.T) { runModel(t, b, modelCycles, 1) })
	}
}

// TestFIFOEngines runs a non-power-of-two and a power-of-two FIFO (where
// Verilator would wrap an out-of-range address) on all three engines.
func TestFIFOEngines(t *testing.T) {
	t.Parallel()
	runEngines(t, pair(fifoBench(12, 6, 4), fifoBench(12, 8, 6)))
}

// TestFIFOBadParams checks that each bad parameter is an error naming it.
func TestFIFOBadParams(t *testing.T) {
	for _, c := range []struct {
		w, d, af int
		param    string
	}{{0, 4, 1, "width"}, {gb.MaxDataWidth + 1, 4, 1, "width"}, {8, 0, 1, "depth"}, {8, gb.MaxFIFODepth + 1, 1, "depth"},
		{8, 4, 0, "almost_full"}, {8, 4, 5, "almost_full"}} {
		if _, err := gb.FIFO(c.w, c.d, c.af); err == nil || !containsAll(err.Error(), c.param, "fifo") {
			t.Errorf("FIFO(%d, %d, %d) = %v, want an error naming %s", c.w, c.d, c.af, err, c.param)
		}
	}
}
