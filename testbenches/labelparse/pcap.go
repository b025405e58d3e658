package labelparse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/linkframe"
)

// PcapStats counts what HopPcap did.
type PcapStats struct {
	Frames   int               // frames read
	Written  int               // frames forwarded and written
	ByResult map[lp.Result]int // frames per result
	Hops     []Hop             // one per frame read, in order
	Ingress  []uint32          // the ingress interface of each frame
	Times    []time.Time       // capture time of each frame
}

// HopPcap runs a capture of one link through the block: every link frame
// of in (linkframe.Reader) is a hop request from interface
// ingress(leaseTag) (the ingress-tag stage: port and lease tag give the
// interface), all in one batch on engine e. Forwarded frames are written to
// out (linkframe.Writer) in order, with their capture time, the egress
// entry's lease tag, the new switch header and the payload unchanged;
// refused frames are counted, not written. ingress failing for a tag is an
// error naming the frame.
func (h *Hopper) HopPcap(ctx context.Context, e Engine, in io.Reader, out io.Writer, ingress func(leaseTag uint8) (uint32, error)) (PcapStats, error) {
	st := PcapStats{ByResult: map[lp.Result]int{}}
	r, err := linkframe.NewReader(in)
	if err != nil {
		return st, err
	}
	var reqs []Request
	var payloads [][]byte
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		from, err := ingress(rec.Frame.LeaseTag)
		if err != nil {
			return st, fmt.Errorf("labelparse: frame %d: lease tag %d: %w", len(reqs), rec.Frame.LeaseTag, err)
		}
		reqs = append(reqs, Request{Header: rec.Frame.Header, From: from})
		payloads = append(payloads, append([]byte(nil), rec.Payload...))
		st.Ingress = append(st.Ingress, from)
		st.Times = append(st.Times, rec.Time)
	}
	st.Frames = len(reqs)
	w, err := linkframe.NewWriter(out)
	if err != nil {
		return st, err
	}
	if len(reqs) == 0 {
		return st, nil
	}
	hops, err := h.Hop(ctx, e, reqs)
	if err != nil {
		return st, err
	}
	st.Hops = hops
	for i, hop := range hops {
		st.ByResult[hop.Result]++
		if hop.Result != lp.Forward {
			continue
		}
		if hop.Tag > 0xff {
			return st, fmt.Errorf("labelparse: frame %d: egress lease tag %d does not fit the link frame's byte", i, hop.Tag)
		}
		f := &linkframe.Frame{LeaseTag: uint8(hop.Tag), Header: hop.Header}
		if err := w.Write(st.Times[i], f, payloads[i]); err != nil {
			return st, err
		}
		st.Written++
	}
	return st, nil
}
