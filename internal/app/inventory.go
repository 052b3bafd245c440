package app

import (
	"context"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// InventoryMatch is one hit of an inventory row, with the KEV-listed
// CVEs among the advisory's.
type InventoryMatch struct {
	advisory.Hit
	KEV []string `json:"kev"`
}

// InventoryRow is one inventory row and what it matched.
type InventoryRow struct {
	advisory.Row
	Matches []InventoryMatch `json:"matches"`
}

// InventoryOptions are the inputs of an inventory match.
type InventoryOptions struct {
	File string // CSV or JSON inventory
	Freshness
	Events
}

// MatchInventory reads an inventory and hands each row, in input order,
// with the advisories that may concern it, to emit: nothing grows with
// the inventory but what emit keeps. It returns the status of the
// database matched against.
func (a *App) MatchInventory(ctx context.Context, o InventoryOptions, emit func(InventoryRow) error) (store.Status, error) {
	data, err := boundedio.ReadFile(o.File, advisory.MaxInventory)
	if err != nil {
		return store.Status{}, InputError{err}
	}
	rows, err := advisory.ReadInventory(o.File, data)
	if err != nil {
		return store.Status{}, InputError{err}
	}
	d, release, err := a.matchDB(o.Events, o.Freshness)
	if err != nil {
		return store.Status{}, err
	}
	defer release()
	advs, err := d.db.Advisories(ctx)
	if err != nil {
		return d.Status, damaged(err)
	}
	m := advisory.NewMatcher(advs)
	kev := d.db.KEVListed()
	// Fleets hold many identical devices: their matches are worked out
	// once (a bounded memory of the last few thousand).
	memo := map[advisory.Device][]InventoryMatch{}
	for _, r := range rows {
		if err := ctx.Err(); err != nil {
			return d.Status, err
		}
		ms, ok := memo[r.Device]
		if !ok {
			ms = []InventoryMatch{}
			for _, h := range m.Match(r.Device) {
				listed, err := kev.Of(ctx, h.CVEs)
				if err != nil {
					return d.Status, err
				}
				ms = append(ms, InventoryMatch{Hit: h, KEV: listed})
			}
			if len(memo) >= 4096 {
				clear(memo)
			}
			memo[r.Device] = ms
		}
		if err := emit(InventoryRow{Row: r, Matches: ms}); err != nil {
			return d.Status, err
		}
	}
	return d.Status, nil
}
