// Package cli implements the mdcheck command line: subcommands, flags and
// the mapping from errors to exit codes.
package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Exit codes, shared by every subcommand.
const (
	ExitOK       = 0
	ExitFindings = 1 // findings at or above --fail-on (used by check)
	ExitInput    = 2 // usage or input error
	ExitFailure  = 3 // the run itself failed
)

// Version is set at build time with -ldflags "-X ...cli.Version=...".
var Version = "dev"

// errUsage marks a command line that is wrong.
var errUsage = errors.New("usage")

// errFindings marks a check that found failures at or above --fail-on.
var errFindings = printedError{errors.New("findings at or above --fail-on")}

// inputError marks a problem with an input file other than the model.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// Run runs mdcheck with args (without the program name) and returns the
// exit code. It never calls os.Exit.
func Run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err != nil && !errors.Is(err, errUsage) && strings.HasPrefix(err.Error(), "unknown command") {
		err = fmt.Errorf("%w: %v", errUsage, err)
	}
	return exitCode(err, stderr)
}

// exitCode prints err, unless a command already did, and maps it to an exit
// code in one place.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var printed printedError
	if !errors.As(err, &printed) {
		fmt.Fprintln(stderr, "mdcheck:", err)
	}
	var ie inputError
	switch {
	case errors.Is(err, errFindings):
		return ExitFindings
	case errors.As(err, &ie),
		errors.Is(err, errUsage),
		errors.Is(err, model.ErrInvalid),
		errors.Is(err, classify.ErrOutOfScope),
		errors.Is(err, sbom.ErrInvalid),
		errors.Is(err, vuln.ErrInvalid),
		errors.Is(err, fs.ErrNotExist),
		errors.Is(err, fs.ErrPermission):
		return ExitInput
	default:
		return ExitFailure
	}
}

// printedError wraps an error whose details a command already printed.
type printedError struct{ err error }

func (p printedError) Error() string { return p.err.Error() }
func (p printedError) Unwrap() error { return p.err }

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "mdcheck",
		Short: "Cybersecurity health check for medical devices against the EU MDR",
		Long: `mdcheck checks a medical device, described as code in a device model
(device.yaml), against the EU Medical Device Regulation (MDR 2017/745).

  check      the cybersecurity health check: MDR/MDCG requirements met,
             missed or unproven, with evidence, readiness and fix-first list
  validate   check device models, with file:line:column for every problem
  classify   the MDR Annex VIII class of each component and of the system,
             the deciding rules, conformity routes, notified body and PSUR
  sbom       read SBOMs: inventory, NTIA quality, what can be checked
  scan       match SBOM components against known vulnerabilities (OSV)
  db         build (import) and inspect (status) the vulnerability database
  catalog    the requirements and rules (list, show, export as OSCAL)
  schema     the JSON Schema of the device model, for editors`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %v (see '%s --help')", errUsage, err, c.CommandPath())
	})
	root.AddCommand(newCheck(stdout), newValidate(stdout, stderr), newClassify(stdout), newSBOM(stdout), newScan(stdout), newDB(stdout), newInventory(stdout), newMDS2(stdout), newCatalog(stdout), newSchema(stdout))
	return root
}

// exactArgs is cobra.ExactArgs with a usage error that maps to exit 2.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%w: %s takes %d argument(s), got %d (see '%s --help')", errUsage, c.Name(), n, len(args), c.CommandPath())
		}
		return nil
	}
}

func minArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < n {
			return fmt.Errorf("%w: %s needs at least %d argument(s) (see '%s --help')", errUsage, c.Name(), n, c.CommandPath())
		}
		return nil
	}
}

// loadModel loads a model and prints each problem on its own line.
func loadModel(file string, stderr io.Writer) (*model.Device, error) {
	dev, err := model.Load(file)
	if err == nil {
		return dev, nil
	}
	var list *model.ErrorList
	if errors.As(err, &list) {
		for _, e := range list.Errs {
			fmt.Fprintln(stderr, e.Error())
		}
		return nil, printedError{err}
	}
	return nil, err
}
