// Package blocks holds the golden models of the hardware building blocks in
// gen/blocks: the simplest obviously-right Go that says, cycle by cycle,
// what each block must do. The testbenches in testbenches/blocks hold the
// generated hardware to these models.
//
// Every clocked model has the same shape: methods that return the outputs
// as they stand before the next rising edge (a function of the state and the
// current inputs), and Clock, which applies one rising edge with the given
// inputs. rst is synchronous and active high, as in the hardware.
//
// The package uses only the standard library and nothing of the project, so
// it cannot share a mistake with the generators it checks.
package blocks
