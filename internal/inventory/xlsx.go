package inventory

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mdcheck/mdcheck/internal/xlsxsafe"
)

// Bounds on a workbook, beyond MaxFile.
const (
	maxUnzipped = 256 << 20
	maxXMLInMem = 16 << 20
	maxEntries  = 1000
	maxSheets   = 64
)

func isZip(data []byte) bool { return xlsxsafe.IsZip(data) }

// readXLSX reads the sheet named in o, or the first sheet with a header
// row, row by row.
func readXLSX(name string, data []byte, o Options, fn func(Row) error) (*Inventory, error) {
	x, sheets, err := xlsxsafe.Open(name, data, xlsxsafe.Limits{Entries: maxEntries, Sheets: maxSheets, InMemory: maxXMLInMem, Unzipped: maxUnzipped, MaxRatio: 1000,
		WhatFor: "inventory workbook"}, false)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	defer x.Close()
	if o.Sheet != "" {
		found := false
		for _, s := range sheets {
			if strings.EqualFold(s, o.Sheet) {
				sheets, found = []string{s}, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: %s: no sheet %q; the sheets are %s", ErrInvalid, name, o.Sheet, strings.Join(sheets, ", "))
		}
	}
	var firstErr error
	for _, s := range sheets {
		inv, err := readSheet(name, x, s, o, fn)
		if err != nil {
			return nil, err
		}
		if inv != nil {
			return inv, nil
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("%w: %s: no header row naming a vendor column and a product, model or description column in the first %d rows of sheet %s", ErrInvalid, name, headerRows, s)
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("%w: %s: a workbook without sheets", ErrInvalid, name)
	}
	return nil, firstErr
}

// readSheet reads one sheet; nil when it has no header row.
func readSheet(name string, x *excelize.File, sheet string, o Options, fn func(Row) error) (*Inventory, error) {
	rows, err := x.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: sheet %s: %v", ErrInvalid, name, sheet, err)
	}
	defer rows.Close()
	inv := &Inventory{Format: "XLSX, sheet " + sheet}
	b := &builder{name: name, inv: inv, emit: fn}
	found := false
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: sheet %s row %d: %v", ErrInvalid, name, sheet, n, err)
		}
		if len(cells) > MaxColumns {
			cells = cells[:MaxColumns+1] // add reports it
		}
		if !found {
			if n > headerRows {
				return nil, nil
			}
			h, herr, ok := mapHeader(cells, o.Columns)
			if herr != nil && len(o.Columns) > 0 && n == headerRows {
				return nil, fmt.Errorf("%w: %s: sheet %s: %v", ErrInvalid, name, sheet, herr)
			}
			if ok {
				b.h, found = h, true
				inv.Mapping = h.mapped
			}
			continue
		}
		row := n
		where := func(col int) string {
			c, _ := excelize.CoordinatesToCellName(col+1, row)
			return fmt.Sprintf("%s: sheet %s cell %s", name, sheet, c)
		}
		if err := b.add(n, cells, where); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("%w: %s: sheet %s: %v", ErrInvalid, name, sheet, err)
	}
	if !found {
		return nil, nil
	}
	return inv, nil
}
