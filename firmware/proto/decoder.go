package proto

import ub "github.com/pktnetwork/pktrouter/gen/uartbridge"

// Event says what a byte pushed into a Decoder completed.
type Event int

// Decoder events.
const (
	None     Event = iota // nothing complete yet (the byte was taken or skipped)
	Frame                 // a frame with a good CRC; Body returns its body
	CRCError              // a frame whose CRC did not match; Body returns its suspect body
)

func (e Event) String() string {
	switch e {
	case None:
		return "none"
	case Frame:
		return "frame"
	case CRCError:
		return "CRC error"
	}
	return "event?"
}

type decState uint8

const (
	hunt decState = iota
	length
	body
	check
)

// Decoder splits a byte stream into frames with the receiver rules of
// gen/uartbridge: hunt for the sync byte; a LEN outside the allowed range
// is no frame (a LEN equal to the sync byte starts a new one); collect LEN
// bytes and the CRC; after a frame, good or bad, hunt again. Abandon is the
// idle timeout / framing error rule. It never fails and never allocates
// after construction.
type Decoder struct {
	sync           byte
	minLen, maxLen int
	st             decState
	n, want        int
	crc            byte
	buf            [ub.MaxRequestLen]byte

	// Skipped counts bytes that belonged to no complete frame (line noise,
	// abandoned frames): a health figure for the link.
	Skipped uint64
	partial int // bytes of the current frame so far, sync included
}

// NewRequestDecoder decodes host → device frames (what the bridge receives).
func NewRequestDecoder() *Decoder {
	return &Decoder{sync: ub.SyncRequest, minLen: ub.MinRequestLen, maxLen: ub.MaxRequestLen}
}

// NewResponseDecoder decodes device → host frames.
func NewResponseDecoder() *Decoder {
	return &Decoder{sync: ub.SyncResponse, minLen: ub.StatusBodyLen, maxLen: ub.ReadReplyBodyLen}
}

// Push feeds one byte.
func (d *Decoder) Push(b byte) Event {
	switch d.st {
	case hunt:
		if b == d.sync {
			d.st, d.partial = length, 1
		} else {
			d.Skipped++
		}
	case length:
		switch {
		case int(b) >= d.minLen && int(b) <= d.maxLen:
			d.st, d.want, d.n, d.crc = body, int(b), 0, ub.CRC8(0, b)
			d.partial++
		case b == d.sync:
			d.Skipped += uint64(d.partial) // the previous sync was noise
		default:
			d.Skipped += uint64(d.partial) + 1
			d.st, d.partial = hunt, 0
		}
	case body:
		d.buf[d.n] = b
		d.n++
		d.crc = ub.CRC8(d.crc, b)
		d.partial++
		if d.n == d.want {
			d.st = check
		}
	case check:
		d.st, d.partial = hunt, 0
		if b != d.crc {
			return CRCError
		}
		return Frame
	}
	return None
}

// Body is the body of the frame the last Push completed. It aliases the
// decoder's buffer: it is valid until the next Push.
func (d *Decoder) Body() []byte { return d.buf[:d.want] }

// Abandon drops a partly received frame: the receiver's rule for an idle
// gap longer than the timeout or a byte with a framing error.
func (d *Decoder) Abandon() {
	d.Skipped += uint64(d.partial)
	d.st, d.partial = hunt, 0
}

// Hunting reports whether the decoder is between frames.
func (d *Decoder) Hunting() bool { return d.st == hunt }
