package advisory

import (
	"os"
	"strings"
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

func FuzzNames(f *testing.F) {
	f.Add("Becton, Dickinson and Company (BD)", "BD Alaris Point-of-Care Unit (PCU) Model 8015", "Alaris PC Unit 8015")
	f.Add("NestlÃ© Health", "IntelliVue patient monitor MX400-MX850", "IntelliVue MX450")
	f.Add("ENEA, Green Hills Software, ITRON, IP Infusion, and Wind River", "Voluson, not including ImageVault", "Voluson E10")
	f.Fuzz(func(t *testing.T, vendor, advisory, inventory string) {
		n := Normalize(vendor)
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") || Normalize(n) != n {
			t.Fatalf("Normalize(%q) = %q is not stable", vendor, n)
		}
		if r, _ := vendorMatch(vendor, vendor); vendorKey(vendor) != "" && r != 2 {
			t.Fatalf("vendor %q does not match itself", vendor)
		}
		r, why := productMatch(inventory, advisory, vendor, vendor)
		if r < -1 || r > 2 || (r == 1 || r == -1) && why == "" {
			t.Fatalf("productMatch(%q, %q) = %d %q", inventory, advisory, r, why)
		}
		if len(tokens(stripParens(advisory), vendor)) > 0 {
			if r, _ := productMatch(advisory, advisory, vendor, vendor); r != 2 {
				t.Fatalf("product %q does not match itself: %d", advisory, r)
			}
		}
	})
}

func FuzzReadCSAF(f *testing.F) {
	for _, name := range []string{"icsma-19-274-01.json", "icsma-20-254-01.json", "icsma-20-170-04.json", "rhsa-2022_0011.json"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadCSAF("f.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		m := NewMatcher([]*Advisory{a})
		for _, p := range a.Products {
			for _, h := range m.Match(Device{Vendor: p.Vendor, Product: p.Name, Version: "1.0"}) {
				if h.Reason == "" || h.Confidence == "" {
					t.Fatalf("hit without reason or confidence: %+v", h)
				}
			}
		}
	})
}

// FuzzProductName feeds arbitrary product cells to the tokenizer and the
// model-number reader: no panic; every word non-empty and lower case;
// every model number holds a digit, once; a name always matches itself.
func FuzzProductName(f *testing.F) {
	for _, s := range []string{
		"IntelliVue MP monitors MP20-MP90 (M8001A/2A/3A/4A/5A/7A/8A/10A) WLAN", "Merlin@home EX1150",
		"SpaceStation (part number 8713140U) with installed SpaceCom module (part number 8713160U)",
		"IntelliVue MP monitors MX800/700/600 ((865240/41/42) WLAN", "Dräger Infinity® Delta", "NestlÃ© 1/2/3/4",
		"9/99999999999999999999/1", "a-/-/b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range tokens(s, "Acme") {
			if w == "" || w != strings.ToLower(w) {
				t.Fatalf("word %q of %q", w, s)
			}
		}
		seen := map[string]bool{}
		for _, m := range modelNumbers(s) {
			if !strings.ContainsAny(m, "0123456789") || seen[m] {
				t.Fatalf("model number %q of %q", m, s)
			}
			seen[m] = true
		}
		n := newName(s, "Acme", true)
		if len(n.words) > 0 {
			if r, _ := matchNames(newName(s, "Acme", false), n); r == 0 {
				t.Fatalf("%q does not match itself", s)
			}
		}
	})
}
