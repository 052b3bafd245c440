package cli

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vex"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/csaf"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/nvd"
	"github.com/mdcheck/mdcheck/internal/vuln/store"

	"github.com/mdcheck/mdcheck/internal/vuln"

	cdx "github.com/CycloneDX/cyclonedx-go"
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
	code, out, errs = run(t, "db", "status", "--db", db, "-f", "json")
	var st store.Status
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil || st.Records != 11 || !strings.HasPrefix(st.Hash, "sha256:") || st.Ecosystems["npm"] == 0 {
		t.Errorf("db status -f json: exit %d, %v, %+v\n%s", code, err, st, errs)
	}
	if code, _, errs := run(t, "db", "status", "--db", db, "-f", "yaml"); code != 2 || !strings.Contains(errs, "table or json") {
		t.Errorf("db status -f yaml: exit %d, %q", code, errs)
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
	// The default, seven days, and ages in days and weeks.
	for _, args := range [][]string{{}, {"--max-db-age", "7d"}, {"--max-db-age", "2w"}} {
		_, _, errs = run(t, append([]string{"scan", "--db", db, sbomFile}, args...)...)
		if !strings.Contains(errs, "warning: the newest vulnerability record is") {
			t.Errorf("%q: no staleness warning: %q", args, errs)
		}
	}
	_, _, errs = run(t, "scan", "--db", db, "--max-db-age", "36500d", sbomFile)
	if strings.Contains(errs, "warning") {
		t.Errorf("a century still warns: %q", errs)
	}
	code, _, errs := run(t, "scan", "--db", db, "--max-db-age", "7x", sbomFile)
	if code != 2 || !strings.Contains(errs, "7d, 2w or 36h") {
		t.Errorf("--max-db-age 7x: exit %d, %q", code, errs)
	}
}

func TestAgeFlag(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "1.5d": 36 * time.Hour, "36h": 36 * time.Hour, "0": 0} {
		var a age
		if err := a.Set(in); err != nil || time.Duration(a) != want {
			t.Errorf("Set(%q) = %v, %v; want %v", in, time.Duration(a), err, want)
		}
	}
	for _, in := range []string{"", "d", "-1d", "xd", "1e9d", "-5h", "7x"} {
		var a age
		if err := a.Set(in); err == nil {
			t.Errorf("Set(%q) accepted: %v", in, time.Duration(a))
		}
	}
	for _, tt := range []struct {
		a    age
		want string
	}{{age(7 * 24 * time.Hour), "7d"}, {age(36 * time.Hour), "36h0m0s"}, {0, "0s"}} {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
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

// bombStreams remembers the compressed zeros of each size writeBombZip
// made: compressing hundreds of MiB twice costs tens of seconds under the
// race detector.
var bombStreams = map[[1]int]*bytes.Buffer{}

// TestHostileVulnImportMemory runs `mdcheck db import` on a zip bomb whose
// header lies about its size and on a 1 GB record file, in a child process:
// each is refused with an error naming it, peak RSS stays under 256 MiB, and
// the existing database is left as it was.
func TestHostileVulnImportMemory(t *testing.T) {
	bin, dir := buildBinary(t)
	db := importCurated(t)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	// A bomb whose header says 100 bytes, and one that admits its 300 MiB.
	bomb := filepath.Join(dir, "all.zip")
	writeBombZip(t, bomb, "GHSA-bomb.json", 300<<20, 100)
	honest := filepath.Join(dir, "honest.zip")
	writeBombZip(t, honest, "GHSA-big.json", 300<<20, 300<<20)
	huge := sparseFile(t, filepath.Join(dir, "huge.json"), 1<<30)
	// An EPSS file of valid rows that gzip shrinks from 300 MiB.
	epss := filepath.Join(dir, "epss.csv.gz")
	var gz bytes.Buffer
	// The fastest level: under the race detector the default one takes
	// most of the test's time.
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write([]byte("#model_version:v1,score_date:2026-01-01T00:00:00Z\ncve,epss,percentile\n"))
	rows := bytes.Repeat([]byte("CVE-2021-44228,0.94358,0.99960\n"), 1<<15)
	for n := 0; n < 300<<20; n += len(rows) {
		zw.Write(rows)
	}
	zw.Close()
	if err := os.WriteFile(epss, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// A CSAF document of small objects just under the cap on arrays and
	// objects, which schema validation decodes generically.
	csafWide := filepath.Join(dir, "wide-csaf.json")
	if err := os.WriteFile(csafWide, []byte(`{"document":{"csaf_version":"2.0"},"x":[`+strings.Repeat(`{"a":1},`, 199_000)+`{}]}`), 0o600); err != nil {
		t.Fatal(err)
	}

	for input, want := range map[string]string{bomb: "expands past the 100 bytes its header declares", honest: "entry is 314572800 bytes uncompressed", huge: "file is 1073741824 bytes", epss: "expands past 64 MiB (a gzip bomb?)", csafWide: "not valid CSAF 2.0"} {
		t.Run(filepath.Base(input), func(t *testing.T) {
			stderr := measure(t, ExitInput, bin, "db", "import", "--db", db, input)
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr %q lacks %q", stderr, want)
			}
			after, err := os.ReadFile(db)
			if err != nil || !bytes.Equal(before, after) {
				t.Fatalf("database changed or unreadable after a refused import (%v)", err)
			}
			if code, out, errs := run(t, "db", "status", "--db", db); code != 0 || !strings.Contains(out, "Records:  11") {
				t.Errorf("database unusable after a refused import: exit %d\n%s%s", code, out, errs)
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db), ".*.tmp*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// writeBombZip writes a zip with one entry of n zero bytes whose header
// claims declared bytes.
func writeBombZip(t *testing.T, path, name string, n, declared int) {
	t.Helper()
	key := [1]int{n}
	comp, ok := bombStreams[key]
	if !ok {
		var buf bytes.Buffer
		fw, err := flate.NewWriter(&buf, flate.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		chunk := make([]byte, 1<<20)
		for written := 0; written < n; written += len(chunk) {
			if _, err := fw.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
		if err := fw.Close(); err != nil {
			t.Fatal(err)
		}
		comp = &buf
		bombStreams[key] = comp
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(declared)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(comp.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestScanCycloneDX(t *testing.T) {
	db := importCurated(t)
	const sbomFile = "examples/pacemaker-system/sbom/portal-frontend.cdx.json"
	code, out, errs := run(t, "scan", "--db", db, "--max-db-age", "0", "-f", "cyclonedx", sbomFile)
	if code != 0 {
		t.Fatalf("scan -f cyclonedx: exit %d\n%s", code, errs)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(strings.NewReader(out), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("output is not CycloneDX JSON: %v", err)
	}
	if bom.SpecVersion != cdx.SpecVersion1_6 || bom.Vulnerabilities == nil || bom.Components == nil {
		t.Fatalf("spec %v, vulnerabilities %v", bom.SpecVersion, bom.Vulnerabilities)
	}
	refs := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		refs[c.BOMRef] = c
	}
	var v *cdx.Vulnerability
	for i := range *bom.Vulnerabilities {
		if (*bom.Vulnerabilities)[i].ID == "GHSA-xvch-5gv4-984h" {
			v = &(*bom.Vulnerabilities)[i]
		}
	}
	if v == nil {
		t.Fatalf("GHSA-xvch-5gv4-984h not in the report")
	}
	if v.Affects == nil || len(*v.Affects) == 0 {
		t.Fatal("vulnerability affects nothing")
	}
	for _, a := range *v.Affects {
		if c, ok := refs[a.Ref]; !ok || c.Name != "minimist" {
			t.Errorf("affects %q, which is not a minimist component of the report", a.Ref)
		}
	}
	if v.References == nil || !slices.ContainsFunc(*v.References, func(r cdx.VulnerabilityReference) bool { return r.ID == "CVE-2021-44906" }) {
		t.Errorf("alias CVE-2021-44906 not among the references: %+v", v.References)
	}
	if v.Ratings == nil || (*v.Ratings)[0].Method != cdx.ScoringMethodCVSSv31 || (*v.Ratings)[0].Severity != cdx.SeverityCritical {
		t.Errorf("ratings = %+v", v.Ratings)
	}
	if v.Properties == nil || !strings.Contains((*v.Properties)[0].Value, "purl/range high") || !strings.Contains(v.Recommendation, "upgrade to") {
		t.Errorf("match properties %+v, recommendation %q", v.Properties, v.Recommendation)
	}
	if code, _, errs := run(t, "scan", "--db", db, "-f", "cyclonedx", sbomFile, sbomFile); code != 2 || !strings.Contains(errs, "one SBOM") {
		t.Errorf("two SBOMs with -f cyclonedx: exit %d, %q", code, errs)
	}
}

func TestScanProgress(t *testing.T) {
	var buf bytes.Buffer
	newProgress(&buf).update(app.Progress{What: "x.json", Done: 1, Total: 1})
	if buf.Len() != 0 {
		t.Errorf("progress drawn on a non-terminal: %q", buf.String())
	}
	p := &progress{w: &buf, on: true}
	for i := int64(1); i <= 3; i++ {
		p.update(app.Progress{What: "sbom/x.cdx.json", Done: i, Total: 3})
	}
	p.done()
	out := buf.String()
	if !strings.Contains(out, "scanning x.cdx.json: 3/3 components") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q", out)
	}
}

// TestScanKEVAndEPSS imports a KEV catalog and EPSS scores with the OSV
// records and checks that every output format shows them on a Log4Shell
// match.
func TestScanKEVAndEPSS(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vuln.db")
	code, out, errs := run(t, "db", "import", "--db", db, "internal/vuln/testdata/osv", "internal/vuln/testdata/kev/kev-subset.json", "internal/vuln/testdata/epss/epss-synthetic.csv")
	if code != 0 {
		t.Fatalf("db import: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ = run(t, "db", "status", "--db", db)
	for _, want := range []string{"KEV:      5 known exploited vulnerabilities, catalog 2025.08.25", "EPSS:     4 CVEs scored on 2025-08-25T12:55:00Z (model v2025.03.14)"} {
		if !strings.Contains(out, want) {
			t.Errorf("db status lacks %q:\n%s", want, out)
		}
	}
	sbomFile := filepath.Join(t.TempDir(), "app.cdx.json")
	os.WriteFile(sbomFile, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"bom-ref":"log4j","name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]}`), 0o600)
	_, out, _ = run(t, "scan", "--db", db, "--max-db-age", "0", sbomFile)
	if !strings.Contains(flat(out), "KEV 2021-12-10, ransomware; EPSS 94.4%") {
		t.Errorf("table lacks the KEV and EPSS of Log4Shell:\n%s", out)
	}
	_, out, _ = run(t, "scan", "--db", db, "--max-db-age", "0", "-f", "json", sbomFile)
	var res struct {
		Results []struct {
			Matches []vuln.Match `json:"matches"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range res.Results[0].Matches {
		if m.ID == "GHSA-jfh8-c2jp-5v3q" {
			found = m.KEV != nil && m.KEV.DueDate == "2021-12-24" && m.EPSS != nil && m.EPSS.Percentile == 0.9996
		}
	}
	if !found {
		t.Errorf("JSON lacks KEV and EPSS on GHSA-jfh8-c2jp-5v3q:\n%s", out)
	}
	_, out, _ = run(t, "scan", "--db", db, "--max-db-age", "0", "-f", "cyclonedx", sbomFile)
	for _, want := range []string{`"name": "mdcheck:kev:dateAdded",`, `"value": "2021-12-10"`, `"name": "mdcheck:epss:score",`, `"value": "0.94358"`} {
		if !strings.Contains(out, want) {
			t.Errorf("CycloneDX lacks %s", want)
		}
	}
}

// TestScanVEX scans with an OpenVEX document that says a match does not
// affect the package: the match stays, marked, and no longer fails the
// scan.
func TestScanVEX(t *testing.T) {
	db := importCurated(t)
	dir := t.TempDir()
	sbomFile := jwtSBOM(t, dir)
	vexFile := filepath.Join(dir, "app.openvex.json")
	os.WriteFile(vexFile, []byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "Example Medical",
 "timestamp": "2026-01-01T00:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "GHSA-c7hr-j4mj-j2w6"}, "products": [{"@id": "pkg:npm/app@1.0.0", "subcomponents": [{"@id": "pkg:npm/jsonwebtoken"}]}],
  "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path", "impact_statement": "tokens are never verified with this library"},
 {"vulnerability": {"name": "CVE-2022-23529"}, "products": [{"@id": "pkg:npm/jsonwebtoken@0.4.0"}],
  "status": "not_affected", "justification": "inline_mitigations_already_exist"}]}`), 0o600)

	if code, _, _ := run(t, "scan", "--db", db, "--max-db-age", "0", "--fail-on", "low", sbomFile); code != ExitFindings {
		t.Fatalf("without VEX: exit %d, want %d", code, ExitFindings)
	}
	code, out, errs := run(t, "scan", "--db", db, "--max-db-age", "0", "--fail-on", "low", "--vex", vexFile, sbomFile)
	if code != 0 {
		t.Errorf("with VEX: exit %d (%s)", code, errs)
	}
	for _, want := range []string{"2 matches (2 of them not affected or fixed by VEX)", "VEX not_affected: vulnerable_code_not_in_execute_path", "VEX not_affected: inline_mitigations_already_exist"} {
		if !strings.Contains(flat(out), want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = run(t, "scan", "--db", db, "--max-db-age", "0", "--vex", vexFile, "-f", "json", sbomFile)
	if !strings.Contains(out, `"vex": {`) || !strings.Contains(out, `"impact": "tokens are never verified with this library"`) {
		t.Errorf("JSON lacks the VEX statement:\n%s", out)
	}
	_, out, _ = run(t, "scan", "--db", db, "--max-db-age", "0", "--vex", vexFile, "-f", "cyclonedx", sbomFile)
	for _, want := range []string{`"state": "not_affected"`, `"justification": "code_not_reachable"`, `"justification": "protected_by_mitigating_control"`, `"value": "jwt not_affected: vulnerable_code_not_in_execute_path"`} {
		if !strings.Contains(out, want) {
			t.Errorf("CycloneDX lacks %s:\n%s", want, out)
		}
	}
	// OpenVEX out: the statements read carry through; it reads back.
	_, out, _ = run(t, "scan", "--db", db, "--max-db-age", "0", "--vex", vexFile, "-f", "openvex", sbomFile)
	back := filepath.Join(dir, "back.openvex.json")
	os.WriteFile(back, []byte(out), 0o600)
	stmts, err := vex.ReadFile(back)
	if err != nil || len(stmts) != 2 {
		t.Fatalf("scan -f openvex reads back as %+v, %v:\n%s", stmts, err, out)
	}
	for _, s := range stmts {
		if s.Status != "not_affected" || s.Justification == "" || !slices.Contains(s.Packages, "pkg:npm/jsonwebtoken@0.4.0") {
			t.Errorf("statement %+v", s)
		}
	}
	_, out, _ = run(t, "scan", "--db", db, "--max-db-age", "0", "-f", "openvex", sbomFile)
	if !strings.Contains(out, `"status": "under_investigation"`) || strings.Contains(out, "not_affected") {
		t.Errorf("without VEX, the scan's VEX says under investigation:\n%s", out)
	}
	if code, _, errs := run(t, "scan", "--db", db, "--vex", filepath.Join(dir, "missing.json"), sbomFile); code != ExitInput || !strings.Contains(errs, "missing.json") {
		t.Errorf("missing VEX file: exit %d, %q", code, errs)
	}
}

// TestHostileVEXMemory gives scan the largest VEX documents it accepts,
// made of nothing but products and affected refs, and one just over the
// bound, in a child process whose peak memory is measured.
func TestHostileVEXMemory(t *testing.T) {
	bin, dir := buildBinary(t)
	db := importCurated(t)
	empty := filepath.Join(dir, "empty.cdx.json")
	if err := os.WriteFile(empty, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fill := func(name, head, item, tail string, size int) string {
		var b bytes.Buffer
		b.WriteString(head)
		for b.Len()+len(item)+len(tail) < size {
			b.WriteString(item)
		}
		b.WriteString(tail)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	openVEX := fill("wide.openvex.json", `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2024-01-01T00:00:00Z","version":1,"statements":[{"vulnerability":{"name":"CVE-2021-1234"},"status":"fixed","products":[`,
		`{"@id":"pkg:npm/a"},`, `{"@id":"pkg:npm/b"}]}]}`, vex.MaxFile)
	cdxVEX := fill("wide.cdx.json", `{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-2021-1234","analysis":{"state":"in_triage"},"affects":[`,
		`{"ref":"x"},`, `{"ref":"y"}]}]}`, vex.MaxFile)
	tooBig := fill("big.openvex.json", `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[`, `{},`, `{}]}`, vex.MaxFile+10)
	for _, f := range []string{openVEX, cdxVEX} {
		measure(t, ExitOK, bin, "scan", "--db", db, "--max-db-age", "0", "--vex", f, empty)
	}
	if errs := measure(t, ExitInput, bin, "scan", "--db", db, "--max-db-age", "0", empty, "--vex", tooBig); !strings.Contains(errs, "a VEX document may be at most 8388608") {
		t.Errorf("stderr %q", errs)
	}
}

// TestLargeAdvisoriesMemory imports the largest KEV catalog, CSAF
// document and NVD page accepted, made of the smallest entries, products
// and CVEs, and a catalog just over the bound, in a child process whose
// peak memory is measured.
func TestLargeAdvisoriesMemory(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	bin, dir := buildBinary(t)
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	kev := func(size int) []byte {
		var b bytes.Buffer
		b.WriteString(`{"catalogVersion":"2026.01.01","vulnerabilities":[`)
		const entry = `{"cveID":"CVE-2021-1234","dateAdded":"2021-01-01"},`
		for b.Len()+2*len(entry) < size {
			b.WriteString(entry)
		}
		b.WriteString(`{"cveID":"CVE-2021-1235","dateAdded":"2021-01-01"}]}`)
		return b.Bytes()
	}
	base, err := os.ReadFile("../vuln/testdata/csaf/icsma-20-049-01.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		t.Fatal(err)
	}
	var branches []any
	for i, size := 0, len(base); size < csaf.MaxDocument-(1<<20); i++ {
		branches = append(branches, map[string]any{"category": "vendor", "name": "a", "product": map[string]any{"name": "p", "product_id": fmt.Sprintf("CSAFPID-%d", i)}})
		size += 84
	}
	doc["product_tree"] = map[string]any{"branches": branches}
	wide, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	page.WriteString(`{"format":"NVD_CVE","vulnerabilities":[`)
	const cve = `{"cve":{"id":"CVE-2021-1234","lastModified":"2021-01-01T00:00:00.000","vulnStatus":"Analyzed","configurations":[]}}`
	for page.Len()+2*len(cve) < nvd.MaxPage {
		page.WriteString(cve + ",")
	}
	page.WriteString(cve + "]}")
	for _, f := range []string{write("kev.json", kev(vuln.MaxKEV)), write("csaf.json", wide), write("nvd.json", page.Bytes())} {
		measure(t, ExitOK, bin, "db", "import", "--db", filepath.Join(dir, filepath.Base(f)+".db"), f)
	}
	if errs := measure(t, ExitInput, bin, "db", "import", "--db", filepath.Join(dir, "large.db"), write("big-kev.json", kev(vuln.MaxKEV+100))); !strings.Contains(errs, "a KEV catalog may be at most 8388608") {
		t.Errorf("stderr %q", errs)
	}
}

// TestScanDevice scans the pacemaker system's SBOMs through its device
// model: the portal's minimist match is weighed for patients.
func TestScanDevice(t *testing.T) {
	db := importCurated(t)
	const model = "examples/pacemaker-system/device.yaml"
	code, out, errs := run(t, "scan", "--db", db, "--max-db-age", "0", "--device", model, "-f", "json")
	if code != 0 {
		t.Fatalf("scan --device: exit %d\n%s", code, errs)
	}
	var res struct {
		Results []struct {
			SBOM    string       `json:"sbom"`
			Matches []vuln.Match `json:"matches"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 3 {
		t.Fatalf("%d SBOMs scanned, want the model's 3", len(res.Results))
	}
	var m *vuln.Match
	for _, r := range res.Results {
		for i := range r.Matches {
			if r.Matches[i].ID == "GHSA-xvch-5gv4-984h" {
				m = &r.Matches[i]
			}
		}
	}
	if m == nil || m.Safety == nil || m.Safety.Level == severity.None || !strings.Contains(m.Safety.Reason, "minimist 0.0.8") || !strings.Contains(m.Safety.Reason, "on ") {
		t.Fatalf("minimist match: %+v", m)
	}
	// The same in the table, and the same SBOM named explicitly.
	_, out, _ = run(t, "scan", "--db", db, "--max-db-age", "0", "--device", model, "examples/pacemaker-system/sbom/portal-frontend.cdx.json")
	if f := flat(out); !strings.Contains(f, strings.ToUpper(m.Safety.Level.String())+" GHSA-xvch-5gv4-984h") || !strings.Contains(f, "for patients "+m.Safety.Level.String()+" (rating ") ||
		!strings.Contains(f, m.Safety.Reason) {
		t.Errorf("table:\n%s", out)
	}
	if code, _, errs := run(t, "scan", "--db", db); code != 2 || !strings.Contains(errs, "needs at least one SBOM") {
		t.Errorf("scan without SBOM: exit %d, %q", code, errs)
	}
	if code, _, errs := run(t, "scan", "--db", db, "--device", "examples/missing.yaml"); code != 2 || !strings.Contains(errs, "missing.yaml") {
		t.Errorf("missing model: exit %d, %q", code, errs)
	}
}

// jwtSBOM writes an SBOM of one npm package with known vulnerabilities
// (jsonwebtoken 0.4.0) into dir.
func jwtSBOM(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "app.cdx.json")
	if err := os.WriteFile(p, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"bom-ref":"jwt","name":"jsonwebtoken","version":"0.4.0","purl":"pkg:npm/jsonwebtoken@0.4.0"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// flat joins a terminal table's wrapped lines: what it says, whatever the
// width it was wrapped to.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
