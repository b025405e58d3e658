// Command pktrouter is the one CLI of the pktrouter toolkit: it generates and
// simulates the routing device's hardware, works with cjdns labels, and runs
// the device's demo. `pktrouter --help` lists the commands; every command's
// --help carries an example.
package main

import (
	"os"
)

func main() {
	if err := execute(newRootCmd(os.Stdin, os.Stdout, os.Stderr)); err != nil {
		os.Exit(1)
	}
}
