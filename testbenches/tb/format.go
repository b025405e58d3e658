package tb

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// headerPrefix starts the comment line that names the columns of a vector
// file. $readmemh skips it like any // comment; ParseStimulus and
// ParseTrace check it against the ports they expect.
const headerPrefix = "// pktrouter tb:"

// digits is the number of hex digits of a port of width w.
func digits(w int) int { return (w + 3) / 4 }

// packedWidth is the width of the $readmemh word holding one line: every
// port padded to a whole number of hex digits.
func packedWidth(ports []Port) int {
	n := 0
	for _, p := range ports {
		n += 4 * digits(p.Width)
	}
	return n
}

// header renders the header comment for ports.
func header(ports []Port) string {
	var b strings.Builder
	b.WriteString(headerPrefix)
	for _, p := range ports {
		fmt.Fprintf(&b, " %s:%d", p.Name, p.Width)
	}
	return b.String()
}

// appendHex appends exactly digits(w) lower-case hex digits of x.
func appendHex(dst []byte, x []uint64, w int) []byte {
	n := digits(w)
	if n <= 16 {
		var buf [16]byte
		s := strconv.AppendUint(buf[:0], x[0], 16)
		for i := len(s); i < n; i++ {
			dst = append(dst, '0')
		}
		return append(dst, s...)
	}
	for d := n - 1; d >= 0; d-- {
		bit := 4 * d
		dst = append(dst, "0123456789abcdef"[x[bit/64]>>uint(bit%64)&0xf])
	}
	return dst
}

// WriteTo writes the vectors in the file format of the package
// documentation: a header comment, then one line per cycle. It implements
// io.WriterTo.
func (v *Vectors) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	var n int64
	k, err := bw.WriteString(header(v.ports) + "\n")
	n += int64(k)
	if err != nil {
		return n, err
	}
	line := make([]byte, 0, packedWidth(v.ports)/4+len(v.ports)+1)
	for c := 0; c < v.n; c++ {
		line = line[:0]
		for i, p := range v.ports {
			if i > 0 {
				line = append(line, '_')
			}
			line = appendHex(line, v.cell(c, i), p.Width)
		}
		line = append(line, '\n')
		k, err := bw.Write(line)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, bw.Flush()
}

// WriteFile writes the vectors to a file (see WriteTo).
func (v *Vectors) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := v.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ParseError is a malformed vector file: Line is 1-based, Port is the
// column's name when the problem is in one value.
type ParseError struct {
	Line int
	Port string
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Port != "" {
		return fmt.Sprintf("tb: line %d, port %q: %s", e.Line, e.Port, e.Msg)
	}
	return fmt.Sprintf("tb: line %d: %s", e.Line, e.Msg)
}

// ParseStimulus reads a stimulus file for the given input ports. It is
// strict: every line must hold exactly one value per port, each with
// exactly the port's number of hex digits and no bits above its width;
// the header comment, when present, must name the same ports. Errors are
// *ParseError naming the line and port.
func ParseStimulus(r io.Reader, inputs []Port) (Stimulus, error) {
	v, err := parse(r, inputs)
	return Stimulus{v}, err
}

// ParseTrace reads a trace file for the given output ports (see
// ParseStimulus). An x or z digit, which Icarus writes for an unknown
// value, is an error naming the port: the design let an uninitialised or
// undriven value reach an output.
func ParseTrace(r io.Reader, outputs []Port) (Trace, error) {
	v, err := parse(r, outputs)
	return Trace{Vectors: v}, err
}

func parse(r io.Reader, ports []Port) (Vectors, error) {
	v, err := newVectors(ports, 0)
	if err != nil {
		return v, err
	}
	if len(ports) == 0 {
		return v, fmt.Errorf("tb: no ports to parse")
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	line := 0
	blank := 0 // line number of a pending blank line
	for sc.Scan() {
		line++
		text := bytes.TrimRight(sc.Bytes(), " \t\r")
		if len(text) == 0 {
			if blank == 0 {
				blank = line
			}
			continue
		}
		if blank != 0 {
			return v, &ParseError{Line: blank, Msg: "empty line (each line is one cycle)"}
		}
		if bytes.HasPrefix(text, []byte("//")) {
			if bytes.HasPrefix(text, []byte(headerPrefix)) {
				if want := header(ports); string(text) != want {
					return v, &ParseError{Line: line, Msg: fmt.Sprintf("header %q does not match the expected ports %q", text, want)}
				}
			}
			continue
		}
		v.Grow(1)
		if err := parseLine(&v, line, text); err != nil {
			return v, err
		}
	}
	if err := sc.Err(); err != nil {
		return v, fmt.Errorf("tb: line %d: %w", line+1, err)
	}
	return v, nil
}

// parseLine fills the last row of v from one line of text.
func parseLine(v *Vectors, line int, text []byte) error {
	if text[0] == '@' {
		return &ParseError{Line: line, Msg: "address lines (@...) are not used: one line per cycle"}
	}
	c := v.n - 1
	fields := bytes.Split(text, []byte("_"))
	if len(fields) != len(v.ports) {
		return &ParseError{Line: line, Msg: fmt.Sprintf("%d values, want %d (%s), separated by _", len(fields), len(v.ports), portList(v.ports))}
	}
	for i, f := range fields {
		p := v.ports[i]
		if len(f) != digits(p.Width) {
			return &ParseError{Line: line, Port: p.Name, Msg: fmt.Sprintf("%q has %d hex digits, want %d for %d bits", f, len(f), digits(p.Width), p.Width)}
		}
		w := v.cell(c, i)
		for k, ch := range f {
			d, ok := hexVal(ch)
			if !ok {
				if strings.IndexByte("xXzZ?", ch) >= 0 {
					return &ParseError{Line: line, Port: p.Name, Msg: fmt.Sprintf("%q is unknown (x/z): the design drives no defined value here (uninitialised register or undriven signal?)", f)}
				}
				return &ParseError{Line: line, Port: p.Name, Msg: fmt.Sprintf("%q: %q is not a hex digit", f, ch)}
			}
			bit := 4 * (len(f) - 1 - k)
			if k == 0 && p.Width%4 != 0 && d>>uint(p.Width%4) != 0 {
				return &ParseError{Line: line, Port: p.Name, Msg: fmt.Sprintf("0x%s does not fit %d bits", f, p.Width)}
			}
			w[bit/64] |= d << uint(bit%64)
		}
	}
	return nil
}

func hexVal(ch byte) (uint64, bool) {
	switch {
	case ch >= '0' && ch <= '9':
		return uint64(ch - '0'), true
	case ch >= 'a' && ch <= 'f':
		return uint64(ch-'a') + 10, true
	case ch >= 'A' && ch <= 'F':
		return uint64(ch-'A') + 10, true
	}
	return 0, false
}

func portList(ports []Port) string {
	var s []string
	for _, p := range ports {
		s = append(s, fmt.Sprintf("%s:%d", p.Name, p.Width))
	}
	return strings.Join(s, " ")
}
