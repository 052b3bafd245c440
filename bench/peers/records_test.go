package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadRecordsFollowsLinks: the OSV folder given as a symbolic link,
// and a linked folder inside it, are read, each record once.
func TestReadRecordsFollowsLinks(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "data", "osv")
	more := filepath.Join(base, "data", "more")
	for _, d := range []string{real, more} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(dir, id string) {
		data := []byte(`{"id": "` + id + `", "modified": "2024-01-01T00:00:00Z", "affected": []}`)
		if err := os.WriteFile(filepath.Join(dir, id+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec(real, "GHSA-aaaa-aaaa-aaaa")
	rec(more, "GHSA-bbbb-bbbb-bbbb")
	for link, target := range map[string]string{
		filepath.Join(base, "osv"):  real,
		filepath.Join(real, "more"): more,
		filepath.Join(real, "loop"): real,
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	recs, err := readRecords([]string{filepath.Join(base, "osv")})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Errorf("%d records, want 2", len(recs))
	}
}
