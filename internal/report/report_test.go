package report

import (
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

func TestAggregate(t *testing.T) {
	req := catalog.Requirement{ID: "R"}
	waived := &catalog.Suppression{By: catalog.ByWaiver, Waiver: "x", Expires: "2027-01-01"}
	expired := &catalog.Suppression{By: catalog.ByWaiver, Waiver: "x", Expires: "2026-01-01", Expired: true}
	tests := []struct {
		name     string
		findings []catalog.Finding
		status   RequirementStatus
		waived   bool
		strength evidence.Strength
	}{
		{"no findings", nil, NotApplicable, false, 0},
		{"all not applicable", []catalog.Finding{{ID: "a", Status: catalog.NotApplicable}}, NotApplicable, false, 0},
		{"pass on claims", []catalog.Finding{{ID: "a", Status: catalog.Pass, Strength: evidence.Claimed}}, Met, false, evidence.Claimed},
		{"weakest strength wins", []catalog.Finding{{ID: "a", Status: catalog.Pass, Strength: evidence.Documented}, {ID: "b", Status: catalog.Pass, Strength: evidence.Claimed}}, Met, false, evidence.Claimed},
		{"unknown is never met", []catalog.Finding{{ID: "a", Status: catalog.Pass}, {ID: "b", Status: catalog.Unknown}}, Unproven, false, 0},
		{"error is never met", []catalog.Finding{{ID: "a", Status: catalog.Pass}, {ID: "b", Status: catalog.Error}}, Unproven, false, 0},
		{"fail beats unknown", []catalog.Finding{{ID: "a", Status: catalog.Fail}, {ID: "b", Status: catalog.Unknown}}, Missed, false, 0},
		{"waived fail", []catalog.Finding{{ID: "a", Status: catalog.Pass, Strength: evidence.Claimed}, {ID: "b", Status: catalog.Fail, Suppression: waived}}, Met, true, evidence.Claimed},
		{"expired waiver", []catalog.Finding{{ID: "b", Status: catalog.Fail, Suppression: expired}}, Missed, false, 0},
		// A known vulnerability with a recorded disposition (a VEX
		// statement that the device is not affected) lets 17.2 be met.
		{"CVE with a VEX disposition", []catalog.Finding{{ID: "doc", Status: catalog.Pass, Strength: evidence.Documented},
			{ID: "vuln/known-vulnerabilities@main/CVE-1", Status: catalog.Fail, Suppression: &catalog.Suppression{By: catalog.ByVEX, Status: "not_affected", Justification: "vulnerable_code_not_in_execute_path"}}}, Met, true, evidence.Documented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ptrs []*catalog.Finding
			for i := range tt.findings {
				ptrs = append(ptrs, &tt.findings[i])
			}
			got := aggregate(req, ptrs)
			if got.Status != tt.status || got.Waived != tt.waived || got.Strength != tt.strength {
				t.Errorf("aggregate = %s waived=%v strength=%v, want %s waived=%v strength=%v", got.Status, got.Waived, got.Strength, tt.status, tt.waived, tt.strength)
			}
		})
	}
	manual := aggregate(catalog.Requirement{ID: "M", Manual: &catalog.Manual{Reason: "r", LookFor: "l"}}, nil)
	if manual.Status != Manual {
		t.Errorf("manual requirement = %s", manual.Status)
	}
}

// classified parses and classifies a model of the given components.
func classified(t *testing.T, components string) (*model.Device, *classify.Classification) {
	t.Helper()
	dev, err := model.Parse("d.yaml", []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents:\n"+components))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := classify.Classify(dev)
	if err != nil {
		t.Fatal(err)
	}
	return dev, cl
}

func TestFixFirstOrder(t *testing.T) {
	dev, cl := classified(t, "  - {id: pump, name: Pump, kind: infusion-pump, role: device}\n  - {id: app, name: App, kind: mobile-app, role: device}\n")
	fs := []catalog.Finding{
		{ID: "a/low@pump", Subject: "pump", Status: catalog.Fail, Severity: catalog.Low},
		{ID: "a/high@pump", Subject: "pump", Status: catalog.Fail, Severity: catalog.High},
		{ID: "vuln/x@app/CVE-2", Subject: "app/CVE-2", Status: catalog.Fail, Severity: catalog.Medium, Exploited: true},
		{ID: "vuln/x@app/CVE-1", Subject: "app/CVE-1", Status: catalog.Fail, Severity: catalog.Critical},
		{ID: "vuln/x@app/CVE-3", Subject: "app/CVE-3", Status: catalog.Fail, Severity: catalog.Critical, Exploited: true,
			Suppression: &catalog.Suppression{By: catalog.ByVEX, Status: "not_affected"}},
		{ID: "a/pass@pump", Subject: "pump", Status: catalog.Pass, Severity: catalog.Critical},
	}
	got := fixFirst(Input{Device: dev, Classification: cl}, fs)
	var order []string
	for _, f := range got {
		order = append(order, f.Finding)
	}
	// Known exploited first; then by impact plus severity: the high on
	// the therapy pump before the critical on the app, and that before the
	// low on the pump. Waived and passing findings are not fixes.
	want := "vuln/x@app/CVE-2 a/high@pump vuln/x@app/CVE-1 a/low@pump"
	if strings.Join(order, " ") != want {
		t.Errorf("fix-first order = %v, want %s", order, want)
	}
	if got[1].Priority != got[1].Impact+int(catalog.High) || got[1].Priority <= got[2].Priority {
		t.Errorf("priorities = %+v", got)
	}
	if !got[0].Exploited || !strings.Contains(got[0].Why, "known exploited") {
		t.Errorf("first fix = %+v, want marked known exploited", got[0])
	}
}

// TestFixFirstTentativeLast: a vulnerability matched with low confidence
// (a distribution package matched by name) does not come before
// confirmed fixes, however severe; known exploited still comes first.
func TestFixFirstTentativeLast(t *testing.T) {
	dev, cl := classified(t, "  - {id: pump, name: Pump, kind: infusion-pump, role: device}\n")
	fs := []catalog.Finding{
		{ID: "vuln/x@pump/CVE-NAME", Subject: "pump/CVE-NAME", Status: catalog.Fail, Severity: catalog.Critical, Tentative: true},
		{ID: "vuln/x@pump/GHSA-PURL", Subject: "pump/GHSA-PURL", Status: catalog.Fail, Severity: catalog.High},
		{ID: "a/medium@pump", Subject: "pump", Status: catalog.Fail, Severity: catalog.Medium},
		{ID: "vuln/x@pump/CVE-KEV", Subject: "pump/CVE-KEV", Status: catalog.Fail, Severity: catalog.Medium, Tentative: true, Exploited: true},
	}
	got := fixFirst(Input{Device: dev, Classification: cl}, fs)
	var order []string
	for _, f := range got {
		order = append(order, f.Finding)
	}
	want := "vuln/x@pump/CVE-KEV vuln/x@pump/GHSA-PURL a/medium@pump vuln/x@pump/CVE-NAME"
	if strings.Join(order, " ") != want {
		t.Errorf("fix-first order = %v, want %s", order, want)
	}
	if last := got[len(got)-1]; !last.Tentative || !strings.Contains(last.Why, "to confirm first") {
		t.Errorf("tentative fix = %+v, want marked to confirm", last)
	}
}

// TestDeliversTherapyByKind: with no classification facts, the kinds that
// deliver or sustain therapy are weighed as doing so.
func TestDeliversTherapyByKind(t *testing.T) {
	for kind, want := range map[string]bool{"ventilator": true, "life-support": true, "infusion-pump": true, "implant": true, "wearable": false, "non-electronic-device": false} {
		if got := deliversTherapy(&model.Component{Kind: model.ComponentKind(kind)}); got != want {
			t.Errorf("%s: delivers therapy %v, want %v", kind, got, want)
		}
	}
}

// TestReviewsCloseManualRequirements: a review closes a manual
// requirement as met or missed until it expires; an expired one leaves it
// manual, shown with its review; a requirement that does not apply stays
// so; certificates name the requirements they cover only while valid.
func TestReviewsCloseManualRequirements(t *testing.T) {
	dev, cl := classified(t, "  - id: pump\n    name: Pump\n    kind: infusion-pump\n    role: device\n    certificates:\n      - {scheme: EUCC, id: C-1, assuranceLevel: high, expires: 2026-11-30, covers: [A]}\n      - {scheme: EUCC, id: C-2, assuranceLevel: high, expires: 2026-11-28, covers: [A]}\n")
	manual := &catalog.Manual{Reason: "r", LookFor: "l"}
	reqs := []catalog.Requirement{
		{ID: "A"}, {ID: "M1", Manual: manual}, {ID: "M2", Manual: manual}, {ID: "M3", Manual: manual}, {ID: "M4", Manual: manual},
	}
	fs := []catalog.Finding{{ID: "r@pump", Rule: "r", Subject: "pump", Status: catalog.Pass, Requirements: []string{"A"}, Strength: evidence.Claimed}}
	rv := map[string]catalog.Review{
		"M1": {Requirement: "M1", Outcome: catalog.ReviewMet, Reviewer: "QA", Date: "2026-11-20", Evidence: "BRA-12"},
		"M2": {Requirement: "M2", Outcome: catalog.ReviewNotMet, Reviewer: "QA", Date: "2026-11-20", Evidence: "SOP-14"},
		"M3": {Requirement: "M3", Outcome: catalog.ReviewMet, Reviewer: "QA", Date: "2025-11-20", Evidence: "old", Expires: "2026-11-01", Expired: true},
	}
	r := Build(Input{Date: "2026-11-29", Device: dev, Classification: cl, Requirements: reqs, Findings: fs, Reviews: rv})
	got := map[string]RequirementResult{}
	for _, rr := range r.Requirements {
		got[rr.ID] = rr
	}
	for id, want := range map[string]RequirementStatus{"A": Met, "M1": Met, "M2": Missed, "M3": Manual, "M4": Manual} {
		if got[id].Status != want {
			t.Errorf("%s: %s, want %s", id, got[id].Status, want)
		}
	}
	if got["M1"].Review == nil || got["M3"].Review == nil || !got["M3"].Review.Expired || got["M4"].Review != nil {
		t.Errorf("reviews on requirements: M1 %+v, M3 %+v, M4 %+v", got["M1"].Review, got["M3"].Review, got["M4"].Review)
	}
	if r.Summary.MetOnReviews != 1 || len(r.Manual) != 2 {
		t.Errorf("met on reviews %d, manual items %d; want 1 and 2 (M3, M4)", r.Summary.MetOnReviews, len(r.Manual))
	}
	if c := got["A"].Certificates; len(c) != 1 || !strings.HasPrefix(c[0], "EUCC C-1 (pump, high, until 2026-11-30)") {
		t.Errorf("certificates on A = %q, want only the valid C-1", c)
	}
	var text strings.Builder
	if err := Text(&text, r, TextOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(1 on claims only, 0 on waivers, 1 on reviews)", "review: met by QA on 2026-11-20: BRA-12", "review: not-met by QA on 2026-11-20: SOP-14"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}
