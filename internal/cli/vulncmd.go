package cli

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/snapshot"
)

// defaultDB is where the vulnerability database lives unless --db or
// MDCHECK_DB says otherwise.
func defaultDB() string {
	if p := os.Getenv("MDCHECK_DB"); p != "" {
		return p
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "mdcheck", "vuln.db")
}

func newDB(stdout io.Writer) *cobra.Command {
	var dbPath string
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
atomically: an import that fails or is interrupted leaves the previous
database intact.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := vuln.Import(cmd.Context(), dbPath, args, time.Now())
			if err != nil {
				return inputError{err}
			}
			fmt.Fprintf(stdout, "%s: %d records imported (%d duplicates skipped)\n", dbPath, st.Records, st.Skipped)
			return nil
		},
	}
	var statusFormat string
	status := &cobra.Command{
		Use:   "status",
		Short: "Show the database's sources, record counts, newest record and content hash",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if statusFormat != "table" && statusFormat != "json" {
				return fmt.Errorf("%w: --format must be table or json, not %q", errUsage, statusFormat)
			}
			db, st, _, err := openChosenDB(cmd, dbPath)
			if err != nil {
				return err
			}
			defer db.Close()
			if statusFormat == "json" {
				return encodeJSON(stdout, st)
			}
			out := &ew{w: stdout}
			out.printf("Database: %s\nRecords:  %d\nNewest:   %s\nBuilt:    %s\nHash:     %s\nSources:  %s\nEcosystems:\n", st.Path, st.Records, st.Newest, st.Built, st.Hash, st.Sources)
			for _, e := range sortedKeys(st.Ecosystems) {
				out.printf("  %-12s %d\n", e, st.Ecosystems[e])
			}
			out.printf("KEV:      %s\nEPSS:     %s\n", orNone(kevLine(st)), orNone(epssLine(st)))
			return out.err
		},
	}
	status.Flags().StringVarP(&statusFormat, "format", "f", "table", "output format: table or json")
	c.AddCommand(imp, status, newDBUpdate(stdout, &dbPath))
	return c
}

func kevLine(st vuln.Status) string {
	if st.KEV == 0 {
		return ""
	}
	return fmt.Sprintf("%d known exploited vulnerabilities, catalog %s", st.KEV, st.KEVVersion)
}

func epssLine(st vuln.Status) string {
	if st.EPSS == 0 {
		return ""
	}
	return fmt.Sprintf("%d CVEs scored on %s (model %s)", st.EPSS, st.EPSSDate, orNone(st.EPSSModel))
}

// openChosenDB opens the database a reading command uses: the file --db
// or MDCHECK_DB names; else the one db import builds by default, when it
// exists; else the built-in snapshot, whose status then says so.
func openChosenDB(cmd *cobra.Command, path string) (*vuln.DB, vuln.Status, bool, error) {
	f := cmd.Flags().Lookup("db")
	if (f != nil && f.Changed) || os.Getenv("MDCHECK_DB") != "" || fileExists(path) {
		db, st, err := openDB(path)
		return db, st, false, err
	}
	p, err := snapshot.Path()
	if err != nil {
		return nil, vuln.Status{}, false, err
	}
	db, st, err := openDB(p)
	if err != nil {
		return nil, vuln.Status{}, false, err
	}
	st.Path = snapshot.Name
	return db, st, true, nil
}

// announce tells on standard error what a matching command matches
// against when that may surprise: the built-in snapshot, with its date
// (unless --max-db-age is given, which then applies to it too), or a
// database older than --max-db-age.
func announce(cmd *cobra.Command, st vuln.Status, builtin bool, maxAge age) {
	w := cmd.ErrOrStderr()
	if f := cmd.Flags().Lookup("max-db-age"); builtin && (f == nil || !f.Changed) {
		day, _, _ := strings.Cut(st.Newest, "T")
		fmt.Fprintf(w, "mdcheck: note: matching against the %s of real advisories (newest record %s, KEV catalog %s); mdcheck db update fetches current data\n", snapshot.Name, day, st.KEVVersion)
		return
	}
	warnStale(w, st, maxAge)
}

// openDB opens the database and reads its status; a missing or foreign
// file is an input error.
func openDB(path string) (*vuln.DB, vuln.Status, error) {
	db, err := vuln.Open(path)
	if err != nil {
		return nil, vuln.Status{}, inputError{err}
	}
	st, err := db.Status()
	if err != nil {
		db.Close()
		return nil, vuln.Status{}, err
	}
	return db, st, nil
}

func sortedKeys(m map[string]int) []string {
	return slices.Sorted(maps.Keys(m))
}

// scanResult is the JSON output of `mdcheck scan` for one SBOM.
type scanResult struct {
	SBOM     string          `json:"sbom"`
	Matches  []vuln.Match    `json:"matches"`
	Coverage []vuln.Coverage `json:"ledger"`
}

func newScan(stdout io.Writer) *cobra.Command {
	var dbPath, format, failOn string
	var vexFiles []string
	var deviceFile string
	maxAge := age(7 * 24 * time.Hour)
	c := &cobra.Command{
		Use:   "scan [SBOM...]",
		Short: "Match SBOM components against known vulnerabilities",
		Long: `scan reads each SBOM (CycloneDX or SPDX) and matches its components: by
package URL against the OSV records of the local database with each
ecosystem's own version rules, by CPE against the version ranges of its CVE
records, and by name where a component has neither. Every match says how it was made; every
component that could not be checked is listed with the reason, so a scan
that matched nothing is "not assessed", not "clean". Exit codes: 0 ok, 1 a
match at or above --fail-on (not counting matches a VEX statement marks
not affected or fixed; with --device, the severity for patients counts),
2 input error.

With --device, each match of a component's SBOM is weighed for patients:
how the component can be reached and what it does for the patient, from
the device model (docs/vulnerabilities.md, "Severity for patients"), and
scan reads every SBOM the model names when no SBOM is given.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// With a device model, the SBOMs default to its components'.
			var dev *device
			if deviceFile != "" {
				d, err := loadDevice(deviceFile)
				if err != nil {
					return err
				}
				dev = d
				if len(args) == 0 {
					args = dev.sboms()
				}
			}
			if len(args) == 0 {
				return fmt.Errorf("%w: scan needs at least one SBOM (or --device with components that name theirs)", errUsage)
			}
			switch format {
			case "table", "json":
			case "cyclonedx":
				if len(args) != 1 {
					return fmt.Errorf("%w: --format cyclonedx describes one SBOM; got %d", errUsage, len(args))
				}
			default:
				return fmt.Errorf("%w: --format must be table, json or cyclonedx, not %q", errUsage, format)
			}
			var threshold catalog.Severity
			if failOn != "none" {
				s, ok := catalog.ParseSeverity(failOn)
				if !ok {
					return fmt.Errorf("%w: --fail-on must be low, medium, high, critical or none, not %q", errUsage, failOn)
				}
				threshold = s
			}
			db, st, builtin, err := openChosenDB(cmd, dbPath)
			if err != nil {
				return err
			}
			defer db.Close()
			announce(cmd, st, builtin, maxAge)
			var stmts []vuln.VEXStatement
			for _, f := range vexFiles {
				s, err := vuln.ReadVEXFile(f)
				if err != nil {
					return inputError{err}
				}
				stmts = append(stmts, s...)
			}
			bar := newProgress(cmd.ErrOrStderr())
			defer bar.done()
			var results []scanResult
			var lastDoc *sbom.Document
			for _, f := range args {
				doc, err := sbom.ReadFile(f)
				if err != nil {
					return inputError{err}
				}
				pkgs := make([]vuln.Package, 0, len(doc.Components))
				for _, c := range doc.Components {
					pkgs = append(pkgs, vuln.Package{Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL, CPEs: c.CPEs, Supplier: c.Supplier})
				}
				ms, cov, err := db.ScanProgress(cmd.Context(), pkgs, bar.update(f))
				if err != nil {
					return err
				}
				if ms == nil {
					ms = []vuln.Match{}
				}
				vuln.ApplyVEX(ms, pkgs, stmts)
				if dev != nil {
					dev.weigh(f, ms)
				}
				results = append(results, scanResult{SBOM: f, Matches: ms, Coverage: cov})
				lastDoc = doc
			}
			if format == "cyclonedx" {
				if err := writeScanCycloneDX(stdout, st, lastDoc, results[0].Matches, time.Now()); err != nil {
					return err
				}
			} else if format == "json" {
				if err := encodeJSON(stdout, map[string]any{"database": st, "results": results}); err != nil {
					return err
				}
			} else if err := writeScanTable(stdout, st, results); err != nil {
				return err
			}
			if threshold > 0 {
				for _, r := range results {
					for _, m := range r.Matches {
						sev := m.Severity
						if m.Safety != nil {
							sev = m.Safety.Level // with --device, severity for patients
						}
						if s, ok := catalog.ParseSeverity(sev); ok && s >= threshold && !m.VEX.Suppressed() {
							return errFindings
						}
					}
				}
			}
			return nil
		},
	}
	c.Flags().StringVar(&dbPath, "db", defaultDB(), "vulnerability database file (or MDCHECK_DB)")
	c.Flags().StringVarP(&format, "format", "f", "table", "output format: table, json, or cyclonedx (a CycloneDX 1.6 vulnerability report of one SBOM)")
	c.Flags().StringVar(&failOn, "fail-on", "none", "exit 1 on a match of this severity or higher: low, medium, high, critical or none")
	c.Flags().StringVar(&deviceFile, "device", "", "device model: weigh each match for patients by the component whose SBOM carries it (and scan its components' SBOMs when no SBOM is given)")
	c.Flags().StringArrayVar(&vexFiles, "vex", nil, "VEX document (OpenVEX, CycloneDX or CSAF) whose statements mark matches; repeatable")
	c.Flags().Var(&maxAge, "max-db-age", "warn when the newest record is older than this: 7d, 36h, 2w (0 turns the warning off)")
	return c
}

// vexText is a VEX statement's status with its justification or action.
func vexText(r *vuln.VEXResult) string {
	if r == nil {
		return ""
	}
	switch {
	case r.Justification != "":
		return r.Status + ": " + r.Justification
	case r.Action != "":
		return r.Status + ": " + r.Action
	}
	return r.Status
}

// exploited summarises what is known of a match's exploitation: KEV
// listing (with known ransomware use) and the EPSS score.
func exploited(m vuln.Match) string {
	var parts []string
	if m.KEV != nil {
		k := "KEV " + m.KEV.DateAdded
		if m.KEV.Ransomware == "Known" {
			k += ", ransomware"
		}
		parts = append(parts, k)
	}
	if m.EPSS != nil {
		parts = append(parts, fmt.Sprintf("EPSS %.1f%%", m.EPSS.Score*100))
	}
	return strings.Join(parts, "; ")
}

func writeScanTable(w io.Writer, st vuln.Status, results []scanResult) error {
	out := &ew{w: w}
	out.printf("Database %s: %d records, newest %s, %s\n", st.Path, st.Records, st.Newest, st.Hash)
	for _, r := range results {
		checked := 0
		for _, c := range r.Coverage {
			if c.Checked {
				checked++
			}
		}
		suppressed := 0
		for _, m := range r.Matches {
			if m.VEX.Suppressed() {
				suppressed++
			}
		}
		vexNote := ""
		if suppressed > 0 {
			vexNote = fmt.Sprintf(" (%d of them not affected or fixed by VEX)", suppressed)
		}
		out.printf("\n%s: %d matches%s; %d of %d components checked\n", r.SBOM, len(r.Matches), vexNote, checked, len(r.Coverage))
		if out.err != nil {
			return out.err
		}
		if len(r.Matches) > 0 {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "  PACKAGE\tVERSION\tVULNERABILITY\tSEVERITY\tFOR PATIENTS\tEXPLOITED\tFIXED IN\tHOW\tVEX")
			for _, m := range r.Matches {
				id := m.ID
				if len(m.Aliases) > 0 {
					id += " (" + strings.Join(m.Aliases, ", ") + ")"
				}
				forPatients := ""
				if m.Safety != nil {
					forPatients = m.Safety.Level
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s, %s\t%s\n", m.Package, m.Version, id, orNone(m.Severity), orNone(forPatients), orNone(exploited(m)), orNone(strings.Join(m.Fixed, ", ")), m.Method, m.Confidence, orNone(vexText(m.VEX)))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			// The severity for patients, explained, most severe first.
			for _, m := range r.Matches {
				if m.Safety != nil {
					out.printf("  %s: %s\n", m.ID, m.Safety.Reason)
				}
			}
		}
		reasons := map[string]int{}
		for _, c := range r.Coverage {
			if !c.Checked {
				reasons[c.Reason]++
			}
		}
		for _, reason := range sortedKeys(reasons) {
			out.printf("  not checked: %d components: %s\n", reasons[reason], reason)
		}
	}
	return out.err
}

// progress draws one self-rewriting status line on a terminal during a
// scan; on anything else it draws nothing.
type progress struct {
	w    io.Writer
	on   bool
	last time.Time
	drew bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && isatty.IsTerminal(f.Fd())}
}

// update returns the callback for one SBOM, or nil when off.
func (p *progress) update(file string) func(done, total int) {
	if !p.on {
		return nil
	}
	return func(done, total int) {
		if now := time.Now(); done == total || now.Sub(p.last) >= 100*time.Millisecond {
			p.last = now
			fmt.Fprintf(p.w, "\r\x1b[Kscanning %s: %d/%d components", filepath.Base(file), done, total)
			p.drew = true
		}
	}
}

// bytes returns the callback for downloads, or nil when off.
func (p *progress) bytes() func(name string, done, total int64) {
	if !p.on {
		return nil
	}
	return func(name string, done, total int64) {
		if now := time.Now(); done == total || now.Sub(p.last) >= 100*time.Millisecond {
			p.last = now
			if total > 0 {
				fmt.Fprintf(p.w, "\r\x1b[Kdownloading %s: %.1f of %.1f MB (%d%%)", name, float64(done)/1e6, float64(total)/1e6, done*100/total)
			} else {
				fmt.Fprintf(p.w, "\r\x1b[Kdownloading %s: %.1f MB", name, float64(done)/1e6)
			}
			p.drew = true
		}
	}
}

// done clears the line.
func (p *progress) done() {
	if p.drew {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drew = false
	}
}

// warnStale warns when the database's newest record is older than
// maxAge (0: never).
func warnStale(w io.Writer, st vuln.Status, maxAge age) {
	if a, ok := st.Age(time.Now()); ok && maxAge > 0 && a > time.Duration(maxAge) {
		fmt.Fprintf(w, "mdcheck: warning: the newest vulnerability record is %d days old (%s); update the database\n", int(a.Hours()/24), st.Newest)
	}
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
