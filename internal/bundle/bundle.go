// Package bundle packs an assessment's evidence into one signed zip: the
// inputs the check read, every report it wrote, and a manifest with each
// file's SHA-256 and the tool, catalog and database versions, signed with
// Ed25519. Verify tells whether any entry was changed, added or removed.
// The same inputs and key give the same bytes: entries are sorted, dated
// by the assessment and compressed deterministically, and Ed25519
// signatures are deterministic. A PDF cannot be reproduced (Chromium
// stamps it), so the manifest binds it to the HTML it was printed from,
// and a signature of its own covers it.
package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// Format names the manifest's layout.
const Format = "mdcheck-evidence-bundle/1"

// Names of the bundle's own files.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.sig"
)

// Limits of what Verify reads: the manifest and signatures are small;
// an entry is read no further than its signed size.
const (
	maxManifest  = 16 << 20
	maxSignature = 1 << 10
	maxEntries   = 10_000
	// MaxInput bounds an input file packed (as the check hashes them).
	MaxInput = 512 << 20
)

// Manifest describes the bundle; its bytes are what the signature
// covers.
type Manifest struct {
	Format string `json:"format"`
	// Subject names the device; Date is the assessment's.
	Subject string `json:"subject"`
	Date    string `json:"date"`
	Tool    Tool   `json:"tool"`
	// Signer is the SHA-256 of the signing public key (PKIX DER), so a
	// reader can tell which key to verify with.
	Signer  string  `json:"signer"`
	Entries []Entry `json:"entries"`
	// PDF, when the bundle carries one, names it and the HTML report it
	// was printed from; the PDF's own signature binds the two.
	PDF *Binding `json:"pdf,omitempty"`
}

// Tool is the mdcheck build and data behind the reports.
type Tool struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	BuildDate string `json:"buildDate,omitempty"`
	Catalog   string `json:"catalog"`
	// Database is the vulnerability database's content hash and newest
	// record; empty when vulnerabilities were not assessed.
	Database       string `json:"database,omitempty"`
	DatabaseNewest string `json:"databaseNewest,omitempty"`
}

// Entry is one file in the bundle.
type Entry struct {
	Path   string `json:"path"`
	Role   string `json:"role"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Binding ties a PDF to the HTML report it was printed from.
type Binding struct {
	Path string `json:"path"`
	// From is the HTML's path in the bundle; its hash is in Entries.
	From string `json:"from"`
}

// File is one file to pack: Data in memory, or Source on disk, which
// must still have the SHA256 the check recorded when it read it.
type File struct {
	Path   string
	Role   string
	Data   []byte
	Source string
	SHA256 string
	Size   int64
}

// Write packs files into a zip on w, with the manifest m (its Entries
// and Signer are filled here) signed by key, dated day. pdf, when not
// nil, is packed at m.PDF.Path with its own signature.
func Write(w io.Writer, m Manifest, files []File, pdf []byte, key ed25519.PrivateKey, day time.Time) error {
	m.Format = Format
	m.Signer = Fingerprint(key.Public().(ed25519.PublicKey))
	m.Entries = nil
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	for i, f := range files {
		if err := checkName(f.Path); err != nil {
			return err
		}
		if i > 0 && files[i-1].Path == f.Path {
			return fmt.Errorf("bundle: %s twice", f.Path)
		}
		if f.Source == "" {
			f.SHA256, f.Size = hexSHA(f.Data), int64(len(f.Data))
			files[i] = f
		}
		m.Entries = append(m.Entries, Entry{Path: f.Path, Role: f.Role, SHA256: f.SHA256, Size: f.Size})
	}
	var htmlSum string
	if m.PDF != nil {
		if pdf == nil {
			return errors.New("bundle: the manifest names a PDF, and none was given")
		}
		for _, e := range m.Entries {
			if e.Path == m.PDF.From {
				htmlSum = e.SHA256
			}
		}
		if htmlSum == "" {
			return fmt.Errorf("bundle: the PDF's HTML %s is not in the bundle", m.PDF.From)
		}
	}
	man, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	man = append(man, '\n')
	z := zip.NewWriter(w)
	put := func(name string, data []byte) error {
		fw, err := z.CreateHeader(header(name, day))
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	if err := put(ManifestName, man); err != nil {
		return err
	}
	if err := put(SignatureName, sign(key, man)); err != nil {
		return err
	}
	for _, f := range files {
		fw, err := z.CreateHeader(header(f.Path, day))
		if err != nil {
			return err
		}
		if f.Source == "" {
			if _, err := fw.Write(f.Data); err != nil {
				return err
			}
			continue
		}
		if err := copySource(fw, f); err != nil {
			return err
		}
	}
	if m.PDF != nil {
		if err := put(m.PDF.Path, pdf); err != nil {
			return err
		}
		if err := put(m.PDF.Path+".sig", sign(key, pdfStatement(pdf, htmlSum))); err != nil {
			return err
		}
	}
	return z.Close()
}

// copySource streams an input file into the zip, and fails when it is
// no longer the file the check read.
func copySource(w io.Writer, f File) error {
	in, err := os.Open(f.Source)
	if err != nil {
		return err
	}
	defer in.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(in, MaxInput+1))
	if err != nil {
		return fmt.Errorf("%s: %w", f.Source, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n > MaxInput || got != f.SHA256 {
		return fmt.Errorf("%s changed after the check read it (sha256 %s, the report says %s): run the check again", f.Source, got, f.SHA256)
	}
	return nil
}

// header is a zip entry dated day (in UTC, as zip stores local time
// without a zone), deflated, with no extra fields: the same content
// gives the same bytes.
func header(name string, day time.Time) *zip.FileHeader {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	h.Modified = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	if h.Modified.Year() < 1980 {
		h.Modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	h.SetMode(0o644)
	return h
}

// checkName refuses an entry name a zip reader could take for another
// place: absolute, with .. or backslashes, or the bundle's own files.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." {
		return fmt.Errorf("bundle: entry name %q is not a clean relative path", name)
	}
	if name == ManifestName || name == SignatureName {
		return fmt.Errorf("bundle: %s is the bundle's own", name)
	}
	return nil
}

func sign(key ed25519.PrivateKey, msg []byte) []byte {
	return []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg)) + "\n")
}

// pdfStatement is what a PDF's signature covers: its hash and its HTML's.
func pdfStatement(pdf []byte, htmlSum string) []byte {
	return []byte("mdcheck-pdf-binding/1\npdf sha256 " + hexSHA(pdf) + "\nprinted from html sha256 " + htmlSum + "\n")
}

// Fingerprint is the SHA-256 of a public key's PKIX DER form, in hex.
func Fingerprint(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "unknown key"
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Result is what Verify found.
type Result struct {
	Manifest Manifest
	// Problems lists every entry changed, added or removed, and every
	// signature that does not verify.
	Problems []string
}

// Verify checks the bundle at file against pub: the manifest's
// signature, every entry's hash and size, no entry added or removed, and
// a PDF's binding to its HTML. An error wrapping ErrTampered lists every
// problem; other errors say why the bundle could not be read.
func Verify(file string, pub ed25519.PublicKey) (*Result, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	// The zip reader keeps every entry of the central directory: count
	// them first, so a directory of millions stops here.
	if n, err := entryCount(fh, fi.Size()); err != nil {
		return nil, fmt.Errorf("%s: not a readable zip: %w", file, err)
	} else if n > maxEntries {
		return nil, fmt.Errorf("%s: %d entries, more than a bundle holds (%d)", file, n, maxEntries)
	}
	zr, err := zip.NewReader(fh, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable zip: %w", file, err)
	}
	byName := map[string]*zip.File{}
	res := &Result{}
	problem := func(format string, a ...any) { res.Problems = append(res.Problems, fmt.Sprintf(format, a...)) }
	for _, f := range zr.File {
		if _, dup := byName[f.Name]; dup {
			problem("%s: added (a second entry of that name)", f.Name)
			continue
		}
		byName[f.Name] = f
	}
	man, err := readEntry(byName[ManifestName], maxManifest)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", file, ManifestName, err)
	}
	sig, err := readEntry(byName[SignatureName], maxSignature)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", file, SignatureName, err)
	}
	if !verifySig(pub, man, sig) {
		problem("%s: the signature does not verify with this key (%s): the manifest was changed or another key signed it", ManifestName, Fingerprint(pub))
		return res, fmt.Errorf("%w: %s", ErrTampered, strings.Join(res.Problems, "; "))
	}
	dec := json.NewDecoder(bytes.NewReader(man))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res.Manifest); err != nil || res.Manifest.Format != Format {
		return nil, fmt.Errorf("%s: %s is signed but not a %s manifest: %v", file, ManifestName, Format, err)
	}
	known := map[string]bool{ManifestName: true, SignatureName: true}
	var htmlSum string
	for _, e := range res.Manifest.Entries {
		known[e.Path] = true
		if p := res.Manifest.PDF; p != nil && e.Path == p.From {
			htmlSum = e.SHA256
		}
		f := byName[e.Path]
		if f == nil {
			problem("%s: removed", e.Path)
			continue
		}
		sum, n, err := hashEntry(f, e.Size)
		switch {
		case err != nil:
			problem("%s: changed (%v)", e.Path, err)
		case n != e.Size || sum != e.SHA256:
			problem("%s: changed (sha256 %s, %d bytes; the manifest says %s, %d bytes)", e.Path, sum, n, e.SHA256, e.Size)
		}
	}
	if p := res.Manifest.PDF; p != nil {
		known[p.Path], known[p.Path+".sig"] = true, true
		pdf, err := readEntry(byName[p.Path], MaxInput)
		psig, serr := readEntry(byName[p.Path+".sig"], maxSignature)
		switch {
		case err != nil:
			problem("%s: %v", p.Path, err)
		case serr != nil:
			problem("%s.sig: %v", p.Path, serr)
		case htmlSum == "":
			problem("%s: printed from %s, which is not in the manifest", p.Path, p.From)
		case !verifySig(pub, pdfStatement(pdf, htmlSum), psig):
			problem("%s: changed (its signature does not bind it to %s)", p.Path, p.From)
		}
	}
	for _, f := range zr.File {
		if !known[f.Name] {
			problem("%s: added", f.Name)
		}
	}
	slices.Sort(res.Problems)
	res.Problems = slices.Compact(res.Problems)
	if len(res.Problems) > 0 {
		return res, fmt.Errorf("%w: %s", ErrTampered, strings.Join(res.Problems, "; "))
	}
	return res, nil
}

func verifySig(pub ed25519.PublicKey, msg, sig []byte) bool {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sig)))
	return err == nil && len(raw) == ed25519.SignatureSize && ed25519.Verify(pub, msg, raw)
}

// readEntry reads a whole entry of at most max bytes.
func readEntry(f *zip.File, max int64) ([]byte, error) {
	if f == nil {
		return nil, errors.New("missing")
	}
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}

// hashEntry hashes an entry, reading one byte past size at most: an
// entry that inflates beyond its signed size is changed, and is not read
// further.
func hashEntry(f *zip.File, size int64) (string, int64, error) {
	r, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(r, size+1))
	if err != nil && !errors.Is(err, zip.ErrChecksum) {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// maxDirectory bounds the central directory's size: an entry's record is
// 46 bytes and its name, and a bundle's names are short.
const maxDirectory = 16 << 20

// entryCount counts the entries of a zip's central directory as Go's zip
// reader will read them (record after record until one is not a
// directory record, whatever the count declared), stopping past
// maxEntries, so that a directory of millions is refused before the
// reader keeps them all. The directory must sit where the end record
// says, right before it, with nothing prepended to the archive.
func entryCount(r io.ReaderAt, size int64) (uint64, error) {
	const eocdLen, maxComment = 22, 65535
	tail := min(size, eocdLen+maxComment)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, err
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, errors.New("no end of central directory record")
	}
	end := size - tail + int64(i)
	dirSize := int64(binary.LittleEndian.Uint32(buf[i+12:]))
	dirOff := int64(binary.LittleEndian.Uint32(buf[i+16:]))
	if i >= 20 && bytes.Equal(buf[i-20:i-16], []byte("PK\x06\x07")) {
		// zip64: the locator points at the zip64 record.
		off := int64(binary.LittleEndian.Uint64(buf[i-20+8:]))
		rec := make([]byte, 56)
		if off < 0 || off > size-56 {
			return 0, errors.New("zip64 record out of the file")
		}
		if _, err := r.ReadAt(rec, off); err != nil {
			return 0, err
		}
		if !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
			return 0, errors.New("no zip64 end of central directory record")
		}
		dirSize, dirOff, end = int64(binary.LittleEndian.Uint64(rec[40:])), int64(binary.LittleEndian.Uint64(rec[48:])), off
	}
	if dirSize > maxDirectory {
		return 0, fmt.Errorf("a central directory of %d bytes, more than a bundle's %d", dirSize, maxDirectory)
	}
	if dirSize < 0 || dirOff < 0 || dirOff+dirSize != end {
		return 0, fmt.Errorf("the central directory (%d bytes at %d) is not where a bundle's is", dirSize, dirOff)
	}
	var n uint64
	hdr := make([]byte, 46)
	for off := dirOff; n <= maxEntries; n++ {
		if _, err := r.ReadAt(hdr, off); err != nil || !bytes.Equal(hdr[:4], []byte("PK\x01\x02")) {
			return n, nil
		}
		off += 46 + int64(binary.LittleEndian.Uint16(hdr[28:])) + int64(binary.LittleEndian.Uint16(hdr[30:])) + int64(binary.LittleEndian.Uint16(hdr[32:]))
	}
	return n, nil
}

func hexSHA(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
