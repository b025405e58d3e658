package labelparse

import (
	"context"
	"errors"
	"strings"
	"testing"

	lp "github.com/pktnetwork/pktrouter/gen/labelparse"
	"github.com/pktnetwork/pktrouter/label"
)

func TestHopperErrors(t *testing.T) {
	cfg := lp.Ref4
	if _, err := NewHopper(cfg, make(Table, 5)); err == nil || !strings.Contains(err.Error(), "5 entries") {
		t.Errorf("short table: %v", err)
	}
	bad := TableFromPresent(cfg.Interfaces, nil)
	bad[7].VR = 16
	if _, err := NewHopper(cfg, bad); err == nil || !strings.Contains(err.Error(), "entry 7") {
		t.Errorf("entry with a 5-bit vr: %v", err)
	}
	hp, err := NewHopper(cfg, TableFromPresent(cfg.Interfaces, nil))
	if err != nil {
		t.Fatal(err)
	}
	req := []Request{{Header: label.Header{Label: 0x13}, From: 2}, {Header: label.Header{Label: 0x13}, From: 64}}
	for _, e := range []Engine{GoSim, Icarus} {
		if _, err := hp.Hop(context.Background(), e, req); err == nil || !strings.Contains(err.Error(), "request 1") {
			t.Errorf("%s: ingress 64 on a 6-bit in_from: %v", e, err)
		}
	}
	if _, err := hp.Hop(context.Background(), Engine("spice"), req[:1]); err == nil {
		t.Error("unknown engine accepted")
	}
	if _, err := ParseEngine("modelsim"); err == nil {
		t.Error("ParseEngine accepted modelsim")
	}
	if e, err := ParseEngine("Verilator"); err != nil || e != Verilator {
		t.Errorf("ParseEngine(Verilator) = %q, %v", e, err)
	}
	if hops, err := hp.Hop(context.Background(), GoSim, nil); err != nil || len(hops) != 0 {
		t.Errorf("empty batch: %v, %v", hops, err)
	}
}

// TestHopErr: every result maps to the error label.Forward gives (or the
// pktrouter one), so the CLI prints the same thing for --rtl and not.
func TestHopErr(t *testing.T) {
	cases := map[lp.Result]error{
		lp.Forward:           nil,
		lp.MalformedAddress:  label.SwitchError{Code: label.ErrorMalformedAddress},
		lp.UnknownInterface:  label.SwitchError{Code: label.ErrorMalformedAddress},
		lp.ReturnPathInvalid: label.SwitchError{Code: label.ErrorReturnPathInvalid},
		lp.ShiftOverflow:     label.ErrShiftOverflow,
		lp.BadIngress:        label.ErrIngress,
		lp.VRMismatch:        ErrVRMismatch,
	}
	for r, want := range cases {
		got := Hop{Result: r}.Err()
		if want == nil {
			if got != nil {
				t.Errorf("%v: %v", r, got)
			}
			continue
		}
		if !errors.Is(got, want) {
			t.Errorf("%v: %v, want %v", r, got, want)
		}
	}
	if (Hop{Result: 9}).Err() == nil {
		t.Error("an unknown result code reads as success")
	}
}
