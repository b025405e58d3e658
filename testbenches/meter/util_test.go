package meter

import "os/exec"

func haveTools() bool {
	for _, tool := range []string{"iverilog", "vvp", "verilator"} {
		if _, err := exec.LookPath(tool); err != nil {
			return false
		}
	}
	return true
}
