package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"

	"github.com/mdcheck/mdcheck/internal/testutil/golden"
	"github.com/mdcheck/mdcheck/internal/vex"
)

// date fixes the assessment date of every check test.
const date = "2026-11-29"

func TestCheckGolden(t *testing.T) {
	for _, name := range exampleNames(t) {
		file := "examples/" + name + "/device.yaml"
		t.Run(name, func(t *testing.T) {
			for _, format := range []string{"json", "md", "table"} {
				code, out, errs := run(t, "check", "--date", date, "-f", format, file)
				if code != ExitOK {
					t.Fatalf("check -f %s = %d, stderr:\n%s", format, code, errs)
				}
				ext := map[string]string{"json": ".json", "md": ".md", "table": ".txt"}[format]
				golden.Check(t, "check-"+name+ext, []byte(out))
			}
		})
	}
}

type checkJSON struct {
	SchemaVersion string `json:"schemaVersion"`
	Summary       struct {
		Readiness    float64        `json:"readiness"`
		Requirements map[string]int `json:"requirements"`
		Findings     map[string]int `json:"findings"`
	} `json:"summary"`
	Classification json.RawMessage `json:"classification"`
	Findings       []struct {
		ID           string   `json:"id"`
		Rule         string   `json:"rule"`
		Status       string   `json:"status"`
		Severity     string   `json:"severity"`
		Requirements []string `json:"requirements"`
		Detail       string   `json:"detail"`
		Remediation  string   `json:"remediation"`
		Evidence     []struct {
			Strength string `json:"strength"`
		} `json:"evidence"`
		Suppression *struct {
			By      string `json:"by"`
			Expired bool   `json:"expired"`
		} `json:"suppression"`
	} `json:"findings"`
	Manual []struct {
		ID, Reason, LookFor string
	} `json:"manual"`
	FixFirst []struct {
		Finding string `json:"finding"`
	} `json:"fixFirst"`
}

func checkReport(t *testing.T, args ...string) checkJSON {
	t.Helper()
	code, out, errs := run(t, append([]string{"check", "--date", date, "-f", "json"}, args...)...)
	if code != ExitOK {
		t.Fatalf("check %v = %d: %s", args, code, errs)
	}
	var r checkJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func statusOf(r checkJSON, id string) string {
	for _, f := range r.Findings {
		if f.ID == id {
			return f.Status
		}
	}
	return "absent"
}

// TestCheckEmergencyVariants: the well-secured pacemaker passes every
// emergency-access rule; one variant with unauthenticated long-range
// telemetry and one with no emergency path each fail the right rule.
func TestCheckEmergencyVariants(t *testing.T) {
	good := checkReport(t, "examples/pacemaker-system/device.yaml")
	n := 0
	for _, f := range good.Findings {
		if strings.HasPrefix(f.Rule, "emergency/") {
			n++
			if f.Status != "pass" {
				t.Errorf("well-secured pacemaker: %s is %s (%s)", f.ID, f.Status, f.Detail)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d emergency findings on the pacemaker", n)
	}

	open := checkReport(t, "internal/cli/testdata/variants/pacemaker-long-range-open.yaml")
	for id, want := range map[string]string{
		"emergency/no-unauthenticated-long-range@implant/mics": "fail",
		"auth/therapy-interface-authenticated@implant/mics":    "fail",
		"emergency/path-exists@implant":                        "pass",
	} {
		if got := statusOf(open, id); got != want {
			t.Errorf("long-range variant: %s = %s, want %s", id, got, want)
		}
	}
	for _, f := range open.Findings {
		if f.ID == "emergency/no-unauthenticated-long-range@implant/mics" && !strings.Contains(f.Detail, "too weak") {
			t.Errorf("long-range variant reason = %q, want the too-weak failure", f.Detail)
		}
	}

	closed := checkReport(t, "internal/cli/testdata/variants/pacemaker-no-emergency.yaml")
	for id, want := range map[string]string{
		"emergency/path-exists@implant":    "fail",
		"emergency/path-exists@programmer": "fail",
		"emergency/logged@implant":         "not-applicable",
	} {
		if got := statusOf(closed, id); got != want {
			t.Errorf("no-emergency variant: %s = %s, want %s", id, got, want)
		}
	}
	for _, f := range closed.Findings {
		if f.ID == "emergency/path-exists@implant" && !strings.Contains(f.Detail, "too restrictive") {
			t.Errorf("no-emergency variant reason = %q, want the too-restrictive failure", f.Detail)
		}
	}
}

// TestCheckReportShape checks what every report promises: stable finding
// IDs, remediation on failures, manual items with reasons, evidence
// strength, and that nothing unknown is counted as met.
func TestCheckReportShape(t *testing.T) {
	for _, name := range exampleNames(t) {
		r := checkReport(t, "examples/"+name+"/device.yaml")
		if r.SchemaVersion == "" || r.Classification == nil {
			t.Errorf("%s: no schemaVersion or classification", name)
		}
		if len(r.Manual) == 0 {
			t.Errorf("%s: no manual items", name)
		}
		for _, m := range r.Manual {
			if m.Reason == "" || m.LookFor == "" {
				t.Errorf("%s: manual item %s without reason or lookFor", name, m.ID)
			}
		}
		seen := map[string]bool{}
		for _, f := range r.Findings {
			if seen[f.ID] {
				t.Errorf("%s: duplicate finding ID %s", name, f.ID)
			}
			seen[f.ID] = true
			if !strings.HasPrefix(f.ID, f.Rule+"@") {
				t.Errorf("%s: finding ID %s is not rule@subject", name, f.ID)
			}
			if (f.Status == "fail" || f.Status == "unknown") && f.Remediation == "" {
				t.Errorf("%s: %s %s has no remediation", name, f.Status, f.ID)
			}
			if f.Status == "pass" {
				for _, e := range f.Evidence {
					if e.Strength == "" {
						t.Errorf("%s: %s evidence without strength", name, f.ID)
					}
				}
			}
		}
		if len(r.FixFirst) != r.Summary.Findings["fail"] {
			t.Errorf("%s: fix-first lists %d, but %d findings fail", name, len(r.FixFirst), r.Summary.Findings["fail"])
		}
	}
	// Documents pinned by a verified SHA-256 are documented evidence.
	pm := checkReport(t, "examples/pacemaker-system/device.yaml")
	documented := false
	for _, f := range pm.Findings {
		if f.Rule == "doc/threat-model" {
			for _, e := range f.Evidence {
				documented = documented || e.Strength == "documented"
			}
		}
	}
	if !documented {
		t.Error("the pacemaker's threat model is not documented evidence although its SHA-256 matches")
	}
}

func TestCheckWaiversAndFailOn(t *testing.T) {
	dir := t.TempDir()
	waivers := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(waivers, []byte(`waivers:
  - finding: "net/no-cleartext-protocols@pump/*"
    reason: Pump VLAN with allow-list firewall until firmware 3.0 (risk file RA-112)
    owner: biomed@hospital.example
    expires: 2027-06-30
  - finding: "update/signed@pump"
    reason: accepted last year
    owner: security@fluxen.example
    expires: 2026-01-31
`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := checkReport(t, "--waivers", waivers, "examples/infusion-pump/device.yaml")
	seen := 0
	for _, f := range r.Findings {
		switch {
		case strings.HasPrefix(f.ID, "net/no-cleartext-protocols@pump/") && f.Status == "fail":
			seen++
			if f.Suppression == nil || f.Suppression.By != "waiver" || f.Suppression.Expired {
				t.Errorf("%s not waived", f.ID)
			}
		case f.ID == "update/signed@pump":
			seen++
			if f.Suppression == nil || !f.Suppression.Expired {
				t.Errorf("%s: waiver should be recorded as expired", f.ID)
			}
		}
	}
	if seen < 2 {
		t.Errorf("%d of the waived findings are in the report, want both rules' findings", seen)
	}
	if r.Summary.Findings["waived"] == 0 {
		t.Error("summary counts no waived findings")
	}
	for _, f := range r.FixFirst {
		if strings.HasPrefix(f.Finding, "net/no-cleartext-protocols@pump/") {
			t.Errorf("waived finding %s is still in the fix-first list", f.Finding)
		}
	}

	code, _, _ := run(t, "check", "--date", date, "--fail-on", "critical", "-f", "json", "examples/infusion-pump/device.yaml")
	if code != ExitFindings {
		t.Errorf("--fail-on critical on the infusion pump = %d, want %d", code, ExitFindings)
	}
	// The pacemaker has no critical rule failure, but the built-in
	// snapshot knows a critical flaw in its portal.
	code, _, _ = run(t, "check", "--date", date, "--no-vulns", "--fail-on", "critical", "-f", "json", "examples/pacemaker-system/device.yaml")
	if code != ExitOK {
		t.Errorf("--fail-on critical --no-vulns on the pacemaker = %d, want 0", code)
	}
	code, _, _ = run(t, "check", "--date", date, "--fail-on", "critical", "-f", "json", "examples/pacemaker-system/device.yaml")
	if code != ExitFindings {
		t.Errorf("--fail-on critical on the pacemaker = %d, want %d (GHSA-xvch-5gv4-984h in the portal)", code, ExitFindings)
	}

	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--fail-on", "severe"}, "--fail-on must be"},
		{[]string{"-f", "docx"}, "--format must be"},
		{[]string{"-f", "html,docx", "-o", dir}, "--format must be"},
		{[]string{"-f", "html,html", "-o", dir}, "names html twice"},
		{[]string{"-f", "html,sarif"}, "give -o a folder"},
		{[]string{"-f", "html,sarif", "-o", filepath.Join(dir, "file")}, "is a file, not a folder"},
		{[]string{"-f", "html", "-o", filepath.Join(dir, "r.pdf")}, "ends in .pdf"},
		{[]string{"-f", "json,oscal", "-o", dir, "--oscal-plan", filepath.Join(dir, "plan.json")}, "--oscal-plan goes with --format oscal alone"},
		{[]string{"--profile", "patient"}, "--profile must be"},
		{[]string{"--date", "29.11.2026"}, "--date must be"},
		{[]string{"--waivers", filepath.Join(dir, "none.yaml")}, "no such file"},
	} {
		code, _, errs := run(t, append(append([]string{"check"}, tc.args...), "examples/bp-monitor/device.yaml")...)
		if code != ExitInput || !strings.Contains(errs, tc.msg) {
			t.Errorf("check %v = %d %q, want exit 2 mentioning %q", tc.args, code, errs, tc.msg)
		}
	}
}

func TestCheckOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.md")
	code, stdout, errs := run(t, "check", "--date", date, "-f", "md", "-o", out, "examples/bp-monitor/device.yaml")
	if code != ExitOK || stdout != "" {
		t.Fatalf("check -o = %d, stdout %q, stderr %s", code, stdout, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(data), "# Pulsewise BP Connect") {
		t.Fatalf("report file: %v %q", err, data[:min(len(data), 80)])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("output directory holds %d entries, want only the report", len(entries))
	}
	// A failing run leaves nothing behind.
	bad := filepath.Join(dir, "bad.md")
	if code, _, _ := run(t, "check", "-o", bad, "examples/none/device.yaml"); code != ExitInput {
		t.Errorf("exit %d", code)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s", bad)
	}
}

func TestCheckProfiles(t *testing.T) {
	hosp := checkReport(t, "--profile", "hospital", "examples/icu-patient-monitor/device.yaml")
	if statusOf(hosp, "hospital/segment-weak-interfaces@central-station/hl7-out") != "fail" {
		t.Error("hospital profile: the unencrypted HL7 feed is not flagged for segmentation")
	}
	manu := checkReport(t, "examples/icu-patient-monitor/device.yaml")
	if statusOf(manu, "hospital/segment-weak-interfaces@central-station/hl7-out") != "absent" {
		t.Error("manufacturer profile runs hospital-only rules")
	}
}

// TestReadmeExamplesTable checks the readiness the README lists for each
// example against a real run on the date its header names.
func TestReadmeExamplesTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "readiness on "+date) {
		t.Fatalf("README examples table does not say it was measured on %s", date)
	}
	rows := 0
	for _, line := range strings.Split(string(readme), "\n") {
		if !strings.HasPrefix(line, "| [") || !strings.Contains(line, "](examples/") {
			continue
		}
		cells := strings.Split(line, "|")
		name := strings.TrimPrefix(strings.SplitN(cells[1], "]", 2)[0], " [")
		want := strings.TrimSpace(cells[3])
		args := []string{"examples/" + name + "/device.yaml"}
		// An example that ships the reviews of its manual items is
		// measured with them.
		if _, err := os.Stat(filepath.Join(repoRoot, "examples", name, "reviews.yaml")); err == nil {
			args = append([]string{"--reviews", "examples/" + name + "/reviews.yaml"}, args...)
		}
		r := checkReport(t, args...)
		if got := fmt.Sprintf("%.1f%%", r.Summary.Readiness); got != want {
			t.Errorf("README says %s readiness %s, a run gives %s", name, want, got)
		}
		rows++
	}
	if rows < 6 {
		t.Errorf("README examples table has %d rows", rows)
	}
}

func TestCheckPolicies(t *testing.T) {
	r := checkReport(t, "--profile", "hospital",
		"--policy", "examples/policies/hospital-procurement.yaml",
		"--policy", "examples/policies/manufacturer-house.yaml",
		"examples/pacemaker-system/device.yaml")
	for id, want := range map[string]string{
		"procurement/support-five-years@device":             "pass",
		"procurement/mds2-provided@device":                  "fail",
		"procurement/no-default-passwords@implant":          "pass",
		"house/critical-fix-two-weeks@device":               "fail",
		"house/tls-13-on-internet@portal/web":               "pass",
		"auth/therapy-interface-authenticated@implant/mics": "pass",
	} {
		if got := statusOf(r, id); got != want {
			t.Errorf("%s = %s, want %s", id, got, want)
		}
	}
	// A policy finding can be waived like any other.
	dir := t.TempDir()
	w := filepath.Join(dir, "w.yaml")
	if err := os.WriteFile(w, []byte("waivers: [{finding: 'procurement/mds2-provided@device', reason: MDS2 requested in tender, owner: purchasing, expires: 2027-03-31}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = checkReport(t, "--profile", "hospital", "--waivers", w, "--policy", "examples/policies/hospital-procurement.yaml", "examples/pacemaker-system/device.yaml")
	for _, f := range r.Findings {
		if f.ID == "procurement/mds2-provided@device" && (f.Suppression == nil || f.Suppression.Expired) {
			t.Error("the policy finding was not waived")
		}
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: mdcheck.dev/v1\nkind: Policy\nname: x\nrules:\n  - id: house/x\n    title: X\n    severity: high\n    check: device.lifecycle.endOfSupport >\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, "check", "--policy", bad, "examples/bp-monitor/device.yaml")
	if code != ExitInput || !strings.Contains(errs, "bad.yaml:8:12: CEL:") {
		t.Errorf("bad policy: exit %d, stderr %q; want 2 with file:line:column and the CEL error", code, errs)
	}

}

func TestSBOMCommand(t *testing.T) {
	code, out, errs := run(t, "sbom", "internal/sbom/testdata/small.cdx.xml")
	if code != ExitOK {
		t.Fatalf("sbom = %d: %s", code, errs)
	}
	golden.Check(t, "sbom-small.txt", []byte(out))
	code, out, _ = run(t, "sbom", "-f", "json", "internal/sbom/testdata/small.cdx.xml", "internal/sbom/testdata/julia.spdx.json")
	if code != ExitOK {
		t.Fatalf("sbom -f json = %d", code)
	}
	var docs []struct {
		Format  string `json:"format"`
		Quality struct {
			Score float64 `json:"score"`
		} `json:"quality"`
		Ledger []struct {
			Checkable bool   `json:"checkable"`
			Reason    string `json:"reason"`
		} `json:"ledger"`
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 2 || docs[1].Format != "SPDX" {
		t.Fatalf("sbom -f json: %v %+v", err, docs)
	}
	for _, e := range docs[1].Ledger {
		if e.Checkable || e.Reason == "" {
			t.Errorf("julia (no purls) ledger entry %+v, want not checkable with a reason", e)
		}
	}
	if code, _, errs := run(t, "sbom", "README.md"); code != ExitInput || !strings.Contains(errs, "README.md") {
		t.Errorf("sbom README.md = %d %q, want 2 naming the file", code, errs)
	}
}

// TestCheckVulnerabilitiesGolden runs the pacemaker example against a
// database built from the real advisories in internal/vuln/testdata, with
// the manufacturer's VEX document of the home monitor: the vulnerability
// findings, their place in the fix-first list, and the table.
func TestCheckVulnerabilitiesGolden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vuln.db")
	if code, out, errs := run(t, "db", "import", "--db", db, "internal/vuln/testdata/osv", "internal/vuln/testdata/cve5", "internal/vuln/testdata/kev/kev-subset.json"); code != 0 {
		t.Fatalf("db import: exit %d\n%s%s", code, out, errs)
	}
	const model = "examples/pacemaker-system/device.yaml"
	args := []string{"check", "--date", date, "--db", db, "--max-db-age", "0", "--vex", "examples/pacemaker-system/vex/home-monitor.openvex.json", model}
	code, out, errs := run(t, append(args, "-f", "json")...)
	if code != ExitOK {
		t.Fatalf("check: exit %d\n%s", code, errs)
	}
	var rep struct {
		Summary  json.RawMessage   `json:"summary"`
		FixFirst []json.RawMessage `json:"fixFirst"`
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var vulns struct {
		Summary  json.RawMessage   `json:"summary"`
		FixFirst []json.RawMessage `json:"fixFirst"`
		Findings []json.RawMessage `json:"findings"`
	}
	vulns.Summary = rep.Summary
	const rule = `"vuln/known-vulnerabilities@`
	for i, fx := range rep.FixFirst {
		if strings.Contains(string(fx), rule) {
			vulns.FixFirst = append(vulns.FixFirst, json.RawMessage(fmt.Sprintf(`{"rank":%d,"fix":%s}`, i+1, fx)))
		}
	}
	for _, f := range rep.Findings {
		if strings.Contains(string(f), `"rule": "vuln/known-vulnerabilities"`) {
			vulns.Findings = append(vulns.Findings, f)
		}
	}
	if len(vulns.Findings) == 0 {
		t.Fatal("no vulnerability findings in the report")
	}
	got, err := json.MarshalIndent(vulns, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "check-pacemaker-system-vulns.json", append(got, '\n'))

	code, out, errs = run(t, args...)
	if code != ExitOK {
		t.Fatalf("check: exit %d\n%s", code, errs)
	}
	golden.Check(t, "check-pacemaker-system-vulns.txt", []byte(out))

	// The same assessment as the manufacturer's OpenVEX document: what
	// the dispositions decided, the VEX read, or under investigation.
	code, out, errs = run(t, append(args, "-f", "openvex")...)
	if code != ExitOK {
		t.Fatalf("check -f openvex: exit %d\n%s", code, errs)
	}
	golden.Check(t, "openvex-pacemaker-system.json", []byte(out))
	vexFile := filepath.Join(t.TempDir(), "check.openvex.json")
	if err := os.WriteFile(vexFile, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	stmts, err := vex.ReadFile(vexFile)
	if err != nil {
		t.Fatalf("the OpenVEX output does not read back: %v", err)
	}
	status := map[string]string{}
	for _, s := range stmts {
		status[s.Vulnerability] = s.Status
	}
	if status["CVE-2022-2097"] != "not_affected" || status["GHSA-xvch-5gv4-984h"] != "under_investigation" || len(stmts) == 0 {
		t.Errorf("statuses read back: %v", status)
	}

	// And as CSAF 2.0 VEX: valid against the full schema (gocsaf), read
	// back by mdcheck's own CSAF reader with the same statuses.
	code, out, errs = run(t, append(args, "-f", "csaf-vex")...)
	if code != ExitOK {
		t.Fatalf("check -f csaf-vex: exit %d\n%s", code, errs)
	}
	golden.Check(t, "csafvex-pacemaker-system.json", []byte(out))
	var generic any
	if err := json.Unmarshal([]byte(out), &generic); err != nil {
		t.Fatal(err)
	}
	if problems, err := gocsaf.ValidateCSAF(generic); err != nil || len(problems) > 0 {
		t.Errorf("CSAF schema: %v %v", err, problems)
	}
	csafFile := filepath.Join(t.TempDir(), "check.csaf.json")
	if err := os.WriteFile(csafFile, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	back, err := vex.ReadFile(csafFile)
	if err != nil {
		t.Fatalf("the CSAF VEX output does not read back: %v", err)
	}
	for _, s := range back {
		if s.Vulnerability == "CVE-2022-2097" && s.Status != "not_affected" {
			t.Errorf("CVE-2022-2097 read back as %s", s.Status)
		}
	}

	// The critical finding fails --fail-on critical; the waived one does
	// not count.
	if code, _, _ := run(t, append(args, "--fail-on", "critical")...); code != ExitFindings {
		t.Errorf("--fail-on critical: exit %d, want %d for the open critical vulnerability", code, ExitFindings)
	}
	// --vex with matching turned off is a usage error; an absent --db an
	// input error.
	if code, _, errs := run(t, "check", "--no-vulns", "--vex", "examples/pacemaker-system/vex/home-monitor.openvex.json", model); code != ExitInput || !strings.Contains(errs, "--no-vulns") {
		t.Errorf("--vex with --no-vulns: exit %d, %q", code, errs)
	}
	if code, _, errs := run(t, "check", "--db", filepath.Join(t.TempDir(), "none.db"), model); code != ExitInput || !strings.Contains(errs, "none.db") {
		t.Errorf("missing --db: exit %d, %q", code, errs)
	}
}

// TestCheckReviews: a review file closes manual requirements in the
// report (met, or missed for a not-met outcome), and a review of a
// requirement a rule decides, or of none, is an input error naming its
// line.
func TestCheckReviews(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "reviews.yaml")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`reviews:
  - {requirement: MDR.AI.1, outcome: met, reviewer: QA, date: 2026-11-20, evidence: BRA-12 rev. C}
  - {requirement: MDCG1916.5.2, outcome: not-met, reviewer: QA, date: 2026-11-20, evidence: SOP-14 rev. B}
`)

	code, out, errs := run(t, "check", "--date", date, "--no-vulns", "--reviews", file, "examples/pacemaker-system/device.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"1 on reviews)", "review: not-met by QA on 2026-11-20: SOP-14 rev. B"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	_, md, _ := run(t, "check", "--date", date, "--no-vulns", "-f", "md", "--reviews", file, "examples/pacemaker-system/device.yaml")
	if !strings.Contains(md, "| **MDR.AI.1** ") || !strings.Contains(md, "met (review) | reviewed by QA on 2026-11-20: BRA-12 rev. C |") {
		t.Errorf("markdown does not show the review:\n%s", md)
	}
	_, js, _ := run(t, "check", "--date", date, "--no-vulns", "-f", "json", "--reviews", file, "examples/pacemaker-system/device.yaml")
	var r struct {
		Summary struct {
			Requirements map[string]int `json:"requirements"`
			MetOnReviews int            `json:"metOnReviews"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	var b struct {
		Summary struct {
			Requirements map[string]int `json:"requirements"`
		} `json:"summary"`
	}
	_, bjs, _ := run(t, "check", "--date", date, "--no-vulns", "-f", "json", "examples/pacemaker-system/device.yaml")
	if err := json.Unmarshal([]byte(bjs), &b); err != nil {
		t.Fatal(err)
	}
	if r.Summary.MetOnReviews != 1 || r.Summary.Requirements["manual"] != b.Summary.Requirements["manual"]-2 ||
		r.Summary.Requirements["met"] != b.Summary.Requirements["met"]+1 || r.Summary.Requirements["missed"] != b.Summary.Requirements["missed"]+1 {
		t.Errorf("with reviews %+v, without %+v", r.Summary, b.Summary)
	}

	for _, tc := range []struct{ content, want string }{
		{"reviews:\n  - {requirement: MDR.AI.17.2, outcome: met, reviewer: QA, date: 2026-11-20, evidence: x}\n", "reviews.yaml:2:19: MDR.AI.17.2 is decided by rules"},
		{"reviews:\n  - {requirement: MDR.AI.1, outcome: ok, reviewer: QA, date: 2026-11-20, evidence: x}\n", `outcome "ok"`},
	} {
		write(tc.content)
		code, _, errs := run(t, "check", "--date", date, "--no-vulns", "--reviews", file, "examples/pacemaker-system/device.yaml")
		if code != ExitInput || !strings.Contains(errs, tc.want) {
			t.Errorf("exit %d, stderr %q; want %d with %q", code, errs, ExitInput, tc.want)
		}
	}
}
