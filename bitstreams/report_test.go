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

// TestParseHierarchicalStat reads a `stat -json` of ref16 taken before
// memory collection: Yosys 0.23 writes the submodule tree as plain text
// inside it, and the design section must still be read.
func TestParseHierarchicalStat(t *testing.T) {
	stat, err := os.ReadFile("testdata/yosys_stat_hier.json")
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{Board: Generic}
	if err := r.ParseYosysStat(stat); err != nil {
		t.Fatal(err)
	}
	if r.CellsTotal != 29010 || r.Cells["$memrd"] != 377 {
		t.Errorf("cells %d, $memrd %d; want 29010, 377", r.CellsTotal, r.Cells["$memrd"])
	}
	if err := r.ParseYosysMemories(stat); err != nil {
		t.Fatal(err)
	}
	if r.Memories != 376 || r.MemoryBits != 6601779 {
		t.Errorf("memories %d of %d bits, want 376 of 6601779", r.Memories, r.MemoryBits)
	}
}

// TestGenericSummaries sorts Yosys's generic cells into gates and
// flip-flops; memories are neither.
func TestGenericSummaries(t *testing.T) {
	stat := []byte(`{"design": {"num_cells": 10, "num_cells_by_type": {"$_AND_": 3, "$_MUX_": 2, "$_DFF_P_": 1, "$_SDFFE_PP0P_": 1, "$_DFFE_PN_": 1, "$_DLATCH_P_": 1, "$mem_v2": 1}}}`)
	r := &Report{Board: Generic}
	if err := r.ParseYosysStat(stat); err != nil {
		t.Fatal(err)
	}
	if r.Gates != 5 || r.FF != 4 || r.LUT4 != 0 {
		t.Errorf("gates %d FF %d LUT4 %d, want 5 4 0", r.Gates, r.FF, r.LUT4)
	}
	r.Memories, r.MemoryBits = 1, 2500000
	md := string(r.Markdown())
	if !strings.Contains(md, "5 gates, 4 flip-flops, 1 memories of 2500000 bits in all (2.50 Mbit") {
		t.Errorf("Markdown lacks the generic summary:\n%s", md)
	}
	if err := (&Report{}).ParseYosysStat([]byte(`{"modules": {}}`)); err == nil || !strings.Contains(err.Error(), "no design section") {
		t.Errorf("stat without design: %v", err)
	}
}
