package fabric

import "fmt"

// One slot of a 4×4 iSLIP scheduler with two iterations, all pointers at 0.
// Iteration 1: output 0 grants input 0, output 1 grants input 0, output 2
// grants input 1; input 0 accepts output 0, input 1 accepts output 2, and
// only those accepted grants move pointers. Iteration 2 matches input 2 to
// the still-free output 1 without moving pointers.
func ExampleISLIP() {
	s, err := NewISLIP(4, 4, 2, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := []uint64{
		0b0011, // input 0 has cells for outputs 0 and 1
		0b0101, // input 1: outputs 0 and 2
		0b0010, // input 2: output 1
		0b0000, // input 3: nothing
	}
	match, err := s.Schedule(req, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	st := s.State()
	fmt.Println("match ", match)
	fmt.Println("grant ", st.Grant)
	fmt.Println("accept", st.Accept)
	// Output:
	// match  [0 2 1 -1]
	// grant  [1 0 2 0]
	// accept [1 3 0 0]
}
