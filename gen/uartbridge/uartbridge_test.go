package uartbridge

import (
	"strings"
	"testing"
)

func TestCRC8(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want byte
	}{
		{"", 0x00},
		{"123456789", 0xF4}, // the CRC-8/SMBUS check value
		{"\x00", 0x00},
		{"\x01", 0x07},
		{"\x80", 0x89},
	} {
		if got := CRC8(0, []byte(tc.in)...); got != tc.want {
			t.Errorf("CRC8(%q) = %#02x, want %#02x", tc.in, got, tc.want)
		}
	}
	// Byte-at-a-time equals all-at-once (the hardware updates per byte).
	data := []byte("pktrouter management bus")
	c := byte(0)
	for _, b := range data {
		c = CRC8(c, b)
	}
	if c != CRC8(0, data...) {
		t.Fatal("incremental CRC differs")
	}
}

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		c    Config
		want string // "" means it builds
	}{
		{Config{Divisor: MinDivisor}, ""},
		{Config{Divisor: 1085, IdleBits: MaxIdleBits}, ""},
		{Config{Divisor: MinDivisor - 1}, "divisor 3 cycles per bit"},
		{Config{Divisor: 16, IdleBits: MinIdleBits - 1}, "idle timeout 11 bit times"},
		{Config{Divisor: 16, IdleBits: MaxIdleBits + 1}, "idle timeout 4097"},
	} {
		m, err := New(tc.c)
		if tc.want == "" {
			if err != nil {
				t.Errorf("New(%+v): %v", tc.c, err)
			} else if _, err := m.Build(); err != nil {
				t.Errorf("New(%+v) does not build: %v", tc.c, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.c, err, tc.want)
		}
	}
}
