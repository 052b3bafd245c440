package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// record is the part of an OSV record the converters read.
type record struct {
	ID        string   `json:"id"`
	Modified  string   `json:"modified"`
	Published string   `json:"published"`
	Withdrawn string   `json:"withdrawn"`
	Aliases   []string `json:"aliases"`
	Summary   string   `json:"summary"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string              `json:"type"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
	DatabaseSpecific struct {
		Severity string `json:"severity"`
	} `json:"database_specific"`
	raw []byte
}

// readRecords reads every *.json OSV record under the sources, following
// symbolic links to folders and files (a source given as a link to a
// shared folder included), each real folder once.
func readRecords(srcs []string) ([]*record, error) {
	var out []*record
	seen := map[string]bool{}
	var walk func(src string) error
	walk = func(src string) error {
		real, err := filepath.EvalSymlinks(src)
		if err != nil {
			return err
		}
		if seen[real] {
			return nil
		}
		seen[real] = true
		return filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if st, err := os.Stat(p); err == nil && st.IsDir() {
					return walk(p)
				}
			}
			if !strings.HasSuffix(p, ".json") {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var r record
			if err := json.Unmarshal(data, &r); err != nil || r.ID == "" {
				return nil // not an OSV record (a README, a CVE record)
			}
			r.raw = data
			out = append(out, &r)
			return nil
		})
	}
	for _, src := range srcs {
		if err := walk(src); err != nil {
			return nil, err
		}
	}
	return out, nil
}
