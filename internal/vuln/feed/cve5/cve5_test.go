package cve5

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCVE5Errors(t *testing.T) {
	for name, data := range map[string]string{
		"no-id":     `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"","dateUpdated":"2024-01-01T00:00:00Z"}}`,
		"not-cve":   `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"GHSA-1","dateUpdated":"2024-01-01T00:00:00Z"}}`,
		"no-date":   `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-1"}}`,
		"bad-json":  `{"dataType":"CVE_RECORD","cveMetadata":`,
		"deep":      `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-1"},"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
		"wrongtype": `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":7}}`,
	} {
		if _, _, err := Parse(name+".json", []byte(data)); err == nil || !strings.Contains(err.Error(), name+".json") {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
	r, apps, err := Parse("rej.json", []byte(`{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-1","state":"REJECTED","dateUpdated":"2024-01-01T00:00:00Z"}}`))
	if err != nil || r.Withdrawn == "" || len(apps) != 0 {
		t.Errorf("rejected record: %+v %v %v", r, apps, err)
	}
}

func FuzzParseCVE5(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/cve5/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, apps, err := Parse("f.json", data)
		if err != nil {
			return
		}
		if !strings.HasPrefix(r.ID, "CVE-") || r.Modified == "" {
			t.Fatalf("accepted %+v", r)
		}
		for i := range apps {
			_ = apps[i].Status("1.2.3")
			_ = apps[i].Status("-")
		}
	})
}
