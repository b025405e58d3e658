package uartbridge

// Wire protocol constants (see the package documentation). firmware/proto
// encodes and decodes the same frames; these are the one definition.
const (
	SyncRequest  byte = 0xA5 // first byte of a host → device frame
	SyncResponse byte = 0x5A // first byte of a device → host frame

	CmdRead  byte = 0x01 // body: CMD TAG ADDR_HI ADDR_LO
	CmdWrite byte = 0x02 // body: CMD TAG ADDR_HI ADDR_LO D3 D2 D1 D0
	RespFlag byte = 0x80 // a response's CMD is the request's CMD | RespFlag

	ReadBodyLen      = 4 // LEN of a read request
	WriteBodyLen     = 8 // LEN of a write request
	MinRequestLen    = 4 // a request LEN outside MinRequestLen..MaxRequestLen is no frame
	MaxRequestLen    = 8
	StatusBodyLen    = 3 // LEN of a response without data: CMD TAG STATUS
	ReadReplyBodyLen = 7 // LEN of a successful read's response: CMD TAG STATUS D3 D2 D1 D0
	CRCPoly          = 0x07
	DefaultIdleBits  = 30  // idle timeout in bit times, measured from the end of the previous byte
	BusTimeoutCycles = 255 // a bus access without bus_ready for this long answers StatusBusTimeout
	DefaultDivisor   = 4   // cycles per bit used by tests; a board uses ClockHz / baud
	MinDivisor       = 4
	MaxDivisor       = 1 << 20
	MinIdleBits      = 12
	MaxIdleBits      = 1 << 12
)

// Status codes carried in responses.
const (
	StatusOK         byte = 0x00 // done; a read carries the data
	StatusBadCRC     byte = 0x01 // the frame's CRC did not match: nothing was done
	StatusBadLen     byte = 0x02 // LEN does not fit the command: nothing was done
	StatusBadCmd     byte = 0x03 // unknown command: nothing was done
	StatusBusError   byte = 0x04 // the CSR block answered bus_err: unmapped address or read-only word
	StatusBusTimeout byte = 0x05 // the CSR block did not answer within BusTimeoutCycles
)

// CRC8 is the frame check: CRC-8 with polynomial x^8+x^2+x+1 (0x07),
// initial value 0, no reflection, no final XOR (CRC-8/SMBUS), over LEN and
// the body. It finds every error of up to 2 bits and every burst of up
// to 8 bits in a frame this short, and is eight XOR layers in hardware.
func CRC8(crc byte, data ...byte) byte {
	for _, b := range data {
		crc ^= b
		for i := 0; i < 8; i++ {
			if crc&0x80 != 0 {
				crc = crc<<1 ^ CRCPoly
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
