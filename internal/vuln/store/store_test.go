package store

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

var now = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func buildDB(t *testing.T, inputs ...string) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db")
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
	db := buildDB(t, "../testdata/osv")
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
			ms, cov, err := db.Scan(context.Background(), []vuln.Package{{Ref: "x", Name: "x", PURL: tt.purl}})
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
	db := buildDB(t, "../testdata/osv")
	_, cov, err := db.Scan(context.Background(), []vuln.Package{
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
	ms, _, err := db.Scan(context.Background(), []vuln.Package{{Ref: "p", PURL: "pkg:pypi/foo.bar@1.0"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].ID != "GHSA-aaaa-aaaa-aaaa" || strings.Join(ms[0].Aliases, ",") != "CVE-2024-0001,PYSEC-2024-1" || ms[0].Severity != severity.High {
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
		data, _ := os.ReadFile(filepath.Join("../testdata/osv", f))
		w, _ := zw.Create(f)
		w.Write(data)
	}
	zw.Close()
	if err := os.WriteFile(zpath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "db")
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
		// Bounds always stop an import; an advisory that is not valid
		// does with Strict (TestImportMalformedAndCompanions: else it is
		// passed over).
		_, err := ImportWith(context.Background(), dbPath, []string{zpath, in}, ImportOptions{Now: now, Strict: in == bad})
		if err == nil || !errors.Is(err, vuln.ErrInvalid) || !strings.Contains(err.Error(), filepath.Base(in)) {
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
		ms, _, err := db.Scan(context.Background(), []vuln.Package{{Ref: "a", PURL: "pkg:npm/both@1.0.0"}, {Ref: "b", PURL: "pkg:npm/old-name@1.0.0"}})
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

// TestCVECases checks the CPE and vendor/product range cases the shared
// data README verifies by reading each record.
func TestCVECases(t *testing.T) {
	db := buildDB(t, "../testdata/cve5")
	for _, tt := range []struct {
		name    string
		pkg     vuln.Package
		id      string // "" for no match of wantNot
		wantNot string
		method  string
		conf    vuln.Confidence
	}{
		// 1: 4.8.1 <= 5.6.5 under the ADP CPE wolfssl:wolfssl.
		{"wolfssl-cpe", vuln.Package{Name: "WolfSSL", Version: "4.8.1", CPEs: []string{"cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*"}}, "CVE-2023-6936", "", vuln.MethodCPE, vuln.ConfidenceHigh},
		// 2: the ADP names wolfssl:wolfcrypt; the CNA's "wolfSSL" vendor and product match by name.
		{"wolfssl-cna", vuln.Package{Name: "WolfSSL", Version: "4.8.1", CPEs: []string{"cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*"}}, "CVE-2024-1543", "", vuln.MethodCPEName, vuln.ConfidenceMedium},
		// 3: amazon:freertos V11.2.0 is not freertos:freertos-kernel < 10.6.2.
		{"freertos", vuln.Package{Name: "FreeRTOS-Kernel", Version: "V11.2.0", CPEs: []string{"cpe:2.3:o:amazon:freertos:V11.2.0:*:*:*:*:*:*:*"}}, "", "CVE-2024-28115", "", ""},
		{"freertos-kernel-cpe", vuln.Package{Name: "FreeRTOS-Kernel", CPEs: []string{"cpe:2.3:o:freertos:freertos-kernel:V11.2.0:*:*:*:*:*:*:*"}}, "", "CVE-2024-28115", "", ""},
		{"freertos-kernel-old", vuln.Package{Name: "FreeRTOS-Kernel", CPEs: []string{"cpe:2.3:o:freertos:freertos-kernel:V10.6.1:*:*:*:*:*:*:*"}}, "CVE-2024-28115", "", vuln.MethodCPE, vuln.ConfidenceHigh},
		// The record says part o (operating system); an SBOM that guessed a
		// (application) still matches, with less confidence.
		{"freertos-kernel-part", vuln.Package{Name: "FreeRTOS-Kernel", CPEs: []string{"cpe:2.3:a:freertos:freertos-kernel:10.6.1:*:*:*:*:*:*:*"}}, "CVE-2024-28115", "", vuln.MethodCPE, vuln.ConfidenceMedium},
		// The CNA writes "< 10.6.2" into the version field.
		{"freertos-cna-lt", vuln.Package{Name: "FreeRTOS-Kernel", Version: "10.6.1"}, "CVE-2024-28115", "", vuln.MethodName, vuln.ConfidenceLow},
		// 4: the upstream 1.1.1n of Debian's 1.1.1n-0+deb11u3 is below 1.1.1q.
		{"openssl-deb", vuln.Package{Name: "openssl", Version: "1.1.1n-0+deb11u3", CPEs: []string{`cpe:2.3:a:openssl:openssl:1.1.1n-0\+deb11u3:*:*:*:*:*:*:*`}}, "CVE-2022-2097", "", vuln.MethodCPE, vuln.ConfidenceMedium},
		// 5: 1.1.1n is below 3.0.0.
		{"openssl-3", vuln.Package{Name: "openssl", Version: "1.1.1n-0+deb11u3", CPEs: []string{`cpe:2.3:a:openssl:openssl:1.1.1n-0\+deb11u3:*:*:*:*:*:*:*`}}, "", "CVE-2022-3996", "", ""},
		// 6: Debian's zlib1g:zlib1g is not zlib:zlib without a name mapping.
		{"zlib1g", vuln.Package{Name: "zlib1g", Version: "1:1.2.11.dfsg-2+deb11u2", CPEs: []string{`cpe:2.3:a:zlib1g:zlib1g:1\:1.2.11.dfsg-2\+deb11u2:*:*:*:*:*:*:*`}}, "", "CVE-2023-45853", "", ""},
		// ... but Syft's purl names the source package: upstream=zlib.
		{"zlib1g-upstream", vuln.Package{Name: "zlib1g", Version: "1:1.2.11.dfsg-2+deb11u2", PURL: "pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2+deb11u2?arch=armhf&upstream=zlib&distro=debian-11", CPEs: []string{`cpe:2.3:a:zlib1g:zlib1g:1\:1.2.11.dfsg-2\+deb11u2:*:*:*:*:*:*:*`}}, "CVE-2023-45853", "", vuln.MethodName, vuln.ConfidenceLow},
		// The CNA: 3.0.0 to 3.0.7 inclusive (fixed in 3.0.8).
		{"libssl-upstream-fixed", vuln.Package{Name: "libssl3", Version: "3.0.8-1", PURL: "pkg:deb/debian/libssl3@3.0.8-1?upstream=openssl"}, "", "CVE-2022-3996", "", ""},
		{"libssl-upstream", vuln.Package{Name: "libssl3", Version: "3.0.6-1", PURL: "pkg:deb/debian/libssl3@3.0.6-1?upstream=openssl"}, "CVE-2022-3996", "", vuln.MethodName, vuln.ConfidenceLow},
		{"zlib", vuln.Package{Name: "zlib", Version: "1:1.2.11.dfsg-2+deb11u2", CPEs: []string{`cpe:2.3:a:zlib:zlib:1\:1.2.11.dfsg-2\+deb11u2:*:*:*:*:*:*:*`}}, "CVE-2023-45853", "", vuln.MethodCPE, vuln.ConfidenceMedium},
		// 7: "unaffected below 7.69.0, affected below 8.4.0".
		{"curl-7.74", vuln.Package{Name: "curl", Version: "7.74.0-1.3+deb11u3", CPEs: []string{`cpe:2.3:a:curl:curl:7.74.0-1.3\+deb11u3:*:*:*:*:*:*:*`}}, "CVE-2023-38545", "", vuln.MethodCPEName, vuln.ConfidenceMedium},
		{"curl-7.68", vuln.Package{Name: "curl", Version: "7.68.0", CPEs: []string{"cpe:2.3:a:curl:curl:7.68.0:*:*:*:*:*:*:*"}}, "", "CVE-2023-38545", "", ""},
		{"curl-8.4", vuln.Package{Name: "curl", Version: "8.4.0", CPEs: []string{"cpe:2.3:a:curl:curl:8.4.0:*:*:*:*:*:*:*"}}, "", "CVE-2023-38545", "", ""},
		// 8: inclusive upper bound 1.52.
		{"baxter-1.52", vuln.Package{Name: "Connex Spot Monitor", CPEs: []string{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor:1.52:*:*:*:*:*:*:*"}}, "CVE-2024-1275", "", vuln.MethodCPE, vuln.ConfidenceHigh},
		{"baxter-1.53", vuln.Package{Name: "Connex Spot Monitor", CPEs: []string{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor:1.53:*:*:*:*:*:*:*"}}, "", "CVE-2024-1275", "", ""},
		// 9: one exact version.
		{"dnsmasq-2.86", vuln.Package{Name: "dnsmasq", Version: "2.86", CPEs: []string{"cpe:2.3:a:thekelleys:dnsmasq:2.86:*:*:*:*:*:*:*"}}, "CVE-2021-45956", "", vuln.MethodCPE, vuln.ConfidenceHigh},
		{"dnsmasq-2.85", vuln.Package{Name: "dnsmasq", Version: "2.85", CPEs: []string{"cpe:2.3:a:thekelleys:dnsmasq:2.85:*:*:*:*:*:*:*"}}, "", "CVE-2021-45956", "", ""},
		// 10: p-suffix ordering, inclusive bound 8.3p1.
		{"openssh-8.3p1", vuln.Package{Name: "openssh", Version: "8.3p1", CPEs: []string{"cpe:2.3:a:openbsd:openssh:8.3p1:*:*:*:*:*:*:*"}}, "CVE-2020-15778", "", vuln.MethodCPE, vuln.ConfidenceHigh},
		{"openssh-8.4p1", vuln.Package{Name: "openssh", Version: "8.4p1", CPEs: []string{"cpe:2.3:a:openbsd:openssh:8.4p1:*:*:*:*:*:*:*"}}, "", "CVE-2020-15778", "", ""},
		// 11: Windows 7 SP1: the update attribute must agree.
		{"windows7-sp1", vuln.Package{Name: "Windows 7", CPEs: []string{"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"}}, "CVE-2018-0824", "", vuln.MethodCPE, vuln.ConfidenceHigh},
		{"windows7-sp2", vuln.Package{Name: "Windows 7", CPEs: []string{"cpe:2.3:o:microsoft:windows_7:-:sp2:*:*:*:*:*:*"}}, "", "CVE-2018-0824", "", ""},
		// By name alone: no purl, no CPE; low confidence.
		{"name-only", vuln.Package{Name: "dnsmasq", Version: "2.86"}, "CVE-2021-45956", "", vuln.MethodName, vuln.ConfidenceLow},
		{"name-other-supplier", vuln.Package{Name: "dnsmasq", Version: "2.86", Supplier: "Example Networks"}, "", "CVE-2021-45956", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.pkg.Ref = "c"
			ms, cov, err := db.Scan(context.Background(), []vuln.Package{tt.pkg})
			if err != nil {
				t.Fatal(err)
			}
			// Found means checked; nothing found is checked only where the
			// database covers the package (TestCoverageStatus).
			if len(cov) != 1 || tt.id != "" && !cov[0].Checked || !cov[0].Checked && cov[0].Reason == "" {
				t.Fatalf("coverage = %+v", cov)
			}
			var got *vuln.Match
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

// TestNVDCases imports an NVD CVE API 2.0 page and checks the bounds:
// start including, end excluding, end including, start excluding, and an
// AND configuration that lowers the confidence.
func TestNVDCases(t *testing.T) {
	db := buildDB(t, "../testdata/nvd")
	for _, tt := range []struct {
		cpe, id string
		want    bool
		conf    vuln.Confidence
	}{
		{"cpe:2.3:a:openssl:openssl:1.1.1n:*:*:*:*:*:*:*", "CVE-2022-2097", true, vuln.ConfidenceHigh},
		{"cpe:2.3:a:openssl:openssl:1.1.1q:*:*:*:*:*:*:*", "CVE-2022-2097", false, ""},
		{"cpe:2.3:a:openssl:openssl:1.1.0l:*:*:*:*:*:*:*", "CVE-2022-2097", false, ""},
		{"cpe:2.3:a:openssl:openssl:3.0.4:*:*:*:*:*:*:*", "CVE-2022-2097", true, vuln.ConfidenceHigh},
		{"cpe:2.3:a:openssl:openssl:3.0.5:*:*:*:*:*:*:*", "CVE-2022-2097", false, ""},
		{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor_firmware:1.52:*:*:*:*:*:*:*", "CVE-2024-1275", true, vuln.ConfidenceMedium},
		{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor_firmware:1.53:*:*:*:*:*:*:*", "CVE-2024-1275", false, ""},
		{"cpe:2.3:h:baxter:welch_allyn_connex_spot_monitor:-:*:*:*:*:*:*:*", "CVE-2024-1275", false, ""},
		{"cpe:2.3:a:openbsd:openssh:7.9p1:*:*:*:*:*:*:*", "CVE-2020-15778", false, ""},
		{"cpe:2.3:a:openbsd:openssh:8.0p1:*:*:*:*:*:*:*", "CVE-2020-15778", true, vuln.ConfidenceHigh},
		{"cpe:2.3:a:openbsd:openssh:8.3p1:*:*:*:*:*:*:*", "CVE-2020-15778", true, vuln.ConfidenceHigh},
		{"cpe:2.3:a:openbsd:openssh:8.4p1:*:*:*:*:*:*:*", "CVE-2020-15778", false, ""},
	} {
		ms, _, err := db.Scan(context.Background(), []vuln.Package{{Ref: "c", Name: "c", CPEs: []string{tt.cpe}}})
		if err != nil {
			t.Fatal(err)
		}
		var got *vuln.Match
		for i := range ms {
			if ms[i].ID == tt.id {
				got = &ms[i]
			}
		}
		switch {
		case tt.want && got == nil:
			t.Errorf("%s: no match for %s", tt.cpe, tt.id)
		case tt.want && (got.Confidence != tt.conf || got.Method != vuln.MethodCPE):
			t.Errorf("%s: %s by %s, %s; want %s, %s", tt.cpe, tt.id, got.Method, got.Confidence, vuln.MethodCPE, tt.conf)
		case !tt.want && got != nil:
			t.Errorf("%s: matched %s, want not", tt.cpe, tt.id)
		}
	}
	st, err := db.Status()
	if err != nil || st.Records != 3 || st.Ecosystems["CPE"] != 3 || st.Newest != "2024-10-17T00:00:00.000" {
		t.Errorf("status = %+v, %v", st, err)
	}
}

// TestCVESourcesMerge imports the CVE JSON 5 records and the NVD page,
// which share CVE-2020-15778, CVE-2022-2097 and CVE-2024-1275, in both
// orders: the applicability of both kinds of source counts, whichever
// record is newer.
func TestCVESourcesMerge(t *testing.T) {
	for _, order := range [][]string{{"../testdata/cve5", "../testdata/nvd"}, {"../testdata/nvd", "../testdata/cve5"}} {
		db := buildDB(t, order...)
		for _, tt := range []struct{ cpe, id string }{
			// only the CVE JSON 5 ADP range (0 to 8.3p1) covers 7.9p1; the
			// NVD page starts after it
			{"cpe:2.3:a:openbsd:openssh:7.9p1:*:*:*:*:*:*:*", "CVE-2020-15778"},
			// only the NVD page names the _firmware product
			{"cpe:2.3:o:baxter:welch_allyn_connex_spot_monitor_firmware:1.50:*:*:*:*:*:*:*", "CVE-2024-1275"},
		} {
			ms, _, err := db.Scan(context.Background(), []vuln.Package{{Ref: "c", Name: "c", CPEs: []string{tt.cpe}}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(ms, func(m vuln.Match) bool { return m.ID == tt.id }) {
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

// TestKEVAndEPSSInScan imports OSV records with a KEV catalog and an EPSS
// file and checks that a Log4Shell match carries both.
func TestKEVAndEPSSInScan(t *testing.T) {
	db := buildDB(t, "../testdata/osv", "../testdata/kev/kev-subset.json", "../testdata/epss/epss-synthetic.csv.gz")
	st, err := db.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.KEV != 5 || st.KEVVersion != "2025.08.25" || st.EPSS != 4 || st.EPSSDate != "2025-08-25T12:55:00Z" || st.EPSSModel != "v2025.03.14" {
		t.Errorf("status = %+v", st)
	}
	ms, _, err := db.Scan(context.Background(), []vuln.Package{
		{Ref: "a", Name: "log4j-core", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		{Ref: "b", Name: "lodash", PURL: "pkg:npm/lodash@2.4.2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]vuln.Match{}
	for _, m := range ms {
		found[m.ID] = m
	}
	l := found["GHSA-jfh8-c2jp-5v3q"]
	if l.KEV == nil || l.KEV.CVE != "CVE-2021-44228" || l.KEV.DateAdded != "2021-12-10" || l.EPSS == nil || l.EPSS.Score != 0.94358 {
		t.Errorf("Log4Shell match: KEV %+v EPSS %+v", l.KEV, l.EPSS)
	}
	if m, ok := found["GHSA-jf85-cpcp-j695"]; !ok || m.KEV != nil || m.EPSS != nil {
		t.Errorf("lodash match: %+v (want it, without KEV or EPSS)", m)
	}
}

// TestNewestKEVAndEPSSWin imports two catalogs and two EPSS files in both
// orders: the newer catalog's entry and the newer day's score are kept.
func TestNewestKEVAndEPSSWin(t *testing.T) {
	dir := t.TempDir()
	older := filepath.Join(dir, "kev-old.json")
	os.WriteFile(older, []byte(`{"catalogVersion":"2021.12.01","vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-01","knownRansomwareCampaignUse":"Unknown"},{"cveID":"CVE-2000-0001","dateAdded":"2021-01-01"}]}`), 0o600)
	oldEPSS := filepath.Join(dir, "old.csv")
	os.WriteFile(oldEPSS, []byte("#model_version:v1,score_date:2020-01-01T00:00:00Z\ncve,epss,percentile\nCVE-2021-44228,0.1,0.2\nCVE-2000-0001,0.3,0.4\n"), 0o600)
	for _, order := range [][]string{
		{older, "../testdata/kev/kev-subset.json", oldEPSS, "../testdata/epss/epss-synthetic.csv"},
		{"../testdata/kev/kev-subset.json", older, "../testdata/epss/epss-synthetic.csv", oldEPSS},
	} {
		db := buildDB(t, append([]string{"../testdata/osv"}, order...)...)
		st, _ := db.Status()
		if st.KEV != 6 || st.KEVVersion != "2025.08.25" || st.EPSS != 5 || st.EPSSDate != "2025-08-25T12:55:00Z" {
			t.Errorf("%v: status %+v", order, st)
		}
		ms, _, err := db.Scan(context.Background(), []vuln.Package{{Ref: "a", Name: "log4j-core", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.ID == "GHSA-jfh8-c2jp-5v3q" && (m.KEV == nil || m.KEV.DateAdded != "2021-12-10" || m.EPSS == nil || m.EPSS.Score != 0.94358) {
				t.Errorf("%v: KEV %+v EPSS %+v", order, m.KEV, m.EPSS)
			}
		}
	}
}

// TestKEVListed: the CVEs of a list that KEV lists, in order, remembered
// per CVE.
func TestKEVListed(t *testing.T) {
	db := buildDB(t, "../testdata/kev/kev-subset.json")
	k := db.KEVListed()
	ctx := context.Background()
	got, err := k.Of(ctx, []string{"CVE-2000-0001", "CVE-2021-44228", "CVE-2021-45046"})
	if err != nil || !slices.Equal(got, []string{"CVE-2021-44228", "CVE-2021-45046"}) {
		t.Errorf("Of = %v, %v", got, err)
	}
	if got, err := k.Of(ctx, []string{"CVE-2000-0001"}); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Of(unlisted) = %#v, %v; want an empty list", got, err)
	}
	// Asked again, from memory: the database is not consulted.
	db.Close()
	if got, err := k.Of(ctx, []string{"CVE-2021-45046", "CVE-2000-0001"}); err != nil || !slices.Equal(got, []string{"CVE-2021-45046"}) {
		t.Errorf("Of after close = %v, %v", got, err)
	}
	if _, err := k.Of(ctx, []string{"CVE-2018-0824"}); err == nil {
		t.Error("a CVE not asked before was answered from a closed database")
	}
}

func TestCSAFHelpersMatch(t *testing.T) {
	db := buildDB(t, "../testdata/csaf")
	st, err := db.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 2 || st.Ecosystems[cpeSource] != 1 {
		t.Errorf("status = %+v", st)
	}
	for _, tt := range []struct {
		cpe, want string
	}{
		{"cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-dev2:*:*:*:*:*:*:*", "BSI-2022-0001"},
		{"cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha:*:*:*:*:*:*:*", "BSI-2022-0001"},
		{"cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2:*:*:*:*:*:*:*", ""}, // fixed
		{"cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0:*:*:*:*:*:*:*", ""},     // not listed
	} {
		ms, cov, err := db.Scan(context.Background(), []vuln.Package{{Ref: "c", Name: "cvrf-csaf-converter", CPEs: []string{tt.cpe}}})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(ms) == 1 {
			got = ms[0].ID
			if ms[0].Method != vuln.MethodCPE || ms[0].Confidence != vuln.ConfidenceHigh || len(ms[0].Aliases) != 1 || ms[0].Aliases[0] != "CVE-2022-27193" {
				t.Errorf("%s: match %+v", tt.cpe, ms[0])
			}
		}
		if got != tt.want || len(ms) > 1 || !cov[0].Checked {
			t.Errorf("%s: matches %v (checked %v), want %q", tt.cpe, ms, cov[0].Checked, tt.want)
		}
	}
}

// TestCSAFPurlHelpersMatch: no real advisory at hand carries package URL
// helpers, so the BSI example gets them here, in memory (synthetic): an
// affected product's purl matches that package version, a fixed one's
// does not.
func TestCSAFPurlHelpersMatch(t *testing.T) {
	data, err := os.ReadFile("../testdata/csaf/bsi-2022-0001.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for id, purl := range map[string]string{"CSAFPID-0003": "pkg:pypi/cvrf-csaf-converter@1.0.0-dev2", "CSAFPID-0006": "pkg:pypi/cvrf-csaf-converter@1.0.0-rc2"} {
		helper := `"product_id": "` + id + `",
                  "product_identification_helper": {
                    "cpe":`
		if !strings.Contains(doc, helper) {
			t.Fatalf("the example's %s has no CPE helper where expected", id)
		}
		doc = strings.Replace(doc, helper, `"product_id": "`+id+`",
                  "product_identification_helper": {
                    "purl": "`+purl+`",
                    "cpe":`, 1)
	}
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/bsi.json", []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	db := buildDB(t, dir)
	for purl, want := range map[string]string{
		"pkg:pypi/cvrf-csaf-converter@1.0.0-dev2": "BSI-2022-0001",
		"pkg:pypi/cvrf-csaf-converter@1.0.0-rc2":  "",
		"pkg:pypi/cvrf-csaf-converter@1.0.0-dev3": "", // affected, but its helper is a CPE only
	} {
		ms, _, err := db.Scan(context.Background(), []vuln.Package{{Ref: "c", Name: "cvrf-csaf-converter", PURL: purl}})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(ms) == 1 {
			got = ms[0].ID
			if ms[0].Method != vuln.MethodVersions || ms[0].Aliases[0] != "CVE-2022-27193" {
				t.Errorf("%s: %+v", purl, ms[0])
			}
		}
		if got != want || len(ms) > 1 {
			t.Errorf("%s: matches %v, want %q", purl, ms, want)
		}
	}
}

// TestCoverageStatus: a package counts as checked only when the database
// covers it; otherwise the ledger says whether it lacks an identifier or
// the database lacks data for it.
func TestCoverageStatus(t *testing.T) {
	db := buildDB(t, "../testdata/osv", "../testdata/cve5")
	for _, tt := range []struct {
		name string
		pkg  vuln.Package
		want vuln.CoverageStatus
	}{
		{"purl, ecosystem in the database", vuln.Package{Name: "minimist", Version: "1.2.8", PURL: "pkg:npm/minimist@1.2.8"}, vuln.Checked},
		{"purl, ecosystem not in the database", vuln.Package{Name: "example.com/lib", Version: "1.0.0", PURL: "pkg:golang/example.com/lib@1.0.0"}, vuln.NoData},
		{"CPE, vendor in the records", vuln.Package{Name: "curl", Version: "8.5.0", CPEs: []string{"cpe:2.3:a:curl:curl:8.5.0:*:*:*:*:*:*:*"}}, vuln.Checked},
		{"CPE, vendor in none of them", vuln.Package{Name: "widget", Version: "1.0", CPEs: []string{"cpe:2.3:a:nobody:widget:1.0:*:*:*:*:*:*:*"}}, vuln.NoData},
		{"name only, nothing found", vuln.Package{Name: "widget", Version: "1.0"}, vuln.NotCheckable},
		{"no version", vuln.Package{Name: "minimist", PURL: "pkg:npm/minimist"}, vuln.NotCheckable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, cov, err := db.Scan(context.Background(), []vuln.Package{tt.pkg})
			if err != nil {
				t.Fatal(err)
			}
			if len(cov) != 1 || cov[0].Status != tt.want || cov[0].Checked != (tt.want == vuln.Checked) || tt.want != vuln.Checked && cov[0].Reason == "" {
				t.Errorf("coverage = %+v, want %s", cov, tt.want)
			}
		})
	}
}

// TestImportMalformedAndCompanions imports a folder as real downloads lay
// it out: the data, the companions that come with it (schemas, indexes,
// checksums, signatures, change logs), and an advisory that is not valid.
func TestImportMalformedAndCompanions(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("../testdata/kev/kev-subset.json", filepath.Join(dir, "kev", "known_exploited_vulnerabilities.json"))
	copyFile("../testdata/csaf/icsma-20-049-01.json", filepath.Join(dir, "csaf", "2020", "icsma-20-049-01.json"))
	copyFile("../testdata/osv/GHSA-jfh8-c2jp-5v3q.json", filepath.Join(dir, "osv", "GHSA-jfh8-c2jp-5v3q.json"))
	for name, data := range map[string]string{
		"kev/known_exploited_vulnerabilities_schema.json": `{"$schema": "http://json-schema.org/draft-04/schema#", "title": "KEV", "properties": {"cveID": {"type": "string"}}}`,
		"csaf/schema/csaf_json_schema.json":               `{"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "properties": {"document": {}}}`,
		"csaf/provider-metadata.json":                     `{"canonical_url": "https://example.com/.well-known/csaf/provider-metadata.json", "metadata_version": "2.0", "role": "csaf_provider"}`,
		"csaf/changes.csv":                                "\"2020/icsma-20-049-01.json\",\"2020-02-18T00:00:00Z\"\n",
		"csaf/index.txt":                                  "2020/icsma-20-049-01.json\n",
		"csaf/2020/icsma-20-049-01.json.sha512":           "0123 icsma-20-049-01.json\n",
		"csaf/2020/icsma-20-049-01.json.asc":              "-----BEGIN PGP SIGNATURE-----\n",
		"osv/GHSA-bad.json":                               `{"id": "GHSA-bad", "modified": "2024-01-01T00:00:00Z", "affected": "not a list"}`,
	} {
		f := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dbPath := filepath.Join(t.TempDir(), "vuln.db")
	st, err := ImportWith(context.Background(), dbPath, []string{dir}, ImportOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 2 || len(st.Malformed) != 1 || !strings.Contains(st.Malformed[0], "GHSA-bad.json") {
		t.Errorf("stats = %+v, want the OSV and CSAF records and one malformed advisory named", st)
	}
	want := map[string]int{"a JSON Schema": 2, "CSAF provider metadata": 1, "a CSV file that is not EPSS scores": 1, "a text file": 1, "a checksum": 1, "a signature": 1}
	for k, n := range want {
		if st.Ignored[k] != n {
			t.Errorf("ignored %q: %d, want %d (all: %v)", k, st.Ignored[k], n, st.Ignored)
		}
	}
	db, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if s, _ := db.Status(); s.KEV != 5 {
		t.Errorf("KEV entries = %d, want the catalog's 5 beside its schema", s.KEV)
	}
	// Strict stops at the advisory that is not valid, naming it.
	if _, err := ImportWith(context.Background(), filepath.Join(t.TempDir(), "s.db"), []string{dir}, ImportOptions{Now: now, Strict: true}); err == nil || !strings.Contains(err.Error(), "GHSA-bad.json") {
		t.Errorf("strict import = %v", err)
	}
}

// TestImportFollowsLinks: a folder given as a symbolic link, and links
// inside it to files and folders, are read; a link loop ends; hidden
// folders reached through a link are passed over like hidden folders.
func TestImportFollowsLinks(t *testing.T) {
	base := t.TempDir()
	data, err := os.ReadFile("../testdata/osv/GHSA-jfh8-c2jp-5v3q.json")
	if err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(base, "disk", "osv")
	other := filepath.Join(base, "disk", "more")
	for _, d := range []string{real, other, filepath.Join(base, "disk", "hidden")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(real, "GHSA-jfh8-c2jp-5v3q.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	second := strings.Replace(string(data), "GHSA-jfh8-c2jp-5v3q", "GHSA-test-link-0001", 1)
	if err := os.WriteFile(filepath.Join(other, "GHSA-test-link-0001.json"), []byte(second), 0o644); err != nil {
		t.Fatal(err)
	}
	third := strings.Replace(string(data), "GHSA-jfh8-c2jp-5v3q", "GHSA-test-hidden-01", 1)
	if err := os.WriteFile(filepath.Join(base, "disk", "hidden", "GHSA-test-hidden-01.json"), []byte(third), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		filepath.Join(base, "osv"):         real,                                  // the folder given
		filepath.Join(real, "more"):        other,                                 // a folder inside
		filepath.Join(real, "loop"):        real,                                  // back to itself
		filepath.Join(real, ".hidden"):     filepath.Join(base, "disk", "hidden"), // hidden, passed over
		filepath.Join(other, "again.json"): filepath.Join(real, "GHSA-jfh8-c2jp-5v3q.json"),
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	st, err := ImportWith(context.Background(), filepath.Join(t.TempDir(), "vuln.db"), []string{filepath.Join(base, "osv")}, ImportOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 2 {
		t.Errorf("records %d, want 2 (the folder's and the linked folder's; stats %+v)", st.Records, st)
	}
}

// TestMerge: an overlay's match of a vulnerability the database found
// too, under another ID that aliases it, is reported once per package;
// one of another package stays.
func TestMerge(t *testing.T) {
	base := []vuln.Match{{Ref: "a", ID: "CVE-2024-1", Aliases: []string{"GHSA-x"}, Confidence: vuln.ConfidenceHigh}}
	extra := []vuln.Match{{Ref: "a", ID: "GHSA-x", Aliases: []string{"CVE-2024-1"}, Confidence: vuln.ConfidenceHigh}, {Ref: "b", ID: "GHSA-x", Confidence: vuln.ConfidenceHigh}}
	got := Merge(base, extra)
	if len(got) != 2 || got[0].Ref != "a" || got[0].ID != "GHSA-x" || len(got[0].Aliases) != 1 || got[0].Aliases[0] != "CVE-2024-1" || got[1].Ref != "b" {
		t.Errorf("merged: %+v", got)
	}
}

// TestDelta: the delta of a database since an older one holds the
// records added, a record whose content changed, the records of a CVE
// newly in the KEV catalog (by alias) and the advisories added, and not
// what stayed as it was.
func TestDelta(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	// The older database: two records as published.
	older := filepath.Join(dir, "older.db")
	if _, err := Import(ctx, older, []string{"../testdata/osv/GHSA-5crp-9r3c-p9vr.json", "../testdata/osv/GHSA-27h2-hvpr-p74q.json", "../testdata/osv/GHSA-jfh8-c2jp-5v3q.json"}, now); err != nil {
		t.Fatal(err)
	}
	// The newer: one of them revised (its summary and modified date, as
	// a publisher's revision changes them), one unchanged, Log4Shell now
	// in the KEV catalog, a record and a CSAF advisory added.
	b, err := os.ReadFile("../testdata/osv/GHSA-27h2-hvpr-p74q.json")
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	rec["modified"], rec["summary"] = "2026-11-30T00:00:00Z", fmt.Sprint(rec["summary"], " (revised)")
	revised := filepath.Join(dir, "revised.json")
	b, _ = json.Marshal(rec)
	os.WriteFile(revised, b, 0o600)
	newer := filepath.Join(dir, "newer.db")
	if _, err := Import(ctx, newer, []string{"../testdata/osv/GHSA-5crp-9r3c-p9vr.json", revised, "../testdata/osv/GHSA-jfh8-c2jp-5v3q.json",
		"../testdata/osv/GHSA-57j2-w4cx-62h2.json", "../testdata/kev/kev-subset.json", "../testdata/csaf/icsma-20-049-01.json"}, now); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "delta.db")
	n, err := Delta(ctx, older, newer, out)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ids []string
	rows, err := db.sql.Query(`SELECT id FROM records ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	advs, err := db.Advisories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The CSAF advisory is a record (its product tree) and an advisory
	// (its products named in words).
	want := []string{"GHSA-27h2-hvpr-p74q", "GHSA-57j2-w4cx-62h2", "GHSA-jfh8-c2jp-5v3q", "ICSMA-20-049-01"}
	if !slices.Equal(ids, want) || len(advs) != 1 || n != len(want)+1 {
		t.Errorf("delta: records %v (want %v), %d advisories, n %d", ids, want, len(advs), n)
	}
	// What it holds matches as the newer database does.
	ms, _, err := db.Scan(ctx, []vuln.Package{{Ref: "l", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}})
	if err != nil || len(ms) == 0 {
		t.Errorf("the delta does not match Log4Shell: %v %v", ms, err)
	}
	// Withdrawn records are in the delta of the older since the newer,
	// as are the records whose KEV listing went.
	back := filepath.Join(dir, "back.db")
	if _, err := Delta(ctx, newer, older, back); err != nil {
		t.Fatal(err)
	}
	bdb, err := Open(back)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	var withdrawn []string
	rows, _ = bdb.sql.Query(`SELECT id FROM records ORDER BY id`)
	for rows.Next() {
		var id string
		rows.Scan(&id)
		withdrawn = append(withdrawn, id)
	}
	rows.Close()
	if !slices.Equal(withdrawn, want) {
		t.Errorf("the delta back: %v, want %v", withdrawn, want)
	}
	// Nothing changed: an empty delta.
	if n, err := Delta(ctx, newer, newer, filepath.Join(dir, "none.db")); err != nil || n != 0 {
		t.Errorf("a database since itself: %d %v", n, err)
	}
}
