package hdl

import (
	"fmt"
	"math/big"
	"math/bits"
	"reflect"
)

// Value is anything usable as an operand: a *Signal (port, wire, register)
// or an *Expr.
type Value interface {
	// Width is the number of bits.
	Width() int
	expr() *Expr
}

type exprKind uint8

const (
	kOp       exprKind = iota // a netlist operator (Op) over args
	kSig                      // reference to a Signal
	kSyncRead                 // data of a synchronous memory read port
	kInstOut                  // output of a submodule instance
)

// Expr is a node of the builder's expression tree (a DAG when nodes are
// shared). Build it with the package functions; it is immutable.
type Expr struct {
	kind  exprKind
	op    Op
	width int
	args  []*Expr
	value []uint64
	n     int
	sig   *Signal
	mem   *Memory
	port  int
	inst  *Instance
	pname string
	loc   Loc
	err   string
}

// Width is the number of bits of the expression's value.
func (e *Expr) Width() int  { return e.width }
func (e *Expr) expr() *Expr { return e }

// String describes the node for error messages.
func (e *Expr) String() string {
	switch e.kind {
	case kSig:
		return e.sig.name
	case kSyncRead:
		return fmt.Sprintf("%s.read%d", e.mem.name, e.port)
	case kInstOut:
		return e.inst.name + "." + e.pname
	}
	return fmt.Sprintf("%s[%d]", e.op, e.width)
}

// toExpr turns a Value into its node, or an error node for nil.
func toExpr(v Value, loc Loc) *Expr {
	if v == nil || (reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil()) {
		return &Expr{kind: kOp, op: OpConst, width: 1, value: []uint64{0}, loc: loc, err: "nil operand"}
	}
	return v.expr()
}

func newOp(op Op, w int, loc Loc, args ...Value) *Expr {
	e := &Expr{kind: kOp, op: op, width: w, loc: loc}
	for _, a := range args {
		e.args = append(e.args, toExpr(a, loc))
	}
	if w < 1 || w > MaxWidth {
		e.fail("result width %d out of range 1..%d", w, MaxWidth)
		e.width = 1
	}
	return e
}

func (e *Expr) fail(format string, args ...any) *Expr {
	if e.err == "" {
		e.err = fmt.Sprintf(format, args...)
	}
	return e
}

func constExpr(words []uint64, w int, loc Loc) *Expr {
	e := &Expr{kind: kOp, op: OpConst, width: w, loc: loc}
	if w < 1 || w > MaxWidth {
		e.width = 1
		e.value = []uint64{0}
		return e.fail("constant width %d out of range 1..%d", w, MaxWidth)
	}
	if !fits(words, w) {
		e.value = make([]uint64, Words(w))
		return e.fail("constant %s does not fit in %d bits (nothing is truncated silently)", BigFromWords(words), w)
	}
	e.value = normWords(words, w)
	return e
}

// Const is the w-bit constant v. v must fit in w bits.
func Const(v uint64, w int) *Expr { return constExpr([]uint64{v}, w, callerLoc()) }

// ConstS is the w-bit two's complement constant v; v must fit in w signed bits.
func ConstS(v int64, w int) *Expr {
	loc := callerLoc()
	if w < 1 || w > MaxWidth {
		return constExpr(nil, w, loc)
	}
	b := big.NewInt(v)
	lim := new(big.Int).Lsh(big.NewInt(1), uint(w-1))
	if b.Cmp(lim) >= 0 || b.Cmp(new(big.Int).Neg(lim)) < 0 {
		e := constExpr(nil, w, loc)
		return e.fail("signed constant %d does not fit in %d bits", v, w)
	}
	if v < 0 {
		b.Add(b, new(big.Int).Lsh(big.NewInt(1), uint(w)))
	}
	words, _ := WordsFromBig(b, w)
	return constExpr(words, w, loc)
}

// ConstWords is the w-bit constant given as little-endian 64-bit words.
func ConstWords(words []uint64, w int) *Expr { return constExpr(words, w, callerLoc()) }

// ConstBig is the w-bit constant v (v >= 0, fitting in w bits).
func ConstBig(v *big.Int, w int) *Expr {
	loc := callerLoc()
	words, err := WordsFromBig(v, max(w, 1))
	if err != nil {
		return constExpr(make([]uint64, 1), 1, loc).fail("%v", err)
	}
	return constExpr(words, w, loc)
}

// binSame builds an op whose operands and result share one width.
func binSame(op Op, name string, a, b Value, loc Loc) *Expr {
	ea, eb := toExpr(a, loc), toExpr(b, loc)
	e := newOp(op, ea.width, loc, ea, eb)
	if ea.width != eb.width {
		e.fail("%s: operand widths differ (%d vs %d); extend one explicitly with ZExt/SExt", name, ea.width, eb.width)
	}
	return e
}

// Add is a+b modulo 2^w; both operands must have width w.
func Add(a, b Value) *Expr { return binSame(OpAdd, "Add", a, b, callerLoc()) }

// Sub is a-b modulo 2^w; both operands must have width w.
func Sub(a, b Value) *Expr { return binSame(OpSub, "Sub", a, b, callerLoc()) }

// Mul is a*b modulo 2^w; both operands must have width w. Use MulW for the
// full product.
func Mul(a, b Value) *Expr { return binSame(OpMul, "Mul", a, b, callerLoc()) }

// Div is the unsigned quotient a/b (0 when b is 0); equal widths.
func Div(a, b Value) *Expr { return binSame(OpDiv, "Div", a, b, callerLoc()) }

// Mod is the unsigned remainder a%b (0 when b is 0); equal widths.
func Mod(a, b Value) *Expr { return binSame(OpMod, "Mod", a, b, callerLoc()) }

// widen zero-extends both operands to w, which must be at least their widths.
func widen(op Op, name string, a, b Value, w int, loc Loc) *Expr {
	ea, eb := toExpr(a, loc), toExpr(b, loc)
	if w < ea.width || w < eb.width {
		e := newOp(op, max(w, 1), loc, ea, eb)
		return e.fail("%s: result width %d is narrower than an operand (%d, %d); slice the result instead", name, w, ea.width, eb.width)
	}
	return newOp(op, w, loc, zext(ea, w, loc), zext(eb, w, loc))
}

// AddW is a+b with operands zero-extended to the explicit result width w
// (w >= both widths), modulo 2^w. AddW(a, b, max(wa,wb)+1) keeps the carry.
func AddW(a, b Value, w int) *Expr { return widen(OpAdd, "AddW", a, b, w, callerLoc()) }

// SubW is a-b with operands zero-extended to w, modulo 2^w.
func SubW(a, b Value, w int) *Expr { return widen(OpSub, "SubW", a, b, w, callerLoc()) }

// MulW is a*b with operands zero-extended to w, modulo 2^w;
// MulW(a, b, wa+wb) is the full unsigned product. For a signed product,
// SExt the operands to w first.
func MulW(a, b Value, w int) *Expr { return widen(OpMul, "MulW", a, b, w, callerLoc()) }

func chain(op Op, name string, a, b Value, more []Value, loc Loc) *Expr {
	e := binSame(op, name, a, b, loc)
	for _, m := range more {
		e = binSame(op, name, e, m, loc)
	}
	return e
}

// And is the bitwise AND of equal-width operands.
func And(a, b Value, more ...Value) *Expr { return chain(OpAnd, "And", a, b, more, callerLoc()) }

// Or is the bitwise OR of equal-width operands.
func Or(a, b Value, more ...Value) *Expr { return chain(OpOr, "Or", a, b, more, callerLoc()) }

// Xor is the bitwise XOR of equal-width operands.
func Xor(a, b Value, more ...Value) *Expr { return chain(OpXor, "Xor", a, b, more, callerLoc()) }

// Not is the bitwise complement.
func Not(a Value) *Expr {
	loc := callerLoc()
	ea := toExpr(a, loc)
	return newOp(OpNot, ea.width, loc, ea)
}

func shiftConst(op Op, name string, a Value, n int, loc Loc) *Expr {
	ea := toExpr(a, loc)
	w := ea.width
	switch {
	case n < 0:
		return newOp(op, w, loc, ea).fail("%s: negative shift amount %d", name, n)
	case n == 0:
		return ea
	case n >= w && op == OpSra:
		return repl(slice(ea, w-1, 1, loc), w, loc)
	case n >= w:
		return constExpr(nil, w, loc)
	}
	e := newOp(op, w, loc, ea)
	e.n = n
	return e
}

// Shl shifts left by the constant n (n >= width gives 0).
func Shl(a Value, n int) *Expr { return shiftConst(OpShl, "Shl", a, n, callerLoc()) }

// Shr shifts right, logically, by the constant n (n >= width gives 0).
func Shr(a Value, n int) *Expr { return shiftConst(OpShr, "Shr", a, n, callerLoc()) }

// Sra shifts right arithmetically (sign fill) by the constant n.
func Sra(a Value, n int) *Expr { return shiftConst(OpSra, "Sra", a, n, callerLoc()) }

// shiftVar builds a shift by a signal. An amount wider than needed to count
// to the width is saturated first (any upper bit set means "shift it all
// out"), so the emitted amount is never wider than bits.Len(width): Verilog
// tools reject or mistreat very wide shift amounts.
func shiftVar(op Op, a, amt Value, loc Loc) *Expr {
	ea, eb := toExpr(a, loc), toExpr(amt, loc)
	k := bits.Len(uint(ea.width))
	if eb.width > k {
		big := newOp(OpRedOr, 1, loc, slice(eb, k, eb.width-k, loc))
		ones := constExpr([]uint64{uint64(1)<<uint(k) - 1}, k, loc)
		eb = mux(big, ones, slice(eb, 0, k, loc), loc)
	}
	return newOp(op, ea.width, loc, ea, eb)
}

// ShlV shifts a left by the unsigned value amt (any width); >= width gives 0.
func ShlV(a, amt Value) *Expr { return shiftVar(OpShlV, a, amt, callerLoc()) }

// ShrV shifts a right logically by amt; >= width gives 0.
func ShrV(a, amt Value) *Expr { return shiftVar(OpShrV, a, amt, callerLoc()) }

// SraV shifts a right arithmetically by amt; >= width gives the sign fill.
func SraV(a, amt Value) *Expr { return shiftVar(OpSraV, a, amt, callerLoc()) }

func cmp(op Op, name string, a, b Value, swap bool, loc Loc) *Expr {
	ea, eb := toExpr(a, loc), toExpr(b, loc)
	if swap {
		ea, eb = eb, ea
	}
	e := newOp(op, 1, loc, ea, eb)
	if ea.width != eb.width {
		e.fail("%s: operand widths differ (%d vs %d)", name, ea.width, eb.width)
	}
	return e
}

// Eq is 1 when a == b (equal widths).
func Eq(a, b Value) *Expr { return cmp(OpEq, "Eq", a, b, false, callerLoc()) }

// Ne is 1 when a != b.
func Ne(a, b Value) *Expr { return cmp(OpNe, "Ne", a, b, false, callerLoc()) }

// Lt is 1 when a < b, unsigned.
func Lt(a, b Value) *Expr { return cmp(OpLtU, "Lt", a, b, false, callerLoc()) }

// Le is 1 when a <= b, unsigned.
func Le(a, b Value) *Expr { return cmp(OpLeU, "Le", a, b, false, callerLoc()) }

// Gt is 1 when a > b, unsigned.
func Gt(a, b Value) *Expr { return cmp(OpLtU, "Gt", a, b, true, callerLoc()) }

// Ge is 1 when a >= b, unsigned.
func Ge(a, b Value) *Expr { return cmp(OpLeU, "Ge", a, b, true, callerLoc()) }

// SLt is 1 when a < b as two's complement numbers.
func SLt(a, b Value) *Expr { return cmp(OpLtS, "SLt", a, b, false, callerLoc()) }

// SLe is 1 when a <= b as two's complement numbers.
func SLe(a, b Value) *Expr { return cmp(OpLeS, "SLe", a, b, false, callerLoc()) }

// SGt is 1 when a > b as two's complement numbers.
func SGt(a, b Value) *Expr { return cmp(OpLtS, "SGt", a, b, true, callerLoc()) }

// SGe is 1 when a >= b as two's complement numbers.
func SGe(a, b Value) *Expr { return cmp(OpLeS, "SGe", a, b, true, callerLoc()) }

func reduce(op Op, a Value, loc Loc) *Expr { return newOp(op, 1, loc, toExpr(a, loc)) }

// AndR is 1 when every bit of a is 1.
func AndR(a Value) *Expr { return reduce(OpRedAnd, a, callerLoc()) }

// OrR is 1 when any bit of a is 1.
func OrR(a Value) *Expr { return reduce(OpRedOr, a, callerLoc()) }

// XorR is the parity of a.
func XorR(a Value) *Expr { return reduce(OpRedXor, a, callerLoc()) }

// Mux is ifTrue when sel (1 bit) is 1, else ifFalse (equal widths).
func Mux(sel, ifTrue, ifFalse Value) *Expr { return mux(sel, ifTrue, ifFalse, callerLoc()) }

// MuxTree picks vals[sel] with a balanced tree of 2:1 multiplexers on the
// bits of sel, least significant first: on LUT4 FPGAs it maps better than
// a chain of compares. At a level with an odd count the last value passes
// up unchanged, so an index past the list (sel never takes one) picks some
// listed value. vals must not be empty.
func MuxTree(sel Value, vals []Value) Value {
	level := vals
	for b := 0; len(level) > 1; b++ {
		next := make([]Value, (len(level)+1)/2)
		for i := range next {
			if 2*i+1 < len(level) {
				next[i] = Mux(Bit(sel, b), level[2*i+1], level[2*i])
			} else {
				next[i] = level[2*i]
			}
		}
		level = next
	}
	return level[0]
}

func mux(sel, t, f Value, loc Loc) *Expr {
	es, et, ef := toExpr(sel, loc), toExpr(t, loc), toExpr(f, loc)
	e := newOp(OpMux, et.width, loc, es, et, ef)
	if es.width != 1 {
		e.fail("Mux: select is %d bits, want 1", es.width)
	}
	if et.width != ef.width {
		e.fail("Mux: arm widths differ (%d vs %d)", et.width, ef.width)
	}
	return e
}

func slice(a *Expr, lo, w int, loc Loc) *Expr {
	if lo == 0 && w == a.width {
		return a
	}
	e := newOp(OpSlice, max(w, 1), loc, a)
	e.n = lo
	if lo < 0 || w < 1 || lo+w > a.width {
		e.fail("Slice: bits [%d:%d] outside a %d-bit value", lo+w-1, lo, a.width)
	}
	return e
}

// Slice is a[hi:lo] (inclusive, hi >= lo), as in Verilog.
func Slice(a Value, hi, lo int) *Expr {
	loc := callerLoc()
	return slice(toExpr(a, loc), lo, hi-lo+1, loc)
}

// Bit is the single bit a[i].
func Bit(a Value, i int) *Expr {
	loc := callerLoc()
	return slice(toExpr(a, loc), i, 1, loc)
}

// Concat joins parts, the first most significant, as Verilog {a, b, c}.
func Concat(parts ...Value) *Expr {
	loc := callerLoc()
	if len(parts) == 0 {
		return constExpr(nil, 1, loc).fail("Concat: no parts")
	}
	if len(parts) == 1 {
		return toExpr(parts[0], loc)
	}
	w := 0
	for _, p := range parts {
		w += toExpr(p, loc).width
	}
	return newOp(OpConcat, w, loc, parts...)
}

func repl(a *Expr, n int, loc Loc) *Expr {
	if n == 1 {
		return a
	}
	e := newOp(OpRepl, max(a.width*n, 1), loc, a)
	e.n = n
	if n < 1 {
		e.fail("Repl: count %d < 1", n)
	}
	return e
}

// Repl is a repeated n times, as Verilog {n{a}}.
func Repl(a Value, n int) *Expr {
	loc := callerLoc()
	return repl(toExpr(a, loc), n, loc)
}

func zext(a *Expr, w int, loc Loc) *Expr {
	if w == a.width {
		return a
	}
	e := newOp(OpZext, w, loc, a)
	if w < a.width {
		e.fail("ZExt: target width %d is narrower than %d; use Slice to drop bits", w, a.width)
	}
	return e
}

// ZExt zero-extends a to w bits (w >= width; equal returns a).
func ZExt(a Value, w int) *Expr {
	loc := callerLoc()
	return zext(toExpr(a, loc), w, loc)
}

// SExt sign-extends a to w bits (w >= width; equal returns a).
func SExt(a Value, w int) *Expr {
	loc := callerLoc()
	ea := toExpr(a, loc)
	if w == ea.width {
		return ea
	}
	e := newOp(OpSext, w, loc, ea)
	if w < ea.width {
		e.fail("SExt: target width %d is narrower than %d; use Slice to drop bits", w, ea.width)
	}
	return e
}

// Arm is one choice of Case or Priority: Match is compared with the Case
// selector (or, for Priority, is the 1-bit condition); Result is chosen.
type Arm struct {
	Match, Result Value
	loc           Loc
}

// When makes an Arm.
func When(match, result Value) Arm { return Arm{Match: match, Result: result, loc: callerLoc()} }

// Case selects the Result of the first arm whose Match equals sel, or def.
// Every Match has sel's width and every Result has def's width.
func Case(sel, def Value, arms ...Arm) *Expr {
	loc := callerLoc()
	res := toExpr(def, loc)
	for i := len(arms) - 1; i >= 0; i-- {
		a := arms[i]
		res = mux(cmp(OpEq, "Case", sel, a.Match, false, a.loc), a.Result, res, a.loc)
	}
	return res
}

// Priority selects the Result of the first arm whose 1-bit Match is 1, or
// def when none is.
func Priority(def Value, arms ...Arm) *Expr {
	loc := callerLoc()
	res := toExpr(def, loc)
	for i := len(arms) - 1; i >= 0; i-- {
		a := arms[i]
		res = mux(a.Match, a.Result, res, a.loc)
	}
	return res
}
