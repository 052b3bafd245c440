// Command large writes a synthetic workload for the scale benchmark
// (bench/large.sh): OSV records spread over four ecosystems, one all.zip
// per ecosystem as OSV publishes them, and a CycloneDX SBOM whose
// components partly carry the names those records affect. The records
// are shaped like real ones (introduced/fixed and last_affected ranges,
// several ranges, explicit version lists, aliases) so that matching does
// the work it does on real data.
//
//	go run ./bench/large -records 200000 -components 250000 -out /tmp/large
package main

import (
	"archive/zip"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

type event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
}

type osvRange struct {
	Type   string  `json:"type"`
	Events []event `json:"events"`
}

type affected struct {
	Package  map[string]string `json:"package"`
	Ranges   []osvRange        `json:"ranges,omitempty"`
	Versions []string          `json:"versions,omitempty"`
}

type record struct {
	SchemaVersion string     `json:"schema_version"`
	ID            string     `json:"id"`
	Modified      string     `json:"modified"`
	Published     string     `json:"published"`
	Aliases       []string   `json:"aliases,omitempty"`
	Summary       string     `json:"summary"`
	Affected      []affected `json:"affected"`
}

var ecosystems = []struct{ name, purl, prefix string }{
	{"npm", "npm", ""}, {"PyPI", "pypi", ""}, {"Go", "golang", "v"}, {"Maven", "maven", ""},
}

func version(r *rand.Rand, prefix string) string {
	return fmt.Sprintf("%s%d.%d.%d", prefix, r.IntN(6), r.IntN(20), r.IntN(30))
}

func pkgName(eco string, i int) string {
	switch eco {
	case "Go":
		return fmt.Sprintf("github.com/ex%d/m%d", i%997, i)
	case "Maven":
		return fmt.Sprintf("org.ex%d:a%d", i%997, i)
	}
	return fmt.Sprintf("pkg-%d", i)
}

func purlName(eco string, i int) string {
	if eco == "Maven" {
		return fmt.Sprintf("org.ex%d/a%d", i%997, i)
	}
	return pkgName(eco, i)
}

func main() {
	nrec := flag.Int("records", 200_000, "OSV records")
	ncomp := flag.Int("components", 250_000, "SBOM components")
	out := flag.String("out", "/tmp/mdcheck-large", "output folder")
	flag.Parse()
	if err := run(*nrec, *ncomp, *out); err != nil {
		fmt.Fprintln(os.Stderr, "large:", err)
		os.Exit(1)
	}
}

func run(nrec, ncomp int, out string) error {
	r := rand.New(rand.NewPCG(1, 2))
	if err := os.MkdirAll(filepath.Join(out, "osv"), 0o755); err != nil {
		return err
	}
	// Four records per affected package on average.
	names := nrec / 4
	for ei, eco := range ecosystems {
		f, err := os.Create(filepath.Join(out, "osv", eco.name+"-all.zip"))
		if err != nil {
			return err
		}
		zw := zip.NewWriter(f)
		for i := ei; i < nrec; i += len(ecosystems) {
			rec := record{SchemaVersion: "1.6.0", ID: fmt.Sprintf("BENCH-%07d", i), Modified: "2026-01-01T00:00:00Z", Published: "2025-01-01T00:00:00Z",
				Aliases: []string{fmt.Sprintf("CVE-2025-%d", 100000+i)}, Summary: "synthetic record for the scale benchmark"}
			a := affected{Package: map[string]string{"ecosystem": eco.name, "name": pkgName(eco.name, (i/len(ecosystems))%(names/len(ecosystems)+1))}}
			typ := "ECOSYSTEM"
			if eco.name == "Go" || eco.name == "npm" {
				typ = "SEMVER"
			}
			// Most ranges cover a few patch releases of one minor line;
			// one in ten runs from the first release to a fix.
			for n := 0; n < 1+r.IntN(3); n++ {
				major, minor := r.IntN(6), r.IntN(20)
				ev := []event{{Introduced: fmt.Sprintf("%s%d.%d.0", eco.prefix, major, minor)}}
				end := fmt.Sprintf("%s%d.%d.%d", eco.prefix, major, minor, 1+r.IntN(29))
				if r.IntN(10) == 0 {
					ev[0].Introduced = "0"
					end = version(r, eco.prefix)
				}
				if r.IntN(5) == 0 {
					ev = append(ev, event{LastAffected: end})
				} else {
					ev = append(ev, event{Fixed: end})
				}
				a.Ranges = append(a.Ranges, osvRange{Type: typ, Events: ev})
			}
			for n := 0; n < r.IntN(4); n++ {
				a.Versions = append(a.Versions, version(r, eco.prefix))
			}
			rec.Affected = []affected{a}
			w, err := zw.Create(rec.ID + ".json")
			if err != nil {
				return err
			}
			if err := json.NewEncoder(w).Encode(rec); err != nil {
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

	// The SBOM: a third of the components carry a name some record
	// affects, the others names none does.
	f, err := os.Create(filepath.Join(out, "large.cdx.json"))
	if err != nil {
		return err
	}
	fmt.Fprintf(f, `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"timestamp":"2026-01-01T00:00:00Z","component":{"type":"application","name":"large"}},"components":[`)
	for i := 0; i < ncomp; i++ {
		eco := ecosystems[i%len(ecosystems)]
		n := i / len(ecosystems)
		if i%3 != 0 {
			n += names
		} else {
			n %= names/len(ecosystems) + 1
		}
		if i > 0 {
			fmt.Fprint(f, ",")
		}
		v := version(r, eco.prefix)
		fmt.Fprintf(f, `{"type":"library","bom-ref":"c%d","name":%q,"version":%q,"purl":"pkg:%s/%s@%s"}`, i, pkgName(eco.name, n), v, eco.purl, purlName(eco.name, n), v)
	}
	fmt.Fprint(f, "]}\n")
	return f.Close()
}
