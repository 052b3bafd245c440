package csaf

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/testutil/seed"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

func TestParseCSAF(t *testing.T) {
	data, err := os.ReadFile("../../testdata/csaf/icsma-20-049-01.json")
	if err != nil {
		t.Fatal(err)
	}
	recs, apps, err := Parse("icsma-20-049-01.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || len(apps) != 1 {
		t.Fatalf("%d records, %d applicability lists", len(recs), len(apps))
	}
	r := recs[0]
	if r.ID != "ICSMA-20-049-01" || len(r.Aliases) != 1 || r.Aliases[0] != "CVE-2019-0708" || r.Modified != "2020-02-18T00:00:00.000000Z" ||
		r.Rating() != severity.Critical || !strings.Contains(r.Summary, "Spacelabs") {
		t.Errorf("record = %+v, severity %q", r, r.Rating())
	}
	// Products named in words only: nothing to match by purl or CPE.
	if len(r.Affected) != 0 || len(apps[0]) != 0 {
		t.Errorf("affected %v, applicability %v", r.Affected, apps[0])
	}
}

func TestParseCSAFErrors(t *testing.T) {
	valid, err := os.ReadFile("../../testdata/csaf/icsma-20-049-01.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, in, want string }{
		{"not json", `{"document": {"csaf_version": "2.0"`, "unexpected EOF"},
		{"schema", `{"document": {"csaf_version": "2.0", "category": "csaf_base"}}`, "not valid CSAF 2.0: /document/title: missing; /document/publisher: missing; /document/tracking: missing"},
		{"wrong version", strings.Replace(string(valid), `"csaf_version": "2.0"`, `"csaf_version": "1.2"`, 1), `/document/csaf_version: "1.2" is not 2.0`},
		{"deep", `{"csaf_version": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}", "nesting deeper"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse("a.json", []byte(tt.in))
			if err == nil || !errors.Is(err, vuln.ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "a.json") {
				t.Errorf("ParseCSAF = %v, want an error naming a.json and containing %q", err, tt.want)
			}
		})
	}
}

func FuzzParseCSAF(f *testing.F) {
	seed.Files(f, "../../testdata/csaf/icsma-20-049-01.json", "../../testdata/csaf/bsi-2022-0001.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, apps, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		if len(recs) != len(apps) {
			t.Fatalf("%d records, %d applicability lists", len(recs), len(apps))
		}
		for _, r := range recs {
			if r.ID == "" {
				t.Fatal("record without ID")
			}
		}
	})
}
