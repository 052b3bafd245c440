package app

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Touched says which subjects of a device model ("device" for its
// identity, else a component's ID) the records of this App's database
// can reach: a match of a component's SBOM, or an advisory naming the
// device or a component. It is the cheap half of a health check, for
// deciding which devices a new advisory makes worth assessing again; an
// SBOM that cannot be read touches nothing here, and its assessment says
// so. sboms are SBOMs the caller holds parsed, as CheckOptions.SBOMs.
func (a *App) Touched(ctx context.Context, file string, sboms map[string]Parsed) ([]string, error) {
	dev, err := model.LoadHolding(file, func(p string) bool { _, ok := sboms[p]; return ok })
	if err != nil {
		return nil, err
	}
	d, release, err := a.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	docs, err := sbomEvidence(ctx, dev, evidence.NewSet(), a.sboms, maps.Clone(held(sboms)))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range dev.Components {
		doc, ok := docs[c.ID]
		if !ok {
			continue
		}
		ms, _, err := d.db.Scan(ctx, packages(doc))
		if err != nil {
			return nil, fmt.Errorf("matching the SBOM of %s: %w", c.ID, damaged(err))
		}
		if len(ms) > 0 {
			out = append(out, c.ID)
		}
	}
	for _, s := range AdvisorySubjects(dev) {
		hits, n, err := d.db.MatchDevice(ctx, advisory.Device{Vendor: s.Vendor, Product: s.Product, Version: s.Version})
		if err != nil || n == 0 {
			return out, damaged(err)
		}
		if len(hits) > 0 && !slices.Contains(out, s.Subject) {
			out = append(out, s.Subject)
		}
	}
	return out, nil
}
