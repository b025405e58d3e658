package label

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Form is one encoding form of a scheme: a director of BitCount data bits
// followed (towards the least significant end of the label) by a prefix of
// PrefixLen bits whose value is Prefix. The prefix is what tells a switch
// which form its director uses, so forms of one scheme must have prefixes
// that cannot be confused. A fixed-width scheme has one form with no prefix.
type Form struct {
	BitCount, PrefixLen uint8
	Prefix              uint32
}

// Size is the number of label bits a director of this form takes
// (cjdns EncodingScheme_formSize).
func (f Form) Size() uint { return uint(f.BitCount) + uint(f.PrefixLen) }

// Scheme is a cjdns encoding scheme: the list of forms a switch uses to
// write its directors, narrowest first. The zero value is invalid.
//
// Methods other than Forward check the scheme with Validate first and
// return its error. Forward does not (it is the per-packet hot path): on a
// scheme that fails Validate its results are unspecified, but it never
// panics.
type Scheme []Form

// The four schemes cjdns' NumberCompress.h defines. V358 is the one every
// cjdns node has used since 2014 and pktrouter's default.
var (
	// F4 is a fixed 4-bit director: 15 peers and the self interface.
	F4 = Scheme{{BitCount: 4}}
	// F8 is a fixed 8-bit director: 255 peers and the self interface.
	F8 = Scheme{{BitCount: 8}}
	// V4x8 is 4-bit directors with prefix 1, 8-bit directors with prefix 0.
	V4x8 = Scheme{
		{BitCount: 4, PrefixLen: 1, Prefix: 1},
		{BitCount: 8, PrefixLen: 1, Prefix: 0},
	}
	// V358 is cjdns "v3x5x8": 3 bits with prefix 1, 5 bits with prefix 10,
	// 8 bits with prefix 00. It is special cased throughout cjdns (see the
	// package documentation); the special cases apply to a scheme exactly
	// equal to it, whatever its name.
	V358 = Scheme{
		{BitCount: 3, PrefixLen: 1, Prefix: 1},
		{BitCount: 5, PrefixLen: 2, Prefix: 2},
		{BitCount: 8, PrefixLen: 2, Prefix: 0},
	}
)

// Canonical asks Compress and ConvertLabel for the form cjdns itself picks:
// the first (narrowest) form that can hold the interface number.
const Canonical = -1

// Errors returned by scheme operations. They are wrapped with detail, so
// test with errors.Is.
var (
	// ErrInsaneScheme: the scheme breaks one of cjdns' EncodingScheme_isSane rules.
	ErrInsaneScheme = errors.New("insane encoding scheme")
	// ErrNoForm: the label's low bits match the prefix of no form of the scheme.
	ErrNoForm = errors.New("label matches no encoding form")
	// ErrBadForm: a form index outside the scheme, or a number that does not
	// fit the requested form.
	ErrBadForm = errors.New("number does not fit encoding form")
	// ErrLabelTooLong: the result would not fit in the 59 usable bits of a
	// label (cjdns keeps the top bits free for the return path).
	ErrLabelTooLong = errors.New("label too long")
	// ErrSelfRoute: the operation cannot apply to, or would produce, the
	// self route (a director equal to 1).
	ErrSelfRoute = errors.New("self route")
)

// MaxLabelBits is the number of label bits cjdns lets forward paths use
// when splicing and converting labels: 59 (log2 of the label at most 59).
const MaxLabelBits = 59

// is358 reports whether s is exactly cjdns' v3x5x8, which cjdns detects with
// a memcmp (EncodingScheme_is358) and treats specially.
func (s Scheme) is358() bool {
	return len(s) == 3 && s[0] == v358Forms[0] && s[1] == v358Forms[1] && s[2] == v358Forms[2]
}

// v358Forms is a private copy of V358, so that changing the exported
// variable cannot change what is358 recognises.
var v358Forms = [3]Form{{BitCount: 3, PrefixLen: 1, Prefix: 1}, {BitCount: 5, PrefixLen: 2, Prefix: 2}, {BitCount: 8, PrefixLen: 2, Prefix: 0}}

// Validate applies cjdns' EncodingScheme_isSane rules:
//   - 1 to 31 forms;
//   - a single form has no prefix and 1..31 data bits;
//   - with several forms every form has a 1..31 bit prefix, 1..31 data bits,
//     at most 59 bits in all, strictly more data bits than the form before,
//     and no form's prefix equals another form's prefix cut to its length.
//
// pktrouter also rejects a Prefix with bits set above PrefixLen: cjdns cannot
// serialize such a form (its deserializer masks them) and isSane does not look.
func (s Scheme) Validate() error {
	if len(s) == 0 {
		return fmt.Errorf("%w: no forms", ErrInsaneScheme)
	}
	if len(s) > 31 {
		return fmt.Errorf("%w: %d forms, at most 31 allowed", ErrInsaneScheme, len(s))
	}
	for i, f := range s {
		if f.PrefixLen < 32 && f.Prefix>>f.PrefixLen != 0 {
			return fmt.Errorf("%w: form %d prefix %#x wider than its %d-bit prefix length",
				ErrInsaneScheme, i, f.Prefix, f.PrefixLen)
		}
	}
	if len(s) == 1 {
		f := s[0]
		if f.PrefixLen != 0 || f.Prefix != 0 {
			return fmt.Errorf("%w: fixed-width form has a prefix (length %d)", ErrInsaneScheme, f.PrefixLen)
		}
		if f.BitCount == 0 || f.BitCount > 31 {
			return fmt.Errorf("%w: fixed-width form has %d bits, want 1..31", ErrInsaneScheme, f.BitCount)
		}
		return nil
	}
	for i, f := range s {
		if f.PrefixLen == 0 || f.PrefixLen > 31 {
			return fmt.Errorf("%w: form %d prefix length %d, want 1..31", ErrInsaneScheme, i, f.PrefixLen)
		}
		if f.BitCount == 0 || f.BitCount > 31 {
			return fmt.Errorf("%w: form %d has %d bits, want 1..31", ErrInsaneScheme, i, f.BitCount)
		}
		if f.Size() > MaxLabelBits {
			return fmt.Errorf("%w: form %d is %d bits, more than %d", ErrInsaneScheme, i, f.Size(), MaxLabelBits)
		}
		if i > 0 && f.BitCount <= s[i-1].BitCount {
			return fmt.Errorf("%w: form %d has %d bits, not more than form %d's %d",
				ErrInsaneScheme, i, f.BitCount, i-1, s[i-1].BitCount)
		}
		for j, g := range s {
			if j != i && g.Prefix&mask32(f.PrefixLen) == f.Prefix {
				return fmt.Errorf("%w: form %d prefix is indistinguishable from form %d", ErrInsaneScheme, j, i)
			}
		}
	}
	return nil
}

func mask32(n uint8) uint32 { return uint32(1)<<n - 1 }

// mask64 is cjdns Bits_maxBits64: the n low bits set (all 64 for n >= 64).
func mask64(n uint) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return uint64(1)<<n - 1
}

// Bytes serializes the scheme as cjdns does (EncodingScheme_serialize): for
// each form, 5 bits prefix length, 5 bits bit count, then the prefix, packed
// from the least significant bit up and written little-endian. This is the
// form nodes exchange to describe their switches.
func (s Scheme) Bytes() []byte {
	out := make([]byte, 0, len(s)*6)
	var acc uint64
	var n uint
	for _, f := range s {
		acc |= uint64(f.PrefixLen&31) << n
		n += 5
		acc |= uint64(f.BitCount&31) << n
		n += 5
		acc |= uint64(f.Prefix&mask32(f.PrefixLen&31)) << n
		n += uint(f.PrefixLen & 31)
		for n >= 8 {
			out = append(out, byte(acc))
			acc >>= 8
			n -= 8
		}
	}
	if n > 0 {
		out = append(out, byte(acc))
	}
	return out
}

// ParseScheme decodes a serialized scheme exactly as cjdns'
// EncodingScheme_deserialize does, including its tolerance of trailing zero
// bits (a few zero bytes after the last form are accepted as long as the
// decoder's 56-bit window swallowed them), and then rejects schemes that
// fail Validate.
func ParseScheme(b []byte) (Scheme, error) {
	var s Scheme
	var block uint64
	bits := 0
	i := 0
	for {
		for bits < 56 && i < len(b) {
			block |= uint64(b[i]) << uint(bits)
			bits += 8
			i++
		}
		prefixLen := uint8(block & 31)
		bitCount := uint8(block >> 5 & 31)
		used := 0
		if bitCount != 0 {
			used = 10 + int(prefixLen)
		}
		bits -= used
		if used == 0 || bits < 0 {
			if bits < 0 {
				return nil, fmt.Errorf("%w: form %d needs %d bits, only %d left", ErrInsaneScheme,
					len(s), used, bits+used)
			}
			if block != 0 || i < len(b) {
				return nil, fmt.Errorf("%w: form %d has zero bit count", ErrInsaneScheme, len(s))
			}
			break
		}
		s = append(s, Form{BitCount: bitCount, PrefixLen: prefixLen,
			Prefix: uint32(block>>10) & mask32(prefixLen)})
		block >>= uint(used)
		if len(s) > 31 {
			return nil, fmt.Errorf("%w: more than 31 forms", ErrInsaneScheme)
		}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

var schemeNames = []struct {
	name   string
	scheme Scheme
}{{"f4", F4}, {"f8", F8}, {"v4x8", V4x8}, {"v358", V358}}

// SchemeByName returns one of the named cjdns schemes: "f4", "f8", "v4x8",
// "v358" (also spelled "v3x5x8", cjdns' name). Case is ignored.
func SchemeByName(name string) (Scheme, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "v3x5x8" {
		n = "v358"
	}
	for _, e := range schemeNames {
		if e.name == n {
			return append(Scheme(nil), e.scheme...), nil
		}
	}
	return nil, fmt.Errorf("unknown encoding scheme %q (want f4, f8, v4x8, v358 or v3x5x8)", name)
}

// Name returns "f4", "f8", "v4x8" or "v358" when s equals that scheme, and
// "" otherwise.
func (s Scheme) Name() string {
	for _, e := range schemeNames {
		if s.Equal(e.scheme) {
			return e.name
		}
	}
	return ""
}

// Equal reports whether s and t have the same forms in the same order.
func (s Scheme) Equal(t Scheme) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// String is the scheme's name, or its forms as bitCount/prefixLen/prefix
// (prefix in binary) when it has none.
func (s Scheme) String() string {
	if n := s.Name(); n != "" {
		return n
	}
	var sb strings.Builder
	sb.WriteByte('[')
	for i, f := range s {
		if i > 0 {
			sb.WriteByte(' ')
		}
		if f.PrefixLen == 0 {
			fmt.Fprintf(&sb, "%d/0/-", f.BitCount)
		} else {
			fmt.Fprintf(&sb, "%d/%d/%0*b", f.BitCount, f.PrefixLen, int(f.PrefixLen), f.Prefix)
		}
	}
	sb.WriteByte(']')
	return sb.String()
}

// MarshalText writes the scheme's name ("v358") when it has one, else its
// cjdns serialization in hex, so configuration files and the CLI's JSON
// can say {"scheme":"v358"}.
func (s Scheme) MarshalText() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if n := s.Name(); n != "" {
		return []byte(n), nil
	}
	return []byte(hex.EncodeToString(s.Bytes())), nil
}

// UnmarshalText accepts a scheme name (see SchemeByName) or a scheme's
// cjdns serialization in hex (as MarshalText writes it).
func (s *Scheme) UnmarshalText(b []byte) error {
	if named, err := SchemeByName(string(b)); err == nil {
		*s = named
		return nil
	}
	raw, err := hex.DecodeString(string(b))
	if err != nil {
		return fmt.Errorf("scheme %q is neither f4, f8, v4x8, v358/v3x5x8 nor a hex-serialized scheme", b)
	}
	parsed, err := ParseScheme(raw)
	if err != nil {
		return fmt.Errorf("scheme %q: %w", b, err)
	}
	*s = parsed
	return nil
}
