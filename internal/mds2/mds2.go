// Package mds2 reads the Manufacturer Disclosure Statement for Medical
// Device Security (MDS2, ANSI/NEMA HN 1-2019), the workbook hospitals buy
// devices on: its question IDs (found by pattern, not by row), answers
// (Yes, No, N/A, See Note) with their notes, and the device description
// rows. It tolerates what vendors send (extra or renamed sheets, moved
// columns, merged cells, free text beside the answer, blank rows, stray
// spaces), warning with the cell, and refuses the 2013 edition with a
// clear message. Every read is bounded: the zip container, its entries,
// the rows of a sheet.
//
// The form is NEMA's: mdcheck ships none of its question texts, and
// refers to questions by ID with its own short wording.
package mds2

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/xlsxsafe"
)

// Answer and Item are the form's answers (hn2019 holds them, so that
// every package that speaks of an answer uses the same one).
type (
	Answer = hn2019.Answer
	Item   = hn2019.Item
	Form   = hn2019.Form
)

// Answers.
const (
	Yes     = hn2019.Yes
	No      = hn2019.No
	NA      = hn2019.NA
	SeeNote = hn2019.SeeNote
	Other   = hn2019.Other
	Blank   = hn2019.Blank
)

// new2019 are sections the 2013 edition did not have.
var new2019 = []string{"MPII", "CONN", "RMOT", "SBOM"}

var (
	idPattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^\s*(DOC|MPII|ALOF|AUDT|AUTH|CSUP|DIDT|DTBK|EMRG|IGAU|MLDP|NAUT|CONN|PAUT|PLOK|RDMP|SBOM|SAHD|SHAD|SGUD|STCF|TXCF|TXIG|RMOT)\s*-\s*(\d{1,3}(?:\.\d{1,3}){0,3})\s*[.:]?\s*$`)
	})
	notePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^\s*note\s*#?\s*(\d{1,4})\s*$`) })
	noteRef     = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\bnotes?\s*#?\s*(\d{1,4}(?:\s*(?:,|&|and)\s*#?\s*\d{1,4})*)\b`)
	})
	number = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\d{1,4}`) })
	// prefixed is an ID at the start of a cell that goes on with the
	// question's text, as forms converted from PDF have it.
	prefixed = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^\s*(DOC|MPII|ALOF|AUDT|AUTH|CSUP|DIDT|DTBK|EMRG|IGAU|MLDP|NAUT|CONN|PAUT|PLOK|RDMP|SBOM|SAHD|SHAD|SGUD|STCF|TXCF|TXIG|RMOT)\s*-\s*(\d{1,3}(?:\.\d{1,3}){0,3})(?:\s*[:.)\]]\s*|\s+)\S`)
	})
	noteHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^\s*(?:notes?|comments?|remarks?)\b`) })
)

// Bounds on a workbook.
const (
	MaxFile     = 32 << 20  // the .xlsx file
	maxUnzipped = 128 << 20 // all entries, uncompressed
	maxXMLInMem = 16 << 20  // a sheet kept in memory; larger ones go to a temporary file
	maxEntries  = 1000
	maxRows     = 20_000 // rows read from one sheet
	maxColumns  = 64
	maxCellText = 32 << 10
	maxSheets   = 64
)

// ErrInvalid marks a workbook that is not a readable MDS2 form.
var ErrInvalid = errors.New("invalid MDS2 form")

// Read reads an MDS2 workbook (.xlsx); name is used in messages.
func Read(name string, data []byte) (*Form, error) {
	if len(data) > MaxFile {
		return nil, fmt.Errorf("%w: %s: %d bytes; a workbook may be at most %d", ErrInvalid, name, len(data), MaxFile)
	}
	x, sheets, err := xlsxsafe.Open(name, data, xlsxsafe.Limits{Entries: maxEntries, Sheets: maxSheets, InMemory: maxXMLInMem, Unzipped: maxUnzipped, MaxRatio: 1000,
		WhatFor: "MDS2 workbook", AskSource: "ask the manufacturer for it"}, true)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	defer x.Close()
	// The form is the sheet with the most answered questions (not a blank
	// template kept beside the filled form), wherever it is and whatever
	// its name; then the one with the most question IDs.
	var best *sheetData
	for _, s := range sheets {
		sd, err := readSheet(x, name, s)
		if err != nil {
			return nil, err
		}
		if best == nil || sd.better(best) {
			best = sd
		}
	}
	if best == nil || best.ids == 0 {
		return nil, fmt.Errorf("%w: %s: no MDS2 question IDs (such as AUTH-1 or EMRG-1) in any sheet", ErrInvalid, name)
	}
	return best.form(name)
}

// cell is one non-empty cell of a sheet.
type cell struct {
	// sec and num are the question ID the cell holds ("AUDT", "2.8.1"),
	// read once; empty when it holds none.
	sec, num string
	row, col int // 1-based
	text     string
}

type sheetData struct {
	name     string
	rows     [][]cell
	ids      int
	answered int    // rows with a question ID and an answer word
	title    string // the text of the first rows, to tell the edition
	// prefixed is the first cell holding an ID followed by the question's
	// text, when such cells were read as IDs (the sheet has no other).
	prefixed string
}

func (sd *sheetData) better(than *sheetData) bool {
	if sd.answered != than.answered {
		return sd.answered > than.answered
	}
	return sd.ids > than.ids
}

// readSheet reads a sheet's non-empty cells, row by row, bounded.
func readSheet(x *excelize.File, file, sheet string) (*sheetData, error) {
	rows, err := x.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: sheet %q: %v", ErrInvalid, file, sheet, err)
	}
	defer rows.Close()
	sd := &sheetData{name: sheet}
	// IDs at the start of a cell with text after them, with the answered
	// rows among theirs: used only if the sheet has no cell that is an ID.
	type pre struct{ row, i int }
	var pres []pre
	preAnswered := 0
	r := 0
	for rows.Next() {
		r++
		if r > maxRows {
			return nil, fmt.Errorf("%w: %s: sheet %q has more than %d rows; an MDS2 form has a few hundred", ErrInvalid, file, sheet, maxRows)
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("%w: %s: sheet %q row %d: %v", ErrInvalid, file, sheet, r, err)
		}
		var line []cell
		id, answer, pid := false, false, false
		for c, v := range cols {
			if c >= maxColumns {
				break
			}
			if len(v) > maxCellText {
				v = v[:maxCellText]
			}
			if strings.TrimSpace(v) == "" {
				continue
			}
			line = append(line, cell{row: r, col: c + 1, text: v})
			if m := matchID(v); m != nil {
				line[len(line)-1].sec, line[len(line)-1].num = strings.ToUpper(m[1]), m[2]
				sd.ids++
				id = true
			} else if a, _ := answerWord(v); a != Other && a != Blank {
				answer = true
			} else if len(pres) < maxRows && prefixed().MatchString(idDashes.Replace(v)) {
				pres = append(pres, pre{len(sd.rows), len(line) - 1})
				pid = true
			}
		}
		if id && answer {
			sd.answered++
		}
		if pid && answer {
			preAnswered++
		}
		if r <= 6 {
			for _, c := range line {
				sd.title += " " + c.text
			}
		}
		sd.rows = append(sd.rows, line)
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("%w: %s: sheet %q: %v", ErrInvalid, file, sheet, err)
	}
	if sd.ids == 0 && len(pres) > 0 {
		for k, p := range pres {
			c := &sd.rows[p.row][p.i]
			if k == 0 {
				sd.prefixed = sd.addr(*c)
			}
			m := prefixed().FindStringSubmatch(idDashes.Replace(c.text))
			c.text = m[1] + "-" + m[2] // the ID as written, for messages
			c.sec, c.num = strings.ToUpper(m[1]), m[2]
		}
		sd.ids, sd.answered = len(pres), preAnswered
	}
	return sd, nil
}

func (sd *sheetData) addr(c cell) string {
	n, _ := excelize.CoordinatesToCellName(c.col, c.row)
	return sd.name + "!" + n
}

// form reads the question rows of the sheet.
func (sd *sheetData) form(file string) (*Form, error) {
	f := &Form{File: file, Sheet: sd.name, Edition: "HN 1-2019", Items: map[string]Item{}, Notes: map[string]string{}, Warnings: []string{}}
	if strings.Contains(sd.title, "2013") && !strings.Contains(sd.title, "2019") {
		return nil, fmt.Errorf("%w: %s: the 2013 edition of the MDS2 (HN 1-2013); mdcheck reads the 2019 edition (HN 1-2019), which manufacturers have used since 2019: ask for it", ErrInvalid, file)
	}
	// The ID column is where most IDs are; the answer column, right of
	// it, where most answer words are.
	idCol := map[int]int{}
	for _, row := range sd.rows {
		for _, c := range row {
			if c.sec != "" {
				idCol[c.col]++
			}
		}
	}
	ic := argmax(idCol)
	ansCol := map[int]int{}
	for _, row := range sd.rows {
		if !rowHasID(row, ic) {
			continue
		}
		for _, c := range row {
			if c.col > ic {
				if a, _ := answerWord(c.text); a != Other {
					ansCol[c.col]++
				}
			}
		}
	}
	ac := argmax(ansCol)
	if ac == 0 {
		return nil, fmt.Errorf("%w: %s: sheet %q: question IDs in column %s but no column of answers (Yes, No, N/A) right of it", ErrInvalid, file, sd.name, colName(ic))
	}
	if sd.prefixed != "" {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: question IDs read from cells that go on with the question's text (a form converted from PDF?)", sd.prefixed))
	}
	// Where the form is not where the 2019 form has it, say where it was
	// read.
	if sd.name != "mds2-form" {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: the form was read from this sheet (the 2019 form names it mds2-form)", sd.name))
	}
	if ic != 1 || ac != 3 {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: columns moved: question IDs read from column %s, answers from column %s (the 2019 form has them in A and C)", sd.name, colName(ic), colName(ac)))
	}
	// A form covering several models may answer each in a column of its
	// own; only one is read, and the user is told.
	for col, n := range ansCol {
		if col != ac && n >= 10 && 2*n >= ansCol[ac] {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: column %s holds %d answers too (another model?); answers are read from column %s (%d)",
				sd.name, colName(col), n, colName(ac), ansCol[ac]))
		}
	}
	// The note column is the one right of the answers headed "Note"
	// ("Note #", "Notes", "Comments") above the first question, where
	// vendors write note references or, often, the note itself.
	nc := 0
	for _, row := range sd.rows {
		if nc != 0 || rowHasID(row, ic) {
			break // the header is above the first question
		}
		for _, c := range row {
			if c.col > ac && noteHeader().MatchString(c.text) {
				nc = c.col
				break
			}
		}
	}
	// The 2013 edition has none of the sections 2019 added.
	has := map[string]bool{}
	refs := map[string][]string{} // id -> note numbers
	inline := map[string]string{} // id -> note written in the note column
	for _, row := range sd.rows {
		var idc *cell
		for i := range row {
			if row[i].col == ic {
				idc = &row[i]
			}
		}
		// Notes: "Note 1" in the ID column (or any early column), text right
		// of it.
		for i, c := range row {
			if m := notePattern().FindStringSubmatch(c.text); m != nil && c.col <= ic+1 && i+1 < len(row) {
				f.Notes[strings.TrimLeft(m[1], "0")] = strings.TrimSpace(row[i+1].text)
				break
			}
		}
		if idc == nil {
			continue
		}
		if idc.sec == "" {
			continue
		}
		sec := idc.sec
		id := sec + "-" + idc.num
		if sec == "SHAD" {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: %q read as SAHD-%s (a typo the form itself has)", sd.addr(*idc), strings.TrimSpace(idc.text), idc.num))
			sec, id = "SAHD", "SAHD-"+idc.num
		}
		if strings.TrimSpace(idc.text) != idc.text {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: spaces around the question ID %q", sd.addr(*idc), strings.TrimSpace(idc.text)))
		}
		has[sec] = true
		q, known := hn2019.Lookup(id)
		if !known {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: %s is not a question of the 2019 form; read as written", sd.addr(*idc), id))
		}
		text := known && q.Kind != hn2019.YesNo || !known && sec == "DOC"
		item := Item{ID: id, Answer: Blank, Cell: sd.addr(cell{row: idc.row, col: ac}), Row: idc.row, Col: ac}
		var notes []string
		for _, c := range row {
			switch {
			case c.col == ac:
				item.Answer, item.Text = answerWord(c.text)
				if !text && item.Answer == Other {
					f.Warnings = append(f.Warnings, fmt.Sprintf("%s: answer %q to %s is not Yes, No, N/A or See Note; kept as text", sd.addr(c), clip(c.text), id))
				}
				if text {
					item.Text = strings.TrimSpace(c.text)
				}
				notes = append(notes, noteNumbers(c.text)...)
			case c.col > ac:
				ns := noteNumbers(c.text)
				notes = append(notes, ns...)
				if c.col == nc && len(ns) == 0 && !placeholder(c.text) {
					inline[id] = strings.TrimSpace(c.text)
				}
			}
		}
		if _, dup := f.Items[id]; dup {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: %s appears again; the first answer is kept", sd.addr(*idc), id))
			continue
		}
		f.Items[id] = item
		if len(notes) > 0 {
			refs[id] = notes
		}
	}
	for id, text := range inline {
		if _, ok := refs[id]; !ok {
			it := f.Items[id]
			it.Note = text
			f.Items[id] = it
		}
	}
	for id, ns := range refs {
		it := f.Items[id]
		var texts []string
		if text, ok := inline[id]; ok {
			texts = append(texts, text)
		}
		seen := map[string]bool{}
		for _, n := range ns {
			if seen[n] {
				continue
			}
			seen[n] = true
			if text, ok := f.Notes[n]; ok {
				texts = append(texts, text)
			} else {
				f.Warnings = append(f.Warnings, fmt.Sprintf("%s: %s refers to note %s, which the form does not have", it.Cell, id, n))
			}
		}
		it.Note = strings.Join(texts, "\n")
		f.Items[id] = it
	}
	n2019 := 0
	for _, s := range new2019 {
		if has[s] {
			n2019++
		}
	}
	if n2019 == 0 && len(f.Items) > 20 {
		return nil, fmt.Errorf("%w: %s: none of the sections the 2019 edition added (MPII, CONN, RMOT, SBOM): an older edition of the MDS2 (HN 1-2013?); mdcheck reads HN 1-2019", ErrInvalid, file)
	}
	doc := func(id string) string {
		if it, ok := f.Items[id]; ok {
			return it.Text
		}
		return ""
	}
	f.Manufacturer, f.Description, f.Model, f.DocumentID = doc("DOC-1"), doc("DOC-2"), doc("DOC-3"), doc("DOC-4")
	for _, id := range []string{"DOC-3", "DOC-2"} {
		if v := versionIn(doc(id)); v != "" {
			f.Version, f.VersionRow = v, id
			break
		}
	}
	if d := doc("DOC-7"); d != "" {
		f.Date = readDate(d)
		if f.Date == "" {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: release date %q is not a date", f.Items["DOC-7"].Cell, clip(d)))
			f.Date = d
		}
	}
	if known := knownQuestions(f); known*100 < len(hn2019.Questions)*MinShare {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: only %d of the %d questions of the HN 1-2019 form were found (fewer than %d%%): is this the whole form of the 2019 edition?", f.Sheet, known, len(hn2019.Questions), MinShare))
	}
	sort.Strings(f.Warnings)
	return f, nil
}

// MinShare is the share of the 2019 form's questions, in percent, below
// which a form is read with a warning that it does not look whole (a
// page of it, another document, another edition).
const MinShare = 50

// knownQuestions counts the form's questions that the 2019 edition has.
func knownQuestions(f *Form) int {
	n := 0
	for id := range f.Items {
		if _, ok := hn2019.Lookup(id); ok {
			n++
		}
	}
	return n
}

// idDashes are what a word processor or a PDF export puts where the ID
// has a hyphen; idSpaces the spaces it leaves around it.
var idDashes = strings.NewReplacer("\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2212", "-",
	"\u00a0", " ", "\u2007", " ", "\u202f", " ")

// matchID matches a question ID ("AUTH-1", "auth – 1.1", "AUDT-2.8.1:"):
// the section and the number.
func matchID(s string) []string {
	if len(s) > 40 {
		return nil
	}
	return idPattern().FindStringSubmatch(idDashes.Replace(s))
}

func rowHasID(row []cell, col int) bool {
	for _, c := range row {
		if c.col == col && c.sec != "" {
			return true
		}
	}
	return false
}

func argmax(m map[int]int) int {
	best, n := 0, 0
	for k, v := range m {
		if v > n || v == n && k < best {
			best, n = k, v
		}
	}
	return best
}

// answerWord reads an answer cell: the word, and the text when the cell
// says more than the word.
func answerWord(s string) (Answer, string) {
	t := strings.TrimSpace(s)
	l := strings.ToLower(t)
	word := func(w string) bool {
		if l == w {
			return true
		}
		rest, ok := strings.CutPrefix(l, w)
		return ok && strings.ContainsRune(",; :.(-*", rune(rest[0]))
	}
	var a Answer
	switch {
	case l == "":
		return Blank, ""
	case word("yes") || l == "y":
		a = Yes
	case word("no") || l == "n":
		a = No
	case word("n/a") || word("na") || word("n.a.") || l == "n.a" || strings.HasPrefix(l, "not applicable"):
		a = NA
	case strings.HasPrefix(l, "see note"):
		a = SeeNote
	default:
		return Other, t
	}
	switch l {
	case "yes", "y", "no", "n", "n/a", "na", "n.a.", "n.a", "not applicable", "see note", "see notes":
		return a, ""
	}
	return a, t
}

// placeholder reports whether a note cell says nothing: "__", "-", "N/A".
func placeholder(s string) bool {
	t := strings.Trim(strings.TrimSpace(s), "_-\u2013\u2014. ")
	if t == "" {
		return true
	}
	a, _ := answerWord(t)
	return a == NA || strings.EqualFold(t, "none")
}

// noteNumbers returns the notes a cell refers to: "Note 3", "Note #3",
// "Notes 2, 5 and 7".
func noteNumbers(s string) []string {
	var out []string
	for _, m := range noteRef().FindAllStringSubmatch(s, 8) {
		for _, n := range number().FindAllString(m[1], 16) {
			out = append(out, strings.TrimLeft(n, "0"))
		}
	}
	return out
}

// versionPattern finds a version in a description: after a word that
// announces it ("version 4.2", "software 2.3.1", "SW v3.1", "rel. 2024.1")
// or as v followed by a dotted number ("v2.0.5").
var versionPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:\b(?:software|firmware|sw|fw)(?:\s+(?:version|ver\.?|release))?|\bversion|\bver\.|\brelease|\brel\.)\s*[:#]?\s*v?(\d+(?:\.\d+){0,3}[a-z0-9]*(?:[._-][a-z0-9]+)*)|\bv(\d+(?:\.\d+)+[a-z0-9]*)\b`)
})

// versionIn returns the version a description names, or "".
func versionIn(s string) string {
	m := versionPattern().FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

// readDate reads a date as an Excel serial number or as text.
func readDate(s string) string {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 1 && n < 2958466 && !math.IsNaN(n) {
		t, err := excelize.ExcelDateToTime(n, false)
		if err == nil {
			return t.Format(time.DateOnly)
		}
	}
	// Month before day with slashes, as the form's US origin has it; day
	// first where the first number cannot be a month (31/01/2024).
	for _, layout := range []string{time.DateOnly, "2006/1/2", "1/2/2006", "2/1/2006", "2.1.2006", "2 January 2006", "January 2, 2006",
		"2 Jan 2006", "Jan 2, 2006", "2-Jan-2006", "2-Jan-06", "January 2006", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return ""
}

func colName(c int) string {
	n, _ := excelize.ColumnNumberToName(max(c, 1))
	return n
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
