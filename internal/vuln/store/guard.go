package store

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrShrink is an import that would replace the database with one that
// holds nothing, lacks a source the current one has, or most of a
// source's records; ImportOptions.AllowShrink lets it through.
var ErrShrink = errors.New("the new database would hold less than the current one")

// ErrEmpty is an import that found no vulnerability data at all.
var ErrEmpty = errors.New("no vulnerability data found")

// ErrBusy is an import into a database another import is building.
var ErrBusy = errors.New("another import into this database is running")

// content is what a database holds: its records, and per source each
// OSV ecosystem, the CPE applicability, KEV, EPSS and the CSAF advisories
// kept for device-level matching.
type content struct {
	records int
	sources map[string]int
}

// empty reports whether the database would hold nothing at all.
func (c content) empty() bool {
	n := c.records
	for _, v := range c.sources {
		n += v
	}
	return n == 0
}

// sourceNames says a source in words.
func sourceName(k string) string {
	switch k {
	case cpeSource:
		return "CPE applicability (CVE and NVD records)"
	case "KEV", "EPSS":
		return k + " entries"
	case "advisories":
		return "CSAF advisories for device matching"
	}
	return "OSV records of " + k
}

// contentOf reads what the database at path holds; ok is false when
// there is no readable database there (nothing to lose).
func contentOf(path string) (content, bool) {
	db, err := Open(path)
	if err != nil {
		return content{}, false
	}
	defer db.Close()
	st, err := db.Status()
	if err != nil {
		return content{}, false
	}
	c := content{records: st.Records, sources: map[string]int{"KEV": st.KEV, "EPSS": st.EPSS}}
	for k, v := range st.Ecosystems {
		c.sources[k] = v
	}
	var adv int
	if err := db.sql.QueryRow(`SELECT COUNT(*) FROM advisories`).Scan(&adv); err == nil {
		c.sources["advisories"] = adv
	}
	return c, true
}

// shrinks compares the new content with the current database's: every
// source the current one has that the new one lacks, or holds less than
// half of.
func shrinks(old, new content) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(old.sources)) {
		was, now := old.sources[k], new.sources[k]
		if was > 0 && (now == 0 || 2*now < was) {
			out = append(out, fmt.Sprintf("%s: %d now, %d in the new one", sourceName(k), was, now))
		}
	}
	return out
}

// guard refuses a new database that holds nothing, or less than the
// current one at path, unless allowed.
func guard(path string, new content, inputs []string, allow bool) error {
	if allow {
		return nil
	}
	if new.empty() {
		return fmt.Errorf("%w in %s; give --allow-shrink to build an empty database anyway", ErrEmpty, strings.Join(inputs, ", "))
	}
	old, ok := contentOf(path)
	if !ok {
		return nil
	}
	if lost := shrinks(old, new); len(lost) > 0 {
		return fmt.Errorf("%w: %s; give --allow-shrink to replace it anyway", ErrShrink, strings.Join(lost, "; "))
	}
	return nil
}

// tempPattern is the name of the new database an import writes beside
// path before renaming it into place.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".*.tmp" }

// removeStale removes what imports that were killed left beside path:
// with the lock held, no other import is writing one.
func removeStale(path string) {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), tempPattern(path)))
	for _, f := range stale {
		os.Remove(f)
		os.Remove(f + "-journal")
	}
}

// notData says what a file found in a feed's folder or archive is when
// it is no vulnerability data: the companions real downloads carry
// (schemas, indexes, checksums, signatures, change logs, provider
// metadata). "" means it is to be read.
func notData(name string, data []byte) string {
	base := strings.ToLower(filepath.Base(name))
	head := data[:min(len(data), 4096)]
	switch {
	case strings.HasSuffix(base, ".csv") && !bytes.HasPrefix(data, []byte("#model_version")) && !bytes.HasPrefix(data, []byte("cve,epss")):
		return "a CSV file that is not EPSS scores"
	case bytes.Contains(head, []byte(`"$schema"`)) && bytes.Contains(head, []byte("json-schema.org")):
		return "a JSON Schema"
	case bytes.Contains(head, []byte(`"canonical_url"`)) && bytes.Contains(head, []byte(`"metadata_version"`)):
		return "CSAF provider metadata"
	case bytes.Contains(head, []byte(`"feed"`)) && bytes.Contains(head, []byte(`"entry"`)):
		return "a ROLIE feed"
	case len(bytes.TrimSpace(data)) == 0:
		return "an empty file"
	}
	return ""
}

// fileKind says what a file in a feed's folder is by its name, for the
// files an import does not read.
func fileKind(ext string) string {
	switch ext {
	case ".txt", ".md", ".html":
		return "a text file"
	case ".sha256", ".sha512", ".md5", ".sha1":
		return "a checksum"
	case ".asc", ".sig", ".gpg":
		return "a signature"
	case "":
		return "a file without an extension"
	}
	return "a file of another kind (" + ext + ")"
}
