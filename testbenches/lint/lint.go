// Package lint holds Verilog files to the project's bar with the three tools
// the hardware must satisfy: Verilator (--lint-only -Wall, no waivers), Icarus
// (-g2005 -Wall) and Yosys (hierarchy, then `synth -run :fine` and
// `check -assert`). `pktrouter lint DIR` and the generators' tests use it.
//
// Yosys stops at synth's "fine" label: the frontend, proc, the coarse
// optimisations, FSM and memory inference and synth's own check have run,
// which is where unsynthesisable code, multiple drivers, undriven nets and
// combinational loops show up. The rest (memory_map, techmap, abc) maps to
// gates and finds nothing more to lint, but costs minutes on a device with
// megabits of RAM.
//
// Each file is checked as its own top, with the other files of its folder as
// a library, so a folder of independent generated modules lints cleanly while
// a missing submodule is still an error.
package lint

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Tools are the linters in the order they run.
var Tools = []string{"verilator", "iverilog", "yosys"}

// Finding is one tool's verdict on one file.
type Finding struct {
	File   string // path as given
	Top    string // module checked as top
	Tool   string
	OK     bool
	Output string // the tool's warnings and errors, trimmed
}

// Files returns the .v files of dir, sorted.
func Files(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".v") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no .v files", dir)
	}
	return out, nil
}

var moduleRE = regexp.MustCompile(`(?m)^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)`)

// Top returns the last module a file defines: generated files list
// submodules first, so the last is the file's top.
func Top(src []byte) (string, error) {
	m := moduleRE.FindAllSubmatch(src, -1)
	if len(m) == 0 {
		return "", fmt.Errorf("no module declaration")
	}
	return string(m[len(m)-1][1]), nil
}

// Check runs every tool on every file. An error means a tool could not run
// at all (missing, or the file unreadable), not that a file failed lint.
func Check(ctx context.Context, files []string) ([]Finding, error) {
	for _, t := range Tools {
		if _, err := exec.LookPath(t); err != nil {
			return nil, fmt.Errorf("%s not found on PATH (install with `make tools`)", t)
		}
	}
	tmp, err := os.MkdirTemp("", "pktrouter-lint-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var out []Finding
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		top, err := Top(src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		lib := libFiles(files, f)
		for _, tool := range Tools {
			fd := Finding{File: f, Top: top, Tool: tool}
			fd.OK, fd.Output = run(ctx, tmp, tool, f, top, lib)
			out = append(out, fd)
		}
	}
	return out, nil
}

// libFiles is every file but f: the library f's submodules come from.
func libFiles(files []string, f string) []string {
	var lib []string
	for _, g := range files {
		if g != f {
			lib = append(lib, g)
		}
	}
	return lib
}

// warnRE finds output lines that are warnings or errors.
var warnRE = regexp.MustCompile(`(?i)(%Warning|%Error|warning|error|sorry)`)

func run(ctx context.Context, tmp, tool, file, top string, lib []string) (bool, string) {
	var cmd *exec.Cmd
	switch tool {
	case "verilator":
		args := []string{"--lint-only", "-Wall", "--top-module", top, file}
		for _, l := range lib {
			args = append(args, "-v", l)
		}
		cmd = exec.CommandContext(ctx, "verilator", args...)
	case "iverilog":
		args := []string{"-g2005", "-Wall", "-s", top, "-o", filepath.Join(tmp, "a.vvp"), file}
		for _, l := range lib {
			args = append(args, "-l", l)
		}
		cmd = exec.CommandContext(ctx, "iverilog", args...)
	case "yosys":
		var script strings.Builder
		for _, l := range append([]string{file}, lib...) {
			fmt.Fprintf(&script, "read_verilog -defer %s\n", l)
		}
		fmt.Fprintf(&script, "hierarchy -check -top %s\nsynth -top %s -run :fine\ncheck -assert\n", top, top)
		sf := filepath.Join(tmp, "lint.ys")
		if err := os.WriteFile(sf, []byte(script.String()), 0o644); err != nil {
			return false, err.Error()
		}
		cmd = exec.CommandContext(ctx, "yosys", "-q", "-s", sf)
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	var keep []string
	for _, line := range strings.Split(buf.String(), "\n") {
		if warnRE.MatchString(line) {
			keep = append(keep, strings.TrimSpace(line))
		}
	}
	msg := strings.Join(keep, "\n")
	if err != nil && msg == "" {
		msg = strings.TrimSpace(buf.String())
		if msg == "" {
			msg = err.Error()
		}
	}
	return err == nil && len(keep) == 0, msg
}
