package fabric

// Cell is one fixed-size unit crossing the fabric. The payload is not
// modelled; the fields identify the cell so order and latency can be checked.
type Cell struct {
	Input   int    // ingress port, 0..N-1
	Output  int    // egress port, 0..N-1
	Seq     uint64 // position in its flow (Input, Output), from 0
	Packet  uint64 // packet number at its input, from 0
	Last    bool   // last cell of its packet
	Arrival int64  // slot in which the cell arrived at the input
}

// cellQueue is an unbounded FIFO of cells in a ring buffer.
type cellQueue struct {
	buf  []Cell
	head int
	n    int
}

func (q *cellQueue) len() int { return q.n }

func (q *cellQueue) push(c Cell) {
	if q.n == len(q.buf) {
		nb := make([]Cell, max(8, 2*len(q.buf)))
		for k := range q.n {
			nb[k] = q.buf[(q.head+k)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = c
	q.n++
}

// peek returns the head cell; the queue must not be empty.
func (q *cellQueue) peek() *Cell { return &q.buf[q.head] }

// pop removes and returns the head cell; the queue must not be empty.
func (q *cellQueue) pop() Cell {
	c := q.buf[q.head]
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return c
}
