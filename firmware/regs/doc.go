// Package regs is the firmware's view of the ref4 register map: addresses,
// field positions, one struct per register block and typed accessors over a
// two-method Bus. Everything in regs_gen.go and REGISTERS.md is generated
// from the one description in gen/csr, the same one the Verilog CSR decoder
// is generated from, so the driver and the hardware cannot drift; the test
// in this package fails when the checked-in files are stale.
package regs

//go:generate go run github.com/pktnetwork/pktrouter/gen/csr/csrgen -pkg regs -go regs_gen.go -md REGISTERS.md
