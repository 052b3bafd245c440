// Package golden compares test output with reviewed files under
// testdata/golden and rewrites them when a test runs with -update.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// dir is the package's golden folder, fixed before any test changes the
// working directory.
var dir = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic("golden: " + err.Error())
	}
	return filepath.Join(wd, "testdata", "golden")
}()

// Check compares got with testdata/golden/<name>. With -update it writes
// got instead; review the diff like code.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run the test with -update to create it): %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (-want +got):\n%s\nrun with -update if the change is intended", name, cmp.Diff(string(want), string(got)))
	}
}
