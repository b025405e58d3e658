package hdl

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// Loc is the Go source location (file:line) of the builder call that created
// something, so that a build error points at the generator line to fix.
type Loc struct {
	File string
	Line int
}

// String gives "dir/file.go:12" (the last directory keeps it unambiguous but
// short).
func (l Loc) String() string {
	if l.File == "" {
		return "?"
	}
	dir := filepath.Base(filepath.Dir(l.File))
	return fmt.Sprintf("%s/%s:%d", dir, filepath.Base(l.File), l.Line)
}

// callerLoc returns the location of the first caller outside this package,
// so helpers inside hdl (Case building on Mux, etc.) report the user's line.
func callerLoc() Loc {
	for skip := 2; skip < 20; skip++ {
		pc, file, line, ok := runtime.Caller(skip)
		if !ok {
			break
		}
		fn := runtime.FuncForPC(pc)
		if fn != nil && isHDLFunc(fn.Name()) && !strings.HasSuffix(file, "_test.go") {
			continue
		}
		return Loc{File: file, Line: line}
	}
	return Loc{}
}

// isHDLFunc reports whether a fully qualified function name belongs to this
// package (not to a test or a user package).
func isHDLFunc(name string) bool {
	const pkg = "github.com/pktnetwork/pktrouter/gen/hdl."
	return strings.HasPrefix(name, pkg)
}

// BuildError is one problem found while building; Build joins them.
type BuildError struct {
	Module string // module the problem is in
	Signal string // signal it concerns, "" when none
	Loc    Loc    // builder call that caused it
	Msg    string
}

func (e *BuildError) Error() string {
	var b strings.Builder
	b.WriteString(e.Loc.String())
	b.WriteString(": ")
	if e.Module != "" {
		b.WriteString("module ")
		b.WriteString(e.Module)
		b.WriteString(": ")
	}
	if e.Signal != "" {
		b.WriteString("signal ")
		b.WriteString(e.Signal)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}
