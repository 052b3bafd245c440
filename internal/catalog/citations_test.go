package catalog_test

import (
	"regexp"
	"testing"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/catalog/rules"
)

// sourceForms are the forms a requirement's source takes, one per
// framework, as the catalog writes them.
var sourceForms = []*regexp.Regexp{
	regexp.MustCompile(`^MDR Annex I Section \d+(\.\d+)?(\([a-z]+\))?$`),
	regexp.MustCompile(`^MDR Article \d+$`),
	regexp.MustCompile(`^MDCG 2019-16 §[2-5](\.\d){0,2}( Table 3)?( \([A-Za-z/ -]+\))?$`),
	regexp.MustCompile(`^NIS2 Article (21\(2\)\([a-j]\)|23)$`),
	regexp.MustCompile(`^GDPR Article \d+$`),
	regexp.MustCompile(`^IEC 81001-5-1:2021 clause [4-9]$`),
	regexp.MustCompile(`^IEC TR 60601-4-5:2021 / IEC 62443 FR [1-7]$`),
	regexp.MustCompile(`^IEC 80001-1:2021$`),
	regexp.MustCompile(`^Cybersecurity Act Article \d+$`),
}

// TestCitationsWellFormed: every requirement cites its source in the
// catalog's form, every MDR Annex I section cited (by a requirement, or
// in a rule's rationale) exists. docs/rules.md lists every citation with
// the requirements and rules that make it.
func TestCitationsWellFormed(t *testing.T) {
	for _, r := range catalog.Requirements() {
		ok := false
		for _, f := range sourceForms {
			ok = ok || f.MatchString(r.Source)
		}
		if !ok {
			t.Errorf("%s: source %q is in none of the catalog's forms", r.ID, r.Source)
		}
		if exists, isAnnexI := catalog.AnnexISectionExists(r.Source); isAnnexI && !exists {
			t.Errorf("%s: %q is not a section of MDR Annex I", r.ID, r.Source)
		}
		if exists, isMDCG := catalog.MDCGSectionExists(r.Source); isMDCG && !exists {
			t.Errorf("%s: %q is not a section of MDCG 2019-16", r.ID, r.Source)
		}
	}
	for _, r := range rules.All() {
		cites := catalog.Citations(r.Title + " " + r.Rationale)
		for _, c := range cites {
			if exists, isAnnexI := catalog.AnnexISectionExists(c); isAnnexI && !exists {
				t.Errorf("%s: rationale cites %q, not a section of MDR Annex I", r.ID, c)
			}
			if exists, isMDCG := catalog.MDCGSectionExists(c); isMDCG && !exists {
				t.Errorf("%s: rationale cites %q, not a section of MDCG 2019-16", r.ID, c)
			}
		}
	}
}

func TestCitationsFound(t *testing.T) {
	text := "MDCG 2019-16 §2.2 and Annex II example 2; MDR Annex I 18.8, Art. 120(3c)(e), NIS2 Article 21(2)(e), IEC 81001-5-1 clause 8, MDCG 2019-16 Table 3."
	want := []string{"MDCG 2019-16 §2.2", "Annex II example 2", "MDR Annex I 18.8", "Art. 120(3c)(e)", "NIS2 Article 21(2)(e)", "IEC 81001-5-1 clause 8", "MDCG 2019-16 Table 3"}
	got := catalog.Citations(text)
	if len(got) != len(want) {
		t.Fatalf("Citations = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("citation %d = %q, want %q", i, got[i], want[i])
		}
	}
	for cite, want := range map[string]bool{"MDCG 2019-16 §2.6.2": true, "MDCG 2019-16 §3.3 Table 3 (audit controls)": true, "MDCG 2019-16 §3.9": false, "MDCG 2019-16 §7.1": false} {
		if got, ok := catalog.MDCGSectionExists(cite); !ok || got != want {
			t.Errorf("MDCGSectionExists(%q) = %v, %v; want %v", cite, got, ok, want)
		}
	}
	for cite, want := range map[string]bool{"MDR Annex I 18.8": true, "MDR Annex I Section 23.4(ab)": true, "MDR Annex I 18.9": false, "MDR Annex I 24": false, "MDR Annex I 17.5": false} {
		if got, ok := catalog.AnnexISectionExists(cite); !ok || got != want {
			t.Errorf("AnnexISectionExists(%q) = %v, %v; want %v", cite, got, ok, want)
		}
	}
}
