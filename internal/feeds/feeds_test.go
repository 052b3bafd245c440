package feeds

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/mdcheck/mdcheck/internal/testutil/website"
)

func newMirror(t *testing.T) *Mirror {
	t.Helper()
	m, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// archive is a zip of n bytes of random content, stored uncompressed, in
// entries of at most 512 KiB: an OSV archive as far as the mirror's check
// goes.
func archive(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; n > 0; i++ {
		size := min(n, 512<<10)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("OSV-%d.json", i), Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(random(t, size))
		n -= size
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetchResumesAfterTheServerDies(t *testing.T) {
	s := website.New(t)
	data := archive(t, 3<<20)
	s.Put("/osv/npm/all.zip", data)
	s.DieAfter("/osv/npm/all.zip", 1<<20)
	m := newMirror(t)
	ctx := context.Background()
	_, err := m.OSV(ctx, s.URL+"/osv", "npm")
	if err == nil || !strings.Contains(err.Error(), "resumes") {
		t.Fatalf("first fetch = %v, want an interruption that the next run resumes", err)
	}
	if m.exists("osv/npm.zip") {
		t.Fatal("a half-downloaded file entered the mirror")
	}
	res, err := m.OSV(ctx, s.URL+"/osv", "npm")
	if err != nil || res.Changed != 1 {
		t.Fatalf("second fetch = %+v, %v", res, err)
	}
	got, _ := os.ReadFile(filepath.Join(m.Data(), "osv", "npm.zip"))
	if !bytes.Equal(got, data) {
		t.Fatalf("mirrored file differs from the served one (%d vs %d bytes)", len(got), len(data))
	}
	if r := s.Ranges(); len(r) != 1 || !strings.HasPrefix(r[0], "/osv/npm/all.zip bytes=") || strings.HasSuffix(r[0], "=0-") {
		t.Errorf("range requests = %v, want one resuming where the first stopped", s.Ranges())
	}
	// Unchanged: asked conditionally, not downloaded again.
	res, err = m.OSV(ctx, s.URL+"/osv", "npm")
	if err != nil || res.Changed != 0 {
		t.Errorf("third fetch = %+v, %v; want unchanged", res, err)
	}
	// Changed on the server, and a partial left from an older version
	// that can no longer be resumed: downloaded whole.
	s.Put("/osv/npm/all.zip", archive(t, 2<<20))
	res, err = m.OSV(ctx, s.URL+"/osv", "npm")
	if err != nil || res.Changed != 1 {
		t.Errorf("fetch after a change = %+v, %v", res, err)
	}
}

func TestFetchBounds(t *testing.T) {
	s := website.New(t)
	s.Put("/big", random(t, 4096))
	m := newMirror(t)
	if _, err := m.Fetch(context.Background(), s.URL+"/big", "x/big", 1000, nil); err == nil || !strings.Contains(err.Error(), "allowed") {
		t.Errorf("oversized download = %v", err)
	}
	if _, err := m.Fetch(context.Background(), "file:///etc/passwd", "x/p", 1000, nil); err == nil {
		t.Error("a file: URL was fetched")
	}
	if _, err := m.Fetch(context.Background(), s.URL+"/missing", "x/m", 1000, nil); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing file = %v", err)
	}
	// A server stating an MD5 (as OSV's storage does) that the bytes do
	// not have: a tampered file.
	s.Put("/osv/PyPI/all.zip", []byte("tampered"))
	s.Header("/osv/PyPI/all.zip", http.Header{"X-Goog-Hash": {"crc32c=AAAAAA==,md5=1B2M2Y8AsgTpgAmY7PhCfg=="}})
	if _, err := m.OSV(context.Background(), s.URL+"/osv", "PyPI"); err == nil || !strings.Contains(err.Error(), "MD5") {
		t.Errorf("tampered OSV archive = %v", err)
	}
	if m.exists("osv/PyPI.zip") {
		t.Error("the tampered file entered the mirror")
	}
	if _, err := m.OSV(context.Background(), s.URL, "../x"); err == nil {
		t.Error("an ecosystem name with a path was taken")
	}
}

func TestKEVAndEPSSChecked(t *testing.T) {
	s := website.New(t)
	kev, err := os.ReadFile("../vuln/testdata/kev/kev-subset.json")
	if err != nil {
		t.Fatal(err)
	}
	epss, err := os.ReadFile("../vuln/testdata/epss/epss-synthetic.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	s.Put("/kev.json", kev)
	s.Put("/epss.csv.gz", epss)
	m := newMirror(t)
	ctx := context.Background()
	if r, err := m.KEV(ctx, s.URL+"/kev.json"); err != nil || r.Changed != 1 {
		t.Fatalf("KEV = %+v, %v", r, err)
	}
	if r, err := m.EPSS(ctx, s.URL+"/epss.csv.gz"); err != nil || r.Changed != 1 {
		t.Fatalf("EPSS = %+v, %v", r, err)
	}
	if got := m.Inputs(); len(got) != 2 {
		t.Errorf("inputs = %v, want kev and epss", got)
	}
	// A broken catalog is refused and the good one stays.
	s.Put("/kev.json", []byte(`{"catalogVersion": 1}`))
	if _, err := m.KEV(ctx, s.URL+"/kev.json"); err == nil {
		t.Fatal("a broken KEV catalog was taken")
	}
	if got, _ := os.ReadFile(filepath.Join(m.Data(), "kev", "known_exploited_vulnerabilities.json")); !bytes.Equal(got, kev) {
		t.Error("the mirrored catalog was replaced by the broken one")
	}
}

// provider is a CSAF provider on the test site, signing with key.
type provider struct {
	s   *website.Site
	key *openpgp.Entity
	doc []byte
}

func newKey(t *testing.T) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity("Test CSAF provider", "", "csaf@example.test", nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func armoredPublic(t *testing.T, e *openpgp.Entity) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return b.Bytes()
}

func sign(t *testing.T, e *openpgp.Entity, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&b, e, bytes.NewReader(data), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rolieProvider publishes the real ICSMA advisory of the vuln testdata
// through a ROLIE feed, with its SHA-512 and signature, and a TLP:AMBER
// feed that must be left alone.
func rolieProvider(t *testing.T) *provider {
	t.Helper()
	doc, err := os.ReadFile("../vuln/testdata/csaf/icsma-20-049-01.json")
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{s: website.New(t), key: newKey(t), doc: doc}
	fp := hex.EncodeToString(p.key.PrimaryKey.Fingerprint)
	p.s.Put("/.well-known/csaf/provider-metadata.json", []byte(`{
  "canonical_url": "`+p.s.URL+`/.well-known/csaf/provider-metadata.json",
  "metadata_version": "2.0", "role": "csaf_trusted_provider", "last_updated": "2026-11-01T00:00:00Z",
  "list_on_CSAF_aggregators": true, "mirror_on_CSAF_aggregators": true,
  "publisher": {"category": "coordinator", "name": "Test CERT", "namespace": "https://cert.example.test"},
  "public_openpgp_keys": [{"fingerprint": "`+strings.ToUpper(fp)+`", "url": "openpgp/key.asc"}],
  "distributions": [{"rolie": {"feeds": [
    {"summary": "WHITE advisories", "tlp_label": "WHITE", "url": "`+p.s.URL+`/.well-known/csaf/white/csaf-feed-tlp-white.json"},
    {"summary": "AMBER advisories", "tlp_label": "AMBER", "url": "`+p.s.URL+`/.well-known/csaf/amber/csaf-feed-tlp-amber.json"}]}}]
}`))
	p.s.Put("/.well-known/csaf/openpgp/key.asc", armoredPublic(t, p.key))
	p.s.Put("/.well-known/csaf/white/csaf-feed-tlp-white.json", []byte(`{"feed": {"id": "white", "title": "t", "updated": "2026-11-01T00:00:00Z",
  "entry": [{"id": "ICSMA-20-049-01", "title": "t", "published": "2020-02-18T00:00:00Z", "updated": "2020-02-18T00:00:00Z",
    "link": [{"rel": "self", "href": "2020/icsma-20-049-01.json"},
             {"rel": "hash", "href": "2020/icsma-20-049-01.json.sha512"},
             {"rel": "signature", "href": "2020/icsma-20-049-01.json.asc"}],
    "format": {"schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"},
    "content": {"type": "application/json", "src": "2020/icsma-20-049-01.json"}}]}}`))
	p.publish(t, doc)
	return p
}

// publish serves doc as the advisory, with its hash and signature.
func (p *provider) publish(t *testing.T, doc []byte) {
	sum := sha512.Sum512(doc)
	p.s.Put("/.well-known/csaf/white/2020/icsma-20-049-01.json", doc)
	p.s.Put("/.well-known/csaf/white/2020/icsma-20-049-01.json.sha512", []byte(hex.EncodeToString(sum[:])+"  icsma-20-049-01.json\n"))
	p.s.Put("/.well-known/csaf/white/2020/icsma-20-049-01.json.asc", sign(t, p.key, doc))
}

func (p *provider) meta() string { return p.s.URL + "/.well-known/csaf/provider-metadata.json" }

func TestCSAFROLIE(t *testing.T) {
	p := rolieProvider(t)
	m := newMirror(t)
	var notes []string
	m.Note = func(s string) { notes = append(notes, s) }
	res, err := m.CSAF(context.Background(), p.meta())
	if err != nil {
		t.Fatal(err)
	}
	if res.Feed != "CSAF Test CERT" || res.Files != 1 || res.Changed != 1 || res.Unsigned != 0 {
		t.Errorf("result = %+v", res)
	}
	host := strings.ReplaceAll(strings.TrimPrefix(p.s.URL, "http://"), ":", "_")
	got, err := os.ReadFile(filepath.Join(m.Data(), "csaf", host, ".well-known", "csaf", "white", "2020", "icsma-20-049-01.json"))
	if err != nil || !bytes.Equal(got, p.doc) {
		t.Fatalf("mirrored advisory: %v", err)
	}
	if p.s.Gets("/.well-known/csaf/amber/csaf-feed-tlp-amber.json") != 0 || len(notes) != 1 || !strings.Contains(notes[0], "TLP:AMBER") {
		t.Errorf("the AMBER feed: fetched %d times, notes %v", p.s.Gets("/.well-known/csaf/amber/csaf-feed-tlp-amber.json"), notes)
	}
	// The feed says the advisory has not changed: it is not asked for.
	if _, err := m.CSAF(context.Background(), p.meta()); err != nil {
		t.Fatal(err)
	}
	if n := p.s.Gets("/.well-known/csaf/white/2020/icsma-20-049-01.json"); n != 1 {
		t.Errorf("advisory fetched %d times, want once", n)
	}
}

func TestCSAFTamperedAndForged(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(t *testing.T, p *provider)
		want  string
	}{
		{"tampered advisory", func(t *testing.T, p *provider) {
			// Still valid JSON and CSAF, one byte more than signed.
			bad := append(bytes.Clone(p.doc), '\n')
			p.s.Put("/.well-known/csaf/white/2020/icsma-20-049-01.json", bad)
		}, "does not match"},
		{"signed by another key", func(t *testing.T, p *provider) {
			p.s.Put("/.well-known/csaf/white/2020/icsma-20-049-01.json.asc", sign(t, newKey(t), p.doc))
		}, "does not verify"},
		{"no signature", func(t *testing.T, p *provider) {
			p.s.Remove("/.well-known/csaf/white/2020/icsma-20-049-01.json.asc")
		}, "404"},
		{"key not the stated one", func(t *testing.T, p *provider) {
			p.s.Put("/.well-known/csaf/openpgp/key.asc", armoredPublic(t, newKey(t)))
		}, "fingerprint"},
		{"not CSAF", func(t *testing.T, p *provider) {
			p.publish(t, []byte(`{"document": {}}`))
		}, "csaf"},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			p := rolieProvider(t)
			tc.spoil(t, p)
			m := newMirror(t)
			_, err := m.CSAF(context.Background(), p.meta())
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.want)) {
				t.Fatalf("CSAF = %v, want an error saying %q", err, tc.want)
			}
			if files, _ := filepath.Glob(filepath.Join(m.Data(), "csaf", "*", "*", "*", "*", "*", "*.json")); len(files) > 0 {
				t.Errorf("the refused advisory entered the mirror: %v", files)
			}
			if parts, _ := filepath.Glob(filepath.Join(m.dir, "partial", "*")); len(parts) > 0 {
				t.Errorf("partial files left: %v", parts)
			}
		})
	}
}

func TestCSAFDirectoryUnsigned(t *testing.T) {
	doc, err := os.ReadFile("../vuln/testdata/csaf/icsma-20-049-01.json")
	if err != nil {
		t.Fatal(err)
	}
	s := website.New(t)
	s.Put("/csaf/provider-metadata.json", []byte(`{"canonical_url": "`+s.URL+`/csaf/provider-metadata.json", "metadata_version": "2.0",
  "role": "csaf_provider", "publisher": {"category": "vendor", "name": "Vendor"}, "distributions": [{"directory_url": "`+s.URL+`/csaf/"}]}`))
	s.Put("/csaf/index.txt", []byte("2020/icsma-20-049-01.json\n"))
	sum := sha256.Sum256(doc)
	s.Put("/csaf/2020/icsma-20-049-01.json", doc)
	s.Put("/csaf/2020/icsma-20-049-01.json.sha256", []byte(hex.EncodeToString(sum[:])+"  icsma-20-049-01.json\n"))
	m := newMirror(t)
	res, err := m.CSAF(context.Background(), s.URL+"/csaf/provider-metadata.json")
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 1 || res.Changed != 1 || res.Unsigned != 1 || !strings.Contains(res.String(), "unsigned") {
		t.Errorf("result = %+v (%s)", res, res)
	}
	if s.Gets("/csaf/2020/icsma-20-049-01.json.sha512") != 1 || s.Gets("/csaf/2020/icsma-20-049-01.json.sha256") != 1 {
		t.Error("the hash files were not looked for")
	}
	// The published SHA-256 is checked too.
	s.Put("/csaf/2020/icsma-20-049-01.json.sha256", []byte(strings.Repeat("0", 64)+"  icsma-20-049-01.json\n"))
	s.Put("/csaf/2020/icsma-20-049-01.json", append(doc, ' '))
	if _, err := m.CSAF(context.Background(), s.URL+"/csaf/provider-metadata.json"); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("tampered directory advisory = %v", err)
	}
}

// TestHostileServers: what a broken mirror or a hostile server sends
// never enters the mirror, and never holds an update for long.
func TestHostileServers(t *testing.T) {
	s := website.New(t)
	ctx := context.Background()
	m := newMirror(t)
	m.StallWindow, m.StallBytes = 200*time.Millisecond, 1024

	// An empty but valid archive.
	var empty bytes.Buffer
	zip.NewWriter(&empty).Close()
	s.Put("/osv/Go/all.zip", empty.Bytes())
	if _, err := m.OSV(ctx, s.URL+"/osv", "Go"); err == nil || !strings.Contains(err.Error(), "holds no records") || m.exists("osv/Go.zip") {
		t.Errorf("empty archive: %v", err)
	}
	// A truncated archive sent whole: complete response, Content-Length
	// matching, but the zip cut short.
	whole := archive(t, 1<<20)
	s.Put("/osv/npm/all.zip", whole[:len(whole)*2/3])
	if _, err := m.OSV(ctx, s.URL+"/osv", "npm"); err == nil || !strings.Contains(err.Error(), "not a readable zip archive") || m.exists("osv/npm.zip") {
		t.Errorf("truncated archive: %v", err)
	}
	// A zip whose entry is corrupted inside: the directory reads, the
	// checksum does not.
	bad := bytes.Clone(whole)
	bad[100] ^= 0xff
	s.Put("/osv/PyPI/all.zip", bad)
	if _, err := m.OSV(ctx, s.URL+"/osv", "PyPI"); err == nil || !strings.Contains(err.Error(), "checksum") || m.exists("osv/PyPI.zip") {
		t.Errorf("corrupted archive: %v", err)
	}
	// A body trickled a byte at a time: dropped once it stalls.
	s.Put("/kev.json", random(t, 4096))
	s.Trickle("/kev.json", 50*time.Millisecond)
	start := time.Now()
	if _, err := m.KEV(ctx, s.URL+"/kev.json"); err == nil || !strings.Contains(err.Error(), "stalled") {
		t.Errorf("trickled body: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the trickled download held the update for %v", d)
	}
	// Redirects are followed, a loop of them is not.
	s.Put("/real/all.zip", archive(t, 64<<10))
	s.Redirect("/moved/Maven/all.zip", "/real/all.zip")
	if res, err := m.OSV(ctx, s.URL+"/moved", "Maven"); err != nil || res.Changed != 1 {
		t.Errorf("redirect: %+v, %v", res, err)
	}
	s.Redirect("/loop/NuGet/all.zip", "/loop/NuGet/all.zip")
	if _, err := m.OSV(ctx, s.URL+"/loop", "NuGet"); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	// Nothing bad entered the mirror: the one good archive is all the
	// next import reads.
	if in := m.Inputs(); len(in) != 1 {
		t.Errorf("inputs = %v", in)
	}
}
