package hdl

// Op is the operation of a netlist Cell. Operand widths are explicit: for
// arithmetic and bitwise ops every operand has the output width; compares
// take equal-width operands and give 1 bit; signedness is in the opcode.
type Op uint8

// Netlist cell operations.
const (
	OpConst   Op = iota // Out = Cell.Value
	OpCopy              // Out = In[0] (same width)
	OpAdd               // Out = In[0] + In[1] mod 2^w
	OpSub               // Out = In[0] - In[1] mod 2^w
	OpMul               // Out = In[0] * In[1] mod 2^w
	OpDiv               // Out = In[0] / In[1], 0 when In[1] == 0 (unsigned)
	OpMod               // Out = In[0] % In[1], 0 when In[1] == 0 (unsigned)
	OpAnd               // bitwise
	OpOr                // bitwise
	OpXor               // bitwise
	OpNot               // bitwise complement of In[0]
	OpShl               // In[0] << Cell.N (0 < N < w)
	OpShr               // In[0] >> Cell.N, logical
	OpSra               // In[0] >> Cell.N, arithmetic
	OpShlV              // In[0] << In[1]; In[1] any width; >= w gives 0
	OpShrV              // In[0] >> In[1], logical; >= w gives 0
	OpSraV              // In[0] >>> In[1], arithmetic; >= w gives sign fill
	OpEq                // 1 bit: In[0] == In[1]
	OpNe                // 1 bit: In[0] != In[1]
	OpLtU               // 1 bit: In[0] < In[1], unsigned
	OpLeU               // 1 bit: In[0] <= In[1], unsigned
	OpLtS               // 1 bit: In[0] < In[1], two's complement
	OpLeS               // 1 bit: In[0] <= In[1], two's complement
	OpRedAnd            // 1 bit: all bits of In[0] set
	OpRedOr             // 1 bit: any bit of In[0] set
	OpRedXor            // 1 bit: parity of In[0]
	OpMux               // In[0] (1 bit) ? In[1] : In[2]
	OpSlice             // In[0][N+w-1 : N]
	OpConcat            // {In[0], In[1], ...}, In[0] most significant
	OpRepl              // {N{In[0]}}
	OpZext              // In[0] zero-extended to w (w > width of In[0])
	OpSext              // In[0] sign-extended to w (w > width of In[0])
	OpMemRead           // combinational read: Mems[Cell.Mem].Reads[Cell.N]; In = [index, valid?]
)

var opNames = [...]string{"const", "copy", "add", "sub", "mul", "div", "mod", "and", "or", "xor", "not",
	"shl", "shr", "sra", "shlv", "shrv", "srav", "eq", "ne", "ltu", "leu", "lts", "les",
	"redand", "redor", "redxor", "mux", "slice", "concat", "repl", "zext", "sext", "memread"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op?"
}

// NetID indexes Netlist.Nets. NoNet marks an absent optional net.
type NetID int32

// NoNet is the absent net (no enable, always-valid address, ...).
const NoNet NetID = -1

// NetKind says what drives a net and how the emitter declares it.
type NetKind uint8

// Net kinds.
const (
	NetTemp    NetKind = iota // intermediate of an expression, unnamed
	NetInput                  // module input port
	NetOutput                 // module output port
	NetWire                   // named combinational wire
	NetReg                    // register output (Q)
	NetMemData                // synchronous memory read data (a register)
	NetInstOut                // wire carrying a submodule instance's output
)

// Net is one multi-bit signal. Name is "" for temporaries; in a flattened
// netlist names are hierarchical ("u_fifo.count").
type Net struct {
	Name  string
	Width int
	Kind  NetKind
	Loc   Loc
}

// Cell is one combinational operator driving exactly one net.
type Cell struct {
	Op    Op
	Out   NetID
	In    []NetID
	Value []uint64 // OpConst: Words(width) little-endian words, upper bits clean
	N     int      // shift amount, slice low bit, replication count, read port index
	Mem   int      // OpMemRead: memory index
	Loc   Loc
}

// Register is a flip-flop group clocked by clk. On each rising edge:
// if rst and HasReset, Q = Reset; else if En is NoNet or 1, Q = D.
type Register struct {
	Q, D     NetID
	En       NetID
	HasReset bool
	Reset    []uint64
	Init     []uint64 // power-on value
	Loc      Loc
}

// WritePort writes Data at Index on a rising edge when En is 1. Lowering
// folds the address range check into En, so Index is always in range when
// En is 1.
type WritePort struct {
	En, Index, Data NetID
	Loc             Loc
}

// ReadPort reads the memory at Index into Data. Valid (NoNet when every
// address is in range) gates the read: an out-of-range read gives 0.
// A Sync port is a register updated on the edge when En (NoNet: always) is
// 1; Transparent says it sees the same edge's writes. A non-Sync port is
// the combinational cell driving Data.
type ReadPort struct {
	Index, Valid, En, Data NetID
	Sync, Transparent      bool
	Loc                    Loc
}

// Mem is a lowered memory: width × depth words with synchronous write ports (applied in
// declaration order, so the last port wins on a collision) and read ports.
// IndexWidth = max(1, ceil(log2(depth))) is the width of every Index net.
type Mem struct {
	Name       string
	Width      int
	Depth      int
	IndexWidth int
	Init       [][]uint64 // Depth entries of Words(Width) words
	Writes     []WritePort
	Reads      []ReadPort
	// NoRWCheck: read-during-write on a read-first port is don't-care in
	// hardware (see MemNoRWCheck); simulation semantics are unchanged.
	NoRWCheck bool
	Loc       Loc
}

// Dir is a port direction.
type Dir uint8

// Port directions.
const (
	In Dir = iota
	Out
)

// Port is one module port (clk and rst are implicit and not listed).
type Port struct {
	Name string
	Dir  Dir
	Net  NetID
}

// Conn binds an instance port to a net of the parent.
type Conn struct {
	Port string
	Dir  Dir
	Net  NetID
}

// Inst is a submodule instance in a hierarchical netlist.
type Inst struct {
	Name   string
	Module *Netlist
	Conns  []Conn // in the submodule's port order
	Loc    Loc
}

// Netlist is one lowered module. In the hierarchical form it may contain
// Instances; the flattened form (Design.Flat) has none.
type Netlist struct {
	Name      string
	Generator string
	Params    []Param
	Ports     []Port
	Nets      []Net
	Cells     []Cell
	Regs      []Register
	Mems      []Mem
	Insts     []Inst
	UsesClk   bool // has registers, sync memory ports or clocked submodules
	UsesRst   bool // has a register with reset (here or below)
	Loc       Loc
}

func (n *Netlist) addNet(name string, w int, k NetKind, loc Loc) NetID {
	n.Nets = append(n.Nets, Net{Name: name, Width: w, Kind: k, Loc: loc})
	return NetID(len(n.Nets) - 1)
}

// Port returns the port with the given name.
func (n *Netlist) Port(name string) (Port, bool) {
	for _, p := range n.Ports {
		if p.Name == name {
			return p, true
		}
	}
	return Port{}, false
}
