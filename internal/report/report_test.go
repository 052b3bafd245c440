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
