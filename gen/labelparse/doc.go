// Package labelparse generates the label parser of pipeline step 4 of
// DESIGN.md: one cjdns switch hop per clock, bit-exact with
// label.Scheme.Forward for any encoding scheme label.Scheme.Validate
// accepts (V358 by default), plus pktrouter's virtual-router rule. It
// comes in two forms with the same ports, timing and results: the
// pipelined block (the default), which takes a new header every clock,
// and the held-input block (Config.HeldInput, see "Held input" below),
// for a caller such as the device's header unit that holds a header on
// the inputs until it has read the result, at less than a quarter of the
// pipelined block's flip-flops and half its block RAM.
//
// # Ports
//
// clk and rst are implicit; rst clears the valid bits of the pipeline only
// (the index table is block RAM and keeps its contents).
//
//	in  in_valid, in_hdr[96], in_from[AW]        one header per clock, no back-pressure (held input: see below)
//	in  tbl_we, tbl_addr[AW], tbl_wdata[EW]      index table write port (CSR side)
//	out out_valid, out_result[3], out_to[AW], out_hdr[96],
//	    out_from[AW], out_port[PortBits], out_tag[TagBits]
//
// AW = max(1, bitlen(Interfaces-1)). in_hdr is the 12-byte switch header
// read as one big-endian number (byte 0 in bits 95..88): label in 95..32,
// congestion 31..25, suppress-errors 24, version 23..22, labelShift 21..16,
// traffic class 15..0. A header presented with in_valid in clock c comes
// out in clock c+[Latency] (5) with out_valid; out_* are 0 when out_valid
// is 0.
//
// # Index table
//
// Interfaces words of EW = 1+VRBits+TagBits+PortBits bits,
// {valid, vr, tag, port} from the most significant bit (see Config.Pack),
// all zero at power-on. The table is read two clocks after a header
// enters, read-first, so a write presented in clock w is seen by every
// header presented in clock w-1 or later and by none before. valid is
// label.Forward's present(n); interface 1 (self, the CPU port) is always
// present whatever its valid bit says, as in cjdns, but its port, tag and
// vr are read from the table.
//
// # Results and precedence
//
// out_result is a Result. The cjdns checks come first, in SwitchCore's
// order (see label.Scheme.Forward): no form / self not 0001 / return
// director too wide (MalformedAddress), ingress not representable
// (BadIngress, in Forward's place: right after the form check), cjdns
// issue #93 (ReturnPathInvalid), egress absent (UnknownInterface: cjdns
// sends MALFORMED_ADDRESS for it; the hardware tells it apart so counters
// can), return director not fitting (ReturnPathInvalid), labelShift past 63
// (ShiftOverflow, a silent drop). Only a packet cjdns would forward is then
// held to the virtual-router rule: VRMismatch when the egress interface's
// vr differs from the ingress interface's. The rule does not apply when
// either side is interface 1: the onboard router serves every virtual
// router (control traffic, error frames, the route server). An ingress
// number >= Interfaces is BadIngress.
//
// On any result but Forward, out_hdr is in_hdr unchanged and out_to,
// out_port and out_tag are 0, as label.Forward returns the header
// unchanged with its errors. The traffic class is never rewritten (cjdns
// writes 0xffff; pktrouter keeps it, it carries the customer bit and the
// priority).
//
// # Pipeline
//
// Five register stages, so that every path is a few LUT levels for 125 MHz
// on iCE40 (measured: testbenches/labelparse/SYNTH.md):
//
//  1. input register;
//  2. director decode: each form's prefix match, data field and interface
//     number (v358 0/1 swap and skip of 1, or low-bit flip), the zero tests
//     the width rules need, whether labelShift + each form's width passes
//     63, and the per-ingress constants from a ROM indexed by in_from
//     (representable, canonical form, "fits" bits), computed at generation
//     time with label's public API;
//  3. width rules and cjdns error precedence, the form the hop uses (as a
//     binary code) and its overflow; the index table is read (two
//     synchronous read ports, egress and ingress);
//  4. presence and the virtual-router compare, straight out of the block
//     RAM (its clock-to-out alone is a quarter of the 8 ns clock), and the
//     return-director-fit and shift-overflow checks folded into one code
//     and one "every other check passed" bit;
//  5. the result select into the output registers, and the header: one
//     multiplexer per bit picks the header unchanged or the hop through
//     the chosen form (label shifted down, the return director in the top
//     bits, labelShift + width from an adder per form). The return
//     director is made from the ingress number by the inverse of the
//     director decode (v358: 0/1 swap or n-1, below the form's prefix;
//     0001 for self), bit-reversed by wiring, and checked at generation
//     time against label.Scheme.Compress for every interface number, with
//     the ingress ROM as the fallback.
//
// Only one copy of the header goes down the pipeline: the shifted label
// is built at the end from the unchanged one, by the multiplexer that
// also keeps the header unchanged on an error, instead of carrying an old
// and a new header through stages 3 and 4; the return directors and the
// new labelShift are made there too, from the ingress number and the
// header that travel anyway (at ref4: 790 -> 624 flip-flops, 498 -> 406
// LUT4, testbenches/labelparse/SYNTH.md).
//
// # Held input
//
// With Config.HeldInput the block is module labelparse_held_..., for a
// caller that holds its input. Contract: a header presented with
// in_valid in clock c stays on in_hdr and in_from through clock
// c+Latency-1, and through every later clock in which out_hdr or
// out_from is read (the device holds the header for the whole frame).
// in_valid may stay high while the header holds: each such clock
// presents it again, as it would to the pipelined block. Whenever the
// contract holds, out_valid pulses in clock c+Latency and out_* in that
// clock are the pipelined block's, bit for bit; the index table keeps the
// same timing (a write in clock w is seen by every header presented in
// clock w-1 or later and by none before). A header's first presentation
// is in_valid after a clock without, which the contract implies for a new
// header.
//
// The pipelined block copies the header (and in_from) down every stage
// because the next clock brings another one; with a held input nothing
// needs copying. The decode and the width rules read the inputs directly
// in whichever clock needs them, and only what can change while a header
// holds is registered: the valid bits (the schedule), the index table's
// entries, and the results.
//
// The index table is one block RAM with one read port (the pipelined
// block has two, the egress and the ingress entry read in one clock, so
// two block RAMs). A header's first presentation (in_valid after a clock
// without) reads the ingress entry in its clock c and the egress entry
// in c+1, from the registered egress number; each entry (the ingress
// one's virtual router only) then lives in a register that follows the
// writes to its interface a clock late, from a register of the written
// word, and takes the read word unless a write to it came in the clock
// of the read. So in clock c+3 the registers hold the entries as the
// pipelined block reads them (every write up to clock c+1), a clock later
// as its read for the header presented again in c+1, and so on; what
// they say (presence, virtual-router mismatch, port, tag) is registered
// for the result in c+4. The read port's word is never used after a
// same-clock write to that word, so the block RAM needs no
// read-during-write bypass (hdl.MemNoRWCheck). The table has a word for
// every address (2^AW), so the read port needs no range compare; the
// words past Interfaces are never used.
//
// The few sums and comparisons with constants (v358's n+1 and n-1,
// labelShift plus a form's width, past 63, inside the table) are plain
// logic rather than adders, which Yosys maps to a carry chain that costs
// a logic cell per bit on iCE40; the pipelined block keeps the adders
// its 125 MHz figures were measured with.
//
// So out_* behave differently when out_valid is 0: out_result, out_to,
// out_port, out_tag and out_hdr's label (95..32) and labelShift (21..16)
// are registers loaded in clock c+Latency-1 that hold until the next
// header's results (0 after rst), and out_hdr's other fields (31..22,
// 15..0), which a hop never changes, are in_hdr's and out_from is in_from,
// through no register. The hop's header is still built by the one
// multiplexer per bit of stage 5 above, from the held input.
//
// At the device's parameters this is 252 LUT4, 141 flip-flops, no
// SB_CARRY and one block RAM, against 412, 628, 61 and two for the
// pipelined block (testbenches/labelparse/SYNTH.md).
package labelparse
