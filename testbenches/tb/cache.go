package tb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// CacheEnv names the environment variable that overrides the default
// build cache directory.
const CacheEnv = "PKTROUTER_TB_CACHE"

// cacheRoot returns the directory builds are cached in: dir if set, else
// $PKTROUTER_TB_CACHE, else <user cache dir>/pktrouter/tb, else a
// directory under the system temp dir.
func cacheRoot(dir string) string {
	if dir != "" {
		return dir
	}
	if d := os.Getenv(CacheEnv); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "pktrouter", "tb")
	}
	return filepath.Join(os.TempDir(), "pktrouter-tb-cache")
}

// buildKey hashes everything a build depends on: the parts given (tool
// version, flags, generated top) and the contents of the design's sources.
func buildKey(d Design, parts ...string) (string, error) {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	for _, f := range d.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("tb: design %s: %w", d.Top, err)
		}
		abs, _ := filepath.Abs(f)
		fmt.Fprintf(h, "file %s %d:", abs, len(data))
		h.Write(data)
	}
	fmt.Fprintf(h, "source %d:%s", len(d.Source), d.Source)
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// keyLocks serialises builds of the same key within this process; across
// processes builds go to a private directory renamed into place, so a
// race costs a duplicate build, never a broken one.
var keyLocks sync.Map // key -> *sync.Mutex

const doneMarker = "BUILD-OK"

// cachedBuild returns the directory of the build named key under
// root/kind, running build in a fresh directory first when it is not
// there yet. build's dir is the final location only after a rename, so
// build must not bake absolute paths of its outputs into them.
func cachedBuild(ctx context.Context, root, kind, key string, build func(dir string) error) (string, error) {
	mu, _ := keyLocks.LoadOrStore(kind+"/"+key, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()

	final := filepath.Join(root, kind, key)
	if _, err := os.Stat(filepath.Join(final, doneMarker)); err == nil {
		return final, nil
	}
	if err := os.MkdirAll(filepath.Join(root, kind), 0o755); err != nil {
		return "", fmt.Errorf("tb: build cache: %w", err)
	}
	removeStale(filepath.Join(root, kind))
	tmp, err := os.MkdirTemp(filepath.Join(root, kind), key+".tmp-")
	if err != nil {
		return "", fmt.Errorf("tb: build cache: %w", err)
	}
	if err := build(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := ctx.Err(); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, doneMarker), nil, 0o644); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(filepath.Join(final, doneMarker)); serr == nil {
			return final, nil // another process won the race
		}
		return "", fmt.Errorf("tb: build cache: %w (delete %s if it is a leftover)", err, final)
	}
	return final, nil
}

// removeStale deletes build directories left by interrupted builds (a
// killed test run) once they are an hour old; a live build never takes
// that long.
func removeStale(dir string) {
	tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*"))
	for _, t := range tmps {
		if fi, err := os.Stat(t); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.RemoveAll(t)
		}
	}
}

// toolVersions memoises `tool --version`-style output, part of build keys.
var toolVersions sync.Map // tool path + args -> string

func toolVersion(tool string, args ...string) string {
	k := tool + " " + strings.Join(args, " ")
	if v, ok := toolVersions.Load(k); ok {
		return v.(string)
	}
	out, _ := exec.Command(tool, args...).CombinedOutput()
	v := strings.TrimSpace(string(out))
	if i := strings.IndexByte(v, '\n'); i >= 0 {
		v = v[:i]
	}
	toolVersions.Store(k, v)
	return v
}

// run executes a command in dir, returning a clear error with the tail of
// its output when it fails.
func run(ctx context.Context, dir, what string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		return out, fmt.Errorf("tb: %s failed (%v): %s\n%s", what, err, name+" "+strings.Join(args, " "), tail(out, 40))
	}
	return out, nil
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// writeSources writes the generated top (and the inline source, if any)
// into dir and returns the list of files to compile, design files first.
func writeSources(dir string, d Design, top string) ([]string, error) {
	var files []string
	for _, f := range d.Files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		files = append(files, abs)
	}
	if d.Source != "" {
		p := filepath.Join(dir, "design.v")
		if err := os.WriteFile(p, []byte(d.Source), 0o644); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	p := filepath.Join(dir, "tb_top.v")
	if err := os.WriteFile(p, []byte(top), 0o644); err != nil {
		return nil, err
	}
	return append(files, p), nil
}

// simulateBinary runs a built simulator on s (writing the stimulus file
// and reading back the trace) in a private temp directory. argv is the
// command line before the plusargs this package adds.
func simulateBinary(ctx context.Context, engine string, d Design, s Stimulus, argv []string) (Trace, error) {
	outs := d.Outputs()
	if s.Len() == 0 {
		t, err := NewTrace(outs, 0)
		t.Engine = engine
		return t, err
	}
	dir, err := os.MkdirTemp("", "pktrouter-tb-run-")
	if err != nil {
		return Trace{}, err
	}
	defer os.RemoveAll(dir)
	stim, trace := filepath.Join(dir, "stim.hex"), filepath.Join(dir, "trace.hex")
	if err := s.WriteFile(stim); err != nil {
		return Trace{}, err
	}
	args := append(argv[1:len(argv):len(argv)], "+stim="+stim, "+trace="+trace, fmt.Sprintf("+cycles=%d", s.Len()))
	out, err := run(ctx, dir, engine+" simulation of "+d.Top, argv[0], args...)
	if err != nil {
		return Trace{}, err
	}
	f, err := os.Open(trace)
	if err != nil {
		return Trace{}, fmt.Errorf("tb: %s wrote no trace: %v\n%s", engine, err, tail(out, 20))
	}
	defer f.Close()
	t, err := ParseTrace(f, outs)
	if err != nil {
		return Trace{}, fmt.Errorf("tb: %s trace of %s: %w", engine, d.Top, err)
	}
	if t.Len() != s.Len() {
		return Trace{}, fmt.Errorf("tb: %s trace of %s has %d cycles, stimulus has %d\n%s", engine, d.Top, t.Len(), s.Len(), tail(out, 20))
	}
	t.Engine = engine
	return t, nil
}
