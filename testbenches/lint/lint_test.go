package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/internal/tooltest"
)

const clean = "`default_nettype none\n" + `module inc (
    input  wire       clk,
    input  wire [7:0] d,
    output reg  [7:0] q
);
    initial q = 8'd0;
    always @(posedge clk) q <= d + 8'd1;
endmodule
` + "`default_nettype wire\n"

const top = "`default_nettype none\n" + `module top (
    input  wire       clk,
    input  wire [7:0] d,
    output wire [7:0] q
);
    inc u_inc (.clk(clk), .d(d), .q(q));
endmodule
` + "`default_nettype wire\n"

// unused input and a width mismatch: Verilator -Wall must object.
const sloppy = `module sloppy (
    input  wire [7:0] a,
    input  wire [7:0] unused_in,
    output wire [3:0] y
);
    assign y = a;
endmodule
`

func write(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheck(t *testing.T) {
	for _, tool := range Tools {
		tooltest.Require(t, tool)
	}
	dir := t.TempDir()
	write(t, dir, "inc.v", clean)
	write(t, dir, "top.v", top)
	write(t, dir, "sloppy.v", sloppy)
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 9 {
		t.Fatalf("want 3 files × 3 tools, got %d findings", len(res))
	}
	for _, f := range res {
		base := filepath.Base(f.File)
		switch {
		case base != "sloppy.v" && !f.OK:
			t.Errorf("%s %s: want clean, got:\n%s", base, f.Tool, f.Output)
		case base == "sloppy.v" && f.Tool == "verilator":
			if f.OK || !strings.Contains(f.Output, "WIDTH") {
				t.Errorf("verilator passed sloppy.v or missed the width mismatch:\n%s", f.Output)
			}
		}
		if base == "top.v" && f.Top != "top" {
			t.Errorf("top.v: top %q", f.Top)
		}
	}
}

func TestMissingSubmoduleFails(t *testing.T) {
	for _, tool := range Tools {
		tooltest.Require(t, tool)
	}
	dir := t.TempDir()
	f := write(t, dir, "top.v", top) // inc.v absent
	res, err := Check(context.Background(), []string{f})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.OK {
			t.Errorf("%s passed a design with a missing submodule", r.Tool)
		}
	}
}

func TestFilesAndTop(t *testing.T) {
	dir := t.TempDir()
	if _, err := Files(dir); err == nil || !strings.Contains(err.Error(), "no .v files") {
		t.Errorf("empty dir: %v", err)
	}
	if _, err := Top([]byte("// nothing here")); err == nil {
		t.Error("Top of a file with no module: want an error")
	}
	if got, _ := Top([]byte(clean + top)); got != "top" {
		t.Errorf("Top = %q, want the last module", got)
	}
}

// TestYosysCatchesDriverAndLoopErrors checks that stopping Yosys at
// `synth -run :fine` still fails what only synthesis sees: a net with two
// drivers and a combinational loop.
func TestYosysCatchesDriverAndLoopErrors(t *testing.T) {
	tooltest.Require(t, "yosys")
	for _, tc := range []struct{ name, src, want string }{
		{"twodrivers", "`default_nettype none\nmodule twodrivers (input wire a, input wire b, output wire y);\n" +
			"    assign y = a;\n    assign y = b;\nendmodule\n", "multiple conflicting drivers"},
		{"loop", "`default_nettype none\nmodule loop (input wire a, output wire y);\n" +
			"    wire x;\n    assign x = y ^ a;\n    assign y = x;\nendmodule\n", "logic loop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f := write(t, dir, tc.name+".v", tc.src)
			ok, out := run(context.Background(), dir, "yosys", f, tc.name, nil)
			if ok || !strings.Contains(out, tc.want) {
				t.Errorf("yosys: ok=%v, want a failure mentioning %q:\n%s", ok, tc.want, out)
			}
		})
	}
}
