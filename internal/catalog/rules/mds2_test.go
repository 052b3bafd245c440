package rules

import (
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/model"
)

func mds2Device(t *testing.T) *model.Device {
	t.Helper()
	dev, err := model.Load("../../mds2/crosswalk/testdata/pump.yaml") // the crosswalk's pump: what a form contradicts
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

func TestMDS2Consistent(t *testing.T) {
	dev := mds2Device(t)
	eval := func(form *evidence.MDS2) []catalog.Finding {
		ev := evidence.NewSet()
		if form != nil {
			ev.SetMDS2(*form)
		}
		fs := catalog.Evaluate([]catalog.Rule{mds2Consistent}, &catalog.Input{Device: dev, Evidence: ev, Now: now})
		seenMu.Lock()
		if seen[mds2Consistent.ID] == nil {
			seen[mds2Consistent.ID] = map[catalog.Status]bool{}
		}
		for _, f := range fs {
			seen[mds2Consistent.ID][f.Status] = true
		}
		seenMu.Unlock()
		return fs
	}
	if fs := eval(nil); len(fs) != 1 || fs[0].Status != catalog.NotApplicable {
		t.Errorf("without a form: %+v", fs)
	}
	form := &evidence.MDS2{File: "vendor.xlsx", Answers: map[string]hn2019.Item{
		"TXCF-2": {Answer: "yes", Cell: "mds2-form!C88"},                                   // contradicts cleartext HL7
		"EMRG-1": {Answer: "no", Cell: "mds2-form!C57"},                                    // agrees
		"MPII-1": {Answer: "yes", Cell: "mds2-form!C20"},                                   // the model does not say
		"AUTH-1": {Answer: "n/a", Cell: "mds2-form!C40"},                                   // not a yes or no
		"PAUT-1": {Answer: "yes", Text: "Yes, optional", Cell: "mds2-form!C70"},            // contradicts shared credentials
		"PAUT-4": {Answer: "n/a", Text: "N/A: No default accounts", Cell: "mds2-form!C73"}, // the model has one
	}}
	by := map[string]catalog.Finding{}
	for _, f := range eval(form) {
		by[f.Subject] = f
	}
	if len(by) != 5 {
		t.Errorf("findings = %v, want TXCF-2, EMRG-1, PAUT-1, PAUT-4 and MPII-1", by)
	}
	if f := by["device/PAUT-4"]; f.Status != catalog.Fail || !strings.Contains(f.Detail, "the MDS2 answers n/a") || !strings.Contains(f.Detail, "the model says it exists (components[0].accessControl.defaultCredentials") {
		t.Errorf("PAUT-4 = %s: %s", f.Status, f.Detail)
	}
	if f := by["device/MPII-1"]; f.Status != catalog.Unknown || !strings.Contains(f.Detail, "the model does not state it") {
		t.Errorf("MPII-1 = %+v", f)
	}
	tx := by["device/TXCF-2"]
	if tx.Status != catalog.Fail || !strings.Contains(tx.Detail, "the MDS2 answers yes (vendor.xlsx, mds2-form!C88)") ||
		!strings.Contains(tx.Detail, "the model says no (components[0].interfaces[0].encryption.inTransit, ../../mds2/crosswalk/testdata/pump.yaml:29:33)") {
		t.Errorf("TXCF-2 = %s: %s", tx.Status, tx.Detail)
	}
	kinds := map[string]bool{}
	for _, e := range tx.Evidence {
		kinds[e.Source.Kind] = true
		if e.Strength != evidence.Claimed {
			t.Errorf("evidence %+v, want claimed", e)
		}
	}
	if !kinds["mds2"] || !kinds["model"] {
		t.Errorf("TXCF-2 evidence = %+v, want the form and the model", tx.Evidence)
	}
	if f := by["device/EMRG-1"]; f.Status != catalog.Pass {
		t.Errorf("EMRG-1 = %+v", f)
	}
	if f := by["device/PAUT-1"]; f.Status != catalog.Fail || !strings.Contains(f.Detail, "sharedCredentials") {
		t.Errorf("PAUT-1 = %+v", f)
	}
}
