// Package tooltest lets tests that need an external EDA tool (yosys,
// verilator, iverilog, nextpnr-ice40, icepack) find it. Outside CI a missing
// tool skips the test with the command that installs it; in CI (CI=true) a
// missing tool fails the test, because a skipped test is not a passing one.
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Packages maps each tool binary to the Debian package that provides it.
var Packages = map[string]string{
	"yosys":         "yosys",
	"verilator":     "verilator",
	"iverilog":      "iverilog",
	"vvp":           "iverilog",
	"nextpnr-ice40": "nextpnr-ice40",
	"icepack":       "fpga-icestorm",
	"icetime":       "fpga-icestorm",
}

// InCI reports whether the tests run under CI, where nothing may be skipped.
func InCI() bool {
	v := os.Getenv("CI")
	return v == "true" || v == "1"
}

// Require returns the absolute path of tool, or stops the test: Fatal in CI,
// Skip elsewhere, naming the package to install either way.
func Require(t testing.TB, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	pkg := Packages[tool]
	if pkg == "" {
		pkg = tool
	}
	msg := tool + " not found on PATH; install it with `make tools` (or: apt-get install -y " + pkg + ")"
	if InCI() {
		t.Fatal(msg + " — CI=true, so a missing tool is a failure")
	}
	t.Skip(msg)
	return ""
}
