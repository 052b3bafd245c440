package snapshot

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/shareddata"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// isolate points the user cache at a fresh folder.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	return dir
}

func TestOpen(t *testing.T) {
	cache := isolate(t)
	db, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Status()
	if err != nil {
		t.Fatal(err)
	}
	// What SOURCES.md states is what is compiled in.
	doc, err := os.ReadFile("SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("Content hash \\| `(sha256:[0-9a-f]{64})`").FindSubmatch(doc)
	if m == nil || string(m[1]) != st.Hash {
		t.Errorf("SOURCES.md states %q, the embedded snapshot is %s; rebuild it with go run ./internal/vuln/snapshot/gen", m, st.Hash)
	}
	if st.KEV < 1000 || st.Ecosystems["OSS-Fuzz"] == 0 || st.Ecosystems["CPE"] == 0 || st.Ecosystems["npm"] == 0 {
		t.Errorf("status = %+v, want KEV, OSS-Fuzz, CPE and npm records", st)
	}
	// The shipped examples' known flaws are found, and Log4Shell is known
	// exploited.
	ms, _, err := db.Scan(context.Background(), []vuln.Package{
		{Ref: "a", Name: "minimist", Version: "0.0.8", PURL: "pkg:npm/minimist@0.0.8"},
		{Ref: "b", Name: "log4j-core", Version: "2.14.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		{Ref: "c", Name: "curl", Version: "7.74.0"}, // by name and CVE version range
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	kev := false
	for _, m := range ms {
		ids = append(ids, m.ID)
		if m.ID == "GHSA-jfh8-c2jp-5v3q" && m.KEV != nil {
			kev = true
		}
	}
	for _, want := range []string{"GHSA-xvch-5gv4-984h", "GHSA-jfh8-c2jp-5v3q", "CVE-2023-38545"} {
		if !slices.Contains(ids, want) {
			t.Errorf("matches %v lack %s", ids, want)
		}
	}
	if !kev {
		t.Error("Log4Shell is not marked known exploited")
	}
	// Unpacked once into the cache, and reused.
	p, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p) != filepath.Join(cache, "mdcheck") {
		t.Errorf("unpacked to %s, want the user cache %s", p, cache)
	}
	before, _ := os.Stat(p)
	p2, _ := Path()
	after, _ := os.Stat(p2)
	if p2 != p || !after.ModTime().Equal(before.ModTime()) {
		t.Error("the snapshot was unpacked again")
	}
}

func TestPathReplacesOldSnapshots(t *testing.T) {
	cache := isolate(t)
	old := filepath.Join(cache, "mdcheck", "snapshot-0000000000000000.db")
	if err := os.MkdirAll(filepath.Dir(old), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Path(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the previous build's snapshot is still there: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(cache, "mdcheck", ".snapshot-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestPathFallsBackToTemp(t *testing.T) {
	dir := t.TempDir()
	// A cache "folder" that is a file cannot hold the snapshot.
	blocked := filepath.Join(dir, "cache")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", blocked)
	t.Setenv("TMPDIR", filepath.Join(dir, "tmp"))
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	p, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	if rel, err := filepath.Rel(filepath.Join(dir, "tmp"), p); err != nil || rel[0] == '.' {
		t.Errorf("unpacked to %s, want under the temporary folder", p)
	}
}

// TestRebuild builds the snapshot again from the shared data collection
// and requires the same content: the snapshot is what its generator
// makes of its sources. It needs the collection beside the repository.
func TestRebuild(t *testing.T) {
	data := shareddata.Dir(t, "")
	isolate(t)
	out := t.TempDir()
	st, err := Build(context.Background(), data, out, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	emb, _ := db.Status()
	if st.Hash != emb.Hash || st.Records != emb.Records {
		t.Errorf("rebuilt %s (%d records), embedded %s (%d): regenerate with go run ./internal/vuln/snapshot/gen", st.Hash, st.Records, emb.Hash, emb.Records)
	}
	want, _ := os.ReadFile("SOURCES.md")
	got, _ := os.ReadFile(filepath.Join(out, "SOURCES.md"))
	if string(got) != string(want) {
		t.Error("SOURCES.md differs from what the generator writes")
	}
}
