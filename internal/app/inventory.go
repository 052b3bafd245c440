package app

import (
	"context"
	"time"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/inventory"
	"github.com/mdcheck/mdcheck/internal/platform"
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
	// PlatformSupport is the operating system the row names (its platform
	// column, or words of its product, model or description) and whether
	// its vendor's support has ended.
	PlatformSupport *PlatformSupport `json:"platformSupport,omitempty"`
}

// PlatformSupport is a row's platform and its vendor's end of support.
type PlatformSupport struct {
	platform.Platform
	// Ended is set when support ended before the day of the match.
	Ended bool `json:"ended"`
	// From says where the platform was read: the platform column, or the
	// product, model or description.
	From string `json:"from"`
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
	// UnsupportedPlatforms counts the rows on a platform whose vendor's
	// support has ended.
	UnsupportedPlatforms int `json:"unsupportedPlatforms"`
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
	// Date is the day platforms' end of support is judged on; the zero
	// time means today (UTC).
	Date time.Time
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
	// A first pass reads the whole file without keeping its rows: a file
	// refused as a whole is refused before anything is written.
	opts := inventory.Options{Columns: cols, Sheet: o.Sheet}
	inv, err := inventory.Scan(o.File, data, opts, func(inventory.Row) error { return ctx.Err() })
	if err != nil {
		if ctx.Err() != nil {
			return sum, ctx.Err()
		}
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
	day := o.Date
	if day.IsZero() {
		day = time.Now().UTC().Truncate(24 * time.Hour)
	}
	// Fleets hold many identical devices: their matches are worked out
	// once (a bounded memory of the last few thousand).
	memo := map[advisory.Device][]InventoryMatch{}
	_, err = inventory.Scan(o.File, data, opts, func(r inventory.Row) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		ms, ok := memo[r.Device]
		if !ok {
			ms = []InventoryMatch{}
			for _, h := range m.Match(r.Device) {
				listed, err := kev.Of(ctx, h.CVEs)
				if err != nil {
					return err
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
		ps := platformOf(r, day)
		if ps != nil && ps.Ended {
			sum.UnsupportedPlatforms++
		}
		return emit(InventoryRow{Row: r, Matches: ms, PlatformSupport: ps})
	})
	return sum, err
}

// platformOf finds the platform a row names: its platform column first,
// then its product, model and description.
func platformOf(r inventory.Row, day time.Time) *PlatformSupport {
	for _, src := range []struct{ text, from string }{{r.Platform, "platform column"}, {r.Product, "product"}, {r.Model, "model"}, {r.Description, "description"}} {
		if src.text == "" {
			continue
		}
		if p, ok := platform.Find(src.text); ok {
			return &PlatformSupport{Platform: p, Ended: p.Ended(day), From: src.from}
		}
	}
	return nil
}
