package vuln

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseKEV(t *testing.T) {
	data, err := os.ReadFile("testdata/kev/kev-subset.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseKEV("kev-subset.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "2025.08.25" || len(c.Entries) != 5 {
		t.Fatalf("version %q, %d entries", c.Version, len(c.Entries))
	}
	var log4shell *KEV
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
			_, err := ParseKEV("k.json", []byte(tt.in))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "k.json") {
				t.Errorf("ParseKEV = %v, want an error naming k.json and containing %q", err, tt.want)
			}
		})
	}
}

func TestParseEPSS(t *testing.T) {
	plain, err := os.ReadFile("testdata/epss/epss-synthetic.csv")
	if err != nil {
		t.Fatal(err)
	}
	gz, err := os.ReadFile("testdata/epss/epss-synthetic.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"plain": plain, "gzip": gz} {
		f, err := ParseEPSS(name, data)
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
	for n := 0; n <= MaxEPSS; n += len(row) {
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
			_, err := ParseEPSS("e.csv", []byte(tt.in))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "e.csv") {
				t.Errorf("ParseEPSS = %v, want an error naming e.csv and containing %q", err, tt.want)
			}
		})
	}
}

// TestKEVAndEPSSInScan imports OSV records with a KEV catalog and an EPSS
// file and checks that a Log4Shell match carries both.
func TestKEVAndEPSSInScan(t *testing.T) {
	db := buildDB(t, "testdata/osv", "testdata/kev/kev-subset.json", "testdata/epss/epss-synthetic.csv.gz")
	st, err := db.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.KEV != 5 || st.KEVVersion != "2025.08.25" || st.EPSS != 4 || st.EPSSDate != "2025-08-25T12:55:00Z" || st.EPSSModel != "v2025.03.14" {
		t.Errorf("status = %+v", st)
	}
	ms, _, err := db.Scan(context.Background(), []Package{
		{Ref: "a", Name: "log4j-core", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		{Ref: "b", Name: "lodash", PURL: "pkg:npm/lodash@2.4.2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]Match{}
	for _, m := range ms {
		found[m.ID] = m
	}
	l := found["GHSA-jfh8-c2jp-5v3q"]
	if l.KEV == nil || l.KEV.CVE != "CVE-2021-44228" || l.KEV.DateAdded != "2021-12-10" || l.EPSS == nil || l.EPSS.Score != 0.94358 {
		t.Errorf("Log4Shell match: KEV %+v EPSS %+v", l.KEV, l.EPSS)
	}
	if m, ok := found["GHSA-jf85-cpcp-j695"]; !ok || m.KEV != nil || m.EPSS != nil {
		t.Errorf("lodash match: %+v (want it, without KEV or EPSS)", m)
	}
}

// TestNewestKEVAndEPSSWin imports two catalogs and two EPSS files in both
// orders: the newer catalog's entry and the newer day's score are kept.
func TestNewestKEVAndEPSSWin(t *testing.T) {
	dir := t.TempDir()
	older := filepath.Join(dir, "kev-old.json")
	os.WriteFile(older, []byte(`{"catalogVersion":"2021.12.01","vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-01","knownRansomwareCampaignUse":"Unknown"},{"cveID":"CVE-2000-0001","dateAdded":"2021-01-01"}]}`), 0o600)
	oldEPSS := filepath.Join(dir, "old.csv")
	os.WriteFile(oldEPSS, []byte("#model_version:v1,score_date:2020-01-01T00:00:00Z\ncve,epss,percentile\nCVE-2021-44228,0.1,0.2\nCVE-2000-0001,0.3,0.4\n"), 0o600)
	for _, order := range [][]string{
		{older, "testdata/kev/kev-subset.json", oldEPSS, "testdata/epss/epss-synthetic.csv"},
		{"testdata/kev/kev-subset.json", older, "testdata/epss/epss-synthetic.csv", oldEPSS},
	} {
		db := buildDB(t, append([]string{"testdata/osv"}, order...)...)
		st, _ := db.Status()
		if st.KEV != 6 || st.KEVVersion != "2025.08.25" || st.EPSS != 5 || st.EPSSDate != "2025-08-25T12:55:00Z" {
			t.Errorf("%v: status %+v", order, st)
		}
		ms, _, err := db.Scan(context.Background(), []Package{{Ref: "a", Name: "log4j-core", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.ID == "GHSA-jfh8-c2jp-5v3q" && (m.KEV == nil || m.KEV.DateAdded != "2021-12-10" || m.EPSS == nil || m.EPSS.Score != 0.94358) {
				t.Errorf("%v: KEV %+v EPSS %+v", order, m.KEV, m.EPSS)
			}
		}
	}
}

func FuzzParseKEV(f *testing.F) {
	seedFiles(f, "testdata/kev/kev-subset.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseKEV("fuzz", data)
		if err != nil {
			return
		}
		for _, e := range c.Entries {
			if !cveID.MatchString(e.CVE) || !isoDate.MatchString(e.DateAdded) {
				t.Fatalf("accepted entry %+v", e)
			}
		}
	})
}

func FuzzParseEPSS(f *testing.F) {
	seedFiles(f, "testdata/epss/epss-synthetic.csv", "testdata/epss/epss-synthetic.csv.gz")
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEPSS("fuzz", data)
		if err != nil {
			return
		}
		for _, s := range e.Scores {
			if !cveID.MatchString(s.CVE) || s.Score < 0 || s.Score > 1 || s.Percentile < 0 || s.Percentile > 1 {
				t.Fatalf("accepted score %+v", s)
			}
		}
	})
}

// TestKEVListed: the CVEs of a list that KEV lists, in order, remembered
// per CVE.
func TestKEVListed(t *testing.T) {
	db := buildDB(t, "testdata/kev/kev-subset.json")
	k := db.KEVListed()
	ctx := context.Background()
	got, err := k.Of(ctx, []string{"CVE-2000-0001", "CVE-2021-44228", "CVE-2021-45046"})
	if err != nil || !slices.Equal(got, []string{"CVE-2021-44228", "CVE-2021-45046"}) {
		t.Errorf("Of = %v, %v", got, err)
	}
	if got, err := k.Of(ctx, []string{"CVE-2000-0001"}); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Of(unlisted) = %#v, %v; want an empty list", got, err)
	}
	// Asked again, from memory: the database is not consulted.
	db.Close()
	if got, err := k.Of(ctx, []string{"CVE-2021-45046", "CVE-2000-0001"}); err != nil || !slices.Equal(got, []string{"CVE-2021-45046"}) {
		t.Errorf("Of after close = %v, %v", got, err)
	}
	if _, err := k.Of(ctx, []string{"CVE-2018-0824"}); err == nil {
		t.Error("a CVE not asked before was answered from a closed database")
	}
}
