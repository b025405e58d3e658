package blocks

// FIFO is a first-in first-out queue of at most Depth words with valid/ready
// handshakes: a word enters when in_valid and in_ready, leaves when
// out_valid and out_ready. T is the word (any type; testbenches use the
// hex digits of the hardware word).
type FIFO[T any] struct {
	depth, almostFull int
	q                 []T
}

// NewFIFO returns an empty FIFO of the given depth whose almost-full flag
// is set at almostFull words or more.
func NewFIFO[T any](depth, almostFull int) *FIFO[T] {
	return &FIFO[T]{depth: depth, almostFull: almostFull}
}

// FIFOOutputs is what a FIFO shows before a clock edge.
type FIFOOutputs[T any] struct {
	InReady    bool // a word offered now is taken at the edge
	OutValid   bool // OutData is the oldest word
	OutData    T    // meaningful only when OutValid
	Count      int  // words held
	Full       bool // Count == depth
	Empty      bool // Count == 0
	AlmostFull bool // Count >= almostFull
}

// Outputs returns the FIFO's outputs. They depend on the state only: a full
// FIFO does not take a word in the cycle it gives one.
func (f *FIFO[T]) Outputs() FIFOOutputs[T] {
	n := len(f.q)
	o := FIFOOutputs[T]{
		InReady: n < f.depth, OutValid: n > 0, Count: n,
		Full: n == f.depth, Empty: n == 0, AlmostFull: n >= f.almostFull,
	}
	if n > 0 {
		o.OutData = f.q[0]
	}
	return o
}

// Clock applies one rising edge: rst empties the FIFO; otherwise the head
// leaves if outReady and a word enters if inValid, both judged on the state
// before the edge.
func (f *FIFO[T]) Clock(rst, inValid bool, inData T, outReady bool) {
	if rst {
		f.q = f.q[:0]
		return
	}
	before := f.Outputs()
	if outReady && before.OutValid {
		f.q = f.q[1:]
	}
	if inValid && before.InReady {
		f.q = append(f.q, inData)
	}
}
