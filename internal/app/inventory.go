package app

import (
	"context"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/inventory"
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
	inventory.Row
	Matches []InventoryMatch `json:"matches"`
}

// InventorySummary is what an inventory match read and found, written
// after the last row.
type InventorySummary struct {
	// Source says what was read (format, encoding, delimiter or sheet);
	// Columns which header each field was read from.
	Source  string            `json:"source"`
	Columns map[string]string `json:"columns"`
	// Rows counts the rows matched, Matched those with at least one
	// match, by their best confidence.
	Rows    int                         `json:"rows"`
	Matched map[advisory.Confidence]int `json:"matched"`
	// Skipped lists the rows that could not be read (the first thousand),
	// SkippedRows counts them all.
	Skipped     []inventory.Skipped `json:"skipped"`
	SkippedRows int                 `json:"skippedRows"`
	// Database is the database matched against.
	Database store.Status `json:"-"`
}

// InventoryOptions are the inputs of an inventory match.
type InventoryOptions struct {
	File string // CSV, XLSX or JSON inventory
	// Columns maps fields to headers: "vendor=Manufacturer,product=Model".
	Columns string
	// Sheet names the XLSX sheet to read.
	Sheet string
	Freshness
	Events
}

// MatchInventory reads an inventory and hands each row, in input order,
// with the advisories that may concern it, to emit. It returns what was
// read and matched, with the database matched against. A row that
// cannot be read is skipped and listed, never failing the file.
func (a *App) MatchInventory(ctx context.Context, o InventoryOptions, emit func(InventoryRow) error) (InventorySummary, error) {
	var sum InventorySummary
	cols, err := inventory.ParseColumns(o.Columns)
	if err != nil {
		return sum, InputError{err}
	}
	data, err := boundedio.ReadFile(o.File, inventory.MaxFile)
	if err != nil {
		return sum, InputError{err}
	}
	inv, err := inventory.Read(o.File, data, inventory.Options{Columns: cols, Sheet: o.Sheet})
	if err != nil {
		return sum, InputError{err}
	}
	sum.Source, sum.Skipped, sum.Matched = inv.Format, inv.Skipped, map[advisory.Confidence]int{}
	sum.SkippedRows = len(inv.Skipped)
	if sum.Skipped == nil {
		sum.Skipped = []inventory.Skipped{}
	}
	sum.Columns = map[string]string{}
	for f, h := range inv.Mapping {
		sum.Columns[string(f)] = h
	}
	for _, s := range inv.Skipped {
		o.Events.warn("%s: row %d skipped: %s", o.File, s.Row, s.Reason)
	}
	d, release, err := a.matchDB(o.Events, o.Freshness)
	if err != nil {
		return sum, err
	}
	defer release()
	sum.Database = d.Status
	advs, err := d.db.Advisories(ctx)
	if err != nil {
		return sum, damaged(err)
	}
	m := advisory.NewMatcher(advs)
	kev := d.db.KEVListed()
	// Fleets hold many identical devices: their matches are worked out
	// once (a bounded memory of the last few thousand).
	memo := map[advisory.Device][]InventoryMatch{}
	for _, r := range inv.Rows {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		ms, ok := memo[r.Device]
		if !ok {
			ms = []InventoryMatch{}
			for _, h := range m.Match(r.Device) {
				listed, err := kev.Of(ctx, h.CVEs)
				if err != nil {
					return sum, err
				}
				ms = append(ms, InventoryMatch{Hit: h, KEV: listed})
			}
			if len(memo) >= 4096 {
				clear(memo)
			}
			memo[r.Device] = ms
		}
		sum.Rows++
		if len(ms) > 0 {
			sum.Matched[ms[0].Confidence]++
		}
		if err := emit(InventoryRow{Row: r, Matches: ms}); err != nil {
			return sum, err
		}
	}
	return sum, nil
}
