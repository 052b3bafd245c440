// Command peers prepares the same OSV records for OSV-Scanner and Grype, so
// that bench/peers.sh can run them side by side with mdcheck fully
// offline, and compares the three tools' findings.
//
//	peers osv-layout OUT SRC...   OUT/osv-scalibr/<ecosystem>/all.zip for OSV-Scanner
//	peers grype-db OUT SRC...     OUT/vulnerability.db for `grype db import`
//	peers compare DIR             compares DIR/<sbom>.{mdcheck,osv,grype}.json
//
// It lives in its own module because Grype's database builder brings all of
// Grype's dependencies; the product does not depend on it.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: peers osv-layout|grype-db OUT SRC... | peers compare DIR")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "osv-layout":
		err = osvLayout(os.Args[2], os.Args[3:])
	case "grype-db":
		err = grypeDB(os.Args[2], os.Args[3:])
	case "compare":
		err = compare(os.Args[2])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}
