package kev

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/seed"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

func TestParseKEV(t *testing.T) {
	data, err := os.ReadFile("../../testdata/kev/kev-subset.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("kev-subset.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "2025.08.25" || len(c.Entries) != 5 {
		t.Fatalf("version %q, %d entries", c.Version, len(c.Entries))
	}
	var log4shell *vuln.KEV
	for i := range c.Entries {
		if c.Entries[i].CVE == "CVE-2021-44228" {
			log4shell = &c.Entries[i]
		}
	}
	if log4shell == nil || log4shell.DateAdded != "2021-12-10" || log4shell.DueDate != "2021-12-24" || log4shell.Ransomware != "Known" ||
		log4shell.Vendor != "Apache" || log4shell.Product != "Log4j2" || log4shell.RequiredAction == "" {
		t.Errorf("Log4Shell entry = %+v", log4shell)
	}
}

func TestParseKEVErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"bad id", `{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2021-1","dateAdded":"2021-01-01"}]}`, `/vulnerabilities/0/cveID: "CVE-2021-1" is not a CVE ID`},
		{"bad date", `{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2021-1234","dateAdded":"2021-01-01"},{"cveID":"CVE-2021-1235","dateAdded":"01/02/2021"}]}`, `/vulnerabilities/1/dateAdded: "01/02/2021" is not a date`},
		{"bad due date", `{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2021-1234","dateAdded":"2021-01-01","dueDate":"2021-13-01"}]}`, `/dueDate: "2021-13-01"`},
		{"no version", `{"vulnerabilities":[]}`, `/catalogVersion: missing`},
		{"wrong type", `{"catalogVersion":"1","vulnerabilities":{"cveID":"x"}}`, `vulnerabilities`},
		{"deep", `{"catalogVersion":"1","x":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`, "nesting deeper"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("k.json", []byte(tt.in))
			if err == nil || !errors.Is(err, vuln.ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "k.json") {
				t.Errorf("ParseKEV = %v, want an error naming k.json and containing %q", err, tt.want)
			}
		})
	}
}

func FuzzParseKEV(f *testing.F) {
	seed.Files(f, "../../testdata/kev/kev-subset.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		for _, e := range c.Entries {
			if !vuln.CVEID.MatchString(e.CVE) || !isoDate.MatchString(e.DateAdded) {
				t.Fatalf("accepted entry %+v", e)
			}
		}
	})
}
