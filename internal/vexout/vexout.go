// Package vexout writes what an assessment knows of a device's
// vulnerabilities as VEX: one statement per vulnerability and product,
// with the status, justification and action the manufacturer's
// dispositions, the VEX documents read, or the absence of either give.
package vexout

import (
	"fmt"
	"io"
	"sort"
	"time"

	openvex "github.com/openvex/go-vex/pkg/vex"

	"github.com/mdcheck/mdcheck/internal/jsonsafe"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Item is what is known of one vulnerability in one product.
type Item struct {
	// Product is the product's IRI (a package URL); Subcomponents the
	// package URLs of its affected packages.
	Product       string
	Subcomponents []string
	// Statement holds the vulnerability, its aliases, status,
	// justification, impact and action; its Timestamp dates it.
	Statement vuln.VEXStatement
}

// OpenVEX is the OpenVEX 0.2.0 document of items, issued on day by
// author in role (manufacturer, or whoever assessed someone else's SBOM). The same items give the same bytes: statements are sorted, the
// document's ID is its canonical hash. A statement the specification
// would refuse (not affected without a justification or impact, affected
// without an action) is written as under investigation, saying why.
func OpenVEX(w io.Writer, author, role string, day time.Time, items []Item) error {
	doc := openvex.VEX{
		Metadata: openvex.Metadata{
			Context:    openvex.ContextLocator(),
			Author:     author,
			AuthorRole: role,
			Timestamp:  &day,
			Version:    1,
			Tooling:    "mdcheck",
		},
		Statements: []openvex.Statement{},
	}
	for _, it := range items {
		s := it.Statement
		st := openvex.Statement{
			Vulnerability: openvex.Vulnerability{Name: openvex.VulnerabilityID(s.Vulnerability)},
			Status:        openvex.Status(s.Status),
			Justification: openvex.Justification(s.Justification),
		}
		for _, a := range s.Aliases {
			if a != s.Vulnerability {
				st.Vulnerability.Aliases = append(st.Vulnerability.Aliases, openvex.VulnerabilityID(a))
			}
		}
		if !s.Timestamp.IsZero() {
			t := s.Timestamp
			st.Timestamp = &t
		}
		switch st.Status {
		case openvex.StatusNotAffected:
			st.ImpactStatement = s.Impact
		case openvex.StatusAffected:
			st.ActionStatement = s.Action
		}
		p := openvex.Product{Component: openvex.Component{ID: it.Product}}
		for _, sc := range it.Subcomponents {
			p.Subcomponents = append(p.Subcomponents, openvex.Subcomponent{Component: openvex.Component{ID: sc}})
		}
		st.Products = []openvex.Product{p}
		if err := st.Validate(); err != nil {
			st = openvex.Statement{Vulnerability: st.Vulnerability, Products: st.Products, Timestamp: st.Timestamp,
				Status: openvex.StatusUnderInvestigation, StatusNotes: "the recorded decision is incomplete: " + err.Error()}
		}
		doc.Statements = append(doc.Statements, st)
	}
	sort.SliceStable(doc.Statements, func(i, j int) bool {
		a, b := doc.Statements[i], doc.Statements[j]
		if a.Products[0].ID != b.Products[0].ID {
			return a.Products[0].ID < b.Products[0].ID
		}
		return a.Vulnerability.Name < b.Vulnerability.Name
	})
	id, err := doc.GenerateCanonicalID()
	if err != nil {
		return fmt.Errorf("openvex: %w", err)
	}
	doc.ID = id
	return jsonsafe.WriteIndented(w, &doc)
}
