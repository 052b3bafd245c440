// Command mdcheck is the cybersecurity health check for medical devices
// against the EU MDR. See internal/cli for its subcommands.
package main

import (
	"os"
	"runtime/debug"

	"github.com/mdcheck/mdcheck/internal/cli"
)

func main() {
	// Keep the heap well inside a 256 MiB budget even for the largest
	// inputs mdcheck accepts: the garbage collector works harder as the
	// heap nears this soft limit. GOMEMLIMIT overrides it.
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(160 << 20)
	}
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
