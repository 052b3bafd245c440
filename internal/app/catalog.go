package app

import (
	"context"
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/catalog/rules"
	"github.com/mdcheck/mdcheck/internal/model/schema"
	"github.com/mdcheck/mdcheck/internal/sbom"
)

// SBOMReport is one SBOM as read: its document, NTIA quality and the
// ledger of what can be matched against advisories.
type SBOMReport struct {
	*sbom.Document
	Quality sbom.Quality `json:"quality"`
	Ledger  []sbom.Entry `json:"ledger"`
}

// ReadSBOMs reads each SBOM (CycloneDX or SPDX, detected by content).
func (a *App) ReadSBOMs(ctx context.Context, files []string) ([]SBOMReport, error) {
	var out []SBOMReport
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		doc, err := sbom.ReadFile(f)
		if err != nil {
			return nil, InputError{err}
		}
		out = append(out, SBOMReport{Document: doc, Quality: doc.Quality(), Ledger: doc.Ledger()})
	}
	return out, nil
}

// CheckSBOM reads data as an SBOM named name, as ReadSBOMs reads a file;
// it says only whether it is one.
func (a *App) CheckSBOM(name string, data []byte) error {
	if _, err := sbom.Parse(name, data); err != nil {
		return InputError{err}
	}
	return nil
}

// CatalogEntry is one requirement with the rules that decide it.
type CatalogEntry struct {
	catalog.Requirement
	Rules []string `json:"rules"`
}

// Catalog is the requirements catalog with how each is decided.
type Catalog struct {
	Version      string         `json:"version"`
	Requirements []CatalogEntry `json:"requirements"`
}

// ListCatalog lists every requirement with the rules that decide it.
func (a *App) ListCatalog() Catalog {
	by := decidedBy()
	c := Catalog{Version: catalog.Version, Requirements: []CatalogEntry{}}
	for _, r := range catalog.Requirements() {
		rs := by[r.ID]
		if rs == nil {
			rs = []string{}
		}
		c.Requirements = append(c.Requirements, CatalogEntry{r, rs})
	}
	return c
}

// Entry is a requirement or a rule of the catalog, one of the two set.
type Entry struct {
	Requirement *CatalogEntry `json:"requirement,omitempty"`
	Rule        *catalog.Rule `json:"rule,omitempty"`
}

// ErrNotInCatalog is an ID that is neither a requirement nor a rule.
var ErrNotInCatalog = fmt.Errorf("no such requirement or rule")

// ShowCatalog finds a requirement, or a rule, by ID.
func (a *App) ShowCatalog(id string) (Entry, error) {
	for _, r := range catalog.Requirements() {
		if r.ID == id {
			rs := decidedBy()[r.ID]
			if rs == nil {
				rs = []string{}
			}
			return Entry{Requirement: &CatalogEntry{r, rs}}, nil
		}
	}
	for _, r := range rules.All() {
		if r.ID == id {
			return Entry{Rule: &r}, nil
		}
	}
	return Entry{}, fmt.Errorf("%w: %q", ErrNotInCatalog, id)
}

// decidedBy maps each requirement to the rules that help decide it.
func decidedBy() map[string][]string {
	by := map[string][]string{}
	for _, r := range rules.All() {
		for _, ref := range r.Refs {
			by[ref] = append(by[ref], r.ID)
		}
	}
	return by
}

// ModelSchema is the JSON Schema (draft 2020-12) of the device model
// ("device") or of a vulnerability dispositions file ("dispositions");
// false for another name.
func ModelSchema(name string) ([]byte, bool) {
	switch name {
	case "device":
		return schema.Schema(), true
	case "dispositions":
		return schema.DispositionsSchema(), true
	}
	return nil, false
}
