package vexout

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"

	openvex "github.com/openvex/go-vex/pkg/vex"

	"github.com/mdcheck/mdcheck/internal/vex"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

var day = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func items() []Item {
	ts := time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)
	return []Item{
		{Product: "pkg:generic/acme/pump@2.0", Subcomponents: []string{"pkg:npm/minimist@0.0.8"},
			Statement: vuln.VEXStatement{Vulnerability: "GHSA-xvch-5gv4-984h", Aliases: []string{"CVE-2021-44906"}, Status: vuln.VEXUnderInvestigation}},
		{Product: "pkg:generic/acme/monitor@3.0", Subcomponents: []string{"pkg:deb/debian/openssl@1.1.1n"},
			Statement: vuln.VEXStatement{Vulnerability: "CVE-2022-2097", Status: vuln.VEXNotAffected, Justification: "vulnerable_code_not_in_execute_path", Impact: "AES-OCB is never used.", Timestamp: ts}},
		{Product: "pkg:generic/acme/monitor@3.0", Subcomponents: []string{"pkg:deb/debian/curl@7.74.0"},
			Statement: vuln.VEXStatement{Vulnerability: "CVE-2023-38545", Status: vuln.VEXAffected, Action: "Update to release 3.1, available by 2027-03-31.", Timestamp: ts}},
		// Affected without an action: not a valid OpenVEX statement.
		{Product: "pkg:generic/acme/monitor@3.0", Statement: vuln.VEXStatement{Vulnerability: "CVE-2024-0001", Status: vuln.VEXAffected}},
	}
}

// TestOpenVEX: the document parses as OpenVEX, every statement is valid,
// statuses are as stated (an invalid one is under investigation, saying
// why), and the same items give the same bytes in any order.
func TestOpenVEX(t *testing.T) {
	var a, b bytes.Buffer
	if err := OpenVEX(&a, "Acme Medical", "manufacturer", day, items()); err != nil {
		t.Fatal(err)
	}
	rev := items()
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if err := OpenVEX(&b, "Acme Medical", "manufacturer", day, rev); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same items in another order give other bytes")
	}
	doc, err := openvex.Parse(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Author != "Acme Medical" || doc.Timestamp == nil || !doc.Timestamp.Equal(day) || !strings.HasPrefix(doc.ID, "https://openvex.dev/docs/public/vex-") {
		t.Errorf("metadata %+v", doc.Metadata)
	}
	got := map[string]openvex.Statement{}
	for i := range doc.Statements {
		s := doc.Statements[i]
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Vulnerability.Name, err)
		}
		got[string(s.Vulnerability.Name)] = s
	}
	if s := got["CVE-2022-2097"]; s.Status != openvex.StatusNotAffected || s.Justification != openvex.VulnerableCodeNotInExecutePath || s.Products[0].Subcomponents[0].ID != "pkg:deb/debian/openssl@1.1.1n" {
		t.Errorf("not affected: %+v", s)
	}
	if s := got["CVE-2023-38545"]; s.Status != openvex.StatusAffected || !strings.Contains(s.ActionStatement, "release 3.1") {
		t.Errorf("affected: %+v", s)
	}
	if s := got["GHSA-xvch-5gv4-984h"]; s.Status != openvex.StatusUnderInvestigation || len(s.Vulnerability.Aliases) != 1 {
		t.Errorf("under investigation: %+v", s)
	}
	if s := got["CVE-2024-0001"]; s.Status != openvex.StatusUnderInvestigation || !strings.Contains(s.StatusNotes, "action statement must be set") {
		t.Errorf("an invalid statement: %+v", s)
	}
}

// TestCSAF: the CSAF VEX document passes gocsaf's validation against the
// full CSAF 2.0 schema, and mdcheck's own CSAF reader reads it back to
// the same statuses by package URL.
func TestCSAF(t *testing.T) {
	var a, b bytes.Buffer
	p := Publisher{Name: "Acme Medical", Namespace: "https://acme.example/security", Title: "Acme Widget 3.0", Engine: "mdcheck", Version: "test"}
	if err := CSAF(&a, p, day, items()); err != nil {
		t.Fatal(err)
	}
	if err := CSAF(&b, p, day, items()); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("two runs differ (%v)", err)
	}
	var generic any
	if err := json.Unmarshal(a.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	problems, err := gocsaf.ValidateCSAF(generic)
	if err != nil || len(problems) > 0 {
		t.Fatalf("CSAF schema: %v %v\n%s", err, problems, a.String())
	}
	file := filepath.Join(t.TempDir(), "acme.csaf.json")
	if err := os.WriteFile(file, a.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	stmts, err := vex.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range stmts {
		for _, pk := range s.Packages {
			got[s.Vulnerability+" "+pk] = s.Status
		}
	}
	for k, want := range map[string]string{
		"CVE-2022-2097 pkg:deb/debian/openssl@1.1.1n": vuln.VEXNotAffected,
		"CVE-2023-38545 pkg:deb/debian/curl@7.74.0":   vuln.VEXAffected,
	} {
		if got[k] != want {
			t.Errorf("%s read back as %q, want %s (all: %v)", k, got[k], want, got)
		}
	}
	for _, want := range []string{`"label": "vulnerable_code_not_in_execute_path"`, `"category": "vendor_fix"`, `"under_investigation"`, `"cve": "CVE-2021-44906"`, `"system_name": "GitHub Advisory Database"`} {
		if !strings.Contains(a.String(), want) {
			t.Errorf("document lacks %s", want)
		}
	}
}
