// Package seed adds files as seeds of a fuzz target (tests only).
package seed

import (
	"os"
	"testing"
)

// Files adds each file's content to f's corpus; a file that cannot be
// read fails the target.
func Files(f *testing.F, files ...string) {
	f.Helper()
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}
