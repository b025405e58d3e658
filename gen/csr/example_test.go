package csr_test

import (
	"fmt"

	"github.com/pktnetwork/pktrouter/gen/csr"
)

// The register map is data: find a register's address, generate the
// decoder, the Go constants and the document from the same description.
func Example() {
	m, err := csr.Ref4()
	if err != nil {
		fmt.Println(err)
		return
	}
	lease := m.Block("lease")
	limit := lease.Field("limit")
	fmt.Printf("lease (port 2, tag 5) limit: address %#04x bits %d:%d\n", lease.Addr(2*8+5, limit.Word), limit.Lsb+limit.Width-1, limit.Lsb)
	stats := m.Block("stats")
	fmt.Printf("stats: %d leases x %d words from %#04x\n", stats.Count, stats.Words, stats.Base)
	if _, err := m.Module(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// lease (port 2, tag 5) limit: address 0x00d6 bits 26:0
	// stats: 32 leases x 14 words from 0x0200
}
