package blocks_test

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/blocks"
	"github.com/pktnetwork/pktrouter/sim"
)

// A 4-deep FIFO in the Go simulator: two words pushed come out in order,
// one cycle after they went in.
func ExampleFIFO() {
	m, err := blocks.FIFO(8, 4, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := sim.New(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	show := func() {
		v, _ := s.Peek("out_valid")
		d, _ := s.Peek("out_data")
		n, _ := s.Peek("count")
		fmt.Printf("valid=%d data=%#x count=%d\n", v, d, n)
	}
	s.Poke("in_valid", 1)
	for _, w := range []uint64{0xa1, 0xb2} {
		s.Poke("in_data", w)
		s.Step(1)
	}
	s.Poke("in_valid", 0)
	s.Poke("out_ready", 1)
	for range 3 {
		show()
		s.Step(1)
	}
	// Output:
	// valid=1 data=0xa1 count=2
	// valid=1 data=0xb2 count=1
	// valid=0 data=0x0 count=0
}

// Errors name the parameter and the allowed range.
func ExampleLFSR() {
	taps, _ := blocks.MaxLengthTaps(16)
	fmt.Println(taps)
	_, err := blocks.LFSR(16, nil, blocks.Galois, 0)
	fmt.Println(err)
	m, _ := blocks.LFSR(16, nil, blocks.Galois, 0xace1)
	fmt.Println(m.Name())
	// Output:
	// [16 15 13 4]
	// lfsr: seed 0x0 out of range [1, 0xffff] (all-zero is a lock-up state)
	// lfsr_w16_kg_td008_sace1
}
