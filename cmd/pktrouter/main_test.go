package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pktnetwork/pktrouter/internal/tooltest"
	"github.com/pktnetwork/pktrouter/label"
	"github.com/pktnetwork/pktrouter/linkframe"
)

// run executes the CLI with args and stdin, returning stdout, stderr and the error.
func run(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	root := newRootCmd(strings.NewReader(stdin), &out, &errw)
	root.SetArgs(args)
	err := execute(root)
	return out.String(), errw.String(), err
}

func TestVersion(t *testing.T) {
	out, _, err := run(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "pktrouter ") {
		t.Fatalf("version: %q, %v", out, err)
	}
}

func TestEveryCommandHasHelpWithExample(t *testing.T) {
	root := newRootCmd(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	cmds := root.Commands()
	for len(cmds) > 0 {
		c := cmds[0]
		cmds = append(cmds[1:], c.Commands()...)
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if c.Short == "" || c.Example == "" {
			t.Errorf("%s: want a Short description and an Example", c.CommandPath())
		}
	}
}

func TestUnknownFlagSaysHowToGetHelp(t *testing.T) {
	_, errOut, err := run(t, "", "label", "path", "--bogus", "5")
	if err == nil || !strings.Contains(errOut, "unknown flag: --bogus") || !strings.Contains(errOut, "pktrouter label path --help") {
		t.Fatalf("err %v, stderr %q", err, errOut)
	}
}

func TestLogLevelValidated(t *testing.T) {
	_, errOut, err := run(t, "", "--log-level", "loud", "version")
	if err == nil || !strings.Contains(errOut, `"loud"`) {
		t.Fatalf("err %v, stderr %q", err, errOut)
	}
}

// pathOut runs `label path 5 2 19` with extra args and returns its first line.
func pathOut(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := run(t, "", append([]string{"label", "path", "5", "2", "19"}, args...)...)
	if err != nil {
		t.Fatalf("label path: %v: %s", err, errOut)
	}
	return strings.SplitN(out, "\n", 2)[0]
}

func TestFlagSources(t *testing.T) {
	want := func(scheme label.Scheme) string {
		r, _, err := buildPath(scheme, []uint32{5, 2, 19})
		if err != nil {
			t.Fatal(err)
		}
		return label.FormatLabel(r)
	}
	if want(label.V358) == want(label.F8) {
		t.Fatal("test needs schemes that encode the path differently")
	}
	if got := pathOut(t); got != want(label.V358) {
		t.Errorf("default: got %s, want v358 route %s", got, want(label.V358))
	}
	cfg := filepath.Join(t.TempDir(), "pktrouter.yaml")
	if err := os.WriteFile(cfg, []byte("scheme: f8\nlog-level: info\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := pathOut(t, "--config", cfg); got != want(label.F8) {
		t.Errorf("config file: got %s, want f8 route %s", got, want(label.F8))
	}
	t.Setenv("PKTROUTER_SCHEME", "v4x8")
	if got := pathOut(t, "--config", cfg); got != want(label.V4x8) {
		t.Errorf("env over config: got %s, want v4x8 route %s", got, want(label.V4x8))
	}
	if got := pathOut(t, "--config", cfg, "--scheme", "f8"); got != want(label.F8) {
		t.Errorf("flag over env: got %s, want f8 route %s", got, want(label.F8))
	}
	t.Setenv("PKTROUTER_SCHEME", "v9")
	if _, errOut, err := run(t, "", "label", "path", "5"); err == nil || !strings.Contains(errOut, "PKTROUTER_SCHEME") && !strings.Contains(errOut, "v9") {
		t.Errorf("bad env value: err %v, stderr %q", err, errOut)
	}
}

func TestMissingConfigFile(t *testing.T) {
	_, errOut, err := run(t, "", "--config", "/nonexistent/p.yaml", "version")
	if err == nil || !strings.Contains(errOut, "/nonexistent/p.yaml") {
		t.Fatalf("err %v, stderr %q", err, errOut)
	}
}

func TestSpliceUnspliceRoundTrip(t *testing.T) {
	out, _, err := run(t, "", "label", "splice", "0000.0000.0000.0015", "0000.0000.0000.0013")
	if err != nil {
		t.Fatal(err)
	}
	full := strings.TrimSpace(out)
	wantFull, _ := label.Splice(0x15, 0x13)
	if full != label.FormatLabel(wantFull) {
		t.Fatalf("splice: %s, want %s", full, label.FormatLabel(wantFull))
	}
	out, _, err = run(t, "", "label", "unsplice", full, "0x13")
	if err != nil || strings.TrimSpace(out) != "0000.0000.0000.0015" {
		t.Fatalf("unsplice: %q, %v", out, err)
	}
	if _, errOut, err := run(t, "", "label", "unsplice", full, "0x17"); err == nil || !strings.Contains(errOut, "does not route through") {
		t.Fatalf("unsplice of unrelated label: %v %q", err, errOut)
	}
	if _, errOut, err := run(t, "", "label", "splice", "0000.0000.zz00.0015", "1"); err == nil || !strings.Contains(errOut, "zz00") {
		t.Fatalf("bad label: %v %q", err, errOut)
	}
}

func TestHopJSONLines(t *testing.T) {
	in := strings.Join([]string{
		`{"scheme":"v358","from":5,"label":"0000000000000013","labelShift":0,"present":[0,2,5]}`,
		`{"from":1,"label":"0000000000000013"}`,
		`{"from":1,"label":"0000000000000013","present":[1]}`,
		`{"from":1,"label":"0000000000000013","labelShift":62}`,
		`{"from":1,"label":"nothex"}`,
		`not json`,
		`{"scheme":"v358","label":"13"}`,
	}, "\n")
	out, errOut, err := run(t, in, "label", "hop")
	if err == nil || !strings.Contains(errOut, "3 of 7 request lines were invalid") {
		t.Errorf("want an error counting 3 bad lines, got %v %q", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 7 {
		t.Fatalf("want one answer per request, got %d:\n%s", len(lines), out)
	}
	// Lines 1 to 4 must agree with label.Forward itself.
	reqs := []struct {
		from    uint32
		shift   uint8
		present []uint32
	}{{5, 0, []uint32{0, 2, 5}}, {1, 0, nil}, {1, 0, []uint32{1}}, {1, 62, nil}}
	for i, r := range reqs {
		present := func(uint32) bool { return true }
		if r.present != nil {
			present = func(n uint32) bool {
				for _, p := range r.present {
					if p == n {
						return true
					}
				}
				return false
			}
		}
		to, h, ferr := label.V358.Forward(label.Header{Label: 0x13, LabelShift: r.shift, TrafficClass: 0xffff}, r.from, present)
		var want string
		var se label.SwitchError
		switch {
		case ferr == nil:
			want = fmt.Sprintf(`{"to":%d,"label":"%016x","labelShift":%d}`, to, h.Label, h.LabelShift)
		case errors.As(ferr, &se):
			want = fmt.Sprintf(`{"error":%d}`, se.Code)
		default:
			want = `{"drop":"shift"}`
		}
		if lines[i] != want {
			t.Errorf("line %d: got %s, want %s", i+1, lines[i], want)
		}
	}
	for i, frag := range map[int]string{4: "line 5", 5: "line 6", 6: `missing \"from\"`} {
		var res map[string]string
		if err := json.Unmarshal([]byte(lines[i]), &res); err != nil || !strings.Contains(lines[i], frag) || res["invalid"] == "" {
			t.Errorf("line %d: got %s, want an invalid answer mentioning %s", i+1, lines[i], frag)
		}
	}
}

func TestHopSingle(t *testing.T) {
	out, _, err := run(t, "", "label", "hop", "--from", "1", "0000.0000.0000.0013")
	if err != nil {
		t.Fatal(err)
	}
	to, h, _ := label.V358.Forward(label.Header{Label: 0x13, TrafficClass: 0xffff}, 1, func(uint32) bool { return true })
	want := fmt.Sprintf(`{"to":%d,"label":"%016x","labelShift":%d}`, to, h.Label, h.LabelShift)
	if strings.TrimSpace(out) != want {
		t.Fatalf("got %s want %s", out, want)
	}
}

func TestDemo(t *testing.T) {
	for _, s := range []string{"v358", "v4x8", "f8"} {
		// The device part is TestDeviceDemo's; a short run keeps this to the
		// label walk of each scheme.
		out, errOut, err := run(t, "", "demo", "--scheme", s, "--cycles", "3000", "--vcd", "none", "--out", t.TempDir())
		if err != nil {
			t.Fatalf("%s: demo failed: %v\n%s%s", s, err, out, errOut)
		}
		if !strings.Contains(out, "The reply reached A") || strings.Count(out, "\n  ") < 10 {
			t.Errorf("%s: demo output lacks the hops or the arrival:\n%s", s, out)
		}
	}
}

func TestGenListAndErrors(t *testing.T) {
	out, _, err := run(t, "", "gen", "--list")
	if err != nil || !strings.Contains(out, "fifo") || !strings.Contains(out, "width=8") {
		t.Fatalf("gen --list: %v\n%s", err, out)
	}
	if _, errOut, err := run(t, "", "gen", "fifo", "-p", "widht=3"); err == nil || !strings.Contains(errOut, `unknown parameter "widht"`) {
		t.Errorf("misspelt parameter: %v %q", err, errOut)
	}
	if _, errOut, err := run(t, "", "gen", "fifoo"); err == nil || !strings.Contains(errOut, "known: ") {
		t.Errorf("unknown block: %v %q", err, errOut)
	}
}

func TestGenIsDeterministicAndSims(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	for _, d := range []string{d1, d2} {
		if _, errOut, err := run(t, "", "gen", "fifo", "-p", "width=12", "-p", "depth=8", "-o", d); err != nil {
			t.Fatalf("gen: %v %s", err, errOut)
		}
	}
	ents, _ := os.ReadDir(d1)
	if len(ents) == 0 {
		t.Fatal("gen wrote nothing")
	}
	for _, e := range ents {
		a, _ := os.ReadFile(filepath.Join(d1, e.Name()))
		b, err := os.ReadFile(filepath.Join(d2, e.Name()))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", e.Name())
		}
		if !bytes.Contains(a, []byte("`default_nettype none")) || !bytes.Contains(a, []byte("width")) && !bytes.Contains(a, []byte("w=12")) {
			t.Errorf("%s: header or nettype missing:\n%.300s", e.Name(), a)
		}
	}
	vcd := filepath.Join(t.TempDir(), "c.vcd")
	out, errOut, err := run(t, "", "sim", "counter", "-p", "width=8", "--set", "en=1", "--cycles", "300", "--vcd", vcd)
	if err != nil {
		t.Fatalf("sim: %v %s", err, errOut)
	}
	// 300 enabled cycles of an 8-bit wrapping counter end at 300 mod 256.
	if !strings.Contains(out, "0x2c") {
		t.Errorf("counter after 300 cycles: want 0x2c in\n%s", out)
	}
	if data, err := os.ReadFile(vcd); err != nil || !bytes.Contains(data, []byte("$enddefinitions")) {
		t.Errorf("VCD not written: %v", err)
	}
}

func TestDecodeCapture(t *testing.T) {
	p := filepath.Join(t.TempDir(), "in.pcap")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w, err := linkframe.NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	frames := []linkframe.Frame{
		{LeaseTag: 3, Header: label.Header{Label: 0x13, LabelShift: 2, TrafficClass: 0x8005}},
		{LeaseTag: 0, Header: label.Header{Label: 0x0000_0000_0000_ca5b, Congestion: 9, SuppressErrors: true, TrafficClass: 0xffff}},
	}
	for i := range frames {
		if err := w.Write(time.Unix(int64(i), 0), &frames[i], make([]byte, 10*i)); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	out, errOut, err := run(t, "", "label", "decode", p)
	if err != nil {
		t.Fatalf("decode: %v %s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and 2 frames:\n%s", out)
	}
	next5, _, _ := label.V358.Decompress(0xca5b)
	want := [][]string{
		{"1", "3", "0000.0000.0000.0013", "", "2", "1", "5", "0", "0", "0"},
		{"2", "0", "0000.0000.0000.ca5b", fmt.Sprint(next5), "0", "-", "-", "9", "1", "10"},
	}
	for i, w := range want {
		got := strings.Fields(lines[i+1])
		if len(got) != len(w) {
			t.Fatalf("frame %d: %q", i+1, lines[i+1])
		}
		for j := range w {
			if w[j] != "" && got[j] != w[j] {
				t.Errorf("frame %d column %d: got %s want %s (%q)", i+1, j, got[j], w[j], lines[i+1])
			}
		}
	}
	if _, errOut, err := run(t, "", "label", "decode", "/nonexistent.pcap"); err == nil || !strings.Contains(errOut, "nonexistent.pcap") {
		t.Errorf("missing file: %v %q", err, errOut)
	}
}

func TestBenchFabricSmall(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "f")
	out, errOut, err := run(t, "", "bench", "fabric", "--ports", "4", "--patterns", "uniform", "--slots", "4000", "--warmup", "1000", "--json", "--png", prefix)
	if err != nil {
		t.Fatalf("%v %s", err, errOut)
	}
	var res struct{ Points []fabricPoint }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Points) != 4*10 {
		t.Fatalf("want 4 fabrics × 10 loads, got %d points", len(res.Points))
	}
	for _, p := range res.Points {
		if p.Load != 1.0 {
			continue
		}
		// Head-of-line blocking caps FIFO near 0.655 at N=4; VOQ/iSLIP gets close to 1.
		if p.Fabric == "fifo" && (p.Throughput < 0.6 || p.Throughput > 0.72) {
			t.Errorf("fifo at full load: %.3f, want about 0.655", p.Throughput)
		}
		if p.Fabric == "voq" && p.Throughput < 0.95 {
			t.Errorf("voq at full load: %.3f, want >= 0.95", p.Throughput)
		}
	}
	for _, m := range []string{"throughput", "latency"} {
		if st, err := os.Stat(prefix + "-" + m + ".png"); err != nil || st.Size() < 1000 {
			t.Errorf("%s plot: %v", m, err)
		}
	}
	if _, errOut, err := run(t, "", "bench", "fabric", "--ports", "6"); err == nil || !strings.Contains(errOut, "power of two") {
		t.Errorf("--ports 6: %v %q", err, errOut)
	}
}

// TestHopRTLMatchesGo holds the generated label parser, through the CLI, to
// label.Forward on random requests of every scheme, with and without present
// sets, on the Go simulator and on Icarus.
func TestHopRTLMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var in strings.Builder
	for i := 0; i < 400; i++ {
		scheme := []string{"v358", "v4x8", "f4", "f8"}[i%4]
		req := map[string]any{
			"scheme":     scheme,
			"from":       r.IntN(40),
			"label":      fmt.Sprintf("%016x", r.Uint64()>>r.IntN(64)),
			"labelShift": r.IntN(64),
		}
		if i%3 == 0 {
			req["present"] = []int{0, 2, 3, 5, 7, 11, 13}
		}
		b, _ := json.Marshal(req)
		in.Write(append(b, '\n'))
	}
	golden, _, gerr := run(t, in.String(), "label", "hop")
	engines := []string{"gosim"}
	if _, err := exec.LookPath("iverilog"); err == nil || tooltest.InCI() {
		engines = append(engines, "icarus")
	}
	for _, e := range engines {
		out, errOut, err := run(t, in.String(), "label", "hop", "--rtl", "--engine", e)
		if (err == nil) != (gerr == nil) {
			t.Fatalf("%s: exit %v, golden %v: %s", e, err, gerr, errOut)
		}
		if out != golden {
			gl, ol := strings.Split(golden, "\n"), strings.Split(out, "\n")
			for i := range gl {
				if i >= len(ol) || gl[i] != ol[i] {
					t.Fatalf("%s: line %d: rtl %q, go %q (stderr %s)", e, i+1, ol[i], gl[i], errOut)
				}
			}
		}
	}
	if !strings.Contains(golden, `"to"`) || !strings.Contains(golden, `"error"`) || !strings.Contains(golden, `"drop"`) {
		t.Errorf("random requests did not reach every outcome:\n%.500s", golden)
	}
	if _, errOut, err := run(t, "", "label", "hop", "--engine", "icarus", "1"); err == nil || !strings.Contains(errOut, "add --rtl") {
		t.Errorf("--engine without --rtl: %v %q", err, errOut)
	}
}
