// Package shareddata finds the project's collection of real public data
// (the shared/data folder beside the repository) for tests and
// benchmarks.
// A test that needs it is skipped, saying so, where it is absent; under
// CI=true its absence fails the test instead, so that CI never passes on
// tests that did not run.
package shareddata

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Dir is the collection's sub-folder sub ("csaf", "sbom", "" for the
// whole), found from MDCHECK_SHARED_DATA or a shared/data folder beside
// the repository (or above it). A test where it is absent is skipped,
// or failed under CI=true.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	d, ok := Find(sub)
	if !ok {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("the shared data collection (%s) is not at %s; CI needs it (or set MDCHECK_SHARED_DATA)", sub, d)
		}
		tb.Skipf("the shared data collection (%s) is not at %s (set MDCHECK_SHARED_DATA); skipped", sub, d)
	}
	return d
}

// Find is Dir without a test: the folder, and whether it is there.
func Find(sub string) (string, bool) {
	if d := os.Getenv("MDCHECK_SHARED_DATA"); d != "" {
		p := filepath.Join(d, sub)
		return p, isDir(p)
	}
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("shared", "data", sub), false
	}
	for {
		if p := filepath.Join(dir, "shared", "data", sub); isDir(p) {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join("..", "shared", "data", sub), false
		}
		dir = parent
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// OSVDay is "a day of advisories" for the benchmarks: up to n OSV
// records from dir's ghsa-curated, go-vulndb, pypa and oss-fuzz folders,
// each folder's in name order.
func OSVDay(dir string, n int) ([][]byte, error) {
	var out [][]byte
	for _, sub := range []string{"ghsa-curated", "go-vulndb", "pypa", "oss-fuzz"} {
		names, err := filepath.Glob(filepath.Join(dir, sub, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		for _, name := range names {
			if len(out) == n {
				return out, nil
			}
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
	}
	return out, nil
}
