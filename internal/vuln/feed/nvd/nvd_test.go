package nvd

import (
	"os"
	"strings"
	"testing"
)

func FuzzParseNVD(f *testing.F) {
	data, err := os.ReadFile("../../testdata/nvd/page.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, apps, err := Parse("f.json", data)
		if err != nil {
			return
		}
		if len(recs) != len(apps) {
			t.Fatalf("%d records, %d applicability lists", len(recs), len(apps))
		}
		for i, r := range recs {
			if !strings.HasPrefix(r.ID, "CVE-") || r.Modified == "" {
				t.Fatalf("accepted %+v", r)
			}
			for j := range apps[i] {
				_ = apps[i][j].Status("1.0")
			}
		}
	})
}

func TestParseNVDErrors(t *testing.T) {
	for data, want := range map[string]string{
		`{"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2024-1","lastModified":"2024-01-01T00:00:00"}},{"cve":{"id":"X"}}]}`: "page.json: /vulnerabilities/1/cve/id",
		`{"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2024-1"}}]}`:                                                         "page.json: /vulnerabilities/0/cve: no update or publication time",
		`{"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":7}}]}`:                                                                    "page.json",
	} {
		if _, _, err := Parse("page.json", []byte(data)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%.60s): %v, want %q", data, err, want)
		}
	}
}
