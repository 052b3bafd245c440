package threat

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/model"
)

const header = `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Acme, product: Widget}
`

func parse(t *testing.T, body string) *model.Device {
	t.Helper()
	dev, err := model.Parse("device.yaml", []byte(header+body))
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

// find returns the threat of rule on element, if derived.
func find(ts []Threat, rule, element string) (Threat, bool) {
	i := slices.IndexFunc(ts, func(t Threat) bool { return t.Rule == rule && t.Element == element })
	if i < 0 {
		return Threat{}, false
	}
	return ts[i], true
}

// TestRules: each rule derives its threat where the model gives cause,
// open without the controls it looks for, mitigated with them, and not
// at all where there is no cause.
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		rule, element     string
		open, mitigated   string // component YAML (under components:)
		absent            string
		wantRisk, mitRisk Risk
	}{
		{"therapy-command-tampering", "pump/rf",
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: rf, kind: ble, exposure: proximity, changesTherapy: true, authentication: {required: false}}]}`,
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: rf, kind: ble, exposure: proximity, changesTherapy: true, authentication: {required: true}, encryption: {inTransit: true, integrity: true}}]}`,
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: rf, kind: ble, exposure: proximity, changesTherapy: false}]}`,
			High, Low},
		{"configuration-tampering", "mon/net",
			`  - {id: mon, name: Monitor, kind: patient-monitor, role: device, interfaces: [{id: net, kind: wired-network, exposure: hospital-network, changesConfiguration: true}]}`,
			`  - {id: mon, name: Monitor, kind: patient-monitor, role: device, interfaces: [{id: net, kind: wired-network, exposure: hospital-network, changesConfiguration: true, authentication: {required: true}, encryption: {integrity: true}}]}`,
			`  - {id: mon, name: Monitor, kind: patient-monitor, role: device, interfaces: [{id: net, kind: wired-network, exposure: hospital-network}]}`,
			High, Medium},
		{"battery-drain", "ipg/mics",
			`  - {id: ipg, name: IPG, kind: implant, role: device, power: battery, interfaces: [{id: mics, kind: mics, exposure: proximity}]}`,
			`  - {id: ipg, name: IPG, kind: implant, role: device, power: battery, interfaces: [{id: mics, kind: mics, exposure: proximity, rateLimit: {wakeUpsPerHour: 10}}]}`,
			`  - {id: ipg, name: IPG, kind: implant, role: device, power: rechargeable, interfaces: [{id: mics, kind: mics, exposure: proximity}]}`,
			High, Medium},
		{"monitoring-denial", "hm",
			`  - {id: hm, name: Home monitor, kind: home-monitor, role: device, monitoring: {overLink: true, onLinkLoss: none}, interfaces: [{id: lte, kind: cellular, exposure: internet}]}`,
			`  - {id: hm, name: Home monitor, kind: home-monitor, role: device, monitoring: {overLink: true, onLinkLoss: alarm}, interfaces: [{id: lte, kind: cellular, exposure: internet}]}`,
			`  - {id: hm, name: Home monitor, kind: home-monitor, role: device, interfaces: [{id: lte, kind: cellular, exposure: internet}]}`,
			Critical, Medium},
		{"update-tampering", "app",
			`  - {id: app, name: App, kind: mobile-app, role: device, security: {update: {supported: true, channels: [app-store], signed: false}}}`,
			`  - {id: app, name: App, kind: mobile-app, role: device, security: {secureBoot: true, update: {supported: true, channels: [app-store], signed: true, rollbackProtection: true}}}`,
			`  - {id: app, name: App, kind: mobile-app, role: device, security: {update: {supported: false}}}`,
			High, Medium},
		{"service-port-abuse", "pump/usb",
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: usb, kind: usb, exposure: physical, changesTherapy: false}]}`,
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: usb, kind: usb, exposure: physical, authentication: {required: true}}]}`,
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: net, kind: wifi, exposure: hospital-network}]}`,
			Medium, Low},
		{"untraceable-changes", "pump",
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: net, kind: wifi, exposure: hospital-network, changesTherapy: true}], security: {auditLogging: {enabled: false}}}`,
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: net, kind: wifi, exposure: hospital-network, changesTherapy: true}], security: {auditLogging: {enabled: true, tamperProtected: true}}}`,
			`  - {id: pump, name: Pump, kind: infusion-pump, role: device, interfaces: [{id: net, kind: wifi, exposure: hospital-network}]}`,
			High, High},
		{"clinical-message-forgery", "viewer/dicom",
			`  - {id: viewer, name: Viewer, kind: standalone-software, role: device, interfaces: [{id: dicom, kind: wired-network, exposure: hospital-network, protocols: [dicom], authentication: {required: false}}]}`,
			`  - {id: viewer, name: Viewer, kind: standalone-software, role: device, interfaces: [{id: dicom, kind: wired-network, exposure: hospital-network, protocols: [dicom], authentication: {required: true}, encryption: {integrity: true}}]}`,
			`  - {id: viewer, name: Viewer, kind: standalone-software, role: device, interfaces: [{id: dicom, kind: wired-network, exposure: hospital-network, protocols: [https]}]}`,
			High, Medium},
		{"mobile-app-misuse", "app",
			"  - {id: app, name: App, kind: mobile-app, role: device, accessControl: {authenticationMethods: [pairing]}, interfaces: [{id: ble, kind: ble, exposure: proximity, connectsTo: [pump]}]}\n" +
				"  - {id: pump, name: Pump, kind: insulin-pump, role: device}",
			"  - {id: app, name: App, kind: mobile-app, role: device, accessControl: {authenticationMethods: [biometric], sessionTimeoutMinutes: 5}, interfaces: [{id: ble, kind: ble, exposure: proximity, connectsTo: [pump]}]}\n" +
				"  - {id: pump, name: Pump, kind: insulin-pump, role: device}",
			"  - {id: app, name: App, kind: web-application, role: device, interfaces: [{id: ble, kind: ble, exposure: proximity, connectsTo: [pump]}]}\n" +
				"  - {id: pump, name: Pump, kind: insulin-pump, role: device}",
			Medium, Low},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			open, ok := find(Derive(parse(t, "components:\n"+tc.open+"\n")), tc.rule, tc.element)
			if !ok || open.Mitigated || open.Risk != tc.wantRisk || open.Status != StatusOpen || len(open.Missing) == 0 {
				t.Errorf("open: %+v (found %v), want unmitigated at %s with what is missing", open, ok, tc.wantRisk)
			}
			for _, m := range open.Missing {
				if !strings.HasPrefix(m, "components[0].") || !strings.HasSuffix(m, ": no") && !strings.HasSuffix(m, ": not stated") {
					t.Errorf("missing %q: want path: what: no|not stated", m)
				}
			}
			mit, ok := find(Derive(parse(t, "components:\n"+tc.mitigated+"\n")), tc.rule, tc.element)
			if !ok || !mit.Mitigated || len(mit.Mitigations) == 0 || mit.Risk != tc.mitRisk || mit.Status != StatusMitigated || len(mit.Missing) != 0 {
				t.Errorf("mitigated: %+v (found %v), want mitigated at %s", mit, ok, tc.mitRisk)
			}
			for _, c := range mit.Controls {
				if !yes(c.Declared) || !strings.HasPrefix(c.Path, "components[0].") {
					t.Errorf("mitigated, control %+v: want declared at a model path", c)
				}
			}
			if _, ok := find(Derive(parse(t, "components:\n"+tc.absent+"\n")), tc.rule, tc.element); ok {
				t.Errorf("derived without cause")
			}
		})
	}
}

// flows is a system of an implant, a home monitor reachable from the
// internet and a cloud, with the given emergency access, the monitor's
// security and the extras of its internet interface.
func flows(t *testing.T, emergency, security, lte string) *model.Device {
	t.Helper()
	return parse(t, fmt.Sprintf(`dataAssets:
  - {id: egm, kind: personal-health-data, storedOn: [hm]}
dataFlows:
  - {from: hm, to: cloud, interface: lte, assets: [egm]}
components:
  - id: ipg
    name: IPG
    kind: implant
    role: device
    accessControl: {emergencyAccess: {%s}}
    interfaces: [{id: mics, kind: mics, exposure: proximity, connectsTo: [hm]}]
  - id: hm
    name: Home monitor
    kind: home-monitor
    role: device
    security: {%s}
    interfaces:
      - {id: lte, kind: cellular, exposure: internet, connectsTo: [cloud], %s}
      - {id: mics, kind: mics, exposure: proximity, connectsTo: [ipg]}
  - {id: cloud, name: Cloud, kind: cloud-service, role: non-device}
`, emergency, security, lte))
}

// flowThreats are the threats flows gives cause to.
var flowThreats = []struct{ rule, element string }{
	{"health-data-disclosure-in-transit", "hm->cloud"},
	{"health-data-disclosure-at-rest", "hm"},
	{"emergency-access-abuse", "ipg"},
	{"pivot-from-internet", "hm/lte->ipg"},
}

// TestFlowsAndPivot: health data in transit and at rest, the emergency
// path, and a component reachable from the internet that talks to an
// implant.
func TestFlowsAndPivot(t *testing.T) {
	dev := flows(t, "supported: true, requiresProximity: true, logged: false", "", "encryption: {inTransit: false}")
	ts := Derive(dev)
	for _, want := range flowThreats {
		th, ok := find(ts, want.rule, want.element)
		if !ok || th.Mitigated {
			t.Errorf("%s@%s: %+v (found %v), want open", want.rule, want.element, th, ok)
		}
	}
	if th, _ := find(ts, "pivot-from-internet", "hm/lte->ipg"); th.Consequence != "therapy" || th.Severity != 5 {
		t.Errorf("the pivot reaches an implant: consequence %q severity %d, want therapy 5", th.Consequence, th.Severity)
	}
	if !reflect.DeepEqual(ts, Derive(dev)) {
		t.Error("two derivations differ")
	}
	zs := Surface(dev, ts)
	if len(zs) == 0 || zs[0].Zone != "internet" || zs[0].Open == 0 {
		t.Errorf("surface = %+v, want the internet first with open threats", zs)
	}
	// The body's boundary: the implant's radio, and the threats that
	// reach the implant (its emergency access, the pivot to it).
	i := slices.IndexFunc(zs, func(z Zone) bool { return z.Zone == ImplantZone })
	if i < 0 || !reflect.DeepEqual(zs[i].Interfaces, []string{"ipg/mics"}) || zs[i].Threats != 2 || zs[i].Open != 2 {
		t.Errorf("implant zone = %+v (at %d), want ipg/mics with 2 open threats", zs, i)
	}
}

// TestUnstatedIsNotMitigated: a control the model does not state lowers
// nothing and never mitigates.
func TestUnstatedIsNotMitigated(t *testing.T) {
	ts := Derive(parse(t, "components:\n  - {id: p, name: P, kind: infusion-pump, role: device, interfaces: [{id: n, kind: wifi, changesTherapy: true}]}\n"))
	th, ok := find(ts, "therapy-command-tampering", "p/n")
	if !ok || th.Mitigated || th.Likelihood != 4 || th.Risk != Critical {
		t.Errorf("%+v: want open, likelihood 4 (exposure not stated counts as a local network), critical", th)
	}
}

// TestFlowsAndPivotMitigated: the same system with the controls each rule
// looks for declared.
func TestFlowsAndPivotMitigated(t *testing.T) {
	ts := Derive(flows(t, "supported: true, requiresProximity: true, logged: true, timeLimitMinutes: 30, returnToNormal: automatic",
		"dataAtRest: {encrypted: true}", "encryption: {inTransit: true, integrity: true}, authentication: {required: true, mutual: true}"))
	for _, want := range flowThreats {
		th, ok := find(ts, want.rule, want.element)
		if !ok || !th.Mitigated || len(th.Mitigations) == 0 {
			t.Errorf("%s@%s: %+v (found %v), want mitigated with its controls", want.rule, want.element, th, ok)
		}
	}
}

// TestLink: a threat takes the findings of its rules on its element, its
// interface or the component a flow starts at; a finding that does not
// apply covers nothing.
func TestLink(t *testing.T) {
	ts := []Threat{
		{Element: "ipg/mics", Rules: []string{"auth/a"}},
		{Element: "hm->cloud", Rules: []string{"net/b"}},
		{Element: "ipg", Rules: []string{"emergency/c"}},
		{Element: "pump/usb", Rules: []string{"auth/a"}},
		{Element: "his->ews", Rules: []string{"net/b"}, via: "ews/hl7"}, // carried by the receiver's hl7
	}
	Link(ts, []Assessed{
		{"auth/a@ipg/mics", "auth/a", "ipg/mics", true},
		{"net/b@hm/lte", "net/b", "hm/lte", true},
		{"emergency/c@ipg", "emergency/c", "ipg", true},
		{"auth/a@pump/usb", "auth/a", "pump/usb", false},
		{"auth/a@ipg/wand", "auth/a", "ipg/wand", true},
		{"net/b@ews/hl7", "net/b", "ews/hl7", true},
		{"net/b@ews/web", "net/b", "ews/web", true},
	})
	want := [][]string{{"auth/a@ipg/mics"}, {"net/b@hm/lte"}, {"emergency/c@ipg"}, {}, {"net/b@ews/hl7"}}
	for i, w := range want {
		if !reflect.DeepEqual(ts[i].Findings, w) || ts[i].Covered != (len(w) > 0) {
			t.Errorf("%s: findings %v covered %v, want %v", ts[i].Element, ts[i].Findings, ts[i].Covered, w)
		}
	}
}

// TestUnstatedExposureKeepsItsReach: an interface whose exposure is not
// stated counts as a local network for the component, and a physical
// port beside it does not lower that.
func TestUnstatedExposureKeepsItsReach(t *testing.T) {
	for _, order := range []string{
		"[{id: n, kind: wifi, changesConfiguration: true}, {id: u, kind: usb, exposure: physical, changesConfiguration: true}]",
		"[{id: u, kind: usb, exposure: physical, changesConfiguration: true}, {id: n, kind: wifi, changesConfiguration: true}]",
	} {
		ts := Derive(parse(t, "components:\n  - {id: p, name: P, kind: infusion-pump, role: device, interfaces: "+order+"}\n"))
		th, ok := find(ts, "untraceable-changes", "p")
		if !ok || th.Zone != "not stated" || th.Likelihood != 4 {
			t.Errorf("%s: %+v, want zone not stated, likelihood 4", order, th)
		}
	}
}

// TestAccept: an acceptance that has not expired makes an open threat
// accepted; an expired one leaves it open and is shown; a mitigated
// threat stays mitigated; the surface counts only open threats.
func TestAccept(t *testing.T) {
	dev := parse(t, "components:\n  - {id: ipg, name: IPG, kind: implant, role: device, power: battery, interfaces: [{id: mics, kind: mics, exposure: proximity}, {id: rf, kind: ble, exposure: proximity, rateLimit: {wakeUpsPerHour: 4}}]}\n")
	ts := Derive(dev)
	var asked []string
	Accept(ts, func(id string) *Acceptance {
		asked = append(asked, id)
		switch id {
		case "threat/battery-drain@ipg/mics":
			return &Acceptance{Waiver: "threat/battery-drain@*", Reason: "r", Expired: true}
		case "threat/battery-drain@ipg/rf":
			return &Acceptance{Waiver: "threat/battery-drain@*", Reason: "r"}
		}
		return nil
	})
	if !slices.Contains(asked, "threat/battery-drain@ipg/mics") {
		t.Fatalf("asked %v", asked)
	}
	if th, _ := find(ts, "battery-drain", "ipg/mics"); th.Status != StatusOpen || th.Acceptance == nil || !th.Acceptance.Expired {
		t.Errorf("expired: %s %+v", th.Status, th.Acceptance)
	}
	if th, _ := find(ts, "battery-drain", "ipg/rf"); th.Status != StatusMitigated || th.Acceptance == nil {
		t.Errorf("mitigated and accepted: %s %+v", th.Status, th.Acceptance)
	}
	Accept(ts, func(id string) *Acceptance {
		if id == "threat/battery-drain@ipg/mics" {
			return &Acceptance{Waiver: id, Reason: "r", Expires: "2027-01-01"}
		}
		return nil
	})
	if th, _ := find(ts, "battery-drain", "ipg/mics"); th.Status != StatusAccepted {
		t.Errorf("accepted: %s", th.Status)
	}
	for _, z := range Surface(dev, ts) {
		if z.Zone == "proximity" && z.Open != 0 {
			t.Errorf("proximity: %d open, want 0 (one accepted, one mitigated)", z.Open)
		}
	}
}

// TestAppDrivesTherapy: an app that drives a pump threatens therapy,
// one that drives nothing its own data.
func TestAppDrivesTherapy(t *testing.T) {
	for _, tc := range []struct{ connects, want string }{{"[pump]", "therapy"}, {"[]", "privacy"}} {
		ts := Derive(parse(t, "components:\n  - {id: app, name: App, kind: mobile-app, role: device, interfaces: [{id: ble, kind: ble, exposure: proximity, connectsTo: "+tc.connects+"}]}\n  - {id: pump, name: Pump, kind: insulin-pump, role: device}\n"))
		if th, ok := find(ts, "mobile-app-misuse", "app"); !ok || th.Consequence != tc.want || th.Severity != severity(tc.want) {
			t.Errorf("connects to %s: %+v (found %v), want %s", tc.connects, th, ok, tc.want)
		}
	}
}
