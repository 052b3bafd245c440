package csaf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocsaf/csaf/v3/csaf"
	"github.com/mdcheck/mdcheck/internal/testutil/seed"
	"github.com/mdcheck/mdcheck/internal/testutil/shareddata"
)

// gocsafProblems is gocsaf's validation of a document against the full
// CSAF 2.0 schema: the reference for ParseCSAF's own rules.
func gocsafProblems(t testing.TB, data []byte) []string {
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		return []string{err.Error()}
	}
	problems, err := csaf.ValidateCSAF(generic)
	if err != nil {
		t.Fatal(err)
	}
	return problems
}

// csafFiles are the CSAF documents at hand: testdata and, when present,
// the shared collection (108 ICSMA advisories, Red Hat, OASIS examples).
func csafFiles(t *testing.T) []string {
	files, _ := filepath.Glob("../../testdata/csaf/*.json")
	dir := shareddata.Dir(t, "csaf")
	for _, pattern := range []string{"cisa-icsma/*/*.json", "redhat/*.json", "oasis-examples/*.json", "oasis-examples/csaf_vex/*.json"} {
		more, _ := filepath.Glob(filepath.Join(dir, pattern))
		files = append(files, more...)
	}
	return files
}

// TestCSAFRulesAcceptWhatGocsafAccepts: every real document the full
// schema accepts, ParseCSAF reads.
func TestCSAFRulesAcceptWhatGocsafAccepts(t *testing.T) {
	n := 0
	for _, f := range csafFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if p := gocsafProblems(t, data); len(p) > 0 {
			t.Errorf("%s: the reference rejects a real document: %v", f, p)
			continue
		}
		if _, _, err := Parse(f, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		n++
	}
	t.Logf("%d documents", n)
}

// TestCSAFRulesAreTheSchemas: each fault ParseCSAF reports in a document
// that is otherwise valid, the full schema reports too.
func TestCSAFRulesAreTheSchemas(t *testing.T) {
	base, err := os.ReadFile("../../testdata/csaf/icsma-20-049-01.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, old, new, want string }{
		{"version", `"csaf_version": "2.0"`, `"csaf_version": "2.1"`, "/document/csaf_version"},
		{"category", `"category": "csaf_security_advisory"`, `"category": " advisory"`, "/document/category"},
		{"no title", `"title": "Spacelabs Xhibit Telemetry Receiver (XTR)"`, `"x_title": ""`, "/document/title: missing"},
		{"publisher category", `"category": "coordinator"`, `"category": "agency"`, "/document/publisher/category"},
		{"tracking status", `"status": "final"`, `"status": "done"`, "/document/tracking/status"},
		{"tracking date", `"current_release_date": "2020-02-18T00:00:00.000000Z"`, `"current_release_date": "18 February 2020"`, "/document/tracking/current_release_date"},
		{"tracking version", `"version": "1"`, `"version": "1.0"`, "/document/tracking/version"},
		{"tracking id", `"id": "ICSMA-20-049-01"`, `"id": " ICSMA-20-049-01"`, "/document/tracking/id"},
		{"cve", `"cve": "CVE-2019-0708"`, `"cve": "CVE-19-0708"`, "/vulnerabilities/0/cve"},
		{"cvss vector", `"vectorString": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`, `"vectorString": "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`, "/cvss_v3/vectorString"},
		{"cvss severity", `"baseSeverity": "CRITICAL"`, `"baseSeverity": "SEVERE"`, "/cvss_v3/baseSeverity"},
		{"remediation", `"category": "vendor_fix"`, `"category": "patch"`, "/remediations/0/category"},
		{"branch", `"category": "vendor"`, `"category": "maker"`, "/product_tree/branches/0/category"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(base), tt.old) {
				t.Fatalf("the base document has no %s", tt.old)
			}
			data := []byte(strings.Replace(string(base), tt.old, tt.new, 1))
			_, _, err := Parse("x.json", data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseCSAF = %v, want a fault at %s", err, tt.want)
			}
			if p := gocsafProblems(t, data); len(p) == 0 {
				t.Errorf("the full schema accepts what ParseCSAF refuses")
			}
		})
	}
}

// FuzzCSAFRulesAcceptWhatGocsafAccepts: whatever the full schema accepts,
// ParseCSAF reads.
func FuzzCSAFRulesAcceptWhatGocsafAccepts(f *testing.F) {
	seed.Files(f, "../../testdata/csaf/icsma-20-049-01.json", "../../testdata/csaf/bsi-2022-0001.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 || !isCSAF(data) || len(gocsafProblems(t, data)) > 0 {
			return
		}
		if _, _, err := Parse("fuzz", data); err != nil {
			t.Fatalf("the full schema accepts it, ParseCSAF does not: %v", err)
		}
	})
}
