package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/label"
	tblp "github.com/pktnetwork/pktrouter/testbenches/labelparse"
)

// hopRequest is one line of `label hop`'s JSON-lines input.
type hopRequest struct {
	Scheme     string   `json:"scheme"`
	From       *uint32  `json:"from"`
	Label      string   `json:"label"`
	LabelShift uint8    `json:"labelShift"`
	Present    []uint32 `json:"present"`
}

// hopResult is one line of output: exactly one of the groups is set.
type hopResult struct {
	To         *uint32 `json:"to,omitempty"`
	Label      string  `json:"label,omitempty"`
	LabelShift *uint8  `json:"labelShift,omitempty"`
	Error      uint32  `json:"error,omitempty"`
	Drop       string  `json:"drop,omitempty"`
	Invalid    string  `json:"invalid,omitempty"`
}

// hopJob is a checked request: what Forward, or the RTL, is asked.
type hopJob struct {
	scheme  label.Scheme
	header  label.Header
	from    uint32
	present []uint32 // nil: every interface slot exists
	invalid error    // the request line itself was bad
	line    int      // input line, for messages (0: from the command line)
}

// parseHop checks one request, filling in the default scheme.
func parseHop(req hopRequest, defaultScheme string) hopJob {
	name := req.Scheme
	if name == "" {
		name = defaultScheme
	}
	s, err := label.SchemeByName(name)
	if err != nil {
		return hopJob{invalid: fmt.Errorf("scheme: %w", err)}
	}
	if req.From == nil {
		return hopJob{invalid: errors.New(`missing "from" (the ingress interface number)`)}
	}
	l, err := parseLabel(req.Label)
	if err != nil {
		return hopJob{invalid: err}
	}
	if req.LabelShift > 63 {
		return hopJob{invalid: fmt.Errorf("labelShift %d: must be 0..63", req.LabelShift)}
	}
	return hopJob{
		scheme: s, from: *req.From, present: req.Present,
		header: label.Header{Label: l, LabelShift: req.LabelShift, TrafficClass: label.Unclassed},
	}
}

func (j hopJob) presentFunc() func(uint32) bool {
	if j.present == nil {
		return nil
	}
	return func(n uint32) bool { return slices.Contains(j.present, n) }
}

// answer turns a hop's outcome into its output line; err is what Forward
// (or the RTL, through Hop.Err) reported.
func answer(j hopJob, to uint32, out label.Header, err error) hopResult {
	var se label.SwitchError
	switch {
	case err == nil:
		return hopResult{To: &to, Label: fmt.Sprintf("%016x", out.Label), LabelShift: &out.LabelShift}
	case errors.As(err, &se):
		return hopResult{Error: se.Code}
	case errors.Is(err, label.ErrShiftOverflow):
		return hopResult{Drop: "shift"}
	case errors.Is(err, label.ErrIngress):
		msg := fmt.Sprintf("from %d: %v %s", j.from, err, j.scheme.Name())
		if j.line > 0 {
			msg = fmt.Sprintf("line %d: %s", j.line, msg)
		}
		return hopResult{Invalid: msg}
	default:
		return hopResult{Invalid: err.Error()}
	}
}

// forwardGolden answers every job with label.Forward.
func forwardGolden(jobs []hopJob) []hopResult {
	res := make([]hopResult, len(jobs))
	for i, j := range jobs {
		if j.invalid != nil {
			res[i] = hopResult{Invalid: j.invalid.Error()}
			continue
		}
		p := j.presentFunc()
		if p == nil {
			p = func(uint32) bool { return true }
		}
		to, out, err := j.scheme.Forward(j.header, j.from, p)
		res[i] = answer(j, to, out, err)
	}
	return res
}

// schemeSlots is how many interface numbers s can write (V358: 257), capped
// at the largest index table the block generates.
func schemeSlots(s label.Scheme) int {
	n := 0
	for n < lp.MaxInterfaces {
		if _, err := s.Compress(uint32(n), label.Canonical); err != nil {
			break
		}
		n++
	}
	return n
}

// forwardRTL answers every job with the generated label parser on engine:
// one block per distinct (scheme, present set), its index table holding every
// interface slot the scheme can write, valid where present, so its answers
// mean the same as label.Forward's.
func forwardRTL(ctx context.Context, engine tblp.Engine, jobs []hopJob) ([]hopResult, error) {
	res := make([]hopResult, len(jobs))
	groups := map[string][]int{}
	var order []string
	for i, j := range jobs {
		if j.invalid != nil {
			res[i] = hopResult{Invalid: j.invalid.Error()}
			continue
		}
		key := fmt.Sprintf("%x %v", j.scheme.Bytes(), j.present)
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
	}
	for _, key := range order {
		idx := groups[key]
		first := jobs[idx[0]]
		cfg := lp.Ref4
		cfg.Scheme = first.scheme
		cfg.Interfaces = schemeSlots(first.scheme)
		h, err := tblp.NewHopper(cfg, tblp.TableFromPresent(cfg.Interfaces, first.presentFunc()))
		if err != nil {
			return nil, fmt.Errorf("building the label parser for %s: %w", first.scheme.Name(), err)
		}
		// An ingress number past the table has no wire into the block (its
		// in_from port is only as wide as the table); the scheme cannot write
		// it either, which is label.ErrIngress, so that is the answer.
		var reqs []tblp.Request
		var asked []int
		for _, i := range idx {
			if jobs[i].from >= uint32(cfg.Interfaces) {
				res[i] = answer(jobs[i], 0, jobs[i].header, label.ErrIngress)
				continue
			}
			reqs = append(reqs, tblp.Request{Header: jobs[i].header, From: jobs[i].from})
			asked = append(asked, i)
		}
		if len(reqs) == 0 {
			continue
		}
		hops, err := h.Hop(ctx, engine, reqs)
		if err != nil {
			return nil, fmt.Errorf("%s on %s: %w", first.scheme.Name(), engine, err)
		}
		for k, i := range asked {
			res[i] = answer(jobs[i], hops[k].To, hops[k].Header, hops[k].Err())
		}
	}
	return res, nil
}

func newLabelHopCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hop [LABEL]",
		Short: "Run one cjdns switch hop (SwitchCore) on a label, in Go or in the generated hardware",
		Long: `hop forwards a switch header through one switch, exactly as cjdns' SwitchCore:
it decodes the first director, checks the interface exists, shifts the label
and splices in the bit-reversed director of the ingress interface.

With a LABEL argument it runs that one hop (--from, --shift, --present).
Without one it reads JSON lines on stdin, one request a line:
  {"scheme":"v358","from":5,"label":"0000000000000013","labelShift":0,"present":[0,2,5]}
("scheme" defaults to --scheme, "present" to every interface slot) and writes
one JSON line each:
  {"to":2,"label":"…","labelShift":4}   forwarded out of interface "to"
  {"error":1}                           cjdns error frame (1 MALFORMED_ADDRESS, 10 RETURN_PATH_INVALID)
  {"drop":"shift"}                      dropped silently: labelShift would pass 63
  {"invalid":"…"}                       the request line itself is bad (exit status 1 at the end)

--rtl answers with the generated label-parser hardware (gen/labelparse) instead
of the Go library: the block is generated for each scheme and present set,
its index table filled from "present", and the requests run through it on
--engine: gosim (the Go simulator), verilator or icarus. The answers must be
identical; anyone can hold the hardware to their own vectors this way. With
--rtl the whole input is read before the first answer.`,
		Example: `  pktrouter label hop --from 1 0000.0000.0000.0013
  printf '%s\n' '{"from":5,"label":"0000000000000013"}' '{"from":1,"label":"0000000000000001"}' | pktrouter label hop
  pktrouter label hop --rtl --engine verilator < vectors.jsonl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			scheme, _ := f.GetString("scheme")
			if _, err := label.SchemeByName(scheme); err != nil {
				return fmt.Errorf("--scheme: %w", err)
			}
			rtl, _ := f.GetBool("rtl")
			engineName, _ := f.GetString("engine")
			engine, err := tblp.ParseEngine(engineName)
			if err != nil {
				return fmt.Errorf("--engine: %w", err)
			}
			if f.Changed("engine") && !rtl {
				return errors.New("--engine chooses where --rtl runs the hardware; add --rtl")
			}
			forward := func(jobs []hopJob) ([]hopResult, error) {
				if rtl {
					return forwardRTL(cmd.Context(), engine, jobs)
				}
				return forwardGolden(jobs), nil
			}
			if len(args) == 1 {
				from, _ := f.GetUint32("from")
				shift, _ := f.GetUint8("shift")
				req := hopRequest{From: &from, Label: args[0], LabelShift: shift}
				if f.Changed("present") {
					present, _ := f.GetUintSlice("present")
					req.Present = make([]uint32, len(present))
					for i, p := range present {
						req.Present[i] = uint32(p)
					}
				}
				res, err := forward([]hopJob{parseHop(req, scheme)})
				if err != nil {
					return err
				}
				if res[0].Invalid != "" {
					return errors.New(res[0].Invalid)
				}
				return json.NewEncoder(a.out).Encode(res[0])
			}
			if rtl {
				return hopBatch(a.in, a.out, scheme, forward)
			}
			return hopLines(a.in, a.out, scheme)
		},
	}
	cmd.Flags().Uint32("from", 1, "ingress interface number (1 is the switch itself)")
	cmd.Flags().Uint8("shift", 0, "labelShift of the incoming header (0..63)")
	cmd.Flags().UintSlice("present", nil, "interface numbers that exist (default: every slot)")
	cmd.Flags().Bool("rtl", false, "answer with the generated label-parser hardware")
	cmd.Flags().String("engine", "gosim", "with --rtl: gosim, verilator or icarus")
	return cmd
}

// readJobs reads every request line of in. Blank lines are skipped; a line
// that is not a request becomes an invalid job, so answers stay aligned.
func readJobs(in io.Reader, scheme string, each func(hopJob) error) (n int, err error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var req hopRequest
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		j := hopJob{}
		if err := dec.Decode(&req); err != nil {
			j.invalid = err
		} else {
			j = parseHop(req, scheme)
		}
		j.line = n
		if j.invalid != nil {
			j.invalid = fmt.Errorf("line %d: %w", n, j.invalid)
		}
		if err := each(j); err != nil {
			return n, err
		}
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("reading stdin: %w", err)
	}
	return n, nil
}

// writeResults writes the answers and counts the invalid ones.
func writeResults(enc *json.Encoder, res []hopResult, bad *int) error {
	for _, r := range res {
		if r.Invalid != "" {
			*bad++
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

func badLines(bad, n int) error {
	if bad > 0 {
		return fmt.Errorf("%d of %d request lines were invalid (see the \"invalid\" answers)", bad, n)
	}
	return nil
}

// hopLines answers each request line as it arrives (label.Forward).
func hopLines(in io.Reader, out io.Writer, scheme string) error {
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	bad := 0
	n, err := readJobs(in, scheme, func(j hopJob) error {
		return writeResults(enc, forwardGolden([]hopJob{j}), &bad)
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	return badLines(bad, n)
}

// hopBatch reads every request, answers them in one batch, then writes.
func hopBatch(in io.Reader, out io.Writer, scheme string, forward func([]hopJob) ([]hopResult, error)) error {
	var jobs []hopJob
	n, err := readJobs(in, scheme, func(j hopJob) error { jobs = append(jobs, j); return nil })
	if err != nil {
		return err
	}
	res, err := forward(jobs)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	bad := 0
	if err := writeResults(json.NewEncoder(w), res, &bad); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return badLines(bad, n)
}
