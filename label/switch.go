package label

import (
	"errors"
	"fmt"
	"math/bits"
)

// Switch error codes of cjdns wire/Error.h, carried in CTRL error frames.
const (
	ErrorNone              = 0
	ErrorMalformedAddress  = 1
	ErrorFlood             = 2
	ErrorLinkLimitExceeded = 3
	ErrorOversizeMessage   = 4
	ErrorRunt              = 5
	ErrorAuthentication    = 6
	ErrorInvalid           = 7
	ErrorUndeliverable     = 8
	ErrorLoopRoute         = 9
	ErrorReturnPathInvalid = 10
	ErrorUnhandled         = 11
	ErrorOverflow          = 12
	ErrorInternal          = 13
)

var errorNames = [...]string{
	"NONE", "MALFORMED_ADDRESS", "FLOOD", "LINK_LIMIT_EXCEEDED", "OVERSIZE_MESSAGE", "RUNT",
	"AUTHENTICATION", "INVALID", "UNDELIVERABLE", "LOOP_ROUTE", "RETURN_PATH_INVALID",
	"UNHANDLED", "OVERFLOW", "INTERNAL",
}

// ErrorName is the cjdns name of a switch error code ("MALFORMED_ADDRESS"),
// or "UNKNOWN" for a code Error.h does not define.
func ErrorName(code uint32) string {
	if code < uint32(len(errorNames)) {
		return errorNames[code]
	}
	return "UNKNOWN"
}

// SwitchError is a packet the switch refuses and answers with a CTRL error
// frame (see ErrorFrame) carrying Code.
type SwitchError struct{ Code uint32 }

func (e SwitchError) Error() string {
	return fmt.Sprintf("cjdns switch error %d %s", e.Code, ErrorName(e.Code))
}

// Preallocated so that Forward's error paths do not allocate either.
var (
	errMalformed  error = SwitchError{Code: ErrorMalformedAddress}
	errReturnPath error = SwitchError{Code: ErrorReturnPathInvalid}
)

// ErrShiftOverflow is the packet cjdns' SwitchCore drops silently, without
// an error frame, because labelShift plus the director's width would pass
// 63 ("Label rolled over"): the packet has crossed more than 63 bits of
// directors and cannot be a sane path.
var ErrShiftOverflow = errors.New("label shift would pass 63: packet dropped without error frame")

// ErrIngress is returned by Forward when the ingress interface number
// cannot be written as a director of the scheme (cjdns asserts instead).
var ErrIngress = errors.New("ingress interface not representable in scheme")

// SelfInterface is interface 1, the switch's own router (the CPU port),
// always present and always written 0001.
const SelfInterface = 1

// Forward performs one switch hop exactly as cjdns' SwitchCore
// receiveMessage does, for a packet with header h arriving on interface
// from. present reports which interface slots hold a peer (nil: all do);
// it is not asked about interface 1, which always exists (cjdns installs its
// router there). It returns the egress interface and the header to send.
//
// What happens to the label, in cjdns' order:
//  1. The first director is read with the scheme: its width is bits, the
//     interface it names is to. A label matching no form of a variable
//     scheme is MALFORMED_ADDRESS (cannot happen with the four cjdns
//     schemes, whose prefixes cover every label).
//  2. to == 1 (self) must be written 0001, else MALFORMED_ADDRESS (in V4x8
//     an all-zero 9-bit director decodes to 1 and is refused here).
//  3. The return director of the ingress interface must fit in bits. If it
//     is wider: a packet for self is still accepted when the label's low
//     (ingress width + 4) bits are 0...0001, and the director is then taken
//     as that wide (cjdns issue #93, else RETURN_PATH_INVALID); a packet
//     from self (interface 1) is accepted when the label has enough zero
//     top bits; anything else is MALFORMED_ADDRESS.
//  4. to must be a present interface, else MALFORMED_ADDRESS (checked after
//     3; self is always present).
//  5. The label is shifted right by bits and the ingress interface's
//     director, written in the same width (1 is always 0001), bit-reversed,
//     is ORed into the top bits. Bit-reversing the label at the far end thus
//     gives the path back (see Reverse).
//  6. labelShift += bits; past 63 the packet is dropped silently
//     (ErrShiftOverflow) even though all checks passed.
//
// No check stops a packet from leaving where it came in (cjdns has the
// LOOP_ROUTE check commented out), and to == 1 means "deliver to this
// node's router" (pktrouter: the CPU port).
//
// Traffic class: cjdns overwrites it with 0xffff (unclassed) on every hop.
// pktrouter gives the traffic class a meaning (customer bit and priority),
// so Forward deliberately keeps the caller's value; every other field
// (congestion, suppress-errors, version) passes through unchanged as in cjdns.
//
// Errors: a SwitchError (the caller sends ErrorFrame(packet, code) back out
// of from, unless the packet suppresses errors), ErrShiftOverflow (drop),
// or ErrIngress when from has no director in the scheme. On error out is h
// unchanged. Forward does not allocate; v358 is decoded by table lookup. For the cjdns
// schemes this is bit-exact with SwitchCore built with the matching
// NumberCompress type; other valid schemes follow the same rules with
// widths taken from their forms, and an ingress number that does not fit
// the egress director's form is RETURN_PATH_INVALID.
func (s Scheme) Forward(h Header, from uint32, present func(uint32) bool) (to uint32, out Header, err error) {
	if len(s) == 0 {
		return 0, h, errMalformed
	}
	if s.is358() {
		// v358, the scheme every cjdns node uses, is decoded by table
		// lookup (forwardGeneral gives the same answers, see
		// TestForward358MatchesGeneral). The header is assembled field by
		// field into the named result: Header has too many fields to live
		// in registers, and building it whole then copying it costs a
		// store-forwarding stall per hop.
		label := h.Label
		if from > 256 {
			return 0, h, ErrIngress
		}
		d := v358Dir[label&1023]
		nbits, dest := uint(d&0xff), d>>8
		srcBits := uint(v358SrcBits[from])
		// dest == 1 only comes from 0001, so cjdns' "self must be 0001"
		// check cannot fail in v358, and from == 1 (4 bits) is never wider
		// than a director.
		if srcBits > nbits {
			if dest != 1 {
				return 0, h, errMalformed
			}
			if (label^1)&(^uint64(0)>>(60-srcBits)) != 0 {
				return 0, h, errReturnPath
			}
			nbits = srcBits
		}
		if dest != 1 && present != nil && !present(dest) {
			return 0, h, errMalformed
		}
		shift := uint(h.LabelShift) + nbits
		if shift > 63 {
			return 0, h, ErrShiftOverflow
		}
		// Widths 4, 7, 10 are forms 0, 1, 2: (w-4)*11>>5 avoids a division.
		out.Label = label>>nbits | v358Ret[from][(nbits-4)*11>>5]
		out.Congestion = h.Congestion
		out.SuppressErrors = h.SuppressErrors
		out.Version = h.Version
		out.LabelShift = uint8(shift)
		out.TrafficClass = h.TrafficClass
		return dest, out, nil
	}
	return forwardGeneral(s, h, from, present)
}

// forwardGeneral is Forward for any scheme, following SwitchCore step by
// step with the scheme's forms.
func forwardGeneral(s Scheme, h Header, from uint32, present func(uint32) bool) (uint32, Header, error) {
	v358 := s.is358()
	label := h.Label
	df := s.formNum(label)
	if df < 0 {
		return 0, h, errMalformed
	}
	f := s[df]
	nbits := f.Size()
	dest := s.fieldToNum(df, label>>f.PrefixLen&mask64(uint(f.BitCount)), v358)
	sf := s.canonicalForm(uint64(from), v358)
	if sf < 0 {
		return 0, h, ErrIngress
	}
	srcBits := s[sf].Size()
	if dest == 1 && label&0xf != 1 {
		return 0, h, errMalformed
	}
	outForm := df
	if srcBits > nbits {
		switch {
		case dest == 1:
			if (label^1)&(^uint64(0)>>(64-srcBits-4)) != 0 {
				return 0, h, errReturnPath
			}
			nbits, outForm = srcBits, sf
		case from == 1:
			if label>>(nbits+64-srcBits) != 0 {
				return 0, h, errMalformed
			}
		default:
			return 0, h, errMalformed
		}
	}
	if dest > 0xffffffff || (dest != 1 && present != nil && !present(uint32(dest))) {
		return 0, h, errMalformed
	}
	ret, ok := s.compress(uint64(from), outForm, v358)
	if !ok {
		return 0, h, errReturnPath
	}
	shift := uint(h.LabelShift) + nbits
	if shift > 63 {
		return 0, h, ErrShiftOverflow
	}
	h.Label = label>>nbits | bits.Reverse64(ret)
	h.LabelShift = uint8(shift)
	return uint32(dest), h, nil
}

// v358 lookup tables, built once from the general code so they cannot
// drift from it: the first director of a label by its low 10 bits (width
// in the low byte, interface above), the canonical width of each ingress
// interface, and each ingress interface's return director, already
// bit-reversed, in each of the three widths.
var (
	v358Dir     [1024]uint32
	v358SrcBits [257]uint8
	v358Ret     [257][3]uint64
)

func init() {
	for l := range v358Dir {
		fi := V358.formNum(uint64(l))
		f := v358Forms[fi]
		n := V358.fieldToNum(fi, uint64(l)>>f.PrefixLen&mask64(uint(f.BitCount)), true)
		v358Dir[l] = uint32(n)<<8 | uint32(f.Size())
	}
	for n := range v358SrcBits {
		v358SrcBits[n] = uint8(v358Forms[V358.canonicalForm(uint64(n), true)].Size())
		for fi := range V358 {
			if d, ok := V358.compress(uint64(n), fi, true); ok {
				v358Ret[n][fi] = bits.Reverse64(d)
			}
		}
	}
}
