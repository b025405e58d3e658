package label

import (
	"errors"
	"fmt"
)

// FormatLabel writes a label in cjdns' dotted notation, four groups of four
// lower-case hex digits, most significant first: 0000.0000.0000.0013
// (cjdns AddrTools_printPath).
func FormatLabel(label uint64) string {
	const hex = "0123456789abcdef"
	var b [19]byte
	j := 18
	for i := 0; i < 16; i++ {
		if i > 0 && i%4 == 0 {
			b[j] = '.'
			j--
		}
		b[j] = hex[label&15]
		label >>= 4
		j--
	}
	return string(b[:])
}

// ErrLabelSyntax is wrapped by every ParseLabel error.
var ErrLabelSyntax = errors.New("bad label notation")

// ParseLabel reads cjdns' dotted label notation (cjdns AddrTools_parsePath):
// exactly 19 characters, four groups of four hex digits (either case)
// separated by dots. Nothing else is accepted: no 0x, no spaces, no short
// groups.
func ParseLabel(s string) (uint64, error) {
	if len(s) != 19 {
		return 0, fmt.Errorf("%w: %q is %d characters, want 19 as in 0000.0000.0000.0013",
			ErrLabelSyntax, s, len(s))
	}
	var v uint64
	for i := 0; i < 19; i++ {
		c := s[i]
		if i%5 == 4 {
			if c != '.' {
				return 0, fmt.Errorf("%w: %q has %q at offset %d, want '.'", ErrLabelSyntax, s, c, i)
			}
			continue
		}
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, fmt.Errorf("%w: %q has %q at offset %d, want a hex digit", ErrLabelSyntax, s, c, i)
		}
		v = v<<4 | uint64(d)
	}
	return v, nil
}
