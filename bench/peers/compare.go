package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// finding is one (package, version, vulnerability) with every ID the tool
// gave for the vulnerability.
type finding struct {
	pkg, version string
	ids          []string
}

// key is the package and version; a leading "v" (Go module versions, as
// OSV-Scanner and Grype print them) does not count.
func (f finding) key() string {
	v := f.version
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		v = v[1:]
	}
	return f.pkg + "@" + v
}

var pySep = regexp.MustCompile(`[-_.]+`)

// normName lets the tools' spellings of one package meet: Maven's
// group:artifact and the bare artifact, a Go module path and its last
// element, PyPI's separators, case. The IDs keep unrelated packages apart.
func normName(s string) string {
	s = strings.ToLower(s)
	// Maven group:artifact, Go module paths and npm scopes: the tools
	// differ on the prefix, so compare the last part.
	if i := strings.LastIndexAny(s, ":/"); i >= 0 && i < len(s)-1 {
		s = s[i+1:]
	}
	return pySep.ReplaceAllString(s, "-")
}

func readMdcheck(path string) ([]finding, error) {
	var doc struct {
		Results []struct {
			Matches []struct {
				Package, Version, ID string
				Aliases              []string
			} `json:"matches"`
		} `json:"results"`
	}
	if err := readJSON(path, &doc); err != nil {
		return nil, err
	}
	var out []finding
	for _, r := range doc.Results {
		for _, m := range r.Matches {
			out = append(out, finding{normName(m.Package), m.Version, append([]string{m.ID}, m.Aliases...)})
		}
	}
	return out, nil
}

func readOSV(path string) ([]finding, error) {
	var doc struct {
		Results []struct {
			Packages []struct {
				Package struct {
					Name, Version string
				} `json:"package"`
				Vulnerabilities []struct {
					ID      string   `json:"id"`
					Aliases []string `json:"aliases"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := readJSON(path, &doc); err != nil {
		return nil, err
	}
	var out []finding
	for _, r := range doc.Results {
		for _, p := range r.Packages {
			for _, v := range p.Vulnerabilities {
				out = append(out, finding{normName(p.Package.Name), p.Package.Version, append([]string{v.ID}, v.Aliases...)})
			}
		}
	}
	return out, nil
}

func readGrype(path string) ([]finding, error) {
	var doc struct {
		Matches []struct {
			Vulnerability struct {
				ID string `json:"id"`
			} `json:"vulnerability"`
			Related []struct {
				ID string `json:"id"`
			} `json:"relatedVulnerabilities"`
			Artifact struct {
				Name, Version string
			} `json:"artifact"`
		} `json:"matches"`
	}
	if err := readJSON(path, &doc); err != nil {
		return nil, err
	}
	var out []finding
	for _, m := range doc.Matches {
		ids := []string{m.Vulnerability.ID}
		for _, r := range m.Related {
			ids = append(ids, r.ID)
		}
		out = append(out, finding{normName(m.Artifact.Name), m.Artifact.Version, ids})
	}
	return out, nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}

// covered says whether some finding in set is the same package version and
// shares an ID with f.
func covered(f finding, set []finding) bool {
	for _, g := range set {
		if g.key() != f.key() {
			continue
		}
		for _, a := range f.ids {
			for _, b := range g.ids {
				if a == b {
					return true
				}
			}
		}
	}
	return false
}

// compare prints, per SBOM, the three tools' counts, what a peer found
// that mdcheck did not (must be nothing), and what only mdcheck found.
func compare(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.mdcheck.json"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	fmt.Println("| SBOM | mdcheck | OSV-Scanner | Grype | peers' union | union missed by mdcheck | mdcheck only |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
	var details []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".mdcheck.json")
		ours, err := readMdcheck(f)
		if err != nil {
			return err
		}
		osv, osvErr := readOSV(filepath.Join(dir, name+".osv.json"))
		gr, grErr := readGrype(filepath.Join(dir, name+".grype.json"))
		ours, osv, gr = distinct(ours), distinct(osv), distinct(gr)
		var union []finding
		for _, g := range append(append([]finding{}, osv...), gr...) {
			if !covered(g, union) {
				union = append(union, g)
			}
		}
		var missed, only []finding
		for _, g := range union {
			if !covered(g, ours) {
				missed = append(missed, g)
			}
		}
		for _, o := range ours {
			if !covered(o, union) {
				only = append(only, o)
			}
		}
		cell := func(fs []finding, err error) string {
			if err != nil {
				return "n/a"
			}
			return fmt.Sprint(len(fs))
		}
		fmt.Printf("| %s | %d | %s | %s | %d | %d | %d |\n", name, len(ours), cell(osv, osvErr), cell(gr, grErr), len(union), len(missed), len(only))
		for _, m := range missed {
			details = append(details, fmt.Sprintf("%s: missed %s %s %v", name, m.pkg, m.version, m.ids))
		}
		for _, o := range only {
			details = append(details, fmt.Sprintf("%s: only mdcheck %s %s %v", name, o.pkg, o.version, o.ids))
		}
	}
	fmt.Println()
	for _, d := range details {
		fmt.Println(d)
	}
	return nil
}

// distinct drops repeats: one package version listed twice in an SBOM, or
// one vulnerability reported under two IDs that alias each other.
func distinct(fs []finding) []finding {
	var out []finding
	for _, f := range fs {
		if !covered(f, out) {
			out = append(out, f)
		}
	}
	return out
}
