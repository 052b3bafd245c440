package mds2

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
)

// Sheet is the name of the form's sheet in written workbooks.
const Sheet = "mds2-form"

// Unanswered is the note of questions Write is given no answer for.
const Unanswered = "Left blank: not covered by the device model; for the manufacturer to answer."

// Write writes a workbook structured like the HN 1-2019 form: one sheet,
// every section with a header row and every question by ID in column A,
// mdcheck's wording in B, the answer in C and a note reference in D;
// notes after the last section. Questions without an answer in answers
// are left blank with a note saying so; DOC-7 holds date as an Excel
// serial. Read reads it back to the same answers. source names what the
// answers were derived from.
func Write(w io.Writer, source string, date time.Time, answers map[string]Item) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName(x.GetSheetName(0), Sheet); err != nil {
		return err
	}
	rows := [][]any{
		{"Written by mdcheck from " + source + ". Structured after ANSI/NEMA HN 1-2019: every question by its ID, in mdcheck's words (the form's texts are NEMA's)."},
		{"Manufacturer Disclosure Statement for Medical Device Security -- MDS2 (HN 1-2019 structure)"},
		{},
		{},
		{"Question ID", "Question (mdcheck's wording)", "Answer", "Note"},
	}
	var notes []string
	noteNo := map[string]int{}
	ref := func(text string) string {
		if text == "" {
			return "__"
		}
		n, ok := noteNo[text]
		if !ok {
			notes = append(notes, text)
			n = len(notes)
			noteNo[text] = n
		}
		return "Note " + strconv.Itoa(n)
	}
	sec := ""
	for _, q := range hn2019.Questions {
		if s := q.Section(); s != sec {
			sec = s
			for _, st := range hn2019.Sections {
				if st.Code == s {
					rows = append(rows, []any{nil, strings.ToUpper(st.Title) + " (" + s + ")"})
				}
			}
		}
		a, ok := answers[q.ID]
		if !ok {
			a = Item{Answer: Blank, Note: Unanswered}
		}
		var value any
		switch {
		case q.Kind == hn2019.Date && !date.IsZero():
			// An Excel serial date, as the form stores it.
			value = int(date.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
			a.Note = ""
		case q.Kind != hn2019.YesNo:
			value = a.Text
		case a.Text != "":
			value = a.Text // "Yes, optional", or an answer in words
		default:
			value = map[Answer]string{Yes: "Yes", No: "No", NA: "N/A", SeeNote: "See Note"}[a.Answer]
		}
		rows = append(rows, []any{q.ID, q.About, value, ref(a.Note)})
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
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			if err := x.SetCellValue(Sheet, cell, v); err != nil {
				return err
			}
		}
	}
	x.SetColWidth(Sheet, "A", "A", 14)
	x.SetColWidth(Sheet, "B", "B", 70)
	x.SetColWidth(Sheet, "D", "D", 10)
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("writing the MDS2 workbook: %w", err)
	}
	return nil
}
