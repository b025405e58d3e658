// Package label is cjdns compact source routing, bit-exact with cjdns v22:
// the switch header, encoding schemes, director compression, label
// splicing, one switch hop, and the CTRL frames a switch answers with.
// It is the golden model the label-parse hardware block is tested against,
// and the library hostd and the CLI use to build and read paths. It imports
// only the standard library.
//
// # Compact source routing
//
// A cjdns packet carries its whole path in a 64-bit label. The path is a
// string of directors, read from the least significant bit up; each switch
// on the way reads the lowest director (its own interface number, written in
// its own encoding scheme), shifts it out, and writes the director of the
// interface the packet came in on, bit-reversed, into the top bits the
// shift freed. By the time the packet arrives, the top of the label holds
// the path back, in reverse: bit-reversing the whole label gives the return
// path, without any switch knowing another's scheme. The path ends in the
// self route 1 (binary 0001), so the highest set bit marks the end of a path,
// which is what lets paths be spliced (Splice) and cut (Unsplice).
//
// An encoding scheme (Scheme) is a list of forms: fixed width (F4, F8) or
// variable width, where a short prefix in the director's low bits says how
// wide it is (V4x8, and V358, the "v3x5x8" every cjdns node uses). A switch
// must write the return director in as many bits as it removed; when the
// ingress interface needs more, the path is unusable (see Forward), so
// whoever builds paths widens the first director first (ConvertLabel,
// LabelFor).
//
// # cjdns behaviour reproduced, quirks included
//
//   - v358 is detected by exact comparison of the forms (EncodingScheme_is358)
//     and only then: in the 3-bit form 0 and 1 are swapped so that 0001 is
//     interface 1 (self) and 0011 is interface 0; the 5- and 8-bit forms skip
//     1, storing n-1, so v358 reaches interface 256. Other variable schemes
//     flip the low bit of the number (0 and 1 swap); fixed schemes store the
//     number as is.
//   - Interface 1 is always written 0001, in any form (NumberCompress), so a
//     wide return director for the self interface is 0...0001. Compress
//     follows this; cjdns' serializeDirector writes 1 in a wide v358 form as
//     the director of 0, a bug Compress does not copy since SwitchCore never
//     uses it.
//   - In V4x8 an all-zero 9-bit director decodes to 1; SwitchCore refuses it
//     (MALFORMED_ADDRESS) because 1 must be written 0001. The whitepaper's
//     "alias any director ending in 0001 to self" is not implemented by cjdns
//     for fixed-width schemes and not here: in F8, 0x11 is interface 17.
//   - Form detection (getFormNum): a single-form scheme matches any label;
//     otherwise the first form whose prefix matches, in order.
//   - ConvertLabel (EncodingScheme_convertLabel): a fixed scheme, or a label
//     that is the self route, converts only to form 0 / Canonical and comes
//     back unchanged; conversion fails if the director does not fit, if the
//     rest of the label plus the new form passes 59 bits, or if the result
//     would read as the self route. Canonical counts one bit less for forms
//     whose prefix is not 1; for schemes other than v358 this can pick a form
//     one bit too narrow, and then fails, as cjdns does.
//   - EncodingScheme_isSane: 1..31 forms; fixed width has no prefix and
//     1..31 bits; variable width forms have 1..31 bit prefixes, 1..31 bits,
//     at most 59 bits in all, strictly increasing bit counts, and no prefix
//     equal to another's cut to its length. The serialized form is 5 bits
//     prefix length, 5 bits bit count, then the prefix, packed LSB first,
//     little-endian; the decoder tolerates a few trailing zero bytes (those
//     its 56-bit window loads) and nothing else.
//   - IsOneHop is log2(label) == first form's size; the self route 1 is not
//     one hop.
//   - Splice refuses when log2(goHere)+log2(viaHere) > 59; RoutesThrough is
//     true for mid 0 or 1 and false whenever mid > dst.
//   - LabelFor (NumberCompress_getLabelFor) widens the target's first
//     director to the asker's width; bits pushed past bit 63 are lost.
//   - SwitchCore (Forward): director read with the scheme; self must be
//     0001; a return director wider than the forward director is refused
//     (MALFORMED_ADDRESS), except toward self when the label's low
//     (return width + 4) bits are 0...0001 (then the director counts as that
//     wide; otherwise RETURN_PATH_INVALID, cjdns issue #93) and from self
//     when the label has enough free top bits; an absent egress interface
//     is MALFORMED_ADDRESS, checked after the width rules; the bit-reversed
//     return director is ORed into the top; labelShift += width, and a
//     packet that would pass 63 is dropped silently (ErrShiftOverflow)
//     after all other checks passed. No loop check. cjdns then sets the
//     traffic class to 0xffff; pktrouter keeps it (it carries the customer
//     bit and priority), the one deliberate difference.
//   - Error frames (sendError): nothing for a packet under 16 bytes or with
//     suppress-errors set; the cause is cut to 256 bytes; the reply's label
//     is the bit-reversed label as received, suppress-errors set, congestion
//     1 (cjdns' setter turns 0 into 1), version 1, traffic class 0xffff,
//     handle 0xffffffff, CTRL type 2 and the code, checksummed. cjdns leaves
//     the reply's labelShift as whatever bits lie in the buffer's headroom;
//     ErrorFrame writes 0 (the harness zeroes the headroom to compare).
//     cjdns' ControlHandler drops error messages under 40 bytes;
//     ParseErrorMsg accepts the 24-byte minimum the layout needs.
//   - The CTRL checksum is RFC 1071. cjdns sums host-order words and stores
//     the result in host order, which on the wire is the same as the
//     big-endian computation; an odd last byte is the high half of a word;
//     the length is taken mod 65536.
//
// # Speed
//
// Forward is the per-packet path of the model and of hostd's software
// switch: it does not allocate, and for v358 it decodes the director and
// looks up the return director in tables built at start-up from the
// general code (BenchmarkForward; about 10-12 ns of CPU per hop on the
// development VM).
//
// # Verified against compiled cjdns
//
// testdata/cjdns_vectors.json holds inputs and outputs recorded from
// compiled cjdns v22.3 (git f5902aca): switch/EncodingScheme.c,
// switch/NumberCompress.h (all four types), switch/LabelSplicer.h,
// util/Checksum.h and switch/SwitchCore.c's receiveMessage/sendError,
// built with gcc against stub headers and driven with random and edge-case
// inputs by a harness kept outside this repository (no cjdns code is in
// it). TestCjdnsVectors* replays them; CJDNS_VECTORS names a bigger file of
// the same shape. The vectors from cjdns' own tests
// (switch/test/*_test.c, util/test/Checksum_test.c, doc/Whitepaper.md) are
// in the table tests.
package label
