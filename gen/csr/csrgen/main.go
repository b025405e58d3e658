// Command csrgen writes the firmware's generated view of the ref4 register
// map: the Go constants and accessors and the Markdown register document.
// firmware/regs runs it from `go generate`:
//
//	go run github.com/pktnetwork/pktrouter/gen/csr/csrgen -pkg regs -go regs_gen.go -md REGISTERS.md
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pktnetwork/pktrouter/gen/csr"
)

func main() {
	pkg := flag.String("pkg", "regs", "Go package name of the generated file")
	goOut := flag.String("go", "", "write the Go source here (empty: skip)")
	mdOut := flag.String("md", "", "write the Markdown document here (empty: skip)")
	flag.Parse()
	if err := run(*pkg, *goOut, *mdOut); err != nil {
		fmt.Fprintln(os.Stderr, "csrgen:", err)
		os.Exit(1)
	}
}

func run(pkg, goOut, mdOut string) error {
	m, err := csr.Ref4()
	if err != nil {
		return err
	}
	if goOut != "" {
		src, err := m.GoSource(pkg)
		if err != nil {
			return err
		}
		if err := os.WriteFile(goOut, src, 0o644); err != nil {
			return err
		}
	}
	if mdOut != "" {
		if err := os.WriteFile(mdOut, m.Markdown(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
