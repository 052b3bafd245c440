package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	grypedb "github.com/anchore/grype/grype/db"
	"github.com/anchore/grype/grype/db/provider"
)

const githubSchema = "https://raw.githubusercontent.com/anchore/vunnel/main/schema/vulnerability/github-security-advisory/schema-1.0.1.json"

// grypeEcosystems maps OSV ecosystems to the GitHub-advisory ecosystem
// names Grype's builder reads.
var grypeEcosystems = map[string]string{
	"npm": "npm", "PyPI": "python", "Go": "go", "Maven": "maven", "NuGet": "nuget",
	"RubyGems": "rubygems", "crates.io": "rust", "Packagist": "composer", "Pub": "dart", "Hex": "hex",
}

type fixedIn struct {
	Ecosystem  string `json:"ecosystem"`
	Identifier string `json:"identifier"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace"`
	Range      string `json:"range"`
}

// grypeDB converts the OSV records into Grype's GitHub-advisory provider
// workspace and builds a schema-6 database from it. Every SEMVER and
// ECOSYSTEM range becomes one FixedIn entry with a GitHub range string;
// an explicit versions list becomes "= v" entries. GIT-only records (most
// of OSS-Fuzz) have nothing Grype can use and are left out.
func grypeDB(out string, srcs []string) error {
	recs, err := readRecords(srcs)
	if err != nil {
		return err
	}
	ws := filepath.Join(out, "workspace")
	w := provider.NewWorkspaceWriter(ws, "github")
	var files []provider.File
	for _, r := range recs {
		if r.Withdrawn != "" {
			continue
		}
		var fixes []fixedIn
		var namespace string
		for _, a := range r.Affected {
			eco, _, _ := strings.Cut(a.Package.Ecosystem, ":")
			g, ok := grypeEcosystems[eco]
			if !ok {
				continue
			}
			namespace = "github:" + g
			n := len(fixes)
			for _, rg := range a.Ranges {
				if rg.Type != "SEMVER" && rg.Type != "ECOSYSTEM" {
					continue
				}
				lower := ""
				for _, ev := range rg.Events {
					switch {
					case ev["introduced"] != "":
						lower = ev["introduced"]
						if lower == "0" {
							lower = ""
						}
					case ev["fixed"] != "":
						fixes = append(fixes, fixedIn{g, ev["fixed"], a.Package.Name, namespace, bounds(lower, "< "+ev["fixed"])})
						lower = "-"
					case ev["last_affected"] != "":
						fixes = append(fixes, fixedIn{g, "", a.Package.Name, namespace, bounds(lower, "<= "+ev["last_affected"])})
						lower = "-"
					case ev["limit"] != "":
						fixes = append(fixes, fixedIn{g, "", a.Package.Name, namespace, bounds(lower, "< "+ev["limit"])})
						lower = "-"
					}
				}
				if lower != "-" {
					// open range: introduced and never fixed
					fixes = append(fixes, fixedIn{g, "", a.Package.Name, namespace, bounds(lower, "")})
				}
			}
			if len(fixes) == n {
				for _, v := range a.Versions {
					fixes = append(fixes, fixedIn{g, "", a.Package.Name, namespace, "= " + v})
				}
			}
		}
		if len(fixes) == 0 {
			continue
		}
		var cves []string
		for _, al := range r.Aliases {
			if strings.HasPrefix(al, "CVE-") {
				cves = append(cves, al)
			}
		}
		env := map[string]any{
			"schema":     githubSchema,
			"identifier": r.ID,
			"item": map[string]any{
				"Advisory": map[string]any{
					"ghsaId": r.ID, "namespace": namespace, "Severity": severity(r.DatabaseSpecific.Severity),
					"Summary": r.Summary, "CVE": cves, "FixedIn": fixes, "Classification": "GENERAL",
					"published": r.Published, "updated": r.Modified,
					"url": "https://osv.dev/vulnerability/" + r.ID,
				},
				"Vulnerability": map[string]any{},
			},
		}
		data, err := json.Marshal(env)
		if err != nil {
			return err
		}
		f, err := w.WriteResult(r.ID+".json", data)
		if err != nil {
			return err
		}
		files = append(files, *f)
	}
	if err := w.WriteListing(files); err != nil {
		return err
	}
	listing, err := provider.NewFile(w.ListingPath())
	if err != nil {
		return err
	}
	listing.Path = "results/listing.xxh64"
	now := time.Now().UTC()
	if err := w.WriteState(provider.State{Provider: "github", Version: 1, Store: "flat-file",
		Schema: provider.Schema{Version: "1.0.1", URL: githubSchema}, Timestamp: now, Listing: listing}); err != nil {
		return err
	}
	st, err := provider.ReadState(filepath.Join(w.Path(), "metadata.json"))
	if err != nil {
		return err
	}
	if err := grypedb.Build(grypedb.BuildConfig{SchemaVersion: 6, Directory: out, States: provider.States{*st}, Timestamp: now, Hydrate: true}); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "grype database: %d advisories in %s\n", len(files), out)
	return nil
}

func bounds(lower, upper string) string {
	var parts []string
	if lower != "" && lower != "-" {
		parts = append(parts, ">= "+lower)
	}
	if upper != "" {
		parts = append(parts, upper)
	}
	if len(parts) == 0 {
		return ">= 0"
	}
	return strings.Join(parts, ", ")
}

func severity(s string) string {
	switch strings.ToUpper(s) {
	case "CRITICAL":
		return "Critical"
	case "HIGH":
		return "High"
	case "MODERATE", "MEDIUM":
		return "Medium"
	case "LOW":
		return "Low"
	}
	return "Unknown"
}
