// Command mdcheck is the cybersecurity health check for medical devices
// against the EU MDR. See internal/cli for its subcommands.
package main

import (
	"os"

	"github.com/mdcheck/mdcheck/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
