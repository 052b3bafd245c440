// Package vex reads VEX documents (OpenVEX, CycloneDX VEX, CSAF VEX)
// and marks the matches their statements cover.
package vex

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/vuln/feed/csaf"
	openvex "github.com/openvex/go-vex/pkg/vex"

	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/package-url/packageurl-go"
)

// ErrNothingApplies is a VEX document read whole that has no statement
// an SBOM component can be matched to: a warning, not a failure.
var ErrNothingApplies = errors.New("no statement of this VEX document applies to SBOM components")

// MaxFile bounds one VEX document: the largest real ones (vendor hubs of
// some thousand statements) are about 1 MiB, and go-vex decodes every
// product into a sizeable structure: 8 MiB of nothing but products peak
// at about 140 MiB (TestHostileVEXMemory).
const MaxFile = 8 << 20

// ReadFile reads a VEX document: OpenVEX (any version), CycloneDX (a
// BOM whose vulnerabilities carry an analysis) or CSAF (product statuses
// of products with a package URL helper).
func ReadFile(path string) ([]vuln.VEXStatement, error) {
	data, err := boundedio.ReadFile(path, MaxFile)
	var tl *boundedio.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%w: %s: %s bytes; a VEX document may be at most %d", vuln.ErrInvalid, path, tl.Bytes(), MaxFile)
	}
	if err != nil {
		return nil, err
	}
	if err := vuln.CheckJSON(path, data); err != nil {
		return nil, err
	}
	head := data[:min(len(data), 64<<10)]
	switch {
	case bytes.Contains(head, []byte("openvex.dev/ns")):
		return readOpenVEX(path, data)
	case bytes.Contains(head, []byte(`"bomFormat"`)):
		return ParseCycloneDX(path, data)
	case bytes.Contains(head, []byte(`"csaf_version"`)):
		return readCSAFVEX(path, data)
	}
	return nil, fmt.Errorf("%w: %s: neither OpenVEX (an openvex.dev @context), CycloneDX VEX nor CSAF", vuln.ErrInvalid, path)
}

// readOpenVEX reads an OpenVEX document with go-vex, which knows every
// published version of the format.
func readOpenVEX(path string, data []byte) ([]vuln.VEXStatement, error) {
	var doc *openvex.VEX
	var err error
	if bytes.Contains(data, []byte(openvex.ContextLocator())) {
		doc, err = openvex.Parse(data)
	} else {
		doc, err = openvex.Open(path) // older versions: go-vex converts them
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: OpenVEX: %v", vuln.ErrInvalid, path, err)
	}
	var out []vuln.VEXStatement
	for i, s := range doc.Statements {
		where := fmt.Sprintf("%s: /statements/%d", path, i)
		if s.Vulnerability.Name == "" {
			return nil, fmt.Errorf("%w: %s/vulnerability: no name", vuln.ErrInvalid, where)
		}
		status := string(s.Status)
		switch status {
		case vuln.VEXNotAffected, vuln.VEXAffected, vuln.VEXFixed, vuln.VEXUnderInvestigation:
		default:
			return nil, fmt.Errorf("%w: %s/status: %q is not an OpenVEX status", vuln.ErrInvalid, where, status)
		}
		st := vuln.VEXStatement{Vulnerability: string(s.Vulnerability.Name), Status: status, Justification: string(s.Justification),
			Impact: s.ImpactStatement, Action: s.ActionStatement, Source: path}
		for _, a := range s.Vulnerability.Aliases {
			st.Aliases = append(st.Aliases, string(a))
		}
		switch {
		case s.Timestamp != nil:
			st.Timestamp = *s.Timestamp
		case doc.Timestamp != nil:
			st.Timestamp = *doc.Timestamp
		}
		// The statement is about the subcomponents where it names them,
		// else about the products themselves.
		for _, p := range s.Products {
			if len(p.Subcomponents) > 0 {
				for _, sc := range p.Subcomponents {
					st.Packages = append(st.Packages, componentPURL(sc.Component)...)
				}
				continue
			}
			st.Packages = append(st.Packages, componentPURL(p.Component)...)
		}
		out = append(out, st)
	}
	return out, nil
}

// componentPURL is the package URL an OpenVEX component names, by its ID
// or its purl identifier.
func componentPURL(c openvex.Component) []string {
	var out []string
	if strings.HasPrefix(c.ID, "pkg:") {
		out = append(out, c.ID)
	}
	if p := c.Identifiers[openvex.PURL]; p != "" && p != c.ID {
		out = append(out, p)
	}
	return out
}

// cdxVEX is what mdcheck reads of a CycloneDX VEX document.
type cdxVEX struct {
	Vulnerabilities []struct {
		ID         string `json:"id"`
		References []struct {
			ID string `json:"id"`
		} `json:"references"`
		Analysis *struct {
			State         string   `json:"state"`
			Justification string   `json:"justification"`
			Response      []string `json:"response"`
			Detail        string   `json:"detail"`
			LastUpdated   string   `json:"lastUpdated"`
		} `json:"analysis"`
		Affects []struct {
			Ref string `json:"ref"`
		} `json:"affects"`
		Updated string `json:"updated"`
	} `json:"vulnerabilities"`
}

// ParseCycloneDX reads the vulnerabilities of a CycloneDX document that
// carry an analysis. Their affects name components by bom-ref, or by a
// BOM-Link (urn:cdx:serial/version#bom-ref) to another BOM, whose bom-ref
// part is matched.
func ParseCycloneDX(name string, data []byte) ([]vuln.VEXStatement, error) {
	var doc cdxVEX
	if err := json.Unmarshal(data, &doc, vuln.Lenient); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, name, err)
	}
	var out []vuln.VEXStatement
	for i, v := range doc.Vulnerabilities {
		if v.Analysis == nil || v.Analysis.State == "" {
			continue
		}
		where := fmt.Sprintf("%s: /vulnerabilities/%d", name, i)
		if v.ID == "" {
			return nil, fmt.Errorf("%w: %s/id: missing", vuln.ErrInvalid, where)
		}
		st := vuln.VEXStatement{Vulnerability: v.ID, Justification: v.Analysis.Justification, Source: name}
		switch v.Analysis.State {
		case "not_affected", "false_positive":
			st.Status = vuln.VEXNotAffected
			st.Impact = v.Analysis.Detail
			if v.Analysis.State == "false_positive" && st.Justification == "" {
				st.Justification = "false_positive"
			}
		case "resolved", "resolved_with_pedigree":
			st.Status = vuln.VEXFixed
		case "exploitable":
			st.Status = vuln.VEXAffected
			st.Action = strings.TrimSpace(strings.Join(v.Analysis.Response, ", ") + "; " + v.Analysis.Detail)
			st.Action = strings.Trim(st.Action, "; ")
		case "in_triage":
			st.Status = vuln.VEXUnderInvestigation
		default:
			return nil, fmt.Errorf("%w: %s/analysis/state: %q is not a CycloneDX analysis state", vuln.ErrInvalid, where, v.Analysis.State)
		}
		for _, r := range v.References {
			if r.ID != "" && r.ID != v.ID {
				st.Aliases = append(st.Aliases, r.ID)
			}
		}
		for _, a := range v.Affects {
			ref := a.Ref
			if strings.HasPrefix(ref, "urn:cdx:") {
				if _, frag, ok := strings.Cut(ref, "#"); ok {
					ref = frag
				}
			}
			if strings.HasPrefix(ref, "pkg:") {
				st.Packages = append(st.Packages, ref)
			}
			st.Refs = append(st.Refs, ref)
		}
		for _, t := range []string{v.Analysis.LastUpdated, v.Updated} {
			if ts, err := time.Parse(time.RFC3339, t); err == nil {
				st.Timestamp = ts
				break
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// Apply marks each match with the statement that applies to it: one
// about the same vulnerability (by ID or alias) and the same package (by
// package URL, a version-less one covering every version, or by bom-ref).
// Where several apply, the latest wins; at equal times, the one given
// last. Matches stay in the list whatever the status.
func Apply(ms []vuln.Match, pkgs []vuln.Package, stmts []vuln.VEXStatement) {
	if len(stmts) == 0 {
		return
	}
	purls := map[string]string{}
	byRef := map[string]vuln.Package{}
	for _, p := range pkgs {
		purls[p.Ref] = p.PURL
		byRef[p.Ref] = p
	}
	for i := range ms {
		m := &ms[i]
		ids := append([]string{m.ID}, m.Aliases...)
		var best *vuln.VEXStatement
		for j := range stmts {
			s := &stmts[j]
			if !slices.Contains(ids, s.Vulnerability) && !slices.ContainsFunc(s.Aliases, func(a string) bool { return slices.Contains(ids, a) }) {
				continue
			}
			if !slices.Contains(s.Refs, m.Ref) && !slices.ContainsFunc(s.Packages, func(p string) bool { return samePackage(p, purls[m.Ref]) }) &&
				!slices.ContainsFunc(s.CPEs, func(c string) bool { return sameCPE(c, byRef[m.Ref]) }) {
				continue
			}
			if best == nil || !s.Timestamp.Before(best.Timestamp) {
				best = s
			}
		}
		if best != nil {
			m.VEX = &vuln.VEXResult{Status: best.Status, Justification: best.Justification, Impact: best.Impact, Action: best.Action, Source: best.Source}
		}
	}
}

// sameCPE says whether a statement's CPE names the scanned package: one
// of its CPEs of the same vendor and product, at the statement's version
// (any for "*" or "-"), compared with the CPE's version or else the
// package's.
func sameCPE(stmt string, p vuln.Package) bool {
	s, err := vuln.ParseCPE(stmt)
	if err != nil {
		return false
	}
	for _, c := range p.CPEs {
		cp, err := vuln.ParseCPE(c)
		if err != nil || cp[vuln.CPEVendor] != s[vuln.CPEVendor] || cp[vuln.CPEProduct] != s[vuln.CPEProduct] {
			continue
		}
		v := cp[vuln.CPEVersion]
		if v == "*" || v == "-" || v == "" {
			v = p.Version
		}
		if sv := s[vuln.CPEVersion]; sv == "*" || sv == "-" || sv == "" || sv == v {
			return true
		}
	}
	return false
}

// samePackage says whether a statement's package URL names the scanned
// package: same type, namespace and name (compared as the ecosystem does),
// and the same version unless the statement's has none. Qualifiers are
// not compared.
func samePackage(stmt, pkg string) bool {
	if stmt == "" || pkg == "" {
		return false
	}
	a, err := packageurl.FromString(stmt)
	if err != nil {
		return false
	}
	b, err := packageurl.FromString(pkg)
	if err != nil || !strings.EqualFold(a.Type, b.Type) {
		return false
	}
	eco := vuln.Ecosystem(a.Type)
	name := func(p packageurl.PackageURL) string {
		return vuln.Normalize(eco, strings.Trim(p.Namespace+"/"+p.Name, "/"))
	}
	if name(a) != name(b) {
		return false
	}
	return a.Version == "" || a.Version == b.Version
}

// readCSAFVEX reads the product statuses of a CSAF document as VEX
// statements, one per vulnerability and product whose identification
// helper gives a package URL: known_not_affected is not affected (with
// the flag's label as justification and the impact threat's details),
// fixed and first_fixed fixed, known/first/last_affected affected (with
// the remediations as action), under_investigation as it says. Products
// named only in words cannot be applied to SBOM components.
func readCSAFVEX(path string, data []byte) ([]vuln.VEXStatement, error) {
	doc, err := csaf.Read(path, data)
	if err != nil {
		return nil, err
	}
	products := doc.Products()
	ts, _ := time.Parse(time.RFC3339, *doc.Document.Tracking.CurrentReleaseDate)
	var out []vuln.VEXStatement
	named := 0
	for _, v := range doc.Vulnerabilities {
		id := v.CVE
		if id == "" {
			id = *doc.Document.Tracking.ID
		}
		ps := v.ProductStatus
		for _, group := range []struct {
			ids    []string
			status string
		}{
			{ps.KnownNotAffected, vuln.VEXNotAffected},
			{slices.Concat(ps.Fixed, ps.FirstFixed), vuln.VEXFixed},
			{slices.Concat(ps.KnownAffected, ps.FirstAffected, ps.LastAffected), vuln.VEXAffected},
			{ps.UnderInvestigation, vuln.VEXUnderInvestigation},
		} {
			for _, pid := range group.ids {
				p, ok := products[pid]
				if !ok || p.Helper == nil || p.Helper.PURL == "" && p.Helper.CPE == "" {
					named++
					continue
				}
				st := vuln.VEXStatement{Vulnerability: id, Status: group.status, Timestamp: ts, Source: path}
				if p.Helper.PURL != "" {
					st.Packages = []string{p.Helper.PURL}
				} else {
					st.CPEs = []string{p.Helper.CPE}
				}
				for _, f := range v.Flags {
					if slices.Contains(f.ProductIDs, pid) {
						st.Justification = f.Label
					}
				}
				for _, t := range v.Threats {
					if t.Category == "impact" && slices.Contains(t.ProductIDs, pid) {
						st.Impact = t.Details
					}
				}
				if group.status == vuln.VEXAffected {
					var actions []string
					for _, r := range v.Remediations {
						if slices.Contains(r.ProductIDs, pid) {
							actions = append(actions, r.Category+": "+r.Details)
						}
					}
					st.Action = strings.Join(actions, "; ")
				}
				out = append(out, st)
			}
		}
	}
	if len(out) == 0 && named > 0 {
		return nil, fmt.Errorf("%w: %s: none of its %d product statuses names a product with a package URL or CPE helper, so none can be applied to SBOM components (products named only in words are matched at device level)", ErrNothingApplies, path, named)
	}
	return out, nil
}
