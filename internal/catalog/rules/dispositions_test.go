package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/severity"
)

// found is what matching component main's SBOM showed in the disposition
// tests: two vulnerabilities, one known by its alias.
var found = []evidence.VulnFound{
	{ID: "CVE-2024-0001", Packages: []string{"openssl 3.0.1"}, Method: "purl", Confidence: "high", Safety: severity.High, SafetyReason: "x"},
	{ID: "GHSA-aaaa-bbbb-cccc", Aliases: []string{"CVE-2024-0002"}, Packages: []string{"zlib 1.2"}, Method: "purl", Confidence: "high", Safety: severity.Medium, SafetyReason: "x"},
}

// runWithVulns evaluates rules on a model whose component main has an
// SBOM; matched says whether the run matched it against a database.
func runWithVulns(t *testing.T, rs []catalog.Rule, src string, matched bool) []catalog.Finding {
	t.Helper()
	dev, err := model.Parse("device.yaml", []byte(src))
	if err != nil {
		t.Fatalf("bad test model: %v", err)
	}
	cl, err := classify.Classify(dev)
	if err != nil {
		t.Fatal(err)
	}
	ev := evidence.NewSet()
	if matched {
		ev.SetVulnDatabase(evidence.VulnDatabase{Hash: "sha256:80cf750d8382a078fda09224b5ecbcbcd6ea3d1a70d3e179e4d7f2056a03b698"})
		ev.AddVulnerabilities(evidence.Vulnerabilities{Component: "main", Path: "components[0].sbom", Packages: 2, Checked: 2, Found: found})
	}
	fs := catalog.Evaluate(rs, &catalog.Input{Device: dev, Classification: cl, Evidence: ev, Now: now})
	seenMu.Lock()
	defer seenMu.Unlock()
	for _, f := range fs {
		if seen[f.Rule] == nil {
			seen[f.Rule] = map[catalog.Status]bool{}
		}
		seen[f.Rule][f.Status] = true
		if f.Status != catalog.Pass && f.Detail == "" {
			t.Errorf("%s: %s without a detail", f.ID, f.Status)
		}
		if (f.Status == catalog.Pass || f.Status == catalog.Fail) && len(f.Evidence) == 0 {
			t.Errorf("%s: %s cites no evidence", f.ID, f.Status)
		}
	}
	return fs
}

func statuses(fs []catalog.Finding) map[string]catalog.Status {
	got := map[string]catalog.Status{}
	for _, f := range fs {
		got[f.Subject] = f.Status
	}
	return got
}

const complete = `dispositions:
  - vulnerability: CVE-2024-0001
    exploitable: false
    justification: vulnerable_code_not_in_execute_path
    analysis: The device never calls the affected function.
    patientSafetyImpact: none
    decision: not-affected
    owner: psirt@acme.example
    date: 2026-10-01
`

func TestDispositionRecorded(t *testing.T) {
	withSBOMModel := one("    sbom: fw.cdx.json\n")
	tests := []struct {
		name    string
		src     string
		matched bool
		want    map[string]catalog.Status
		detail  map[string]string
	}{
		{"not matched", withSBOMModel, false, want{"main": unk}, nil},
		{"none recorded", withSBOMModel, true, want{"main/CVE-2024-0001": fail_, "main/GHSA-aaaa-bbbb-cccc": fail_},
			map[string]string{"main/CVE-2024-0001": "no disposition records"}},
		{"one complete, one by alias incomplete", withSBOMModel + complete + `  - vulnerability: CVE-2024-0002
    components: [main]
    decision: accept
    owner: psirt@acme.example
`, true, want{"main/CVE-2024-0001": pass_, "main/GHSA-aaaa-bbbb-cccc": fail_},
			map[string]string{"main/GHSA-aaaa-bbbb-cccc": "disposition incomplete: no exploitability analysis (exploitable, analysis), no patient-safety impact, accept without a benefit-risk reason, no date",
				"main/CVE-2024-0001": "not affected (vulnerable_code_not_in_execute_path); patient-safety impact none; by psirt@acme.example on 2026-10-01"}},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			fs := runWithVulns(t, []catalog.Rule{dispositionRecorded}, tc.src, tc.matched)
			if diff := cmp.Diff(tc.want, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			for _, f := range fs {
				if d, ok := tc.detail[f.Subject]; ok && !strings.Contains(f.Detail, d) {
					t.Errorf("%s: detail %q lacks %q", f.Subject, f.Detail, d)
				}
			}
		})
	}
}

func TestFixOnTime(t *testing.T) {
	base := one("    sbom: fw.cdx.json\n")
	fix := func(due string) string {
		return base + "dispositions:\n  - vulnerability: CVE-2024-0001\n    exploitable: true\n    patientSafetyImpact: high\n    decision: fix\n    fixVersion: \"2.1\"\n" + due + "    owner: psirt\n    date: 2026-10-01\n"
	}
	tests := []struct {
		name    string
		src     string
		matched bool
		want    map[string]catalog.Status
	}{
		{"not matched", fix("    due: 2027-01-31\n"), false, want{"main": unk}},
		{"due ahead", fix("    due: 2027-01-31\n"), true, want{"main/CVE-2024-0001": pass_}},
		{"due today", fix("    due: 2026-11-29\n"), true, want{"main/CVE-2024-0001": pass_}},
		{"overdue", fix("    due: 2026-11-28\n"), true, want{"main/CVE-2024-0001": fail_}},
		{"no due date", fix(""), true, want{"main/CVE-2024-0001": unk}},
		{"no fix decided", base + complete, true, want{"device": na}},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			fs := runWithVulns(t, []catalog.Rule{fixOnTime}, tc.src, tc.matched)
			if diff := cmp.Diff(tc.want, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDispositionSetsAside: a complete disposition sets the
// vulnerability's finding aside by itself, a fix until its due date; an
// incomplete one, or a fix with no date, leaves it open and says why.
func TestDispositionSetsAside(t *testing.T) {
	base := one("    sbom: fw.cdx.json\n")
	d := func(body string) string {
		return base + "dispositions:\n  - vulnerability: CVE-2024-0001\n    exploitable: true\n    analysis: reachable over BLE\n    patientSafetyImpact: medium\n    owner: psirt\n    date: 2026-10-01\n" + body
	}
	tests := []struct {
		name             string
		src              string
		suppressed       bool
		status, contains string
	}{
		{"none", base, false, "", ""},
		{"not affected", base + complete, true, "not_affected", "Disposition (2026-10-01, psirt@acme.example): not affected (vulnerable_code_not_in_execute_path)"},
		{"mitigated", d("    decision: mitigate\n    mitigation: BLE off outside clinic sessions\n"), true, "affected", "mitigated: BLE off outside clinic sessions"},
		{"accepted", d("    decision: accept\n    benefitRisk: therapy benefit outweighs a proximity-only risk\n"), true, "affected", "residual risk accepted"},
		{"fix due", d("    decision: fix\n    due: 2027-01-31\n"), true, "affected", "fix due 2027-01-31"},
		{"fix overdue", d("    decision: fix\n    due: 2026-11-01\n"), false, "affected", "fix due 2026-11-01"},
		{"fix undated", d("    decision: fix\n    fixVersion: \"2.1\"\n"), false, "", "fix in 2.1"},
		{"incomplete", d("    decision: accept\n"), false, "", "Incomplete: accept without a benefit-risk reason"},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			fs := runWithVulns(t, []catalog.Rule{knownVulnerabilities}, tc.src, true)
			var f *catalog.Finding
			for i := range fs {
				if fs[i].Subject == "main/CVE-2024-0001" {
					f = &fs[i]
				}
			}
			if f == nil {
				t.Fatalf("no finding on main/CVE-2024-0001: %+v", fs)
			}
			if f.Suppressed() != tc.suppressed {
				t.Errorf("suppressed = %v, want %v (%+v)", f.Suppressed(), tc.suppressed, f.Suppression)
			}
			if tc.status != "" && (f.Suppression == nil || f.Suppression.By != catalog.ByDisposition || f.Suppression.Status != tc.status) {
				t.Errorf("suppression = %+v, want by disposition with status %s", f.Suppression, tc.status)
			}
			if !strings.Contains(f.Detail, tc.contains) {
				t.Errorf("detail %q lacks %q", f.Detail, tc.contains)
			}
		})
	}
}

// TestDispositionsFile: dispositions in a file the model names join the
// model's, cited at their own file and line; mistakes in it are reported
// with that file's name.
func TestDispositionsFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("fw.cdx.json", "{}")
	write("device.yaml", one("    sbom: fw.cdx.json\n")+"dispositionsFile: risk/dispositions.yaml\n")
	if err := os.Mkdir(filepath.Join(dir, "risk"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("risk/dispositions.yaml", complete)
	dev, err := model.Load(filepath.Join(dir, "device.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, path, ok := dev.DispositionFor("main", "CVE-2024-0001")
	if !ok || d.Owner != "psirt@acme.example" {
		t.Fatalf("disposition from the file not found: %+v %v", d, ok)
	}
	if p := dev.Pos(path + ".owner"); !strings.HasSuffix(p.File, filepath.Join("risk", "dispositions.yaml")) || p.Line != 8 {
		t.Errorf("position of the owner = %v, want risk/dispositions.yaml:8", p)
	}

	for _, tc := range []struct{ content, want string }{
		{strings.Replace(complete, "decision: not-affected", "decision: ignore", 1), "dispositions.yaml:7:15: "},
		{complete + "  - vulnerability: cve-2024-0001\n    decision: fix\n", "dispositions.yaml:10:20: cve-2024-0001 is disposed twice for every component (also at "},
		{strings.Replace(complete, "vulnerability: CVE-2024-0001", "vulnerability: CVE-2024-0001\n    components: [mian]", 1), `dispositions.yaml:3:18: "mian"`},
		{"dispositions:\n  - decision: fix\n", `missing required field "vulnerability"`},
		{"", "file is empty; expected a dispositions: list"},
	} {
		write("risk/dispositions.yaml", tc.content)
		_, err := model.Load(filepath.Join(dir, "device.yaml"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want it to contain %q", err, tc.want)
		}
	}
	write("device.yaml", one("    sbom: fw.cdx.json\n")+"dispositionsFile: risk/nothing.yaml\n")
	if _, err := model.Load(filepath.Join(dir, "device.yaml")); err == nil || !strings.Contains(err.Error(), `device.yaml:10:19: dispositions file "risk/nothing.yaml" not found`) {
		t.Errorf("error = %v, want the missing file named at its line", err)
	}
}
