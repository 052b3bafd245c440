package vuln

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/package-url/packageurl-go"
)

// MaxCSAF bounds one CSAF document; the largest real advisories (vendor
// VEX files with big product trees) are a few MiB.
const MaxCSAF = 16 << 20

// isCSAF tells a CSAF document by its csaf_version member.
func isCSAF(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 64<<10)], []byte(`"csaf_version"`))
}

// csafDoc is what mdcheck reads of a CSAF 2.0 document.
type csafDoc struct {
	Document struct {
		CSAFVersion *string `json:"csaf_version"`
		Category    *string `json:"category"`
		Title       *string `json:"title"`
		Publisher   *struct {
			Category  *string `json:"category"`
			Name      *string `json:"name"`
			Namespace *string `json:"namespace"`
		} `json:"publisher"`
		Tracking *struct {
			ID                 *string `json:"id"`
			CurrentReleaseDate *string `json:"current_release_date"`
			InitialReleaseDate *string `json:"initial_release_date"`
			Status             *string `json:"status"`
			Version            *string `json:"version"`
			RevisionHistory    []struct {
				Date    *string `json:"date"`
				Number  *string `json:"number"`
				Summary *string `json:"summary"`
			} `json:"revision_history"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree struct {
		Branches         []csafBranch  `json:"branches"`
		FullProductNames []csafProduct `json:"full_product_names"`
		Relationships    []struct {
			Category                  string      `json:"category"`
			FullProductName           csafProduct `json:"full_product_name"`
			ProductReference          string      `json:"product_reference"`
			RelatesToProductReference string      `json:"relates_to_product_reference"`
		} `json:"relationships"`
	} `json:"product_tree"`
	Vulnerabilities []csafVulnerability `json:"vulnerabilities"`
}

type csafBranch struct {
	Category string       `json:"category"`
	Name     string       `json:"name"`
	Product  *csafProduct `json:"product"`
	Branches []csafBranch `json:"branches"`
}

type csafProduct struct {
	ID     string `json:"product_id"`
	Name   string `json:"name"`
	Helper *struct {
		CPE  string `json:"cpe"`
		PURL string `json:"purl"`
	} `json:"product_identification_helper"`
}

type csafVulnerability struct {
	CVE           string `json:"cve"`
	Title         string `json:"title"`
	ProductStatus struct {
		KnownAffected      []string `json:"known_affected"`
		FirstAffected      []string `json:"first_affected"`
		LastAffected       []string `json:"last_affected"`
		Fixed              []string `json:"fixed"`
		FirstFixed         []string `json:"first_fixed"`
		KnownNotAffected   []string `json:"known_not_affected"`
		UnderInvestigation []string `json:"under_investigation"`
	} `json:"product_status"`
	Scores []struct {
		Products []string `json:"products"`
		CVSSv3   *struct {
			Version      string  `json:"version"`
			Vector       string  `json:"vectorString"`
			BaseScore    float64 `json:"baseScore"`
			BaseSeverity string  `json:"baseSeverity"`
		} `json:"cvss_v3"`
		CVSSv2 *struct {
			Vector string `json:"vectorString"`
		} `json:"cvss_v2"`
	} `json:"scores"`
	Remediations []struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
	} `json:"remediations"`
	Flags []struct {
		Label      string   `json:"label"`
		ProductIDs []string `json:"product_ids"`
	} `json:"flags"`
	Threats []struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
	} `json:"threats"`
}

// ParseCSAF reads a CSAF 2.0 document, checked against the CSAF 2.0
// schema's rules for the members mdcheck reads (see check), into one
// record per vulnerability. A record's ID is the
// advisory's tracking ID, followed by "#" and the CVE (or the
// vulnerability's position) when the advisory has several; its alias is
// the CVE. The products it affects are those whose identification helper
// gives a package URL (matched like an OSV record's listed versions) or a
// CPE (matched like CVE applicability, at the CPE's version); products
// named only in words are kept for device-level matching, not matched
// here. Fixed products with a helper mark their version unaffected.
func ParseCSAF(name string, data []byte) ([]*Record, [][]Applicability, error) {
	doc, err := readCSAF(name, data)
	if err != nil {
		return nil, nil, err
	}
	products := doc.products()
	t := doc.Document.Tracking
	modified := *t.CurrentReleaseDate
	var recs []*Record
	var apps [][]Applicability
	for i, v := range doc.Vulnerabilities {
		r := &Record{ID: *t.ID, Modified: modified, Published: *t.InitialReleaseDate, Summary: firstNonEmpty(v.Title, *doc.Document.Title), Affected: []Affected{}}
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
				r.Severity = appendSeverity(r.Severity, Severity{Type: "CVSS_V3", Score: s.CVSSv3.Vector})
			case s.CVSSv2 != nil && s.CVSSv2.Vector != "":
				r.Severity = appendSeverity(r.Severity, Severity{Type: "CVSS_V2", Score: s.CVSSv2.Vector})
			}
		}
		ps := v.ProductStatus
		affected := slices.Concat(ps.KnownAffected, ps.FirstAffected, ps.LastAffected)
		fixed := slices.Concat(ps.Fixed, ps.FirstFixed, ps.KnownNotAffected)
		var app []Applicability
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
					if cp, err := ParseCPE(p.Helper.CPE); err == nil {
						c := cp
						app = append(app, Applicability{Vendor: nameKey(cp[cpeVendor]), Product: nameKey(cp[cpeProduct]), CPE: &c,
							Ranges: []VersionRange{{Status: status.status, Version: cp[cpeVersion]}}})
					}
				}
			}
		}
		recs = append(recs, r)
		apps = append(apps, app)
	}
	return recs, apps, nil
}

// products maps every product ID the tree defines (in branches,
// full_product_names and relationships) to its product.
func (d *csafDoc) products() map[string]csafProduct {
	products := map[string]csafProduct{}
	var walk func([]csafBranch)
	walk = func(bs []csafBranch) {
		for _, b := range bs {
			if b.Product != nil {
				products[b.Product.ID] = *b.Product
			}
			walk(b.Branches)
		}
	}
	walk(d.ProductTree.Branches)
	for _, p := range d.ProductTree.FullProductNames {
		products[p.ID] = p
	}
	for _, r := range d.ProductTree.Relationships {
		products[r.FullProductName.ID] = r.FullProductName
	}
	return products
}

// readCSAF decodes and checks a CSAF document.
func readCSAF(name string, data []byte) (*csafDoc, error) {
	if len(data) > MaxCSAF {
		return nil, fmt.Errorf("%w: %s: %d bytes; a CSAF document may be at most %d", ErrInvalid, name, len(data), MaxCSAF)
	}
	if err := checkDepth(name, data); err != nil {
		return nil, err
	}
	var doc csafDoc
	if err := json.Unmarshal(data, &doc, lenient); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
	}
	if problems := doc.check(); len(problems) > 0 {
		more := ""
		if len(problems) > 3 {
			more = fmt.Sprintf(" (and %d more)", len(problems)-3)
			problems = problems[:3]
		}
		return nil, fmt.Errorf("%w: %s: not valid CSAF 2.0: %s%s", ErrInvalid, name, strings.Join(problems, "; "), more)
	}
	return &doc, nil
}

// purlAffected is an OSV affected entry for the one version a package URL
// names.
func purlAffected(s string) (Affected, bool) {
	t, ok, err := TargetOf(s)
	if err != nil || !ok || t.Version == "" {
		return Affected{}, false
	}
	if _, err := packageurl.FromString(s); err != nil {
		return Affected{}, false
	}
	var a Affected
	a.Package.Ecosystem, a.Package.Name, a.Package.PURL = t.Ecosystem, t.Name, s
	a.Versions = []string{t.Version}
	return a, true
}

func appendSeverity(list []Severity, s Severity) []Severity {
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
