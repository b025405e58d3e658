package label

import (
	"fmt"
	"math/bits"
)

// log2 is cjdns Bits_log2x64: the index of the highest set bit, 0 for 0.
func log2(x uint64) uint {
	if x == 0 {
		return 0
	}
	return uint(63 - bits.LeadingZeros64(x))
}

// formNum is cjdns EncodingScheme_getFormNum: a single-form scheme always
// answers 0; otherwise the first form whose prefix matches the label's low
// bits, or -1.
func (s Scheme) formNum(label uint64) int {
	if len(s) == 1 {
		return 0
	}
	for i, f := range s {
		if (f.Prefix^uint32(label))<<(32-uint(f.PrefixLen)&63) == 0 {
			return i
		}
	}
	return -1
}

// fieldToNum turns the data bits of a director in form fi into an interface
// number (cjdns EncodingScheme_parseDirector after the field is extracted).
func (s Scheme) fieldToNum(fi int, field uint64, v358 bool) uint64 {
	switch {
	case v358 && fi == 0:
		// 3-bit form: 0 and 1 swapped, so 0001 (field 0) is the self interface.
		if field <= 1 {
			return field ^ 1
		}
		return field
	case v358:
		// wider forms skip 1, which only exists as 0001.
		if field > 0 {
			return field + 1
		}
		return 0
	case len(s) > 1:
		// other variable-width schemes flip the low bit so 0 and 1 swap.
		return field ^ 1
	}
	return field
}

// numToField is the inverse of fieldToNum (for n != 1 in the v358 wider
// forms, where 1 has no encoding).
func (s Scheme) numToField(fi int, n uint64, v358 bool) uint64 {
	switch {
	case v358 && fi == 0:
		if n <= 1 {
			return n ^ 1
		}
		return n
	case v358:
		if n > 0 {
			return n - 1
		}
		return 0
	case len(s) > 1:
		return n ^ 1
	}
	return n
}

// canonicalForm is the form cjdns' serializeDirector (with formNum < 0) and
// NumberCompress_bitsUsedForNumber pick for interface n: the first form n
// fits in. For n == 1, the form the self route 0001 decodes in.
func (s Scheme) canonicalForm(n uint64, v358 bool) int {
	if n == 1 {
		return s.formNum(1)
	}
	for i, f := range s {
		m := n
		if v358 && i > 0 {
			if n == 0 {
				continue // cjdns: (0 - 1) >> bitCount is -1 in signed int; never fits
			}
			m = n - 1
		}
		if m>>f.BitCount == 0 {
			return i
		}
	}
	return -1
}

// compress writes director n in form fi. 1 is always written 0001, in any
// form, as NumberCompress_getCompressed does. ok is false when n does not fit.
func (s Scheme) compress(n uint64, fi int, v358 bool) (uint64, bool) {
	if n == 1 {
		return 1, true
	}
	f := s[fi]
	field := s.numToField(fi, n, v358)
	if field>>f.BitCount != 0 {
		return 0, false
	}
	return field<<f.PrefixLen | uint64(f.Prefix), true
}

// FormOf returns the index of the form the label's first director is
// written in (cjdns EncodingScheme_getFormNum). A single-form scheme always
// answers 0.
func (s Scheme) FormOf(label uint64) (int, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	fi := s.formNum(label)
	if fi < 0 {
		return 0, fmt.Errorf("%w: label %s in scheme %s", ErrNoForm, FormatLabel(label), s)
	}
	return fi, nil
}

// Compress writes interface number n as a director of the given form, or
// of the Canonical form (the narrowest form that can hold n, the one cjdns
// uses). As in cjdns' NumberCompress, interface 1 (self) is always written
// 0001 whatever form is asked for. In v358, 0 and 1 are swapped in the 3-bit
// form and the wider forms skip 1 (n is stored as n-1), so v358 reaches 256.
func (s Scheme) Compress(n uint32, form int) (uint64, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	v358 := s.is358()
	if form == Canonical {
		form = s.canonicalForm(uint64(n), v358)
		if form < 0 {
			if n == 1 {
				return 0, fmt.Errorf("%w: scheme %s has no self route 0001", ErrBadForm, s)
			}
			return 0, fmt.Errorf("%w: interface %d is too large for scheme %s", ErrBadForm, n, s)
		}
	}
	if form < 0 || form >= len(s) {
		return 0, fmt.Errorf("%w: form %d, scheme %s has forms 0..%d", ErrBadForm, form, s, len(s)-1)
	}
	if n == 1 && s.formNum(1) < 0 {
		return 0, fmt.Errorf("%w: scheme %s has no self route 0001", ErrBadForm, s)
	}
	d, ok := s.compress(uint64(n), form, v358)
	if !ok {
		return 0, fmt.Errorf("%w: interface %d in form %d (%d bits) of scheme %s",
			ErrBadForm, n, form, s[form].BitCount, s)
	}
	return d, nil
}

// Decompress reads the first director of the label (cjdns
// EncodingScheme_parseDirector): the interface number it selects and the
// form it is written in. The bits above the director are ignored.
//
// Quirk kept from cjdns: in V4x8 an all-zero 9-bit director decodes to 1
// although 1 is only ever written 0001; SwitchCore rejects such a label
// with MALFORMED_ADDRESS (see Forward).
func (s Scheme) Decompress(label uint64) (n uint32, form int, err error) {
	if err := s.Validate(); err != nil {
		return 0, 0, err
	}
	fi := s.formNum(label)
	if fi < 0 {
		return 0, 0, fmt.Errorf("%w: label %s in scheme %s", ErrNoForm, FormatLabel(label), s)
	}
	f := s[fi]
	field := label >> f.PrefixLen & mask64(uint(f.BitCount))
	return uint32(s.fieldToNum(fi, field, s.is358())), fi, nil
}

// IsSelfRoute reports whether the label's first director is the self route:
// its low form-size bits equal 1 (cjdns EncodingScheme_isSelfRoute). False
// for an invalid scheme or a label that matches no form.
func (s Scheme) IsSelfRoute(label uint64) bool {
	if s.Validate() != nil {
		return false
	}
	fi := s.formNum(label)
	return fi >= 0 && label&mask64(s[fi].Size()) == 1
}

// IsOneHop reports whether the label is exactly one director followed by
// the terminating 1 (cjdns EncodingScheme_isOneHop: log2(label) equals the
// size of the first director's form). The self route 1 is not one hop.
func (s Scheme) IsOneHop(label uint64) bool {
	if s.Validate() != nil {
		return false
	}
	fi := s.formNum(label)
	return fi >= 0 && log2(label) == s[fi].Size()
}

// ConvertLabel rewrites the first director of the label in another form of
// the same scheme (to is a form index or Canonical), keeping the rest of the
// label, exactly as cjdns' EncodingScheme_convertLabel. Route servers use it
// to widen a director so the switch can fit the return director of a wider
// ingress interface.
//
// cjdns behaviour reproduced:
//   - a fixed-width scheme, or a label whose first director is the self
//     route, converts only to form 0 or Canonical, and comes back unchanged;
//   - in v358, the director's number is computed (0/1 swap in the 3-bit
//     form, skip of 1 in the others) and re-encoded; other schemes copy the
//     data bits as they are;
//   - Canonical picks the first form with enough bits, counting one bit less
//     for forms whose prefix is not 1 (in v358 they skip 1). For schemes other
//     than v358 this count is off by one for some numbers, and cjdns then
//     picks a form too narrow and fails: so does ConvertLabel;
//   - the result must keep log2(rest)+form size within 59 bits;
//   - a result whose new director reads as the self route is refused.
func (s Scheme) ConvertLabel(label uint64, to int) (uint64, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	if to < Canonical {
		return 0, fmt.Errorf("%w: form %d", ErrBadForm, to)
	}
	fi := s.formNum(label)
	if fi < 0 {
		return 0, fmt.Errorf("%w: label %s in scheme %s", ErrNoForm, FormatLabel(label), s)
	}
	cur := s[fi]
	if len(s) == 1 || label&mask64(cur.Size()) == 1 {
		if to == 0 || to == Canonical {
			return label, nil
		}
		if len(s) == 1 {
			return 0, fmt.Errorf("%w: form %d, fixed-width scheme %s has only form 0", ErrBadForm, to, s)
		}
		return 0, fmt.Errorf("%w: label %s starts with the self route, it converts only to form 0",
			ErrSelfRoute, FormatLabel(label))
	}
	v358 := s.is358()
	rest := label >> cur.PrefixLen
	dir := rest & mask64(uint(cur.BitCount))
	rest >>= cur.BitCount
	if v358 {
		if cur.Prefix&mask32(cur.PrefixLen) == 1 {
			if dir <= 1 {
				dir ^= 1
			}
		} else if dir > 0 {
			dir++
		}
	}
	if to == Canonical {
		minA := log2(dir) + 1
		d := dir
		if d > 0 {
			d--
		}
		minB := log2(d) + 1
		for i, f := range s {
			min := minB
			if f.Prefix&mask32(f.PrefixLen) == 1 {
				min = minA
			}
			if uint(f.BitCount) >= min {
				to = i
				break
			}
		}
		if to == Canonical {
			return 0, fmt.Errorf("%w: director %d of label %s fits no form of %s",
				ErrBadForm, dir, FormatLabel(label), s)
		}
	}
	if to >= len(s) {
		return 0, fmt.Errorf("%w: form %d, scheme %s has forms 0..%d", ErrBadForm, to, s, len(s)-1)
	}
	next := s[to]
	if v358 {
		if next.Prefix&mask32(next.PrefixLen) == 1 {
			if dir <= 1 {
				dir ^= 1
			}
		} else if dir > 0 {
			dir--
		}
	}
	if log2(dir)+1 > uint(next.BitCount) {
		return 0, fmt.Errorf("%w: director of label %s needs %d bits, form %d has %d",
			ErrBadForm, FormatLabel(label), log2(dir)+1, to, next.BitCount)
	}
	if log2(rest)+next.Size() > MaxLabelBits {
		return 0, fmt.Errorf("%w: label %s in form %d would need %d bits, more than %d",
			ErrLabelTooLong, FormatLabel(label), to, log2(rest)+next.Size(), MaxLabelBits)
	}
	out := (rest<<next.BitCount|dir)<<next.PrefixLen | uint64(next.Prefix)
	if out&mask64(next.Size()) == 1 {
		return 0, fmt.Errorf("%w: label %s in form %d would read as the self route",
			ErrSelfRoute, FormatLabel(label), to)
	}
	return out, nil
}

// LabelFor is cjdns' NumberCompress_getLabelFor: before handing the label
// target (a path starting at this switch) to the node at whoIsAsking, widen
// target's first director to whoIsAsking's form when that is wider, so the
// switch can fit the asker's return director. Otherwise target is returned
// as is. As in cjdns, bits shifted past bit 63 while widening are lost, and
// interface 1 stays 0001 (padded with zeros).
//
// cjdns compiles this for v358 only; for other schemes the forms are
// compared by size, and the widened director uses whoIsAsking's form.
func (s Scheme) LabelFor(target, whoIsAsking uint64) (uint64, error) {
	if err := s.Validate(); err != nil {
		return 0, err
	}
	tf, af := s.formNum(target), s.formNum(whoIsAsking)
	if tf < 0 {
		return 0, fmt.Errorf("%w: target %s in scheme %s", ErrNoForm, FormatLabel(target), s)
	}
	if af < 0 {
		return 0, fmt.Errorf("%w: asker %s in scheme %s", ErrNoForm, FormatLabel(whoIsAsking), s)
	}
	tb, ab := s[tf].Size(), s[af].Size()
	if tb >= ab {
		return target, nil
	}
	v358 := s.is358()
	f := s[tf]
	n := s.fieldToNum(tf, target>>f.PrefixLen&mask64(uint(f.BitCount)), v358)
	d, ok := s.compress(n, af, v358)
	if !ok {
		return 0, fmt.Errorf("%w: interface %d in form %d of scheme %s", ErrBadForm, n, af, s)
	}
	return (target&^mask64(tb))<<(ab-tb) | d, nil
}
