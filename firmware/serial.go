package firmware

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pktnetwork/pktrouter/firmware/proto"
)

// SerialOptions tune Serial. Zero values take the defaults.
type SerialOptions struct {
	// Timeout bounds the wait for a response, per attempt (default 200 ms).
	// It is applied through SetReadDeadline when the line has it (net.Conn,
	// *os.File on a pty or tty); a line without deadlines must time out by
	// itself (simline.Wire does, in simulated cycles).
	Timeout time.Duration
	// Retries is the number of extra attempts after a timeout or a
	// corrupted exchange (default 3; negative means none).
	Retries int
	// IdleGap is how long the line stays quiet before a retry, longer than
	// the bridge's idle timeout so its receiver is hunting again (default
	// 20 ms: 30 bit times at 9600 baud is 3.1 ms). A line with a Quiet()
	// error method (simline.Wire) is asked to keep quiet instead.
	IdleGap time.Duration
}

// LinkStats counts what the link has cost.
type LinkStats struct {
	Requests  uint64 // ReadReg and WriteReg calls
	Attempts  uint64 // frames sent (Requests plus retries)
	Timeouts  uint64 // attempts without a usable response
	CRCErrors uint64 // responses with a bad CRC, or BAD_CRC answers from the device
	Stale     uint64 // responses carrying another request's tag, ignored
}

// Serial is a Transport over a byte stream speaking the gen/uartbridge
// protocol, with one request in flight. It is not safe for concurrent use.
type Serial struct {
	rw    io.ReadWriter
	opt   SerialOptions
	dec   *proto.Decoder
	tag   byte
	buf   [64]byte
	frame []byte
	// pending holds received bytes not yet decoded: a read may return the
	// start of a later frame with the end of this one.
	pending []byte
	Stats   LinkStats
}

// StatusError is a response the device sent with an error status: the
// request reached the device and was refused, so retrying cannot help.
type StatusError struct {
	Req    proto.Request
	Status proto.Status
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("firmware: %v of %#04x refused by the device: %v", e.Req.Cmd, e.Req.Addr, e.Status)
}

// ErrNoResponse is wrapped by the error of a request that got no usable
// response after every retry.
var ErrNoResponse = errors.New("no usable response")

// NewSerial makes a Serial over rw.
func NewSerial(rw io.ReadWriter, o SerialOptions) *Serial {
	if o.Timeout == 0 {
		o.Timeout = 200 * time.Millisecond
	}
	if o.Retries == 0 {
		o.Retries = 3
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.IdleGap == 0 {
		o.IdleGap = 20 * time.Millisecond
	}
	return &Serial{rw: rw, opt: o, dec: proto.NewResponseDecoder()}
}

// ReadReg implements Transport.
func (s *Serial) ReadReg(addr uint16) (uint32, error) {
	r, err := s.Do(proto.Request{Cmd: proto.Read, Addr: addr})
	return r.Data, err
}

// WriteReg implements Transport.
func (s *Serial) WriteReg(addr uint16, v uint32) error {
	_, err := s.Do(proto.Request{Cmd: proto.Write, Addr: addr, Data: v})
	return err
}

// Do sends req (its Tag is replaced by a fresh one per attempt) and returns
// the matching response. A timeout, a corrupted response or a BAD_CRC
// answer is retried after a quiet gap; any other error status is returned
// at once as a *StatusError.
func (s *Serial) Do(req proto.Request) (proto.Response, error) {
	s.Stats.Requests++
	var last error
	for attempt := 0; attempt <= s.opt.Retries; attempt++ {
		if attempt > 0 {
			if err := s.quiet(); err != nil {
				return proto.Response{}, err
			}
		}
		s.tag++
		req.Tag = s.tag
		s.Stats.Attempts++
		resp, retry, err := s.attempt(req)
		if !retry {
			return resp, err
		}
		last = err
	}
	return proto.Response{}, fmt.Errorf("firmware: %v of %#04x: %w after %d attempts (last: %v)", req.Cmd, req.Addr, ErrNoResponse, s.opt.Retries+1, last)
}

type deadliner interface{ SetReadDeadline(time.Time) error }
type quieter interface{ Quiet() error }
type timeouter interface{ Timeout() bool }

func (s *Serial) quiet() error {
	if q, ok := s.rw.(quieter); ok {
		return q.Quiet()
	}
	time.Sleep(s.opt.IdleGap)
	return nil
}

// attempt sends one frame and waits for its response. retry reports a
// failure worth another attempt.
func (s *Serial) attempt(req proto.Request) (resp proto.Response, retry bool, err error) {
	s.frame = req.AppendFrame(s.frame[:0])
	if _, err := s.rw.Write(s.frame); err != nil {
		return resp, false, fmt.Errorf("firmware: send %v of %#04x: %w", req.Cmd, req.Addr, err)
	}
	if d, ok := s.rw.(deadliner); ok {
		if err := d.SetReadDeadline(time.Now().Add(s.opt.Timeout)); err != nil {
			return resp, false, fmt.Errorf("firmware: set read deadline: %w", err)
		}
	}
	for {
		for len(s.pending) > 0 {
			b := s.pending[0]
			s.pending = s.pending[1:]
			switch s.dec.Push(b) {
			case proto.CRCError:
				s.Stats.CRCErrors++
				return resp, true, errors.New("response with a bad CRC")
			case proto.Frame:
				r, perr := proto.ParseResponse(s.dec.Body())
				if perr != nil {
					s.Stats.CRCErrors++
					return resp, true, perr
				}
				if r.Status == proto.BadCRC {
					// Whatever tag it echoes (possibly the corrupt one of
					// line noise that swallowed the start of our frame), the
					// device refused what it received while our request was
					// in flight: send ours again.
					s.Stats.CRCErrors++
					return r, true, errors.New("the device saw a bad CRC")
				}
				if r.Tag != req.Tag || r.Cmd != req.Cmd {
					s.Stats.Stale++
					continue
				}
				if r.Status == proto.OK {
					return r, false, nil
				}
				return r, false, &StatusError{req, r.Status}
			}
		}
		n, err := s.rw.Read(s.buf[:])
		s.pending = s.buf[:n]
		if err != nil {
			var t timeouter
			if errors.As(err, &t) && t.Timeout() {
				s.Stats.Timeouts++
				s.dec.Abandon()
				return resp, true, err
			}
			return resp, false, fmt.Errorf("firmware: receive: %w", err)
		}
	}
}
