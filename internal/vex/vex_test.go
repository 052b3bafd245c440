package vex

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/seed"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

func TestReadOpenVEX(t *testing.T) {
	stmts, err := ReadFile("../vuln/testdata/vex/trivy.openvex.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 21 {
		t.Fatalf("%d statements", len(stmts))
	}
	s := stmts[0]
	if s.Vulnerability != "GO-2024-2575" || !slices.Contains(s.Aliases, "CVE-2024-26147") || s.Status != vuln.VEXNotAffected ||
		s.Justification != "vulnerable_code_not_in_execute_path" || !slices.Contains(s.Packages, "pkg:golang/helm.sh/helm/v3") ||
		slices.Contains(s.Packages, "pkg:golang/github.com/aquasecurity/trivy") || s.Timestamp.IsZero() {
		t.Errorf("first statement = %+v", s)
	}
	// OpenVEX v0.0.1, which go-vex converts.
	old, err := ReadFile("../vuln/testdata/vex/openvex-v0.0.1.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != 1 || old[0].Vulnerability != "CVE-2023-12345" || old[0].Status != vuln.VEXFixed || !slices.Contains(old[0].Packages, "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7") {
		t.Errorf("v0.0.1 statements = %+v", old)
	}
}

func TestReadCycloneDXVEX(t *testing.T) {
	stmts, err := ReadFile("../vuln/testdata/vex/cyclonedx-vex.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 1 {
		t.Fatalf("%d statements", len(stmts))
	}
	s := stmts[0]
	const jackson = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"
	if s.Vulnerability != "CVE-2020-25649" || s.Status != vuln.VEXNotAffected || s.Justification != "code_not_reachable" ||
		!strings.Contains(s.Impact, "not reachable") || !slices.Contains(s.Refs, jackson) || !slices.Contains(s.Packages, jackson) {
		t.Errorf("statement = %+v", s)
	}
}

func TestReadCSAFVEX(t *testing.T) {
	const real = "../vuln/testdata/vex/csaf-sec-vex-2022-0001.json"
	// As published, its product is named in words only.
	if _, err := ReadFile(real); !errors.Is(err, ErrNothingApplies) || !strings.Contains(err.Error(), "none of its 3 product statuses names a product with a package URL or CPE helper") {
		t.Errorf("ReadFile = %v", err)
	}
	// The same document with a package URL helper on its product
	// (synthetic: added here, in memory).
	data, err := os.ReadFile(real)
	if err != nil {
		t.Fatal(err)
	}
	const product = `"product_id": "CSAFPID-0001"`
	if !strings.Contains(string(data), product) {
		t.Fatal("the example has no CSAFPID-0001")
	}
	helped := strings.Replace(string(data), product, product+`, "product_identification_helper": {"purl": "pkg:npm/secvisogram"}`, 1)
	path := filepath.Join(t.TempDir(), "vex.json")
	if err := os.WriteFile(path, []byte(helped), 0o600); err != nil {
		t.Fatal(err)
	}
	stmts, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 3 {
		t.Fatalf("%d statements", len(stmts))
	}
	s := stmts[0]
	if s.Vulnerability != "CVE-2021-44228" || s.Status != vuln.VEXNotAffected || s.Justification != "component_not_present" ||
		!strings.Contains(s.Impact, "JavaScript") || !slices.Equal(s.Packages, []string{"pkg:npm/secvisogram"}) || s.Timestamp.IsZero() {
		t.Errorf("first statement = %+v", s)
	}
	ms := []vuln.Match{{Ref: "s", ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"}}}
	Apply(ms, []vuln.Package{{Ref: "s", PURL: "pkg:npm/secvisogram@1.12.0"}}, stmts)
	if !ms[0].VEX.Suppressed() || ms[0].VEX.Justification != "component_not_present" {
		t.Errorf("applied: %+v", ms[0].VEX)
	}

	// With a CPE helper instead (synthetic, as above), the statements
	// name the product by CPE and apply to a package with that CPE.
	cpeHelped := strings.Replace(string(data), product, product+`, "product_identification_helper": {"cpe": "cpe:2.3:a:secvisogram:secvisogram:1.12.0:*:*:*:*:*:*:*"}`, 1)
	if err := os.WriteFile(path, []byte(cpeHelped), 0o600); err != nil {
		t.Fatal(err)
	}
	stmts, err = ReadFile(path)
	if err != nil || len(stmts) != 3 || len(stmts[0].CPEs) != 1 || len(stmts[0].Packages) != 0 {
		t.Fatalf("CPE helper: %+v, %v", stmts, err)
	}
	for _, tt := range []struct {
		cpe, version string
		applies      bool
	}{
		{"cpe:2.3:a:secvisogram:secvisogram:1.12.0:*:*:*:*:*:*:*", "", true},
		{"cpe:2.3:a:secvisogram:secvisogram:*:*:*:*:*:*:*:*", "1.12.0", true},
		{"cpe:2.3:a:secvisogram:secvisogram:1.13.0:*:*:*:*:*:*:*", "", false},
		{"cpe:2.3:a:other:secvisogram:1.12.0:*:*:*:*:*:*:*", "", false},
	} {
		ms := []vuln.Match{{Ref: "s", ID: "CVE-2021-44228"}}
		Apply(ms, []vuln.Package{{Ref: "s", Version: tt.version, CPEs: []string{tt.cpe}}}, stmts)
		if (ms[0].VEX != nil) != tt.applies {
			t.Errorf("%s: VEX %+v, want applied %v", tt.cpe, ms[0].VEX, tt.applies)
		}
	}
}

func TestApplyVEX(t *testing.T) {
	stmts, err := ReadFile("../vuln/testdata/vex/trivy.openvex.json")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := []vuln.Package{
		{Ref: "helm", Name: "helm.sh/helm/v3", PURL: "pkg:golang/helm.sh/helm/v3@v3.14.1"},
		{Ref: "circl", Name: "github.com/cloudflare/circl", PURL: "pkg:golang/github.com/cloudflare/circl@v1.3.3"},
		{Ref: "other", Name: "golang.org/x/net", PURL: "pkg:golang/golang.org/x/net@v0.1.0"},
	}
	ms := []vuln.Match{
		{Ref: "helm", ID: "GO-2024-2575"},                                             // by ID, version-less package
		{Ref: "circl", ID: "GHSA-2q89-485c-9j2x", Aliases: []string{"CVE-2023-1732"}}, // by alias
		{Ref: "other", ID: "GO-2024-2575"},                                            // another package
		{Ref: "helm", ID: "GO-2099-0001"},                                             // another vulnerability
	}
	Apply(ms, pkgs, stmts)
	if r := ms[0].VEX; r == nil || r.Status != vuln.VEXNotAffected || r.Justification != "vulnerable_code_not_in_execute_path" || !r.Suppressed() {
		t.Errorf("helm: %+v", r)
	}
	if r := ms[1].VEX; r == nil || r.Status != vuln.VEXNotAffected || r.Justification != "vulnerable_code_not_present" {
		t.Errorf("circl: %+v", r)
	}
	if ms[2].VEX != nil || ms[3].VEX != nil || ms[2].VEX.Suppressed() {
		t.Errorf("statements applied where they do not: %+v %+v", ms[2].VEX, ms[3].VEX)
	}

	// The latest statement wins; an affected one shows its action and
	// does not suppress.
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	both := []vuln.VEXStatement{
		{Vulnerability: "CVE-1", Packages: []string{"pkg:npm/a"}, Status: vuln.VEXUnderInvestigation, Timestamp: t0},
		{Vulnerability: "CVE-1", Packages: []string{"pkg:npm/a@1.0.0"}, Status: vuln.VEXAffected, Action: "upgrade to 1.0.1", Timestamp: t0.Add(time.Hour)},
	}
	for _, order := range [][]vuln.VEXStatement{both, {both[1], both[0]}} {
		m := []vuln.Match{{Ref: "a", ID: "CVE-1"}}
		Apply(m, []vuln.Package{{Ref: "a", PURL: "pkg:npm/a@1.0.0"}}, order)
		if r := m[0].VEX; r == nil || r.Status != vuln.VEXAffected || r.Action != "upgrade to 1.0.1" || r.Suppressed() {
			t.Errorf("latest statement: %+v", r)
		}
	}
}

func TestSamePackage(t *testing.T) {
	for _, tt := range []struct {
		stmt, pkg string
		want      bool
	}{
		{"pkg:npm/lodash", "pkg:npm/lodash@4.17.20", true},
		{"pkg:npm/lodash@4.17.20", "pkg:npm/lodash@4.17.20", true},
		{"pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.20", false},
		{"pkg:npm/lodash@4.17.20?foo=bar", "pkg:npm/lodash@4.17.20", true},
		{"pkg:pypi/Django", "pkg:pypi/django@4.0", true},
		{"pkg:nuget/jQuery@3.1.1", "pkg:nuget/jquery@3.1.1", true},
		{"pkg:golang/github.com/cloudflare/circl", "pkg:golang/github.com/cloudflare/circl@v1.3.3", true},
		{"pkg:golang/github.com/cloudflare/circl", "pkg:golang/github.com/cloudflare/circle@v1.3.3", false},
		{"pkg:npm/lodash", "pkg:pypi/lodash@1", false},
		{"not a purl", "pkg:npm/lodash@1", false},
		{"pkg:npm/lodash", "", false},
	} {
		if got := samePackage(tt.stmt, tt.pkg); got != tt.want {
			t.Errorf("samePackage(%q, %q) = %v", tt.stmt, tt.pkg, got)
		}
	}
}

func TestReadVEXErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, in, want string }{
		{"neither", `{"hello": 1}`, "neither OpenVEX"},
		{"csaf", `{"document": {"csaf_version": "2.0"}}`, "not valid CSAF 2.0: /document/category: missing"},
		{"bad status", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "version": 1, "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a"}], "status": "fine"}]}`, `/statements/0/status: "fine" is not an OpenVEX status`},
		{"no vulnerability", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "version": 1, "statements": [{"vulnerability": {}, "status": "fixed"}]}`, "/statements/0/vulnerability: no name"},
		{"cdx state", `{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-1", "analysis": {"state": "fine"}}]}`, `/vulnerabilities/0/analysis/state: "fine"`},
		{"cdx id", `{"bomFormat": "CycloneDX", "vulnerabilities": [{"analysis": {"state": "in_triage"}}]}`, "/vulnerabilities/0/id: missing"},
		{"deep", `{"bomFormat": "CycloneDX", "x": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}", "nesting deeper"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(dir, tt.name+".json")
			if err := os.WriteFile(f, []byte(tt.in), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadFile(f)
			if err == nil || !errors.Is(err, vuln.ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), f) {
				t.Errorf("ReadFile = %v, want an error naming the file and containing %q", err, tt.want)
			}
		})
	}
}

func FuzzReadVEX(f *testing.F) {
	seed.Files(f, "../vuln/testdata/vex/trivy.openvex.json", "../vuln/testdata/vex/openvex-v0.0.1.json", "../vuln/testdata/vex/cyclonedx-vex.json", "../vuln/testdata/vex/csaf-sec-vex-2022-0001.json")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "vex.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		stmts, err := ReadFile(path)
		if err != nil {
			return
		}
		for _, s := range stmts {
			switch s.Status {
			case vuln.VEXNotAffected, vuln.VEXAffected, vuln.VEXFixed, vuln.VEXUnderInvestigation:
			default:
				t.Fatalf("statement with status %q", s.Status)
			}
			if s.Vulnerability == "" {
				t.Fatal("statement without a vulnerability")
			}
		}
	})
}
