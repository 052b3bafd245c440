package catalog

import (
	"os"
	"path"
	"strings"
	"testing"
	"time"
)

// FuzzParseWaivers feeds arbitrary waiver files to the parser: it must not
// panic, and what it accepts must be usable.
func FuzzParseWaivers(f *testing.F) {
	f.Add([]byte("waivers:\n  - {finding: \"net/*@pump/*\", reason: r, owner: o, expires: 2027-01-31}\n"))
	f.Add([]byte("waivers: []\n"))
	f.Add([]byte("waivers: [{finding: '[', reason: r, owner: o, expires: 2027-01-01}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := ParseWaivers("w.yaml", data)
		if err != nil {
			return
		}
		for _, w := range ws {
			if w.Finding == "" || w.Reason == "" || w.Owner == "" {
				t.Fatalf("accepted incomplete waiver %+v", w)
			}
			if _, err := path.Match(w.Finding, "x"); err != nil {
				t.Fatalf("accepted bad pattern %q", w.Finding)
			}
			if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
				t.Fatalf("accepted bad date %q", w.Expires)
			}
		}
		ApplyWaivers([]Finding{{ID: "a@b", Status: Fail}}, ws, time.Now())
	})
}

// FuzzParseReviews feeds arbitrary review files to the parser: it must
// not panic, and what it accepts must be complete, dated, and one review
// per requirement.
func FuzzParseReviews(f *testing.F) {
	data, err := os.ReadFile("testdata/reviews.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("reviews: []\n"))
	f.Add([]byte("reviews: [{requirement: X, outcome: met, reviewer: r, date: 2026-01-01, evidence: e, expires: 2026-13-01}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseReviews("r.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "r.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, r := range rs {
			if strings.TrimSpace(r.Requirement) == "" || strings.TrimSpace(r.Reviewer) == "" || strings.TrimSpace(r.Evidence) == "" || seen[r.Requirement] {
				t.Fatalf("accepted incomplete or repeated review %+v", r)
			}
			seen[r.Requirement] = true
			if r.Outcome != ReviewMet && r.Outcome != ReviewNotMet {
				t.Fatalf("accepted outcome %q", r.Outcome)
			}
			if _, err := time.Parse(time.DateOnly, r.Date); err != nil {
				t.Fatalf("accepted bad date %q", r.Date)
			}
		}
		_ = CheckReviews(rs, Requirements())
		_ = ReviewsOn(rs, time.Now())
	})
}
