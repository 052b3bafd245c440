package crosswalk

import (
	"slices"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/mds2"

	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/model"
)

const header = `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Acme, product: Widget}
`

// one returns a model with a single hardware component "main"; body is
// YAML at the component's indentation (four spaces).
func one(body string) string {
	return header + "components:\n  - id: main\n    name: Main\n    kind: hardware-device\n    role: device\n" + body
}

func mds2Device(t *testing.T) *model.Device {
	t.Helper()
	dev, err := model.Load("testdata/pump.yaml") // the crosswalk's pump: what a form contradicts
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

func TestFacts(t *testing.T) {
	dev := mds2Device(t)
	want := map[string][2]string{
		"ALOF-1":     {"yes", "components[0].accessControl.sessionTimeoutMinutes"},
		"AUDT-2":     {"yes", "components[0].security.auditLogging.enabled"},
		"AUTH-1":     {"yes", "components[0].accessControl.authenticationMethods"},
		"CSUP-1":     {"yes", "components[0].sbom"},
		"EMRG-1":     {"no", "components[0].accessControl.emergencyAccess.supported"},
		"NAUT-1":     {"no", "components[0].interfaces[0].authentication.mutual"},
		"CONN-3":     {"yes", "components[0].interfaces[0].kind"},
		"PAUT-3":     {"yes", "components[0].accessControl.lockoutAttempts"},
		"PAUT-4":     {"applies", "components[0].accessControl.defaultCredentials"},
		"PAUT-8":     {"no", "components[0].accessControl.mfa"},
		"PAUT-1":     {"no", "components[0].accessControl.sharedCredentials"},
		"SBOM-1":     {"yes", "components[0].sbom"},
		"STCF-1":     {"yes", "components[0].security.dataAtRest.encrypted"},
		"TXCF-2":     {"no", "components[0].interfaces[0].encryption.inTransit"},
		"TXIG-1":     {"no", "components[0].interfaces[0].encryption.integrity"},
		"MPII-1":     {"", ""},
		"RDMP-3":     {"", ""},
		"DOC-11":     {"no", "components[0].kind"},
		"PLOK-1":     {"no", "components[0].kind"},
		"AUDT-1":     {"yes", "components[0].security.auditLogging.enabled"},
		"CSUP-3":     {"yes", "components[0].kind"},
		"CSUP-5":     {"yes", "components[0].sbom"},
		"PAUT-13":    {"yes", "components[0].accessControl.sharedCredentials"},
		"CONN-1":     {"yes", "components[0].interfaces[0].kind"},
		"CONN-1.1.3": {"no", "components[].interfaces"},
		"CONN-1.1.4": {"no", "components[].interfaces"},
		"CONN-1.2":   {"yes", "components[0].interfaces[0].kind"},
		"CONN-1.2.4": {"no", "components[].interfaces"},
		// No emergency access: whether it is logged does not apply.
		"AUDT-2.9":   {"n/a", "components[0].accessControl.emergencyAccess.supported"},
		"CONN-1.1":   {"yes", "components[0].interfaces[1].kind"},
		"CONN-1.1.1": {"yes", "components[0].interfaces[1].kind"},
		"CONN-1.1.2": {"no", "components[].interfaces"},
		"CONN-1.2.1": {"yes", "components[0].interfaces[0].kind"},
		"CONN-1.2.2": {"no", "components[].interfaces"},
		"CONN-1.2.3": {"no", "components[].interfaces"},
		"PAUT-11":    {"no", "components[0].accessControl.authenticationMethods"},
		"PAUT-12":    {"no", "components[0].accessControl.authenticationMethods"},
		// The LAN requires authentication; the Wi-Fi link does not say.
		"TXCF-4": {"yes", "components[0].interfaces[0].authentication.required"},
	}
	// Everything else is not stated in this model.
	for _, f := range Facts {
		if _, ok := want[f.ID]; !ok {
			want[f.ID] = [2]string{"", ""}
		}
	}
	for _, f := range Facts {
		a, p := f.derive(dev)
		if w, ok := want[f.ID]; !ok || a != w[0] || p != w[1] {
			t.Errorf("%s = %q at %q, want %q at %q", f.ID, a, p, w[0], w[1])
		}
	}
}

// TestFactsOrder: every mapped question is a question of the form,
// listed once, in the form's order.
func TestFactsOrder(t *testing.T) {
	last := -1
	for _, f := range Facts {
		i := slices.IndexFunc(hn2019.Questions, func(q hn2019.Question) bool { return q.ID == f.ID })
		if i < 0 {
			t.Errorf("%s is not a question of the 2019 form", f.ID)
			continue
		}
		if i <= last {
			t.Errorf("%s is out of the form's order", f.ID)
		}
		last = i
	}
}

// A second model states what the first leaves open: every answer and the
// fact it comes from.
const mds2ModelMore = `lifecycle:
  sbomMaintained: false
  vulnerabilityDisclosure: {published: true, url: https://example.com/cvd}
components:
  - id: app
    name: App
    kind: mobile-app
    role: device
    accessControl:
      roles: [{name: clinician}, {name: administrator}]
      authenticationMethods: [password, biometric]
      emergencyAccess: {supported: true, logged: false}
    security:
      secureBoot: true
      update: {supported: true, signed: false, triggeredBy: [automatic]}
      auditLogging: {enabled: true, timestamped: true, exportable: false, tamperProtected: true}
      malwareProtection: allow-listing
      backup: {supported: true}
      deidentification: false
    interfaces:
      - id: cloud
        kind: wifi
        protocols: [https]
        exposure: internet
        authentication: {required: false}
  - id: portal
    name: Portal
    kind: cloud-service
    role: non-device
`

func TestFactsMore(t *testing.T) {
	dev, err := model.Parse("device.yaml", []byte(header+mds2ModelMore))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"DOC-8":      {"yes", "lifecycle.vulnerabilityDisclosure.published"},
		"DOC-11":     {"yes", "components[].kind"}, // the portal is no device
		"PLOK-1":     {"yes", "components[].kind"},
		"AUDT-1":     {"yes", "components[0].security.auditLogging.enabled"},
		"CSUP-3":     {"no", "components[].kind"},
		"SAHD-3":     {"yes", "components[0].security.secureBoot"},
		"SAHD-5.1":   {"yes", "components[0].accessControl.roles"},
		"CONN-1":     {"yes", "components[0].interfaces[0].kind"},
		"CONN-1.1.3": {"no", "components[].interfaces"},
		"CONN-1.1.4": {"no", "components[].interfaces"},
		"CONN-1.2":   {"no", "components[].interfaces"},
		"CONN-1.2.4": {"no", "components[].interfaces"},
		"AUTH-1":     {"yes", "components[0].accessControl.authenticationMethods"},
		"AUTH-2":     {"yes", "components[0].accessControl.roles"},
		"AUDT-2":     {"yes", "components[0].security.auditLogging.enabled"},
		"AUDT-2.9":   {"no", "components[0].accessControl.emergencyAccess.logged"},
		"AUDT-4.1":   {"yes", "components[0].security.auditLogging.timestamped"},
		"AUDT-5":     {"no", "components[0].security.auditLogging.exportable"},
		"AUDT-7":     {"yes", "components[0].security.auditLogging.tamperProtected"},
		"CSUP-8":     {"yes", "components[0].security.update.triggeredBy"},
		"DIDT-1":     {"no", "components[0].security.deidentification"},
		"DTBK-5":     {"yes", "components[0].security.backup.supported"},
		"EMRG-1":     {"yes", "components[0].accessControl.emergencyAccess.supported"},
		// Allow-listing is not what manufacturers answer MLDP-2 about;
		// whether software can be added is left open (MLDP-1).
		"MLDP-4":     {"yes", "components[0].security.malwareProtection"},
		"CONN-1.1":   {"yes", "components[0].interfaces[0].kind"},
		"CONN-1.1.1": {"yes", "components[0].interfaces[0].kind"},
		"CONN-1.1.2": {"no", "components[].interfaces"},
		"CONN-1.2.1": {"no", "components[].interfaces"},
		"CONN-1.2.2": {"no", "components[].interfaces"},
		"CONN-1.2.3": {"no", "components[].interfaces"},
		"CONN-3":     {"yes", "components[0].interfaces[0].kind"},
		"CONN-4":     {"yes", "components[0].interfaces[0].exposure"},
		"CONN-7":     {"yes", "components[0].interfaces[0].protocols"},
		"PAUT-11":    {"yes", "components[0].accessControl.authenticationMethods"},
		"PAUT-12":    {"no", "components[0].accessControl.authenticationMethods"},
		"SBOM-4":     {"no", "lifecycle.sbomMaintained"},
		"SAHD-3.1":   {"yes", "components[0].security.secureBoot"},
		"SAHD-3.2":   {"no", "components[0].security.update.signed"},
		"SAHD-11":    {"yes", "components[0].security.secureBoot"},
		"TXCF-4":     {"no", "components[0].interfaces[0].authentication.required"},
	}
	for _, f := range Facts {
		a, p := f.derive(dev)
		if w := want[f.ID]; a != w[0] || p != w[1] {
			t.Errorf("%s = %q at %q, want %q at %q", f.ID, a, p, w[0], w[1])
		}
	}
	// What the model marks as having nothing executable.
	for _, c := range []struct {
		malware, mldp1, mldp2, mldp4 string
	}{
		{"not-applicable", "no", "", ""},
		{"none", "", "no", "no"},
		{"anti-malware", "", "yes", ""},
	} {
		dev, err := model.Parse("device.yaml", []byte(one("    security: {malwareProtection: "+c.malware+"}\n")))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range Facts {
			got[f.ID], _ = f.derive(dev)
		}
		if got["MLDP-1"] != c.mldp1 || got["MLDP-2"] != c.mldp2 || got["MLDP-4"] != c.mldp4 {
			t.Errorf("malwareProtection %s: MLDP-1 %q, MLDP-2 %q, MLDP-4 %q", c.malware, got["MLDP-1"], got["MLDP-2"], got["MLDP-4"])
		}
	}
}

func TestModelFrom(t *testing.T) {
	answers := map[string]string{"CONN-3": "yes", "TXCF-2": "no", "TXIG-1": "yes", "EMRG-1": "yes", "STCF-1": "no", "PAUT-1": "no",
		"AUTH-1": "yes", "ALOF-1": "yes", "SBOM-1": "yes", "MPII-1": "yes", "CSUP-1": "see-note", "PAUT-4": "n/a", "PAUT-8": "no", "PAUT-3": "yes"}
	dev, from := modelFrom("Acme", "Pump", "P-1", answers)
	if dev.Identity.Manufacturer != "Acme" || len(dev.Components) != 1 || len(dev.Components[0].Interfaces) != 1 || dev.Components[0].Interfaces[0].Kind != "wired-network" {
		t.Fatalf("model = %+v", dev)
	}
	roundTrip(t, answers, dev)
	// Yes needs an invented timeout, SBOM file or attempt count.
	for _, id := range []string{"ALOF-1", "SBOM-1", "PAUT-3"} {
		if a, _ := derive(id, dev); a != "" {
			t.Errorf("%s = %q", id, a)
		}
	}
	if from["components[0].interfaces[0].encryption.inTransit"] != "TXCF-2" || from["dataAssets[0]"] != "MPII-1" {
		t.Errorf("sources = %v", from)
	}
	if _, from := modelFrom("A", "", "", map[string]string{"TXCF-2": "yes"}); len(from) != 0 {
		t.Errorf("a transmission fact without a network interface: %v", from)
	}
}

// TestMDS2ModelForms builds models from whole forms: a video recorder's
// answers as a manufacturer published them (the form of docs/mds2.md), a
// wireless body-worn monitor and a software-only device.
func TestModelFromForms(t *testing.T) {
	forms := map[string]map[string]string{
		"recorder": {"DOC-8": "yes", "DOC-11": "no", "MPII-1": "yes", "ALOF-1": "yes", "AUDT-2": "yes", "AUDT-2.9": "yes", "AUDT-4.1": "yes",
			"AUDT-5": "yes", "AUDT-7": "yes", "AUTH-1": "yes", "AUTH-2": "yes", "CSUP-1": "yes", "CSUP-8": "no", "DIDT-1": "yes", "DTBK-5": "yes",
			"EMRG-1": "yes", "MLDP-1": "no", "MLDP-2": "no", "MLDP-4": "yes", "NAUT-1": "yes", "CONN-1.1.1": "no", "CONN-1.1.2": "no",
			"CONN-1.2.1": "yes", "CONN-1.2.2": "yes", "CONN-1.2.3": "no", "CONN-3": "yes", "CONN-4": "no", "CONN-7": "yes", "PAUT-1": "yes",
			"PAUT-3": "no", "PAUT-4": "n/a", "PAUT-8": "no", "PAUT-11": "no", "PAUT-12": "no", "RDMP-3": "yes", "SBOM-1": "no", "SBOM-4": "yes",
			"SAHD-3.1": "yes", "SAHD-3.2": "yes", "SAHD-11": "yes", "STCF-1": "no", "TXCF-2": "yes", "TXCF-4": "no", "TXIG-1": "no"},
		"monitor": {"DOC-11": "no", "CONN-1.1": "yes", "CONN-1.1.2": "yes", "CONN-1.1.1": "no", "CONN-1.2.1": "no", "CONN-3": "yes",
			"TXCF-2": "yes", "TXIG-1": "yes", "TXCF-4": "yes", "NAUT-1": "no", "AUTH-1": "no", "MLDP-2": "no", "SBOM-1": "yes", "SBOM-4": "yes"},
		"software": {"DOC-11": "yes", "CONN-3": "yes", "CONN-7": "yes", "AUTH-1": "yes", "PAUT-12": "yes", "PAUT-8": "no", "MLDP-1": "no",
			"STCF-1": "yes", "DIDT-1": "no", "EMRG-1": "no", "AUDT-2.9": "n/a"},
	}
	for name, answers := range forms {
		t.Run(name, func(t *testing.T) {
			dev, from := modelFrom("Acme", name, "", answers)
			roundTrip(t, answers, dev)
			for path, id := range from {
				if _, ok := answers[id]; !ok {
					t.Errorf("%s set from %s, which the form does not answer", path, id)
				}
			}
		})
	}
}

// roundTrip checks that every question the form answers with yes, no or
// n/a derives from the model to the same answer, or to nothing where the
// answer cannot be represented without invented values.
func roundTrip(t *testing.T, answers map[string]string, dev *model.Device) {
	t.Helper()
	for _, f := range Facts {
		want := answers[f.ID]
		if want != "yes" && want != "no" && want != "n/a" {
			continue
		}
		if got, path := f.derive(dev); got != "" && got != want {
			t.Errorf("%s: the form answers %q, the model built from it derives %q (%s)", f.ID, want, got, path)
		}
	}
}

func derive(id string, dev *model.Device) (string, string) {
	for _, f := range Facts {
		if f.ID == id {
			return f.derive(dev)
		}
	}
	return "", ""
}

func TestSupportDates(t *testing.T) {
	dev, err := model.Parse("device.yaml", []byte(header+"lifecycle: {endOfSupport: 2034-12-31}\n"+one("")[len(header):]))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Facts {
		if f.ID == "RDMP-3" {
			if a, p := f.derive(dev); a != "yes" || p != "lifecycle.endOfSupport" {
				t.Errorf("RDMP-3 = %q at %q", a, p)
			}
		}
	}
}

// TestExportBaseSaysNone: an earlier form that says there are no
// default accounts is not carried over when the model has one.
func TestExportBaseSaysNone(t *testing.T) {
	dev, err := model.Parse("device.yaml", []byte(`apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Acme, product: Pump}
components:
  - id: pump
    name: Pump
    kind: infusion-pump
    role: device
    accessControl: {defaultCredentials: present}
`))
	if err != nil {
		t.Fatal(err)
	}
	base := &mds2.Form{File: "old.xlsx", Items: map[string]mds2.Item{
		"PAUT-4": {ID: "PAUT-4", Answer: mds2.NA, Cell: "mds2-form!C100"},
		"PAUT-5": {ID: "PAUT-5", Answer: mds2.Yes, Cell: "mds2-form!C101"},
	}}
	ex := Export(dev, "device.yaml", base)
	answers, w := ex.Answers, strings.Join(ex.Differences, "\n")
	if a := answers["PAUT-4"]; a.Answer != mds2.Blank || !strings.Contains(a.Note, "it exists") {
		t.Errorf("PAUT-4 = %+v", a)
	}
	if !strings.Contains(w, "PAUT-4 (Default accounts are documented (N/A: there are none)): old.xlsx answered n/a (mds2-form!C100); the model says it exists") {
		t.Errorf("notes: %s", w)
	}
	if a := answers["PAUT-5"]; a.Answer != mds2.Yes || ex.Kept != 1 {
		t.Errorf("PAUT-5 = %+v, kept %d", a, ex.Kept)
	}
}

// A third model states data flows, documents, the IFU and the lifecycle:
// the questions decided from facts stated for other purposes.
const mds2ModelFlows = `lifecycle:
  patchCadenceDays: 90
ifu:
  states: [ports-and-protocols]
documents:
  - {kind: security-manual, path: https://example.com/manual.pdf}
dataAssets:
  - {id: vitals, kind: personal-health-data, storedOn: [monitor]}
  - {id: passwords, kind: credentials, storedOn: [monitor]}
dataFlows:
  - {from: monitor, to: cloud, interface: lte, assets: [vitals]}
  - {from: monitor, to: laptop, interface: service, assets: [vitals]}
dispositions:
  - {vulnerability: CVE-2024-0001, components: [monitor], exploitable: false, analysis: not reachable, decision: not-affected, justification: vulnerable_code_not_in_execute_path, owner: psirt@example.com, date: 2026-11-01}
components:
  - id: monitor
    name: Monitor
    kind: hardware-device
    role: device
    platform: {os: Linux}
    sbomSupport: {default: {level: maintained, endOfSupport: 2030-12-31}}
    interfaces:
      - {id: lte, kind: cellular, protocols: [mqtt], exposure: internet, connectsTo: [cloud], authentication: {required: true, methods: [mutual-tls]}}
      - {id: service, kind: usb, protocols: [ssh], exposure: physical, connectsTo: [laptop]}
      - {id: tag, kind: nfc, exposure: proximity}
      - {id: bus, kind: serial, exposure: physical}
  - {id: cloud, name: Cloud, kind: cloud-service, role: non-device}
  - {id: laptop, name: Laptop, kind: standalone-software, role: non-device}
`

func TestFactsFromFlowsAndDocuments(t *testing.T) {
	dev, err := model.Parse("device.yaml", []byte(header+mds2ModelFlows))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"MPII-2":     {"yes", "dataAssets[0].storedOn"},
		"MPII-2.6":   {"yes", "components[0].interfaces[0]"},
		"MPII-3":     {"yes", "components[0].interfaces[0]"},
		"MPII-3.4":   {"yes", "components[0].interfaces[1]"},
		"MPII-3.6":   {"yes", "components[0].interfaces[0]"},
		"MPII-3.7":   {"yes", "components[0].interfaces[0]"},
		"CSUP-2":     {"yes", "components[0].platform.os"},
		"CSUP-11":    {"yes", "dispositions"},
		"CSUP-11.2":  {"yes", "lifecycle.patchCadenceDays"},
		"NAUT-3":     {"yes", "components[0].interfaces[0].authentication.methods"},
		"CONN-1.1.3": {"yes", "components[0].interfaces[0].kind"},
		"CONN-1.1.4": {"yes", "components[0].interfaces[2].kind"},
		"CONN-1.2.4": {"yes", "components[0].interfaces[3].kind"},
		"CONN-2":     {"yes", "ifu.states"},
		"PAUT-14":    {"yes", "dataAssets[1].storedOn"},
		"RDMP-4":     {"yes", "components[0].sbomSupport"},
		"SGUD-1":     {"yes", "documents[0].kind"},
		"SGUD-2":     {"", ""}, // the IFU does not say; another document may
		// Personal data also goes over the cellular network.
		"TXCF-1": {"no", "components[0].interfaces[0].kind"},
		"RMOT-1": {"yes", "components[0].interfaces[1].protocols"},
	}
	got := map[string][2]string{}
	for _, f := range Facts {
		a, p := f.derive(dev)
		got[f.ID] = [2]string{a, p}
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s = %q, want %q", id, got[id], w)
		}
	}
	// What the model cannot show absent is never answered no.
	for _, id := range []string{"MPII-3.3", "MPII-3.5", "MPII-3.9"} {
		if got[id][0] != "" {
			t.Errorf("%s = %q, want undecided: a model need not list every flow", id, got[id])
		}
	}
	// An interface of kind other could be any kind: no kind question is
	// answered no beside it.
	dev, err = model.Parse("device.yaml", []byte(one("    interfaces:\n      - {id: x, kind: other}\n")))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Facts {
		if a, _ := f.derive(dev); a == "no" && strings.HasPrefix(f.ID, "CONN-1.") {
			t.Errorf("%s answered no beside an interface of kind other", f.ID)
		}
	}
}

func TestAuditFacts(t *testing.T) {
	dev, err := model.Parse("device.yaml", []byte(one(`    security:
      auditLogging:
        enabled: true
        events: [login, failed-login, network]
        userIdentified: true
        configurable: false
        timeSync: true
        exportTo: [ihe-atna]
        exportEncrypted: true
        reviewable: true
        accessProtected: false
`)))
	if err != nil {
		t.Fatal(err)
	}
	got := answers(dev)
	for id, want := range map[string]string{"AUDT-1.1": "yes", "AUDT-2.1": "yes", "AUDT-2.2": "yes", "AUDT-2.3": "no", "AUDT-2.5": "no", "AUDT-2.8": "yes", "AUDT-2.8.1": "no",
		"AUDT-2.10": "no", "AUDT-3": "no", "AUDT-4.1.1": "yes", "AUDT-5.1": "no", "AUDT-5.2": "yes", "AUDT-5.3": "no", "AUDT-5.4": "yes", "AUDT-6": "yes", "AUDT-7.1": "no"} {
		if got[id] != want {
			t.Errorf("%s = %q, want %q", id, got[id], want)
		}
	}
	// Logging off: what it would log does not apply; unstated lists
	// decide nothing.
	for body, want := range map[string]string{"    security: {auditLogging: {enabled: false}}\n": "n/a", "    security: {auditLogging: {enabled: true}}\n": ""} {
		dev, err := model.Parse("device.yaml", []byte(one(body)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Facts {
			if strings.HasPrefix(f.ID, "AUDT-2.") && f.ID != "AUDT-2.9" || strings.HasPrefix(f.ID, "AUDT-5.") && f.ID != "AUDT-5.4" {
				if a, _ := f.derive(dev); a != want {
					t.Errorf("%s%s = %q, want %q", body, f.ID, a, want)
				}
			}
		}
	}
}

func TestDesignFacts(t *testing.T) {
	dev, err := model.Parse("device.yaml", []byte(one(`    platform: {os: Windows 10 IoT}
    sbom: sbom.json
    accessControl:
      externalAuthentication: true
      singleSignOn: false
      passwordsChangeable: true
      passwordComplexity: true
      passwordExpiry: false
      accountsCanBeDisabled: true
      operatorAdmin: false
      kioskMode: true
    security:
      update: {channels: [service-visit], triggeredBy: [service-personnel], thirdPartyPatches: false}
      malwareProtection: anti-malware
      factoryReset: true
      intrusionDetection: false
      backup: {supported: true, toRemovableMedia: true, toRemote: false, integrityChecked: true}
      dataAtRest: {encrypted: true, all: false, defaultOn: true, keysChangeable: true, integrity: true, database: true}
      hardening: {standard: CIS Level 1, unusedSharesDisabled: true, unusedPortsDisabled: true, unusedServicesDisabled: true, unusedAppsDisabled: false, bootLoaderLocked: true, integrityCheckByOperator: false, furtherHardening: true, hardeningGuide: true}
      remoteService: {supported: false}
`)))
	if err != nil {
		t.Fatal(err)
	}
	got := answers(dev)
	for id, want := range map[string]string{
		"AUTH-1.1": "yes", "PAUT-2": "yes", "PAUT-9": "no", "PAUT-5": "yes", "PAUT-6": "yes", "PAUT-7": "no", "PAUT-10": "yes", "AUTH-3": "no", "AUTH-5": "yes",
		"CSUP-2": "yes", "CSUP-2.1": "no", "CSUP-2.2": "yes", "CSUP-2.3": "no", "CSUP-2.4": "no",
		"CSUP-3": "yes", "CSUP-3.2": "yes", "CSUP-4": "yes", "CSUP-4.3": "no", "CSUP-5": "yes", "CSUP-5.1": "no", "CSUP-5.4": "no",
		"DTBK-2": "yes", "DTBK-3": "yes", "DTBK-4": "no", "DTBK-6": "yes", "IGAU-1": "yes", "MPII-2.4": "yes", "STCF-3": "yes", "MLDP-5": "no",
		"STCF-1.1": "no", "STCF-1.2": "yes", "STCF-2": "yes",
		"SAHD-1": "yes", "SAHD-4": "no", "SAHD-7": "yes", "SAHD-8": "yes", "SAHD-9": "yes", "SAHD-10": "no", "SAHD-14": "yes", "SAHD-14.1": "yes", "SAHD-15": "yes",
		// No remote service: its sessions do not apply.
		"RMOT-1": "no", "RMOT-1.1": "n/a", "RMOT-1.2": "n/a", "RMOT-1.3": "n/a",
	} {
		if got[id] != want {
			t.Errorf("%s = %q, want %q", id, got[id], want)
		}
	}
	// Software only: no drivers or firmware; an OS without an update
	// mechanism stated decides nothing.
	dev, err = model.Parse("device.yaml", []byte(header+"components:\n  - {id: app, name: App, kind: mobile-app, role: device, platform: {os: iOS}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Facts {
		a, _ := f.derive(dev)
		switch {
		case f.ID == "CSUP-3" && a != "no":
			t.Errorf("CSUP-3 = %q for a mobile app, want no", a)
		case strings.HasPrefix(f.ID, "CSUP-2.") && a != "":
			t.Errorf("%s = %q without an update mechanism, want undecided", f.ID, a)
		}
	}
}

// answers are the model's answers to every question it decides.
func answers(dev *model.Device) map[string]string {
	got := map[string]string{}
	for _, f := range Facts {
		got[f.ID], _ = f.derive(dev)
	}
	return got
}
