package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen"
	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

// runSynthCLI runs `pktrouter synth ARGS...` and returns stdout, stderr and
// the error.
func runSynthCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	root := newRootCmd(strings.NewReader(""), &out, &errw)
	root.SetArgs(append([]string{"synth"}, args...))
	err := execute(root)
	return out.String(), errw.String(), err
}

func TestSynthHelp(t *testing.T) {
	out, _, err := runSynthCLI(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--config ref4", "--board", "ice40-hx8k-breakout", "icebreaker", "generic", "--seed", "--freq", "iceprog"} {
		if !strings.Contains(out, want) {
			t.Errorf("synth --help lacks %q", want)
		}
	}
}

func TestSynthRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"nothing named", []string{"--board", "generic"}, "name what to synthesize"},
		{"no board", []string{"fifo"}, "--board is required: one of ice40-hx8k-breakout, icebreaker, generic"},
		{"unknown board", []string{"fifo", "--board", "ecp5"}, `unknown board "ecp5"`},
		{"unknown config", []string{"--config", "ref5", "--board", "generic"}, `--config "ref5": want ref4 or ref16`},
		{"config and block", []string{"fifo", "--config", "ref4", "--board", "generic"}, "not both"},
		{"unknown block", []string{"nosuch", "--board", "generic"}, `unknown generator "nosuch"`},
		{"bad param", []string{"fifo", "--board", "generic", "-p", "width"}, `parameter "width" is not key=value`},
		{"unknown param", []string{"fifo", "--board", "generic", "-p", "colour=red"}, `unknown parameter "colour"`},
		{"seed", []string{"fifo", "--board", "generic", "--seed", "0"}, "--seed 0"},
		{"freq", []string{"fifo", "--board", "generic", "--freq", "-5"}, "--freq -5"},
		{"unknown flag", []string{"fifo", "--bord", "generic"}, "unknown flag: --bord"},
	}
	if _, err := gen.Lookup("device_ref16"); err != nil {
		cases = append(cases, struct {
			name string
			args []string
			want string
		}{"device not in the registry", []string{"--config", "ref16", "--board", "generic"}, "needs the generator registry entry device_ref16"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runSynthCLI(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("synth %v = %v, want an error containing %q", tc.args, err, tc.want)
			}
			if !strings.Contains(stderr, "pktrouter: ") {
				t.Errorf("stderr %q does not carry the error", stderr)
			}
		})
	}
}

// TestSynthGeneric runs the generic flow on a small registry block: the
// --config flag of the root (a YAML file) must not interfere.
func TestSynthGeneric(t *testing.T) {
	tooltest.Require(t, "yosys")
	dir := filepath.Join(t.TempDir(), "out")
	out, _, err := runSynthCLI(t, "fifo", "-p", "width=8", "-p", "depth=16", "--board", "generic", "-o", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "verdict: synthesized") || !strings.Contains(out, "cells") {
		t.Errorf("output %q", out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Design     string `json:"design"`
		CellsTotal int    `json:"cells_total"`
	}
	if err := json.Unmarshal(data, &r); err != nil || r.Design != "fifo" || r.CellsTotal == 0 {
		t.Fatalf("report %s: %+v %v", data, r, err)
	}
}
