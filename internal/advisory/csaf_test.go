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
		confidence string
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
