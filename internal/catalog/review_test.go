package catalog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

const reviews = `reviews:
  - requirement: MDR.AI.1
    outcome: met
    reviewer: A. Auditor (QA)
    date: 2026-11-20
    evidence: Benefit-risk analysis BRA-12 rev. C, section 4
    expires: 2027-11-20
  - requirement: MDCG1916.5.2
    outcome: not-met
    reviewer: A. Auditor (QA)
    date: 2026-11-20
    evidence: Vigilance procedure SOP-14 rev. B
    note: Cybersecurity incidents are not yet coded.
`

func TestParseReviews(t *testing.T) {
	rs, err := catalog.ParseReviews("reviews.yaml", []byte(reviews))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Line != 2 || rs[0].Column != 18 || rs[1].Outcome != catalog.ReviewNotMet || rs[1].File != "reviews.yaml" {
		t.Fatalf("reviews = %+v", rs)
	}
	if err := catalog.CheckReviews(rs, catalog.Requirements()); err != nil {
		t.Errorf("CheckReviews: %v", err)
	}
	on := catalog.ReviewsOn(rs, time.Date(2027, 11, 21, 0, 0, 0, 0, time.UTC))
	if !on["MDR.AI.1"].Expired || on["MDCG1916.5.2"].Expired {
		t.Errorf("expiry on 2027-11-21: %+v", on)
	}
	if catalog.ReviewsOn(rs, time.Date(2027, 11, 20, 0, 0, 0, 0, time.UTC))["MDR.AI.1"].Expired {
		t.Error("a review expired on its last day")
	}

	for _, tc := range []struct{ src, want string }{
		{strings.Replace(reviews, "outcome: met", "outcome: passed", 1), `reviews.yaml:3:14: outcome "passed" is neither met nor not-met`},
		{strings.Replace(reviews, "    evidence: Benefit-risk analysis BRA-12 rev. C, section 4\n", "", 1), "reviews.yaml:2:16: review 1 lacks evidence"},
		{strings.Replace(reviews, "date: 2026-11-20", "date: 20.11.2026", 1), `reviews.yaml:5:11: date "20.11.2026" is not a date`},
		{strings.Replace(reviews, "MDCG1916.5.2", "MDR.AI.1", 1), "reviews.yaml:8:18: MDR.AI.1 is reviewed twice"},
		{strings.Replace(reviews, "reviewer: A. Auditor (QA)", "reviewr: A. Auditor (QA)", 1), "reviews.yaml:4:"},
		{"reviews:\n  - &a {requirement: MDR.AI.1}\n", "alias"},
	} {
		_, err := catalog.ParseReviews("reviews.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want it to contain %q", err, tc.want)
		}
	}
}

func TestCheckReviews(t *testing.T) {
	for _, tc := range []struct{ req, want string }{
		{"MDR.AI.99", `reviews.yaml:2:18: "MDR.AI.99" is no requirement of the catalog (did you mean "MDR.AI.1"?)`},
		{"MDR.AI.17.2", "reviews.yaml:2:18: MDR.AI.17.2 is decided by rules, not by review"},
	} {
		rs, err := catalog.ParseReviews("reviews.yaml", []byte(strings.Replace(reviews, "MDR.AI.1\n", tc.req+"\n", 1)))
		if err != nil {
			t.Fatal(err)
		}
		if err := catalog.CheckReviews(rs, catalog.Requirements()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckReviews(%s) = %v, want %q", tc.req, err, tc.want)
		}
	}
}
