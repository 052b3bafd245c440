package advisory

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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

	constraint Constraint
}

// Constraint is the product's version constraint.
func (p *Product) Constraint() Constraint { return p.constraint }

// csafTree is what ReadCSAF reads of a CSAF document.
type csafTree struct {
	Document struct {
		Title    string `json:"title"`
		Tracking struct {
			ID      string `json:"id"`
			Current string `json:"current_release_date"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree struct {
		Branches []csafBranch `json:"branches"`
	} `json:"product_tree"`
	Vulnerabilities []struct {
		CVE           string              `json:"cve"`
		ProductStatus map[string][]string `json:"product_status"`
		Remediations  []struct {
			Category   string   `json:"category"`
			Details    string   `json:"details"`
			ProductIDs []string `json:"product_ids"`
		} `json:"remediations"`
	} `json:"vulnerabilities"`
}

type csafBranch struct {
	Category string       `json:"category"`
	Name     string       `json:"name"`
	Branches []csafBranch `json:"branches"`
	Product  *struct {
		ID   string `json:"product_id"`
		Name string `json:"name"`
	} `json:"product"`
}

// maxBranchDepth bounds the product tree walk (CSAF documents are
// depth-checked before they are read; this keeps the walk safe alone).
const maxBranchDepth = 64

// ReadCSAF reads the product tree of a CSAF 2.0 document into products:
// for each leaf, the nearest vendor branch, the product family and name
// branches, and the product version or version range branch, as written.
func ReadCSAF(name string, data []byte) (*Advisory, error) {
	var doc csafTree
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	a := &Advisory{ID: doc.Document.Tracking.ID, Title: doc.Document.Title, Updated: doc.Document.Tracking.Current}
	if a.ID == "" {
		return nil, fmt.Errorf("%s: /document/tracking/id is missing", name)
	}
	affects := map[string][]string{}
	fixes := map[string]string{}
	for _, v := range doc.Vulnerabilities {
		if v.CVE != "" && !slices.Contains(a.CVEs, v.CVE) {
			a.CVEs = append(a.CVEs, v.CVE)
		}
		for status, ids := range v.ProductStatus {
			if status != "known_affected" && status != "first_affected" && status != "last_affected" && status != "under_investigation" {
				continue
			}
			for _, id := range ids {
				if v.CVE != "" && !slices.Contains(affects[id], v.CVE) {
					affects[id] = append(affects[id], v.CVE)
				}
			}
		}
		for _, r := range v.Remediations {
			if r.Category != "vendor_fix" && r.Category != "mitigation" && r.Category != "workaround" {
				continue
			}
			for _, id := range r.ProductIDs {
				if _, ok := fixes[id]; !ok {
					fixes[id] = clipWords(r.Details, 300)
				}
			}
		}
	}
	var walk func(bs []csafBranch, vendor string, names []string, depth int) error
	walk = func(bs []csafBranch, vendor string, names []string, depth int) error {
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
			p := Product{Vendor: strings.TrimSpace(v), Name: strings.Join(ns, " "), Version: version, IDs: []string{b.Product.ID}}
			p.CVEs = affects[b.Product.ID]
			if len(p.CVEs) == 0 {
				p.CVEs = a.CVEs // a product no status names: the advisory's
			}
			p.Remediation = fixes[b.Product.ID]
			p.prepare()
			a.Products = append(a.Products, p)
		}
		return nil
	}
	if err := walk(doc.ProductTree.Branches, "", nil, 0); err != nil {
		return nil, err
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
	if p.Version == "" {
		p.constraint = Constraint{Raw: "", all: true, Note: "the advisory names no version"}
	}
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
