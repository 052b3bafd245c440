// Package cli implements the mdcheck command line: subcommands, flags and
// the mapping from errors to exit codes. Each command parses its flags,
// calls one use case of the core (internal/app) and hands the result to a
// renderer (internal/render); it holds no domain rule of its own.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/atomicfile"
	"github.com/mdcheck/mdcheck/internal/probecmd"
	"github.com/mdcheck/mdcheck/internal/render"
	"github.com/mdcheck/mdcheck/internal/server"
)

// Exit codes, shared by every subcommand.
const (
	ExitOK       = 0
	ExitFindings = 1 // findings at or above --fail-on (check, scan)
	ExitInput    = 2 // usage or input error
	ExitFailure  = 3 // the run itself failed
)

// Version is set at build time with -ldflags "-X ...cli.Version=...".
var Version = "dev"

// errUsage marks a command line that is wrong.
var errUsage = errors.New("usage")

// errFindings marks a check that found failures at or above --fail-on.
var errFindings = printedError{errors.New("findings at or above --fail-on")}

// printedError wraps an error whose details a command already printed.
type printedError struct{ err error }

func (p printedError) Error() string { return p.err.Error() }
func (p printedError) Unwrap() error { return p.err }

// Run runs mdcheck with args (without the program name) and returns the
// exit code. It never calls os.Exit.
func Run(args []string, stdout, stderr io.Writer) int {
	// Ctrl-C and SIGTERM cancel the run: an import stops at once and
	// removes its unfinished database, leaving the previous one.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	root.InitDefaultCompletionCmd(args...)
	strictGroups(root)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("interrupted: %w", err)
	}
	if err != nil && !errors.Is(err, errUsage) && strings.HasPrefix(err.Error(), "unknown command") {
		err = fmt.Errorf("%w: %v", errUsage, err)
	}
	return exitCode(err, stderr)
}

// strictGroups makes every command that only groups others (db, catalog,
// completion, ...) refuse a word that is none of them, as the root does:
// without this, "mdcheck db frob" would print the help and exit 0.
func strictGroups(c *cobra.Command) {
	for _, sub := range c.Commands() {
		strictGroups(sub)
	}
	if c == c.Root() || c.Runnable() || !c.HasSubCommands() {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return fmt.Errorf("%w: unknown command %q for %q (see '%s --help')", errUsage, args[0], cmd.CommandPath(), cmd.CommandPath())
	}
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
	switch {
	case errors.Is(err, errFindings):
		return ExitFindings
	case errors.Is(err, errUsage), app.IsInput(err):
		return ExitInput
	default:
		return ExitFailure
	}
}

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
  schema     the JSON Schema of the device model, for editors
  probe      probe live units on the network, safely, inside a scope
  version    which mdcheck this is: version, commit, build date`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %v (see '%s --help')", errUsage, err, c.CommandPath())
	})
	root.AddCommand(newCheck(stdout), newValidate(stdout, stderr), newClassify(stdout), newSBOM(stdout), newScan(stdout), newDB(stdout), newInventory(stdout), newMDS2(stdout), newCatalog(stdout), newSchema(stdout), newIFU(stdout), newThreats(stdout), probecmd.Command(stdout, thisBuild()), newKeygen(stdout), newVerify(stdout), newVersion(stdout))
	root.AddCommand(server.Commands(server.Env{Stdout: stdout, Stderr: stderr, Build: thisBuild(), VulnDB: defaultDB(), Mirror: defaultMirror(), Findings: errFindings})...)
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

// format finds the renderer --format names for the result has selects;
// an unknown or unfit name is a usage error listing the fit ones.
func format(name string, has func(*render.Format) bool) (*render.Format, error) {
	f, err := render.For(name, has)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return f, nil
}

// failOn reads a --fail-on value: a severity or none (0).
func failOn(s, names string) (app.Severity, error) {
	if s == "none" {
		return 0, nil
	}
	v, ok := app.ParseSeverity(s)
	if !ok {
		return 0, fmt.Errorf("%w: --fail-on must be %s or none, not %q", errUsage, names, s)
	}
	return v, nil
}

// tripped names on stderr everything that makes --fail-on fail, then
// returns the error that exits 1; nil when nothing does.
func tripped(stderr io.Writer, flag string, trips []app.Trip) error {
	if len(trips) == 0 {
		return nil
	}
	fmt.Fprintf(stderr, "mdcheck: --fail-on %s: %d at or above it:\n", flag, len(trips))
	for _, t := range trips {
		fmt.Fprintf(stderr, "  %s  %s  (%s)\n", t.ID, t.Subject, t.Severity)
	}
	return errFindings
}

// parseDate reads a --date flag; empty means today (UTC).
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(24 * time.Hour), nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --date must be YYYY-MM-DD, not %q", errUsage, s)
	}
	return d, nil
}

// reportTime reads a --date flag for outputs that carry a time: now when
// empty (the time of day too), else that day.
func reportTime(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	return parseDate(s)
}

// modelError prints each problem of a device model that failed to load
// on its own line; other errors are left to exitCode.
func modelError(err error, stderr io.Writer) error {
	problems := app.Problems(err)
	if problems == nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	return printedError{err}
}

// output writes what render writes to the file path atomically, or to
// stdout when path is empty.
func output(path string, stdout io.Writer, render func(io.Writer) error) error {
	if path == "" {
		return render(stdout)
	}
	return atomicfile.WriteFunc(path, 0o644, render)
}

// relHref is the plan's path as the results file should refer to it:
// relative to the results file's folder when both are files.
func relHref(results, plan string) string {
	if results != "" {
		if rel, err := filepath.Rel(filepath.Dir(results), plan); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(plan)
}

// colorTerminal reports whether w is a terminal and NO_COLOR is unset
// (https://no-color.org).
func colorTerminal(w io.Writer) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
