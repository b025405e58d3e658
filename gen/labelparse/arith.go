package labelparse

import "github.com/pktnetwork/pktrouter/gen/hdl"

// arith builds the block's few sums and comparisons with constants (the
// v358 interface number n+1 and n-1, labelShift + a form's width, whether
// it passes 63, whether an interface number is inside the table) either
// as hdl operators or, with gates set, as plain logic. Yosys maps the
// operators to SB_CARRY chains on iCE40, fast but a logic cell per bit
// that nothing else can share when the other operand is a constant; as
// logic, a comparison with a constant of six to nine bits is two or three
// LUT4s and an increment a LUT4 or two per bit. The pipelined block keeps
// the operators (its 125 MHz timing was measured with them); the
// held-input block, at the device's 12 MHz, uses gates.
type arith struct{ gates bool }

// add is v + c, at v's width (the carry out dropped).
func (a arith) add(v hdl.Value, c uint64) hdl.Value {
	w := v.Width()
	if !a.gates {
		return hdl.Add(v, hdl.Const(c, w))
	}
	out := make([]hdl.Value, w) // most significant first, for Concat
	var carry hdl.Value
	for i := range w {
		vi := hdl.Bit(v, i)
		one := c>>i&1 == 1
		switch {
		case carry == nil && one:
			out[w-1-i], carry = hdl.Not(vi), vi
		case carry == nil:
			out[w-1-i] = vi
		case one:
			out[w-1-i], carry = hdl.Not(hdl.Xor(vi, carry)), hdl.Or(vi, carry)
		default:
			out[w-1-i], carry = hdl.Xor(vi, carry), hdl.And(vi, carry)
		}
	}
	return hdl.Concat(out...)
}

// dec is v - 1, at v's width.
func (a arith) dec(v hdl.Value) hdl.Value {
	w := v.Width()
	if !a.gates {
		return hdl.Sub(v, hdl.Const(1, w))
	}
	return a.add(v, uint64(1)<<w-1) // v + (2^w - 1) = v - 1 mod 2^w
}

// lt is v < c, unsigned.
func (a arith) lt(v hdl.Value, c uint64) hdl.Value {
	w := v.Width()
	if !a.gates {
		return hdl.Lt(v, hdl.Const(c, w))
	}
	if w < 64 && c>>w != 0 {
		return hdl.Const(1, 1)
	}
	// From the least significant bit up: v[i:0] < c[i:0] when v_i < c_i,
	// or v_i == c_i and v[i-1:0] < c[i-1:0].
	var lt hdl.Value
	for i := range w {
		nv := hdl.Not(hdl.Bit(v, i))
		switch one := c>>i&1 == 1; {
		case lt == nil && one:
			lt = nv
		case lt == nil:
			// v[i:0] < 0 is never true; stays unset until c's lowest 1.
		case one:
			lt = hdl.Or(nv, lt)
		default:
			lt = hdl.And(nv, lt)
		}
	}
	if lt == nil {
		return hdl.Const(0, 1) // c == 0
	}
	return lt
}

// ge is v >= c, unsigned.
func (a arith) ge(v hdl.Value, c uint64) hdl.Value {
	if !a.gates {
		return hdl.Ge(v, hdl.Const(c, v.Width()))
	}
	return hdl.Not(a.lt(v, c))
}
