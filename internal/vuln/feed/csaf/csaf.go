// Package csaf reads CSAF 2.0 advisories into vulnerability records,
// checked against the CSAF 2.0 schema's rules for the members read.
package csaf

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/package-url/packageurl-go"
)

// MaxDocument bounds one CSAF document; the largest real advisories (vendor
// VEX files with big product trees) are a few MiB.
const MaxDocument = 16 << 20

// isCSAF tells a CSAF document by its csaf_version member.
func isCSAF(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 64<<10)], []byte(`"csaf_version"`))
}

// Parse reads a CSAF 2.0 document, checked against the CSAF 2.0
// schema's rules for the members mdcheck reads (see check), into one
// record per vulnerability. A record's ID is the
// advisory's tracking ID, followed by "#" and the CVE (or the
// vulnerability's position) when the advisory has several; its alias is
// the CVE. The products it affects are those whose identification helper
// gives a package URL (matched like an OSV record's listed versions) or a
// CPE (matched like CVE applicability, at the CPE's version); products
// named only in words are kept for device-level matching, not matched
// here. Fixed products with a helper mark their version unaffected.
func Parse(name string, data []byte) ([]*vuln.Record, [][]vuln.Applicability, error) {
	doc, err := Read(name, data)
	if err != nil {
		return nil, nil, err
	}
	recs, apps := records(doc)
	return recs, apps, nil
}

// records are a checked document's vulnerabilities as records, with the
// CPE applicability of the products their helpers name.
func records(doc *advisory.CSAF) ([]*vuln.Record, [][]vuln.Applicability) {
	products := doc.Products()
	t := doc.Document.Tracking
	modified := *t.CurrentReleaseDate
	var recs []*vuln.Record
	var apps [][]vuln.Applicability
	for i, v := range doc.Vulnerabilities {
		r := &vuln.Record{ID: *t.ID, Modified: modified, Published: *t.InitialReleaseDate, Summary: firstNonEmpty(v.Title, *doc.Document.Title), Affected: []vuln.Affected{}}
		if len(doc.Vulnerabilities) > 1 {
			suffix := v.CVE
			if suffix == "" {
				suffix = fmt.Sprint(i + 1)
			}
			r.ID += "#" + suffix
		}
		if v.CVE != "" {
			r.Aliases = []string{v.CVE}
		}
		for _, s := range v.Scores {
			switch {
			case s.CVSSv3 != nil && s.CVSSv3.Vector != "":
				r.Severity = appendSeverity(r.Severity, vuln.Severity{Type: "CVSS_V3", Score: s.CVSSv3.Vector})
			case s.CVSSv2 != nil && s.CVSSv2.Vector != "":
				r.Severity = appendSeverity(r.Severity, vuln.Severity{Type: "CVSS_V2", Score: s.CVSSv2.Vector})
			}
		}
		ps := v.ProductStatus
		affected := slices.Concat(ps.KnownAffected, ps.FirstAffected, ps.LastAffected)
		fixed := slices.Concat(ps.Fixed, ps.FirstFixed, ps.KnownNotAffected)
		var app []vuln.Applicability
		for _, status := range []struct {
			ids    []string
			status string
		}{{affected, "affected"}, {fixed, "unaffected"}} {
			for _, id := range status.ids {
				p, ok := products[id]
				if !ok || p.Helper == nil {
					continue
				}
				if p.Helper.PURL != "" && status.status == "affected" {
					if a, ok := purlAffected(p.Helper.PURL); ok {
						r.Affected = append(r.Affected, a)
					}
				}
				if p.Helper.CPE != "" {
					if cp, err := vuln.ParseCPE(p.Helper.CPE); err == nil {
						c := cp
						app = append(app, vuln.Applicability{Vendor: vuln.NameKey(cp[vuln.CPEVendor]), Product: vuln.NameKey(cp[vuln.CPEProduct]), CPE: &c,
							Ranges: []vuln.VersionRange{{Status: status.status, Version: cp[vuln.CPEVersion]}}})
					}
				}
			}
		}
		recs = append(recs, r)
		apps = append(apps, app)
	}
	return recs, apps
}

// Read decodes a CSAF document, once, and checks it against the CSAF
// 2.0 schema's rules for the members mdcheck reads.
func Read(name string, data []byte) (*advisory.CSAF, error) {
	if len(data) > MaxDocument {
		return nil, fmt.Errorf("%w: %s: %d bytes; a CSAF document may be at most %d", vuln.ErrInvalid, name, len(data), MaxDocument)
	}
	if err := vuln.CheckJSON(name, data); err != nil {
		return nil, err
	}
	doc, err := advisory.DecodeCSAF(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, name, err)
	}
	if problems := check(doc); len(problems) > 0 {
		more := ""
		if len(problems) > 3 {
			more = fmt.Sprintf(" (and %d more)", len(problems)-3)
			problems = problems[:3]
		}
		return nil, fmt.Errorf("%w: %s: not valid CSAF 2.0: %s%s", vuln.ErrInvalid, name, strings.Join(problems, "; "), more)
	}
	return doc, nil
}

// purlAffected is an OSV affected entry for the one version a package URL
// names.
func purlAffected(s string) (vuln.Affected, bool) {
	t, ok, err := vuln.TargetOf(s)
	if err != nil || !ok || t.Version == "" {
		return vuln.Affected{}, false
	}
	if _, err := packageurl.FromString(s); err != nil {
		return vuln.Affected{}, false
	}
	var a vuln.Affected
	a.Package.Ecosystem, a.Package.Name, a.Package.PURL = t.Ecosystem, t.Name, s
	a.Versions = []string{t.Version}
	return a, true
}

func appendSeverity(list []vuln.Severity, s vuln.Severity) []vuln.Severity {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// Feed reads CSAF advisories: each document is decoded once, into its
// records and its products for device-level matching.
var Feed vuln.Feed = feed{}

type feed struct{}

func (feed) Name() string            { return "csaf" }
func (feed) Detect(data []byte) bool { return isCSAF(data) }

func (feed) Read(name string, data []byte, y vuln.Yield) error {
	doc, err := Read(name, data)
	if err != nil {
		return err
	}
	recs, apps := records(doc)
	if y.Record != nil {
		for i, r := range recs {
			if err := y.Record(r, apps[i]); err != nil {
				return err
			}
		}
	}
	if y.Advisory == nil {
		return nil
	}
	a, err := advisory.FromCSAF(name, doc)
	if err != nil {
		return fmt.Errorf("%w: %v", vuln.ErrInvalid, err)
	}
	return y.Advisory(a)
}
