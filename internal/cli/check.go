package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/assess"
	"github.com/mdcheck/mdcheck/internal/atomicfile"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/oscal"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

type checkFlags struct {
	format, output, failOn, waivers, profile, date string
	oscalPlan                                      string
	policies                                       []string
	all                                            bool
	db                                             string
	vex                                            []string
	maxDBAge                                       age
	noVulns                                        bool
	mds2                                           string
}

func newCheck(stdout io.Writer) *cobra.Command {
	fl := checkFlags{maxDBAge: age(7 * 24 * time.Hour)}
	c := &cobra.Command{
		Use:   "check DEVICE | check --mds2 FILE.xlsx",
		Short: "Run the cybersecurity health check of a device model",
		Long: `check assesses a device model against the MDR Annex I and MDCG 2019-16
cybersecurity expectations (with IEC 81001-5-1, IEC TR 60601-4-5, GDPR and,
in the hospital profile, NIS2): every requirement met, missed, unproven or
left for manual review, each finding with the evidence it rests on and how
strong that is, a readiness score, and what to fix first for patient
safety.

Each component's SBOM is matched against the vulnerability database
(--db, MDCHECK_DB, the one mdcheck db import builds, or else the built-in
snapshot of real advisories): every known vulnerability is a finding as
severe as it is for patients, known exploited ones are fixed first, and a
VEX statement (--vex) that a component is not affected waives its
finding, visibly. With --no-vulns the components' known vulnerabilities
are reported as not assessed.

Formats: table (default), json, md. Exit codes: 0 ok, 1 an open failing
finding at or above --fail-on, 2 usage or input error, 3 run failure.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 && fl.mds2 != "" {
				return nil // an assessment from the MDS2 form alone
			}
			return exactArgs(1)(c, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			file := ""
			if len(args) == 1 {
				file = args[0]
			}
			return runCheck(cmd, file, fl, stdout, cmd.ErrOrStderr())
		},
	}
	f := c.Flags()
	f.StringVarP(&fl.format, "format", "f", "table", "output format: table, json, md or oscal (OSCAL assessment results)")
	f.StringVar(&fl.oscalPlan, "oscal-plan", "", "with --format oscal: also write the OSCAL assessment plan to this file")
	f.StringVarP(&fl.output, "output", "o", "", "write the report to this file instead of standard output")
	f.StringVar(&fl.failOn, "fail-on", "none", "exit 1 on an open failing finding of this severity or higher: info, low, medium, high, critical or none")
	f.StringVar(&fl.waivers, "waivers", "", "waiver file (finding, reason, owner, expires)")
	f.StringVar(&fl.profile, "profile", assess.ProfileManufacturer, "requirements to assess: manufacturer, hospital or all")
	f.StringVar(&fl.date, "date", "", "assessment date YYYY-MM-DD (default today, UTC); fixes support-date checks for reproducible reports")
	f.StringArrayVar(&fl.policies, "policy", nil, "policy file of CEL rules to add (repeat for several)")
	f.BoolVar(&fl.all, "all", false, "table: list met requirements and passing findings too")
	f.StringVar(&fl.db, "db", defaultDB(), "vulnerability database to match the components' SBOMs against (or MDCHECK_DB); when it does not exist, the built-in snapshot")
	f.StringVar(&fl.mds2, "mds2", "", "the device's MDS2 form (HN 1-2019 .xlsx): its answers are cross-checked against the model")
	f.BoolVar(&fl.noVulns, "no-vulns", false, "do not match SBOMs against known vulnerabilities (their findings are then not assessed)")
	f.StringArrayVar(&fl.vex, "vex", nil, "VEX document (OpenVEX, CycloneDX or CSAF) whose statements mark vulnerability findings; repeatable")
	f.Var(&fl.maxDBAge, "max-db-age", "warn when the database's newest record is older than this: 7d, 36h, 2w (0 turns the warning off)")
	return c
}

func runCheck(cmd *cobra.Command, file string, fl checkFlags, stdout, stderr io.Writer) error {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if fl.format != "table" && fl.format != "json" && fl.format != "md" && fl.format != "oscal" {
		return fmt.Errorf("%w: --format must be table, json, md or oscal, not %q", errUsage, fl.format)
	}
	if fl.oscalPlan != "" && fl.format != "oscal" {
		return fmt.Errorf("%w: --oscal-plan goes with --format oscal", errUsage)
	}
	failOn := catalog.Severity(0)
	if fl.failOn != "none" {
		s, ok := catalog.ParseSeverity(fl.failOn)
		if !ok {
			return fmt.Errorf("%w: --fail-on must be info, low, medium, high, critical or none, not %q", errUsage, fl.failOn)
		}
		failOn = s
	}
	if fl.profile != assess.ProfileManufacturer && fl.profile != assess.ProfileHospital && fl.profile != assess.ProfileAll {
		return fmt.Errorf("%w: --profile must be manufacturer, hospital or all, not %q", errUsage, fl.profile)
	}
	now := time.Now().UTC().Truncate(24 * time.Hour)
	if fl.date != "" {
		d, err := time.Parse(time.DateOnly, fl.date)
		if err != nil {
			return fmt.Errorf("%w: --date must be YYYY-MM-DD, not %q", errUsage, fl.date)
		}
		now = d
	}
	opts := assess.Options{Profile: fl.profile, Now: now, Version: Version}
	if fl.waivers != "" {
		ws, err := catalog.LoadWaivers(fl.waivers)
		if err != nil {
			return inputError{err}
		}
		opts.Waivers = ws
	}
	for _, pf := range fl.policies {
		p, err := assess.LoadPolicy(pf)
		if err != nil {
			return inputError{err}
		}
		opts.Policies = append(opts.Policies, p)
	}
	var form *mds2.Form
	if fl.mds2 != "" {
		f, err := readMDS2(fl.mds2)
		if err != nil {
			return err
		}
		for _, w := range f.Warnings {
			fmt.Fprintln(stderr, "mdcheck: warning: "+w)
		}
		form = f
	}
	vulns, closeDB, err := checkVulns(cmd, fl)
	if err != nil {
		return err
	}
	defer closeDB()
	opts.Vulns = vulns
	var dev *model.Device
	if file == "" {
		// The form alone: a model of the facts its answers decide.
		dev = modelFromMDS2(form)
		fmt.Fprintf(stderr, "mdcheck: note: assessing from the MDS2 form alone (%s): its answers decide %d facts, every other fact is unstated\n", form.File, len(dev.Positions()))
	} else {
		d, err := loadModel(file, stderr)
		if err != nil {
			return err
		}
		dev = d
		if form != nil {
			opts.MDS2 = mds2Evidence(form)
		}
	}
	rep, err := assess.RunModel(ctx, dev, opts)
	if err != nil {
		return err
	}

	var buf bytes.Buffer
	switch fl.format {
	case "json":
		err = report.JSON(&buf, rep)
	case "md":
		err = report.Markdown(&buf, rep)
	case "oscal":
		href := ""
		if fl.oscalPlan != "" {
			var plan bytes.Buffer
			if err := oscal.Write(&plan, oscal.Plan(rep)); err != nil {
				return err
			}
			if err := atomicfile.Write(fl.oscalPlan, plan.Bytes(), 0o644); err != nil {
				return err
			}
			href = relHref(fl.output, fl.oscalPlan)
		}
		err = oscal.Write(&buf, oscal.Results(rep, href))
	default:
		err = report.Text(&buf, rep, report.TextOptions{Color: fl.output == "" && colorTerminal(stdout), All: fl.all})
	}
	if err != nil {
		return err
	}
	if fl.output != "" {
		if err := atomicfile.Write(fl.output, buf.Bytes(), 0o644); err != nil {
			return err
		}
	} else if _, err := stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	if failOn > 0 {
		for _, f := range rep.Findings {
			if f.Status == catalog.Fail && !f.Waived() && f.Severity >= failOn {
				return errFindings
			}
		}
	}
	return nil
}

// checkVulns opens the vulnerability database check matches against
// (openChosenDB), unless --no-vulns turns the matching off.
func checkVulns(cmd *cobra.Command, fl checkFlags) (*assess.Vulns, func(), error) {
	if fl.noVulns {
		if len(fl.vex) > 0 {
			return nil, nil, fmt.Errorf("%w: --vex marks vulnerability findings, which --no-vulns turns off", errUsage)
		}
		return nil, func() {}, nil
	}
	db, st, builtin, err := openChosenDB(cmd, fl.db)
	if err != nil {
		return nil, nil, err
	}
	announce(cmd, st, builtin, fl.maxDBAge)
	v := &assess.Vulns{DB: db}
	for _, f := range fl.vex {
		s, err := vuln.ReadVEXFile(f)
		if err != nil {
			db.Close()
			return nil, nil, inputError{err}
		}
		v.VEX = append(v.VEX, s...)
	}
	return v, func() { db.Close() }, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// relHref is the plan's path as the results file should refer to it:
// relative to the results file's folder when both are files.
func relHref(results, plan string) string {
	if results == "" {
		return filepath.ToSlash(plan)
	}
	rel, err := filepath.Rel(filepath.Dir(results), plan)
	if err != nil {
		return filepath.ToSlash(plan)
	}
	return filepath.ToSlash(rel)
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
