// Package version says which pktrouter built a binary or a generated file.
// Generated Verilog carries it in its header comment, so a hardware engineer
// can tell which toolkit produced an RTL file.
package version

import "runtime/debug"

// Release is the toolkit release. Generated Verilog carries it (not the
// commit), so the same generator and parameters give the same bytes from any
// build of a release, and the checked-in rtl/ stays current between commits.
const Release = "0.1.0-dev"

// Version is set at link time by the Makefile
// (-ldflags "-X github.com/pktnetwork/pktrouter/internal/version.Version=v0.1.0-3-gabc").
// When unset it is derived from the Go build information.
var Version = ""

// String returns the version: the link-time value, else the module version or
// VCS revision Go recorded, else "dev".
func String() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}
