package blocks

// PriorityEncode returns the number of the lowest-numbered true input and
// true, or 0 and false when none is true.
func PriorityEncode(in []bool) (int, bool) {
	for i, r := range in {
		if r {
			return i, true
		}
	}
	return 0, false
}

// Arbiter is a round-robin arbiter of N requesters: the first requester at
// or after the pointer, counting cyclically, wins.
type Arbiter struct {
	n    int
	hold bool
	ptr  int
}

// NewArbiter returns an arbiter of n requesters after reset (pointer 0).
// With hold, the winner keeps the grant while it keeps requesting.
func NewArbiter(n int, hold bool) *Arbiter {
	return &Arbiter{n: n, hold: hold}
}

// Grant returns the requester granted for req (len n) and whether any is.
func (a *Arbiter) Grant(req []bool) (int, bool) {
	for k := 0; k < a.n; k++ {
		i := (a.ptr + k) % a.n
		if req[i] {
			return i, true
		}
	}
	return 0, false
}

// Clock applies one rising edge. When en and a requester is granted, the
// pointer moves past the winner (or, with hold, onto it).
func (a *Arbiter) Clock(rst bool, req []bool, en bool) {
	if rst {
		a.ptr = 0
		return
	}
	g, ok := a.Grant(req)
	if !ok || !en {
		return
	}
	if a.hold {
		a.ptr = g
	} else {
		a.ptr = (g + 1) % a.n
	}
}
