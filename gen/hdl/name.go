package hdl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

var paramValueRE = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// maxNameLen keeps generated names readable in waveforms and reports; past
// it the parameters are replaced by a hash.
const maxNameLen = 48

// ModuleName makes a module name that says its parameters, so two
// configurations of one generator never collide: base_name1value1_name2value2
// (for example fifo_w8_d16). If a value is not alphanumeric or the name
// would exceed 48 characters, the parameter part becomes a stable 8-hex-digit
// hash of "name=value;..." instead (fifo_h1a2b3c4d). Parameter order matters
// and is the caller's.
func ModuleName(base string, params ...Param) string {
	if len(params) == 0 {
		return base
	}
	var b strings.Builder
	b.WriteString(base)
	ok := true
	for _, p := range params {
		v := fmt.Sprint(p.Value)
		if !paramValueRE.MatchString(v) || !identRE.MatchString(p.Name) {
			ok = false
		}
		b.WriteString("_" + p.Name + v)
	}
	if ok && b.Len() <= maxNameLen {
		return b.String()
	}
	return base + "_h" + ParamHash(params...)
}

// ParamHash is the stable 8-hex-digit hash ModuleName uses.
func ParamHash(params ...Param) string {
	h := sha256.New()
	for _, p := range params {
		fmt.Fprintf(h, "%s=%v;", p.Name, p.Value)
	}
	return hex.EncodeToString(h.Sum(nil))[:8]
}
