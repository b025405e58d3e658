// Package compiled is the Go simulator's compiled tier: the program the
// interpreter (package sim) runs, written out as Go source by
// sim.GenerateGo, built with the go tool into a native binary, and driven
// over a line protocol on its stdin and stdout.
//
// It trades a build (about a second for a few thousand cells; cached by
// content hash under the user cache directory, pktrouter/gosim) for
// several times the interpreter's speed, the way Verilator trades a C++
// build for speed. Semantics are the interpreter's exactly, two-phase
// clock edge included; tests compare the two cycle by cycle.
//
// The go tool must be on PATH (pktrouter runs from source, so it is).
package compiled

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pktnetwork/pktrouter/gen/hdl"
	"github.com/pktnetwork/pktrouter/sim"
)

// CacheEnv overrides the build cache directory.
const CacheEnv = "PKTROUTER_GOSIM_CACHE"

// Options control the build. The zero value is ready to use.
type Options struct {
	// CacheDir holds built programs; default $PKTROUTER_GOSIM_CACHE, else
	// <user cache dir>/pktrouter/gosim.
	CacheDir string
}

// Sim is a running compiled simulation. Its methods mirror sim.Sim's (it
// is a sim.Engine), plus Run for timing and Err and Close for the process.
// Not safe for concurrent use.
type Sim struct {
	prog  *sim.GoProgram
	cmd   *exec.Cmd
	in    *bufio.Writer
	stdin io.WriteCloser
	out   *bufio.Reader
	err   error
	cycle uint64
	// BuildTime is how long generating and building took (near zero when
	// the program was cached).
	BuildTime time.Duration
	// Cached reports whether the binary came from the cache.
	Cached bool
}

// New builds m and starts its compiled simulation.
func New(ctx context.Context, m *hdl.Module, o Options) (*Sim, error) {
	d, err := m.Build()
	if err != nil {
		return nil, err
	}
	return NewDesign(ctx, d, o)
}

// NewDesign compiles d (or finds it in the cache) and starts it.
func NewDesign(ctx context.Context, d *hdl.Design, o Options) (*Sim, error) {
	t0 := time.Now()
	p, err := sim.GenerateGo(d)
	if err != nil {
		return nil, err
	}
	bin, cached, err := Build(ctx, p, o)
	if err != nil {
		return nil, err
	}
	s := &Sim{prog: p, BuildTime: time.Since(t0), Cached: cached}
	s.cmd = exec.Command(bin)
	s.cmd.Stderr = os.Stderr
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	r, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("compiled: start %s: %w", bin, err)
	}
	s.in = bufio.NewWriterSize(s.stdin, 1<<16)
	s.out = bufio.NewReaderSize(r, 1<<16)
	return s, nil
}

func cacheRoot(dir string) string {
	if dir != "" {
		return dir
	}
	if d := os.Getenv(CacheEnv); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "pktrouter", "gosim")
	}
	return filepath.Join(os.TempDir(), "pktrouter-gosim-cache")
}

var (
	goVersionOnce sync.Once
	goVersion     string
	goVersionErr  error
	buildLocks    sync.Map // key -> *sync.Mutex
)

// toolchain names the go tool and its version and target, part of the
// cache key.
func toolchain() (string, error) {
	goVersionOnce.Do(func() {
		cmd := exec.Command("go", "env", "GOVERSION", "GOOS", "GOARCH", "GOAMD64", "GOARM64")
		cmd.Env = goEnv()
		out, err := cmd.Output()
		if err != nil {
			goVersionErr = fmt.Errorf("compiled: the go tool is needed to build the compiled simulator: %w", err)
			return
		}
		goVersion = strings.Join(strings.Fields(string(out)), " ")
	})
	return goVersion, goVersionErr
}

// goEnv is the environment of the go tool: the generated module stands
// alone (no workspace, no network) and must run here, whatever GOOS and
// GOARCH the user has set for cross builds.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off",
		"GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
}

// Build returns the path of p's binary, building it unless the cache has
// it, and whether it was cached.
func Build(ctx context.Context, p *sim.GoProgram, o Options) (string, bool, error) {
	tc, err := toolchain()
	if err != nil {
		return "", false, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", tc)
	h.Write(p.Source)
	key := hex.EncodeToString(h.Sum(nil))[:32]
	mu, _ := buildLocks.LoadOrStore(key, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()

	root := cacheRoot(o.CacheDir)
	bin := filepath.Join(root, key, "gosim")
	if _, err := os.Stat(bin); err == nil {
		return bin, true, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", false, fmt.Errorf("compiled: build cache: %w", err)
	}
	tmp, err := os.MkdirTemp(root, key+".tmp-")
	if err != nil {
		return "", false, fmt.Errorf("compiled: build cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	files := map[string]string{"go.mod": "module gosim\n\ngo 1.22\n", "main.go": string(p.Source)}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(data), 0o644); err != nil {
			return "", false, err
		}
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", "gosim", ".")
	cmd.Dir = tmp
	cmd.Env = goEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := string(out)
		if len(msg) > 3000 {
			msg = msg[:3000] + "..."
		}
		return "", false, fmt.Errorf("compiled: go build of %s failed (a generator bug; the source is in %s): %w\n%s",
			p.Name, keepSource(root, key, p.Source), err, msg)
	}
	final := filepath.Join(root, key)
	if err := os.Rename(tmp, final); err != nil {
		// Another process built it meanwhile; use theirs.
		if _, serr := os.Stat(bin); serr != nil {
			return "", false, fmt.Errorf("compiled: build cache: %w", err)
		}
	}
	return bin, false, nil
}

// keepSource saves the source of a failed build for the bug report.
func keepSource(root, key string, src []byte) string {
	p := filepath.Join(root, key+".failed.go")
	_ = os.WriteFile(p, src, 0o644)
	return p
}

// Program is the generated program being run.
func (s *Sim) Program() *sim.GoProgram { return s.prog }

var _ sim.Engine = (*Sim)(nil)

func (s *Sim) send(format string, args ...any) {
	if s.err != nil {
		return
	}
	if _, err := fmt.Fprintf(s.in, format+"\n", args...); err != nil {
		s.err = fmt.Errorf("compiled: %s: %w", s.prog.Name, err)
	}
}

// reply flushes the commands sent so far and reads one answer line.
func (s *Sim) reply() (string, error) {
	if s.err != nil {
		return "", s.err
	}
	if err := s.in.Flush(); err != nil {
		s.err = fmt.Errorf("compiled: %s: %w", s.prog.Name, err)
		return "", s.err
	}
	line, err := s.out.ReadString('\n')
	if err != nil {
		s.err = fmt.Errorf("compiled: %s: program ended: %w", s.prog.Name, err)
		return "", s.err
	}
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "error ") {
		s.err = fmt.Errorf("compiled: %s: %s", s.prog.Name, line)
		return "", s.err
	}
	return line, nil
}

func (s *Sim) words(line string, n int) ([]uint64, error) {
	f := strings.Fields(line)
	if len(f) != n {
		return nil, fmt.Errorf("compiled: %s: want %d words, got %q", s.prog.Name, n, line)
	}
	v := make([]uint64, n)
	for i, x := range f {
		var err error
		if v[i], err = strconv.ParseUint(x, 16, 64); err != nil {
			return nil, fmt.Errorf("compiled: %s: bad word %q", s.prog.Name, x)
		}
	}
	return v, nil
}

// Poke sets an input port ("rst" is the implicit reset).
func (s *Sim) Poke(port string, v uint64) error { return s.PokeWide(port, []uint64{v}) }

// PokeWide sets an input port from little-endian words.
func (s *Sim) PokeWide(port string, v []uint64) error {
	slot, ok := s.prog.Signals[port]
	if !ok && port == sim.RstPort {
		if len(v) == 0 || v[0] > 1 || !zeroAbove(v, 1) {
			return fmt.Errorf("compiled: value %s does not fit 1-bit input %q", hdl.BigFromWords(v), port)
		}
		s.send("r %d", v[0])
		return s.err
	}
	if !ok {
		return fmt.Errorf("compiled: no signal %q in %s", port, s.prog.Name)
	}
	if !slot.Input {
		return fmt.Errorf("compiled: %q is not an input port of %s", port, s.prog.Name)
	}
	nw := hdl.Words(slot.Width)
	for i, x := range v {
		top := ^uint64(0)
		switch {
		case i == nw-1:
			top = hdl.TopMask(slot.Width)
		case i >= nw:
			top = 0
		}
		if x&^top != 0 {
			return fmt.Errorf("compiled: value %s does not fit %d-bit input %q", hdl.BigFromWords(v), slot.Width, port)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "p %d %d", slot.Off, nw)
	for i := 0; i < nw; i++ {
		var x uint64
		if i < len(v) {
			x = v[i]
		}
		fmt.Fprintf(&b, " %x", x)
	}
	s.send("%s", b.String())
	return s.err
}

// zeroAbove reports whether words n and up of v are zero.
func zeroAbove(v []uint64, n int) bool {
	for i := n; i < len(v); i++ {
		if v[i] != 0 {
			return false
		}
	}
	return true
}

// Peek reads a named signal (low word for wide ones).
func (s *Sim) Peek(name string) (uint64, error) {
	v, err := s.PeekWide(name)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// PeekWide reads a named signal as little-endian words.
func (s *Sim) PeekWide(name string) ([]uint64, error) {
	slot, ok := s.prog.Signals[name]
	if !ok {
		return nil, fmt.Errorf("compiled: no signal %q in %s", name, s.prog.Name)
	}
	nw := hdl.Words(slot.Width)
	s.send("g %d %d", slot.Off, nw)
	line, err := s.reply()
	if err != nil {
		return nil, err
	}
	return s.words(line, nw)
}

// PeekBig reads a named signal as a big.Int.
func (s *Sim) PeekBig(name string) (*big.Int, error) {
	v, err := s.PeekWide(name)
	if err != nil {
		return nil, err
	}
	return hdl.BigFromWords(v), nil
}

// ReadMem reads word i of a memory.
func (s *Sim) ReadMem(mem string, i int) ([]uint64, error) {
	m, ok := s.prog.Mems[mem]
	if !ok {
		return nil, fmt.Errorf("compiled: no memory %q", mem)
	}
	if i < 0 || i >= m.Depth {
		return nil, fmt.Errorf("compiled: memory %q has no word %d (depth %d)", mem, i, m.Depth)
	}
	s.send("m %d %d", m.Index, i)
	line, err := s.reply()
	if err != nil {
		return nil, err
	}
	return s.words(line, hdl.Words(m.Width))
}

// Snapshot reads every named signal in one exchange (for tests that
// compare whole designs cycle by cycle).
func (s *Sim) Snapshot() (map[string][]uint64, error) {
	s.send("a")
	line, err := s.reply()
	if err != nil {
		return nil, err
	}
	st, err := s.words(line, len(strings.Fields(line)))
	if err != nil {
		return nil, err
	}
	out := make(map[string][]uint64, len(s.prog.Signals))
	for name, slot := range s.prog.Signals {
		end := slot.Off + hdl.Words(slot.Width)
		if end > len(st) {
			return nil, fmt.Errorf("compiled: %s: state has %d words, %q needs %d", s.prog.Name, len(st), name, end)
		}
		out[name] = st[slot.Off:end:end]
	}
	return out, nil
}

// Step runs n clock cycles with the current inputs. Like every method
// without an error result, a failure shows at the next call that has one
// (Peek, Poke, Run) and in Err.
func (s *Sim) Step(n int) {
	if n > 0 {
		s.send("s %d", n)
		s.cycle += uint64(n)
	}
}

// Run runs n clock cycles and returns the time the program spent on them,
// measured inside it (no protocol overhead): the figure for benchmarks.
func (s *Sim) Run(n int) (time.Duration, error) {
	s.send("t %d", n)
	s.cycle += uint64(n)
	line, err := s.reply()
	if err != nil {
		return 0, err
	}
	ns, err := strconv.ParseInt(line, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("compiled: %s: bad time %q", s.prog.Name, line)
	}
	return time.Duration(ns), nil
}

// Reset holds rst high for one clock cycle, then releases it.
func (s *Sim) Reset() {
	s.send("r 1")
	s.Step(1)
	s.send("r 0")
}

// PowerOn returns the design to its power-on state (see sim.Sim.PowerOn).
func (s *Sim) PowerOn() {
	s.send("o")
	s.cycle = 0
}

// Cycle is the number of clock edges since power-on.
func (s *Sim) Cycle() uint64 { return s.cycle }

// Err is the first error talking to the program, if any.
func (s *Sim) Err() error { return s.err }

// Sync waits until the program has carried out everything sent so far
// (Step and the rest return at once): call it before reading a clock.
func (s *Sim) Sync() error {
	_, err := s.ProgramCycle()
	return err
}

// ProgramCycle asks the program for its cycle count (a protocol check;
// Cycle answers without a round trip).
func (s *Sim) ProgramCycle() (uint64, error) {
	s.send("c")
	line, err := s.reply()
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(line, 10, 64)
}

// Close ends the program.
func (s *Sim) Close() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	s.send("q")
	if s.err == nil {
		s.in.Flush()
	}
	s.stdin.Close()
	err := s.cmd.Wait()
	s.cmd = nil
	if s.err != nil && !errors.Is(s.err, io.EOF) {
		return s.err
	}
	return err
}
