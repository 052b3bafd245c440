package mds2

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Question is one question of a form to write, with our own wording.
type Question struct {
	ID     string
	About  string
	Answer Answer // Yes, No or Blank
	Note   string
}

// Sheet is the name of the form's sheet in written workbooks.
const Sheet = "mds2-form"

// Write writes a workbook structured like the HN 1-2019 form (one sheet,
// question IDs in column A, our wording in B, answers in C, note
// references in D, notes after the questions) that Read reads back to the
// same answers. source names what the answers were derived from.
func Write(w io.Writer, source, manufacturer, product, model string, date time.Time, qs []Question) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName(x.GetSheetName(0), Sheet); err != nil {
		return err
	}
	set := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return x.SetCellValue(Sheet, cell, v)
	}
	rows := [][]any{
		{"Written by mdcheck from " + source + ". Structured after ANSI/NEMA HN 1-2019; questions by ID, in mdcheck's words."},
		{"Manufacturer Disclosure Statement for Medical Device Security -- MDS2 (HN 1-2019 structure)"},
		{},
		{},
		{"Question ID", "Question (mdcheck's wording)", "Answer", "Note"},
	}
	doc := []Question{{ID: "DOC-1", About: "Manufacturer"}, {ID: "DOC-2", About: "Device"}, {ID: "DOC-3", About: "Model"}, {ID: "DOC-7", About: "Release date"}}
	docVal := []any{manufacturer, product, model, nil}
	if !date.IsZero() {
		// An Excel serial date, as the form stores it.
		docVal[3] = int(date.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	for i, q := range doc {
		rows = append(rows, []any{q.ID, q.About, docVal[i], "__"})
	}
	var notes []string
	for _, q := range qs {
		answer := map[Answer]string{Yes: "Yes", No: "No", NA: "N/A", Blank: ""}[q.Answer]
		ref := "__"
		if q.Note != "" {
			notes = append(notes, q.Note)
			ref = "Note " + strconv.Itoa(len(notes))
		}
		rows = append(rows, []any{q.ID, q.About, answer, ref})
	}
	rows = append(rows, []any{})
	for i, n := range notes {
		rows = append(rows, []any{"Note " + strconv.Itoa(i+1), n})
	}
	for r, row := range rows {
		for c, v := range row {
			if v == nil || v == "" {
				continue
			}
			if err := set(c+1, r+1, v); err != nil {
				return err
			}
		}
	}
	x.SetColWidth(Sheet, "A", "A", 14)
	x.SetColWidth(Sheet, "B", "B", 60)
	x.SetColWidth(Sheet, "D", "D", 10)
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("writing the MDS2 workbook: %w", err)
	}
	return nil
}
