// Package proto is the host side of the management protocol the
// gen/uartbridge hardware speaks: frame encoding, a streaming decoder with
// the hardware's resynchronization rules, and the request and response
// messages. The wire format is documented in gen/uartbridge, whose constants
// this package uses, so the two sides share one definition.
//
// Frames: sync | LEN | body (LEN bytes) | CRC-8 over LEN and the body.
// Requests use sync 0xA5 and bodies CMD TAG ADDR[2] [DATA[4]]; responses use
// sync 0x5A and bodies CMD|0x80 TAG STATUS [DATA[4]]; values are big-endian.
package proto

import (
	"encoding/binary"
	"fmt"

	ub "github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// Command is a request's CMD byte.
type Command byte

// Commands.
const (
	Read  = Command(ub.CmdRead)
	Write = Command(ub.CmdWrite)
)

func (c Command) String() string {
	switch c {
	case Read:
		return "read"
	case Write:
		return "write"
	}
	return fmt.Sprintf("command %#02x", byte(c))
}

// Status is a response's STATUS byte.
type Status byte

// Statuses.
const (
	OK          = Status(ub.StatusOK)
	BadCRC      = Status(ub.StatusBadCRC)
	BadLen      = Status(ub.StatusBadLen)
	BadCmd      = Status(ub.StatusBadCmd)
	BusError    = Status(ub.StatusBusError)
	BusTimeout  = Status(ub.StatusBusTimeout)
	statusCount = 6
)

var statusNames = [...]string{"ok", "bad CRC", "bad length", "bad command", "bus error (unmapped address or read-only register)", "bus timeout"}

func (s Status) String() string {
	if s < statusCount {
		return statusNames[s]
	}
	return fmt.Sprintf("status %#02x", byte(s))
}

// Request is one host → device message.
type Request struct {
	Cmd  Command
	Tag  byte
	Addr uint16
	Data uint32 // Write only
}

// Response is one device → host message. Cmd is the request's command
// (the flag bit removed).
type Response struct {
	Cmd    Command
	Tag    byte
	Status Status
	Data   uint32 // an OK Read only
}

// AppendFrame appends a frame of body with the given sync byte: sync, LEN,
// body, CRC. The body must be 1..255 bytes; this low-level form lets tests
// build frames the device must refuse.
func AppendFrame(dst []byte, sync byte, body []byte) []byte {
	dst = append(dst, sync, byte(len(body)))
	dst = append(dst, body...)
	return append(dst, ub.CRC8(ub.CRC8(0, byte(len(body))), body...))
}

// Body is the request's body: CMD TAG ADDR [DATA]. A Write carries DATA;
// any other command is encoded like a read.
func (r Request) Body() []byte {
	b := []byte{byte(r.Cmd), r.Tag, byte(r.Addr >> 8), byte(r.Addr)}
	if r.Cmd == Write {
		b = binary.BigEndian.AppendUint32(b, r.Data)
	}
	return b
}

// AppendFrame appends r as a complete request frame.
func (r Request) AppendFrame(dst []byte) []byte { return AppendFrame(dst, ub.SyncRequest, r.Body()) }

// Body is the response's body: CMD|0x80 TAG STATUS [DATA for an OK read].
func (r Response) Body() []byte {
	b := []byte{byte(r.Cmd) | ub.RespFlag, r.Tag, byte(r.Status)}
	if r.Cmd == Read && r.Status == OK {
		b = binary.BigEndian.AppendUint32(b, r.Data)
	}
	return b
}

// AppendFrame appends r as a complete response frame.
func (r Response) AppendFrame(dst []byte) []byte {
	return AppendFrame(dst, ub.SyncResponse, r.Body())
}

// ParseRequest decodes a request body (as the Decoder returns it), checking
// that LEN fits the command the way the hardware does.
func ParseRequest(body []byte) (Request, error) {
	if len(body) < ub.MinRequestLen {
		return Request{}, fmt.Errorf("proto: request body of %d bytes, need at least %d", len(body), ub.MinRequestLen)
	}
	r := Request{Cmd: Command(body[0]), Tag: body[1], Addr: binary.BigEndian.Uint16(body[2:4])}
	switch r.Cmd {
	case Read:
		if len(body) != ub.ReadBodyLen {
			return r, fmt.Errorf("proto: read request body of %d bytes, want %d", len(body), ub.ReadBodyLen)
		}
	case Write:
		if len(body) != ub.WriteBodyLen {
			return r, fmt.Errorf("proto: write request body of %d bytes, want %d", len(body), ub.WriteBodyLen)
		}
		r.Data = binary.BigEndian.Uint32(body[4:8])
	default:
		return r, fmt.Errorf("proto: unknown %v", r.Cmd)
	}
	return r, nil
}

// ParseResponse decodes a response body (as the Decoder returns it).
func ParseResponse(body []byte) (Response, error) {
	if len(body) < ub.StatusBodyLen {
		return Response{}, fmt.Errorf("proto: response body of %d bytes, need at least %d", len(body), ub.StatusBodyLen)
	}
	if body[0]&ub.RespFlag == 0 {
		return Response{}, fmt.Errorf("proto: response CMD byte %#02x lacks the response flag %#02x", body[0], ub.RespFlag)
	}
	r := Response{Cmd: Command(body[0] &^ ub.RespFlag), Tag: body[1], Status: Status(body[2])}
	want := ub.StatusBodyLen
	if r.Cmd == Read && r.Status == OK {
		want = ub.ReadReplyBodyLen
	}
	if len(body) != want {
		return r, fmt.Errorf("proto: %v response with %v has a %d-byte body, want %d", r.Cmd, r.Status, len(body), want)
	}
	if want == ub.ReadReplyBodyLen {
		r.Data = binary.BigEndian.Uint32(body[3:7])
	}
	return r, nil
}
