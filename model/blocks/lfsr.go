package blocks

// LFSR is an n-bit linear-feedback shift register (n <= 64) with 1-based
// tap positions.
type LFSR struct {
	n      int
	taps   []int
	galois bool
	seed   uint64
	state  uint64
}

// NewLFSR returns an LFSR at its seed. Fibonacci (galois false) shifts left
// and feeds the XOR of the tapped bits into bit 0; Galois shifts right and,
// when the bit shifted out is 1, flips every tapped bit.
func NewLFSR(n int, taps []int, galois bool, seed uint64) *LFSR {
	return &LFSR{n: n, taps: append([]int(nil), taps...), galois: galois, seed: seed, state: seed}
}

// State is the register's value.
func (l *LFSR) State() uint64 { return l.state }

// Clock applies one rising edge: rst returns to the seed, en steps once.
func (l *LFSR) Clock(rst, en bool) {
	switch {
	case rst:
		l.state = l.seed
	case en:
		l.state = l.Next(l.state)
	}
}

// Next is the state after s.
func (l *LFSR) Next(s uint64) uint64 {
	if l.galois {
		out := s & 1
		s >>= 1
		if out == 1 {
			for _, t := range l.taps {
				s ^= 1 << (t - 1)
			}
		}
		return s
	}
	var fb uint64
	for _, t := range l.taps {
		fb ^= s >> (t - 1) & 1
	}
	s = s<<1 | fb
	if l.n < 64 {
		s &= 1<<l.n - 1
	}
	return s
}
