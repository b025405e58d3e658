package tb

import (
	"fmt"
	"math/big"
	"math/rand/v2"
)

// words is the number of 64-bit words that hold a value of width w.
func words(w int) int { return (w + 63) / 64 }

// topMask is the mask of the valid bits in the most significant word of a
// value of width w: values keep their upper bits clean, so equal values have
// equal words.
func topMask(w int) uint64 {
	if r := w % 64; r != 0 {
		return uint64(1)<<uint(r) - 1
	}
	return ^uint64(0)
}

// Vectors is a table of per-cycle values of an ordered list of ports: the
// common part of Stimulus (inputs) and Trace (outputs).
//
// Values are stored as little-endian 64-bit words with the unused upper
// bits zero, all cycles in one flat slice; a port of up to 64 bits takes
// one word, so the common narrow case costs one load. Nothing is ever
// truncated silently: setting a value wider than its port is an error.
type Vectors struct {
	ports  []Port
	off    []int // word offset of each port within a row
	stride int   // words per row
	n      int   // cycles
	data   []uint64
}

// Stimulus holds the inputs of a design, one row per clock cycle.
type Stimulus struct{ Vectors }

// Trace holds the outputs of a design, one row per clock cycle, sampled as
// the cycle convention (see the package documentation) says. Engine names
// the engine that produced it (for mismatch reports); it is empty for a
// trace built or parsed by hand.
type Trace struct {
	Vectors
	Engine string
}

func newVectors(ports []Port, cycles int) (Vectors, error) {
	if err := checkPorts(ports); err != nil {
		return Vectors{}, err
	}
	if cycles < 0 {
		return Vectors{}, fmt.Errorf("tb: negative cycle count %d", cycles)
	}
	v := Vectors{ports: append([]Port(nil), ports...), off: make([]int, len(ports))}
	for i, p := range ports {
		v.off[i] = v.stride
		v.stride += words(p.Width)
	}
	v.n = cycles
	v.data = make([]uint64, cycles*v.stride)
	return v, nil
}

// NewStimulus returns an all-zero stimulus of the given number of cycles.
// The ports must be inputs (their Output field is ignored).
func NewStimulus(inputs []Port, cycles int) (Stimulus, error) {
	v, err := newVectors(inputs, cycles)
	return Stimulus{v}, err
}

// NewTrace returns an all-zero trace of the given number of cycles.
func NewTrace(outputs []Port, cycles int) (Trace, error) {
	v, err := newVectors(outputs, cycles)
	return Trace{Vectors: v}, err
}

// Ports returns the ports, in column order. The caller must not modify it.
func (v *Vectors) Ports() []Port { return v.ports }

// Len is the number of cycles.
func (v *Vectors) Len() int { return v.n }

// Index returns the column of the named port, or -1.
func (v *Vectors) Index(name string) int {
	for i, p := range v.ports {
		if p.Name == name {
			return i
		}
	}
	return -1
}

func (v *Vectors) check(cycle, port int) error {
	if cycle < 0 || cycle >= v.n {
		return fmt.Errorf("tb: cycle %d out of range (0..%d)", cycle, v.n-1)
	}
	if port < 0 || port >= len(v.ports) {
		return fmt.Errorf("tb: port index %d out of range (0..%d)", port, len(v.ports)-1)
	}
	return nil
}

// Grow appends n all-zero cycles.
func (v *Vectors) Grow(n int) {
	if n <= 0 {
		return
	}
	v.data = append(v.data, make([]uint64, n*v.stride)...)
	v.n += n
}

// Append adds one cycle with one value per port, in port order. A port
// wider than 64 bits takes x as its low word; use SetWords or SetBig for
// more.
func (v *Vectors) Append(values ...uint64) error {
	if len(values) != len(v.ports) {
		return fmt.Errorf("tb: Append got %d values for %d ports", len(values), len(v.ports))
	}
	v.Grow(1)
	for i, x := range values {
		if err := v.Set(v.n-1, i, x); err != nil {
			v.n--
			v.data = v.data[:v.n*v.stride]
			return err
		}
	}
	return nil
}

// Set sets port (a column index) in cycle to x. It fails when x does not
// fit the port's width.
func (v *Vectors) Set(cycle, port int, x uint64) error {
	if err := v.check(cycle, port); err != nil {
		return err
	}
	p := v.ports[port]
	if p.Width < 64 && x>>uint(p.Width) != 0 {
		return fmt.Errorf("tb: cycle %d: value %#x does not fit %d-bit port %q", cycle, x, p.Width, p.Name)
	}
	w := v.cell(cycle, port)
	clear(w)
	w[0] = x
	return nil
}

// SetWords sets port in cycle from little-endian 64-bit words. Missing
// upper words are zero; extra words must be zero.
func (v *Vectors) SetWords(cycle, port int, x []uint64) error {
	if err := v.check(cycle, port); err != nil {
		return err
	}
	p := v.ports[port]
	if !fits(x, p.Width) {
		return fmt.Errorf("tb: cycle %d: value %#x does not fit %d-bit port %q", cycle, wordsBig(x), p.Width, p.Name)
	}
	w := v.cell(cycle, port)
	clear(w)
	copy(w, x)
	return nil
}

// SetBig sets port in cycle to a non-negative big.Int.
func (v *Vectors) SetBig(cycle, port int, x *big.Int) error {
	if err := v.check(cycle, port); err != nil {
		return err
	}
	if x.Sign() < 0 {
		return fmt.Errorf("tb: cycle %d: negative value %v for port %q", cycle, x, v.ports[port].Name)
	}
	return v.SetWords(cycle, port, bigWords(x))
}

// Get returns the low 64 bits of port in cycle (the whole value for ports
// of up to 64 bits). Out-of-range indices give 0.
func (v *Vectors) Get(cycle, port int) uint64 {
	if v.check(cycle, port) != nil {
		return 0
	}
	return v.data[cycle*v.stride+v.off[port]]
}

// Words returns port in cycle as little-endian words (words(width) of
// them). The slice aliases the table: copy it to keep it. Out-of-range
// indices give nil.
func (v *Vectors) Words(cycle, port int) []uint64 {
	if v.check(cycle, port) != nil {
		return nil
	}
	return v.cell(cycle, port)
}

// Big returns port in cycle as a big.Int (nil for out-of-range indices).
func (v *Vectors) Big(cycle, port int) *big.Int {
	if v.check(cycle, port) != nil {
		return nil
	}
	return wordsBig(v.cell(cycle, port))
}

// Hex returns port in cycle as exactly ceil(width/4) lower-case hex digits,
// the form the files use.
func (v *Vectors) Hex(cycle, port int) string {
	if v.check(cycle, port) != nil {
		return ""
	}
	return string(appendHex(nil, v.cell(cycle, port), v.ports[port].Width))
}

// Row returns a view of one cycle (see Row).
func (v *Vectors) Row(cycle int) Row {
	if cycle < 0 || cycle >= v.n {
		return Row{v: v, bad: true, cycle: cycle, err: new(error)}
	}
	return Row{v: v, base: cycle * v.stride, cycle: cycle, err: new(error)}
}

// Randomize fills every port of every cycle with uniformly random bits from
// r. Callers usually then overwrite rst (see SetColumn).
func (v *Vectors) Randomize(r *rand.Rand) {
	for c := 0; c < v.n; c++ {
		for i, p := range v.ports {
			w := v.cell(c, i)
			for k := range w {
				w[k] = r.Uint64()
			}
			w[len(w)-1] &= topMask(p.Width)
		}
	}
}

// SetColumn sets port in every cycle to f(cycle), e.g. rst high in the
// first two cycles and every 1000th:
//
//	s.SetColumn(s.Index("rst"), func(c int) uint64 {
//		if c < 2 || c%1000 == 999 {
//			return 1
//		}
//		return 0
//	})
func (v *Vectors) SetColumn(port int, f func(cycle int) uint64) error {
	for c := 0; c < v.n; c++ {
		if err := v.Set(c, port, f(c)); err != nil {
			return err
		}
	}
	return nil
}

func (v *Vectors) cell(cycle, port int) []uint64 {
	o := cycle*v.stride + v.off[port]
	return v.data[o : o+words(v.ports[port].Width) : o+words(v.ports[port].Width)]
}

// samePorts reports how two port lists differ, or nil.
func samePorts(a, b []Port) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d ports vs %d ports", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Width != b[i].Width {
			return fmt.Errorf("port %d is %s[%d] vs %s[%d]", i, a[i].Name, a[i].Width, b[i].Name, b[i].Width)
		}
	}
	return nil
}

// Row is a view of one cycle of a Vectors, passed to StepFunc: inputs are
// read from one Row, outputs written to another. Setters never panic: a
// value that does not fit its port, or a bad index, is recorded and the
// first such error is reported by Err (the Func engine checks it after
// every step).
type Row struct {
	v     *Vectors
	base  int
	cycle int
	bad   bool
	err   *error
}

// Err is the first error a setter recorded on this row, or nil.
func (r Row) Err() error {
	if r.bad {
		return fmt.Errorf("tb: cycle %d out of range (0..%d)", r.cycle, r.v.n-1)
	}
	if r.err == nil {
		return nil
	}
	return *r.err
}

// Cycle is the cycle this row belongs to.
func (r Row) Cycle() int { return r.cycle }

// Len is the number of ports.
func (r Row) Len() int { return len(r.v.ports) }

// Port returns the i'th port.
func (r Row) Port(i int) Port { return r.v.ports[i] }

func (r Row) ok(i int) bool { return !r.bad && i >= 0 && i < len(r.v.ports) }

func (r Row) cell(i int) []uint64 {
	o := r.base + r.v.off[i]
	n := words(r.v.ports[i].Width)
	return r.v.data[o : o+n : o+n]
}

// Uint64 returns the low 64 bits of port i (0 for a bad index).
func (r Row) Uint64(i int) uint64 {
	if !r.ok(i) {
		return 0
	}
	return r.v.data[r.base+r.v.off[i]]
}

// Bool reports whether port i is non-zero.
func (r Row) Bool(i int) bool {
	if !r.ok(i) {
		return false
	}
	for _, w := range r.cell(i) {
		if w != 0 {
			return true
		}
	}
	return false
}

// Words returns port i as little-endian words aliasing the row (nil for a
// bad index).
func (r Row) Words(i int) []uint64 {
	if !r.ok(i) {
		return nil
	}
	return r.cell(i)
}

// Big returns port i as a big.Int (nil for a bad index).
func (r Row) Big(i int) *big.Int {
	if !r.ok(i) {
		return nil
	}
	return wordsBig(r.cell(i))
}

func (r Row) fail(err error) {
	if r.err != nil && *r.err == nil {
		*r.err = err
	}
}

// Set sets port i to x. A value that does not fit is not stored but
// recorded as the row's error.
func (r Row) Set(i int, x uint64) {
	if r.ok(i) && r.v.ports[i].Width <= 64 {
		if w := r.v.ports[i].Width; w < 64 && x>>uint(w) != 0 {
			r.fail(fmt.Errorf("tb: cycle %d: value %#x does not fit %d-bit port %q", r.cycle, x, w, r.v.ports[i].Name))
			return
		}
		r.v.data[r.base+r.v.off[i]] = x
		return
	}
	r.SetWords(i, []uint64{x})
}

// SetWords sets port i from little-endian words (see Set).
func (r Row) SetWords(i int, x []uint64) {
	if !r.ok(i) {
		r.fail(fmt.Errorf("tb: cycle %d: port index %d out of range (%d ports)", r.cycle, i, len(r.v.ports)))
		return
	}
	p := r.v.ports[i]
	if !fits(x, p.Width) {
		r.fail(fmt.Errorf("tb: cycle %d: value %#x does not fit %d-bit port %q", r.cycle, wordsBig(x), p.Width, p.Name))
		return
	}
	w := r.cell(i)
	clear(w)
	copy(w, x)
}

// SetBig sets port i from a non-negative big.Int (see Set).
func (r Row) SetBig(i int, x *big.Int) {
	if x.Sign() < 0 {
		r.fail(fmt.Errorf("tb: cycle %d: negative value %v for port index %d", r.cycle, x, i))
		return
	}
	r.SetWords(i, bigWords(x))
}

// fits reports whether little-endian words hold a value below 2^w.
func fits(x []uint64, w int) bool {
	n := words(w)
	for i, v := range x {
		switch {
		case i < n-1:
		case i == n-1:
			if v&^topMask(w) != 0 {
				return false
			}
		default:
			if v != 0 {
				return false
			}
		}
	}
	return true
}

func wordsBig(x []uint64) *big.Int {
	b := new(big.Int)
	for i := len(x) - 1; i >= 0; i-- {
		b.Lsh(b, 64)
		b.Or(b, new(big.Int).SetUint64(x[i]))
	}
	return b
}

func bigWords(x *big.Int) []uint64 {
	n := (x.BitLen() + 63) / 64
	if n == 0 {
		n = 1
	}
	out := make([]uint64, n)
	var t big.Int
	for i := range out {
		t.Rsh(x, uint(64*i))
		out[i] = t.Uint64()
	}
	return out
}
