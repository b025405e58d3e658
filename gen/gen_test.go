package gen

import (
	"slices"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/sim"
)

// TestTable checks the table itself: sorted unique names, documented
// parameters, and every generator building and simulating with its
// defaults.
func TestTable(t *testing.T) {
	all := All()
	if len(all) == 0 {
		t.Fatal("no generators")
	}
	if !slices.IsSortedFunc(all, func(a, b Generator) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("table not sorted by name")
	}
	for i, g := range all {
		if i > 0 && all[i-1].Name == g.Name {
			t.Errorf("generator %s listed twice", g.Name)
		}
		if g.Summary == "" || g.Build == nil {
			t.Errorf("%s: missing summary or Build", g.Name)
		}
		seen := map[string]bool{}
		for _, p := range g.Params {
			if p.Doc == "" || seen[p.Name] {
				t.Errorf("%s: parameter %q undocumented or repeated", g.Name, p.Name)
			}
			seen[p.Name] = true
		}
		m, err := g.New(nil)
		if err != nil {
			t.Errorf("%s with defaults: %v", g.Name, err)
			continue
		}
		s, err := sim.New(m)
		if err != nil {
			t.Errorf("%s: %v", g.Name, err)
			continue
		}
		s.Step(10)
	}
	// All hands out a copy: editing it leaves the table alone.
	all[0].Name = "changed"
	if All()[0].Name == "changed" {
		t.Error("All exposes the table")
	}
}

func TestLookup(t *testing.T) {
	g, err := Lookup("fifo")
	if err != nil || g.Name != "fifo" {
		t.Fatalf("Lookup(fifo) = %v, %v", g.Name, err)
	}
	_, err = Lookup("fifi")
	if err == nil || !strings.Contains(err.Error(), `"fifi"`) || !strings.Contains(err.Error(), "arbiter, bench_arbfifo") {
		t.Errorf("Lookup(fifi) error %v does not name the key and list the generators", err)
	}
}

// TestNew checks parameters end to end: values reach the module (its name
// carries them), defaults fill gaps, and each bad input is an error naming
// the generator, the key and the value.
func TestNew(t *testing.T) {
	tests := []struct {
		gen    string
		params map[string]string
		name   string   // module name when it builds
		frags  []string // error fragments otherwise
	}{
		{"fifo", nil, "fifo_w8_d16_af16", nil},
		{"fifo", map[string]string{"width": "32", "depth": "5", "almost_full": "3"}, "fifo_w32_d5_af3", nil},
		{"fifo", map[string]string{"dpeth": "5"}, "", []string{"fifo", `unknown parameter "dpeth"`, "width, depth, almost_full"}},
		{"fifo", map[string]string{"depth": "1O"}, "", []string{"fifo", "depth", `"1O"`}},
		{"fifo", map[string]string{"depth": "0"}, "", []string{"fifo", "depth", "0"}},
		{"fifo", map[string]string{"depth": "4", "almost_full": "9"}, "", []string{"fifo", "almost_full", "9"}},
		{"arbiter", map[string]string{"n": "5", "hold": "true"}, "rrarb_n5_hold1", nil},
		{"arbiter", map[string]string{"hold": "maybe"}, "", []string{"arbiter", "hold", `"maybe"`}},
		{"lfsr", map[string]string{"width": "16", "taps": "16,14,13,11", "kind": "fibonacci", "seed": "0xACE1"}, "lfsr_w16_kf_tb400_sace1", nil},
		{"lfsr", map[string]string{"seed": "010"}, "lfsr_w16_kg_td008_sa", nil}, // decimal 10, not octal
		{"lfsr", map[string]string{"taps": "16,x"}, "", []string{"lfsr", "taps", `"x"`}},
		{"lfsr", map[string]string{"kind": "xorshift"}, "", []string{"lfsr", "xorshift"}},
		{"lfsr", map[string]string{"seed": "-1"}, "", []string{"lfsr", "seed", `"-1"`}},
		{"lfsr", map[string]string{"seed": "0"}, "", []string{"lfsr", "seed"}},
		{"counter", map[string]string{"width": "8", "mode": "saturate"}, "counter_w8_ms", nil},
		{"counter", map[string]string{"mode": "down"}, "", []string{"counter", "down"}},
		{"bitrev", map[string]string{"width": " 64 "}, "bitrev_w64", nil},
		{"prienc", map[string]string{"n": "1e3"}, "", []string{"prienc", "n", `"1e3"`}},
		{"bench_arbfifo", map[string]string{"n": "8"}, "bench_arbfifo_n8", nil},
		{"device", map[string]string{"ports": "2", "leases": "4"}, "device_hbcec9b7b", nil},
		{"device", map[string]string{"leases": "3"}, "", []string{"device", "leases=3", "power of two"}},
		{"shaper", map[string]string{"leases": "3"}, "", []string{"shaper", `unknown parameter "leases"`, "takes none"}},
		{"device", map[string]string{"ports": "1"}, "", []string{"device", "ports=1"}},
		{"device", map[string]string{"ports": "16", "leases": "16"}, "", []string{"device", "ports=16 leases=16", "257 interfaces"}},
	}
	for _, tc := range tests {
		g, err := Lookup(tc.gen)
		if err != nil {
			t.Fatal(err)
		}
		m, err := g.New(tc.params)
		if tc.frags == nil {
			if err != nil {
				t.Errorf("%s %v: %v", tc.gen, tc.params, err)
			} else if m.Name() != tc.name {
				t.Errorf("%s %v: module %s, want %s", tc.gen, tc.params, m.Name(), tc.name)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s %v: built %s, want an error", tc.gen, tc.params, m.Name())
			continue
		}
		for _, f := range tc.frags {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("%s %v: error %q lacks %q", tc.gen, tc.params, err, f)
			}
		}
	}
}

func TestParseAssignments(t *testing.T) {
	got, err := ParseAssignments([]string{"width=8", "taps=16,14", "empty="})
	if err != nil || len(got) != 3 || got["width"] != "8" || got["taps"] != "16,14" || got["empty"] != "" {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range [][]string{{"width"}, {"=8"}, {"a=1", "a=2"}} {
		if _, err := ParseAssignments(bad); err == nil {
			t.Errorf("ParseAssignments(%q) accepted", bad)
		}
	}
}
