package label

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderSize is the length of the cjdns switch header.
const HeaderSize = 12

// CurrentVersion is the switch header version cjdns writes
// (SwitchHeader_CURRENT_VERSION).
const CurrentVersion = 1

// Unclassed is the traffic class cjdns writes on every packet it switches.
// pktrouter reads it as "take the ingress lease's default priority".
const Unclassed = 0xffff

// Header is the 12-byte cjdns switch header (wire/SwitchHeader.h):
//
//	bytes 0-7  label, big-endian
//	byte  8    congestion (top 7 bits) | suppress-errors (bit 0)
//	byte  9    version (top 2 bits) | labelShift (low 6 bits)
//	bytes 10-11 traffic class, big-endian
//
// Congestion is 0..127, Version 0..3 and LabelShift 0..63; AppendTo keeps
// only those bits. pktrouter gives TrafficClass a meaning: bit 15 is the
// customer bit, bits 14..0 the priority.
type Header struct {
	Label          uint64
	Congestion     uint8
	SuppressErrors bool
	Version        uint8
	LabelShift     uint8
	TrafficClass   uint16
}

// ErrShortHeader is returned for fewer than HeaderSize bytes.
var ErrShortHeader = errors.New("short switch header")

// ParseHeader reads a switch header from the first 12 bytes of b; the rest
// of b is the payload and is not looked at.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, fmt.Errorf("%w: %d bytes, want %d", ErrShortHeader, len(b), HeaderSize)
	}
	return Header{
		Label:          binary.BigEndian.Uint64(b),
		Congestion:     b[8] >> 1,
		SuppressErrors: b[8]&1 != 0,
		Version:        b[9] >> 6,
		LabelShift:     b[9] & 63,
		TrafficClass:   binary.BigEndian.Uint16(b[10:]),
	}, nil
}

// AppendTo appends the 12 header bytes to b. Fields wider than their wire
// bits are truncated to them.
func (h Header) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, h.Label)
	c := h.Congestion << 1
	if h.SuppressErrors {
		c |= 1
	}
	return append(b, c, h.Version<<6|h.LabelShift&63, byte(h.TrafficClass>>8), byte(h.TrafficClass))
}
