package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/threat"
)

// wearable is a battery-powered wearable whose emergency access and
// audit logging no catalog rule assesses (the emergency rules are for
// implants and life-critical devices; the logging rules apply to what a
// security block states), so the threat model is what finds them.
func wearable(t *testing.T, emergency, waivers string) (model, waiverFile string) {
	t.Helper()
	dir := t.TempDir()
	model = filepath.Join(dir, "device.yaml")
	src := `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Acme, product: Widget, model: W1}
components:
  - id: sensor
    name: Sensor
    kind: wearable
    role: device
    power: battery
    interfaces:
      - {id: ble, kind: ble, exposure: proximity, changesConfiguration: true, authentication: {required: true}, encryption: {inTransit: true, integrity: true}}
    accessControl: {emergencyAccess: {supported: true, ` + emergency + `}}
`
	if err := os.WriteFile(model, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if waivers != "" {
		waiverFile = filepath.Join(dir, "waivers.yaml")
		if err := os.WriteFile(waiverFile, []byte(waivers), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return model, waiverFile
}

var threatDay = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

func checkOf(t *testing.T, o CheckOptions) *CheckResult {
	t.Helper()
	o.NoVulns, o.Date = true, threatDay
	res, err := New(Config{}).Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func findingOf(r *CheckResult, id string) (catalog.Finding, bool) {
	i := slices.IndexFunc(r.Report.Findings, func(f catalog.Finding) bool { return f.ID == id })
	if i < 0 {
		return catalog.Finding{}, false
	}
	return r.Report.Findings[i], true
}

func threatOf(r *CheckResult, id string) threat.Threat {
	for _, t := range r.Report.ThreatModel.Threats {
		if t.ID == id {
			return t
		}
	}
	return threat.Threat{}
}

// TestThreatGaps: a threat no rule assesses is one finding of its own,
// failed when the model says a control is absent, unknown when it does
// not say, passed when every control is declared; a covered threat gets
// no second finding.
func TestThreatGaps(t *testing.T) {
	all := "requiresProximity: %s, logged: true, timeLimitMinutes: 30, returnToNormal: automatic"
	for _, tc := range []struct {
		emergency string
		want      catalog.Status
		cites     string
	}{
		{strings.Replace(all, "%s", "false", 1), catalog.Fail, "false"},
		{"logged: true, timeLimitMinutes: 30, returnToNormal: automatic", catalog.Unknown, ""},
		{strings.Replace(all, "%s", "true", 1), catalog.Pass, "true"},
	} {
		m, _ := wearable(t, tc.emergency, "")
		res := checkOf(t, CheckOptions{Model: m})
		f, ok := findingOf(res, "threat/emergency-access-abuse@sensor")
		if !ok || f.Status != tc.want {
			t.Fatalf("%s: finding %+v (found %v), want %s", tc.emergency, f, ok, tc.want)
		}
		if !slices.Equal(f.Requirements, []string{"MDR.AI.17.2", "MDCG1916.3.4", "MDR.AI.18.8"}) {
			t.Errorf("requirements %v", f.Requirements)
		}
		cited := slices.IndexFunc(f.Evidence, func(e evidence.Evidence) bool {
			return e.Path == "components[0].accessControl.emergencyAccess.requiresProximity" && e.Value == tc.cites && e.Source.Line > 0
		})
		if (tc.cites != "") != (cited >= 0) {
			t.Errorf("%s: evidence %+v, want requiresProximity cited as %q", tc.want, f.Evidence, tc.cites)
		}
		if tc.want == catalog.Fail && (f.Severity.String() != string(threatOf(res, "emergency-access-abuse@sensor").Risk) || !strings.Contains(f.Detail, "requiresProximity")) {
			t.Errorf("fail: severity %s, detail %q", f.Severity, f.Detail)
		}
		// Logging stated nowhere: no rule applies, so it is unknown.
		if f, ok := findingOf(res, "threat/untraceable-changes@sensor"); !ok || f.Status != catalog.Unknown || slices.Contains(f.Requirements, "MDR.AI.18.8") {
			t.Errorf("untraceable changes: %+v (found %v)", f, ok)
		}
		// Each threat counts once: by its rules' findings or its own.
		for _, th := range res.Report.ThreatModel.Threats {
			_, own := findingOf(res, threat.FindingPrefix+th.ID)
			if th.Covered == own {
				t.Errorf("%s: covered %v, own finding %v", th.ID, th.Covered, own)
			}
		}
	}
	// The hospital profile has neither 17.2 nor §3.4: no such findings.
	m, _ := wearable(t, "requiresProximity: false", "")
	for _, f := range checkOf(t, CheckOptions{Model: m, Profile: ProfileHospital}).Report.Findings {
		if strings.HasPrefix(f.ID, threat.FindingPrefix) {
			t.Errorf("hospital profile: %s", f.ID)
		}
	}
}

// TestThreatAcceptance: a waiver on threat/ID accepts the threat and sets
// its finding aside until it expires; then both are open again.
func TestThreatAcceptance(t *testing.T) {
	waivers := `waivers:
  - finding: threat/emergency-access-abuse@*
    reason: Emergency access over the hospital network is needed for resuscitation (RM-7).
    owner: Risk board
    expires: "%s"
`
	for _, tc := range []struct {
		expires string
		status  string
	}{
		{"2026-12-07", threat.StatusAccepted}, // the last day still counts
		{"2026-12-06", threat.StatusOpen},
	} {
		m, w := wearable(t, "requiresProximity: false, logged: true, timeLimitMinutes: 30, returnToNormal: automatic", strings.Replace(waivers, "%s", tc.expires, 1))
		res := checkOf(t, CheckOptions{Model: m, Waivers: w})
		th := threatOf(res, "emergency-access-abuse@sensor")
		if th.Status != tc.status || th.Acceptance == nil || th.Acceptance.Owner != "Risk board" || th.Acceptance.Expired != (tc.status == threat.StatusOpen) {
			t.Errorf("expires %s: threat %s %+v", tc.expires, th.Status, th.Acceptance)
		}
		f, _ := findingOf(res, "threat/emergency-access-abuse@sensor")
		if f.Suppressed() != (tc.status == threat.StatusAccepted) || f.Suppression == nil {
			t.Errorf("expires %s: finding suppression %+v", tc.expires, f.Suppression)
		}
		// The threats command reads the same waivers.
		tm, err := New(Config{}).Threats(context.Background(), ThreatsOptions{Model: m, Waivers: w, Date: threatDay})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range tm.Threats {
			if x.ID == th.ID && x.Status != tc.status {
				t.Errorf("threats: %s, check: %s", x.Status, tc.status)
			}
		}
	}
	// A mitigated threat stays mitigated when a waiver also matches.
	m, w := wearable(t, "requiresProximity: true, logged: true, timeLimitMinutes: 30, returnToNormal: automatic", strings.Replace(waivers, "%s", "2027-01-01", 1))
	if th := threatOf(checkOf(t, CheckOptions{Model: m, Waivers: w}), "emergency-access-abuse@sensor"); th.Status != threat.StatusMitigated {
		t.Errorf("mitigated and waived: %s", th.Status)
	}
	// A misspelt threat rule is refused, with where it is written.
	m, w = wearable(t, "requiresProximity: true", strings.Replace(strings.Replace(waivers, "%s", "2027-01-01", 1), "emergency-access-abuse", "emergency-acess-abuse", 1))
	_, err := New(Config{}).Threats(context.Background(), ThreatsOptions{Model: m, Waivers: w, Date: threatDay})
	var in InputError
	if !errors.As(err, &in) || !strings.Contains(err.Error(), "waivers.yaml:2:") || !strings.Contains(err.Error(), "threat/emergency-access-abuse") {
		t.Errorf("misspelt threat rule: %v", err)
	}
}
