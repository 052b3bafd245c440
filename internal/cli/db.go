package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/render"
)

// defaultDB is where the vulnerability database lives unless --db or
// MDCHECK_DB says otherwise.
func defaultDB() string {
	if p := os.Getenv("MDCHECK_DB"); p != "" {
		return p
	}
	return filepath.Join(cacheDir(), "vuln.db")
}

// defaultMirror is where db update keeps the downloaded feeds.
func defaultMirror() string { return filepath.Join(cacheDir(), "feeds") }

// cacheDir is mdcheck's folder in the user's cache.
func cacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "mdcheck")
}

// dbFlags are the flags of a command that reads the vulnerability
// database.
type dbFlags struct {
	path   string
	maxAge age
}

func (d *dbFlags) add(c *cobra.Command, usage string, withAge bool) {
	d.maxAge = age(app.DefaultMaxDBAge)
	c.Flags().StringVar(&d.path, "db", defaultDB(), usage)
	if withAge {
		c.Flags().Var(&d.maxAge, "max-db-age", "warn when the newest record is older than this: 7d, 36h, 2w (0 turns the warning off)")
	}
}

// newApp is the core for one command: the database is the file --db or
// MDCHECK_DB names; else the one db import builds by default when it
// exists, else the built-in snapshot.
func newApp(cmd *cobra.Command, path string) *app.App {
	chosen := os.Getenv("MDCHECK_DB") != ""
	if f := cmd.Flags().Lookup("db"); f != nil && f.Changed {
		chosen = true
	}
	return app.New(app.Config{DB: path, Snapshot: !chosen, Build: thisBuild()})
}

// freshness is what --max-db-age says, if it was given.
func (d *dbFlags) freshness(cmd *cobra.Command) app.Freshness {
	if f := cmd.Flags().Lookup("max-db-age"); f != nil && f.Changed {
		a := time.Duration(d.maxAge)
		return app.Freshness{MaxAge: &a}
	}
	return app.Freshness{}
}

// events prints the core's notes and warnings on standard error and draws
// its progress on a terminal; done clears the progress line.
func events(stderr io.Writer) (ev app.Events, done func()) {
	bar := newProgress(stderr)
	ev.Message = func(m app.Message) {
		bar.done()
		fmt.Fprintf(stderr, "mdcheck: %s: %s\n", m.Level, m.Text)
	}
	ev.Progress = bar.update
	if !bar.on {
		ev.Progress = nil
	}
	return ev, bar.done
}

func newDB(stdout io.Writer) *cobra.Command {
	var dbPath string
	var allowShrink, strict bool
	c := &cobra.Command{
		Use:   "db",
		Short: "Build and inspect the local vulnerability database",
	}
	c.PersistentFlags().StringVar(&dbPath, "db", defaultDB(), "vulnerability database file (or MDCHECK_DB)")
	imp := &cobra.Command{
		Use:   "import PATH...",
		Short: "Build the database from OSV, CVE JSON 5, NVD and CSAF records, KEV and EPSS (files, folders, zip archives)",
		Long: `import builds the vulnerability database from OSV records, CVE JSON 5
records, NVD CVE API 2.0 pages, CSAF 2.0 advisories, CISA's Known Exploited Vulnerabilities
catalog and FIRST's EPSS scores (CSV, plain or gzipped), told apart by
content: single files, folders of them, and zip archives such as the
per-ecosystem all.zip OSV publishes. The new database replaces the old one
atomically: an import that fails or is interrupted (Ctrl-C) leaves the
previous database intact, and one import at a time builds a database.

Files that are not vulnerability data (schemas, indexes, checksums,
signatures, change logs, provider metadata) are passed over and counted;
an advisory that is not valid is passed over with a warning naming the
file and the fault, unless --strict, which stops at it.

An import that finds no vulnerability data, or whose database would lack
a source the current one has (an OSV ecosystem, CPE applicability, KEV,
EPSS, CSAF advisories) or hold less than half of its records, is refused
with both counts; --allow-shrink replaces the database anyway.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := app.New(app.Config{DB: dbPath, Build: thisBuild()})
			defer a.Close()
			ev, done := events(cmd.ErrOrStderr())
			defer done()
			st, err := a.DBImport(cmd.Context(), app.ImportOptions{Paths: args, AllowShrink: allowShrink, Strict: strict, Events: ev})
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: %d records imported (%d duplicates skipped)\n", dbPath, st.Records, st.Skipped)
			return nil
		},
	}
	imp.Flags().BoolVar(&allowShrink, "allow-shrink", false, "replace the database even with one that holds nothing, or less of a source than it")
	imp.Flags().BoolVar(&strict, "strict", false, "stop at the first advisory that is not valid instead of passing over it")
	var statusFormat string
	status := &cobra.Command{
		Use:   "status",
		Short: "Show the database's sources, record counts, newest record and content hash",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := format(statusFormat, func(f *render.Format) bool { return f.DBStatus != nil })
			if err != nil {
				return err
			}
			a := newApp(cmd, dbPath)
			defer a.Close()
			st, err := a.DBStatus(cmd.Context())
			if err != nil {
				return err
			}
			return f.DBStatus(stdout, st, render.Options{})
		},
	}
	status.Flags().StringVarP(&statusFormat, "format", "f", "table", "output format: table or json")
	c.AddCommand(imp, status, newDBVerify(stdout, &dbPath), newDBUpdate(stdout, &dbPath))
	return c
}

func newDBVerify(stdout io.Writer, dbPath *string) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check the database file whole (SQLite's integrity check) and recompute its content hash",
		Long: `verify reads the whole database file with SQLite's integrity check and
computes its content hash anew from the records, KEV catalog version and
EPSS date, as the import did. A damaged database, or one whose content is
not what it was built with, exits 2 with the cause and the way out.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a := newApp(cmd, *dbPath)
			defer a.Close()
			st, v, err := a.DBVerify(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: sound (integrity check ok), %d records, content hash %s as built\n", st.Path, st.Records, v.Hash)
			return nil
		},
	}
}

func newDBUpdate(stdout io.Writer, dbPath *string) *cobra.Command {
	o := app.DefaultUpdate(defaultMirror())
	c := &cobra.Command{
		Use:   "update [PATH...]",
		Short: "Download the vulnerability feeds (OSV, KEV, EPSS, CSAF providers) and rebuild the database",
		Long: `update downloads the public feeds into a mirror folder and rebuilds the
database from them (and from any PATH given, as db import reads them):

  - OSV's all.zip of each ecosystem (--osv, --osv-url);
  - CISA's Known Exploited Vulnerabilities catalog (--kev-url);
  - FIRST's EPSS scores (--epss-url);
  - the TLP:WHITE advisories of each CSAF provider (--csaf-provider, the URL
    of its provider-metadata.json), through its ROLIE feeds or its
    directory, each checked against the hash the provider publishes and,
    when the provider publishes an OpenPGP key, its signature.

Only what changed is downloaded again; a download cut short is resumed on
the next run. A file that fails its check is discarded with an error, and
any error leaves the database as it was. An empty URL turns a feed off.
A database that would lack a source the current one has, or most of its
records, is refused unless --allow-shrink. Every downloaded OSV archive
is read through (directory and checksums) before it enters the mirror.
A download that stalls (--stall-timeout) is dropped, and the whole update
gives up after --timeout (2h): either way the database is left as it was.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ev, done := events(cmd.ErrOrStderr())
			defer done()
			o.Events, o.Paths = ev, args
			o.Fetched = func(line string) { done(); fmt.Fprintln(stdout, line) }
			a := app.New(app.Config{DB: *dbPath, Build: thisBuild()})
			defer a.Close()
			st, err := a.DBUpdate(cmd.Context(), o)
			done()
			if errors.Is(err, app.ErrNothingToImport) {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: %d records imported (%d duplicates skipped)\n", *dbPath, st.Records, st.Skipped)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&o.Mirror, "mirror", o.Mirror, "folder the downloaded feeds are kept in")
	f.StringSliceVar(&o.Ecosystems, "osv", o.Ecosystems, "OSV ecosystems to download (comma-separated)")
	f.StringVar(&o.OSV, "osv-url", o.OSV, "base URL of the OSV archives (<url>/<ecosystem>/all.zip); empty: no OSV")
	f.StringVar(&o.KEV, "kev-url", o.KEV, "URL of CISA's KEV catalog (JSON); empty: no KEV")
	f.StringVar(&o.EPSS, "epss-url", o.EPSS, "URL of FIRST's EPSS scores (CSV, plain or gzipped); empty: no EPSS")
	f.StringArrayVar(&o.Providers, "csaf-provider", nil, "URL of a CSAF provider's provider-metadata.json (repeatable)")
	f.BoolVar(&o.AllowShrink, "allow-shrink", false, "replace the database even with one that holds less of a source than it")
	f.BoolVar(&o.Strict, "strict", false, "stop at the first advisory that is not valid instead of passing over it")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "give up (leaving the database as it was) when the whole update takes longer than this; 0: never")
	f.DurationVar(&o.Stall, "stall-timeout", o.Stall, "drop a download that receives less than 8 KiB in this long")
	return c
}

// age is a duration flag that also takes days and weeks ("7d", "2w"),
// the units a database's age is thought of in.
type age time.Duration

func (a *age) String() string {
	d := time.Duration(*a)
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

func (a *age) Set(s string) error {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || v < 0 || v > 1e5 {
				return fmt.Errorf("%q is not a number of %s", n, map[string]string{"d": "days", "w": "weeks"}[suffix])
			}
			*a = age(v * float64(unit))
			return nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("%q is not an age such as 7d, 2w or 36h", s)
	}
	*a = age(d)
	return nil
}

func (a *age) Type() string { return "age" }
