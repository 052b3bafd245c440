package app

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// TestKeysCoverMatches: every package of the examples' SBOMs (and of the
// shared corpus of real SBOMs, where it is) that the
// built-in snapshot of real advisories matches has a lookup key
// (store.Keys) among the snapshot's record keys (DB.Keys): an index of
// packages by those keys misses no match, by package URL, CPE or name.
func TestKeysCoverMatches(t *testing.T) {
	a := New(Config{DB: filepath.Join(t.TempDir(), "none.db"), Snapshot: true})
	defer a.Close()
	d, release, err := a.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx := context.Background()
	keys, err := d.db.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../examples/*/sbom/*.*")
	// The shared corpus of real SBOMs, where it is.
	more, _ := filepath.Glob("../../../shared/data/sbom/*/*")
	files = append(files, more...)
	matched := 0
	for _, f := range files {
		doc, err := sbom.ReadFile(f)
		if err != nil {
			continue // PROVENANCE.md
		}
		pkgs := packages(doc)
		byRef := map[string]vuln.Package{}
		for _, p := range pkgs {
			byRef[p.Ref] = p
		}
		ms, _, err := d.db.Scan(ctx, pkgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			matched++
			found := false
			for _, k := range store.Keys(byRef[m.Ref]) {
				found = found || keys[k]
			}
			if !found {
				t.Errorf("%s: %s matches %s (%s) by none of its keys %q", filepath.Base(f), m.Ref, m.ID, m.Method, store.Keys(byRef[m.Ref]))
			}
		}
	}
	t.Logf("%d matches in %d files", matched, len(files))
	if matched < 20 {
		t.Errorf("only %d matches: the test sees too little", matched)
	}
}
