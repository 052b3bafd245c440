package sbom

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

var cacheFiles = []string{"cern-lhc-vdm-editor.cdx.json", "freertos-corepkcs11.spdx", "julia.spdx.json", "small.cdx.xml"}

// TestCacheReadsAsReadFile: a document read through the cache, parsed or
// kept, is the one ReadFile reads, named as the file it came from; the
// file's SHA-256 and size come with it.
func TestCacheReadsAsReadFile(t *testing.T) {
	c := NewCache(64 << 20)
	dir := t.TempDir()
	for _, name := range cacheFiles {
		src := filepath.Join("testdata", name)
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		copyOf := filepath.Join(dir, "copy-"+name)
		if err := os.WriteFile(copyOf, data, 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		for i, file := range []string{src, copyOf, src} {
			want, err := ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := c.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Doc, want) {
				t.Errorf("%s (read %d): the cache's document differs from ReadFile's", file, i)
			}
			if r.SHA256 != hex.EncodeToString(sum[:]) || r.Size != int64(len(data)) {
				t.Errorf("%s: SHA-256 %s size %d", file, r.SHA256, r.Size)
			}
		}
		if doc := c.Lookup(hex.EncodeToString(sum[:]), "elsewhere"); doc == nil || doc.File != "elsewhere" || len(doc.Components) == 0 {
			t.Errorf("%s: Lookup gave %+v", name, doc)
		}
	}
	if n, _ := c.Len(); n != len(cacheFiles) {
		t.Errorf("the cache holds %d documents, want one per distinct file (%d)", n, len(cacheFiles))
	}
}

// TestCacheCopies: what one caller changes in its components, the next
// does not see.
func TestCacheCopies(t *testing.T) {
	c := NewCache(64 << 20)
	file := filepath.Join("testdata", "julia.spdx.json")
	a, err := c.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	name := a.Doc.Components[0].Name
	a.Doc.Components[0].Name = "changed"
	a.Doc.Components[0].SupportLevel = "changed"
	b, err := c.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if b.Doc.Components[0].Name != name || b.Doc.Components[0].SupportLevel != "" {
		t.Errorf("a change by one reader reached the next: %+v", b.Doc.Components[0])
	}
	data, _ := os.ReadFile(file)
	d, err := c.Parse(b.SHA256, "x", data)
	if err != nil || d.Components[0].Name != name || d.File != "x" {
		t.Errorf("Parse of kept bytes: %+v, %v", d, err)
	}
}

// TestCacheBound: the cache keeps what it holds within its bound, the
// least recently used going first, and never keeps a document heavier
// than a quarter of it.
func TestCacheBound(t *testing.T) {
	// Distinct files: each test file three times, with trailing blanks.
	dir := t.TempDir()
	var files []string
	var total, heaviest int64
	for _, name := range cacheFiles {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for k := range 3 {
			f := filepath.Join(dir, fmt.Sprint(k, name))
			if err := os.WriteFile(f, append(data, bytes.Repeat([]byte("\n"), k)...), 0o600); err != nil {
				t.Fatal(err)
			}
			d, err := ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			total += weigh(d)
			heaviest = max(heaviest, weigh(d))
		}
	}
	bound := 4 * heaviest
	if total <= bound {
		t.Fatalf("the files weigh %d together, no more than the bound %d", total, bound)
	}
	c := NewCache(bound)
	for round := range 2 {
		for _, f := range files {
			if _, err := c.ReadFile(f); err != nil {
				t.Fatal(err)
			}
			if n, w := c.Len(); w > c.max || n == 0 {
				t.Fatalf("round %d, %s: %d documents weighing %d, bound %d", round, f, n, w, c.max)
			}
		}
	}
	if n, _ := c.Len(); n >= len(files) {
		t.Errorf("the cache kept all %d documents under a bound of %d", n, c.max)
	}
	// The one read last is kept, the one read least recently is gone.
	if !held(t, c, files[len(files)-1]) {
		t.Errorf("%s, read last, is not kept", files[len(files)-1])
	}
	if held(t, c, files[0]) {
		t.Errorf("%s, read least recently, is kept", files[0])
	}
	first, err := ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	w := weigh(first)
	for _, k := range []struct {
		bound int64
		kept  bool
	}{{4*w - 4, false}, {4 * w, true}} {
		small := NewCache(k.bound)
		if _, err := small.ReadFile(files[0]); err != nil {
			t.Fatal(err)
		}
		if held(t, small, files[0]) != k.kept {
			t.Errorf("a document of %d in a cache bound to %d: kept %v, want %v", w, k.bound, !k.kept, k.kept)
		}
	}
}

func held(t *testing.T, c *Cache, file string) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return c.Lookup(hex.EncodeToString(sum[:]), file) != nil
}

// TestCacheErrors: what the cache cannot read it reports as ReadFile
// does, keeps nothing of, and still gives the hash of a file it read.
func TestCacheErrors(t *testing.T) {
	for _, c := range []*Cache{NewCache(1 << 20), nil} {
		if _, err := c.ReadFile(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a missing file: %v", err)
		}
		bad := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(bad, []byte(`{"not": "an SBOM"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := c.ReadFile(bad)
		if !errors.Is(err, ErrInvalid) || r.Doc != nil || r.SHA256 == "" || r.Size != 18 {
			t.Errorf("not an SBOM: %+v, %v", r, err)
		}
		if n, _ := c.Len(); n != 0 {
			t.Errorf("kept %d documents of files that are no SBOMs", n)
		}
		r, err = c.ReadFile(filepath.Join("testdata", "small.cdx.xml"))
		if err != nil || r.Doc == nil {
			t.Errorf("an SBOM read through a %v cache: %+v, %v", c, r, err)
		}
	}
}

// TestCacheConcurrent: readers of the same and of different files at
// once (run it with -race).
func TestCacheConcurrent(t *testing.T) {
	c := NewCache(64 << 20)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			r, err := c.ReadFile(filepath.Join("testdata", cacheFiles[i%len(cacheFiles)]))
			if err != nil {
				t.Error(err)
				return
			}
			for j := range r.Doc.Components {
				r.Doc.Components[j].SupportLevel = "x"
			}
		})
	}
	wg.Wait()
	if n, _ := c.Len(); n != len(cacheFiles) {
		t.Errorf("%d documents kept, want %d", n, len(cacheFiles))
	}
}
