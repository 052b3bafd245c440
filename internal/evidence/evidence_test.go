package evidence

import "testing"

func TestSet(t *testing.T) {
	s := NewSet()
	a := s.Add(Evidence{Path: "documents[0]", Value: "claimed", Strength: Claimed})
	b := s.Add(Evidence{Path: "documents[0]", Value: "verified", Strength: Documented})
	if a != b || a != "ev:documents[0]" {
		t.Fatalf("IDs %q %q, want one stable ID", a, b)
	}
	if e, _ := s.Get(a); e.Strength != Documented || e.Value != "verified" {
		t.Errorf("stronger evidence did not replace weaker: %+v", e)
	}
	s.Add(Evidence{Path: "documents[0]", Value: "weaker again", Strength: Claimed})
	if e, _ := s.Lookup("documents[0]"); e.Strength != Documented {
		t.Errorf("weaker evidence replaced stronger: %+v", e)
	}
	c := s.Add(Evidence{Path: "components[0].kind", Strength: Claimed})
	if w := s.Weakest([]ID{a, c}); w != Claimed {
		t.Errorf("Weakest = %v, want claimed", w)
	}
	if w := s.Weakest(nil); w != 0 {
		t.Errorf("Weakest(nil) = %v, want 0", w)
	}
	if all := s.All(); len(all) != 2 || all[0].ID != c {
		t.Errorf("All = %+v, want two, sorted by ID", all)
	}
	if Observed.String() != "observed" || Strength(9).String() != "unknown" {
		t.Error("Strength.String")
	}
}
