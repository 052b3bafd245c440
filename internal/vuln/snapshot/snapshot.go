// Package snapshot is the vulnerability database compiled into mdcheck: a
// small snapshot of real public advisories (CISA's ICSMA advisories for
// medical devices, CISA's KEV catalog, and OSV and CVE records of the
// libraries embedded devices carry), so that scan and check work on first
// run with no network. SOURCES.md says what it holds, from which
// snapshot of its sources, under which licence.
//
// SQLite needs a file: Path unpacks the snapshot once into the user's
// cache folder, under a name derived from its hash, and reuses it after.
package snapshot

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	_ "embed"

	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

//go:embed vuln.db.gz
var packed []byte

// Name is how reports and status name the snapshot.
const Name = "built-in snapshot"

// maxUnpacked bounds the unpacked database.
const maxUnpacked = 256 << 20

// Open opens the snapshot, unpacking it first when needed.
func Open() (*store.DB, error) {
	p, err := Path()
	if err != nil {
		return nil, err
	}
	return store.Open(p)
}

// Path returns the file of the unpacked snapshot, unpacking it into the
// user's cache folder (the system's temporary folder when there is none)
// on first use. The file is written beside its final name and renamed
// into place, so a run that is interrupted, or two that race, never
// leave half a database; snapshots of other builds are removed.
func Path() (string, error) {
	sum := sha256.Sum256(packed)
	name := "snapshot-" + hex.EncodeToString(sum[:8]) + ".db"
	var errs []error
	for _, dir := range folders() {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		if err := unpack(dir, p); err != nil {
			errs = append(errs, err)
			continue
		}
		if old, _ := filepath.Glob(filepath.Join(dir, "snapshot-*.db")); len(old) > 0 {
			for _, o := range old {
				if o != p {
					os.Remove(o)
				}
			}
		}
		return p, nil
	}
	return "", fmt.Errorf("unpacking the built-in vulnerability snapshot: %w", errors.Join(errs...))
}

func folders() []string {
	var out []string
	if dir, err := os.UserCacheDir(); err == nil {
		out = append(out, filepath.Join(dir, "mdcheck"))
	}
	// The user ID keeps users apart in a shared temporary folder.
	return append(out, filepath.Join(os.TempDir(), "mdcheck-"+strconv.Itoa(os.Getuid())))
}

func unpack(dir, path string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".snapshot-*.tmp")
	if err != nil {
		return err
	}
	n, err := io.Copy(tmp, io.LimitReader(zr, maxUnpacked+1))
	if err == nil && n > maxUnpacked {
		err = fmt.Errorf("larger than %d bytes", maxUnpacked)
	}
	if err == nil {
		err = zr.Close()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
