package tb

import (
	"math/bits"
	"math/rand/v2"
)

// testDesign is one hand-written design under test with its Go reference
// model and a stimulus generator.
type testDesign struct {
	design Design
	model  func(Design) (StepFunc, error)
	stim   func(s *Stimulus, r *rand.Rand)
}

var counterDesign = Design{
	Top: "counter", Files: []string{"testdata/counter.v"}, Clock: Clk,
	Ports: []Port{{Name: "rst", Width: 1}, {Name: "en", Width: 1}, {Name: "count", Width: 8, Output: true}},
}

// counterModel is the reference counter: out is the register, then the edge.
func counterModel(Design) (StepFunc, error) {
	var q uint64
	return func(in, out Row) error {
		out.Set(0, q)
		switch {
		case in.Bool(0):
			q = 0
		case in.Bool(1):
			q = (q + 1) & 0xff
		}
		return nil
	}, nil
}

var adderDesign = Design{
	Top: "adder", Files: []string{"testdata/adder.v"},
	Ports: []Port{
		{Name: "cin", Width: 1},
		{Name: "a8", Width: 8}, {Name: "b8", Width: 8},
		{Name: "a64", Width: 64}, {Name: "b64", Width: 64},
		{Name: "a100", Width: 100}, {Name: "b100", Width: 100},
		{Name: "a256", Width: 256}, {Name: "b256", Width: 256},
		{Name: "s8", Width: 9, Output: true}, {Name: "s64", Width: 65, Output: true},
		{Name: "s100", Width: 101, Output: true}, {Name: "s256", Width: 257, Output: true},
	},
}

// addWords returns a+b+cin over equal-length words, one word longer.
func addWords(a, b []uint64, cin uint64) []uint64 {
	sum := make([]uint64, len(a)+1)
	c := cin
	for i := range a {
		sum[i], c = bits.Add64(a[i], b[i], c)
	}
	sum[len(a)] = c
	return sum
}

func adderModel(Design) (StepFunc, error) {
	return func(in, out Row) error {
		cin := in.Uint64(0)
		for k := 0; k < 4; k++ {
			// The carry is in the extra word or, when the operand
			// width is not a multiple of 64, already inside the top
			// word with the extra word 0 (SetWords accepts that).
			s := addWords(in.Words(1+2*k), in.Words(2+2*k), cin)
			out.SetWords(k, s)
		}
		return nil
	}, nil
}

var ramDesign = Design{
	Top: "ram", Files: []string{"testdata/ram.v"}, Clock: Clk,
	Ports: []Port{
		{Name: "we", Width: 1}, {Name: "waddr", Width: 4}, {Name: "wdata", Width: 32},
		{Name: "re", Width: 1}, {Name: "raddr", Width: 4},
		{Name: "rdata", Width: 32, Output: true},
	},
}

// ramModel is the reference memory: synchronous write, registered
// read-first read.
func ramModel(Design) (StepFunc, error) {
	var mem [16]uint64
	var q uint64
	return func(in, out Row) error {
		out.Set(0, q)
		old := mem[in.Uint64(4)]
		if in.Bool(0) {
			mem[in.Uint64(1)] = in.Uint64(2)
		}
		if in.Bool(3) {
			q = old
		}
		return nil
	}, nil
}

// randomStim fills s with random bits, then sets rst (when present) high
// in cycle 0 and about one cycle in 64.
func randomStim(s *Stimulus, r *rand.Rand) {
	s.Randomize(r)
	if i := s.Index("rst"); i >= 0 {
		s.SetColumn(i, func(c int) uint64 {
			if c == 3 || r.IntN(64) == 0 {
				return 1
			}
			return 0
		})
	}
}

var testDesigns = map[string]testDesign{
	"counter": {counterDesign, counterModel, randomStim},
	"adder":   {adderDesign, adderModel, randomStim},
	"ram":     {ramDesign, ramModel, randomStim},
}
