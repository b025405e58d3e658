package regs

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/sim"
)

// TestGeneratedFilesCurrent regenerates regs_gen.go and REGISTERS.md from
// gen/csr and requires the checked-in files to be identical.
func TestGeneratedFilesCurrent(t *testing.T) {
	m, err := csr.Ref4()
	if err != nil {
		t.Fatal(err)
	}
	src, err := m.GoSource("regs")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		want []byte
	}{{"regs_gen.go", src}, {"REGISTERS.md", m.Markdown()}} {
		got, err := os.ReadFile(f.name)
		if err != nil {
			t.Fatalf("%v: run go generate ./... in firmware/regs", err)
		}
		if !bytes.Equal(got, f.want) {
			t.Errorf("%s is stale: the register map in gen/csr changed; run go generate ./... and commit the result", f.name)
		}
	}
	if m.Hash != MapHash {
		t.Errorf("MapHash %#x, gen/csr says %#x: run go generate ./...", MapHash, m.Hash)
	}
}

// simBus drives the generated CSR decoder's bus ports directly in the Go
// simulator, so the generated accessors are checked against the generated
// hardware.
type simBus struct{ s *sim.Sim }

func (b simBus) access(addr uint16, v uint32, we bool) (uint32, error) {
	w := uint64(0)
	if we {
		w = 1
	}
	for _, p := range []struct {
		n string
		v uint64
	}{{"bus_addr", uint64(addr)}, {"bus_wdata", uint64(v)}, {"bus_we", w}, {"bus_re", 1 - w}} {
		if err := b.s.Poke(p.n, p.v); err != nil {
			return 0, err
		}
	}
	b.s.Step(1)
	b.s.Poke("bus_we", 0)
	b.s.Poke("bus_re", 0)
	for n := 0; ; n++ { // the decoder answers a few cycles later
		if r, _ := b.s.Peek("bus_ready"); r == 1 {
			break
		}
		if n > 100 {
			return 0, fmt.Errorf("no bus_ready for %#x", addr)
		}
		b.s.Step(1)
	}
	e, _ := b.s.Peek("bus_err")
	if e == 1 {
		return 0, &busError{addr}
	}
	d, err := b.s.Peek("bus_rdata")
	return uint32(d), err
}

type busError struct{ addr uint16 }

func (e *busError) Error() string { return "bus error" }

func (b simBus) ReadReg(addr uint16) (uint32, error) { return b.access(addr, 0, false) }
func (b simBus) WriteReg(addr uint16, v uint32) error {
	_, err := b.access(addr, v, true)
	return err
}

func TestAccessorsAgainstHardware(t *testing.T) {
	m, err := csr.Ref4()
	if err != nil {
		t.Fatal(err)
	}
	mod, err := m.Module()
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(mod)
	if err != nil {
		t.Fatal(err)
	}
	s.Reset()
	for v, _ := s.Peek("init_busy"); v == 1; v, _ = s.Peek("init_busy") {
		s.Step(1)
	}
	b := simBus{s}

	id, err := ReadIdent(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if id.Magic != Magic || id.MapHash != MapHash || id.Version != MapVersion || id.Ports != Ports || id.Leases != Leases || id.Interfaces != Interfaces {
		t.Fatalf("ident %+v does not match the generated constants", id)
	}

	leases := []struct {
		i    int
		v    Lease
		want Lease
	}{
		{9, Lease{Rate: 0x1234567, Burst: 3000, DefaultPrio: 0x7ffe, ClearCustomer: true, Limit: 0x5ffffff, Limited: true, K: 12, Deprio: true, DeprioCap: 0x100},
			Lease{Rate: 0x1234567, Burst: 3000, DefaultPrio: 0x7ffe, ClearCustomer: true, Limit: 0x5ffffff, Limited: true, K: 12, Deprio: true, DeprioCap: 0x100}},
		{8, Lease{Limit: 7, K: 3}, Lease{Limit: 7, K: 3}},
		{31, Lease{DefaultPrio: 0x7fff, K: 0x1f}, Lease{DefaultPrio: 0x7fff, K: 0x1f}},
	}
	for _, tc := range leases {
		if err := WriteLease(b, tc.i, tc.v); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range leases {
		got, err := ReadLease(b, tc.i)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("lease %d = %+v, want %+v", tc.i, got, tc.want)
		}
	}
	if got, _ := ReadLease(b, 0); got.K != 8 {
		t.Errorf("lease 0 k after reset = %d, want the meter's K 8", got.K)
	}

	// Values the hardware cannot hold are refused before anything is written.
	for _, tc := range []struct {
		i    int
		v    Lease
		want string
	}{
		{8, Lease{Rate: 1}, "lease[8].rate must be 0"},
		{0, Lease{Burst: 1}, "lease[0].burst must be 0"},
		{3, Lease{K: 32}, "lease[3].k = 0x20 does not fit 5 bits"},
		{3, Lease{DefaultPrio: 0x8000}, "lease[3].default_prio = 0x8000 does not fit 15 bits"},
		{3, Lease{Rate: 1 << 25}, "lease[3].rate = 0x2000000 does not fit 25 bits"},
	} {
		err := WriteLease(b, tc.i, tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WriteLease(%d, %+v) = %v, want an error containing %q", tc.i, tc.v, err, tc.want)
		}
	}
	if got, _ := ReadLease(b, 3); got != (Lease{K: 8}) {
		t.Errorf("lease 3 = %+v after refused writes, want the reset value", got)
	}
	// Hardware truncation: the lease block ignores bits outside the fields.
	addr, _ := LeaseAddr(3, LeaseKWord)
	if err := b.WriteReg(addr, 0xffffffff); err != nil {
		t.Fatal(err)
	}
	if got, _ := ReadLease(b, 3); got.K != 0x1f || got.Deprio != true || got.DeprioCap != 0x7fff {
		t.Errorf("lease 3 after writing all ones to word %d = %+v", LeaseKWord, got)
	}

	// Counters count the datapath's events; the accessor reads them whole.
	sel, inc, err := m.Event("stats", "out_bytes")
	if err != nil || inc != 1 {
		t.Fatal(err, inc)
	}
	var want uint64
	for _, n := range []uint64{1500, 64, 9000} {
		for p, v := range map[string]uint64{"ev3_valid": 1, "ev3_sel": uint64(sel), "ev3_elem": 5, "ev3_inc0": 1, "ev3_inc1": n} {
			if err := s.Poke(p, v); err != nil {
				t.Fatal(err)
			}
		}
		// valid/ready: hold the event until the decoder takes it.
		for n := 0; ; n++ {
			if r, _ := s.Peek("ev3_ready"); r == 1 {
				break
			}
			if n > 2*m.EventSources() {
				t.Fatal("ev3_ready never 1")
			}
			s.Step(1)
		}
		s.Step(1)
		s.Poke("ev3_valid", 0)
		want += n
	}
	s.Poke("ev3_valid", 0)
	s.Step(20)
	st, err := ReadStats(b, 5)
	if err != nil {
		t.Fatal(err)
	}
	if st.OutBytes != want || st.OutPackets != 3 || st.InBytes != 0 {
		t.Errorf("stats 5 = %+v, want out_bytes %d, out_packets 3, in_bytes 0", st, want)
	}

	// Errors: out-of-range element, write to a read-only word.
	if _, err := ReadLease(b, TotalLeases); err == nil {
		t.Error("ReadLease(32) succeeded")
	}
	if err := b.WriteReg(StatsBase, 1); err == nil {
		t.Error("write to a counter was not a bus error")
	}
}
