package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
)

// osvLayout writes the records as OSV-Scanner's offline database expects
// them: one all.zip per ecosystem under osv-scalibr/.
func osvLayout(out string, srcs []string) error {
	recs, err := readRecords(srcs)
	if err != nil {
		return err
	}
	byEco := map[string][]*record{}
	for _, r := range recs {
		seen := map[string]bool{}
		for _, a := range r.Affected {
			eco, _, _ := strings.Cut(a.Package.Ecosystem, ":")
			if eco != "" && !seen[eco] {
				seen[eco] = true
				byEco[eco] = append(byEco[eco], r)
			}
		}
	}
	// OSV-Scanner stops with exit 127 when an SBOM names an ecosystem it
	// has no database for; mdcheck goes on and lists such components in
	// its ledger. Empty archives for the common ecosystems let it finish.
	for _, eco := range []string{"Alpine", "Debian", "Ubuntu", "Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE",
		"crates.io", "Hex", "Pub", "GitHub Actions", "Hackage", "CRAN", "ConanCenter", "SwiftURL", "Bitnami", "Linux"} {
		if _, ok := byEco[eco]; !ok {
			byEco[eco] = nil
		}
	}
	for eco, rs := range byEco {
		dir := filepath.Join(out, "osv-scalibr", eco)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(dir, "all.zip"))
		if err != nil {
			return err
		}
		zw := zip.NewWriter(f)
		for _, r := range rs {
			w, err := zw.Create(r.ID + ".json")
			if err != nil {
				return err
			}
			if _, err := w.Write(r.raw); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
