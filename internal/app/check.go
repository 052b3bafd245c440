package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/catalog/rules"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/ifu"
	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/mds2/crosswalk"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/policy"
	"github.com/mdcheck/mdcheck/internal/probe/results"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/vexout"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// Profile selects the audience of the requirements assessed.
type Profile string

// Profiles.
const (
	ProfileManufacturer Profile = "manufacturer"
	ProfileHospital     Profile = "hospital"
	ProfileAll          Profile = "all"
)

// ParseProfile reads a profile name.
func ParseProfile(s string) (Profile, bool) {
	switch p := Profile(s); p {
	case ProfileManufacturer, ProfileHospital, ProfileAll:
		return p, true
	}
	return "", false
}

// CheckOptions are the inputs of a health check.
type CheckOptions struct {
	// Model is the device model file. It may be empty when MDS2 is given:
	// the device is then assessed from its form alone.
	Model string
	// MDS2 is the device's MDS2 form (.xlsx), cross-checked against the
	// model.
	MDS2    string
	Profile Profile
	// Date is the assessment date; the zero time means today (UTC).
	Date     time.Time
	Waivers  string   // waiver file
	Reviews  string   // review file closing manual requirements
	Policies []string // policy files of CEL rules
	VEX      []string // VEX documents marking vulnerability findings
	// Overlay is a vulnerability database of the caller's own records
	// (an organisation's imported advisories, db import builds it),
	// matched beside the main one.
	Overlay string
	// ProbeResults are results of mdcheck probe of live units of the
	// device (-f json): what they show is compared with the model.
	ProbeResults []string
	// NoVulns leaves the components' known vulnerabilities unassessed.
	NoVulns bool
	// SBOMs are SBOM files the caller holds parsed (ParsedSBOM), by
	// path (the model's folder joined with the path the model gives):
	// the check takes them from here, not from the files, which need
	// not exist.
	SBOMs map[string]Parsed
	Freshness
	Events
}

// CheckResult is a health check's outcome.
type CheckResult struct {
	Report *report.Report
	// VEX holds, for each vulnerability found in each component, the
	// statement the assessment makes of it (docs/reports.md).
	VEX []vexout.Item
	// Publisher issues the device's CSAF VEX: the manufacturer, its
	// security page as namespace.
	Publisher vexout.Publisher
	// Rules are the rules the check ran, built-in and policy ones.
	Rules []catalog.Rule
	// Model is the device model assessed (from the MDS2 form alone, the
	// facts its answers decide); Classification its full Annex VIII
	// classification with every rule's trace.
	Model          *model.Device
	Classification *classify.Classification
	// Packages are those of every component SBOM matched (none when
	// vulnerabilities were not assessed).
	Packages []vuln.Package
	// Vulnerabilities is, for each component whose SBOM was matched, what
	// the database holds for it and how much of the SBOM it covers (the
	// coverage ledger); empty when vulnerabilities were not assessed.
	Vulnerabilities []evidence.Vulnerabilities
	// IFU is the IFU security checklist of the model: each item the
	// instructions for use must state, and what the model knows of it.
	IFU []ifu.Item
}

// Tripped lists the open (not suppressed) failing findings at least as
// severe as threshold: what makes --fail-on fail. A zero threshold trips
// on nothing.
func (r *CheckResult) Tripped(threshold catalog.Severity) []Trip {
	var out []Trip
	if threshold <= 0 {
		return nil
	}
	for _, f := range r.Report.Findings {
		if f.Status == catalog.Fail && !f.Suppressed() && FailSeverity(f.Severity) >= threshold {
			out = append(out, Trip{ID: f.ID, Subject: f.Subject, Severity: FailSeverity(f.Severity)})
		}
	}
	return out
}

// Fails reports whether anything trips threshold.
func (r *CheckResult) Fails(threshold catalog.Severity) bool { return len(r.Tripped(threshold)) > 0 }

// Check runs the cybersecurity health check of a device: every
// requirement met, missed, unproven or left for manual review, with the
// evidence each finding rests on, the readiness and what to fix first.
func (a *App) Check(ctx context.Context, o CheckOptions) (*CheckResult, error) {
	if o.Model == "" && o.MDS2 == "" {
		return nil, InputError{fmt.Errorf("a device model or an MDS2 form is needed")}
	}
	if o.Date.IsZero() {
		o.Date = time.Now().UTC().Truncate(24 * time.Hour)
	}
	opts := runOptions{Profile: o.Profile, Now: o.Date, Build: a.cfg.Build, Events: o.Events, Cache: a.sboms, SBOMs: o.SBOMs}
	if o.Reviews != "" {
		rs, err := catalog.LoadReviews(o.Reviews)
		if err == nil {
			err = catalog.CheckReviews(rs, catalog.Requirements())
		}
		if err != nil {
			return nil, InputError{err}
		}
		opts.Reviews = rs
	}
	for _, f := range o.ProbeResults {
		r, err := results.Read(f)
		if err != nil {
			return nil, InputError{fmt.Errorf("probe results %w", err)}
		}
		opts.Live = append(opts.Live, results.Live(r, f))
	}
	ps, ws, err := loadPoliciesAndWaivers(o.Policies, o.Waivers)
	if err != nil {
		return nil, err
	}
	opts.Policies, opts.Waivers = ps, ws
	var form *mds2.Form
	if o.MDS2 != "" {
		f, err := readForm(o.MDS2, o.Events)
		if err != nil {
			return nil, err
		}
		form = f
	}
	if !o.NoVulns {
		d, stmts, release, err := a.matchWith(o.VEX, o.Events, o.Freshness)
		if err != nil {
			return nil, err
		}
		defer release()
		opts.Vulns = &Vulns{DB: d.db, VEX: stmts, Data: d.stamp()}
		if o.Overlay != "" {
			x, err := store.Open(o.Overlay)
			if err != nil {
				return nil, InputError{fmt.Errorf("the advisory overlay: %w", err)}
			}
			defer x.Close()
			st, err := x.Status()
			if err != nil {
				return nil, err
			}
			opts.Vulns.Overlay, opts.Vulns.Data.Overlay = x, st.Hash
		}
	}
	var dev *model.Device
	if o.Model == "" {
		// The form alone: a model of the facts its answers decide.
		dev = crosswalk.Model(form)
		o.note("assessing from the MDS2 form alone (%s): its answers decide %d facts, every other fact is unstated", form.File, len(dev.Positions()))
	} else {
		d, err := model.LoadHolding(o.Model, func(p string) bool { _, ok := o.SBOMs[p]; return ok })
		if err != nil {
			return nil, err
		}
		dev = d
		if form != nil {
			opts.MDS2 = crosswalk.Evidence(form)
		}
	}
	res, err := runModel(ctx, dev, opts)
	if err != nil {
		return nil, err
	}
	res.report.Inputs = checkInputs(dev, o, res.read)
	var pkgs []vuln.Package
	if opts.Vulns != nil {
		pkgs = opts.Vulns.Packages
	}
	return &CheckResult{Packages: pkgs, Report: res.report, VEX: res.vex, Publisher: res.publisher, Rules: res.rules, Model: dev, Classification: res.classification, Vulnerabilities: res.vulns, IFU: ifu.Checklist(dev)}, nil
}

// Classify applies MDR Annex VIII to the device model in file.
func (a *App) Classify(ctx context.Context, file string) (*classify.Classification, error) {
	dev, err := model.Load(file)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return classify.Classify(dev)
}

// Validated is one device model that validate read.
type Validated struct {
	File   string        `json:"file"`
	Device *model.Device `json:"-"`
	// Problems lists each problem with its file, line and column; Err is
	// the error when the model could not be read at all.
	Problems []string `json:"problems,omitempty"`
	Err      error    `json:"-"`
}

// Validate reads each device model strictly and reports every problem.
func (a *App) Validate(ctx context.Context, files []string) ([]Validated, error) {
	out := make([]Validated, 0, len(files))
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dev, err := model.Load(f)
		out = append(out, Validated{File: f, Device: dev, Problems: Problems(err), Err: err})
	}
	return out, nil
}

// LoadPolicy reads a policy file against the embedded catalog and the
// built-in rules.
func LoadPolicy(file string) (*policy.Policy, error) {
	var reqs, builtin []string
	for _, r := range catalog.Requirements() {
		reqs = append(reqs, r.ID)
	}
	for _, r := range rules.All() {
		builtin = append(builtin, r.ID)
	}
	return policy.Load(file, reqs, builtin)
}

// profileRequirements are the catalog's requirements a profile assesses.
func profileRequirements(profile Profile) []catalog.Requirement {
	var out []catalog.Requirement
	for _, r := range catalog.Requirements() {
		if profile == ProfileAll || r.Audience == string(profile) ||
			// The hospital profile includes the device's own capabilities:
			// a hospital buying or running the device needs them too.
			(profile == ProfileHospital && strings.HasPrefix(r.ID, "MDCG1916.3.3.")) {
			out = append(out, r)
		}
	}
	return out
}

// Severity ranks findings and matches, info lowest; the zero value is no
// severity (a --fail-on of none).
type Severity = catalog.Severity

// Trip is one finding or match that makes --fail-on fail.
type Trip struct {
	ID       string   // finding ID, or the vulnerability's
	Subject  string   // the component, or the SBOM and package
	Severity Severity // as --fail-on compares it
}

// UnknownSeverity is the severity --fail-on gives a finding or a match
// whose severity is not known (a record without a CVSS vector or rating):
// high, never below the threshold because nobody rated it. One value for
// check and scan alike.
const UnknownSeverity = catalog.High

// FailSeverity is the severity --fail-on compares: s, or UnknownSeverity
// where there is none.
func FailSeverity(s Severity) Severity {
	if s <= 0 {
		return UnknownSeverity
	}
	return s
}

// ParseSeverity reads a severity word (info, low, medium, high or
// critical).
func ParseSeverity(s string) (Severity, bool) { return catalog.ParseSeverity(s) }
