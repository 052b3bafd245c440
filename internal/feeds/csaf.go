package feeds

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/csaf"
)

// Bounds on what a CSAF provider serves.
const (
	maxProviderMetadata = 1 << 20
	maxKey              = 1 << 20
	maxROLIEFeed        = 64 << 20
	maxIndex            = 16 << 20
	maxHashFile         = 4 << 10
	maxSignature        = 64 << 10
)

// providerMetadata is what mdcheck reads of a CSAF provider-metadata.json
// (CSAF 2.0 section 7.1.7).
type providerMetadata struct {
	CanonicalURL    string `json:"canonical_url"`
	MetadataVersion string `json:"metadata_version"`
	Publisher       struct {
		Name string `json:"name"`
	} `json:"publisher"`
	Distributions []struct {
		DirectoryURL string `json:"directory_url"`
		ROLIE        *struct {
			Feeds []struct {
				TLPLabel string `json:"tlp_label"`
				URL      string `json:"url"`
			} `json:"feeds"`
		} `json:"rolie"`
	} `json:"distributions"`
	Keys []struct {
		Fingerprint string `json:"fingerprint"`
		URL         string `json:"url"`
	} `json:"public_openpgp_keys"`
}

// rolieEntry is what mdcheck reads of an entry of a ROLIE feed (RFC
// 8322, in JSON as CSAF 2.0 section 7.1.20 uses it).
type rolieEntry struct {
	ID      string      `json:"id"`
	Updated string      `json:"updated"`
	Link    []rolieLink `json:"link"`
	Content struct {
		Src string `json:"src"`
	} `json:"content"`
}

type rolieLink struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// advisory is one CSAF document to fetch, with where its hash and
// signature are.
type advisory struct {
	url, updated string
	hashURLs     []string
	signatureURL string
	// guessed is set in a directory distribution, where the hash and
	// signature are found by name and a missing hash file is no error.
	guessed bool
}

// MaxAdvisories bounds the advisories read from one provider.
const MaxAdvisories = 200_000

// providerRun is the state of one provider's fetch.
type providerRun struct {
	res  Result
	keys openpgp.EntityList
	seen map[[16]byte]bool
}

// CSAF fetches the TLP:WHITE (TLP:CLEAR) advisories of the provider whose
// provider-metadata.json is at metaURL into csaf/<host>/...: every
// distribution, ROLIE feed or directory. Each advisory is checked against
// the SHA-512 or SHA-256 the provider publishes beside it, against its
// OpenPGP signature when the provider publishes a key (then a missing or
// bad signature is an error), and as a CSAF document, before it enters
// the mirror.
func (m *Mirror) CSAF(ctx context.Context, metaURL string) (Result, error) {
	res := Result{Feed: "CSAF " + metaURL}
	data, _, err := m.get(ctx, metaURL, maxProviderMetadata)
	if err != nil {
		return res, err
	}
	meta, err := parseProviderMetadata(metaURL, data)
	if err != nil {
		return res, err
	}
	if meta.Publisher.Name != "" {
		res.Feed = "CSAF " + meta.Publisher.Name
	}
	if len(meta.Distributions) == 0 {
		return res, fmt.Errorf("%s: the provider metadata names no distribution (directory_url or rolie)", metaURL)
	}
	keys, err := m.keyring(ctx, metaURL, meta)
	if err != nil {
		return res, err
	}
	pv := &providerRun{res: res, keys: keys, seen: map[[16]byte]bool{}}
	for _, d := range meta.Distributions {
		if d.DirectoryURL != "" {
			if err := m.directory(ctx, resolve(metaURL, d.DirectoryURL), pv); err != nil {
				return pv.res, err
			}
		}
		if d.ROLIE == nil {
			continue
		}
		for _, f := range d.ROLIE.Feeds {
			if tlp := strings.ToUpper(f.TLPLabel); tlp != "WHITE" && tlp != "CLEAR" {
				m.note(fmt.Sprintf("%s: ROLIE feed %s is TLP:%s; only TLP:WHITE feeds are fetched", pv.res.Feed, f.URL, tlp))
				continue
			}
			if err := m.rolie(ctx, resolve(metaURL, f.URL), pv); err != nil {
				return pv.res, err
			}
		}
	}
	return pv.res, m.save()
}

// advisory fetches one advisory of the provider into the mirror, unless
// it was already seen in this run or its feed says it has not changed.
func (m *Mirror) advisory(ctx context.Context, pv *providerRun, a advisory) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	key := sha256.Sum256([]byte(a.url))
	var k [16]byte
	copy(k[:], key[:])
	if pv.seen[k] {
		return nil
	}
	pv.seen[k] = true
	if len(pv.seen) > MaxAdvisories {
		return fmt.Errorf("%s lists more than %d advisories, the most mdcheck reads from one provider", pv.res.Feed, MaxAdvisories)
	}
	dest, err := csafDest(a.url)
	if err != nil {
		return err
	}
	pv.res.Files++
	if e := m.state[a.url]; e != nil && a.updated != "" && e.Updated == a.updated && e.Path == dest && m.exists(dest) {
		return nil // the feed says it has not changed
	}
	changed, err := m.Fetch(ctx, a.url, dest, csaf.MaxDocument, func(p string, _ http.Header) error {
		return m.checkAdvisory(ctx, a, p, pv.keys)
	})
	if err != nil {
		return err
	}
	if changed {
		pv.res.Changed++
		if pv.keys == nil {
			pv.res.Unsigned++
		}
	}
	if e := m.state[a.url]; e != nil {
		e.Updated = a.updated
	}
	return nil
}

// parseProviderMetadata reads a provider-metadata.json.
func parseProviderMetadata(name string, data []byte) (*providerMetadata, error) {
	var meta providerMetadata
	if err := json.Unmarshal(data, &meta); err != nil {
		return nil, fmt.Errorf("%s: not a CSAF provider metadata document: %v", name, err)
	}
	return &meta, nil
}

// parseHashFile reads the digest of a .sha256 or .sha512 file: hex, then
// optionally the file name ("sha256sum" layout).
func parseHashFile(data []byte, size int) (string, error) {
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return "", errors.New("empty hash file")
	}
	d := strings.ToLower(fields[0])
	if len(d) != size*2 {
		return "", fmt.Errorf("%q is not a digest of %d bytes", clip(d), size)
	}
	if _, err := hex.DecodeString(d); err != nil {
		return "", fmt.Errorf("%q is not hexadecimal", clip(d))
	}
	return d, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// keyring fetches the provider's public OpenPGP keys and checks each
// against the fingerprint the metadata states; nil when it states none.
func (m *Mirror) keyring(ctx context.Context, metaURL string, meta *providerMetadata) (openpgp.EntityList, error) {
	var ring openpgp.EntityList
	for _, k := range meta.Keys {
		if k.URL == "" {
			continue
		}
		u := resolve(metaURL, k.URL)
		data, _, err := m.get(ctx, u, maxKey)
		if err != nil {
			return nil, err
		}
		el, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
		if err != nil {
			if el, err = openpgp.ReadKeyRing(bytes.NewReader(data)); err != nil {
				return nil, fmt.Errorf("%s: not an OpenPGP public key: %v", u, err)
			}
		}
		want := strings.ToLower(strings.ReplaceAll(k.Fingerprint, " ", ""))
		for _, e := range el {
			got := hex.EncodeToString(e.PrimaryKey.Fingerprint)
			if want != "" && got != want {
				return nil, fmt.Errorf("%s: key fingerprint %s is not the %s the provider metadata states", u, got, want)
			}
		}
		ring = append(ring, el...)
	}
	if len(ring) == 0 {
		return nil, nil
	}
	return ring, nil
}

// directory fetches the advisories of a directory distribution, as its
// index.txt lists them (CSAF 2.0 section 7.1.12).
func (m *Mirror) directory(ctx context.Context, dirURL string, pv *providerRun) error {
	if !strings.HasSuffix(dirURL, "/") {
		dirURL += "/"
	}
	data, _, err := m.get(ctx, dirURL+"index.txt", maxIndex)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		u := resolve(dirURL, line)
		if err := m.advisory(ctx, pv, advisory{url: u, hashURLs: []string{u + ".sha512", u + ".sha256"}, signatureURL: u + ".asc", guessed: true}); err != nil {
			return err
		}
	}
	return sc.Err()
}

// rolie fetches the advisories a ROLIE feed lists, with their hash and
// signature links. The feed is kept on disk and read entry by entry, so
// that a feed of many thousand entries costs little memory.
func (m *Mirror) rolie(ctx context.Context, feedURL string, pv *providerRun) error {
	f, err := m.spool(ctx, feedURL, maxROLIEFeed)
	if err != nil {
		return err
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	return readROLIE(bufio.NewReader(f), feedURL, func(a advisory) error { return m.advisory(ctx, pv, a) })
}

// readROLIE reads a ROLIE feed entry by entry and calls fn with each
// entry's advisory, its links resolved against feedURL.
func readROLIE(r io.Reader, feedURL string, fn func(advisory) error) error {
	dec := jsontext.NewDecoder(r)
	bad := func(err error) error { return fmt.Errorf("%s: not a ROLIE feed: %v", feedURL, err) }
	// {"feed": {..., "entry": [ ... ]}}
	if err := enter(dec, "feed"); err != nil {
		return bad(err)
	}
	if err := enter(dec, "entry"); err != nil {
		return bad(err)
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
		return bad(fmt.Errorf("entry is not an array"))
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		var e rolieEntry
		if err := json.UnmarshalDecode(dec, &e); err != nil {
			return bad(err)
		}
		a := advisory{updated: e.Updated}
		if e.Content.Src != "" {
			a.url = resolve(feedURL, e.Content.Src)
		}
		for _, l := range e.Link {
			switch l.Rel {
			case "self":
				if a.url == "" {
					a.url = resolve(feedURL, l.Href)
				}
			case "hash":
				a.hashURLs = append(a.hashURLs, resolve(feedURL, l.Href))
			case "signature":
				a.signatureURL = resolve(feedURL, l.Href)
			}
		}
		if a.url == "" {
			return fmt.Errorf("%s: entry %d (%s) links no document", feedURL, i, e.ID)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return bad(err)
	}
	return nil
}

// enter reads an object's members up to name, skipping the others, and
// leaves the decoder at name's value.
func enter(dec *jsontext.Decoder, name string) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("%s: not in an object", name)
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if tok.String() == name {
			return nil
		}
		if err := dec.SkipValue(); err != nil {
			return err
		}
	}
	return fmt.Errorf("no %q member", name)
}

// checkAdvisory verifies a downloaded advisory at p: the provider's hash,
// its signature, and that it reads as CSAF.
func (m *Mirror) checkAdvisory(ctx context.Context, a advisory, p string, keys openpgp.EntityList) error {
	hashed := false
	for _, hu := range a.hashURLs {
		data, code, err := m.get(ctx, hu, maxHashFile)
		if err != nil {
			if a.guessed && code == http.StatusNotFound {
				continue
			}
			return err
		}
		var h func() hash.Hash
		switch {
		case strings.HasSuffix(hu, ".sha512"):
			h = sha512.New
		case strings.HasSuffix(hu, ".sha256"):
			h = sha256.New
		default:
			return fmt.Errorf("hash file %s is neither .sha256 nor .sha512", hu)
		}
		want, err := parseHashFile(data, h().Size())
		if err != nil {
			return fmt.Errorf("%s: %w", hu, err)
		}
		got, err := fileHash(p, h)
		if err != nil {
			return err
		}
		if !strings.EqualFold(want, got) {
			return fmt.Errorf("its hash %s does not match %s (%s)", got, hu, want)
		}
		hashed = true
		break
	}
	if !hashed && len(a.hashURLs) > 0 && !a.guessed {
		return errors.New("no hash could be checked")
	}
	if keys != nil {
		if a.signatureURL == "" {
			return errors.New("it has no signature, and its provider signs with OpenPGP")
		}
		sig, _, err := m.get(ctx, a.signatureURL, maxSignature)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = openpgp.CheckArmoredDetachedSignature(keys, f, bytes.NewReader(sig), nil)
		f.Close()
		if err != nil {
			return fmt.Errorf("its signature %s does not verify with the provider's key: %v", a.signatureURL, err)
		}
	}
	data, err := boundedio.ReadFile(p, csaf.MaxDocument)
	if err != nil {
		return err
	}
	if _, _, err := csaf.Parse(path.Base(a.url), data); err != nil {
		return err
	}
	return nil
}

// csafDest is where an advisory goes in the mirror: by host and path.
func csafDest(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not an advisory URL", rawURL)
	}
	p := path.Clean("/" + u.Path)
	if !strings.HasSuffix(p, ".json") {
		return "", fmt.Errorf("%s: a CSAF advisory's name ends in .json", rawURL)
	}
	host := strings.NewReplacer(":", "_", "/", "_", "\\", "_").Replace(u.Host)
	return "csaf/" + host + p, nil
}

func (m *Mirror) exists(dest string) bool {
	_, err := os.Stat(m.Data() + "/" + dest)
	return err == nil
}

func (m *Mirror) note(msg string) {
	if m.Note != nil {
		m.Note(msg)
	}
}

// resolve reads ref relative to base.
func resolve(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}
