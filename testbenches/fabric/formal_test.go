package fabric

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	gfabric "github.com/pktnetwork/pktrouter/gen/fabric"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// TestISLIPFormal proves with Yosys, for several sizes, that the generated
// scheduler never grants an output to two inputs, never lets an input send
// two cells in a cycle and only matches requested pairs, in every
// reachable state, with and without the pipelined match register. Larger sizes run with PKTROUTER_FABRIC_LONG=1.
func TestISLIPFormal(t *testing.T) {
	yosys := tooltest.Require(t, "yosys")
	cases := []gfabric.ISLIPConfig{
		{Inputs: 2, Outputs: 2, PacketMode: true},
		{Inputs: 4, Outputs: 4, Iterations: 2},
		{Inputs: 4, Outputs: 4, Iterations: 2, PacketMode: true},
		{Inputs: 5, Outputs: 3, Iterations: 3, PacketMode: true},
		{Inputs: 8, Outputs: 8, Iterations: 3, PacketMode: true},
		{Inputs: 4, Outputs: 4, Iterations: 2, Pipelined: true},
		{Inputs: 8, Outputs: 8, Iterations: 3, Pipelined: true},
	}
	if longTests() {
		// About 30 s each on two cores.
		cases = append(cases, gfabric.ISLIPConfig{Inputs: 16, Outputs: 16, PacketMode: true},
			gfabric.ISLIPConfig{Inputs: 12, Outputs: 12, Iterations: 2})
	}
	for _, cfg := range cases {
		t.Run(fmt.Sprintf("%dx%d_it%d_pkt%v_pl%v", cfg.Inputs, cfg.Outputs, cfg.Iterations, cfg.PacketMode, cfg.Pipelined), func(t *testing.T) {
			t.Parallel()
			if err := ProveISLIP(context.Background(), yosys, cfg, 4); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestISLIPFormalRefutes makes sure the proof harness can fail: "no input
// is ever matched" is false and must not be proven.
func TestISLIPFormalRefutes(t *testing.T) {
	yosys := tooltest.Require(t, "yosys")
	cfg := gfabric.ISLIPConfig{Inputs: 3, Outputs: 3, PacketMode: true}
	err := ProveISLIP(context.Background(), yosys, cfg, 4, Property("match == 9'd0"))
	if err == nil {
		t.Fatal("yosys proved a false property")
	}
	if !strings.Contains(err.Error(), "did not prove") {
		t.Fatalf("unexpected error: %v", err)
	}
}

// LongEnv names the environment variable that enables the slow checks:
// larger formal proofs, and with PKTROUTER_PNR=1 the 8×8 place and route.
const LongEnv = "PKTROUTER_FABRIC_LONG"

func longTests() bool { return os.Getenv(LongEnv) != "" }
