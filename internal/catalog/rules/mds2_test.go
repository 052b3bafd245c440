package rules

import (
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

const mds2Model = `components:
  - id: pump
    name: Pump
    kind: infusion-pump
    role: device
    sbom: pump.cdx.json
    accessControl:
      authenticationMethods: [pin]
      sharedCredentials: true
      sessionTimeoutMinutes: 5
      lockoutAttempts: 5
      defaultCredentials: present
      mfa: unsupported
      emergencyAccess: {supported: false}
    security:
      update: {supported: true}
      auditLogging: {enabled: true}
      dataAtRest: {encrypted: true}
    interfaces:
      - id: lan
        kind: wired-network
        protocols: [hl7-mllp]
        encryption: {inTransit: false, integrity: false}
        authentication: {required: true, mutual: false}
      - id: wifi
        kind: wifi
        encryption: {inTransit: true, integrity: true}
`

func mds2Device(t *testing.T) *model.Device {
	t.Helper()
	dev, err := model.Parse("device.yaml", []byte(header+mds2Model))
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

func TestMDS2Facts(t *testing.T) {
	dev := mds2Device(t)
	want := map[string][2]string{
		"ALOF-1": {"yes", "components[0].accessControl.sessionTimeoutMinutes"},
		"AUDT-2": {"yes", "components[0].security.auditLogging.enabled"},
		"AUTH-1": {"yes", "components[0].accessControl.authenticationMethods"},
		"CSUP-1": {"yes", "components[0].sbom"},
		"EMRG-1": {"no", "components[0].accessControl.emergencyAccess.supported"},
		"NAUT-1": {"no", "components[0].interfaces[0].authentication.mutual"},
		"CONN-3": {"yes", "components[0].interfaces[0].kind"},
		"PAUT-3": {"yes", "components[0].accessControl.lockoutAttempts"},
		"PAUT-4": {"applies", "components[0].accessControl.defaultCredentials"},
		"PAUT-8": {"no", "components[0].accessControl.mfa"},
		"PAUT-1": {"no", "components[0].accessControl.sharedCredentials"},
		"SBOM-1": {"yes", "components[0].sbom"},
		"STCF-1": {"yes", "components[0].security.dataAtRest.encrypted"},
		"TXCF-2": {"no", "components[0].interfaces[0].encryption.inTransit"},
		"TXIG-1": {"no", "components[0].interfaces[0].encryption.integrity"},
		"MPII-1": {"", ""},
		"RDMP-3": {"", ""},
	}
	for _, f := range MDS2Facts {
		a, p := f.Derive(dev)
		if w, ok := want[f.ID]; !ok || a != w[0] || p != w[1] {
			t.Errorf("%s = %q at %q, want %q at %q", f.ID, a, p, w[0], w[1])
		}
		if f.About == "" {
			t.Errorf("%s has no wording", f.ID)
		}
	}
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
	form := &evidence.MDS2{File: "vendor.xlsx", Answers: map[string]evidence.MDS2Answer{
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
		!strings.Contains(tx.Detail, "the model says no (components[0].interfaces[0].encryption.inTransit, device.yaml:") {
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

func TestMDS2Model(t *testing.T) {
	answers := map[string]string{"CONN-3": "yes", "TXCF-2": "no", "TXIG-1": "yes", "EMRG-1": "yes", "STCF-1": "no", "PAUT-1": "no",
		"AUTH-1": "yes", "ALOF-1": "yes", "SBOM-1": "yes", "MPII-1": "yes", "CSUP-1": "see-note", "PAUT-4": "n/a", "PAUT-8": "no", "PAUT-3": "yes"}
	dev, from := MDS2Model("Acme", "Pump", "P-1", answers)
	if dev.Identity.Manufacturer != "Acme" || len(dev.Components) != 1 || len(dev.Components[0].Interfaces) != 1 {
		t.Fatalf("model = %+v", dev)
	}
	// Every fact set from an answer derives back the same answer.
	for _, f := range MDS2Facts {
		got, _ := f.Derive(dev)
		want := answers[f.ID]
		switch f.ID {
		case "ALOF-1", "SBOM-1", "PAUT-3": // yes would need an invented timeout, SBOM file or count
			want = ""
		case "CSUP-1", "RDMP-3":
			want = ""
		}
		if got != want {
			t.Errorf("%s: %q from the model built from %q", f.ID, got, answers[f.ID])
		}
	}
	if from["components[0].interfaces[0].encryption.inTransit"] != "TXCF-2" || from["dataAssets[0]"] != "MPII-1" {
		t.Errorf("sources = %v", from)
	}
	if _, from := MDS2Model("A", "", "", map[string]string{"TXCF-2": "yes"}); len(from) != 0 {
		t.Errorf("a transmission fact without a network interface: %v", from)
	}
}

func TestMDS2SupportDates(t *testing.T) {
	dev, err := model.Parse("device.yaml", []byte(header+"lifecycle: {endOfSupport: 2034-12-31}\n"+one("")[len(header):]))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range MDS2Facts {
		if f.ID == "RDMP-3" {
			if a, p := f.Derive(dev); a != "yes" || p != "lifecycle.endOfSupport" {
				t.Errorf("RDMP-3 = %q at %q", a, p)
			}
		}
	}
}
