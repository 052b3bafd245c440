// Package report builds the assessment of one device from its findings
// and renders it for people and machines: a terminal view, Markdown and
// JSON. Every rendering comes from the same Report, so they cannot
// disagree.
package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/threat"
)

// SchemaVersion is the version of the JSON report. It changes whenever
// the JSON output changes shape (2: a finding's "waiver" became its
// "suppression"; 3: the tool's commit, build date, catalog version and
// database; 4: a legacy device's MDR Art. 120 transition; 5: tentative
// findings and fixes; 6: findings set aside by a vulnerability
// disposition, and the certificates behind a requirement; 7: the inputs
// the check read, with their SHA-256; 8: the threat model; 9: the
// overlay of an organisation's advisories in the database stamp;
// docs/schemas/check.schema.json).
const SchemaVersion = "10"

// RequirementStatus is where a device stands on one requirement.
type RequirementStatus string

// Requirement statuses in the assessment.
const (
	Met           RequirementStatus = "met"
	Missed        RequirementStatus = "missed"
	Unproven      RequirementStatus = "unproven"
	Manual        RequirementStatus = "manual"
	NotApplicable RequirementStatus = "not-applicable"
)

// Report is the assessment of one device.
type Report struct {
	SchemaVersion  string              `json:"schemaVersion"`
	Tool           Tool                `json:"tool"`
	Date           string              `json:"date"`
	Profile        string              `json:"profile"`
	Device         classify.Device     `json:"device"`
	Classification Classification      `json:"classification"`
	Summary        Summary             `json:"summary"`
	FixFirst       []Fix               `json:"fixFirst"`
	Requirements   []RequirementResult `json:"requirements"`
	Findings       []catalog.Finding   `json:"findings"`
	Manual         []ManualItem        `json:"manual"`
	// ThreatModel is the threat model derived from the device model,
	// each threat linked to the findings that assess it.
	ThreatModel ThreatModel `json:"threatModel"`
	// Inputs are the files the check read, each with its SHA-256, so
	// that a reader can tell which versions were assessed.
	Inputs []InputFile `json:"inputs"`
}

// InputFile is one file a check read.
type InputFile struct {
	// Role says what the file is to the check: model, dispositions,
	// sbom:COMPONENT, document:KIND, mds2, vex, waivers, reviews or
	// policy.
	Role string `json:"role"`
	// Path is the file's path as given, or joined to the model's folder
	// for the files the model names.
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
	// Error says why the file could not be read; it then has no hash.
	Error string `json:"error,omitempty"`
}

// Tool identifies the build and data that made the report, so that a
// reader can say which mdcheck, catalog and vulnerability data it rests
// on.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Commit and BuildDate identify the build: the VCS revision and time
	// go build recorded, or those a release build set.
	Commit    string `json:"commit,omitempty"`
	BuildDate string `json:"buildDate,omitempty"`
	// Catalog is the version of the requirements catalog; Requirements
	// and Rules count those the run used.
	Catalog      string `json:"catalog"`
	Requirements int    `json:"requirements"`
	Rules        int    `json:"rules"`
	// Database is the vulnerability data matched against; absent when
	// vulnerabilities were not assessed.
	Database *Data `json:"database,omitempty"`
}

// Data identifies a vulnerability database by its content.
type Data struct {
	// Hash is the SHA-256 of the database's content (mdcheck db status).
	Hash string `json:"hash"`
	// Newest is the newest record's modification date.
	Newest string `json:"newest"`
	// KEV is the version of the known-exploited catalog it holds.
	KEV string `json:"kev,omitempty"`
	// Builtin marks the snapshot built into mdcheck.
	Builtin bool `json:"builtin,omitempty"`
	// Overlay is the content hash of the records of the caller's own
	// matched beside the database (an organisation's imported
	// advisories), when there were any.
	Overlay string `json:"overlay,omitempty"`
}

// BuildInfo identifies an mdcheck binary.
type BuildInfo struct {
	Version, Commit, Date string
}

// Classification summarises the MDR class (the full trace is in
// `mdcheck classify`).
type Classification struct {
	Class      string           `json:"class"`
	Rule       []string         `json:"rule"`
	Decided    bool             `json:"decided"`
	Components []ComponentClass `json:"components"`
	// Transition is, for a legacy device, its MDR Art. 120 basis (the
	// conditions in full are in `mdcheck classify`).
	Transition *Transition `json:"transition,omitempty"`
}

// Transition summarises a legacy device's MDR Art. 120 transition.
type Transition struct {
	Basis string `json:"basis"`
	Until string `json:"until,omitempty"`
	// Met is true when every condition the basis sets is met; an unknown
	// condition is not met.
	Met bool `json:"met"`
	// Open lists the conditions not met or unknown.
	Open []string `json:"open,omitempty"`
}

// Line is the transition in words, for the reports' header.
func (t *Transition) Line() string {
	switch t.Basis {
	case "none":
		return "no transition period: the MDR applies since " + t.Until
	case "undetermined":
		return "MDR Art. 120 basis undetermined (see mdcheck classify)"
	}
	s := fmt.Sprintf("%s until %s", t.Basis, t.Until)
	if t.Met {
		return s + ", conditions met"
	}
	return fmt.Sprintf("%s, %d condition(s) not met or not shown (see mdcheck classify)", s, len(t.Open))
}

// ComponentClass is one component's class.
type ComponentClass struct {
	Component string `json:"component"`
	Class     string `json:"class"`
}

// Summary is the headline of the assessment.
type Summary struct {
	// Readiness is met / applicable requirements, in percent; see Formula.
	Readiness float64 `json:"readiness"`
	Formula   string  `json:"formula"`
	// Requirements counts requirements by status.
	Requirements map[RequirementStatus]int `json:"requirements"`
	// Findings counts findings by status; "waived" counts failing or
	// unknown findings under an active waiver.
	Findings map[string]int `json:"findings"`
	// MetOnWaivers counts met requirements that are met only because a
	// waiver covers a failing or unknown finding.
	MetOnWaivers int `json:"metOnWaivers"`
	// MetOnClaimsOnly counts met requirements whose passing findings all
	// rest on claimed evidence alone.
	MetOnClaimsOnly int `json:"metOnClaimsOnly"`
	// MetOnReviews counts manual requirements a person's review closed
	// as met.
	MetOnReviews int `json:"metOnReviews"`
}

// RequirementResult is one requirement with its aggregated status.
type RequirementResult struct {
	catalog.Requirement
	Status   RequirementStatus `json:"status"`
	Findings []string          `json:"findings"`
	Waived   bool              `json:"waived,omitempty"`
	// Why says why a requirement does not apply to this device.
	Why string `json:"why,omitempty"`
	// Strength is the weakest evidence behind a met requirement.
	Strength evidence.Strength `json:"strength,omitempty"`
	// Review is the review of a manual requirement, if one was given: a
	// review that has not expired decides its status (met or missed).
	Review *catalog.Review `json:"review,omitempty"`
	// Certificates name the valid EU cybersecurity certificates that
	// cover the requirement, as independent evidence beside its findings;
	// an expired certificate is not named.
	Certificates []string `json:"certificates,omitempty"`
}

// ManualItem is a requirement an assessor must judge.
type ManualItem struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Source  string `json:"source"`
	Reason  string `json:"reason"`
	LookFor string `json:"lookFor"`
}

// Fix is one failing finding in the order to fix them.
type Fix struct {
	Finding  string           `json:"finding"`
	Title    string           `json:"title"`
	Severity catalog.Severity `json:"severity"`
	// Impact ranks patient-safety impact: the class of the component the
	// finding is about, raised when that component delivers therapy.
	Impact int `json:"impact"`
	// Priority is Impact plus the severity's rank (info 1 … critical 5):
	// the order of the list after known exploited vulnerabilities.
	Priority int `json:"priority"`
	// Exploited marks a vulnerability known to be exploited in the wild
	// (CISA KEV): such fixes come first.
	Exploited bool `json:"exploited,omitempty"`
	// Tentative marks a fix that rests on a low-confidence match: confirm
	// it first; it comes after the confirmed fixes.
	Tentative bool   `json:"tentative,omitempty"`
	Why       string `json:"why"`
	Detail    string `json:"detail"`
	Remedy    string `json:"remediation"`
}

// Input is what Build needs.
type Input struct {
	Tool           Tool
	Date           string
	Profile        string
	Device         *model.Device
	Classification *classify.Classification
	Requirements   []catalog.Requirement
	Findings       []catalog.Finding
	// Reviews close manual requirements, by requirement ID
	// (catalog.ReviewsOn).
	Reviews map[string]catalog.Review
	// Threats are the device's threats, linked to Findings.
	Threats []threat.Threat
}

// Unmapped are the findings of rules that name no requirement (policy
// rules may name none), in report order, leaving out not-applicable ones.
// They count in no requirement, so renderers list them on their own.
func (r *Report) Unmapped() []catalog.Finding {
	var out []catalog.Finding
	for _, f := range r.Findings {
		if len(f.Requirements) == 0 && f.Status != catalog.NotApplicable {
			out = append(out, f)
		}
	}
	return out
}

// Stamp says in one line which mdcheck, catalog and vulnerability data
// made the report.
func (t Tool) Stamp() string {
	s := t.Name + " " + t.Version
	if t.Commit != "" {
		c := t.Commit
		if len(c) > 12 && !strings.Contains(c, " ") {
			c = c[:12]
		}
		s += " (commit " + c
		if t.BuildDate != "" {
			s += ", built " + t.BuildDate
		}
		s += ")"
	}
	s += ", catalog " + t.Catalog
	if d := t.Database; d != nil {
		s += ", vulnerability data " + d.Hash
		if d.Builtin {
			s += " (built-in snapshot"
		} else {
			s += " ("
		}
		if d.Newest != "" {
			if d.Builtin {
				s += ", "
			}
			s += "newest record " + d.Newest
		}
		s += ")"
	} else {
		s += ", vulnerabilities not assessed"
	}
	return s
}

// Formula states how readiness is computed.
const Formula = "readiness = met / (all requirements - not applicable) x 100; manual and unproven requirements count as not met"

// Build aggregates findings per requirement, scores readiness and orders
// the failing findings by patient-safety impact.
func Build(in Input) *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          in.Tool,
		Date:          in.Date,
		Profile:       in.Profile,
		Device:        in.Classification.Device,
		Findings:      in.Findings,
		Requirements:  []RequirementResult{},
		Manual:        []ManualItem{},
		FixFirst:      []Fix{},
		ThreatModel:   NewThreatModel(in.Device, in.Threats),
	}
	if r.Findings == nil {
		r.Findings = []catalog.Finding{}
	}
	c := in.Classification
	r.Classification = Classification{Class: c.Label, Rule: c.Rule, Decided: c.Decided}
	for _, comp := range c.Components {
		r.Classification.Components = append(r.Classification.Components, ComponentClass{Component: comp.Component, Class: comp.Label})
	}
	if t := c.Transition; t != nil {
		rt := &Transition{Basis: t.Basis, Until: t.Until, Met: t.Met()}
		for _, cond := range t.Conditions {
			if cond.Status != classify.ConditionMet {
				rt.Open = append(rt.Open, fmt.Sprintf("%s %s: %s", cond.Article, cond.Status, cond.Text))
			}
		}
		r.Classification.Transition = rt
	}

	byReq := map[string][]*catalog.Finding{}
	for i := range r.Findings {
		f := &r.Findings[i]
		for _, ref := range f.Requirements {
			byReq[ref] = append(byReq[ref], f)
		}
	}
	sum := Summary{Formula: Formula, Requirements: map[RequirementStatus]int{}, Findings: map[string]int{}}
	for _, f := range r.Findings {
		if f.Suppressed() {
			sum.Findings["waived"]++
			continue
		}
		sum.Findings[string(f.Status)]++
	}
	certs := certificates(in)
	for _, req := range in.Requirements {
		rr := aggregate(req, byReq[req.ID])
		if ok, why := req.Applies(in.Device, in.Classification); !ok {
			rr = RequirementResult{Requirement: req, Status: NotApplicable, Findings: []string{}, Why: why}
		} else if rv, ok := in.Reviews[req.ID]; ok && rr.Status == Manual {
			// A review closes a manual requirement until it expires.
			rr.Review = &rv
			switch {
			case rv.Expired:
			case rv.Outcome == catalog.ReviewMet:
				rr.Status = Met
				sum.MetOnReviews++
			default:
				rr.Status = Missed
			}
		}
		if rr.Status != NotApplicable {
			rr.Certificates = certs[req.ID]
		}
		r.Requirements = append(r.Requirements, rr)
		sum.Requirements[rr.Status]++
		if rr.Status == Manual {
			r.Manual = append(r.Manual, ManualItem{ID: req.ID, Title: req.Title, Source: req.Source, Reason: req.Manual.Reason, LookFor: req.Manual.LookFor})
		}
		if rr.Status == Met && rr.Waived {
			sum.MetOnWaivers++
		}
		if rr.Status == Met && rr.Strength == evidence.Claimed {
			sum.MetOnClaimsOnly++
		}
	}
	applicable := len(in.Requirements) - sum.Requirements[NotApplicable]
	if applicable > 0 {
		sum.Readiness = math.Round(float64(sum.Requirements[Met])/float64(applicable)*1000) / 10
	}
	r.Summary = sum
	r.FixFirst = fixFirst(in, r.Findings)
	return r
}

// certificates names, per requirement ID, the EU cybersecurity
// certificates of device components valid on the report's date that
// cover it.
func certificates(in Input) map[string][]string {
	day, err := time.Parse(time.DateOnly, in.Date)
	if err != nil || in.Device == nil {
		return nil
	}
	out := map[string][]string{}
	for _, c := range in.Device.DeviceComponents() {
		for _, cert := range c.Component.Certificates {
			if !cert.ValidOn(day) {
				continue
			}
			name := fmt.Sprintf("%s %s (%s, %s, until %s)", cert.Scheme, cert.ID, c.Component.ID, cert.AssuranceLevel, cert.Expires)
			for _, id := range cert.Covers {
				out[id] = append(out[id], name)
			}
		}
	}
	return out
}

// aggregate decides a requirement's status from its findings: any open
// failure misses it; otherwise any unknown or error leaves it unproven;
// otherwise it is met if anything passed (or was waived).
func aggregate(req catalog.Requirement, fs []*catalog.Finding) RequirementResult {
	rr := RequirementResult{Requirement: req, Findings: []string{}}
	if req.Manual != nil {
		rr.Status = Manual
		return rr
	}
	var fail, unproven, pass, waived bool
	var strength evidence.Strength
	for _, f := range fs {
		if f.Status == catalog.NotApplicable {
			continue
		}
		rr.Findings = append(rr.Findings, f.ID)
		switch {
		case f.Suppressed():
			waived = true
		case f.Status == catalog.Fail:
			fail = true
		case f.Status == catalog.Unknown || f.Status == catalog.Error:
			unproven = true
		case f.Status == catalog.Pass:
			pass = true
			strength = weaker(strength, f.Strength)
		}
	}
	sort.Strings(rr.Findings)
	switch {
	case fail:
		rr.Status = Missed
	case unproven:
		rr.Status = Unproven
	case pass || waived:
		rr.Status = Met
		rr.Waived = waived
		rr.Strength = strength
		if waived && !pass {
			rr.Strength = 0
		}
	default:
		rr.Status = NotApplicable
	}
	return rr
}

// weaker is the weaker of two strengths, 0 being none yet.
func weaker(a, b evidence.Strength) evidence.Strength {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

// fixFirst orders open failures: vulnerabilities known to be exploited
// first, then the confirmed before those resting on a low-confidence
// match, then by priority, the patient-safety impact of the component
// plus the finding's severity (for a vulnerability, its severity for
// patients), then by severity. Neither alone decides: a critical flaw
// in a class III component comes before a medium documentation gap in
// the implant, which comes before a low one in a class I accessory.
func fixFirst(in Input, fs []catalog.Finding) []Fix {
	classOf := map[string]classify.Class{}
	label := map[string]string{}
	for _, c := range in.Classification.Components {
		if c.Decided {
			classOf[c.Component] = c.Class
		} else {
			classOf[c.Component] = max(c.Class, c.UpTo)
		}
		label[c.Component] = c.Label
	}
	therapy := map[string]bool{}
	for _, c := range in.Device.Components {
		if deliversTherapy(&c) {
			therapy[c.ID] = true
		}
	}
	var out []Fix
	for _, f := range fs {
		if f.Status != catalog.Fail || f.Suppressed() {
			continue
		}
		comp, _, _ := strings.Cut(f.Subject, "/")
		cls, ok := classOf[comp]
		why := "device-wide"
		if !ok {
			cls = in.Classification.Class
			if !in.Classification.Decided {
				cls = max(cls, in.Classification.UpTo)
			}
		} else {
			why = comp + ", class " + label[comp]
		}
		impact := int(cls)
		if therapy[comp] {
			impact += 2
			why += ", delivers therapy"
		}
		if f.Exploited {
			why += ", known exploited"
		}
		if f.Tentative {
			why += ", to confirm first (low-confidence match)"
		}
		out = append(out, Fix{Finding: f.ID, Title: f.Title, Severity: f.Severity, Impact: impact, Priority: impact + int(f.Severity),
			Exploited: f.Exploited, Tentative: f.Tentative, Why: why, Detail: f.Detail, Remedy: f.Remediation})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Exploited != b.Exploited {
			return a.Exploited
		}
		if a.Tentative != b.Tentative {
			return !a.Tentative
		}
		if a.Priority != b.Priority {
			return a.Priority > b.Priority
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return a.Finding < b.Finding
	})
	return out
}

// deliversTherapy reports whether a component delivers or steers therapy.
func deliversTherapy(c *model.Component) bool {
	f := c.Classification
	if f == nil {
		switch c.Kind {
		case "implant", "infusion-pump", "insulin-pump", "ventilator", "life-support":
			return true
		}
		return false
	}
	return (f.TherapeuticEnergy != "" && f.TherapeuticEnergy != "none") ||
		(f.Substances != "" && f.Substances != "none") ||
		(f.ClosedLoop != nil && *f.ClosedLoop) || len(f.Drives) > 0 ||
		(f.Invasiveness == "implantable" && f.Active != nil && *f.Active)
}
