package advisory

import (
	"fmt"
	"slices"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/mdcheck/mdcheck/internal/jsonsafe"
)

// Advisory is a CSAF advisory's products as device-level matching reads
// them.
type Advisory struct {
	// ID is the CSAF tracking ID; Title the document's.
	ID    string `json:"id"`
	Title string `json:"title"`
	// Updated is the revision's date (current_release_date).
	Updated string `json:"updated"`
	// CVEs are every CVE of the advisory.
	CVEs     []string  `json:"cves"`
	Products []Product `json:"products"`
}

// Product is one product leaf of a CSAF product tree: vendor, product and
// version text as written, with the product IDs and the CVEs that affect
// it.
type Product struct {
	Vendor  string   `json:"vendor"`
	Name    string   `json:"name"`
	Version string   `json:"version"`
	IDs     []string `json:"ids"`
	CVEs    []string `json:"cves"`
	// Remediation is the first vendor fix or mitigation that names the
	// product, in its own words.
	Remediation string `json:"remediation,omitempty"`
	// FullName is set for a product the advisory names only in full
	// (full_product_names): its version is in the name.
	FullName bool `json:"fullName,omitempty"`

	constraint Constraint
}

// Constraint is the product's version constraint.
func (p *Product) Constraint() Constraint { return p.constraint }

// maxBranchDepth bounds the product tree walk (CSAF documents are
// depth-checked before they are read; this keeps the walk safe alone).
const maxBranchDepth = 64

// ReadCSAF reads the product tree of a CSAF 2.0 document into products:
// for each leaf, the nearest vendor branch, the product family and name
// branches, and the product version or version range branch, as written.
func ReadCSAF(name string, data []byte) (*Advisory, error) {
	if err := jsonsafe.Check(data, maxBranchDepth*2+16); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	doc, err := DecodeCSAF(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return FromCSAF(name, doc)
}

// DecodeCSAF decodes a CSAF document as leniently as encoding/json always
// has (a duplicated member keeps its last value), without checking it
// against the schema; callers refuse input that is not UTF-8 or too deep
// first (jsonsafe.Check): the reader of
// records checks what it reads, and device-level matching needs only the
// tracking ID.
func DecodeCSAF(data []byte) (*CSAF, error) {
	var doc CSAF
	if err := json.Unmarshal(data, &doc, json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))); err != nil {
		return nil, err
	}
	return &doc, nil
}

// FromCSAF reads the product tree of a decoded CSAF document (see
// ReadCSAF); name is used in messages.
func FromCSAF(name string, doc *CSAF) (*Advisory, error) {
	d := doc.Document
	a := &Advisory{Title: deref(d.Title)}
	if t := d.Tracking; t != nil {
		a.ID, a.Updated = deref(t.ID), deref(t.CurrentReleaseDate)
	}
	if a.ID == "" {
		return nil, fmt.Errorf("%s: /document/tracking/id is missing", name)
	}
	// Which CVEs affect each product ID, and which IDs have any status at
	// all; a relationship's status (a package as a component of a
	// platform) holds for both its products.
	affects := map[string][]string{}
	statused := map[string]bool{}
	fixes := map[string]string{}
	rels := map[string][]string{}
	for _, r := range doc.ProductTree.Relationships {
		id := r.FullProductName.ID
		rels[id] = append(rels[id], r.ProductReference, r.RelatesToProductReference)
	}
	with := func(id string) []string { return append([]string{id}, rels[id]...) }
	for _, v := range doc.Vulnerabilities {
		if v.CVE != "" && !slices.Contains(a.CVEs, v.CVE) {
			a.CVEs = append(a.CVEs, v.CVE)
		}
		ps := v.ProductStatus
		for _, st := range []struct {
			ids      []string
			affected bool
		}{{ps.KnownAffected, true}, {ps.FirstAffected, true}, {ps.LastAffected, true}, {ps.UnderInvestigation, true},
			{ps.Fixed, false}, {ps.FirstFixed, false}, {ps.KnownNotAffected, false}, {ps.Recommended, false}} {
			affected := st.affected
			for _, id := range st.ids {
				for _, x := range with(id) {
					statused[x] = true
					if affected && v.CVE != "" && !slices.Contains(affects[x], v.CVE) {
						affects[x] = append(affects[x], v.CVE)
					}
				}
			}
		}
		for _, r := range v.Remediations {
			if r.Category != "vendor_fix" && r.Category != "mitigation" && r.Category != "workaround" {
				continue
			}
			for _, id := range r.ProductIDs {
				for _, x := range with(id) {
					if _, ok := fixes[x]; !ok {
						fixes[x] = clipWords(r.Details, 300)
					}
				}
			}
		}
	}
	// A product is named as affected when a status says so. One that
	// no status names is taken as named by the whole advisory (CISA's
	// advisories sometimes list products without statuses); one whose
	// statuses are only fixed or not affected is not matched.
	affected := func(id string) ([]string, bool) {
		if cves := affects[id]; len(cves) > 0 {
			return cves, true
		}
		if !statused[id] {
			return a.CVEs, true
		}
		return nil, false
	}
	var walk func(bs []CSAFBranch, vendor string, names []string, depth int) error
	walk = func(bs []CSAFBranch, vendor string, names []string, depth int) error {
		if depth > maxBranchDepth {
			return fmt.Errorf("%s: product tree deeper than %d branches", name, maxBranchDepth)
		}
		for _, b := range bs {
			v, ns, version := vendor, names, ""
			switch b.Category {
			case "vendor":
				v = b.Name
			case "product_family", "product_name":
				ns = append(slices.Clip(names), b.Name)
			case "product_version", "product_version_range":
				version = b.Name
			}
			if len(b.Branches) > 0 {
				if err := walk(b.Branches, v, ns, depth+1); err != nil {
					return err
				}
				continue
			}
			if b.Product == nil || len(ns) == 0 {
				continue
			}
			cves, ok := affected(b.Product.ID)
			if !ok {
				continue // fixed or not affected: not a product to match
			}
			p := Product{Vendor: strings.TrimSpace(v), Name: strings.Join(ns, " "), Version: version, IDs: []string{b.Product.ID}, CVEs: cves}
			p.Remediation = fixes[b.Product.ID]
			p.prepare()
			a.Products = append(a.Products, p)
		}
		return nil
	}
	if err := walk(doc.ProductTree.Branches, "", nil, 0); err != nil {
		return nil, err
	}
	// Products named only in full: a vendor's own advisory names its
	// products; name and version are one string, so the version needs a
	// person.
	for _, f := range doc.ProductTree.FullProductNames {
		cves, ok := affected(f.ID)
		if !ok || f.Name == "" {
			continue
		}
		vendor := ""
		if p := d.Publisher; p != nil && deref(p.Category) == "vendor" {
			vendor = deref(p.Name)
		}
		p := Product{Vendor: vendor, Name: f.Name, IDs: []string{f.ID}, CVEs: cves, Remediation: fixes[f.ID], FullName: true}
		p.prepare()
		a.Products = append(a.Products, p)
	}
	return a, nil
}

// Prepare reads the version constraints of an advisory loaded from JSON.
func (a *Advisory) Prepare() {
	for i := range a.Products {
		a.Products[i].prepare()
	}
}

func (p *Product) prepare() {
	p.constraint = ParseConstraint(p.Version)
	switch {
	case p.FullName:
		p.constraint = Constraint{Raw: p.Name, review: "the advisory names product and version in one string"}
	case p.Version == "":
		p.constraint = Constraint{Raw: "", all: true, Note: "the advisory names no version"}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func clipWords(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		return s[:i] + " ..."
	}
	return s[:n] + " ..."
}
