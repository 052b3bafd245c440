// Package feeds downloads the public vulnerability feeds the local
// database is built from: OSV's per-ecosystem archives, CISA's catalog of
// known exploited vulnerabilities, FIRST's EPSS scores, and the
// advisories of CSAF providers (their provider-metadata.json, then their
// ROLIE feeds or directories, as CSAF 2.0 section 7 defines), verifying
// the hashes and OpenPGP signatures the providers publish.
//
// Files go to a mirror folder. A download that is interrupted is resumed
// with an HTTP range request on the next run; a file that fails
// verification is discarded and never enters the mirror; a file that has
// not changed is not downloaded again (ETag, Last-Modified). Every
// download is bounded in size and streamed to disk.
package feeds

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/atomicfile"
	"github.com/mdcheck/mdcheck/internal/boundedio"
)

// Mirror is a folder of downloaded feed files with the state that makes
// downloads conditional and resumable.
type Mirror struct {
	dir    string
	client *http.Client
	state  map[string]*entry
	// Progress, when set, is called as a file downloads: its name, the
	// bytes so far and the total (-1 when unknown).
	Progress func(name string, done, total int64)
	// Note receives what a user should know that is not an error, such
	// as a provider that signs nothing.
	Note func(msg string)
	// StallWindow and StallBytes are the slowest transfer a download may
	// keep up (defaults: 8 KiB every 30 s).
	StallWindow time.Duration
	StallBytes  int64
}

// entry is what the mirror remembers of one URL.
type entry struct {
	// Path is the file in the mirror, relative to its data folder.
	Path string `json:"path"`
	// ETag and LastModified validate the file in the mirror.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	// Updated is the source's own timestamp of the item (a ROLIE
	// entry's), when it gives one.
	Updated string `json:"updated,omitempty"`
	// PartETag and PartLastModified validate the partial download, so
	// that it is resumed only if the file has not changed since.
	PartETag         string `json:"partEtag,omitempty"`
	PartLastModified string `json:"partLastModified,omitempty"`
}

// maxState bounds the state file.
const maxState = 64 << 20

// Open opens the mirror in dir, creating it when needed. A state file
// that cannot be read is set aside: every file is then fetched again.
func Open(dir string, client *http.Client) (*Mirror, error) {
	if client == nil {
		client = DefaultClient()
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "partial"), 0o755); err != nil {
		return nil, err
	}
	m := &Mirror{dir: dir, client: client, state: map[string]*entry{}}
	data, err := boundedio.ReadFile(filepath.Join(dir, "state.json"), maxState)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if json.Unmarshal(data, &m.state) != nil {
			m.state = map[string]*entry{}
		}
	}
	return m, nil
}

// DefaultClient is the HTTP client feeds use: proxies from the
// environment, and time limits on connecting and on the server's answer
// but not on the length of a download.
func DefaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	t.TLSHandshakeTimeout = 30 * time.Second
	return &http.Client{Transport: t}
}

// Data is the folder the verified files are in.
func (m *Mirror) Data() string { return filepath.Join(m.dir, "data") }

// save writes the state atomically.
func (m *Mirror) save() error {
	data, err := json.MarshalIndent(m.state, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(m.dir, "state.json"), data, 0o644)
}

// Verify checks a downloaded file, at path, before it enters the mirror;
// header is the response's.
type Verify func(path string, header http.Header) error

// Fetch brings the file at rawURL into the mirror at dest (a path under
// the data folder), unless the mirror's copy is current. It reports
// whether the file changed. A download cut short stays as a partial file
// that the next Fetch of the same URL resumes; one larger than max, or
// failing verify, is discarded.
func (m *Mirror) Fetch(ctx context.Context, rawURL, dest string, max int64, verify Verify) (changed bool, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return false, fmt.Errorf("%s: not an http(s) URL", rawURL)
	}
	e := m.state[rawURL]
	if e == nil || e.Path != dest {
		e = &entry{Path: dest}
	}
	final := filepath.Join(m.Data(), filepath.FromSlash(dest))
	part := m.partial(rawURL)
	ctx, watched, stop := m.watch(ctx)
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return false, err
	}
	var have int64
	if st, err := os.Stat(part); err == nil && st.Size() > 0 && resumable(e) != "" {
		have = st.Size()
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
		req.Header.Set("If-Range", resumable(e))
	} else if _, err := os.Stat(final); err == nil {
		if e.ETag != "" {
			req.Header.Set("If-None-Match", e.ETag)
		} else if e.LastModified != "" {
			req.Header.Set("If-Modified-Since", e.LastModified)
		}
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return false, fmt.Errorf("GET %s: %w", rawURL, why(ctx, err))
	}
	defer resp.Body.Close()
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	switch resp.StatusCode {
	case http.StatusNotModified:
		return false, nil
	case http.StatusPartialContent:
		start, ok := rangeStart(resp.Header.Get("Content-Range"))
		if !ok || start != have {
			return false, fmt.Errorf("GET %s: the server resumed at %q, not at byte %d", rawURL, resp.Header.Get("Content-Range"), have)
		}
		flags = os.O_WRONLY | os.O_APPEND
	case http.StatusOK:
		have = 0
	case http.StatusRequestedRangeNotSatisfiable:
		// The partial file is no longer a prefix of the file: start over.
		os.Remove(part)
		e.PartETag, e.PartLastModified = "", ""
		m.state[rawURL] = e
		if err := m.save(); err != nil {
			return false, err
		}
		return m.Fetch(ctx, rawURL, dest, max, verify)
	default:
		return false, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
	}
	total := int64(-1)
	if resp.ContentLength >= 0 {
		total = have + resp.ContentLength
		if total > max {
			return false, fmt.Errorf("GET %s: %d bytes, more than the %d allowed", rawURL, total, max)
		}
	}
	// Remember how to resume before the first byte lands.
	e.PartETag, e.PartLastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	m.state[rawURL] = e
	if err := m.save(); err != nil {
		return false, err
	}
	f, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return false, err
	}
	n, err := io.Copy(f, &counting{r: io.LimitReader(watched(resp.Body), max-have+1), done: have, total: total, name: dest, progress: m.Progress})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	got := have + n
	switch {
	case got > max:
		m.discard(rawURL, part)
		return false, fmt.Errorf("GET %s: more than the %d bytes allowed", rawURL, max)
	case err != nil:
		return false, fmt.Errorf("GET %s: interrupted after %d bytes (%w); the next update resumes it", rawURL, got, why(ctx, err))
	case total >= 0 && got != total:
		return false, fmt.Errorf("GET %s: interrupted after %d of %d bytes; the next update resumes it", rawURL, got, total)
	}
	if err := checkGoogHash(part, resp.Header); err != nil {
		m.discard(rawURL, part)
		return false, fmt.Errorf("GET %s: %w; the file was discarded", rawURL, err)
	}
	if verify != nil {
		if err := verify(part, resp.Header); err != nil {
			m.discard(rawURL, part)
			return false, fmt.Errorf("%s: %w; the file was discarded", rawURL, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return false, err
	}
	if err := os.Rename(part, final); err != nil {
		return false, err
	}
	e.ETag, e.LastModified = e.PartETag, e.PartLastModified
	e.PartETag, e.PartLastModified = "", ""
	m.state[rawURL] = e
	return true, m.save()
}

// resumable is the validator an If-Range can carry for the partial
// download (a strong ETag, else the date), or "" when it cannot be
// resumed safely.
func resumable(e *entry) string {
	if e.PartETag != "" && !strings.HasPrefix(e.PartETag, "W/") {
		return e.PartETag
	}
	return e.PartLastModified
}

// fileHash is the hex digest of the file at path.
func fileHash(path string, h func() hash.Hash) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	d := h()
	if _, err := io.Copy(d, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(d.Sum(nil)), nil
}

// discard removes a partial download that cannot be kept.
func (m *Mirror) discard(rawURL, part string) {
	os.Remove(part)
	if e := m.state[rawURL]; e != nil {
		e.PartETag, e.PartLastModified = "", ""
	}
	m.save()
}

func (m *Mirror) partial(rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	return filepath.Join(m.dir, "partial", hex.EncodeToString(sum[:12])+".part")
}

// get reads a small resource (metadata, keys, hashes) into memory.
func (m *Mirror) get(ctx context.Context, rawURL string, max int64) ([]byte, int, error) {
	ctx, watched, stop := m.watch(ctx)
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
	}
	data, err := boundedio.Read(watched(resp.Body), max)
	var tl *boundedio.TooLargeError
	if errors.As(err, &tl) {
		return nil, resp.StatusCode, fmt.Errorf("GET %s: more than the %d bytes allowed", rawURL, max)
	}
	if err != nil {
		return nil, resp.StatusCode, fmt.Errorf("GET %s: %w", rawURL, why(ctx, err))
	}
	return data, resp.StatusCode, nil
}

// spool downloads a resource too large to hold in memory (a ROLIE feed)
// into a temporary file, bounded, and returns it open at its start. The
// caller closes and removes it.
func (m *Mirror) spool(ctx context.Context, rawURL string, max int64) (*os.File, error) {
	ctx, watched, stop := m.watch(ctx)
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
	}
	f, err := os.CreateTemp(filepath.Join(m.dir, "partial"), "spool-*")
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, io.LimitReader(watched(resp.Body), max+1))
	if err != nil {
		err = why(ctx, err)
	}
	if err == nil && n > max {
		err = fmt.Errorf("more than the %d bytes allowed", max)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	return f, nil
}

// checkGoogHash compares the file with the MD5 a Google Cloud Storage
// server (where OSV publishes) states in x-goog-hash, when it does.
func checkGoogHash(path string, h http.Header) error {
	for _, v := range h.Values("X-Goog-Hash") {
		for _, part := range strings.Split(v, ",") {
			b64, ok := strings.CutPrefix(strings.TrimSpace(part), "md5=")
			if !ok {
				continue
			}
			want, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				return fmt.Errorf("x-goog-hash md5 %q is not base64", b64)
			}
			got, err := fileHash(path, md5.New)
			if err != nil {
				return err
			}
			if !strings.EqualFold(hex.EncodeToString(want), got) {
				return fmt.Errorf("MD5 %s does not match the %s the server states", got, hex.EncodeToString(want))
			}
		}
	}
	return nil
}

// rangeStart reads the first byte of "bytes START-END/TOTAL".
func rangeStart(cr string) (int64, bool) {
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return 0, false
	}
	start, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(start, 10, 64)
	return n, err == nil
}

// counting reports progress as a download proceeds.
type counting struct {
	r           io.Reader
	done, total int64
	name        string
	progress    func(string, int64, int64)
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(c.name, c.done, c.total)
	}
	return n, err
}
