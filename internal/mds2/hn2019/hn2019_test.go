package hn2019

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The number of questions per section, as counted in NEMA's example
// worksheet for HN 1-2019 (../shared/data/mds2/README.md; SAHD counts the
// row the form itself numbers SHAD-15).
var perSection = map[string]int{
	"DOC": 15, "MPII": 22, "ALOF": 2, "AUDT": 30, "AUTH": 8, "CSUP": 34, "DIDT": 2, "DTBK": 6,
	"EMRG": 1, "IGAU": 2, "MLDP": 15, "NAUT": 4, "CONN": 19, "PAUT": 16, "PLOK": 4, "RDMP": 4,
	"SBOM": 8, "SAHD": 22, "SGUD": 5, "STCF": 7, "TXCF": 6, "TXIG": 2, "RMOT": 6,
}

func TestQuestionsMatchTheForm(t *testing.T) {
	if len(Questions) != 240 {
		t.Errorf("%d questions; the 2019 form has 240", len(Questions))
	}
	if len(Sections) != len(perSection) {
		t.Errorf("%d sections; the 2019 form has %d", len(Sections), len(perSection))
	}
	got := map[string]int{}
	id := regexp.MustCompile(`^([A-Z]{3,4})-(\d+(?:\.\d+)*)$`)
	seen := map[string]bool{}
	sec := 0
	var prev []int
	for _, q := range Questions {
		m := id.FindStringSubmatch(q.ID)
		if m == nil {
			t.Errorf("%q is not a question ID", q.ID)
			continue
		}
		if seen[q.ID] {
			t.Errorf("%s listed twice", q.ID)
		}
		seen[q.ID] = true
		got[m[1]]++
		if strings.TrimSpace(q.About) == "" || q.About != strings.TrimSpace(q.About) {
			t.Errorf("%s: wording %q", q.ID, q.About)
		}
		// Sections in the form's order, numbers ascending within each.
		for sec < len(Sections) && Sections[sec].Code != m[1] {
			sec++
			prev = nil
		}
		if sec == len(Sections) {
			t.Fatalf("%s: section %s out of order or unknown", q.ID, m[1])
		}
		var num []int
		for p := range strings.SplitSeq(m[2], ".") {
			n, _ := strconv.Atoi(p)
			num = append(num, n)
		}
		if prev != nil && !less(prev, num) {
			t.Errorf("%s is out of order", q.ID)
		}
		prev = num
		// DOC-1 to DOC-7 describe the device in words (DOC-7 a date);
		// every other question is answered Yes, No, N/A or See Note.
		want := YesNo
		if m[1] == "DOC" && num[0] <= 7 {
			want = Text
			if num[0] == 7 {
				want = Date
			}
		}
		if q.Kind != want {
			t.Errorf("%s: kind %d, want %d", q.ID, q.Kind, want)
		}
	}
	for s, n := range perSection {
		if got[s] != n {
			t.Errorf("section %s: %d questions, the form has %d", s, got[s], n)
		}
	}
}

func less(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

func TestLookup(t *testing.T) {
	q, ok := Lookup("emrg-1")
	if !ok || q.ID != "EMRG-1" || q.Section() != "EMRG" {
		t.Errorf("Lookup(emrg-1) = %+v, %v", q, ok)
	}
	if _, ok := Lookup("EMRG-2"); ok {
		t.Error("EMRG-2 found; the form has no such question")
	}
	if About("SAHD-15") == "SAHD-15" || About("XXXX-1") != "XXXX-1" {
		t.Errorf("About: %q, %q", About("SAHD-15"), About("XXXX-1"))
	}
}

func TestPosition(t *testing.T) {
	for i, q := range Questions {
		if got := Position(q.ID); got != i {
			t.Errorf("Position(%s) = %d, want %d", q.ID, got, i)
		}
	}
	if Position("emrg-1") != Position("EMRG-1") || Position("XXXX-1") != -1 {
		t.Error("Position is not case-insensitive, or finds a question the form lacks")
	}
}
