package vexout

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mdcheck/mdcheck/internal/jsonsafe"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Publisher is who issues a CSAF VEX document.
type Publisher struct {
	// Category is the CSAF publisher category: vendor (the default) for
	// the manufacturer, user for someone assessing SBOMs they were given.
	Category string
	Name     string
	// Namespace is the publisher's URL (its security page, say).
	Namespace string
	// Title names what the document is about: the device and its version.
	Title string
	// Engine and Version name the tool that made it.
	Engine, Version string
}

type (
	csafDoc struct {
		Document        csafDocument `json:"document"`
		ProductTree     csafTree     `json:"product_tree"`
		Vulnerabilities []csafVuln   `json:"vulnerabilities"`
	}
	csafDocument struct {
		Category    string        `json:"category"`
		CSAFVersion string        `json:"csaf_version"`
		Publisher   csafPublisher `json:"publisher"`
		Title       string        `json:"title"`
		Tracking    csafTracking  `json:"tracking"`
	}
	csafPublisher struct {
		Category  string `json:"category"`
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	}
	csafTracking struct {
		ID                 string         `json:"id"`
		Status             string         `json:"status"`
		Version            string         `json:"version"`
		RevisionHistory    []csafRevision `json:"revision_history"`
		InitialReleaseDate string         `json:"initial_release_date"`
		CurrentReleaseDate string         `json:"current_release_date"`
		Generator          csafGenerator  `json:"generator"`
	}
	csafRevision struct {
		Date    string `json:"date"`
		Number  string `json:"number"`
		Summary string `json:"summary"`
	}
	csafGenerator struct {
		Engine csafEngine `json:"engine"`
	}
	csafEngine struct {
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
	}
	csafTree struct {
		FullProductNames []csafProduct `json:"full_product_names"`
	}
	csafProduct struct {
		ProductID string     `json:"product_id"`
		Name      string     `json:"name"`
		Helper    csafHelper `json:"product_identification_helper"`
	}
	csafHelper struct {
		PURL string `json:"purl"`
	}
	csafVuln struct {
		CVE           string            `json:"cve,omitempty"`
		IDs           []csafID          `json:"ids,omitempty"`
		Notes         []csafNote        `json:"notes"`
		ProductStatus csafStatus        `json:"product_status"`
		Flags         []csafFlag        `json:"flags,omitempty"`
		Threats       []csafThreat      `json:"threats,omitempty"`
		Remediations  []csafRemediation `json:"remediations,omitempty"`
	}
	csafID struct {
		SystemName string `json:"system_name"`
		Text       string `json:"text"`
	}
	csafNote struct {
		Category string `json:"category"`
		Text     string `json:"text"`
	}
	csafStatus struct {
		Fixed              []string `json:"fixed,omitempty"`
		KnownAffected      []string `json:"known_affected,omitempty"`
		KnownNotAffected   []string `json:"known_not_affected,omitempty"`
		UnderInvestigation []string `json:"under_investigation,omitempty"`
	}
	csafFlag struct {
		Label      string   `json:"label"`
		ProductIDs []string `json:"product_ids"`
	}
	csafThreat struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
	}
	csafRemediation struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
	}
)

var cvePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`) })

// CSAF is the CSAF 2.0 VEX document (profile csaf_vex) of items, issued
// on day by p. Each affected package of each product is a product of its
// own, named by its package URL, so that scanners can apply the
// statements; the vulnerability is named by its CVE where it or an alias
// is one, else by its ID. not_affected carries its justification as a
// flag and its impact as a threat; affected an action as a remediation
// (vendor_fix for an update, no_fix_planned for an accepted risk,
// mitigation otherwise). Deterministic, as OpenVEX.
func CSAF(w io.Writer, p Publisher, day time.Time, items []Item) error {
	date := day.UTC().Format(time.RFC3339)
	doc := csafDoc{Document: csafDocument{
		Category: "csaf_vex", CSAFVersion: "2.0",
		Publisher: csafPublisher{Category: orVendor(p.Category), Name: p.Name, Namespace: p.Namespace},
		Title:     p.Title,
		Tracking: csafTracking{
			ID: "VEX-" + day.UTC().Format("20060102") + "-" + strings.ToUpper(idWord(p.Title)), Status: "final", Version: "1",
			RevisionHistory:    []csafRevision{{Date: date, Number: "1", Summary: "Initial version, from the mdcheck assessment."}},
			InitialReleaseDate: date, CurrentReleaseDate: date,
			Generator: csafGenerator{Engine: csafEngine{Name: p.Engine, Version: p.Version}},
		},
	}}
	// Products: one per (product, package URL).
	pid := map[string]string{}
	productOf := func(it Item, purl string) string {
		key := it.Product + "|" + purl
		if id, ok := pid[key]; ok {
			return id
		}
		id := fmt.Sprintf("CSAFPID-%04d", len(pid)+1)
		pid[key] = id
		name := it.Product
		if purl != it.Product {
			name = purl + " in " + it.Product
		}
		doc.ProductTree.FullProductNames = append(doc.ProductTree.FullProductNames, csafProduct{ProductID: id, Name: name, Helper: csafHelper{PURL: purl}})
		return id
	}
	sorted := append([]Item(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Statement.Vulnerability != sorted[j].Statement.Vulnerability {
			return sorted[i].Statement.Vulnerability < sorted[j].Statement.Vulnerability
		}
		return sorted[i].Product < sorted[j].Product
	})
	byVuln := map[string]int{}
	for _, it := range sorted {
		s := it.Statement
		k, ok := byVuln[s.Vulnerability]
		if !ok {
			k = len(doc.Vulnerabilities)
			byVuln[s.Vulnerability] = k
			v := csafVuln{Notes: []csafNote{{Category: "description", Text: "Status of " + s.Vulnerability + " in " + p.Title + ", as assessed."}}}
			for _, id := range append([]string{s.Vulnerability}, s.Aliases...) {
				if v.CVE == "" && cvePattern().MatchString(id) {
					v.CVE = id
				}
			}
			for _, id := range append([]string{s.Vulnerability}, s.Aliases...) {
				if id != v.CVE {
					v.IDs = append(v.IDs, csafID{SystemName: systemOf(id), Text: id})
				}
			}
			doc.Vulnerabilities = append(doc.Vulnerabilities, v)
		}
		v := &doc.Vulnerabilities[k]
		purls := it.Subcomponents
		if len(purls) == 0 {
			purls = []string{it.Product}
		}
		var ids []string
		for _, u := range purls {
			ids = append(ids, productOf(it, u))
		}
		switch s.Status {
		case vuln.VEXNotAffected:
			v.ProductStatus.KnownNotAffected = append(v.ProductStatus.KnownNotAffected, ids...)
			if s.Justification != "" {
				v.Flags = append(v.Flags, csafFlag{Label: s.Justification, ProductIDs: ids})
			}
			details := s.Impact
			if details == "" {
				details = "Not affected: " + strings.ReplaceAll(s.Justification, "_", " ") + "."
			}
			v.Threats = append(v.Threats, csafThreat{Category: "impact", Details: details, ProductIDs: ids})
		case vuln.VEXAffected:
			v.ProductStatus.KnownAffected = append(v.ProductStatus.KnownAffected, ids...)
			action := s.Action
			if action == "" {
				action = "No action statement was recorded."
			}
			v.Remediations = append(v.Remediations, csafRemediation{Category: remediationOf(action), Details: action, ProductIDs: ids})
		case vuln.VEXFixed:
			v.ProductStatus.Fixed = append(v.ProductStatus.Fixed, ids...)
		default:
			v.ProductStatus.UnderInvestigation = append(v.ProductStatus.UnderInvestigation, ids...)
		}
	}
	if doc.Vulnerabilities == nil {
		doc.Vulnerabilities = []csafVuln{}
	}
	if doc.ProductTree.FullProductNames == nil {
		doc.ProductTree.FullProductNames = []csafProduct{}
	}
	return jsonsafe.WriteIndented(w, doc)
}

// remediationOf is the CSAF category of an action statement.
func remediationOf(action string) string {
	switch {
	case strings.HasPrefix(action, "Update to"):
		return "vendor_fix"
	case strings.HasPrefix(action, "No action: the residual risk is accepted"):
		return "no_fix_planned"
	}
	return "mitigation"
}

// systemOf names the system a vulnerability ID comes from.
func systemOf(id string) string {
	switch {
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub Advisory Database"
	case strings.HasPrefix(id, "CVE-"):
		return "CVE"
	case strings.HasPrefix(id, "ICSMA-"):
		return "CISA ICS Medical Advisory"
	}
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return "other"
}

// idWord makes a title usable in a tracking ID: letters and digits,
// words joined by dashes.
func idWord(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func orVendor(c string) string {
	if c == "" {
		return "vendor"
	}
	return c
}
