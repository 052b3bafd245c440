package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

func input(t *testing.T) *Input {
	t.Helper()
	dev, err := model.Parse("d.yaml", []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [{id: a, name: a, kind: gateway, role: device}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	return &Input{Device: dev, Evidence: evidence.NewSet(), Now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)}
}

func TestEvaluate(t *testing.T) {
	in := input(t)
	rules := []Rule{
		{ID: "b/panics", Check: func(*Input) []Result { panic("boom") }},
		{ID: "a/skips", AppliesTo: func(*Input) bool { return false }, Check: func(*Input) []Result { t.Fatal("Check called"); return nil }},
		{ID: "c/twice", Refs: []string{"X"}, Check: func(in *Input) []Result {
			id := in.Cite("components[0].kind", "gateway")
			return []Result{{Subject: "a", Status: Fail, Evidence: []evidence.ID{id, id}}, {Subject: "a", Status: Pass, Evidence: []evidence.ID{id}}}
		}},
		{ID: "d/empty", Check: func(*Input) []Result { return nil }},
	}
	got := Evaluate(rules, in)
	var ids, statuses []string
	for _, f := range got {
		ids = append(ids, f.ID)
		statuses = append(statuses, string(f.Status))
	}
	if want := "a/skips@device b/panics@device c/twice@a c/twice@a#2 d/empty@device"; strings.Join(ids, " ") != want {
		t.Errorf("IDs = %v, want %s", ids, want)
	}
	if want := "not-applicable error fail pass not-applicable"; strings.Join(statuses, " ") != want {
		t.Errorf("statuses = %v, want %s", statuses, want)
	}
	f := got[2]
	if len(f.Evidence) != 1 || f.Evidence[0].Source.Line != 4 || f.Strength != evidence.Claimed || f.Remediation != "" && f.Status == Pass {
		t.Errorf("finding evidence = %+v strength %q", f.Evidence, f.Strength)
	}
	if !strings.Contains(got[1].Detail, "boom") {
		t.Errorf("error detail = %q", got[1].Detail)
	}
	// A result's own severity replaces the rule's; exploitation is kept.
	got = Evaluate([]Rule{{ID: "v/x", Severity: High, Check: func(*Input) []Result {
		return []Result{{Subject: "a/CVE-1", Status: Fail, Detail: "d", Severity: Critical, Exploited: true}, {Subject: "a/CVE-2", Status: Fail, Detail: "d"}}
	}}}, in)
	if got[0].Severity != Critical || !got[0].Exploited || got[1].Severity != High || got[1].Exploited {
		t.Errorf("severities = %s %v, %s %v; want critical exploited, high", got[0].Severity, got[0].Exploited, got[1].Severity, got[1].Exploited)
	}
}

func TestWaivers(t *testing.T) {
	ws, err := ParseWaivers("w.yaml", []byte(`waivers:
  - {finding: "net/*@pump/*", reason: segmented, owner: it@h.example, expires: 2027-01-31}
  - {finding: auth/x@a, reason: old, owner: me, expires: 2026-11-28}
`))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	fs := []Finding{
		{ID: "net/tls@pump/wifi", Status: Fail},
		{ID: "auth/x@a", Status: Fail},
		{ID: "net/tls@pump/lan", Status: Pass},
		{ID: "net/tls@monitor/lan", Status: Unknown},
	}
	ApplyWaivers(fs, ws, now)
	if s := fs[0].Suppression; !fs[0].Suppressed() || s.By != ByWaiver || s.Owner != "it@h.example" || s.Waiver != "net/*@pump/*" || s.Justification != "segmented" {
		t.Errorf("pattern waiver not applied: %+v", s)
	}
	if fs[1].Suppressed() || fs[1].Suppression == nil || !fs[1].Suppression.Expired {
		t.Errorf("expired waiver = %+v, want recorded as expired and not waiving", fs[1].Suppression)
	}
	if fs[2].Suppression != nil || fs[3].Suppression != nil {
		t.Error("a passing finding or a non-matching one was waived")
	}
	// A VEX statement that the product is not affected holds; a waiver
	// that matches the finding too does not replace it.
	set := &Suppression{By: ByVEX, Status: "not_affected", Justification: "component_not_present", Source: "vex.json"}
	vex := []Finding{{ID: "vuln/known-vulnerabilities@app/CVE-1", Status: Fail, Suppression: set}}
	ApplyWaivers(vex, []Waiver{{Finding: "vuln/*", Reason: "accepted", Owner: "me", Expires: "2020-01-01"}}, now)
	if !vex[0].Suppressed() || vex[0].Suppression != set {
		t.Errorf("VEX suppression = %+v, want the statement, active", vex[0].Suppression)
	}
	if got, want := set.Reason(), "VEX: not_affected (component_not_present)"; got != want {
		t.Errorf("Reason() = %q, want %q", got, want)
	}
	for _, tt := range []struct{ src, want string }{
		{"waivers: [{finding: x, reason: r, owner: o}]", "w.yaml:1:11: waiver 1 lacks expires;"},
		{"waivers:\n  - finding: x\n    reason: r\n    owner: o\n    expires: soon\n", `w.yaml:5:14: expires "soon" is not a date`},
		{"waivers: [{finding: '[', reason: r, owner: o, expires: 2027-01-01}]", `w.yaml:1:21: bad finding pattern "["`},
		{"waiverz: []", "w.yaml:1:1: unknown field \"waiverz\""},
		{"waivers:\n  - finding: x\n    reasons: r\n", "w.yaml:3:5: unknown field \"reasons\""},
		{"waivers:\n  - finding: x\n   reason: [\n", "w.yaml:"},
		{"waivers: " + strings.Repeat("[", 100) + strings.Repeat("]", 100), "w.yaml:1:"},
		{"a: &a [x]\nwaivers: *a\n", "w.yaml:1:4: anchors and aliases"},
	} {
		_, err := ParseWaivers("w.yaml", []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseWaivers(%q) = %v, want an error with %q", tt.src, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseWaivers(%q): the error runs over lines (a source excerpt?): %q", tt.src, err)
		}
	}
}

func TestRequirements(t *testing.T) {
	reqs := Requirements()
	if len(reqs) < 60 {
		t.Errorf("%d requirements", len(reqs))
	}
	for _, r := range reqs {
		if r.Framework == "" || r.Audience == "" {
			t.Errorf("%s lacks framework or audience", r.ID)
		}
	}
	for name, src := range map[string]string{
		"duplicate": "framework: F\nrequirements: [{id: A.1, title: t, source: s}, {id: A.1, title: t, source: s}]\n",
		"no title":  "framework: F\nrequirements: [{id: A.1, source: s}]\n",
		"unknown":   "framework: F\nrequirements: [{id: A.1, title: t, source: s, colour: red}]\n",
		"manual":    "framework: F\nrequirements: [{id: A.1, title: t, source: s, manual: {reason: r}}]\n",
		"audience":  "framework: F\nrequirements: [{id: A.1, title: t, source: s, audience: patient}]\n",
	} {
		fsys := fstest.MapFS{"requirements/x.yaml": {Data: []byte(src)}}
		if _, err := loadRequirements(fsys); err == nil {
			t.Errorf("%s: loadRequirements accepted %q", name, src)
		}
	}
}

func TestApplies(t *testing.T) {
	dev, err := model.Parse("d.yaml", []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\nintendedPurpose: {users: [clinician]}\ncomponents: [{id: a, name: a, kind: gateway, role: device}, {id: b, name: b, kind: mobile-app, role: non-device}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	cl := &classify.Classification{Result: classify.Result{Class: classify.IIa, Decided: true, Label: "IIa"}}
	undecided := &classify.Classification{Result: classify.Result{Class: classify.I, UpTo: classify.III, Label: "undecided (I to III)"}}
	tests := []struct {
		name string
		req  Requirement
		cl   *classify.Classification
		want bool
	}{
		{"no conditions", Requirement{}, cl, true},
		{"class matches", Requirement{Classes: []string{"IIa", "IIb"}}, cl, true},
		{"class differs", Requirement{Classes: []string{"III"}}, cl, false},
		{"undecided may be III", Requirement{Classes: []string{"III"}}, undecided, true},
		{"mobile app only on a non-device", Requirement{ComponentKinds: []string{"mobile-app"}}, cl, false},
		{"gateway", Requirement{ComponentKinds: []string{"gateway"}}, cl, true},
		{"lay users", Requirement{Users: []string{"lay-person"}}, cl, false},
		{"clinicians", Requirement{Users: []string{"clinician"}}, cl, true},
	}
	for _, tt := range tests {
		if err := checkApplicability(&tt.req); err != nil { // as loading does
			t.Fatal(err)
		}
		if got, why := tt.req.Applies(dev, tt.cl); got != tt.want || (!got && why == "") {
			t.Errorf("%s: Applies = %v (%q), want %v", tt.name, got, why, tt.want)
		}
	}
	bad := fstest.MapFS{"requirements/x.yaml": {Data: []byte("framework: F\nrequirements: [{id: A.1, title: t, source: s, classes: [IV]}]\n")}}
	if _, err := loadRequirements(bad); err == nil {
		t.Error("class IV accepted")
	}
}

func TestCheckWaivers(t *testing.T) {
	ws, err := ParseWaivers("w.yaml", []byte(`waivers:
  - {finding: "net/*@pump/*", reason: r, owner: o, expires: 2027-01-31}
  - finding: "net/no-cleartxt-protocols@pump"
    reason: r
    owner: o
    expires: 2027-01-31
  - {finding: "MDR.AI.17.2", reason: r, owner: o, expires: 2027-01-31}
`))
	if err != nil {
		t.Fatal(err)
	}
	rules := []string{"net/no-cleartext-protocols", "auth/no-default-credentials"}
	err = CheckWaivers(ws, rules)
	if err == nil {
		t.Fatal("waivers naming no rule were accepted")
	}
	for _, want := range []string{`w.yaml:3:14: finding "net/no-cleartxt-protocols@pump" names no rule (did you mean "net/no-cleartext-protocols"?)`, `w.yaml:7:15: finding "MDR.AI.17.2" names no rule`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "net/*@pump/*") {
		t.Error("a pattern that matches a rule was refused")
	}
	if err := CheckWaivers(ws[:1], rules); err != nil {
		t.Errorf("a pattern matching a rule: %v", err)
	}
}
