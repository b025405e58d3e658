package shaper

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
	model "github.com/pktnetwork/pktrouter/model/shaper"
	"github.com/pktnetwork/pktrouter/testbenches/gosim"
	metertb "github.com/pktnetwork/pktrouter/testbenches/meter"
	"github.com/pktnetwork/pktrouter/testbenches/tb"
)

// slot1Config has room for one guarantee only, as ref4, and the
// barrier's short time scales and coarse classes of barConfig.
var slot1Config = func() genshaper.Config {
	c := barConfig
	c.BufferBytes = 200
	return c
}()

func sharedBench(t *testing.T, c genshaper.Config, ports int) *gosim.Bench {
	t.Helper()
	b, err := NewSharedBench(c, ports)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runShared compares the shared model with the Go simulator (and Icarus
// and Verilator when withTools) and returns the Go simulator's trace.
func runShared(t *testing.T, b *gosim.Bench, c genshaper.Config, ports int, s tb.Stimulus, withTools bool) tb.Trace {
	t.Helper()
	engines := []tb.Engine{SharedModel(c, ports), b.Engine()}
	if withTools {
		engines = append(engines, tb.Icarus{}, tb.Verilator{})
	}
	traces, err := tb.RunAll(context.Background(), b.Design, s, engines...)
	if err != nil {
		t.Fatal(err)
	}
	return traces[1]
}

// verdictsByPort counts each port's verdicts (refusals apart) in a trace.
func verdictsByPort(tr tb.Trace, ports int) []map[string]int {
	r := make([]map[string]int, ports)
	for q := range r {
		r[q] = map[string]int{}
	}
	vv, vp, vd, vc := tr.Index("v_valid"), tr.Index("v_port"), tr.Index("v_verdict"), tr.Index("v_cause")
	for cy := 0; cy < tr.Len(); cy++ {
		if tr.Get(cy, vv) == 0 {
			continue
		}
		q := tr.Get(cy, vp)
		switch tr.Get(cy, vd) {
		case genshaper.CodeGuaranteed:
			r[q]["guaranteed"]++
		case genshaper.CodeExcess:
			r[q]["excess"]++
		default:
			if tr.Get(cy, vc) == genshaper.CauseRefused {
				r[q]["refused"]++
			} else {
				r[q]["overflow"]++
			}
		}
	}
	return r
}

// mixedPorts is one stream per port with different guarantees, sources
// (bursts and idle gaps, every lease some time) and guarantee changes.
func mixedPorts(t *testing.T, c genshaper.Config, ports int, load float64) []Stream {
	lay, err := c.Layout()
	if err != nil {
		t.Fatal(err)
	}
	var r []Stream
	for q := 0; q < ports; q++ {
		st := Stream{Leases: make([]model.LeaseConfig, c.Leases), Reconfig: 0.004}
		for g := 1; g <= lay.Guarantees && g < c.Leases; g++ {
			st.Leases[1+(q+g-1)%(c.Leases-1)] = model.LeaseConfig{Rate: rate(t, c, 1, uint64(3*c.Leases+q)), Burst: uint32(c.MinBurst()) + uint32(q)}
		}
		for l := 0; l < c.Leases; l++ {
			st.Sources = append(st.Sources, Source{
				Lease: l, Prio: uint16((97*q + 1013*l) % (model.MaxPriority + 1)),
				Prob:   load / float64(c.Leases*int(c.MaxPacketBytes)) * 4 * float64(1+(l+q)%3) / 2,
				Period: 300 + 77*q + 31*l, On: 120 + 13*l,
			})
		}
		r = append(r, st)
	}
	return r
}

// TestSharedEqualsModel: four ports' random streams interleaved on the one
// arrival bus (bursts and idle gaps, guarantee changes), each port equal
// to its own model/shaper Port in every cycle (verdicts, causes, backlog),
// on the Go simulator, Icarus and Verilator; every port sees every verdict.
func TestSharedEqualsModel(t *testing.T) {
	for _, tt := range []struct {
		name     string
		c        genshaper.Config
		cycles   int
		reconfig float64 // guarantee changes per cycle and port
		tools    bool    // Icarus and Verilator too (one design: their builds dominate the package's time)
	}{
		// Writes in about one cycle in eight: slots allocated and freed,
		// writes colliding with takes and refills of their port; two
		// slots a port, and one (as ref4: the rate loaded early).
		{"slots2", slotsConfig, 6000, 0.03, false},
		{"slot1", slot1Config, 6000, 0.03, true},
		{"device_ref4", DeviceRef4, 12000, 0.01, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			const P = 4
			c := tt.c
			b := sharedBench(t, c, P)
			st := SharedStream{Cycles: tt.cycles, Ports: mixedPorts(t, c, P, 1.2)}
			for q := range st.Ports {
				st.Ports[q].Reconfig = tt.reconfig
			}
			s, err := GenerateShared(b, c, st, rand.New(rand.NewPCG(51, 52)))
			if err != nil {
				t.Fatal(err)
			}
			tr := runShared(t, b, c, P, s, tt.tools && requireTools(t))
			for q, v := range verdictsByPort(tr, P) {
				t.Logf("port %d: %v", q, v)
				if v["guaranteed"] == 0 || v["excess"] == 0 || v["refused"] == 0 {
					t.Errorf("port %d: stream does not exercise every verdict: %v", q, v)
				}
			}
		})
	}
}

// TestSharedShapes: other port counts (1, 2, 3, 5: port numbers that do
// not fill arr_port) and shapes (ring-sized ports whose every paid lease
// has a slot, no guarantee at all, one lease) equal the model on the Go
// simulator.
func TestSharedShapes(t *testing.T) {
	for _, tt := range []struct {
		ports, leases int
		frac, m       uint
		buffer        uint32
	}{
		{1, 8, 16, 5, 120}, {2, 4, 16, 5, 1500}, {3, 8, 24, 0, 140}, {5, 16, 12, 5, 200}, {3, 4, 16, 5, 80}, {2, 1, 16, 5, 300},
	} {
		t.Run(fmt.Sprintf("P%d_L%d_F%d_m%d_buf%d", tt.ports, tt.leases, tt.frac, tt.m, tt.buffer), func(t *testing.T) {
			c := genshaper.Config{
				Config:         model.Config{BytesPerCycle: 1, BufferBytes: tt.buffer, MaxPacketBytes: 40, Leases: tt.leases, RateFracBits: tt.frac, ClassMantissaBits: tt.m},
				MinPacketBytes: 4,
				TagBits:        10,
			}
			b := sharedBench(t, c, tt.ports)
			st := SharedStream{Cycles: 8000, Ports: mixedPorts(t, c, tt.ports, 1.5)}
			s, err := GenerateShared(b, c, st, rand.New(rand.NewPCG(uint64(tt.ports), uint64(tt.leases))))
			if err != nil {
				t.Fatal(err)
			}
			tr := runShared(t, b, c, tt.ports, s, false)
			for q, v := range verdictsByPort(tr, tt.ports) {
				if v["excess"] == 0 || v["refused"] == 0 {
					t.Errorf("port %d: stream does not exercise the verdicts: %v", q, v)
				}
			}
		})
	}
}

// TestSharedBarrierFires: the refusal-barrier directed stream on every
// port at once (slot1Config), interleaved; each port equals its model in
// every cycle (Go simulator), and the barrier refuses packets on every
// port that the thresholds alone would admit (Refusals replays the drop
// rule per port from the trace).
func TestSharedBarrierFires(t *testing.T) {
	const P = 4
	c := slot1Config
	b := sharedBench(t, c, P)
	st := SharedStream{Cycles: 16000}
	for q := 0; q < P; q++ {
		ps := barrierStream(0)
		for i := range ps.Sources {
			if ps.Sources[i].Period > 0 {
				ps.Sources[i].Period += 97 * q // the ports' bursts drift apart
			}
		}
		st.Ports = append(st.Ports, ps)
	}
	s, err := GenerateShared(b, c, st, rand.New(rand.NewPCG(61, 62)))
	if err != nil {
		t.Fatal(err)
	}
	// The Go simulator only: the three engines agree on this design in
	// TestSharedEqualsModel/slot1, and Icarus is slow on a long run.
	tr := runShared(t, b, c, P, s, false)
	for q := 0; q < P; q++ {
		p, err := model.New(c.Config, st.Ports[q].Leases, nil)
		if err != nil {
			t.Fatal(err)
		}
		thr, bar, err := RefusalsPort(p, s, tr, q)
		if err != nil {
			t.Fatalf("port %d: %v", q, err)
		}
		t.Logf("port %d: %d refusals above the threshold, %d by the barrier", q, thr, bar)
		if thr == 0 || bar < 5 {
			t.Errorf("port %d: %d threshold and %d barrier refusals, want some of both (>= 5 by the barrier)", q, thr, bar)
		}
	}
}

// TestNewSharedRejects: a port count out of range is reported as such.
func TestNewSharedRejects(t *testing.T) {
	for _, p := range []int{0, -1, genshaper.MaxPorts + 1} {
		_, err := genshaper.NewShared(DeviceRef4, p)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("ports = %d", p)) {
			t.Errorf("ports %d: got %v", p, err)
		}
	}
	bad := DeviceRef4
	bad.Leases = 6
	if _, err := genshaper.NewShared(bad, 4); err == nil || !strings.Contains(err.Error(), "Leases = 6") {
		t.Errorf("6 leases: got %v", err)
	}
}

// TestSharedLint holds the shared shaper at the device's sizes and a
// small one to the linters.
func TestSharedLint(t *testing.T) {
	a, err := genshaper.NewShared(DeviceRef4, 4)
	if err != nil {
		t.Fatal(err)
	}
	b, err := genshaper.NewShared(slotsConfig, 3)
	if err != nil {
		t.Fatal(err)
	}
	metertb.LintModules(t, a, b)
}

// TestSynthICE40SharedRef4 maps the shared shaper of the device's four
// ref4 ports with yosys synth_ice40 (and places it with PKTROUTER_PNR=1):
// no block RAM, and within the area budget of SYNTH.md.
func TestSynthICE40SharedRef4(t *testing.T) {
	tooltest.Require(t, "yosys")
	opt := metertb.SynthOptions{SynthOnly: os.Getenv(metertb.PnREnv) == "", LogDir: os.Getenv(metertb.PnRLogEnv)}
	if !opt.SynthOnly {
		tooltest.Require(t, "nextpnr-ice40")
	}
	f, err := SynthSharedRef4(context.Background(), opt, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(f)
	if f.RAM != 0 {
		t.Errorf("block RAM used: %+v", f)
	}
}

// LongEnv, set to 1, makes TestSharedEqualsModelLong run many seeds.
const LongEnv = "PKTROUTER_LONG"

// TestSharedEqualsModelLong: with PKTROUTER_LONG=1, 40 seeds of the
// interleaved four-port streams at the device's sizes, on a one-slot and a
// two-slot port, with frequent guarantee changes (Go simulator; the first
// seed of each also on Icarus and Verilator).
func TestSharedEqualsModelLong(t *testing.T) {
	if os.Getenv(LongEnv) != "1" {
		t.Skipf("set %s=1 to run", LongEnv)
	}
	const P = 4
	for _, c := range []genshaper.Config{DeviceRef4, slot1Config, slotsConfig} {
		b := sharedBench(t, c, P)
		for seed := uint64(1); seed <= 40; seed++ {
			st := SharedStream{Cycles: 20000, Ports: mixedPorts(t, c, P, 0.6+0.03*float64(seed))}
			for q := range st.Ports {
				st.Ports[q].Reconfig = 0.002 * float64(1+seed%10)
			}
			s, err := GenerateShared(b, c, st, rand.New(rand.NewPCG(seed, 1000+seed)))
			if err != nil {
				t.Fatal(err)
			}
			runShared(t, b, c, P, s, seed == 1 && requireTools(t))
		}
	}
}
