package epss

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/seed"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

func TestParseEPSS(t *testing.T) {
	plain, err := os.ReadFile("../../testdata/epss/epss-synthetic.csv")
	if err != nil {
		t.Fatal(err)
	}
	gz, err := os.ReadFile("../../testdata/epss/epss-synthetic.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"plain": plain, "gzip": gz} {
		f, err := Parse(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.Model != "v2025.03.14" || f.Date != "2025-08-25T12:55:00Z" || len(f.Scores) != 4 {
			t.Errorf("%s: model %q date %q, %d scores", name, f.Model, f.Date, len(f.Scores))
		}
		if s := f.Scores[1]; s.CVE != "CVE-2021-44228" || s.Score != 0.94358 || s.Percentile != 0.9996 {
			t.Errorf("%s: second score %+v", name, s)
		}
	}
}

func TestParseEPSSErrors(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte("cve,epss,percentile\n"))
	row := []byte("CVE-2021-1234,0.1,0.2\n")
	for n := 0; n <= vuln.MaxEPSS; n += len(row) {
		zw.Write(row)
	}
	zw.Close()
	for _, tt := range []struct{ name, in, want string }{
		{"header", "cve,score\nCVE-2021-1234,0.1,0.2\n", "line 1: header"},
		{"columns", "cve,epss,percentile\nCVE-2021-1234,0.1\n", "line 2: \"CVE-2021-1234,0.1\" has 2 columns"},
		{"id", "#model_version:v1\ncve,epss,percentile\nCVE-21-1,0.1,0.2\n", "line 3: \"CVE-21-1\" is not a CVE ID"},
		{"range", "cve,epss,percentile\nCVE-2021-1234,1.5,0.2\n", "line 2: epss \"1.5\" is not a number from 0 to 1"},
		{"number", "cve,epss,percentile\nCVE-2021-1234,0.1,x\n", "line 2: percentile \"x\""},
		{"empty", "#model_version:v1\n", "no cve,epss,percentile header"},
		{"gzip bomb", bomb.String(), "expands past"},
		{"broken gzip", "\x1f\x8b\x08garbage", "gzip"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("e.csv", []byte(tt.in))
			if err == nil || !errors.Is(err, vuln.ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "e.csv") {
				t.Errorf("ParseEPSS = %v, want an error naming e.csv and containing %q", err, tt.want)
			}
		})
	}
}

func FuzzParseEPSS(f *testing.F) {
	seed.Files(f, "../../testdata/epss/epss-synthetic.csv", "../../testdata/epss/epss-synthetic.csv.gz")
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		for _, s := range e.Scores {
			if !vuln.CVEID.MatchString(s.CVE) || s.Score < 0 || s.Score > 1 || s.Percentile < 0 || s.Percentile > 1 {
				t.Fatalf("accepted score %+v", s)
			}
		}
	})
}
