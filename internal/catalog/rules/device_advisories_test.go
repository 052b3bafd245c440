package rules

import (
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
)

func runDeviceAdvisories(t *testing.T, ran bool, subjects ...evidence.DeviceAdvisories) []catalog.Finding {
	t.Helper()
	dev, cl := withSBOM(t)
	ev := evidence.NewSet()
	if ran {
		ev.MarkDeviceAdvisoriesRan()
	}
	for _, s := range subjects {
		ev.AddDeviceAdvisories(s)
	}
	fs := catalog.Evaluate([]catalog.Rule{deviceAdvisories}, &catalog.Input{Device: dev, Classification: cl, Evidence: ev, Now: now})
	seenMu.Lock()
	if seen[deviceAdvisories.ID] == nil {
		seen[deviceAdvisories.ID] = map[catalog.Status]bool{}
	}
	for _, f := range fs {
		seen[deviceAdvisories.ID][f.Status] = true
	}
	seenMu.Unlock()
	return fs
}

func TestDeviceAdvisories(t *testing.T) {
	if fs := runDeviceAdvisories(t, false); len(fs) != 1 || fs[0].Status != catalog.Unknown || !strings.Contains(fs[0].Detail, "not assessed") {
		t.Errorf("no matching: %+v", fs)
	}
	base := evidence.DeviceAdvisories{Subject: "device", Path: "identity.product", Vendor: "Acme", Product: "Widget", Version: "1.0", Advisories: 108}
	if fs := runDeviceAdvisories(t, true, base); len(fs) != 1 || fs[0].Status != catalog.Pass || !strings.Contains(fs[0].Detail, "108 advisories checked") {
		t.Errorf("nothing found: %+v", fs)
	}
	empty := base
	empty.Advisories = 0
	if fs := runDeviceAdvisories(t, true, empty); len(fs) != 1 || fs[0].Status != catalog.Unknown {
		t.Errorf("no advisories in the database: %+v", fs)
	}
	hit := base
	hit.Hits = []evidence.AdvisoryMatch{
		{ID: "ICSMA-18-058-02", Title: "Philips Intellispace Portal", Confidence: "high", Reason: "product \"IntelliSpace Portal 8.0.x\"", CVEs: []string{"CVE-2017-0143", "CVE-2018-5474"}, KEV: []string{"CVE-2017-0143"}, Remediation: "Upgrade to 9.0.1:"},
		{ID: "ICSMA-20-170-04", Title: "Baxter Sigma Spectrum", Confidence: "needs-review", Reason: "a condition beside the version (model): \"v8.x model 35700BAX2\""},
		{ID: "ICSMA-20-317-01", Title: "BD Alaris", Confidence: "medium", Reason: "abbreviations", CVEs: []string{"CVE-2020-25165"}},
	}
	fs := runDeviceAdvisories(t, true, hit)
	by := map[string]catalog.Finding{}
	for _, f := range fs {
		by[f.Subject] = f
	}
	if f := by["device/ICSMA-18-058-02"]; f.Status != catalog.Fail || f.Severity != catalog.Critical || !f.Exploited ||
		!strings.Contains(f.Detail, "known exploited: CVE-2017-0143") || !strings.Contains(f.Detail, "Remediation: Upgrade to 9.0.1.") {
		t.Errorf("KEV advisory: %+v", f)
	}
	if f := by["device/ICSMA-20-170-04"]; f.Status != catalog.Unknown || !strings.Contains(f.Detail, "35700BAX2") {
		t.Errorf("needs-review advisory: %+v", f)
	}
	if f := by["device/ICSMA-20-317-01"]; f.Status != catalog.Fail || f.Severity != catalog.High || f.Exploited || len(f.Evidence) != 2 {
		t.Errorf("medium advisory: %+v", f)
	}
}
