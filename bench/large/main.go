// Command large writes the scale benchmark's workload (bench/large.sh):
// OSV records over four ecosystems and a CycloneDX SBOM, as described in
// internal/testutil/large.
//
//	go run ./bench/large -records 200000 -components 250000 -out /tmp/large
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mdcheck/mdcheck/internal/testutil/large"
)

func main() {
	nrec := flag.Int("records", 200_000, "OSV records")
	ncomp := flag.Int("components", 250_000, "SBOM components")
	out := flag.String("out", "/tmp/mdcheck-large", "output folder")
	flag.Parse()
	if err := large.Write(*out, *nrec, *ncomp); err != nil {
		fmt.Fprintln(os.Stderr, "large:", err)
		os.Exit(1)
	}
}
