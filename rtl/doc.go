// Package rtl holds the emitted Verilog of every generator at its reference
// parameters, checked in so a hardware engineer can use the RTL without Go
// (see README.md here). `go generate ./...` rewrites it; TestCurrent fails
// when it is stale.
package rtl

//go:generate go run ../cmd/pktrouter gen --all -o .
