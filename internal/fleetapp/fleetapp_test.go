package fleetapp

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestRelativePath(t *testing.T) {
	for p, ok := range map[string]bool{
		"sbom/pump.spdx": true, "device.cdx.json": true, "docs/v1.2/ifu_en-GB.pdf": true,
		"": false, "/etc/passwd": false, "../x": false, "a/../../x": false, "a/./b": false, "a//b": false,
		"a/": false, ".": false, "..": false, "a b": false, "a\\b": false, "ä": false, strings.Repeat("a", 241): false,
	} {
		if err := relativePath(p); (err == nil) != ok {
			t.Errorf("%q: %v, want ok %v", p, err, ok)
		}
	}
}

// FuzzRelativePath: a path it accepts stays inside the folder it is
// joined to, as written.
func FuzzRelativePath(f *testing.F) {
	for _, s := range []string{"sbom/pump.spdx", "../x", "a/../../b", "a//b", "/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if relativePath(p) != nil {
			return
		}
		dir := "/base/dev"
		j := filepath.Join(dir, p)
		if !strings.HasPrefix(j, dir+"/") || j != dir+"/"+p {
			t.Errorf("%q accepted but joins to %q", p, j)
		}
	})
}
