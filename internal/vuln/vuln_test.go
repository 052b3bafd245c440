package vuln

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/google/osv-scalibr/semantic"
)

func TestInRange(t *testing.T) {
	ev := func(pairs ...string) []Event {
		var out []Event
		for i := 0; i < len(pairs); i += 2 {
			switch pairs[i] {
			case "i":
				out = append(out, Event{Introduced: pairs[i+1]})
			case "f":
				out = append(out, Event{Fixed: pairs[i+1]})
			case "l":
				out = append(out, Event{LastAffected: pairs[i+1]})
			}
		}
		return out
	}
	tests := []struct {
		eco, version string
		events       []Event
		want         bool
	}{
		{"npm", "1.2.5", ev("i", "0", "f", "1.2.6"), true},
		{"npm", "1.2.6", ev("i", "0", "f", "1.2.6"), false},
		{"npm", "0.2.3", ev("i", "0", "f", "0.2.4", "i", "1.0.0", "f", "1.2.6"), true},
		{"npm", "0.5.0", ev("i", "0", "f", "0.2.4", "i", "1.0.0", "f", "1.2.6"), false},
		{"npm", "2.0.0", ev("i", "2.18.0", "f", "2.29.4"), false},
		{"PyPI", "2.0rc1", ev("i", "0", "f", "2.0"), true},
		{"PyPI", "2.0.post1", ev("i", "0", "f", "2.0"), false},
		{"Maven", "2.9.10", ev("i", "2.9.0", "f", "2.12.6.1"), true},
		{"Debian", "3.0.11-1~deb12u2", ev("i", "0", "f", "3.0.13-1~deb12u1"), true},
		{"Go", "1.5.0", ev("i", "1.0.0", "l", "1.5.0"), true},
		{"Go", "1.5.1", ev("i", "1.0.0", "l", "1.5.0"), false},
		{"NuGet", "9.0.1", ev("i", "0", "f", "13.0.1"), true},
	}
	for _, tt := range tests {
		got, err := inRange(tt.eco, tt.version, tt.events)
		if err != nil || got != tt.want {
			t.Errorf("inRange(%s %s, %v) = %v, %v; want %v", tt.eco, tt.version, tt.events, got, err, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tt := range [][3]string{
		{"PyPI", "Foo_Bar.baz", "foo-bar-baz"},
		{"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
		{"Go", "github.com/Sirupsen/logrus", "github.com/sirupsen/logrus"},
		{"Debian:12", "OpenSSL", "OpenSSL"},
	} {
		if got := Normalize(tt[0], tt[1]); got != tt[2] {
			t.Errorf("Normalize(%s, %s) = %s, want %s", tt[0], tt[1], got, tt[2])
		}
	}
}

// inRange evaluates one range through Compile and Version.
func inRange(ecosystem, version string, events []Event) (bool, error) {
	r := (*Versions)(nil).compileRange(ecosystem, events)
	return r.contains(NewVersion(version))
}

// referenceInRange is the plain evaluation, parsing every version at
// every comparison, that the parse-once one must agree with.
func referenceInRange(ecosystem, version string, events []Event) (bool, error) {
	v, err := semantic.Parse(version, ecosystem)
	if err != nil {
		return false, err
	}
	type ev struct {
		kind, ver string
	}
	var evs []ev
	for _, e := range events {
		switch {
		case e.Introduced != "":
			evs = append(evs, ev{"introduced", e.Introduced})
		case e.Fixed != "":
			evs = append(evs, ev{"fixed", e.Fixed})
		case e.LastAffected != "":
			evs = append(evs, ev{"last_affected", e.LastAffected})
		case e.Limit != "":
			evs = append(evs, ev{"limit", e.Limit})
		}
	}
	cmp := func(s string) (int, error) {
		if s == "0" {
			return 1, nil // introduced "0" is before every version
		}
		return v.CompareStr(s)
	}
	// Order events by version; "0" first.
	var sortErr error
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].ver == "0" || evs[j].ver == "0" {
			return evs[i].ver == "0" && evs[j].ver != "0"
		}
		a, err := semantic.Parse(evs[i].ver, ecosystem)
		if err != nil {
			sortErr = err
			return false
		}
		c, err := a.CompareStr(evs[j].ver)
		if err != nil {
			sortErr = err
			return false
		}
		return c < 0
	})
	if sortErr != nil {
		return false, sortErr
	}
	affected := false
	for _, e := range evs {
		c, err := cmp(e.ver) // version compared with the event
		if err != nil {
			return false, err
		}
		switch e.kind {
		case "introduced":
			if c >= 0 {
				affected = true
			}
		case "fixed", "limit":
			if c >= 0 {
				affected = false
			}
		case "last_affected":
			if c > 0 {
				affected = false
			}
		}
	}
	return affected, nil
}

// TestParsedOnceAgrees: one Version checked against many ranges, and one
// compiled range against many versions, give what the plain evaluation
// gives, errors included.
func TestParsedOnceAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pick := func(eco string) string {
		switch r.IntN(12) {
		case 0:
			return "0"
		case 1:
			return "not a version!"
		}
		v := fmt.Sprintf("%d.%d.%d", r.IntN(3), r.IntN(4), r.IntN(4))
		switch eco {
		case "PyPI":
			if r.IntN(4) == 0 {
				v += "rc1"
			}
		case "Debian":
			v += "-" + fmt.Sprint(1+r.IntN(2))
		case "Go":
			v = "v" + v
		}
		return v
	}
	for _, eco := range []string{"npm", "PyPI", "Maven", "Go", "Debian", "NuGet", "RubyGems"} {
		var ranges [][]Event
		for i := 0; i < 30; i++ {
			var evs []Event
			for j := 0; j < 1+r.IntN(5); j++ {
				switch r.IntN(4) {
				case 0:
					evs = append(evs, Event{Introduced: pick(eco)})
				case 1:
					evs = append(evs, Event{Fixed: pick(eco)})
				case 2:
					evs = append(evs, Event{LastAffected: pick(eco)})
				default:
					evs = append(evs, Event{Limit: pick(eco)})
				}
			}
			ranges = append(ranges, evs)
		}
		// Through one cache of parsed versions, as a scan does.
		vs := NewVersions()
		compiled := make([]compiledRange, len(ranges))
		for i, evs := range ranges {
			compiled[i] = vs.compileRange(eco, evs)
		}
		for k := 0; k < 40; k++ {
			raw := pick(eco)
			v := NewVersion(raw)
			if k%2 == 1 {
				v = vs.Version(raw)
			}
			for i, evs := range ranges {
				want, wantErr := referenceInRange(eco, raw, evs)
				got, err := compiled[i].contains(v)
				if got != want || (err == nil) != (wantErr == nil) {
					t.Errorf("%s %q in %+v: got %v, %v; want %v, %v", eco, raw, evs, got, err, want, wantErr)
				}
			}
		}
	}
}

func FuzzVersionRange(f *testing.F) {
	f.Add("npm", "1.2.3", "0", "1.2.6")
	f.Add("PyPI", "2.0rc1", "1.0", "2.0.post1")
	f.Add("Debian", "1:2.3-1", "0", "1:2.4-1")
	f.Add("Maven", "2.9.10.1", "2.9.0", "2.12.6.1")
	f.Fuzz(func(t *testing.T, eco, version, introduced, fixed string) {
		evs := []Event{{Introduced: introduced}, {Fixed: fixed}}
		got, err := inRange(eco, version, evs)
		want, wantErr := referenceInRange(eco, version, evs)
		if got != want || (err == nil) != (wantErr == nil) {
			t.Errorf("%s %q in %+v: got %v, %v; want %v, %v", eco, version, evs, got, err, want, wantErr)
		}
	})
}

func TestRating(t *testing.T) {
	for _, tt := range []struct {
		rec  Record
		want string
	}{
		// CVSS 3.1 9.8 outranks the database's own "MODERATE".
		{Record{Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}, DatabaseSpecific: DatabaseSpecific{Severity: "MODERATE"}}, "critical"},
		// CVSS 3.0 5.3
		{Record{Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"}}}, "medium"},
		// CVSS 4.0 base 9.3
		{Record{Severity: []Severity{{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}}, "critical"},
		// the highest of several vectors counts
		{Record{Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}, {Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}}}, "high"},
		// an unparsable vector falls back to the database's rating
		{Record{Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:X"}}, DatabaseSpecific: DatabaseSpecific{Severity: "LOW"}}, "low"},
		{Record{}, ""},
	} {
		if got := tt.rec.Rating().String(); got != tt.want {
			t.Errorf("Rating(%+v) = %q, want %q", tt.rec, got, tt.want)
		}
	}
}

func TestCompareGeneric(t *testing.T) {
	// Each list is in ascending order.
	for _, seq := range [][]string{
		{"1.0.0-alpha", "1.0.0-beta", "1.0.0-rc1", "1.0.0", "1.0.1", "1.1", "1.10", "2"},
		{"1.0.2zk", "1.1.0", "1.1.1", "1.1.1a", "1.1.1n", "1.1.1q", "1.1.1z", "1.1.1za", "3.0.0"},
		{"7.9p1", "8.3p1", "8.4p1", "9.0p1"},
		{"V10.6.1", "10.6.2", "v11.2.0"},
		{"2.85", "2.86", "2.90"},
		{"0.9", "0.10", "0.010.1"}, // leading zeros do not count
	} {
		for i := range seq {
			for j := range seq {
				want := sign(i - j)
				if got := CompareGeneric(seq[i], seq[j]); got != want {
					t.Errorf("compare(%q, %q) = %d, want %d", seq[i], seq[j], got, want)
				}
			}
		}
	}
	for _, eq := range [][2]string{{"1.0", "1.0"}, {"v1.2", "1.2"}, {"1.02", "1.2"}, {"1-2", "1.2"}} {
		if c := CompareGeneric(eq[0], eq[1]); c != 0 {
			t.Errorf("compare(%q, %q) = %d, want 0", eq[0], eq[1], c)
		}
	}
}

func TestUpstreamVersion(t *testing.T) {
	for in, want := range map[string]string{
		"1.1.1n-0+deb11u3":        "1.1.1n",
		"1:1.2.11.dfsg-2+deb11u2": "1.2.11",
		"7.74.0-1.3+deb11u3":      "7.74.0",
		"2.34-1ubuntu2":           "2.34",
		"1.2.3":                   "1.2.3",
		"8.3p1":                   "8.3p1",
		"1.0+ds1-2":               "1.0",
		"4.8.1":                   "4.8.1",
	} {
		if got := UpstreamVersion(in); got != want {
			t.Errorf("UpstreamVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseCPE(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // vendor|product|version|update, or "error"
	}{
		{"cpe:2.3:a:openssl:openssl:1.1.1n-0\\+deb11u3:*:*:*:*:*:*:*", "openssl|openssl|1.1.1n-0+deb11u3|*"},
		{"cpe:2.3:a:zlib1g:zlib1g:1\\:1.2.11.dfsg-2\\+deb11u2:*:*:*:*:*:*:*", "zlib1g|zlib1g|1:1.2.11.dfsg-2+deb11u2|*"},
		{"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", "microsoft|windows_7|-|sp1"},
		{"cpe:2.3:o:Amazon:FreeRTOS:V11.2.0", "amazon|freertos|v11.2.0|*"},
		{"cpe:/o:redhat:enterprise_linux:6", "redhat|enterprise_linux|6|*"},
		{"cpe:/a:foo%20bar:baz", "foo bar|baz|*|*"},
		{"cpe:2.3:x:v:p:1", "error"},
		{"cpe:2.3:a:*:p:1", "error"},
		{"cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:extra", "error"},
		{"openssl", "error"},
	} {
		c, err := ParseCPE(tt.in)
		got := "error"
		if err == nil {
			got = strings.Join([]string{c[CPEVendor], c[CPEProduct], c[CPEVersion], c[cpeUpdate]}, "|")
		}
		if got != tt.want {
			t.Errorf("ParseCPE(%q) = %s (%v), want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestApplicabilityStatus(t *testing.T) {
	curl := Applicability{Ranges: []VersionRange{
		{Status: "affected", Version: "8.4.0", LessThan: "8.4.0"},
		{Status: "unaffected", Version: "7.69.0", LessThan: "7.69.0"},
	}}
	for v, want := range map[string]string{"7.68.0": "unaffected", "7.69.0": "affected", "8.3.0": "affected", "8.4.0": "unaffected"} {
		if got := curl.Status(v); got != want {
			t.Errorf("curl %s: %q, want %q", v, got, want)
		}
	}
	unknown := Applicability{Default: "unknown"}
	if got := unknown.Status("1.0"); got != "" {
		t.Errorf("no ranges, default unknown: %q, want unknown", got)
	}
	all := Applicability{Default: "affected"}
	if got := all.Status("1.0"); got != "affected" {
		t.Errorf("default affected: %q", got)
	}
	git := Applicability{Ranges: []VersionRange{{Status: "affected", Version: "0123456789abcdef", LessThan: "fedcba9876543210", Type: "git"}}}
	if got := git.Status("1.0"); got != "unaffected" {
		t.Errorf("commit range: %q, want unaffected (only affected ranges, none comparable)", got)
	}
	release := Applicability{Ranges: []VersionRange{{Status: "affected", Version: "0", LessThanOrEqual: "5.7.0", Type: "git"}}}
	if got := release.Status("4.8.1"); got != "affected" {
		t.Errorf("release numbers marked git: %q, want affected", got)
	}
}

func FuzzParseCPE(f *testing.F) {
	f.Add("cpe:2.3:a:openssl:openssl:1.1.1n-0\\+deb11u3:*:*:*:*:*:*:*")
	f.Add("cpe:/o:redhat:enterprise_linux:6")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCPE(s)
		if err == nil && (c[CPEVendor] == "*" || c[CPEProduct] == "*") {
			t.Fatalf("%q: accepted without vendor or product", s)
		}
	})
}

// FuzzCompareGeneric checks that the order is an order: reflexive and
// antisymmetric.
func FuzzCompareGeneric(f *testing.F) {
	f.Add("1.1.1n", "1.1.1q")
	f.Add("8.3p1", "8.4p1")
	f.Add("1.0.0-rc1", "1.0.0")
	f.Fuzz(func(t *testing.T, a, b string) {
		if CompareGeneric(a, a) != 0 {
			t.Fatalf("compare(%q, %q) != 0", a, a)
		}
		if x, y := CompareGeneric(a, b), CompareGeneric(b, a); x != -y {
			t.Fatalf("compare(%q, %q) = %d but compare(%q, %q) = %d", a, b, x, b, a, y)
		}
	})
}

func TestConfidenceRank(t *testing.T) {
	if !(ConfidenceHigh.Rank() > ConfidenceMedium.Rank() && ConfidenceMedium.Rank() > ConfidenceLow.Rank() && ConfidenceLow.Rank() > Confidence("").Rank()) {
		t.Error("confidences are out of order")
	}
}
