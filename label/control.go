package label

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// CTRL message types of cjdns wire/Control.h (the 16-bit type after the
// checksum).
const (
	CtrlError         = 2
	CtrlPing          = 3
	CtrlPong          = 4
	CtrlKeyPing       = 5
	CtrlKeyPong       = 6
	CtrlGetSnodeQuery = 7
	CtrlGetSnodeReply = 8
	CtrlRPathQuery    = 9
	CtrlRPathReply    = 10
	CtrlLlAddrQuery   = 11
	CtrlLlAddrReply   = 12
)

// Magic numbers at the start of a ping and a pong body.
const (
	PingMagic = 0x09f91102
	PongMagic = 0x9d74e35b
)

// Sizes of cjdns control frames.
const (
	// CtrlHandle is the 4-byte handle after the switch header that marks a
	// CTRL frame.
	CtrlHandle = 0xffffffff
	// CtrlHeaderSize is the checksum and type in front of every CTRL message.
	CtrlHeaderSize = 4
	// ErrorMaxCause is Control_Error_MAX_SIZE: the refused packet is cut to
	// this many bytes before it is quoted in an error.
	ErrorMaxCause = 256
	// ErrorMinSize is the smallest CTRL error message: header, code, and
	// the cause's switch header and handle.
	ErrorMinSize = CtrlHeaderSize + 4 + HeaderSize + 4
	// PingMinSize is the smallest ping or pong: header, magic, version.
	PingMinSize = CtrlHeaderSize + 8
	// PingMaxData is the most opaque data a ping carries.
	PingMaxData = 256
)

// Errors from the CTRL parsers; wrapped with detail.
var (
	ErrShortCtrl   = errors.New("short CTRL message")
	ErrBadChecksum = errors.New("bad CTRL checksum")
	ErrCtrlType    = errors.New("unexpected CTRL type")
	ErrBadMagic    = errors.New("bad CTRL magic")
	ErrNotCtrl     = errors.New("not a CTRL frame")
)

// Checksum is cjdns' Checksum_engine_be, the RFC 1071 one's complement sum
// used in CTRL messages: 16-bit words summed, an odd last byte counted as
// the high byte of a word padded with zero, the carries folded in, the
// result complemented. The returned value is written big-endian.
//
// cjdns sums little-endian host words and stores the result in host order;
// the one's complement sum does not depend on byte order, so this equals
// the big-endian computation, byte for byte (cjdns' own test vectors check
// it). cjdns takes the length as a uint16, so for 64 KiB or more only the
// first len mod 65536 bytes count; Checksum does the same.
//
// A message carrying its own correct checksum sums to 0.
func Checksum(b []byte) uint16 {
	b = b[:len(b)&0xffff]
	var sum uint64
	for len(b) >= 8 {
		v := binary.BigEndian.Uint64(b)
		sum += v>>48 + v>>32&0xffff + v>>16&0xffff + v&0xffff
		b = b[8:]
	}
	for len(b) >= 2 {
		sum += uint64(b[0])<<8 | uint64(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint64(b[0]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// AppendCtrl appends a CTRL message of the given type and body to b, with
// its checksum filled in (checksum over header and body, checksum field 0).
func AppendCtrl(b []byte, typ uint16, body []byte) []byte {
	start := len(b)
	b = append(b, 0, 0, byte(typ>>8), byte(typ))
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[start:], Checksum(b[start:]))
	return b
}

// ParseCtrl checks a CTRL message's length and checksum, as cjdns'
// ControlHandler does before anything else, and returns its type and body.
func ParseCtrl(ctrl []byte) (typ uint16, body []byte, err error) {
	if len(ctrl) < CtrlHeaderSize {
		return 0, nil, fmt.Errorf("%w: %d bytes, want at least %d", ErrShortCtrl, len(ctrl), CtrlHeaderSize)
	}
	if c := Checksum(ctrl); c != 0 {
		return 0, nil, fmt.Errorf("%w: message carries %#04x, the sum over it is %#04x, not 0",
			ErrBadChecksum, binary.BigEndian.Uint16(ctrl), c)
	}
	return binary.BigEndian.Uint16(ctrl[2:]), ctrl[CtrlHeaderSize:], nil
}

// AppendCtrlFrame appends a whole CTRL frame: the switch header h, the
// handle 0xffffffff, then the CTRL message ctrl.
func AppendCtrlFrame(b []byte, h Header, ctrl []byte) []byte {
	b = h.AppendTo(b)
	b = binary.BigEndian.AppendUint32(b, CtrlHandle)
	return append(b, ctrl...)
}

// SplitCtrlFrame splits a frame into its switch header and the CTRL message
// behind the 0xffffffff handle. ErrNotCtrl when the handle is different
// (a CryptoAuth packet).
func SplitCtrlFrame(frame []byte) (Header, []byte, error) {
	h, err := ParseHeader(frame)
	if err != nil {
		return Header{}, nil, err
	}
	if len(frame) < HeaderSize+4 {
		return h, nil, fmt.Errorf("%w: %d bytes, no room for the handle", ErrNotCtrl, len(frame))
	}
	if hd := binary.BigEndian.Uint32(frame[HeaderSize:]); hd != CtrlHandle {
		return h, nil, fmt.Errorf("%w: handle %#08x, want 0xffffffff", ErrNotCtrl, hd)
	}
	return h, frame[HeaderSize+4:], nil
}

// Ping is a cjdns switch ping or pong (Control.h types 3 and 4): magic,
// the sender's protocol version and up to 256 bytes of opaque data the
// pong echoes.
type Ping struct {
	Pong    bool
	Version uint32
	Data    []byte
}

// AppendTo appends the ping as a CTRL message (checksum included).
func (p Ping) AppendTo(b []byte) ([]byte, error) {
	if len(p.Data) > PingMaxData {
		return b, fmt.Errorf("ping data is %d bytes, at most %d", len(p.Data), PingMaxData)
	}
	typ, magic := uint16(CtrlPing), uint32(PingMagic)
	if p.Pong {
		typ, magic = CtrlPong, PongMagic
	}
	body := make([]byte, 8, 8+len(p.Data))
	binary.BigEndian.PutUint32(body, magic)
	binary.BigEndian.PutUint32(body[4:], p.Version)
	return AppendCtrl(b, typ, append(body, p.Data...)), nil
}

// ParsePing reads a ping or pong CTRL message: checksum, type 3 or 4, the
// magic that goes with the type, at least 12 bytes. Like cjdns, it does not
// limit the data length on receipt. Data aliases ctrl.
func ParsePing(ctrl []byte) (Ping, error) {
	typ, body, err := ParseCtrl(ctrl)
	if err != nil {
		return Ping{}, err
	}
	if typ != CtrlPing && typ != CtrlPong {
		return Ping{}, fmt.Errorf("%w: %d, want ping (3) or pong (4)", ErrCtrlType, typ)
	}
	if len(ctrl) < PingMinSize {
		return Ping{}, fmt.Errorf("%w: ping of %d bytes, want at least %d", ErrShortCtrl, len(ctrl), PingMinSize)
	}
	p := Ping{Pong: typ == CtrlPong, Version: binary.BigEndian.Uint32(body[4:]), Data: body[8:]}
	want := uint32(PingMagic)
	if p.Pong {
		want = PongMagic
	}
	if m := binary.BigEndian.Uint32(body); m != want {
		return Ping{}, fmt.Errorf("%w: %#08x, want %#08x", ErrBadMagic, m, want)
	}
	return p, nil
}

// ErrorMsg is a cjdns CTRL error message (type 2): the error code and the
// first bytes of the refused packet, starting with its switch header and
// its 4-byte handle.
type ErrorMsg struct {
	Code  uint32
	Cause []byte
}

// AppendTo appends the error as a CTRL message (checksum included). The
// cause is cut to ErrorMaxCause bytes as cjdns does.
func (e ErrorMsg) AppendTo(b []byte) []byte {
	c := e.Cause
	if len(c) > ErrorMaxCause {
		c = c[:ErrorMaxCause]
	}
	start := len(b)
	b = append(b, 0, 0, 0, CtrlError)
	b = binary.BigEndian.AppendUint32(b, e.Code)
	b = append(b, c...)
	binary.BigEndian.PutUint16(b[start:], Checksum(b[start:]))
	return b
}

// CauseHeader is the switch header of the refused packet.
func (e ErrorMsg) CauseHeader() (Header, error) { return ParseHeader(e.Cause) }

// ParseErrorMsg reads a CTRL error message: checksum, type 2, and room for
// the code plus the cause's switch header and handle (24 bytes). cjdns'
// ControlHandler wants 16 more bytes of cause (40 in all) before it passes
// an error on; ErrorFrame of a short packet is valid here but would be
// dropped there as a runt. Cause aliases ctrl.
func ParseErrorMsg(ctrl []byte) (ErrorMsg, error) {
	typ, body, err := ParseCtrl(ctrl)
	if err != nil {
		return ErrorMsg{}, err
	}
	if typ != CtrlError {
		return ErrorMsg{}, fmt.Errorf("%w: %d, want error (2)", ErrCtrlType, typ)
	}
	if len(ctrl) < ErrorMinSize {
		return ErrorMsg{}, fmt.Errorf("%w: error of %d bytes, want at least %d", ErrShortCtrl, len(ctrl), ErrorMinSize)
	}
	return ErrorMsg{Code: binary.BigEndian.Uint32(body), Cause: body[4:]}, nil
}

// ErrorFrame builds the frame cjdns' SwitchCore sends back out of the
// ingress interface when it refuses the packet cause (sendError):
//
//   - switch header: label = bit-reversed label of the cause as it arrived
//     (the path back), suppress-errors set, congestion 1 (cjdns' setter turns
//     0 into 1), version 1, traffic class 0xffff, labelShift 0 (cjdns leaves
//     whatever bits lie in the buffer's headroom there);
//   - handle 0xffffffff;
//   - CTRL error message: checksum, type 2, code, then the cause cut to
//     256 bytes.
//
// It returns nil where cjdns sends nothing: a cause shorter than a switch
// header plus handle (16 bytes), or one whose suppress-errors bit is set.
func ErrorFrame(cause []byte, code uint32) []byte {
	if len(cause) < HeaderSize+4 || cause[8]&1 != 0 {
		return nil
	}
	c := cause
	if len(c) > ErrorMaxCause {
		c = c[:ErrorMaxCause]
	}
	h := Header{
		Label:          bits.Reverse64(binary.BigEndian.Uint64(cause)),
		Congestion:     1,
		SuppressErrors: true,
		Version:        CurrentVersion,
		TrafficClass:   Unclassed,
	}
	b := make([]byte, 0, HeaderSize+4+CtrlHeaderSize+4+len(c))
	b = h.AppendTo(b)
	b = binary.BigEndian.AppendUint32(b, CtrlHandle)
	return ErrorMsg{Code: code, Cause: c}.AppendTo(b)
}
