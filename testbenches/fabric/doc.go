// Package fabric holds the testbenches of the switch-fabric generators in
// gen/fabric: golden engines built on model/fabric for the tb package's
// per-cycle trace comparison (the designs reach the Go simulator, Icarus
// and Verilator through the shared adapter testbenches/gosim), a Yosys
// formal proof of the scheduler's match properties, and the iCE40
// synthesis flow that measures logic cells and Fmax (SynthICE40, and the
// table of docs/bench/fabric-synth.md written by cmd/fabricsynth).
package fabric
