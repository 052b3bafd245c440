// Package oscal renders mdcheck's requirements catalog and assessments in
// OSCAL 1.1.3, NIST's machine-readable format for control catalogs,
// assessment plans and assessment results, so that notified bodies and
// compliance tools can import them.
//
// Every UUID is derived from names (UUID v5), and every timestamp from the
// assessment date, so the same run gives the same documents byte for byte.
package oscal

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	oscalTypes "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"
	"github.com/google/uuid"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/jsonsafe"
	"github.com/mdcheck/mdcheck/internal/report"
)

// Version is the OSCAL version written.
const Version = "1.1.3"

// NS is the namespace of mdcheck's own OSCAL property names.
const NS = "https://mdcheck.dev/ns/oscal"

var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://mdcheck.dev/oscal"))

// id derives a stable UUID from parts.
func id(parts ...string) string {
	return uuid.NewSHA1(namespace, []byte(strings.Join(parts, "\x00"))).String()
}

func prop(name, value string) oscalTypes.Property {
	return oscalTypes.Property{Name: name, Value: value, Ns: NS}
}

func props(p ...oscalTypes.Property) *[]oscalTypes.Property { return &p }

var tokenClean = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// token turns text into an OSCAL token (group IDs).
func token(s string) string {
	t := strings.Trim(tokenClean.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if t == "" || (t[0] >= '0' && t[0] <= '9') {
		t = "g-" + t
	}
	return t
}

func metadata(title, version string, date time.Time) oscalTypes.Metadata {
	return oscalTypes.Metadata{
		Title:        title,
		Version:      version,
		OscalVersion: Version,
		LastModified: date,
		Parties: &[]oscalTypes.Party{{
			UUID: id("party", "mdcheck"),
			Type: "organization",
			Name: "mdcheck",
		}},
	}
}

// Write encodes a document as indented JSON.
func Write(w io.Writer, doc *oscalTypes.OscalCompleteSchema) error {
	return jsonsafe.WriteIndented(w, doc)
}

// Catalog returns the requirements as an OSCAL catalog: one group per
// framework, one control per requirement, with its source clause,
// audience and applicability as properties, and for a manual item the
// reason and what to look for as guidance.
func Catalog(reqs []catalog.Requirement, version string, date time.Time) *oscalTypes.OscalCompleteSchema {
	var groups []oscalTypes.Group
	index := map[string]int{}
	for _, r := range reqs {
		gi, ok := index[r.Framework]
		if !ok {
			gi = len(groups)
			index[r.Framework] = gi
			groups = append(groups, oscalTypes.Group{ID: token(r.Framework), Title: r.Framework, Controls: &[]oscalTypes.Control{}})
		}
		c := oscalTypes.Control{
			ID:    r.ID,
			Title: r.Title,
			Props: props(prop("source", r.Source), prop("audience", r.Audience)),
			Parts: &[]oscalTypes.Part{{ID: r.ID + "_smt", Name: "statement", Prose: r.Title + " (" + r.Source + ")."}},
		}
		for _, x := range [][2]string{{"classes", strings.Join(r.Classes, " ")}, {"component-kinds", strings.Join(r.ComponentKinds, " ")}, {"users", strings.Join(r.Users, " ")}} {
			if x[1] != "" {
				*c.Props = append(*c.Props, prop("applies-to-"+x[0], x[1]))
			}
		}
		if r.Manual != nil {
			*c.Props = append(*c.Props, prop("assessment", "manual"))
			*c.Parts = append(*c.Parts, oscalTypes.Part{ID: r.ID + "_gdn", Name: "guidance",
				Prose: "No rule can decide this from the device model: " + r.Manual.Reason + " Look for: " + r.Manual.LookFor})
		} else {
			*c.Props = append(*c.Props, prop("assessment", "automated"))
		}
		*groups[gi].Controls = append(*groups[gi].Controls, c)
	}
	return &oscalTypes.OscalCompleteSchema{Catalog: &oscalTypes.Catalog{
		UUID:     id("catalog", version),
		Metadata: metadata("mdcheck cybersecurity requirements for medical devices (EU MDR)", version, date),
		Groups:   &groups,
	}}
}

// PlanFile is the name the assessment results use for the plan they
// import when no other is given.
const PlanFile = "assessment-plan.json"

// Plan returns the OSCAL assessment plan of a run: the controls to review
// (every applicable requirement), the device's components as subjects and
// one automated task.
func Plan(r *report.Report) *oscalTypes.OscalCompleteSchema {
	date := runDate(r)
	key := r.Device.Product + "\x00" + r.Date + "\x00" + r.Profile
	comps := components(r)
	var subjects []oscalTypes.SelectSubjectById
	for _, c := range *comps {
		subjects = append(subjects, oscalTypes.SelectSubjectById{SubjectUuid: c.UUID, Type: "component"})
	}
	ap := &oscalTypes.AssessmentPlan{
		UUID:     id("ap", key),
		Metadata: metadata(fmt.Sprintf("Assessment plan: %s, MDR cybersecurity health check (%s profile)", name(r), r.Profile), r.Tool.Version, date),
		ImportSsp: oscalTypes.ImportSsp{Href: r.Device.File,
			Remarks: "The mdcheck device model stands in for a system security plan."},
		LocalDefinitions:   &oscalTypes.LocalDefinitions{Components: comps},
		ReviewedControls:   reviewedControls(r),
		AssessmentSubjects: &[]oscalTypes.AssessmentSubject{{Type: "component", IncludeSubjects: &subjects}},
		Tasks: &[]oscalTypes.Task{{
			UUID:        id("task", key),
			Type:        "action",
			Title:       "Automated health check",
			Description: fmt.Sprintf("mdcheck %s evaluates %d rules over the device model and its evidence; %d requirements are left to manual review.", r.Tool.Version, r.Tool.Rules, len(r.Manual)),
		}},
	}
	return &oscalTypes.OscalCompleteSchema{AssessmentPlan: ap}
}

// Results returns the OSCAL assessment results of a run: an observation
// per rule finding, with its evidence, strength and source; a finding per
// reviewed requirement with its status, linked to its observations;
// manual items as not-satisfied objectives awaiting an assessor.
func Results(r *report.Report, planHref string) *oscalTypes.OscalCompleteSchema {
	date := runDate(r)
	key := r.Device.Product + "\x00" + r.Date + "\x00" + r.Profile
	compUUID := map[string]string{}
	comps := components(r)
	for _, c := range *comps {
		compUUID[c.Title] = c.UUID
	}
	tool := []oscalTypes.Origin{{Actors: []oscalTypes.OriginActor{{Type: "tool", ActorUuid: id("tool", "mdcheck")}}}}

	var observations []oscalTypes.Observation
	obsByFinding := map[string]string{}
	for _, f := range r.Findings {
		if f.Status == catalog.NotApplicable {
			continue
		}
		o := oscalTypes.Observation{
			UUID:        id("obs", key, f.ID),
			Title:       f.ID,
			Description: f.Title + ": " + f.Detail,
			Methods:     []string{"TEST"},
			Types:       &[]string{"finding"},
			Collected:   date,
			Origins:     &tool,
			Props:       props(prop("rule", f.Rule), prop("status", string(f.Status)), prop("severity", f.Severity.String())),
		}
		if f.Strength != 0 {
			*o.Props = append(*o.Props, prop("evidence-strength", f.Strength.String()))
		}
		if s := f.Suppression; s != nil {
			switch {
			case s.By == catalog.ByVEX:
				*o.Props = append(*o.Props, prop("vex", s.Status))
				o.Remarks = fmt.Sprintf("VEX statement in %s: %s", s.Source, s.Reason())
			case s.By == catalog.ByDisposition:
				*o.Props = append(*o.Props, prop("disposition", waiverState(s)))
				o.Remarks = fmt.Sprintf("Vulnerability disposition by %s (%s): %s", s.Owner, s.Source, s.Justification)
			case s.Expires != "":
				*o.Props = append(*o.Props, prop("waiver", waiverState(s)))
				o.Remarks = fmt.Sprintf("Waiver by %s until %s: %s", s.Owner, s.Expires, s.Justification)
			default:
				*o.Props = append(*o.Props, prop("waiver", waiverState(s)))
				o.Remarks = fmt.Sprintf("Waiver by %s: %s", s.Owner, s.Justification)
			}
		}
		comp, _, _ := strings.Cut(f.Subject, "/")
		if u, ok := compUUID[comp]; ok {
			o.Subjects = &[]oscalTypes.SubjectReference{{SubjectUuid: u, Type: "component", Title: f.Subject}}
		}
		if len(f.Evidence) > 0 {
			var rel []oscalTypes.RelevantEvidence
			for _, e := range f.Evidence {
				rel = append(rel, relevant(e))
			}
			o.RelevantEvidence = &rel
		}
		observations = append(observations, o)
		obsByFinding[f.ID] = o.UUID
	}

	var findings []oscalTypes.Finding
	for _, rr := range r.Requirements {
		if rr.Status == report.NotApplicable {
			continue
		}
		st := oscalTypes.ObjectiveStatus{State: "not-satisfied"}
		switch rr.Status {
		case report.Met:
			st = oscalTypes.ObjectiveStatus{State: "satisfied", Reason: "pass"}
			if rr.Waived {
				st.Remarks = "met with waived findings"
			}
		case report.Missed:
			st.Reason = "fail"
		case report.Unproven:
			st.Reason, st.Remarks = "other", "unproven: evidence is missing for at least one rule"
		case report.Manual:
			st.Reason, st.Remarks = "other", "manual review pending: "+rr.Manual.LookFor
		}
		if rv := rr.Review; rv != nil {
			rem := fmt.Sprintf("reviewed by %s on %s (%s): %s", rv.Reviewer, rv.Date, rv.Outcome, rv.Evidence)
			if rv.Expired {
				rem = "review expired on " + rv.Expires + "; " + rem
			}
			st.Remarks = strings.TrimSpace(st.Remarks + " " + rem)
		}
		f := oscalTypes.Finding{
			UUID:        id("finding", key, rr.ID),
			Title:       rr.ID + ": " + rr.Title,
			Description: fmt.Sprintf("Requirement %s is %s.", rr.ID, rr.Status),
			Origins:     &tool,
			Target:      oscalTypes.FindingTarget{Type: "objective-id", TargetId: rr.ID, Status: st},
			Props:       props(prop("status", string(rr.Status))),
		}
		if rr.Strength != 0 {
			*f.Props = append(*f.Props, prop("evidence-strength", rr.Strength.String()))
		}
		var rel []oscalTypes.RelatedObservation
		for _, fid := range rr.Findings {
			if u, ok := obsByFinding[fid]; ok {
				rel = append(rel, oscalTypes.RelatedObservation{ObservationUuid: u})
			}
		}
		if len(rel) > 0 {
			f.RelatedObservations = &rel
		}
		findings = append(findings, f)
	}

	if planHref == "" {
		planHref = PlanFile
	}
	res := oscalTypes.Result{
		UUID:             id("result", key),
		Title:            "MDR cybersecurity health check of " + name(r),
		Description:      fmt.Sprintf("Readiness %.1f%% (%s). Class %s.", r.Summary.Readiness, report.Formula, r.Classification.Class),
		Start:            date,
		End:              &date,
		ReviewedControls: reviewedControls(r),
		LocalDefinitions: &oscalTypes.LocalDefinitions{Components: comps},
		Props:            props(prop("readiness", fmt.Sprintf("%.1f", r.Summary.Readiness)), prop("profile", r.Profile), prop("mdr-class", r.Classification.Class), prop("catalog-version", r.Tool.Catalog)),
	}
	if r.Tool.Commit != "" {
		*res.Props = append(*res.Props, prop("tool-commit", r.Tool.Commit))
	}
	if d := r.Tool.Database; d != nil {
		*res.Props = append(*res.Props, prop("vulnerability-data-hash", d.Hash))
	}
	if len(observations) > 0 {
		res.Observations = &observations
	}
	if len(findings) > 0 {
		res.Findings = &findings
	}
	ar := &oscalTypes.AssessmentResults{
		UUID:     id("ar", key),
		Metadata: metadata(fmt.Sprintf("Assessment results: %s, MDR cybersecurity health check (%s profile)", name(r), r.Profile), r.Tool.Version, date),
		ImportAp: oscalTypes.ImportAp{Href: planHref},
		Results:  []oscalTypes.Result{res},
	}
	return &oscalTypes.OscalCompleteSchema{AssessmentResults: ar}
}

func relevant(e evidence.Evidence) oscalTypes.RelevantEvidence {
	desc := fmt.Sprintf("%s = %s (%s, %s)", e.Path, e.Value, e.Strength, e.Source)
	re := oscalTypes.RelevantEvidence{Description: desc, Props: props(prop("strength", e.Strength.String()), prop("source-kind", e.Source.Kind))}
	if e.Source.Detail != "" {
		re.Remarks = e.Source.Detail
	}
	return re
}

func waiverState(w *catalog.Suppression) string {
	if w.Expired {
		return "expired"
	}
	return "active"
}

func name(r *report.Report) string {
	n := r.Device.Product
	if r.Device.Model != "" {
		n += " " + r.Device.Model
	}
	return n
}

func runDate(r *report.Report) time.Time {
	t, err := time.Parse(time.DateOnly, r.Date)
	if err != nil {
		return time.Unix(0, 0).UTC()
	}
	return t
}

// components lists the device's components as OSCAL system components.
func components(r *report.Report) *[]oscalTypes.SystemComponent {
	var out []oscalTypes.SystemComponent
	for _, c := range r.Classification.Components {
		out = append(out, oscalTypes.SystemComponent{
			UUID:        id("component", r.Device.Product, c.Component),
			Type:        "this-system",
			Title:       c.Component,
			Description: fmt.Sprintf("Component %s of %s, MDR class %s.", c.Component, name(r), c.Class),
			Status:      oscalTypes.SystemComponentStatus{State: "operational"},
			Props:       props(prop("mdr-class", c.Class)),
		})
	}
	return &out
}

// reviewedControls selects every requirement of the run that applies.
func reviewedControls(r *report.Report) oscalTypes.ReviewedControls {
	var inc []oscalTypes.AssessedControlsSelectControlById
	for _, rr := range r.Requirements {
		if rr.Status != report.NotApplicable {
			inc = append(inc, oscalTypes.AssessedControlsSelectControlById{ControlId: rr.ID})
		}
	}
	return oscalTypes.ReviewedControls{
		Description:       "Requirements of the mdcheck catalog that apply to this device (mdcheck catalog export --format oscal).",
		ControlSelections: []oscalTypes.AssessedControls{{IncludeControls: &inc}},
	}
}
