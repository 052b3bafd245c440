package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/atomicfile"
	"github.com/mdcheck/mdcheck/internal/render"
)

type checkFlags struct {
	format, output, failOn, profile, date, oscalPlan string
	bundle, key                                      string
	all                                              bool
	opts                                             app.CheckOptions
	db                                               dbFlags
}

func newCheck(stdout io.Writer) *cobra.Command {
	var fl checkFlags
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

--probe-results FILE (from mdcheck probe -f json) compares live units of
the device with the model: open ports no interface declares, weaker
cryptography or authentication than declared, services in the clear, each
finding citing the probe transcript's events; what the probe confirms
becomes observed evidence for the rules that rest on the model's word.

Formats: table (default), json, md, oscal, openvex, csaf-vex, sarif, html
and pdf; several at once with -o FOLDER. --bundle FILE.zip --key KEY also
packs the inputs and every report into a signed evidence bundle (mdcheck
keygen makes the key, mdcheck verify checks the bundle). Exit codes: 0 ok, 1 an open failing
finding at or above --fail-on, 2 usage or input error, 3 run failure.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 && fl.opts.MDS2 != "" {
				return nil // an assessment from the MDS2 form alone
			}
			return exactArgs(1)(c, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				fl.opts.Model = args[0]
			}
			return runCheck(cmd, &fl, stdout)
		},
	}
	f := c.Flags()
	f.StringVarP(&fl.format, "format", "f", "table", "output format: table, json, md, oscal (OSCAL assessment results), openvex, csaf-vex, sarif, html, pdf, gspr (GSPR checklist, CSV or .xlsx), ifu (IFU security section, Markdown or .html) or clinician (one page, HTML or .pdf); several, comma-separated, with -o FOLDER")
	f.StringVar(&fl.oscalPlan, "oscal-plan", "", "with --format oscal: also write the OSCAL assessment plan to this file")
	f.StringVarP(&fl.output, "output", "o", "", "write the report to this file instead of standard output (a folder, with several formats)")
	f.StringVar(&fl.failOn, "fail-on", "none", "exit 1 on an open failing finding of this severity or higher: info, low, medium, high, critical or none")
	f.StringVar(&fl.opts.Waivers, "waivers", "", "waiver file (finding, reason, owner, expires)")
	f.StringVar(&fl.opts.Reviews, "reviews", "", "review file closing manual requirements (requirement, outcome, reviewer, date, evidence)")
	f.StringVar(&fl.profile, "profile", string(app.ProfileManufacturer), "requirements to assess: manufacturer, hospital or all")
	f.StringVar(&fl.date, "date", "", "assessment date YYYY-MM-DD (default today, UTC); fixes support-date checks for reproducible reports")
	f.StringArrayVar(&fl.opts.Policies, "policy", nil, "policy file of CEL rules to add (repeat for several)")
	f.BoolVar(&fl.all, "all", false, "table: list met requirements and passing findings too")
	fl.db.add(c, "vulnerability database to match the components' SBOMs against (or MDCHECK_DB); when it does not exist, the built-in snapshot", true)
	f.StringVar(&fl.opts.MDS2, "mds2", "", "the device's MDS2 form (HN 1-2019 .xlsx): its answers are cross-checked against the model")
	f.BoolVar(&fl.opts.NoVulns, "no-vulns", false, "do not match SBOMs against known vulnerabilities (their findings are then not assessed)")
	f.StringArrayVar(&fl.opts.VEX, "vex", nil, "VEX document (OpenVEX, CycloneDX or CSAF) whose statements mark vulnerability findings; repeatable")
	f.StringArrayVar(&fl.opts.ProbeResults, "probe-results", nil, "results of mdcheck probe -f json of live units of the device: compared with the model (live/* rules); repeatable")
	f.StringVar(&fl.bundle, "bundle", "", "also write a signed evidence bundle (zip) of the inputs and every report to this file (needs --key)")
	f.StringVar(&fl.key, "key", "", "Ed25519 private key that signs the --bundle (mdcheck keygen)")
	return c
}

func runCheck(cmd *cobra.Command, fl *checkFlags, stdout io.Writer) error {
	outs, err := render.Outputs(fl.format, fl.output, "report", func(f *render.Format) bool { return f.Check != nil })
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fl.oscalPlan != "" && (len(outs) != 1 || outs[0].Format.Name != "oscal") {
		return fmt.Errorf("%w: --oscal-plan goes with --format oscal alone", errUsage)
	}
	if err := outs[0].Format.CheckExtension(fl.oscalPlan); fl.oscalPlan != "" && err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if (fl.bundle == "") != (fl.key == "") {
		return fmt.Errorf("%w: --bundle and --key go together", errUsage)
	}
	threshold, err := failOn(fl.failOn, "info, low, medium, high, critical")
	if err != nil {
		return err
	}
	profile, ok := app.ParseProfile(fl.profile)
	if !ok {
		return fmt.Errorf("%w: --profile must be manufacturer, hospital or all, not %q", errUsage, fl.profile)
	}
	if fl.opts.Date, err = parseDate(fl.date); err != nil {
		return err
	}
	if fl.opts.NoVulns && len(fl.opts.VEX) > 0 {
		return fmt.Errorf("%w: --vex marks vulnerability findings, which --no-vulns turns off", errUsage)
	}
	o := fl.opts
	o.Profile, o.Freshness = profile, fl.db.freshness(cmd)
	ev, done := events(cmd.ErrOrStderr())
	defer done()
	o.Events = ev
	a := newApp(cmd, fl.db.path)
	defer a.Close()
	res, err := a.Check(cmd.Context(), o)
	done() // the progress line goes before the report comes
	if err != nil {
		return modelError(err, cmd.ErrOrStderr())
	}
	ro := render.Options{Color: fl.output == "" && colorTerminal(stdout), All: fl.all, Build: thisBuild(), Context: cmd.Context()}
	if fl.oscalPlan != "" {
		plan := &planFile{path: fl.oscalPlan}
		ro.Plan, ro.PlanHref = plan, relHref(fl.output, fl.oscalPlan)
	}
	if err := render.Write(outs, stdout, func(o render.Output, w io.Writer) error { ro.Path = o.Path; return o.Format.Check(w, res, ro) }); err != nil {
		return err
	}
	if err := writeBundle(cmd, a, res, ro, fl.bundle, fl.key); err != nil {
		return err
	}
	return tripped(cmd.ErrOrStderr(), fl.failOn, res.Tripped(threshold))
}

// planFile writes the OSCAL assessment plan atomically as it is given.
type planFile struct{ path string }

func (p *planFile) Write(b []byte) (int, error) {
	if err := atomicfile.Write(p.path, b, 0o644); err != nil {
		return 0, err
	}
	return len(b), nil
}

func newClassify(stdout io.Writer) *cobra.Command {
	var fmtName string
	var trace bool
	c := &cobra.Command{
		Use:   "classify FILE",
		Short: "Classify a device under MDR Annex VIII",
		Long: `classify applies all 22 rules of MDR Annex VIII and its implementing rules
to each component of the device model that is placed on the market as a
device or accessory, and gives the system's class on top. For each it
shows the class, the deciding rules, the conformity assessment routes,
whether a notified body is involved, and the post-market report due.

When a fact a rule needs is missing, the result is "undecided" and lists
the missing facts: mdcheck never guesses a class.

Formats: table (default; --trace adds every rule's reasoning) and json
(always the full trace).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format(fmtName, func(f *render.Format) bool { return f.Classify != nil })
			if err != nil {
				return err
			}
			res, err := app.New(app.Config{Build: thisBuild()}).Classify(cmd.Context(), args[0])
			if err != nil {
				return modelError(err, cmd.ErrOrStderr())
			}
			return f.Classify(stdout, res, render.Options{Trace: trace})
		},
	}
	c.Flags().StringVarP(&fmtName, "format", "f", "table", "output format: table or json")
	c.Flags().BoolVar(&trace, "trace", false, "table: show every rule's reasoning and the facts it read")
	return c
}

func newValidate(stdout, stderr io.Writer) *cobra.Command {
	var fmtName string
	c := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check device models against the model schema",
		Long: `validate reads each device model strictly and reports every problem with
its file, line and column: unknown fields (with a did-you-mean), wrong
types, values outside an enumeration, duplicate keys, references to
components that do not exist, relation cycles and missing SBOM files.
It exits 0 when every file is valid and 2 otherwise.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format(fmtName, func(f *render.Format) bool { return f.Validate != nil })
			if err != nil {
				return err
			}
			vs, err := app.New(app.Config{Build: thisBuild()}).Validate(cmd.Context(), args)
			if err != nil {
				return err
			}
			var failed []error
			for _, v := range vs {
				if v.Err == nil {
					continue
				}
				failed = append(failed, v.Err)
				if f.Name != "table" {
					continue
				}
				if v.Problems == nil {
					fmt.Fprintf(stderr, "%s: %v\n", v.File, v.Err)
				}
				for _, p := range v.Problems {
					fmt.Fprintln(stderr, p)
				}
			}
			if err := f.Validate(stdout, vs, render.Options{}); err != nil {
				return err
			}
			if len(failed) > 0 {
				return printedError{fmt.Errorf("%d of %d files invalid: %w", len(failed), len(args), errors.Join(failed...))}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&fmtName, "format", "f", "table", "output format: table or json")
	return c
}

func newSchema(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "schema [NAME]",
		Short: "Print the JSON Schema of the device model, or of a JSON output",
		Long: `schema prints the JSON Schema (draft 2020-12) of the device model, the
same file as docs/device.schema.json. Point your editor's YAML language
server at it to validate and complete device.yaml while you type.

"schema dispositions" prints the schema of a vulnerability dispositions
file (docs/dispositions.schema.json). With another NAME, it prints the
schema of that JSON output instead, the same file as
docs/schemas/NAME.schema.json: ` + strings.Join(outputNames(), ", ") + `.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return exactArgs(1)(c, args)
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			name := "device"
			if len(args) > 0 {
				name = args[0]
			}
			s, ok := app.ModelSchema(name)
			if !ok {
				s, ok = render.Schema(name)
			}
			if !ok {
				return fmt.Errorf("%w: no schema %q (device, dispositions, %s)", errUsage, args[0], strings.Join(outputNames(), ", "))
			}
			_, err := stdout.Write(s)
			return err
		},
	}
}

func outputNames() []string {
	var out []string
	for _, c := range render.Contracts() {
		out = append(out, c.Name)
	}
	return out
}
