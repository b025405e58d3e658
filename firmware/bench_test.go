package firmware_test

import (
	"testing"

	"github.com/pktnetwork/pktrouter/firmware"
	"github.com/pktnetwork/pktrouter/firmware/regs"
	"github.com/pktnetwork/pktrouter/firmware/simline"
	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/uartbridge"
)

// BenchmarkSimReadReg measures one register read through the protocol and
// the bit-level simulated UART against the ref4 bridge and CSR decoder (at
// the minimum divisor: 7 request and 10 response bytes, about 700 cycles).
func BenchmarkSimReadReg(b *testing.B) {
	m, err := csr.Ref4()
	if err != nil {
		b.Fatal(err)
	}
	w, err := simline.New(uartbridge.Config{Divisor: uartbridge.DefaultDivisor}, m)
	if err != nil {
		b.Fatal(err)
	}
	s := firmware.NewSerial(w, firmware.SerialOptions{})
	start := w.Sim().Cycle()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.ReadReg(regs.IdentBase); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.Sim().Cycle()-start)/float64(b.N), "cycles/op")
}
