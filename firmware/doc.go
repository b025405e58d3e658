// Package firmware is the onboard computer's side of the hardware: the
// Transport that carries CSR reads and writes to the device, the Serial
// transport that speaks the gen/uartbridge protocol (package proto) over any
// io.ReadWriter — a USB-serial port, a pty, a TCP socket, or the simulated
// line of package simline that bit-bangs the real RTL in the Go simulator —
// and the Driver, typed accessors generated from the register map
// (package regs).
package firmware

import "github.com/pktnetwork/pktrouter/firmware/regs"

// Transport moves 32-bit register values to and from 16-bit word addresses
// of the device's CSR bus. An error means the access did not happen or its
// outcome is unknown (after retries, for transports that retry); it never
// means the register holds a particular value.
type Transport interface {
	ReadReg(addr uint16) (uint32, error)
	WriteReg(addr uint16, v uint32) error
}

// Every Transport is a bus for the generated accessors.
var _ regs.Bus = Transport(nil)
