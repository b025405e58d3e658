package sim

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// vcd writes an IEEE 1364 value change dump. Time unit: 1 ns; one clock
// cycle is 10 ns: rising edge at 10k, falling edge (where inputs change, as
// in a testbench that drives away from the clock edge) at 10k+5.
type vcd struct {
	w     *bufio.Writer
	sigs  []vcdSig
	clkID string
	rstID string
	last  uint64 // last time written
	first bool
	clk   string
	rst   string
	err   error
}

type vcdSig struct {
	name  string
	id    string
	off   int32
	width int
	prev  []uint64
}

func vcdID(i int) string {
	var b []byte
	for {
		b = append(b, byte(33+i%94))
		i /= 94
		if i == 0 {
			return string(b)
		}
	}
}

// TraceVCD starts writing a VCD of the named signals (all named signals
// when none are given) to w, from the current state on. Call StopTrace to
// flush it. Tracing costs a second evaluation per cycle; without it, Step
// pays nothing for the feature.
func (s *Sim) TraceVCD(w io.Writer, signals ...string) error {
	if s.trace != nil {
		return fmt.Errorf("sim: a trace is already running; StopTrace it first")
	}
	if len(signals) == 0 {
		for _, name := range s.Signals() {
			if name != "clk" && name != "rst" {
				signals = append(signals, name)
			}
		}
	}
	t := &vcd{w: bufio.NewWriter(w), first: true}
	seen := map[string]bool{}
	for _, name := range signals {
		id, err := s.lookup(name)
		if err != nil {
			return err
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		net := s.flat.Nets[id]
		t.sigs = append(t.sigs, vcdSig{name: name, off: s.off[id], width: net.Width})
	}
	sort.Slice(t.sigs, func(i, j int) bool { return t.sigs[i].name < t.sigs[j].name })
	t.clkID, t.rstID = vcdID(0), vcdID(1)
	for i := range t.sigs {
		t.sigs[i].id = vcdID(i + 2)
	}
	t.header(s.flat.Name)
	s.trace = t
	if s.dirty {
		s.eval()
	}
	t.sample(s, 10*s.cycle, false)
	return t.err
}

// StopTrace writes any pending values and flushes the trace; the writer is
// not closed.
func (s *Sim) StopTrace() error {
	t := s.trace
	if t == nil {
		return nil
	}
	s.trace = nil
	if s.dirty {
		s.eval()
	}
	t.sample(s, 10*s.cycle+5, false)
	if err := t.w.Flush(); err != nil && t.err == nil {
		t.err = err
	}
	return t.err
}

func (t *vcd) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *vcd) header(top string) {
	t.printf("$version pktrouter sim $end\n$timescale 1ns $end\n")
	t.printf("$scope module %s $end\n", top)
	t.printf("$var wire 1 %s clk $end\n$var wire 1 %s rst $end\n", t.clkID, t.rstID)
	var open []string
	for _, sg := range t.sigs {
		parts := strings.Split(sg.name, ".")
		scopes, leaf := parts[:len(parts)-1], parts[len(parts)-1]
		k := 0
		for k < len(open) && k < len(scopes) && open[k] == scopes[k] {
			k++
		}
		for len(open) > k {
			t.printf("$upscope $end\n")
			open = open[:len(open)-1]
		}
		for _, sc := range scopes[k:] {
			t.printf("$scope module %s $end\n", sc)
			open = append(open, sc)
		}
		if sg.width == 1 {
			t.printf("$var wire 1 %s %s $end\n", sg.id, leaf)
		} else {
			t.printf("$var wire %d %s %s [%d:0] $end\n", sg.width, sg.id, leaf, sg.width-1)
		}
	}
	for range open {
		t.printf("$upscope $end\n")
	}
	t.printf("$upscope $end\n$enddefinitions $end\n")
}

func vcdValue(v []uint64, w int) string {
	if w == 1 {
		return fmt.Sprint(v[0] & 1)
	}
	var b strings.Builder
	b.WriteByte('b')
	started := false
	for i := w - 1; i >= 0; i-- {
		bit := v[i/64]>>uint(i%64)&1 != 0
		if bit {
			started = true
		}
		if started || i == 0 {
			if bit {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
	}
	b.WriteByte(' ')
	return b.String()
}

// sample writes the values that changed at time now; clkHigh is the clock
// level at that time.
func (t *vcd) sample(s *Sim, now uint64, clkHigh bool) {
	if t.first {
		t.printf("#%d\n$dumpvars\n", now)
	}
	var changes []string
	clk := "0"
	if clkHigh {
		clk = "1"
	}
	if t.first || clk != t.clk {
		changes = append(changes, clk+t.clkID)
		t.clk = clk
	}
	rst := "0"
	if s.rst {
		rst = "1"
	}
	if t.first || rst != t.rst {
		changes = append(changes, rst+t.rstID)
		t.rst = rst
	}
	for i := range t.sigs {
		sg := &t.sigs[i]
		cur := s.st[sg.off : sg.off+int32(hdl.Words(sg.width))]
		if !t.first && equalWords(cur, sg.prev) {
			continue
		}
		sg.prev = append(sg.prev[:0], cur...)
		changes = append(changes, vcdValue(cur, sg.width)+sg.id)
	}
	if t.first {
		for _, c := range changes {
			t.printf("%s\n", c)
		}
		t.printf("$end\n")
		t.first = false
	} else if len(changes) > 0 {
		t.printf("#%d\n", now)
		for _, c := range changes {
			t.printf("%s\n", c)
		}
	}
	t.last = now
}

func equalWords(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
