// Package large writes a synthetic workload for the scale benchmark
// (bench/large.sh) and the scale memory test: OSV records spread over four
// ecosystems, one all.zip per ecosystem as OSV publishes them, and a
// CycloneDX SBOM whose components partly carry the names those records
// affect. The records are shaped like real ones (introduced/fixed and
// last_affected ranges, several ranges, explicit version lists, aliases)
// so that matching does the work it does on real data; about one
// component in eight matches.
package large

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

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

// Write writes nrec records into out/osv/<ecosystem>-all.zip and an SBOM
// of ncomp components into out/large.cdx.json. The same arguments always
// give the same files.
func Write(out string, nrec, ncomp int) error {
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
			rec := vuln.Record{ID: fmt.Sprintf("BENCH-%07d", i), Modified: "2026-01-01T00:00:00Z", Published: "2025-01-01T00:00:00Z",
				Aliases: []string{fmt.Sprintf("CVE-2025-%d", 100000+i)}, Summary: "synthetic record for the scale benchmark"}
			var a vuln.Affected
			a.Package.Ecosystem, a.Package.Name = eco.name, pkgName(eco.name, (i/len(ecosystems))%(names/len(ecosystems)+1))
			typ := "ECOSYSTEM"
			if eco.name == "Go" || eco.name == "npm" {
				typ = "SEMVER"
			}
			// Most ranges cover a few patch releases of one minor line;
			// one in ten runs from the first release to a fix.
			for n := 0; n < 1+r.IntN(3); n++ {
				major, minor := r.IntN(6), r.IntN(20)
				ev := []vuln.Event{{Introduced: fmt.Sprintf("%s%d.%d.0", eco.prefix, major, minor)}}
				end := fmt.Sprintf("%s%d.%d.%d", eco.prefix, major, minor, 1+r.IntN(29))
				if r.IntN(10) == 0 {
					ev[0].Introduced = "0"
					end = version(r, eco.prefix)
				}
				if r.IntN(5) == 0 {
					ev = append(ev, vuln.Event{LastAffected: end})
				} else {
					ev = append(ev, vuln.Event{Fixed: end})
				}
				a.Ranges = append(a.Ranges, vuln.Range{Type: typ, Events: ev})
			}
			for n := 0; n < r.IntN(4); n++ {
				a.Versions = append(a.Versions, version(r, eco.prefix))
			}
			rec.Affected = []vuln.Affected{a}
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
