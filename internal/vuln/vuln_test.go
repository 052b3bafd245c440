package vuln

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func buildDB(t *testing.T, inputs ...string) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vuln.db")
	if _, err := Import(context.Background(), path, inputs, now); err != nil {
		t.Fatalf("Import: %v", err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestCuratedCases checks the affected and not-affected cases the shared
// data README lists for its curated GHSA records.
func TestCuratedCases(t *testing.T) {
	db := buildDB(t, "testdata/osv")
	tests := []struct {
		purl string
		want string // vulnerability ID, or "" for not affected
	}{
		{"pkg:npm/jsonwebtoken@0.1.0", "GHSA-c7hr-j4mj-j2w6"},
		{"pkg:npm/jsonwebtoken@0.4.0", "GHSA-c7hr-j4mj-j2w6"},
		{"pkg:npm/jsonwebtoken@8.5.1", "GHSA-27h2-hvpr-p74q"},
		{"pkg:npm/lodash@2.4.2", "GHSA-jf85-cpcp-j695"},
		{"pkg:npm/lodash@4.17.21", ""},
		{"pkg:npm/minimist@0.0.8", "GHSA-xvch-5gv4-984h"},
		{"pkg:npm/minimist@0.2.3", "GHSA-xvch-5gv4-984h"},
		{"pkg:npm/minimist@1.2.6", ""},
		{"pkg:npm/minimist@1.2.8", ""},
		{"pkg:npm/moment@2.0.0", ""},
		{"pkg:npm/moment@2.29.4", ""},
		{"pkg:nuget/jQuery@3.1.1", "GHSA-gxr4-xjj5-5px2"},
		{"pkg:npm/jquery@3.6.0", ""},
		{"pkg:nuget/Newtonsoft.Json@9.0.1", "GHSA-5crp-9r3c-p9vr"},
		{"pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10", "GHSA-57j2-w4cx-62h2"},
		{"pkg:maven/org.yaml/snakeyaml@1.23", "GHSA-mjmj-j48q-9wg2"},
		{"pkg:composer/guzzlehttp/psr7@1.9.0", "GHSA-wxmh-65f7-jcvw"},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.purl, func(t *testing.T) {
			ms, cov, err := db.Scan(context.Background(), []Package{{Ref: "x", Name: "x", PURL: tt.purl}})
			if err != nil {
				t.Fatal(err)
			}
			if !cov[0].Checked {
				t.Fatalf("not checked: %s", cov[0].Reason)
			}
			var ids []string
			for _, m := range ms {
				ids = append(ids, m.ID)
				if m.Method == "" || m.Confidence == "" {
					t.Errorf("match %s without method or confidence", m.ID)
				}
			}
			found := false
			for _, id := range ids {
				found = found || id == tt.want
			}
			switch {
			case tt.want == "" && len(ids) > 0:
				t.Errorf("matched %v, want not affected", ids)
			case tt.want != "" && !found:
				t.Errorf("matched %v, want %s", ids, tt.want)
			}
		})
	}
}

func TestCoverageReasons(t *testing.T) {
	db := buildDB(t, "testdata/osv")
	_, cov, err := db.Scan(context.Background(), []Package{
		{Ref: "a", Name: "fw"},
		{Ref: "b", PURL: "pkg:generic/freertos@11.2.0"},
		{Ref: "c", PURL: "pkg:pypi/requests@2.0.0"},
		{Ref: "d", PURL: "pkg:npm/left-pad"},
		{Ref: "e", PURL: "not a purl"},
		{Ref: "f", PURL: "pkg:npm/left-pad@1.3.0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"no package URL", "has no OSV ecosystem", "no advisory source for ecosystem PyPI", "no version", "does not parse", ""}
	for i, w := range want {
		if !strings.Contains(cov[i].Reason, w) || (w == "") != cov[i].Checked {
			t.Errorf("coverage[%d] = %+v, want reason containing %q", i, cov[i], w)
		}
	}
}

func TestAliasMerging(t *testing.T) {
	dir := t.TempDir()
	a := `{"id":"GHSA-aaaa-aaaa-aaaa","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-0001"],"affected":[{"package":{"ecosystem":"PyPI","name":"Foo_Bar"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}],"database_specific":{"severity":"HIGH"}}`
	b := `{"id":"PYSEC-2024-1","modified":"2024-01-02T00:00:00Z","aliases":["CVE-2024-0001"],"affected":[{"package":{"ecosystem":"PyPI","name":"foo-bar"},"versions":["1.0"]}]}`
	w := `{"id":"PYSEC-2024-2","modified":"2024-01-02T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"foo-bar"},"versions":["1.0"]}]}`
	for name, rec := range map[string]string{"a.json": a, "b.json": b, "w.json": w} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rec), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := buildDB(t, dir)
	ms, _, err := db.Scan(context.Background(), []Package{{Ref: "p", PURL: "pkg:pypi/foo.bar@1.0"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].ID != "GHSA-aaaa-aaaa-aaaa" || strings.Join(ms[0].Aliases, ",") != "CVE-2024-0001,PYSEC-2024-1" || ms[0].Severity != "high" {
		t.Errorf("matches = %+v, want one GHSA match with the CVE and PYSEC as aliases (withdrawn record ignored)", ms)
	}
	st, err := db.Status()
	if err != nil || st.Records != 3 || st.Newest != "2024-01-02T00:00:00Z" || !strings.HasPrefix(st.Hash, "sha256:") || st.Ecosystems["PyPI"] != 3 {
		t.Errorf("status = %+v, %v", st, err)
	}
}

func TestImportZipAndFailures(t *testing.T) {
	dir := t.TempDir()
	zpath := filepath.Join(dir, "all.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []string{"GHSA-jf85-cpcp-j695.json", "GHSA-gxr4-xjj5-5px2.json"} {
		data, _ := os.ReadFile(filepath.Join("testdata/osv", f))
		w, _ := zw.Create(f)
		w.Write(data)
	}
	zw.Close()
	if err := os.WriteFile(zpath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "vuln.db")
	st, err := Import(context.Background(), dbPath, []string{zpath}, now)
	if err != nil || st.Records != 2 {
		t.Fatalf("Import(zip) = %+v, %v", st, err)
	}
	before, _ := os.ReadFile(dbPath)

	// A zip bomb: one entry that expands to far more than a record may be.
	bomb := filepath.Join(dir, "bomb.zip")
	buf.Reset()
	zw = zip.NewWriter(&buf)
	w, _ := zw.Create("GHSA-bomb.json")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < 64; i++ {
		w.Write(chunk)
	}
	zw.Close()
	os.WriteFile(bomb, buf.Bytes(), 0o644)
	// A 1 GB record file, sparse.
	huge := filepath.Join(dir, "huge.json")
	f, _ := os.Create(huge)
	f.Truncate(1 << 30)
	f.Close()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"id": ""}`), 0o644)
	for _, in := range []string{bomb, huge, bad} {
		_, err := Import(context.Background(), dbPath, []string{zpath, in}, now)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), filepath.Base(in)) {
			t.Errorf("Import(%s) = %v, want an invalid-data error naming it", filepath.Base(in), err)
		}
		after, _ := os.ReadFile(dbPath)
		if !bytes.Equal(before, after) {
			t.Errorf("a failed import of %s changed the database", filepath.Base(in))
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a failed import left %s", e.Name())
		}
	}
}

func TestInRange(t *testing.T) {
	ev := func(pairs ...string) []Event {
		var out []Event
		for i := 0; i < len(pairs); i += 2 {
			switch pairs[i] {
			case "i":
				out = append(out, Event{Introduced: pairs[i+1]})
			case "f":
				out = append(out, Event{Fixed: pairs[i+1]})
			case "l":
				out = append(out, Event{LastAffected: pairs[i+1]})
			}
		}
		return out
	}
	tests := []struct {
		eco, version string
		events       []Event
		want         bool
	}{
		{"npm", "1.2.5", ev("i", "0", "f", "1.2.6"), true},
		{"npm", "1.2.6", ev("i", "0", "f", "1.2.6"), false},
		{"npm", "0.2.3", ev("i", "0", "f", "0.2.4", "i", "1.0.0", "f", "1.2.6"), true},
		{"npm", "0.5.0", ev("i", "0", "f", "0.2.4", "i", "1.0.0", "f", "1.2.6"), false},
		{"npm", "2.0.0", ev("i", "2.18.0", "f", "2.29.4"), false},
		{"PyPI", "2.0rc1", ev("i", "0", "f", "2.0"), true},
		{"PyPI", "2.0.post1", ev("i", "0", "f", "2.0"), false},
		{"Maven", "2.9.10", ev("i", "2.9.0", "f", "2.12.6.1"), true},
		{"Debian", "3.0.11-1~deb12u2", ev("i", "0", "f", "3.0.13-1~deb12u1"), true},
		{"Go", "1.5.0", ev("i", "1.0.0", "l", "1.5.0"), true},
		{"Go", "1.5.1", ev("i", "1.0.0", "l", "1.5.0"), false},
		{"NuGet", "9.0.1", ev("i", "0", "f", "13.0.1"), true},
	}
	for _, tt := range tests {
		got, err := inRange(tt.eco, tt.version, tt.events)
		if err != nil || got != tt.want {
			t.Errorf("inRange(%s %s, %v) = %v, %v; want %v", tt.eco, tt.version, tt.events, got, err, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tt := range [][3]string{
		{"PyPI", "Foo_Bar.baz", "foo-bar-baz"},
		{"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
		{"Go", "github.com/Sirupsen/logrus", "github.com/sirupsen/logrus"},
		{"Debian:12", "OpenSSL", "OpenSSL"},
	} {
		if got := Normalize(tt[0], tt[1]); got != tt[2] {
			t.Errorf("Normalize(%s, %s) = %s, want %s", tt[0], tt[1], got, tt[2])
		}
	}
}

func FuzzParseOSV(f *testing.F) {
	data, _ := os.ReadFile("testdata/osv/GHSA-xvch-5gv4-984h.json")
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseOSV("f.json", data)
		if err != nil {
			return
		}
		if r.ID == "" {
			t.Fatal("accepted a record without id")
		}
		for i := range r.Affected {
			_, _, _ = r.Affected[i].Affects(r.Affected[i].Package.Ecosystem, "1.0.0")
		}
	})
}

func FuzzVersionRange(f *testing.F) {
	f.Add("npm", "1.2.3", "0", "1.2.6")
	f.Add("PyPI", "2.0rc1", "1.0", "2.0.post1")
	f.Add("Debian", "1:2.3-1", "0", "1:2.4-1")
	f.Add("Maven", "2.9.10.1", "2.9.0", "2.12.6.1")
	f.Fuzz(func(t *testing.T, eco, version, introduced, fixed string) {
		_, _ = inRange(eco, version, []Event{{Introduced: introduced}, {Fixed: fixed}})
	})
}

// TestDuplicateNewestWins imports the same ID from two sources: the newer
// copy replaces the older one and its index rows, so the package the older
// copy named no longer matches and nothing is reported twice.
func TestDuplicateNewestWins(t *testing.T) {
	dir1, dir2 := t.TempDir(), t.TempDir()
	older := `{"id":"OSV-2024-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"old-name"},"versions":["1.0.0"]},{"package":{"ecosystem":"npm","name":"both"},"versions":["1.0.0"]}]}`
	newer := `{"id":"OSV-2024-1","modified":"2024-06-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"both"},"versions":["1.0.0"]}]}`
	if err := os.WriteFile(filepath.Join(dir1, "r.json"), []byte(newer), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir2, "r.json"), []byte(older), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, order := range [][]string{{dir1, dir2}, {dir2, dir1}} {
		db := buildDB(t, order...)
		ms, _, err := db.Scan(context.Background(), []Package{{Ref: "a", PURL: "pkg:npm/both@1.0.0"}, {Ref: "b", PURL: "pkg:npm/old-name@1.0.0"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].Ref != "a" {
			t.Errorf("order %v: matches = %+v, want only 'both' once", order, ms)
		}
		st, _ := db.Status()
		if st.Records != 1 || st.Newest != "2024-06-01T00:00:00Z" || st.Ecosystems["npm"] != 1 {
			t.Errorf("order %v: status = %+v", order, st)
		}
	}
}

func TestSeverityWord(t *testing.T) {
	for _, tt := range []struct {
		rec  Record
		want string
	}{
		// CVSS 3.1 9.8 outranks the database's own "MODERATE".
		{Record{Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}, DatabaseSpecific: DatabaseSpecific{Severity: "MODERATE"}}, "critical"},
		// CVSS 3.0 5.3
		{Record{Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"}}}, "medium"},
		// CVSS 4.0 base 9.3
		{Record{Severity: []Severity{{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}}, "critical"},
		// the highest of several vectors counts
		{Record{Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}, {Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}}}, "high"},
		// an unparsable vector falls back to the database's rating
		{Record{Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:X"}}, DatabaseSpecific: DatabaseSpecific{Severity: "LOW"}}, "low"},
		{Record{}, ""},
	} {
		if got := tt.rec.SeverityWord(); got != tt.want {
			t.Errorf("SeverityWord(%+v) = %q, want %q", tt.rec, got, tt.want)
		}
	}
}

// TestCVECases checks the CPE and vendor/product range cases the shared
// data README verifies by reading each record.
func TestCVECases(t *testing.T) {
	db := buildDB(t, "testdata/cve5")
	for _, tt := range []struct {
		name    string
		pkg     Package
		id      string // "" for no match of wantNot
		wantNot string
		method  string
		conf    string
	}{
		// 1: 4.8.1 <= 5.6.5 under the ADP CPE wolfssl:wolfssl.
		{"wolfssl-cpe", Package{Name: "WolfSSL", Version: "4.8.1", CPEs: []string{"cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*"}}, "CVE-2023-6936", "", MethodCPE, ConfidenceHigh},
		// 2: the ADP names wolfssl:wolfcrypt; the CNA's "wolfSSL" vendor and product match by name.
		{"wolfssl-cna", Package{Name: "WolfSSL", Version: "4.8.1", CPEs: []string{"cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*"}}, "CVE-2024-1543", "", MethodCPEName, ConfidenceMedium},
		// 3: amazon:freertos V11.2.0 is not freertos:freertos-kernel < 10.6.2.
		{"freertos", Package{Name: "FreeRTOS-Kernel", Version: "V11.2.0", CPEs: []string{"cpe:2.3:o:amazon:freertos:V11.2.0:*:*:*:*:*:*:*"}}, "", "CVE-2024-28115", "", ""},
		{"freertos-kernel-cpe", Package{Name: "FreeRTOS-Kernel", CPEs: []string{"cpe:2.3:o:freertos:freertos-kernel:V11.2.0:*:*:*:*:*:*:*"}}, "", "CVE-2024-28115", "", ""},
		{"freertos-kernel-old", Package{Name: "FreeRTOS-Kernel", CPEs: []string{"cpe:2.3:o:freertos:freertos-kernel:V10.6.1:*:*:*:*:*:*:*"}}, "CVE-2024-28115", "", MethodCPE, ConfidenceHigh},
		// The record says part o (operating system); an SBOM that guessed a
		// (application) still matches, with less confidence.
		{"freertos-kernel-part", Package{Name: "FreeRTOS-Kernel", CPEs: []string{"cpe:2.3:a:freertos:freertos-kernel:10.6.1:*:*:*:*:*:*:*"}}, "CVE-2024-28115", "", MethodCPE, ConfidenceMedium},
		// The CNA writes "< 10.6.2" into the version field.
		{"freertos-cna-lt", Package{Name: "FreeRTOS-Kernel", Version: "10.6.1"}, "CVE-2024-28115", "", MethodName, ConfidenceLow},
		// 4: the upstream 1.1.1n of Debian's 1.1.1n-0+deb11u3 is below 1.1.1q.
		{"openssl-deb", Package{Name: "openssl", Version: "1.1.1n-0+deb11u3", CPEs: []string{`cpe:2.3:a:openssl:openssl:1.1.1n-0\+deb11u3:*:*:*:*:*:*:*`}}, "CVE-2022-2097", "", MethodCPE, ConfidenceMedium},
		// 5: 1.1.1n is below 3.0.0.
		{"openssl-3", Package{Name: "openssl", Version: "1.1.1n-0+deb11u3", CPEs: []string{`cpe:2.3:a:openssl:openssl:1.1.1n-0\+deb11u3:*:*:*:*:*:*:*`}}, "", "CVE-2022-3996", "", ""},
		// 6: Debian's zlib1g:zlib1g is not zlib:zlib without a name mapping.
		{"zlib1g", Package{Name: "zlib1g", Version: "1:1.2.11.dfsg-2+deb11u2", CPEs: []string{`cpe:2.3:a:zlib1g:zlib1g:1\:1.2.11.dfsg-2\+deb11u2:*:*:*:*:*:*:*`}}, "", "CVE-2023-45853", "", ""},
		// ... but Syft's purl names the source package: upstream=zlib.
		{"zlib1g-upstream", Package{Name: "zlib1g", Version: "1:1.2.11.dfsg-2+deb11u2", PURL: "pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2+deb11u2?arch=armhf&upstream=zlib&distro=debian-11", CPEs: []string{`cpe:2.3:a:zlib1g:zlib1g:1\:1.2.11.dfsg-2\+deb11u2:*:*:*:*:*:*:*`}}, "CVE-2023-45853", "", MethodName, ConfidenceLow},
		// The CNA: 3.0.0 to 3.0.7 inclusive (fixed in 3.0.8).
		{"libssl-upstream-fixed", Package{Name: "libssl3", Version: "3.0.8-1", PURL: "pkg:deb/debian/libssl3@3.0.8-1?upstream=openssl"}, "", "CVE-2022-3996", "", ""},
		{"libssl-upstream", Package{Name: "libssl3", Version: "3.0.6-1", PURL: "pkg:deb/debian/libssl3@3.0.6-1?upstream=openssl"}, "CVE-2022-3996", "", MethodName, ConfidenceLow},
		{"zlib", Package{Name: "zlib", Version: "1:1.2.11.dfsg-2+deb11u2", CPEs: []string{`cpe:2.3:a:zlib:zlib:1\:1.2.11.dfsg-2\+deb11u2:*:*:*:*:*:*:*`}}, "CVE-2023-45853", "", MethodCPE, ConfidenceMedium},
		// 7: "unaffected below 7.69.0, affected below 8.4.0".
		{"curl-7.74", Package{Name: "curl", Version: "7.74.0-1.3+deb11u3", CPEs: []string{`cpe:2.3:a:curl:curl:7.74.0-1.3\+deb11u3:*:*:*:*:*:*:*`}}, "CVE-2023-38545", "", MethodCPEName, ConfidenceMedium},
		{"curl-7.68", Package{Name: "curl", Version: "7.68.0", CPEs: []string{"cpe:2.3:a:curl:curl:7.68.0:*:*:*:*:*:*:*"}}, "", "CVE-2023-38545", "", ""},
		{"curl-8.4", Package{Name: "curl", Version: "8.4.0", CPEs: []string{"cpe:2.3:a:curl:curl:8.4.0:*:*:*:*:*:*:*"}}, "", "CVE-2023-38545", "", ""},
		// 8: inclusive upper bound 1.52.
		{"baxter-1.52", Package{Name: "Connex Spot Monitor", CPEs: []string{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor:1.52:*:*:*:*:*:*:*"}}, "CVE-2024-1275", "", MethodCPE, ConfidenceHigh},
		{"baxter-1.53", Package{Name: "Connex Spot Monitor", CPEs: []string{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor:1.53:*:*:*:*:*:*:*"}}, "", "CVE-2024-1275", "", ""},
		// 9: one exact version.
		{"dnsmasq-2.86", Package{Name: "dnsmasq", Version: "2.86", CPEs: []string{"cpe:2.3:a:thekelleys:dnsmasq:2.86:*:*:*:*:*:*:*"}}, "CVE-2021-45956", "", MethodCPE, ConfidenceHigh},
		{"dnsmasq-2.85", Package{Name: "dnsmasq", Version: "2.85", CPEs: []string{"cpe:2.3:a:thekelleys:dnsmasq:2.85:*:*:*:*:*:*:*"}}, "", "CVE-2021-45956", "", ""},
		// 10: p-suffix ordering, inclusive bound 8.3p1.
		{"openssh-8.3p1", Package{Name: "openssh", Version: "8.3p1", CPEs: []string{"cpe:2.3:a:openbsd:openssh:8.3p1:*:*:*:*:*:*:*"}}, "CVE-2020-15778", "", MethodCPE, ConfidenceHigh},
		{"openssh-8.4p1", Package{Name: "openssh", Version: "8.4p1", CPEs: []string{"cpe:2.3:a:openbsd:openssh:8.4p1:*:*:*:*:*:*:*"}}, "", "CVE-2020-15778", "", ""},
		// 11: Windows 7 SP1: the update attribute must agree.
		{"windows7-sp1", Package{Name: "Windows 7", CPEs: []string{"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"}}, "CVE-2018-0824", "", MethodCPE, ConfidenceHigh},
		{"windows7-sp2", Package{Name: "Windows 7", CPEs: []string{"cpe:2.3:o:microsoft:windows_7:-:sp2:*:*:*:*:*:*"}}, "", "CVE-2018-0824", "", ""},
		// By name alone: no purl, no CPE; low confidence.
		{"name-only", Package{Name: "dnsmasq", Version: "2.86"}, "CVE-2021-45956", "", MethodName, ConfidenceLow},
		{"name-other-supplier", Package{Name: "dnsmasq", Version: "2.86", Supplier: "Example Networks"}, "", "CVE-2021-45956", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.pkg.Ref = "c"
			ms, cov, err := db.Scan(context.Background(), []Package{tt.pkg})
			if err != nil {
				t.Fatal(err)
			}
			if len(cov) != 1 || !cov[0].Checked {
				t.Fatalf("coverage = %+v, want checked", cov)
			}
			var got *Match
			for i := range ms {
				if ms[i].ID == tt.id || ms[i].ID == tt.wantNot {
					got = &ms[i]
				}
			}
			switch {
			case tt.id != "" && got == nil:
				t.Errorf("no match for %s; matches %+v", tt.id, ms)
			case tt.id != "" && (got.Method != tt.method || got.Confidence != tt.conf):
				t.Errorf("%s matched by %s, %s; want %s, %s (%+v)", tt.id, got.Method, got.Confidence, tt.method, tt.conf, got)
			case tt.wantNot != "" && got != nil:
				t.Errorf("%s matched, want not: %+v", tt.wantNot, got)
			}
		})
	}
	st, err := db.Status()
	if err != nil || st.Records != 12 || st.Ecosystems["CPE"] != 12 {
		t.Errorf("status = %+v, %v", st, err)
	}
}
