package fleetapp

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleet"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/severity"
)

// AssessmentView is a done assessment as a person reads it: readiness,
// class, the findings that need action, gravest first, the requirements
// missed or unproven, and what changed since the device's previous done
// assessment.
type AssessmentView struct {
	Assessment Assessment `json:"assessment"`
	Readiness  float64    `json:"readiness"`
	Class      string     `json:"class"`
	// Open are the findings that need action: failing, unknown or in
	// error, and not set aside.
	Open []FindingRef `json:"open"`
	// Requirements are those not met (missed, unknown, manual), with
	// their status.
	Requirements []FindingRef `json:"requirements"`
	// Changes is nil for a device's first done assessment.
	Changes *Comparison `json:"changes,omitempty"`
}

// ViewAssessment reads an assessment of the actor's organisation; one not
// done has only its record.
func (f *Fleet) ViewAssessment(ctx context.Context, by Actor, id string) (AssessmentView, error) {
	a, err := f.store.Assessment(ctx, by.Org, id)
	if err != nil {
		return AssessmentView{}, err
	}
	v := AssessmentView{Assessment: a, Open: []FindingRef{}, Requirements: []FindingRef{}}
	if a.Report == nil {
		return v, nil
	}
	var rep reportView
	if err := json.Unmarshal(a.Report, &rep); err != nil {
		return AssessmentView{}, err
	}
	v.Assessment.Report = nil
	v.Readiness, v.Class = rep.Summary.Readiness, rep.Classification.Class
	for _, fd := range rep.Findings {
		if fd.open() {
			v.Open = append(v.Open, FindingRef{ID: fd.ID, Title: fd.Title, Status: fd.Status, Severity: fd.Severity})
		}
	}
	slices.SortStableFunc(v.Open, func(x, y FindingRef) int {
		if d := severityRank(y.Severity) - severityRank(x.Severity); d != 0 {
			return d
		}
		return strings.Compare(x.ID, y.ID)
	})
	for _, r := range rep.Requirements {
		if r.Status != string(report.Met) && r.Status != string(report.NotApplicable) {
			v.Requirements = append(v.Requirements, FindingRef{ID: r.ID, Title: r.Title, Status: r.Status})
		}
	}
	c, err := f.Compare(ctx, by, "", id)
	switch {
	case err == nil:
		v.Changes = &c
	case !app.IsInput(err): // the first done assessment has nothing to compare with
		return AssessmentView{}, err
	}
	return v, nil
}

// severityRank orders severities; an unknown one ranks with critical,
// so that it is never hidden below rated ones.
func severityRank(s string) int {
	l, ok := severity.Parse(s)
	if !ok {
		return int(severity.Critical)
	}
	return int(l)
}

// DeviceView is a device with what its page shows.
type DeviceView struct {
	Device Device `json:"device"`
	// Assessments are the newest, newest first; Total counts them all.
	Assessments []Assessment `json:"assessments"`
	Total       int          `json:"total"`
	// Latest is the newest done assessment, nil before the first.
	Latest *AssessmentView `json:"latest,omitempty"`
	// Files are the newest version of each file, without their bodies.
	Files []Version `json:"files"`
}

// ViewDevice reads a device of the actor's organisation with its newest
// assessments (at most recent), the newest done one in full, and its
// files.
func (f *Fleet) ViewDevice(ctx context.Context, by Actor, id string, recent int) (DeviceView, error) {
	d, err := f.store.Device(ctx, by.Org, id)
	if err != nil {
		return DeviceView{}, err
	}
	v := DeviceView{Device: d, Assessments: []Assessment{}, Files: []Version{}}
	var all []Assessment
	for p := (Page{Limit: 500}); ; {
		as, next, err := f.store.Assessments(ctx, by.Org, id, p)
		if err != nil {
			return DeviceView{}, err
		}
		all = append(all, as...)
		if next == "" {
			break
		}
		p.After = next
	}
	v.Total = len(all)
	slices.Reverse(all)
	v.Assessments = all[:min(recent, len(all))]
	if i := slices.IndexFunc(all, func(a Assessment) bool { return a.Status == fleet.Done }); i >= 0 {
		av, err := f.ViewAssessment(ctx, by, all[i].ID)
		if err != nil {
			return DeviceView{}, err
		}
		v.Latest = &av
	}
	files, err := f.store.Files(ctx, by.Org, id)
	if err != nil {
		return DeviceView{}, err
	}
	for _, fv := range files {
		fv.Body = nil
		fv.Kind = strings.TrimPrefix(fv.Kind, "file:")
		v.Files = append(v.Files, fv)
	}
	return v, nil
}

// Files are the newest version of each of a device's files, bodies
// included.
func (f *Fleet) Files(ctx context.Context, by Actor, device string) ([]Version, error) {
	return f.store.Files(ctx, by.Org, device)
}

// ModelFile is the name of a device's model among its files.
const ModelFile = "device.yaml"

// DeviceFile is the newest version of a device's model (ModelFile) or of
// one of its files, by its path relative to the model.
func (f *Fleet) DeviceFile(ctx context.Context, by Actor, device, path string) ([]byte, error) {
	d, err := f.store.Device(ctx, by.Org, device)
	if err != nil {
		return nil, err
	}
	if path == ModelFile {
		v, err := f.store.ModelVersion(ctx, by.Org, device, d.Model)
		return v.Body, err
	}
	files, err := f.store.Files(ctx, by.Org, device)
	if err != nil {
		return nil, err
	}
	for _, fv := range files {
		if fv.Kind == "file:"+path {
			return fv.Body, nil
		}
	}
	return nil, ErrNotFound
}
