package firmware_test

import (
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/firmware/regs"
	"github.com/pktnetwork/pktrouter/model/device"
)

// TestCheckGuarantees: with the ref4 shaper's rules, the driver refuses a
// guarantee the buffer cannot reserve beside another (ref4's 768 bytes
// hold one per port), a rate above the link and a burst below MinBurst,
// each with an error naming the rule, and writes nothing then; a refused
// guarantee is accepted once the other is cleared.
func TestCheckGuarantees(t *testing.T) {
	_, _, d := board(t)
	c := device.Ref4.Shaper
	bad := c
	bad.BufferBytes = 0
	if err := d.CheckGuarantees(bad); err == nil || !strings.Contains(err.Error(), "shaper configuration") {
		t.Fatalf("CheckGuarantees(buffer 0) = %v, want an error about the configuration", err)
	}
	if err := d.CheckGuarantees(c); err != nil {
		t.Fatal(err)
	}
	r, err := c.RateFromFraction(1, 10)
	if err != nil {
		t.Fatal(err)
	}
	rate := uint32(r)
	burst := uint16(c.MinBurst())
	paid := regs.Lease{Rate: rate, Burst: burst, DefaultPrio: 7}
	if err := d.SetLease(0, 1, paid); err != nil {
		t.Fatal(err)
	}
	if err := d.SetLease(1, 1, paid); err != nil {
		t.Fatalf("a guarantee on another port: %v", err)
	}
	for _, tc := range []struct {
		tag  int
		v    regs.Lease
		frag string
	}{
		{2, paid, "buffer"},
		{1, regs.Lease{Rate: 2 << c.RateFracBits, Burst: burst}, "exceeds the link"},
		{1, regs.Lease{Rate: rate, Burst: burst - 1}, "MinBurst"},
	} {
		before, err := d.Lease(0, tc.tag)
		if err != nil {
			t.Fatal(err)
		}
		err = d.SetLease(0, tc.tag, tc.v)
		if err == nil || !strings.Contains(err.Error(), "guarantee refused") || !strings.Contains(err.Error(), tc.frag) {
			t.Errorf("lease 0/%d %+v: error %v, want a refusal naming %q", tc.tag, tc.v, err, tc.frag)
		}
		if after, err := d.Lease(0, tc.tag); err != nil || after != before {
			t.Errorf("lease 0/%d after a refused write: %+v, %v; want it unchanged (%+v)", tc.tag, after, err, before)
		}
	}
	// Configuration without a guarantee is not checked against the others.
	if err := d.SetLease(0, 2, regs.Lease{DefaultPrio: 9, Limited: true, Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	// Moving the guarantee: clear lease 1, then lease 2 may have it.
	if err := d.SetLease(0, 1, regs.Lease{DefaultPrio: 7}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetLease(0, 2, paid); err != nil {
		t.Fatalf("guarantee after the other was cleared: %v", err)
	}
}
