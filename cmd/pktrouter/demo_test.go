package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	device "github.com/pktnetwork/pktrouter/model/device"
	tbdev "github.com/pktnetwork/pktrouter/testbenches/device"
)

// The device demo, shortened: the table, the error reply and the files.
func TestDeviceDemo(t *testing.T) {
	dir := t.TempDir()
	out, errOut, err := run(t, "", "demo", "--out", dir, "--cycles", "60000", "--vcd-cycles", "2000")
	if err != nil {
		t.Fatalf("demo failed: %v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{"The reply reached A", "Cloud ISP A", "Cloud ISP B", "free tier", "MALFORMED_ADDRESS", "offered B"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	for p := 0; p < 4; p++ {
		fs, err := tbdev.ReadPcapFile(filepath.Join(dir, "out-p"+string(rune('0'+p))+".pcap"), p)
		if err != nil {
			t.Fatal(err)
		}
		if p == 2 && len(fs) < 100 {
			t.Errorf("port 2 capture holds %d frames", len(fs))
		}
	}
	cpu, err := tbdev.ReadPcapFile(filepath.Join(dir, "out-cpu.pcap"), 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(cpu) == 0 {
		t.Fatal("no frame reached the CPU port")
	}
	if cf, err := device.ParseCPUFrame(cpu[0].Frame); err != nil || cf.ErrorFrame() == nil {
		t.Fatalf("CPU frame %x: %v, want a refused frame", cpu[0].Frame, err)
	}
	if st, err := os.Stat(filepath.Join(dir, "ref4.vcd")); err != nil || st.Size() < 1000 {
		t.Fatalf("waveform: %v", err)
	}
}

func TestDeviceDemoBadFlags(t *testing.T) {
	if _, _, err := run(t, "", "demo", "--cycles", "10", "--out", t.TempDir()); err == nil || !strings.Contains(err.Error(), "--cycles") {
		t.Fatalf("--cycles 10: %v", err)
	}
}
