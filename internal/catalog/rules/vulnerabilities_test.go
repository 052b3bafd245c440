package rules

import (
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/severity"
)

// runVulnRule evaluates the known-vulnerabilities rule on component main
// with an SBOM, given what the run knows: the database (nil: none) and
// the component's matching result (nil: not matched).
func runVulnRule(t *testing.T, db *evidence.VulnDatabase, v *evidence.Vulnerabilities) []catalog.Finding {
	t.Helper()
	dev, cl := withSBOM(t)
	ev := evidence.NewSet()
	ev.AddSBOM(evidence.SBOM{Component: "main", Path: "components[0].sbom", File: "fw.cdx.json", Format: "CycloneDX", SpecVersion: "1.6", Components: 3})
	if db != nil {
		ev.SetVulnDatabase(*db)
	}
	if v != nil {
		v.Component, v.Path = "main", "components[0].sbom"
		ev.AddVulnerabilities(*v)
	}
	fs := catalog.Evaluate([]catalog.Rule{knownVulnerabilities}, &catalog.Input{Device: dev, Classification: cl, Evidence: ev, Now: now})
	seenMu.Lock()
	if seen[knownVulnerabilities.ID] == nil {
		seen[knownVulnerabilities.ID] = map[catalog.Status]bool{}
	}
	for _, f := range fs {
		seen[knownVulnerabilities.ID][f.Status] = true
	}
	seenMu.Unlock()
	return fs
}

func TestKnownVulnerabilitiesNotAssessed(t *testing.T) {
	db := &evidence.VulnDatabase{Hash: "sha256:80cf750d8382a078fda09224b5ecbcbcd6ea3d1a70d3e179e4d7f2056a03b698", Newest: "2024-10-22T16:07:16Z"}
	tests := []struct {
		name   string
		db     *evidence.VulnDatabase
		v      *evidence.Vulnerabilities
		detail string
	}{
		{"no database", nil, nil, "against no vulnerability database"},
		{"SBOM not read", db, nil, "could not be read"},
		{"matching failed", db, &evidence.Vulnerabilities{Err: "database is locked"}, "database is locked"},
		{"nothing covered", db, &evidence.Vulnerabilities{Packages: 3, NotCheckable: 1, NoData: 2}, "none of the SBOM's 3 packages is covered by the database (sha256:80cf750d8382, newest record 2024-10-22): 1 without a package URL or CPE it can match (see sbom/components-checkable), 2 whose ecosystem or CPE vendor is in none of its records"},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			fs := runVulnRule(t, tc.db, tc.v)
			if len(fs) != 1 || fs[0].Status != catalog.Unknown || fs[0].Subject != "main" || !strings.Contains(fs[0].Detail, tc.detail) {
				t.Fatalf("findings = %+v, want one unknown on main saying %q", fs, tc.detail)
			}
			if fs[0].Remediation == "" {
				t.Error("an unknown finding without remediation")
			}
		})
	}
}

func TestKnownVulnerabilitiesClean(t *testing.T) {
	db := &evidence.VulnDatabase{Hash: "sha256:80cf750d8382a078fda09224b5ecbcbcd6ea3d1a70d3e179e4d7f2056a03b698", Newest: "2024-10-22T16:07:16Z"}
	fs := runVulnRule(t, db, &evidence.Vulnerabilities{Packages: 3, Checked: 2, NoData: 1})
	if len(fs) != 1 || fs[0].Status != catalog.Pass || fs[0].Subject != "main" {
		t.Fatalf("findings = %+v, want one pass on main", fs)
	}
	want := "no known vulnerability in the 2 of 3 packages the database covers (sha256:80cf750d8382, newest record 2024-10-22): 1 whose ecosystem or CPE vendor is in none of its records"
	if fs[0].Detail != want {
		t.Errorf("detail = %q, want %q", fs[0].Detail, want)
	}
	if len(fs[0].Evidence) != 1 || fs[0].Evidence[0].Strength != evidence.Observed || fs[0].Strength != evidence.Observed {
		t.Errorf("evidence = %+v (%s), want the SBOM, observed", fs[0].Evidence, fs[0].Strength)
	}
}

func TestKnownVulnerabilitiesFound(t *testing.T) {
	db := &evidence.VulnDatabase{Hash: "sha256:0123", Newest: "2026-11-28T00:00:00Z", KEV: true}
	v := &evidence.Vulnerabilities{Packages: 3, Checked: 3, Found: []evidence.VulnFound{
		{
			ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"}, Summary: "Remote code injection in Log4j",
			Packages: []string{"log4j-core 2.14.1"}, Fixed: []string{"2.15.0"}, Method: "purl/range", Confidence: "high",
			Safety: severity.Critical, SafetyScore: 9.1, SafetyReason: "Critical: a critical flaw (CVSS 10.0) in log4j-core 2.14.1, on Main.",
			KEV: "2021-12-10", KEVRansomware: true, EPSS: 0.944, EPSSPercentile: 0.99,
		},
		{
			ID: "GHSA-xvch-5gv4-984h", Packages: []string{"minimist 0.0.8", "minimist 1.2.0"}, Method: "purl/range", Confidence: "high",
			Safety: severity.Medium, SafetyReason: "Medium: a critical flaw (CVSS 9.8) in minimist 0.0.8, on Main.",
			VEX: &evidence.VEX{Status: "not_affected", Justification: "vulnerable_code_not_in_execute_path", Impact: "Only used at build time.", Source: "vendor.openvex.json", Suppressed: true},
		},
		{
			ID: "CVE-2024-0001", Packages: []string{"zlib 1.2.11"}, Method: "cpe/range", Confidence: "medium",
			VEX: &evidence.VEX{Status: "affected", Action: "Update to firmware 2.1.", Source: "vendor.openvex.json"},
		},
		{
			ID: "CVE-2024-5535", Packages: []string{"openssl 1.1.1n-0+deb11u3"}, Method: "name/range", Confidence: "low",
			Safety: severity.Critical, SafetyReason: "Critical.",
		},
	}}
	fs := runVulnRule(t, db, v)
	if len(fs) != 4 {
		t.Fatalf("%d findings, want one per vulnerability: %+v", len(fs), fs)
	}
	by := map[string]catalog.Finding{}
	for _, f := range fs {
		if f.Status != catalog.Fail {
			t.Errorf("%s: %s, want fail (VEX waives through the waiver mechanism, not the rule)", f.ID, f.Status)
		}
		by[f.Subject] = f
	}
	log4j := by["main/GHSA-jfh8-c2jp-5v3q"]
	if log4j.Severity != catalog.Critical || !log4j.Exploited {
		t.Errorf("log4j: severity %s, exploited %v; want critical, exploited", log4j.Severity, log4j.Exploited)
	}
	if strings.Contains(log4j.Detail, "confidence") {
		t.Errorf("a match of high confidence is qualified: %q", log4j.Detail)
	}
	for _, s := range []string{"GHSA-jfh8-c2jp-5v3q (CVE-2021-44228): Remote code injection in Log4j.", "Fixed in 2.15.0.",
		"For patients: Critical: a critical flaw (CVSS 10.0)", "Known exploited (CISA KEV, added 2021-12-10), used in ransomware campaigns.", "EPSS 0.944 (percentile 0.99)."} {
		if !strings.Contains(log4j.Detail, s) {
			t.Errorf("log4j detail %q lacks %q", log4j.Detail, s)
		}
	}
	if len(log4j.Evidence) != 2 || log4j.Evidence[1].Path != "components[0].vulnerabilities[GHSA-jfh8-c2jp-5v3q]" ||
		log4j.Evidence[1].Strength != evidence.Observed || log4j.Evidence[1].Source.Kind != "advisory" ||
		!strings.Contains(log4j.Evidence[1].Source.Detail, "sha256:0123, newest record 2026-11-28") {
		t.Errorf("log4j evidence = %+v", log4j.Evidence)
	}
	minimist := by["main/GHSA-xvch-5gv4-984h"]
	if minimist.Severity != catalog.Medium || minimist.Exploited {
		t.Errorf("minimist: severity %s, exploited %v", minimist.Severity, minimist.Exploited)
	}
	for _, s := range []string{"Affects minimist 0.0.8, minimist 1.2.0.", "No fixed version known.",
		"VEX not_affected (vulnerable_code_not_in_execute_path): Only used at build time."} {
		if !strings.Contains(minimist.Detail, s) {
			t.Errorf("minimist detail %q lacks %q", minimist.Detail, s)
		}
	}
	var vexEv *evidence.Evidence
	for i, e := range minimist.Evidence {
		if e.Source.Kind == "vex" {
			vexEv = &minimist.Evidence[i]
		}
	}
	if vexEv == nil || vexEv.Strength != evidence.Claimed || vexEv.Source.File != "vendor.openvex.json" || minimist.Strength != evidence.Claimed {
		t.Errorf("minimist evidence = %+v, want the VEX statement as a claim", minimist.Evidence)
	}
	// Only a low-confidence match is tentative: fixed after confirmed ones.
	for subject, want := range map[string]bool{"main/GHSA-jfh8-c2jp-5v3q": false, "main/CVE-2024-0001": false, "main/CVE-2024-5535": true} {
		if got := by[subject].Tentative; got != want {
			t.Errorf("%s: tentative %v, want %v", subject, got, want)
		}
	}
	// Not weighed for patients: never taken as harmless.
	zlib := by["main/CVE-2024-0001"]
	if zlib.Severity != catalog.High || !strings.Contains(zlib.Detail, "VEX affected; action: Update to firmware 2.1.") ||
		!strings.Contains(zlib.Detail, "Matched by cpe/range, confidence medium: confirm it against the supplier's or distribution's advisory.") {
		t.Errorf("zlib: severity %s, detail %q", zlib.Severity, zlib.Detail)
	}
}
