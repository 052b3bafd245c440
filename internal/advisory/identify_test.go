package advisory

import "testing"

func TestIdentify(t *testing.T) {
	for _, tc := range []struct{ in, id, title string }{
		{`{"id": "GHSA-xvch-5gv4-984h", "summary": "Prototype Pollution in minimist"}`, "GHSA-xvch-5gv4-984h", "Prototype Pollution in minimist"},
		{`{"document": {"title": "Medtronic MiniMed", "tracking": {"id": "ICSMA-22-263-01"}}}`, "ICSMA-22-263-01", "Medtronic MiniMed"},
		{`{"cveMetadata": {"cveId": "CVE-2024-1"}, "containers": {"cna": {"title": "A flaw"}}}`, "CVE-2024-1", "A flaw"},
		{`not JSON`, "", ""},
	} {
		if id, title := Identify([]byte(tc.in)); id != tc.id || title != tc.title {
			t.Errorf("%s: %q %q", tc.in, id, title)
		}
	}
}
