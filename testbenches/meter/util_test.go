package meter

import (
	"os/exec"
	"testing"

	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// haveTools says whether Icarus and Verilator can run, so a test adds them
// to its engines. Under CI a missing one fails the test (tooltest.Require)
// instead of leaving the engines out silently.
func haveTools(t *testing.T) bool {
	t.Helper()
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		if tooltest.InCI() {
			tooltest.Require(t, tool)
			continue
		}
		if _, err := exec.LookPath(tool); err != nil {
			return false
		}
	}
	return true
}
