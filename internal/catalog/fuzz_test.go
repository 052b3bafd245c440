package catalog

import (
	"path"
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
