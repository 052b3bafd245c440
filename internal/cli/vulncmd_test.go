package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// importCurated builds a database from the curated OSV records of
// internal/vuln/testdata and returns its path.
func importCurated(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "vuln.db")
	code, out, errs := run(t, "db", "import", "--db", db, "internal/vuln/testdata/osv")
	if code != 0 {
		t.Fatalf("db import: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "11 records imported") {
		t.Errorf("db import output = %q, want 11 records", out)
	}
	return db
}

func TestDBStatus(t *testing.T) {
	db := importCurated(t)
	code, out, errs := run(t, "db", "status", "--db", db)
	if code != 0 {
		t.Fatalf("db status: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"Records:  11", "Hash:     sha256:", "npm", "NuGet", "Maven"} {
		if !strings.Contains(out, want) {
			t.Errorf("db status output lacks %q:\n%s", want, out)
		}
	}
	code, _, errs = run(t, "db", "status", "--db", filepath.Join(t.TempDir(), "absent.db"))
	if code != 2 || !strings.Contains(errs, "absent.db") {
		t.Errorf("status of a missing database: exit %d, stderr %q; want 2 naming the file", code, errs)
	}
}

func TestScanCommand(t *testing.T) {
	db := importCurated(t)
	const sbomFile = "examples/pacemaker-system/sbom/portal-frontend.cdx.json"

	code, out, errs := run(t, "scan", "--db", db, "-f", "json", sbomFile)
	if code != 0 {
		t.Fatalf("scan: exit %d\n%s", code, errs)
	}
	var got struct {
		Database struct {
			Records int    `json:"records"`
			Hash    string `json:"hash"`
		} `json:"database"`
		Results []struct {
			SBOM    string `json:"sbom"`
			Matches []struct {
				Package, Version, ID, Method, Confidence string
				Aliases, Fixed                           []string
			} `json:"matches"`
			Ledger []struct {
				Package string `json:"package"`
				Checked bool   `json:"checked"`
				Reason  string `json:"reason"`
			} `json:"ledger"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("scan JSON: %v\n%s", err, out)
	}
	if got.Database.Records != 11 || !strings.HasPrefix(got.Database.Hash, "sha256:") {
		t.Errorf("database stamp = %+v", got.Database)
	}
	if len(got.Results) != 1 || got.Results[0].SBOM != sbomFile {
		t.Fatalf("results = %+v, want one for %s", got.Results, sbomFile)
	}
	r := got.Results[0]
	// minimist 0.0.8 is inside GHSA-xvch-5gv4-984h's range (fixed 0.2.4).
	found := false
	for _, m := range r.Matches {
		if m.Package == "minimist" && m.Version == "0.0.8" && m.ID == "GHSA-xvch-5gv4-984h" {
			found = true
			if m.Method == "" || m.Confidence == "" || len(m.Fixed) == 0 || !slices.Contains(m.Aliases, "CVE-2021-44906") {
				t.Errorf("minimist match lacks method, confidence, fix or alias: %+v", m)
			}
		}
	}
	if !found {
		t.Errorf("minimist@0.0.8 not matched to GHSA-xvch-5gv4-984h: %+v", r.Matches)
	}
	// The SBOM's npm components are all checked; the ledger covers every one.
	if len(r.Ledger) < 20 {
		t.Errorf("ledger has %d entries, want one per component", len(r.Ledger))
	}
	for _, c := range r.Ledger {
		if !c.Checked && c.Reason == "" {
			t.Errorf("unchecked component %s without a reason", c.Package)
		}
	}

	code, out, _ = run(t, "scan", "--db", db, sbomFile)
	if code != 0 || !strings.Contains(out, "GHSA-xvch-5gv4-984h (CVE-2021-44906)") || !strings.Contains(out, "components checked") {
		t.Errorf("table scan: exit %d\n%s", code, out)
	}

	if code, _, _ = run(t, "scan", "--db", db, "--fail-on", "critical", sbomFile); code != 1 {
		t.Errorf("--fail-on critical with a critical match: exit %d, want 1", code)
	}
	if code, _, _ = run(t, "scan", "--db", db, "--fail-on", "low", "internal/sbom/testdata/freertos-corepkcs11.spdx"); code != 0 {
		t.Errorf("--fail-on low with no match: exit %d, want 0", code)
	}
	if code, _, errs = run(t, "scan", "--db", db, "--fail-on", "severe", sbomFile); code != 2 || !strings.Contains(errs, "--fail-on") {
		t.Errorf("bad --fail-on: exit %d, stderr %q", code, errs)
	}
	if code, _, errs = run(t, "scan", "--db", db, "-f", "xml", sbomFile); code != 2 || !strings.Contains(errs, "--format") {
		t.Errorf("bad --format: exit %d, stderr %q", code, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.cdx.json")
	if err := os.WriteFile(bad, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs = run(t, "scan", "--db", db, bad); code != 2 || !strings.Contains(errs, "bad.cdx.json") {
		t.Errorf("broken SBOM: exit %d, stderr %q", code, errs)
	}
}

// TestScanStaleWarning checks that a database whose newest record is older
// than --max-db-age draws a warning, and that 0 turns it off.
func TestScanStaleWarning(t *testing.T) {
	db := importCurated(t)
	const sbomFile = "internal/sbom/testdata/freertos-corepkcs11.spdx"
	_, _, errs := run(t, "scan", "--db", db, "--max-db-age", "24h", sbomFile)
	if !strings.Contains(errs, "warning: the newest vulnerability record is") {
		t.Errorf("no staleness warning for curated (years-old) records: %q", errs)
	}
	_, _, errs = run(t, "scan", "--db", db, "--max-db-age", "0", sbomFile)
	if strings.Contains(errs, "warning") {
		t.Errorf("--max-db-age 0 still warns: %q", errs)
	}
}

// TestScanCPE imports OSV and CVE JSON 5 records together and scans the
// infusion pump's firmware SBOM, whose components carry CPEs only.
func TestScanCPE(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vuln.db")
	code, out, errs := run(t, "db", "import", "--db", db, "internal/vuln/testdata/osv", "internal/vuln/testdata/cve5")
	if code != 0 || !strings.Contains(out, "23 records imported") {
		t.Fatalf("db import: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "db", "status", "--db", db)
	if code != 0 || !strings.Contains(out, "CPE          12") {
		t.Errorf("status does not count the CVE records: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "scan", "--db", db, "--max-db-age", "0", "-f", "json", "examples/infusion-pump/sbom/drug-library-server.cdx.json")
	if code != 0 {
		t.Fatalf("scan: exit %d\n%s", code, errs)
	}
	var got struct {
		Results []struct {
			Matches []struct {
				Package, Version, ID, Method, Confidence string
			} `json:"matches"`
			Ledger []struct {
				Package string   `json:"package"`
				Checked bool     `json:"checked"`
				Methods []string `json:"methods"`
			} `json:"ledger"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Results) != 1 {
		t.Fatalf("scan JSON: %v\n%s", err, out)
	}
	found := false
	for _, m := range got.Results[0].Matches {
		if m.ID == "CVE-2023-6936" && m.Version == "4.8.1" && m.Method == "cpe/range" && m.Confidence == "high" {
			found = true
		}
	}
	if !found {
		t.Errorf("wolfSSL 4.8.1 not matched to CVE-2023-6936 by CPE: %+v", got.Results[0].Matches)
	}
	for _, c := range got.Results[0].Ledger {
		if strings.EqualFold(c.Package, "wolfssl") && (!c.Checked || !slices.Contains(c.Methods, "cpe")) {
			t.Errorf("wolfSSL ledger entry %+v, want checked by cpe", c)
		}
	}
}
