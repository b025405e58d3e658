package csr

import (
	"errors"
	"fmt"
	"hash/crc32"
	"math/bits"
	"regexp"
	"strings"
)

// Bus geometry, fixed for every configuration so the UART bridge and the
// firmware never depend on the register map's size: 16-bit word addresses,
// 32-bit data.
const (
	AddrBits = 16
	DataBits = 32
)

// MapVersion is the register-map format version (major<<16 | minor), read at
// ident.version. Bump the major number when an existing register moves or
// changes meaning, the minor one when registers are only added or their
// implementation changes compatibly. 1.1: configuration and counters in
// block RAM (addresses and meanings unchanged; counters now survive rst).
// 2.0: stats.drop_evicted removed (the shaper admits by per-rank thresholds
// and never evicts), so the drop counters after it moved.
const MapVersion = 2<<16 | 0

// Magic is the constant at address 0 ("PKTR" in ASCII), so a host can tell
// the device from a line echoing garbage.
const Magic = 0x504B5452

// Kind says who drives a field and what a bus access does to it.
type Kind uint8

// Field kinds.
const (
	// RW is configuration: the firmware writes it, the datapath reads it from
	// an output port of the CSR block. Reads return the stored value.
	RW Kind = iota
	// RO is a status value the datapath drives on an input port; reads
	// sample it, writes are ignored.
	RO
	// Const is a value fixed at generation (identity). Writes are ignored.
	Const
	// Counter is a 64-bit free-running count the datapath drives on an input
	// port. It takes two words: reading the low word returns its low 32 bits
	// and latches the high 32 bits into a shadow register that a read of the
	// high word returns, so a 64-bit value read low-then-high is consistent.
	// Counters are never cleared by the bus: firmware subtracts successive
	// readings (modulo 2^64). That keeps every read free of side effects on
	// the count, so a request retried after a lost response over the serial
	// line never loses packets from the statistics (read-to-clear would).
	Counter
	// Sticky is an event flag: a 1 on the datapath's <block>_<field>_set
	// input bit sets it, writing 1 to the bit clears it (write-1-to-clear).
	// A set in the same cycle as a clear wins, so no event is lost.
	Sticky
)

var kindNames = [...]string{RW: "RW", RO: "RO", Const: "CONST", Counter: "COUNTER", Sticky: "W1C"}

// String is the access name used in the register document.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// writable reports whether a bus write changes the field.
func (k Kind) writable() bool { return k == RW || k == Sticky }

// Field is one named bit range of every element of a Block.
type Field struct {
	Name  string
	Width int // 1..32; Counter fields are always 64
	Kind  Kind
	// Value is the reset value of an RW field, the value of a Const field.
	Value uint64
	// ZeroEvery, when > 0, says elements whose index is a multiple of it
	// have no storage: the field reads 0 and ignores writes there. The lease
	// block uses it for the free lease (tag 0) of every port, which can never
	// be given a guarantee (DESIGN.md: lease 0 is the free lease).
	ZeroEvery int
	Doc       string

	// Word and Lsb place the field in the element (set by the layout). A
	// Counter occupies words Word (low half) and Word+1 (high half).
	Word, Lsb int
}

// Block is an array of Count identical elements, each Words 32-bit words.
type Block struct {
	Name   string
	Doc    string
	Count  int
	Fields []Field

	// Layout (set by New): element i, word w is at Base + i*Stride + w.
	// Stride is Words rounded up to a power of two and Span, Count*Stride
	// rounded up, is the block's aligned share of the address space, so the
	// decoder splits an address with bit slices, not arithmetic.
	Base, Stride, Words, Span int
}

// Addr is the word address of element i, word w.
func (b *Block) Addr(i, w int) int { return b.Base + i*b.Stride + w }

// Config sizes the register map.
type Config struct {
	Ports  int // physical ports P, 1..16
	Leases int // leases per port L, 1..64; tag 0 is the free lease
	// Field widths taken from the datapath generators' formats.
	RateBits    int    // shaper guaranteed rate, UQ.F bytes per cycle (model/shaper Format.RateBits)
	BurstBits   int    // shaper burst, bytes (model/shaper Format.BacklogBits)
	LimitBits   int    // meter limit and measured, priority-bytes per tick (model/meter Format.SampleBits)
	DefaultK    uint64 // reset value of the per-lease meter shift k
	VRouterBits int    // virtual router number
	// EventSources is the number of counter event ports of the decoder
	// (0: 2*Ports+1, an ingress source per port and the CPU port and an
	// egress source per physical port). It shapes the hardware only, not
	// the map or its hash.
	EventSources int
	TotalLeases  int // Ports*Leases (derived by New)
	Interfaces   int // Ports*Leases+1: every (port, lease) plus the CPU port (derived by New)
	PortBits     int // port field of the index table: 0..Ports-1 physical, Ports = CPU (derived)
	LeaseTagBits int // lease tag (derived)
}

// Map is the whole device's register map: the one description every
// artefact (Verilog decoder, Go constants, Markdown document) is generated
// from.
type Map struct {
	Config Config
	Blocks []*Block
	// Hash is a CRC-32 (IEEE) of the map's canonical text (every block and
	// field with its placement, kind, width and value). The hardware returns
	// it at ident.map_hash and the generated Go constants carry it, so a host
	// talking to a board built from another map notices at once.
	Hash uint32

	// counterInit is the power-on value of every counter (0; tests set it
	// near 2^32 so carries into the high word happen in short runs).
	counterInit uint64
}

var identRE = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

func bitlen(n int) int {
	if n <= 1 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

func pow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// New describes the register map of a device with c's parameters, lays it
// out and checks it. Every problem is reported, joined.
func New(c Config) (*Map, error) {
	var errs []error
	check := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			errs = append(errs, fmt.Errorf("gen/csr: %s = %d, want %d..%d", name, v, lo, hi))
		}
	}
	check("Ports", c.Ports, 1, 16)
	check("Leases", c.Leases, 1, 64)
	check("RateBits", c.RateBits, 1, 32)
	check("BurstBits", c.BurstBits, 1, 32)
	check("LimitBits", c.LimitBits, 1, 32)
	check("VRouterBits", c.VRouterBits, 1, 16)
	check("EventSources", c.EventSources, 0, 64)
	if c.DefaultK > 31 {
		errs = append(errs, fmt.Errorf("gen/csr: DefaultK = %d, want 0..31", c.DefaultK))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c.TotalLeases = c.Ports * c.Leases
	c.Interfaces = c.TotalLeases + 1
	c.PortBits = bitlen(c.Ports + 1)
	c.LeaseTagBits = bitlen(c.Leases)
	m := &Map{Config: c, Blocks: describe(c)}
	if err := m.layout(); err != nil {
		return nil, err
	}
	m.Hash = crc32.ChecksumIEEE([]byte(m.canonical()))
	return m, nil
}

// describe is the register map itself, as data.
func describe(c Config) []*Block {
	L := c.Leases
	return []*Block{
		{
			Name: "ident", Count: 1,
			Doc: "Device identity. Read it first: a host checks magic, version and map_hash before touching anything else.",
			Fields: []Field{
				{Name: "magic", Width: 32, Kind: Const, Value: Magic, Doc: `"PKTR": this is a pktrouter CSR bus`},
				{Name: "version", Width: 32, Kind: Const, Value: MapVersion, Doc: "register-map format, major<<16 | minor"},
				{Name: "map_hash", Width: 32, Kind: Const, Doc: "CRC-32 of this register map's description; equals the generated MapHash constant"},
				{Name: "ports", Width: 8, Kind: Const, Value: uint64(c.Ports), Doc: "physical ports P"},
				{Name: "leases", Width: 8, Kind: Const, Value: uint64(c.Leases), Doc: "leases per port L (tag 0 is the free lease)"},
				{Name: "interfaces", Width: 16, Kind: Const, Value: uint64(c.Interfaces), Doc: "index table entries, P*L+1"},
				{Name: "scratch", Width: 32, Kind: RW, Doc: "free for the host: bus and link tests write and read it back"},
			},
		},
		{
			Name: "iface", Count: c.Interfaces,
			Doc: "Index table, one entry per cjdns interface number: where a director leads. Interface 1 is self (the CPU port), as in cjdns.",
			Fields: []Field{
				{Name: "valid", Width: 1, Kind: RW, Doc: "1: the interface exists; a label selecting an invalid interface is an error to the CPU port"},
				{Name: "port", Width: c.PortBits, Kind: RW, Doc: fmt.Sprintf("egress port, 0..%d physical, %d = the CPU port", c.Ports-1, c.Ports)},
				{Name: "lease", Width: c.LeaseTagBits, Kind: RW, Doc: "lease tag on that port (0 = the free lease)"},
				{Name: "vrouter", Width: c.VRouterBits, Kind: RW, Doc: "virtual router; a packet may only leave through an interface of the virtual router it arrived on (0 = the unowned router)"},
			},
		},
		{
			Name: "lease", Count: c.TotalLeases,
			Doc: fmt.Sprintf("Per-lease configuration; element port*%d + tag. Each lease applies to both directions of its (port, tag): the meter fields to ingress, the shaper and cap fields to egress.", L),
			Fields: []Field{
				{Name: "rate", Width: c.RateBits, Kind: RW, ZeroEvery: L, Doc: "guaranteed rate, UQ.F bytes per cycle, F the device's rate fraction bits (16 at ref4; model/shaper RateFromBytesPerSecond); 0 on the free lease"},
				{Name: "burst", Width: c.BurstBits, Kind: RW, ZeroEvery: L, Doc: "token-bucket depth, bytes (>= max packet + leases per port x bytes per cycle when rate > 0, model/shaper MinBurst; 264 at ref4); 0 on the free lease"},
				{Name: "default_prio", Width: 15, Kind: RW, Doc: "priority given to unclassed (0xffff) packets arriving on this lease"},
				{Name: "clear_customer", Width: 1, Kind: RW, Doc: "1: clear the customer bit of packets arriving on this lease"},
				{Name: "limit", Width: c.LimitBits, Kind: RW, Doc: "max-priority-bandwidth, priority-bytes per meter tick (model/meter LimitFromPriorityKBps)"},
				{Name: "limited", Width: 1, Kind: RW, Doc: "1: scale priorities down when the meter exceeds limit"},
				{Name: "k", Width: 5, Kind: RW, Value: c.DefaultK, Doc: "meter time constant: EWMA alpha = 2^-k (the ref4 meter is built with one k for all leases; this field holds the operator's value for a per-lease meter)"},
				{Name: "deprio", Width: 1, Kind: RW, Doc: "1: deprioritize-non-customer on egress"},
				{Name: "deprio_cap", Width: 15, Kind: RW, Doc: "priority cap for non-customer packets leaving on this lease when deprio is set"},
			},
		},
		{
			Name: "meter", Count: c.TotalLeases,
			Doc: "Meter readings per ingress lease, as of the last tick.",
			Fields: []Field{
				{Name: "measured", Width: c.LimitBits, Kind: RO, Doc: "EWMA of priority-bytes per tick (acc >> k)"},
				{Name: "factor", Width: 16, Kind: RO, Doc: "active Q0.16 scaling factor"},
				{Name: "scaling", Width: 1, Kind: RO, Doc: "1: the factor is being applied now"},
				{Name: "scaled_seen", Width: 1, Kind: Sticky, Doc: "the meter scaled this lease at some tick since the bit was last cleared"},
			},
		},
		{
			Name: "stats", Count: c.TotalLeases,
			Doc: "Per-lease counters (64-bit, free-running, never cleared by the bus).",
			Fields: []Field{
				{Name: "in_packets", Kind: Counter, Doc: "packets accepted on ingress"},
				{Name: "in_bytes", Kind: Counter, Doc: "bytes accepted on ingress"},
				{Name: "out_packets", Kind: Counter, Doc: "packets sent on egress"},
				{Name: "out_bytes", Kind: Counter, Doc: "bytes sent on egress"},
				{Name: "drop_refused", Kind: Counter, Doc: "excess packets refused: link saturated, backlog above the admission threshold of the packet's rank"},
				{Name: "drop_overflow", Kind: Counter, Doc: "guaranteed packets that found no room (0 in a valid configuration)"},
				{Name: "drop_vrouter", Kind: Counter, Doc: "packets steered to an interface of another virtual router"},
			},
		},
		{
			Name: "port", Count: c.Ports,
			Doc: "Per-port counters for drops that belong to no lease.",
			Fields: []Field{
				{Name: "drop_unknown_tag", Kind: Counter, Doc: "frames whose lease tag is not configured on this port"},
				{Name: "label_errors", Kind: Counter, Doc: "frames sent to the CPU port as MALFORMED_ADDRESS or RETURN_PATH_INVALID"},
			},
		},
	}
}

// layout places fields in words and blocks in the address space, and
// checks names and widths.
func (m *Map) layout() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("gen/csr: "+format, a...)) }
	blockNames := map[string]bool{}
	ports := map[string]string{}
	port := func(name, owner string) {
		if prev, dup := ports[name]; dup {
			bad("port %s of %s collides with %s", name, owner, prev)
		}
		ports[name] = owner
	}
	next := 0
	for _, b := range m.Blocks {
		if !identRE.MatchString(b.Name) || blockNames[b.Name] {
			bad("block name %q is not a unique lower_snake identifier", b.Name)
		}
		blockNames[b.Name] = true
		if b.Count < 1 {
			bad("block %s: count %d < 1", b.Name, b.Count)
		}
		fieldNames := map[string]bool{}
		word, lsb := 0, 0
		hasRW := false
		for i := range b.Fields {
			f := &b.Fields[i]
			if !identRE.MatchString(f.Name) || fieldNames[f.Name] {
				bad("block %s: field name %q is not a unique lower_snake identifier", b.Name, f.Name)
			}
			fieldNames[f.Name] = true
			if f.Kind == Counter {
				f.Width = 64
				if lsb > 0 {
					word, lsb = word+1, 0
				}
				f.Word, f.Lsb = word, 0
				word += 2
				port(b.Name+"_"+f.Name, b.Name+"."+f.Name)
				continue
			}
			if f.Width < 1 || f.Width > DataBits {
				bad("block %s: field %s width %d, want 1..%d", b.Name, f.Name, f.Width, DataBits)
				continue
			}
			if f.Width < 64 && f.Value>>uint(f.Width) != 0 {
				bad("block %s: field %s value %#x does not fit %d bits", b.Name, f.Name, f.Value, f.Width)
			}
			if lsb+f.Width > DataBits {
				word, lsb = word+1, 0
			}
			f.Word, f.Lsb = word, lsb
			lsb += f.Width
			switch f.Kind {
			case RW:
				hasRW = true
				port(b.Name+"_"+f.Name, b.Name+"."+f.Name)
			case RO:
				port(b.Name+"_"+f.Name, b.Name+"."+f.Name)
			case Sticky:
				port(b.Name+"_"+f.Name+"_set", b.Name+"."+f.Name)
			}
		}
		if hasRW {
			port(b.Name+"_we", b.Name)
			port(b.Name+"_widx", b.Name)
		}
		b.Words = word
		if lsb > 0 {
			b.Words++
		}
		b.Stride = pow2(b.Words)
		b.Span = pow2(b.Count * b.Stride)
		b.Base = (next + b.Span - 1) / b.Span * b.Span
		next = b.Base + b.Span
	}
	if next > 1<<AddrBits {
		bad("register map needs %d words, the bus addresses %d", next, 1<<AddrBits)
	}
	for _, p := range []string{"bus_addr", "bus_wdata", "bus_we", "bus_re", "bus_rdata", "bus_ready", "bus_err"} {
		port(p, "the bus")
	}
	return errors.Join(errs...)
}

// canonical is the text the map hash covers.
func (m *Map) canonical() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "pktrouter csr v%#x addr%d data%d\n", MapVersion, AddrBits, DataBits)
	for _, b := range m.Blocks {
		fmt.Fprintf(&sb, "block %s base=%#x count=%d stride=%d words=%d\n", b.Name, b.Base, b.Count, b.Stride, b.Words)
		for _, f := range b.Fields {
			v := f.Value
			if b.Name == "ident" && f.Name == "map_hash" {
				v = 0 // the hash cannot cover itself
			}
			fmt.Fprintf(&sb, "  %s %s w%d word%d lsb%d value%#x zero%d\n", f.Name, f.Kind, f.Width, f.Word, f.Lsb, v, f.ZeroEvery)
		}
	}
	return sb.String()
}

// Block returns the named block, or nil.
func (m *Map) Block(name string) *Block {
	for _, b := range m.Blocks {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// Field returns the named field of b, or nil.
func (b *Block) Field(name string) *Field {
	for i := range b.Fields {
		if b.Fields[i].Name == name {
			return &b.Fields[i]
		}
	}
	return nil
}

// hasStorage reports whether element i of the block stores field f.
func (f *Field) hasStorage(i int) bool { return f.ZeroEvery <= 0 || i%f.ZeroEvery != 0 }

// value of a Const field, with the map hash filled in.
func (m *Map) constValue(b *Block, f *Field) uint64 {
	if b.Name == "ident" && f.Name == "map_hash" {
		return uint64(m.Hash)
	}
	return f.Value
}

// hasRW reports whether the block has configuration fields (and so write
// strobes).
func (b *Block) hasRW() bool {
	for _, f := range b.Fields {
		if f.Kind == RW {
			return true
		}
	}
	return false
}

// wordWritable reports whether word w of the block holds a writable field.
func (b *Block) wordWritable(w int) bool {
	for _, f := range b.Fields {
		if f.Kind.writable() && f.Word == w {
			return true
		}
	}
	return false
}
