package advisory

import (
	"testing"
)

func FuzzConstraint(f *testing.F) {
	for _, s := range []string{"vers:all/*", ">= 1.1 | <= 1.3.2", "<= C.00.04", "12.x", "2.3.6 and  below", "<=2023.3_Build_9342",
		"v8.x (with Wireless Battery Modules v17 | v17D19 | >= v20D29 | <= v20D32)", "< august 28", "vers:generic/>=1.0|<2.0", "HD 16 | HD23", "x.1", "*.*"} {
		f.Add(s, "1.2.3")
	}
	f.Fuzz(func(t *testing.T, text, version string) {
		c := ParseConstraint(text)
		a := c.Check(version)
		if a.Verdict < NotAffected || a.Verdict > NeedsReview || a.Reason == "" {
			t.Fatalf("%q against %q: %+v", version, text, a)
		}
		if c.Review() != "" && a.Verdict != NeedsReview && !c.All() {
			t.Fatalf("%q: undecidable text decided for %q: %+v", text, version, a)
		}
		// A version is within its own exact constraint.
		if v, err := ParseVersion(version); err == nil && !v.wild && len(version) < 64 && c.Review() == "" && !containsAny(version, "|<>=()") {
			if own := ParseConstraint(version); own.Review() == "" && own.Check(version).Verdict == NotAffected {
				t.Fatalf("%q is not within itself", version)
			}
		}
	})
}

func containsAny(s, chars string) bool {
	for _, r := range s {
		for _, c := range chars {
			if r == c {
				return true
			}
		}
	}
	return false
}
