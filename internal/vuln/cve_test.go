package vuln

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCompareGeneric(t *testing.T) {
	// Each list is in ascending order.
	for _, seq := range [][]string{
		{"1.0.0-alpha", "1.0.0-beta", "1.0.0-rc1", "1.0.0", "1.0.1", "1.1", "1.10", "2"},
		{"1.0.2zk", "1.1.0", "1.1.1", "1.1.1a", "1.1.1n", "1.1.1q", "1.1.1z", "1.1.1za", "3.0.0"},
		{"7.9p1", "8.3p1", "8.4p1", "9.0p1"},
		{"V10.6.1", "10.6.2", "v11.2.0"},
		{"2.85", "2.86", "2.90"},
		{"0.9", "0.10", "0.010.1"}, // leading zeros do not count
	} {
		for i := range seq {
			for j := range seq {
				want := sign(i - j)
				if got := compareGeneric(seq[i], seq[j]); got != want {
					t.Errorf("compare(%q, %q) = %d, want %d", seq[i], seq[j], got, want)
				}
			}
		}
	}
	for _, eq := range [][2]string{{"1.0", "1.0"}, {"v1.2", "1.2"}, {"1.02", "1.2"}, {"1-2", "1.2"}} {
		if c := compareGeneric(eq[0], eq[1]); c != 0 {
			t.Errorf("compare(%q, %q) = %d, want 0", eq[0], eq[1], c)
		}
	}
}

func TestUpstreamVersion(t *testing.T) {
	for in, want := range map[string]string{
		"1.1.1n-0+deb11u3":        "1.1.1n",
		"1:1.2.11.dfsg-2+deb11u2": "1.2.11",
		"7.74.0-1.3+deb11u3":      "7.74.0",
		"2.34-1ubuntu2":           "2.34",
		"1.2.3":                   "1.2.3",
		"8.3p1":                   "8.3p1",
		"1.0+ds1-2":               "1.0",
		"4.8.1":                   "4.8.1",
	} {
		if got := upstreamVersion(in); got != want {
			t.Errorf("upstreamVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseCPE(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // vendor|product|version|update, or "error"
	}{
		{"cpe:2.3:a:openssl:openssl:1.1.1n-0\\+deb11u3:*:*:*:*:*:*:*", "openssl|openssl|1.1.1n-0+deb11u3|*"},
		{"cpe:2.3:a:zlib1g:zlib1g:1\\:1.2.11.dfsg-2\\+deb11u2:*:*:*:*:*:*:*", "zlib1g|zlib1g|1:1.2.11.dfsg-2+deb11u2|*"},
		{"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", "microsoft|windows_7|-|sp1"},
		{"cpe:2.3:o:Amazon:FreeRTOS:V11.2.0", "amazon|freertos|v11.2.0|*"},
		{"cpe:/o:redhat:enterprise_linux:6", "redhat|enterprise_linux|6|*"},
		{"cpe:/a:foo%20bar:baz", "foo bar|baz|*|*"},
		{"cpe:2.3:x:v:p:1", "error"},
		{"cpe:2.3:a:*:p:1", "error"},
		{"cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:extra", "error"},
		{"openssl", "error"},
	} {
		c, err := ParseCPE(tt.in)
		got := "error"
		if err == nil {
			got = strings.Join([]string{c[cpeVendor], c[cpeProduct], c[cpeVersion], c[cpeUpdate]}, "|")
		}
		if got != tt.want {
			t.Errorf("ParseCPE(%q) = %s (%v), want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestApplicabilityStatus(t *testing.T) {
	curl := Applicability{Ranges: []VersionRange{
		{Status: "affected", Version: "8.4.0", LessThan: "8.4.0"},
		{Status: "unaffected", Version: "7.69.0", LessThan: "7.69.0"},
	}}
	for v, want := range map[string]string{"7.68.0": "unaffected", "7.69.0": "affected", "8.3.0": "affected", "8.4.0": "unaffected"} {
		if got := curl.Status(v); got != want {
			t.Errorf("curl %s: %q, want %q", v, got, want)
		}
	}
	unknown := Applicability{Default: "unknown"}
	if got := unknown.Status("1.0"); got != "" {
		t.Errorf("no ranges, default unknown: %q, want unknown", got)
	}
	all := Applicability{Default: "affected"}
	if got := all.Status("1.0"); got != "affected" {
		t.Errorf("default affected: %q", got)
	}
	git := Applicability{Ranges: []VersionRange{{Status: "affected", Version: "0123456789abcdef", LessThan: "fedcba9876543210", Type: "git"}}}
	if got := git.Status("1.0"); got != "unaffected" {
		t.Errorf("commit range: %q, want unaffected (only affected ranges, none comparable)", got)
	}
	release := Applicability{Ranges: []VersionRange{{Status: "affected", Version: "0", LessThanOrEqual: "5.7.0", Type: "git"}}}
	if got := release.Status("4.8.1"); got != "affected" {
		t.Errorf("release numbers marked git: %q, want affected", got)
	}
}

func TestParseCVE5Errors(t *testing.T) {
	for name, data := range map[string]string{
		"no-id":     `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"","dateUpdated":"2024-01-01T00:00:00Z"}}`,
		"not-cve":   `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"GHSA-1","dateUpdated":"2024-01-01T00:00:00Z"}}`,
		"no-date":   `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-1"}}`,
		"bad-json":  `{"dataType":"CVE_RECORD","cveMetadata":`,
		"deep":      `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-1"},"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
		"wrongtype": `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":7}}`,
	} {
		if _, _, err := ParseCVE5(name+".json", []byte(data)); err == nil || !strings.Contains(err.Error(), name+".json") {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
	r, apps, err := ParseCVE5("rej.json", []byte(`{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-1","state":"REJECTED","dateUpdated":"2024-01-01T00:00:00Z"}}`))
	if err != nil || r.Withdrawn == "" || len(apps) != 0 {
		t.Errorf("rejected record: %+v %v %v", r, apps, err)
	}
}

func FuzzParseCVE5(f *testing.F) {
	files, _ := filepath.Glob("testdata/cve5/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, apps, err := ParseCVE5("f.json", data)
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

func FuzzParseCPE(f *testing.F) {
	f.Add("cpe:2.3:a:openssl:openssl:1.1.1n-0\\+deb11u3:*:*:*:*:*:*:*")
	f.Add("cpe:/o:redhat:enterprise_linux:6")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCPE(s)
		if err == nil && (c[cpeVendor] == "*" || c[cpeProduct] == "*") {
			t.Fatalf("%q: accepted without vendor or product", s)
		}
	})
}

// FuzzCompareGeneric checks that the order is an order: reflexive and
// antisymmetric.
func FuzzCompareGeneric(f *testing.F) {
	f.Add("1.1.1n", "1.1.1q")
	f.Add("8.3p1", "8.4p1")
	f.Add("1.0.0-rc1", "1.0.0")
	f.Fuzz(func(t *testing.T, a, b string) {
		if compareGeneric(a, a) != 0 {
			t.Fatalf("compare(%q, %q) != 0", a, a)
		}
		if x, y := compareGeneric(a, b), compareGeneric(b, a); x != -y {
			t.Fatalf("compare(%q, %q) = %d but compare(%q, %q) = %d", a, b, x, b, a, y)
		}
	})
}

// TestNVDCases imports an NVD CVE API 2.0 page and checks the bounds:
// start including, end excluding, end including, start excluding, and an
// AND configuration that lowers the confidence.
func TestNVDCases(t *testing.T) {
	db := buildDB(t, "testdata/nvd")
	for _, tt := range []struct {
		cpe, id string
		want    bool
		conf    string
	}{
		{"cpe:2.3:a:openssl:openssl:1.1.1n:*:*:*:*:*:*:*", "CVE-2022-2097", true, ConfidenceHigh},
		{"cpe:2.3:a:openssl:openssl:1.1.1q:*:*:*:*:*:*:*", "CVE-2022-2097", false, ""},
		{"cpe:2.3:a:openssl:openssl:1.1.0l:*:*:*:*:*:*:*", "CVE-2022-2097", false, ""},
		{"cpe:2.3:a:openssl:openssl:3.0.4:*:*:*:*:*:*:*", "CVE-2022-2097", true, ConfidenceHigh},
		{"cpe:2.3:a:openssl:openssl:3.0.5:*:*:*:*:*:*:*", "CVE-2022-2097", false, ""},
		{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor_firmware:1.52:*:*:*:*:*:*:*", "CVE-2024-1275", true, ConfidenceMedium},
		{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor_firmware:1.53:*:*:*:*:*:*:*", "CVE-2024-1275", false, ""},
		{"cpe:2.3:h:baxter:welch_allyn_connex_spot_monitor:-:*:*:*:*:*:*:*", "CVE-2024-1275", false, ""},
		{"cpe:2.3:a:openbsd:openssh:7.9p1:*:*:*:*:*:*:*", "CVE-2020-15778", false, ""},
		{"cpe:2.3:a:openbsd:openssh:8.0p1:*:*:*:*:*:*:*", "CVE-2020-15778", true, ConfidenceHigh},
		{"cpe:2.3:a:openbsd:openssh:8.3p1:*:*:*:*:*:*:*", "CVE-2020-15778", true, ConfidenceHigh},
		{"cpe:2.3:a:openbsd:openssh:8.4p1:*:*:*:*:*:*:*", "CVE-2020-15778", false, ""},
	} {
		ms, _, err := db.Scan(context.Background(), []Package{{Ref: "c", Name: "c", CPEs: []string{tt.cpe}}})
		if err != nil {
			t.Fatal(err)
		}
		var got *Match
		for i := range ms {
			if ms[i].ID == tt.id {
				got = &ms[i]
			}
		}
		switch {
		case tt.want && got == nil:
			t.Errorf("%s: no match for %s", tt.cpe, tt.id)
		case tt.want && (got.Confidence != tt.conf || got.Method != MethodCPE):
			t.Errorf("%s: %s by %s, %s; want %s, %s", tt.cpe, tt.id, got.Method, got.Confidence, MethodCPE, tt.conf)
		case !tt.want && got != nil:
			t.Errorf("%s: matched %s, want not", tt.cpe, tt.id)
		}
	}
	st, err := db.Status()
	if err != nil || st.Records != 3 || st.Ecosystems["CPE"] != 3 || st.Newest != "2024-10-17T00:00:00.000" {
		t.Errorf("status = %+v, %v", st, err)
	}
}

func FuzzParseNVD(f *testing.F) {
	data, err := os.ReadFile("testdata/nvd/page.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, apps, err := ParseNVD("f.json", data)
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
		if _, _, err := ParseNVD("page.json", []byte(data)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseNVD(%.60s): %v, want %q", data, err, want)
		}
	}
}

// TestCVESourcesMerge imports the CVE JSON 5 records and the NVD page,
// which share CVE-2020-15778, CVE-2022-2097 and CVE-2024-1275, in both
// orders: the applicability of both kinds of source counts, whichever
// record is newer.
func TestCVESourcesMerge(t *testing.T) {
	for _, order := range [][]string{{"testdata/cve5", "testdata/nvd"}, {"testdata/nvd", "testdata/cve5"}} {
		db := buildDB(t, order...)
		for _, tt := range []struct{ cpe, id string }{
			// only the CVE JSON 5 ADP range (0 to 8.3p1) covers 7.9p1; the
			// NVD page starts after it
			{"cpe:2.3:a:openbsd:openssh:7.9p1:*:*:*:*:*:*:*", "CVE-2020-15778"},
			// only the NVD page names the _firmware product
			{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor_firmware:1.50:*:*:*:*:*:*:*", "CVE-2024-1275"},
		} {
			ms, _, err := db.Scan(context.Background(), []Package{{Ref: "c", Name: "c", CPEs: []string{tt.cpe}}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(ms, func(m Match) bool { return m.ID == tt.id }) {
				t.Errorf("order %v: %s not matched to %s: %+v", order, tt.cpe, tt.id, ms)
			}
			if n := len(ms); n != 1 {
				t.Errorf("order %v: %s: %d matches, want the one vulnerability once", order, tt.cpe, n)
			}
		}
		st, _ := db.Status()
		if st.Records != 12 {
			t.Errorf("order %v: %d records, want 12 (3 CVEs in both sources)", order, st.Records)
		}
	}
}
