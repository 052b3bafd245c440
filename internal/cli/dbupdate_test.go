package cli

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/mdcheck/mdcheck/internal/app"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/website"
)

// osvZip packs the OSV records of internal/vuln/testdata whose names
// pass keep, as OSV publishes an ecosystem's all.zip.
func osvZip(t *testing.T, keep func(string) bool) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "internal/vuln/testdata/osv/*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("OSV testdata: %v", err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		if !keep(filepath.Base(f)) {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Stored, not deflated: big enough to be cut midway.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.Base(f), Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readTestdata(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, p))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func dbStatus(t *testing.T, db string) map[string]any {
	t.Helper()
	code, out, errs := run(t, "db", "status", "--db", db, "-f", "json")
	if code != 0 {
		t.Fatalf("db status: exit %d: %s", code, errs)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestDBUpdate(t *testing.T) {
	s := website.New(t)
	s.Put("/osv/npm/all.zip", osvZip(t, func(string) bool { return true }))
	s.Put("/kev.json", readTestdata(t, "internal/vuln/testdata/kev/kev-subset.json"))
	s.Put("/epss.csv.gz", readTestdata(t, "internal/vuln/testdata/epss/epss-synthetic.csv.gz"))
	// A CSAF provider with a directory distribution, publishing the real
	// ICSMA advisory with its SHA-256 and no OpenPGP key.
	doc := readTestdata(t, "internal/vuln/testdata/csaf/icsma-20-049-01.json")
	sum := sha256.Sum256(doc)
	s.Put("/csaf/provider-metadata.json", []byte(`{"canonical_url": "`+s.URL+`/csaf/provider-metadata.json", "metadata_version": "2.0",
  "role": "csaf_provider", "publisher": {"category": "coordinator", "name": "Test CERT"}, "distributions": [{"directory_url": "`+s.URL+`/csaf/"}]}`))
	s.Put("/csaf/index.txt", []byte("2020/icsma-20-049-01.json\n"))
	s.Put("/csaf/2020/icsma-20-049-01.json", doc)
	s.Put("/csaf/2020/icsma-20-049-01.json.sha256", []byte(hex.EncodeToString(sum[:])+"  icsma-20-049-01.json\n"))

	dir := t.TempDir()
	db := filepath.Join(dir, "vuln.db")
	args := []string{"db", "update", "--db", db, "--mirror", filepath.Join(dir, "feeds"), "--osv", "npm", "--osv-url", s.URL + "/osv",
		"--kev-url", s.URL + "/kev.json", "--epss-url", s.URL + "/epss.csv.gz", "--csaf-provider", s.URL + "/csaf/provider-metadata.json"}
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("db update: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"OSV npm: 1 file, 1 new or changed", "KEV: 1 file, 1 new or changed", "EPSS: 1 file, 1 new or changed",
		"CSAF Test CERT: 1 file, 1 new or changed, 1 unsigned", "records imported"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	st := dbStatus(t, db)
	first, records := st["hash"], st["records"].(float64)
	if st["kev"].(float64) != 5 || st["epss"].(float64) == 0 || !strings.Contains(st["sources"].(string), "csaf") || st["records"].(float64) < 12 {
		t.Errorf("status after update = %v", st)
	}

	// Nothing changed: nothing downloaded, the same database.
	if code, out, errs := run(t, args...); code != 0 || !strings.Contains(out, "OSV npm: 1 file, 0 new or changed") {
		t.Fatalf("second update: exit %d\n%s%s", code, out, errs)
	}

	// A broken KEV catalog: refused, the database as it was.
	s.Put("/kev.json", []byte(`{"vulnerabilities": "none"}`))
	code, _, errs = run(t, args...)
	if code != ExitInput || !strings.Contains(errs, "left as it was") || !strings.Contains(errs, "kev.json") {
		t.Errorf("update with a broken KEV: exit %d, %q", code, errs)
	}
	if st := dbStatus(t, db); st["hash"] != first {
		t.Error("a failed update changed the database")
	}
	s.Put("/kev.json", readTestdata(t, "internal/vuln/testdata/kev/kev-subset.json"))

	// The server dies midway through a new archive: the update fails, the
	// database is as it was; the next one resumes the download.
	smaller := osvZip(t, func(name string) bool { return name != "GHSA-xvch-5gv4-984h.json" })
	s.Put("/osv/npm/all.zip", smaller)
	s.DieAfter("/osv/npm/all.zip", len(smaller)/2)
	code, _, errs = run(t, args...)
	if code != ExitFailure || !strings.Contains(errs, "resumes") || !strings.Contains(errs, "left as it was") {
		t.Errorf("update with a dying server: exit %d, %q", code, errs)
	}
	if st := dbStatus(t, db); st["hash"] != first {
		t.Error("an interrupted update changed the database")
	}
	code, out, errs = run(t, args...)
	if code != 0 || !strings.Contains(out, "OSV npm: 1 file, 1 new or changed") {
		t.Fatalf("update after the server came back: exit %d\n%s%s", code, out, errs)
	}
	if r := s.Ranges(); len(r) != 1 || !strings.HasPrefix(r[0], "/osv/npm/all.zip bytes=") || strings.HasSuffix(r[0], "=0-") {
		t.Errorf("range requests = %v, want the archive resumed", s.Ranges())
	}
	if st := dbStatus(t, db); st["hash"] == first || st["records"].(float64) != records-1 {
		t.Errorf("status after the resumed update = %v, want one record fewer than %v", st, records)
	}

	// Every feed off and nothing given: a usage error.
	if code, _, errs := run(t, "db", "update", "--db", db, "--mirror", filepath.Join(t.TempDir(), "empty"), "--osv-url", "", "--kev-url", "", "--epss-url", ""); code != ExitInput || !strings.Contains(errs, "nothing to build") {
		t.Errorf("update with nothing: exit %d, %q", code, errs)
	}
}

// TestHostileFeedMemory runs db update in a child process against feeds
// at their size bounds: a ROLIE feed of the largest size accepted, made
// of the smallest entries, and a KEV catalog just over its bound.
func TestHostileFeedMemory(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	bin, dir := buildBinary(t)
	s := website.New(t)
	doc := readTestdata(t, "internal/vuln/testdata/csaf/icsma-20-049-01.json")
	sum := sha256.Sum256(doc)
	s.Put("/csaf/2020/a.json", doc)
	s.Put("/csaf/2020/a.json.sha256", []byte(hex.EncodeToString(sum[:])))
	s.Put("/csaf/provider-metadata.json", []byte(`{"canonical_url": "x", "metadata_version": "2.0", "role": "csaf_provider",
  "publisher": {"name": "Wide"}, "distributions": [{"rolie": {"feeds": [{"tlp_label": "WHITE", "url": "`+s.URL+`/csaf/feed.json"}]}}]}`))
	var feed bytes.Buffer
	feed.WriteString(`{"feed": {"id": "f", "entry": [`)
	const entry = `{"id":"a","updated":"2020-01-01T00:00:00Z","link":[{"rel":"hash","href":"2020/a.json.sha256"}],"content":{"src":"2020/a.json"}},`
	for feed.Len()+len(entry)+10 < 64<<20 {
		feed.WriteString(entry)
	}
	feed.WriteString(`{"id":"a","content":{"src":"2020/a.json"}}]}}`)
	s.Put("/csaf/feed.json", feed.Bytes())
	s.Put("/kev-big.json", bytes.Repeat([]byte(" "), 8<<20+10))
	off := []string{"db", "update", "--db", filepath.Join(dir, "v.db"), "--mirror", filepath.Join(dir, "feeds"), "--osv-url", "", "--epss-url", ""}
	measure(t, ExitOK, bin, append(off, "--kev-url", "", "--csaf-provider", s.URL+"/csaf/provider-metadata.json")...)
	if errs := measure(t, ExitFailure, bin, append(off, "--kev-url", s.URL+"/kev-big.json")...); !strings.Contains(errs, "allowed") {
		t.Errorf("stderr %q", errs)
	}
}

func TestDownloadProgress(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, on: true}
	f := func(name string, done, total int64) {
		p.update(app.Progress{What: name, Done: done, Total: total, Bytes: true})
	}
	f("osv/npm.zip", 500_000, 1_000_000)
	if got := b.String(); got != "\r\x1b[Kdownloading osv/npm.zip: 0.5 of 1.0 MB (50%)" {
		t.Errorf("progress line = %q", got)
	}
	b.Reset()
	f("osv/npm.zip", 600_000, 1_000_000) // within 100 ms: not redrawn
	f("feed.json", 2_000_000, -1)        // unknown total, but also too soon
	if b.Len() != 0 {
		t.Errorf("redrawn too soon: %q", b.String())
	}
	f("osv/npm.zip", 1_000_000, 1_000_000) // done: always drawn
	p.done()
	if got := b.String(); !strings.HasSuffix(got, "\r\x1b[K") || !strings.Contains(got, "(100%)") {
		t.Errorf("final progress = %q", got)
	}
	b.Reset()
	(&progress{w: &b}).update(app.Progress{What: "x", Done: 1, Total: 1, Bytes: true})
	if b.Len() != 0 {
		t.Errorf("progress drawn when not on a terminal: %q", b.String())
	}
}
