package blocks

// BitReverse returns the width-bit value x (little-endian 64-bit words)
// with bit i moved to bit width-1-i.
func BitReverse(x []uint64, width int) []uint64 {
	out := make([]uint64, (width+63)/64)
	for i := 0; i < width; i++ {
		if x[i/64]>>(i%64)&1 == 1 {
			j := width - 1 - i
			out[j/64] |= 1 << (j % 64)
		}
	}
	return out
}

// Counter is an up counter of up to 64 bits with enable and load that
// wraps at its maximum, or saturates there.
type Counter struct {
	max      uint64
	saturate bool
	q        uint64
}

// NewCounter returns a counter of the given width at 0.
func NewCounter(width int, saturate bool) *Counter {
	max := ^uint64(0)
	if width < 64 {
		max = 1<<width - 1
	}
	return &Counter{max: max, saturate: saturate}
}

// Q is the count.
func (c *Counter) Q() uint64 { return c.q }

// AtMax reports whether the count is at its maximum.
func (c *Counter) AtMax() bool { return c.q == c.max }

// Clock applies one rising edge: rst clears, else load takes din, else en
// counts up by one (wrapping to 0, or staying at the maximum).
func (c *Counter) Clock(rst, en, load bool, din uint64) {
	switch {
	case rst:
		c.q = 0
	case load:
		c.q = din
	case en && c.q == c.max:
		if !c.saturate {
			c.q = 0
		}
	case en:
		c.q++
	}
}
