package feeds

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/epss"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/kev"
)

// Default feed locations.
const (
	DefaultOSV  = "https://osv-vulnerabilities.storage.googleapis.com"
	DefaultKEV  = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
	DefaultEPSS = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
)

// DefaultEcosystems are the OSV ecosystems fetched unless told otherwise:
// those of the software medical devices and their companion apps and
// servers are made of.
var DefaultEcosystems = []string{"npm", "PyPI", "Maven", "NuGet", "Go", "crates.io", "Packagist", "RubyGems", "OSS-Fuzz", "Debian", "Alpine"}

// maxOSVZip bounds one ecosystem's archive on disk (the largest are a
// few hundred megabytes).
const maxOSVZip = 4 << 30

// Result says what one feed brought.
type Result struct {
	Feed    string
	Changed int // files new or changed
	Files   int // files of the feed in the mirror
	// Unsigned counts CSAF advisories taken without a signature because
	// their provider publishes no OpenPGP key.
	Unsigned int
}

func (r Result) String() string {
	s := fmt.Sprintf("%s: %d file%s, %d new or changed", r.Feed, r.Files, plural(r.Files), r.Changed)
	if r.Unsigned > 0 {
		s += fmt.Sprintf(", %d unsigned (the provider publishes no OpenPGP key)", r.Unsigned)
	}
	return s
}

// OSV fetches one ecosystem's all.zip from base (DefaultOSV or a mirror
// of it) into osv/<ecosystem>.zip.
func (m *Mirror) OSV(ctx context.Context, base, ecosystem string) (Result, error) {
	if ecosystem == "" || strings.ContainsAny(ecosystem, "/\\") || ecosystem == "." || ecosystem == ".." {
		return Result{}, fmt.Errorf("%q is not an OSV ecosystem name", ecosystem)
	}
	u := strings.TrimRight(base, "/") + "/" + url.PathEscape(ecosystem) + "/all.zip"
	changed, err := m.Fetch(ctx, u, "osv/"+ecosystem+".zip", maxOSVZip, func(p string, h http.Header) error {
		if err := checkArchive(p, h); err != nil {
			return fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, path.Base(u), err)
		}
		return nil
	})
	return oneFile("OSV "+ecosystem, changed), err
}

// checkArchive reads a downloaded OSV archive through before it enters
// the mirror: a zip whose directory or entries do not read (cut short,
// corrupted: every checksum is checked), one with no entry at all, or an
// entry past the record bound, is refused.
func checkArchive(p string, _ http.Header) error {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return fmt.Errorf("not a readable zip archive: %w", err)
	}
	defer zr.Close()
	switch {
	case len(zr.File) == 0:
		return errors.New("the archive holds no records (a broken mirror?)")
	case len(zr.File) > maxArchiveEntries:
		return fmt.Errorf("the archive holds %d entries, more than %d", len(zr.File), maxArchiveEntries)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("entry %s: %w", f.Name, err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, vuln.MaxRecord+1))
		rc.Close()
		switch {
		case err != nil:
			return fmt.Errorf("entry %s: %w", f.Name, err)
		case n > vuln.MaxRecord:
			return fmt.Errorf("entry %s: more than %d bytes", f.Name, vuln.MaxRecord)
		}
	}
	return nil
}

// maxArchiveEntries bounds an OSV archive as the import does.
const maxArchiveEntries = 2_000_000

// KEV fetches CISA's catalog of known exploited vulnerabilities into
// kev/known_exploited_vulnerabilities.json, checked as such before it
// enters the mirror.
func (m *Mirror) KEV(ctx context.Context, rawURL string) (Result, error) {
	changed, err := m.Fetch(ctx, rawURL, "kev/known_exploited_vulnerabilities.json", vuln.MaxKEV, func(p string, _ http.Header) error {
		data, err := boundedio.ReadFile(p, vuln.MaxKEV)
		if err != nil {
			return err
		}
		_, err = kev.Parse(path.Base(rawURL), data)
		return err
	})
	return oneFile("KEV", changed), err
}

// EPSS fetches FIRST's daily EPSS scores (CSV, usually gzipped) into
// epss/, checked before it enters the mirror.
func (m *Mirror) EPSS(ctx context.Context, rawURL string) (Result, error) {
	name := "epss/epss_scores.csv"
	if strings.HasSuffix(rawURL, ".gz") {
		name += ".gz"
	}
	changed, err := m.Fetch(ctx, rawURL, name, vuln.MaxEPSS, func(p string, _ http.Header) error {
		data, err := boundedio.ReadFile(p, vuln.MaxEPSS)
		if err != nil {
			return err
		}
		return epss.Check(path.Base(rawURL), data)
	})
	return oneFile("EPSS", changed), err
}

func oneFile(feed string, changed bool) Result {
	r := Result{Feed: feed, Files: 1}
	if changed {
		r.Changed = 1
	}
	return r
}

// Inputs lists what the mirror holds for db import: one path per feed
// folder present.
// Sources are the feeds Update brings up to date; an empty URL turns one
// off.
type Sources struct {
	OSV        string   // base URL of the OSV archives
	Ecosystems []string // OSV ecosystems
	KEV, EPSS  string
	Providers  []string // CSAF provider metadata URLs
}

// Update brings each feed of src up to date in the mirror, in order, and
// calls fetched, when not nil, with what each changed; it stops at the
// first that fails.
func (m *Mirror) Update(ctx context.Context, src Sources, fetched func(Result)) error {
	var steps []func() (Result, error)
	if src.OSV != "" {
		for _, eco := range src.Ecosystems {
			steps = append(steps, func() (Result, error) { return m.OSV(ctx, src.OSV, strings.TrimSpace(eco)) })
		}
	}
	if src.KEV != "" {
		steps = append(steps, func() (Result, error) { return m.KEV(ctx, src.KEV) })
	}
	if src.EPSS != "" {
		steps = append(steps, func() (Result, error) { return m.EPSS(ctx, src.EPSS) })
	}
	for _, p := range src.Providers {
		steps = append(steps, func() (Result, error) { return m.CSAF(ctx, p) })
	}
	for _, step := range steps {
		r, err := step()
		if err != nil {
			return err
		}
		if fetched != nil {
			fetched(r)
		}
	}
	return nil
}

func (m *Mirror) Inputs() []string {
	var out []string
	for _, d := range []string{"osv", "kev", "epss", "csaf"} {
		p := m.Data() + string(os.PathSeparator) + d
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			out = append(out, p)
		}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
