package advisory

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) *Advisory {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ReadCSAF(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReadCSAF(t *testing.T) {
	a := readTestdata(t, "icsma-20-254-01.json")
	if a.ID != "ICSMA-20-254-01" || !strings.Contains(a.Title, "Philips") || len(a.CVEs) != 8 {
		t.Fatalf("advisory = %s %q, %d CVEs", a.ID, a.Title, len(a.CVEs))
	}
	var picix *Product
	for i := range a.Products {
		if a.Products[i].Name == "Patient Information Center iX (PICiX)" && a.Products[i].Version == "B.02" {
			picix = &a.Products[i]
		}
	}
	if picix == nil || picix.Vendor != "Philips" || !slices.Equal(picix.IDs, []string{"CSAFPID-0001"}) || len(picix.CVEs) != 8 {
		t.Fatalf("PICiX B.02 = %+v", picix)
	}
	if got := picix.Constraint().Check("B.02"); got.Verdict != Affected {
		t.Errorf("B.02 against B.02: %+v", got)
	}

	// Several vendors in one branch; ranges over years.
	u := readTestdata(t, "icsma-19-274-01.json")
	found := false
	for _, p := range u.Products {
		if strings.Contains(p.Vendor, "Wind River") && strings.HasPrefix(p.Name, "VxWorks") {
			found = true
		}
	}
	if !found {
		t.Errorf("no VxWorks product under the Wind River vendor branch: %+v", u.Products)
	}

	if _, err := ReadCSAF("x.json", []byte(`{"document": {}}`)); err == nil || !strings.Contains(err.Error(), "tracking/id") {
		t.Errorf("a document without a tracking ID: %v", err)
	}
	if _, err := ReadCSAF("x.json", []byte(`{"document": `)); err == nil || !strings.HasPrefix(err.Error(), "x.json: ") {
		t.Errorf("broken JSON: %v", err)
	}
	deep := `{"document": {"tracking": {"id": "X"}}, "product_tree": {"branches": [` + strings.Repeat(`{"category": "product_family", "name": "f", "branches": [`, 70) +
		`{"category": "product_version", "name": "1", "product": {"product_id": "P"}}` + strings.Repeat(`]}`, 70) + `]}}`
	if _, err := ReadCSAF("deep.json", []byte(deep)); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("a product tree 70 branches deep: %v", err)
	}
}

// TestMatchTestdata matches devices against the three advisories here.
func TestMatchTestdata(t *testing.T) {
	m := NewMatcher([]*Advisory{readTestdata(t, "icsma-19-274-01.json"), readTestdata(t, "icsma-20-254-01.json"), readTestdata(t, "icsma-20-170-04.json")})
	tests := []struct {
		d          Device
		advisory   string
		confidence Confidence
	}{
		{Device{"Philips Healthcare", "Patient Information Center iX", "C.02"}, "ICSMA-20-254-01", ConfidenceMedium}, // letters: medium
		{Device{"Philips", "IntelliVue MX450", "M.00"}, "ICSMA-20-254-01", ConfidenceMedium},                         // model range MX400-MX850, M.00 <= N
		{Device{"Baxter", "Sigma Spectrum", "8.0"}, "ICSMA-20-170-04", ConfidenceReview},                             // model and battery conditions
		{Device{"Wind River", "VxWorks", "6.5"}, "ICSMA-19-274-01", ConfidenceHigh},
	}
	for _, tc := range tests {
		hits := m.Match(tc.d)
		var got *Hit
		for i := range hits {
			if hits[i].Advisory == tc.advisory {
				got = &hits[i]
			}
		}
		if got == nil || got.Confidence != tc.confidence || got.Reason == "" || len(got.CVEs) == 0 {
			t.Errorf("%v: %+v, want %s on %s", tc.d, hits, tc.confidence, tc.advisory)
		}
	}
	if hits := m.Match(Device{"Philips", "Patient Information Center iX", "D.01"}); len(hits) != 0 {
		t.Errorf("a version after every named one matched: %+v", hits)
	}
	if hits := m.Match(Device{"GE Healthcare", "Patient Information Center iX", "B.02"}); len(hits) != 0 {
		t.Errorf("another vendor's device matched: %+v", hits)
	}
}

// TestReadCSAFRelationships reads a real Red Hat advisory whose products
// are packages as components of platforms (relationships), all fixed:
// nothing to match. The same advisory with its statuses turned to
// known_affected (in memory, marked here as such) names the platforms
// and packages, each with the CVE.
func TestReadCSAFRelationships(t *testing.T) {
	data, err := os.ReadFile("testdata/rhsa-2022_0011.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := ReadCSAF("rhsa-2022_0011.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "RHSA-2022:0011" || len(a.Products) != 0 {
		t.Errorf("a fixed-only advisory gave products to match: %+v", a.Products)
	}
	affected := strings.ReplaceAll(string(data), `"fixed": [`, `"known_affected": [`)
	a, err = ReadCSAF("rhsa-2022_0011.json (statuses changed in memory)", []byte(affected))
	if err != nil {
		t.Fatal(err)
	}
	var aus *Product
	for i := range a.Products {
		if a.Products[i].Name == "Red Hat Enterprise Linux Red Hat Enterprise Linux Server AUS (v. 7.6)" {
			aus = &a.Products[i]
		}
	}
	if aus == nil || aus.Vendor != "Red Hat" || !slices.Equal(aus.CVEs, []string{"CVE-2020-10188"}) || aus.Remediation == "" {
		t.Errorf("RHEL Server AUS 7.6 through its relationships: %+v", aus)
	}
	hits := NewMatcher([]*Advisory{a}).Match(Device{Vendor: "Red Hat, Inc.", Product: "Red Hat Enterprise Linux Server AUS", Version: "7.6"})
	if len(hits) != 1 || hits[0].Advisory != "RHSA-2022:0011" {
		t.Errorf("hits = %+v", hits)
	}
}

func TestReadCSAFFullProductNames(t *testing.T) {
	doc := `{"document": {"tracking": {"id": "EXM-1"}, "publisher": {"category": "vendor", "name": "Example Medical"}},
  "product_tree": {"full_product_names": [{"product_id": "P1", "name": "Example Infusion Pump 3.2"}, {"product_id": "P2", "name": "Example Monitor 1.0"}]},
  "vulnerabilities": [{"cve": "CVE-2024-0001", "product_status": {"known_affected": ["P1"], "fixed": ["P2"]}}]}`
	a, err := ReadCSAF("exm-1.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Products) != 1 || a.Products[0].Vendor != "Example Medical" || !a.Products[0].FullName {
		t.Fatalf("products = %+v", a.Products)
	}
	hits := NewMatcher([]*Advisory{a}).Match(Device{Vendor: "Example Medical", Product: "Example Infusion Pump 3.2", Version: "3.2"})
	if len(hits) != 1 || hits[0].Confidence != ConfidenceReview || !strings.Contains(hits[0].Reason, "one string") {
		t.Errorf("hits = %+v", hits)
	}
}

func TestConfidenceRank(t *testing.T) {
	if !(ConfidenceHigh.Rank() > ConfidenceMedium.Rank() && ConfidenceMedium.Rank() > ConfidenceReview.Rank() && ConfidenceReview.Rank() > Confidence("").Rank()) {
		t.Error("confidences are out of order")
	}
}
