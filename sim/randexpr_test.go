package sim_test

import (
	"fmt"
	"math/big"
	"math/rand"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// A vloghammer-style generator: random expression trees kept in a small
// tree type of their own, so that they can be both built with gen/hdl and
// evaluated independently with math/big (the reference semantics written
// out a second time, from the hdl documentation, not from the simulator).

type node struct {
	op    string
	w     int
	kids  []*node
	n     int      // shift amount, slice low bit, replication count
	val   *big.Int // const
	input int      // input index
}

var widthChoices = []int{1, 2, 3, 5, 7, 8, 13, 16, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129}

type treeGen struct {
	r      *rand.Rand
	inputs []int // widths
}

func (g *treeGen) width() int { return widthChoices[g.r.Intn(len(widthChoices))] }

func (g *treeGen) constant(w int) *node {
	v := new(big.Int).Rand(g.r, new(big.Int).Lsh(big.NewInt(1), uint(w)))
	switch g.r.Intn(4) {
	case 0:
		v.SetInt64(0)
	case 1: // all ones or the sign bit: edge cases
		v.Sub(new(big.Int).Lsh(big.NewInt(1), uint(w)), big.NewInt(1))
	}
	return &node{op: "const", w: w, val: v}
}

func (g *treeGen) leaf() *node {
	if g.r.Intn(3) == 0 {
		return g.constant(g.width())
	}
	i := g.r.Intn(len(g.inputs))
	return &node{op: "in", w: g.inputs[i], input: i}
}

// fit coerces x to width w with a slice, zero or sign extension.
func (g *treeGen) fit(x *node, w int) *node {
	switch {
	case x.w == w:
		return x
	case x.w > w:
		lo := g.r.Intn(x.w - w + 1)
		return &node{op: "slice", w: w, kids: []*node{x}, n: lo}
	case g.r.Intn(2) == 0:
		return &node{op: "zext", w: w, kids: []*node{x}}
	default:
		return &node{op: "sext", w: w, kids: []*node{x}}
	}
}

var treeOps = []string{"add", "sub", "mul", "div", "mod", "and", "or", "xor", "not", "shl", "shr", "sra",
	"shlv", "shrv", "srav", "eq", "ne", "lt", "le", "gt", "ge", "slt", "sle", "sgt", "sge",
	"andr", "orr", "xorr", "mux", "slice", "concat", "repl", "zext", "sext", "addw", "mulw"}

func (g *treeGen) expr(depth int) *node {
	if depth == 0 || g.r.Intn(6) == 0 {
		return g.leaf()
	}
	op := treeOps[g.r.Intn(len(treeOps))]
	a := g.expr(depth - 1)
	switch op {
	case "add", "sub", "mul", "div", "mod", "and", "or", "xor":
		return &node{op: op, w: a.w, kids: []*node{a, g.fit(g.expr(depth-1), a.w)}}
	case "eq", "ne", "lt", "le", "gt", "ge", "slt", "sle", "sgt", "sge":
		return &node{op: op, w: 1, kids: []*node{a, g.fit(g.expr(depth-1), a.w)}}
	case "not", "andr", "orr", "xorr":
		w := a.w
		if op != "not" {
			w = 1
		}
		return &node{op: op, w: w, kids: []*node{a}}
	case "shl", "shr", "sra":
		return &node{op: op, w: a.w, kids: []*node{a}, n: g.r.Intn(a.w + 3)}
	case "shlv", "shrv", "srav":
		amt := g.expr(depth - 1)
		if amt.w > 8 && g.r.Intn(3) > 0 {
			amt = g.fit(amt, 1+g.r.Intn(8))
		}
		return &node{op: op, w: a.w, kids: []*node{a, amt}}
	case "mux":
		sel := g.fit(g.expr(depth-1), 1)
		return &node{op: op, w: a.w, kids: []*node{sel, a, g.fit(g.expr(depth-1), a.w)}}
	case "slice":
		w := 1 + g.r.Intn(a.w)
		return g.fit(a, w)
	case "concat":
		b := g.expr(depth - 1)
		if a.w+b.w > 200 {
			return a
		}
		return &node{op: op, w: a.w + b.w, kids: []*node{a, b}}
	case "repl":
		n := 1 + g.r.Intn(4)
		if a.w*n > 200 {
			return a
		}
		return &node{op: op, w: a.w * n, kids: []*node{a}, n: n}
	case "zext", "sext":
		return &node{op: op, w: a.w + g.r.Intn(70), kids: []*node{a}}
	case "addw", "mulw":
		b := g.expr(depth - 1)
		w := max(a.w, b.w) + g.r.Intn(a.w+b.w)
		return &node{op: op, w: w, kids: []*node{a, b}}
	}
	panic("unreachable: " + op)
}

// build turns a tree into an hdl expression over the given inputs.
func build(x *node, in []*hdl.Signal) hdl.Value {
	k := func(i int) hdl.Value { return build(x.kids[i], in) }
	switch x.op {
	case "const":
		words, err := hdl.WordsFromBig(x.val, x.w)
		if err != nil {
			panic(err)
		}
		return hdl.ConstWords(words, x.w)
	case "in":
		return in[x.input]
	case "add":
		return hdl.Add(k(0), k(1))
	case "sub":
		return hdl.Sub(k(0), k(1))
	case "mul":
		return hdl.Mul(k(0), k(1))
	case "div":
		return hdl.Div(k(0), k(1))
	case "mod":
		return hdl.Mod(k(0), k(1))
	case "and":
		return hdl.And(k(0), k(1))
	case "or":
		return hdl.Or(k(0), k(1))
	case "xor":
		return hdl.Xor(k(0), k(1))
	case "not":
		return hdl.Not(k(0))
	case "shl":
		return hdl.Shl(k(0), x.n)
	case "shr":
		return hdl.Shr(k(0), x.n)
	case "sra":
		return hdl.Sra(k(0), x.n)
	case "shlv":
		return hdl.ShlV(k(0), k(1))
	case "shrv":
		return hdl.ShrV(k(0), k(1))
	case "srav":
		return hdl.SraV(k(0), k(1))
	case "eq":
		return hdl.Eq(k(0), k(1))
	case "ne":
		return hdl.Ne(k(0), k(1))
	case "lt":
		return hdl.Lt(k(0), k(1))
	case "le":
		return hdl.Le(k(0), k(1))
	case "gt":
		return hdl.Gt(k(0), k(1))
	case "ge":
		return hdl.Ge(k(0), k(1))
	case "slt":
		return hdl.SLt(k(0), k(1))
	case "sle":
		return hdl.SLe(k(0), k(1))
	case "sgt":
		return hdl.SGt(k(0), k(1))
	case "sge":
		return hdl.SGe(k(0), k(1))
	case "andr":
		return hdl.AndR(k(0))
	case "orr":
		return hdl.OrR(k(0))
	case "xorr":
		return hdl.XorR(k(0))
	case "mux":
		return hdl.Mux(k(0), k(1), k(2))
	case "slice":
		return hdl.Slice(k(0), x.n+x.w-1, x.n)
	case "concat":
		return hdl.Concat(k(0), k(1))
	case "repl":
		return hdl.Repl(k(0), x.n)
	case "zext":
		return hdl.ZExt(k(0), x.w)
	case "sext":
		return hdl.SExt(k(0), x.w)
	case "addw":
		return hdl.AddW(k(0), k(1), x.w)
	case "mulw":
		return hdl.MulW(k(0), k(1), x.w)
	}
	panic("unknown op " + x.op)
}

func pow2(w int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(w)) }

func wrap(v *big.Int, w int) *big.Int { return new(big.Int).Mod(v, pow2(w)) }

func signed(v *big.Int, w int) *big.Int {
	if v.Bit(w-1) == 1 {
		return new(big.Int).Sub(v, pow2(w))
	}
	return new(big.Int).Set(v)
}

func bool2big(b bool) *big.Int {
	if b {
		return big.NewInt(1)
	}
	return big.NewInt(0)
}

// eval is the reference semantics.
func eval(x *node, in []*big.Int) *big.Int {
	k := func(i int) *big.Int { return eval(x.kids[i], in) }
	kw := func(i int) int { return x.kids[i].w }
	switch x.op {
	case "const":
		return x.val
	case "in":
		return in[x.input]
	case "add", "addw":
		return wrap(new(big.Int).Add(k(0), k(1)), x.w)
	case "sub":
		return wrap(new(big.Int).Sub(k(0), k(1)), x.w)
	case "mul", "mulw":
		return wrap(new(big.Int).Mul(k(0), k(1)), x.w)
	case "div", "mod":
		b := k(1)
		if b.Sign() == 0 {
			return big.NewInt(0)
		}
		if x.op == "div" {
			return new(big.Int).Quo(k(0), b)
		}
		return new(big.Int).Rem(k(0), b)
	case "and":
		return new(big.Int).And(k(0), k(1))
	case "or":
		return new(big.Int).Or(k(0), k(1))
	case "xor":
		return new(big.Int).Xor(k(0), k(1))
	case "not":
		return new(big.Int).Xor(k(0), new(big.Int).Sub(pow2(x.w), big.NewInt(1)))
	case "shl":
		return wrap(new(big.Int).Lsh(k(0), uint(x.n)), x.w)
	case "shr":
		return new(big.Int).Rsh(k(0), uint(x.n))
	case "sra":
		return wrap(new(big.Int).Rsh(signed(k(0), x.w), uint(x.n)), x.w)
	case "shlv", "shrv", "srav":
		amt := k(1)
		n := uint(x.w + 1)
		if amt.Cmp(big.NewInt(int64(x.w))) < 0 {
			n = uint(amt.Int64())
		}
		switch x.op {
		case "shlv":
			return wrap(new(big.Int).Lsh(k(0), n), x.w)
		case "shrv":
			return new(big.Int).Rsh(k(0), n)
		default:
			return wrap(new(big.Int).Rsh(signed(k(0), x.w), n), x.w)
		}
	case "eq":
		return bool2big(k(0).Cmp(k(1)) == 0)
	case "ne":
		return bool2big(k(0).Cmp(k(1)) != 0)
	case "lt":
		return bool2big(k(0).Cmp(k(1)) < 0)
	case "le":
		return bool2big(k(0).Cmp(k(1)) <= 0)
	case "gt":
		return bool2big(k(0).Cmp(k(1)) > 0)
	case "ge":
		return bool2big(k(0).Cmp(k(1)) >= 0)
	case "slt", "sle", "sgt", "sge":
		c := signed(k(0), kw(0)).Cmp(signed(k(1), kw(1)))
		return bool2big(map[string]bool{"slt": c < 0, "sle": c <= 0, "sgt": c > 0, "sge": c >= 0}[x.op])
	case "andr":
		return bool2big(k(0).Cmp(new(big.Int).Sub(pow2(kw(0)), big.NewInt(1))) == 0)
	case "orr":
		return bool2big(k(0).Sign() != 0)
	case "xorr":
		p := uint(0)
		v := k(0)
		for i := 0; i < v.BitLen(); i++ {
			p ^= v.Bit(i)
		}
		return big.NewInt(int64(p))
	case "mux":
		if k(0).Sign() != 0 {
			return k(1)
		}
		return k(2)
	case "slice":
		return wrap(new(big.Int).Rsh(k(0), uint(x.n)), x.w)
	case "concat":
		return new(big.Int).Or(new(big.Int).Lsh(k(0), uint(kw(1))), k(1))
	case "repl":
		v := new(big.Int)
		for i := 0; i < x.n; i++ {
			v.Lsh(v, uint(kw(0)))
			v.Or(v, k(0))
		}
		return v
	case "zext":
		return k(0)
	case "sext":
		return wrap(signed(k(0), kw(0)), x.w)
	}
	panic(fmt.Sprint("unknown op ", x.op))
}

// randomModule builds a combinational module with nIn random-width inputs
// and nOut outputs o<i>, each a random tree of the given depth.
func randomModule(seed int64, name string, nIn, nOut, depth int) (*hdl.Module, []*node, []int) {
	g := &treeGen{r: rand.New(rand.NewSource(seed))}
	for i := 0; i < nIn; i++ {
		g.inputs = append(g.inputs, g.width())
	}
	m := hdl.NewModule(name)
	var ins []*hdl.Signal
	for i, w := range g.inputs {
		ins = append(ins, m.Input(fmt.Sprintf("i%d", i), w))
	}
	var trees []*node
	for i := 0; i < nOut; i++ {
		x := g.expr(depth)
		trees = append(trees, x)
		m.Output(fmt.Sprintf("o%d", i), x.w).Drive(build(x, ins))
	}
	return m, trees, g.inputs
}

// randomInputs draws a vector of input values, favouring edge cases.
func randomInputs(r *rand.Rand, widths []int) []*big.Int {
	out := make([]*big.Int, len(widths))
	for i, w := range widths {
		v := new(big.Int).Rand(r, pow2(w))
		switch r.Intn(5) {
		case 0:
			v.SetInt64(0)
		case 1:
			v.Sub(pow2(w), big.NewInt(1))
		case 2:
			v.SetBit(new(big.Int), w-1, 1)
		case 3:
			v.SetInt64(int64(r.Intn(w + 2)))
			v = wrap(v, w)
		}
		out[i] = v
	}
	return out
}
