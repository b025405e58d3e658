package bitstreams

import (
	"os"
	"strings"
	"testing"
)

func TestParseReports(t *testing.T) {
	stat, err := os.ReadFile("testdata/yosys_stat.json")
	if err != nil {
		t.Fatal(err)
	}
	pnr, err := os.ReadFile("testdata/nextpnr_report.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		target  float64
		verdict string
	}{
		{"board clock", 12, "pass"},
		{"constraint", 0, "pass"},
		{"too fast", 200, "fail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Report{Design: "counter", Board: "ice40-hx8k-breakout", Device: "hx8k", Package: "ct256", TargetMHz: tc.target}
			if err := r.ParseYosysStat(stat); err != nil {
				t.Fatal(err)
			}
			if r.LUT4 != 28 || r.FF != 28 || r.Carry != 22 || r.CellsTotal != 78 {
				t.Fatalf("cells: LUT4 %d FF %d carry %d total %d, want 28 28 22 78", r.LUT4, r.FF, r.Carry, r.CellsTotal)
			}
			if err := r.ParseNextpnrReport(pnr); err != nil {
				t.Fatal(err)
			}
			if r.IO != 7 {
				t.Errorf("IO = %d, want nextpnr's 7 SB_IO", r.IO)
			}
			if got := r.Utilization["ICESTORM_LC"]; got != (Use{Used: 31, Available: 7680}) {
				t.Errorf("ICESTORM_LC = %+v", got)
			}
			if len(r.Clocks) != 1 || r.Clocks[0].Name != "clk" || r.Clocks[0].FmaxMHz < 194 || r.Clocks[0].FmaxMHz > 195 {
				t.Fatalf("clocks %+v, want clk at 194.3 MHz", r.Clocks)
			}
			if r.Verdict != tc.verdict {
				t.Errorf("verdict %q, want %q", r.Verdict, tc.verdict)
			}
			md := string(r.Markdown())
			for _, want := range []string{"| clk | 194.33 MHz |", "| ICESTORM_LC | 31 | 7680 | 0.4% |", "**" + strings.ToUpper(tc.verdict) + "**", "LUT4 28, flip-flops 28"} {
				if !strings.Contains(md, want) {
					t.Errorf("Markdown lacks %q:\n%s", want, md)
				}
			}
		})
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	r := &Report{}
	if err := r.ParseNextpnrReport([]byte(`{"fmax": {}}`)); err == nil || !strings.Contains(err.Error(), "no utilization") {
		t.Errorf("empty nextpnr report: %v", err)
	}
	if err := r.ParseYosysStat([]byte(`not json`)); err == nil || !strings.Contains(err.Error(), "yosys stat") {
		t.Errorf("bad stat: %v", err)
	}
}

func TestParseNextpnrLogOverflow(t *testing.T) {
	log, err := os.ReadFile("testdata/nextpnr_nofit.log")
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{Board: "ice40-hx8k-breakout", Device: "hx8k"}
	over := r.ParseNextpnrLog(log)
	if len(over) != 2 || !strings.HasPrefix(over[0], "ICESTORM_LC 52416/7680") || !strings.HasPrefix(over[1], "ICESTORM_RAM 40/32") {
		t.Fatalf("overflow %q", over)
	}
	if r.Verdict != "does not fit" || r.Utilization["SB_IO"] != (Use{Used: 48, Available: 256}) || r.IO != 48 {
		t.Fatalf("report %+v", r)
	}
	if !strings.Contains(string(r.Markdown()), "**DOES NOT FIT**") {
		t.Error("Markdown does not show the verdict")
	}
	if over := (&Report{}).ParseNextpnrLog([]byte("ERROR: something else\n")); over != nil {
		t.Errorf("a log without a utilisation table: %q", over)
	}
}
