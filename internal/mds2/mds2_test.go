package mds2

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
)

// row is one question row of a synthetic form: ID, answer, note column.
type row struct{ id, answer, note string }

// layout says how a synthetic form differs from the usual one.
type layout struct {
	sheet  string   // the form's sheet name
	before []string // sheets before it
	shift  int      // columns moved right
	title  string
	rows   []row
	notes  map[string]string
	merge  bool // a merged title and a merged answer cell
}

// synthetic writes a SYNTHETIC MDS2 workbook (HN 1-2019 layout, our own
// wording; no NEMA text) with excelize.
func synthetic(t testing.TB, l layout) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := f.GetSheetName(0)
	for _, s := range l.before {
		if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
		f.SetCellValue(s, "A1", "vendor cover sheet")
	}
	if l.sheet == "" {
		l.sheet = "mds2-form"
	}
	if _, err := f.NewSheet(l.sheet); err != nil {
		t.Fatal(err)
	}
	f.DeleteSheet(first)
	at := func(col, r int) string {
		n, _ := excelize.CoordinatesToCellName(col+l.shift, r)
		return n
	}
	if l.title == "" {
		l.title = "Manufacturer Disclosure Statement for Medical Device Security -- MDS2 (HN 1-2019), SYNTHETIC TEST FORM"
	}
	f.SetCellValue(l.sheet, at(1, 2), l.title)
	if l.merge {
		f.MergeCell(l.sheet, at(1, 2), at(7, 2))
	}
	for i, h := range []string{"Question ID", "Question", "Answer", "Note #", "IEC TR 80001-2-2", "NIST SP 800-53", "ISO 27002"} {
		f.SetCellValue(l.sheet, at(i+1, 5), h)
	}
	r := 6
	for _, q := range l.rows {
		if q.id == "" {
			r += 2 // blank rows
			continue
		}
		f.SetCellValue(l.sheet, at(1, r), q.id)
		f.SetCellValue(l.sheet, at(2, r), "(our wording of "+strings.TrimSpace(q.id)+")")
		if q.id == "DOC-7" && q.answer == "serial" {
			f.SetCellValue(l.sheet, at(3, r), 43747)
		} else {
			f.SetCellValue(l.sheet, at(3, r), q.answer)
		}
		if l.merge && q.id == "AUTH-1" {
			f.MergeCell(l.sheet, at(3, r), at(4, r))
		}
		note := q.note
		if note == "" {
			note = "__"
		}
		if !(l.merge && q.id == "AUTH-1") {
			f.SetCellValue(l.sheet, at(4, r), note)
		}
		r++
	}
	r++
	for n, text := range l.notes {
		f.SetCellValue(l.sheet, at(1, r), "Note "+n)
		f.SetCellValue(l.sheet, at(2, r), text)
		r++
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var standard = []row{
	{"DOC-1", "Example Medical GmbH", ""}, {"DOC-3", "EX-200", ""}, {"DOC-7", "serial", ""},
	{"MPII-1", "Yes", ""}, {"ALOF-1", "Yes", ""}, {"AUTH-1", "Yes", ""}, {"EMRG-1", "No", "Note 1"},
	{"PAUT-6", "N/A", ""}, {"TXCF-2", "See Note", "Note 2"}, {"STCF-1", "No", ""},
	{"SBOM-1", "Yes", ""}, {"CONN-1", "Yes", ""}, {"RMOT-1", "No", ""}, {"AUDT-2.8.1", "Yes", ""},
}

func TestReadStandard(t *testing.T) {
	data := synthetic(t, layout{rows: standard, notes: map[string]string{"1": "Service PIN on the label.", "2": "TLS 1.2; HL7 in cleartext."}})
	f, err := Read("form.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	// An excerpt of the form: read, with the warning that it is not whole.
	if f.Sheet != "mds2-form" || f.Manufacturer != "Example Medical GmbH" || f.Model != "EX-200" || f.Date != "2019-10-09" ||
		len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "mds2-form: only 14 of the 240 questions of the HN 1-2019 form were found (fewer than 50%)") {
		t.Errorf("form = %+v", f)
	}
	want := map[string]Answer{"EMRG-1": No, "AUTH-1": Yes, "PAUT-6": NA, "TXCF-2": SeeNote, "AUDT-2.8.1": Yes}
	for id, a := range want {
		if it, ok := f.Get(id); !ok || it.Answer != a {
			t.Errorf("%s = %+v, want %s", id, it, a)
		}
	}
	if it, _ := f.Get("emrg-1"); it.Note != "Service PIN on the label." || it.Cell != "mds2-form!C12" {
		t.Errorf("EMRG-1 = %+v", it)
	}
	if ids := f.IDs(); ids[0] != "DOC-1" || ids[len(ids)-1] != "RMOT-1" {
		t.Errorf("IDs in form order = %v", ids)
	}
}

// TestReadVariations reads what vendors send: the form on a renamed
// sheet after cover sheets, columns moved, merged cells, blank rows,
// stray spaces, mixed case, text beside the answer word, the form's own
// SHAD typo, and an answer that is no answer word (a warning naming the
// cell).
func TestReadVariations(t *testing.T) {
	rows := []row{
		{"DOC-1", "  Example Medical GmbH ", ""}, {"", "", ""},
		{"MPII-1", "yes ", ""}, {" AUTH-1 ", "YES", ""}, {"EMRG-1", "No - see IFU", ""}, {"PAUT-1", "Yes, optional", ""},
		{"", "", ""}, {"SHAD-15", "Yes", ""}, {"CSUP-1", "Maybe", ""}, {"TXCF-2", "n/a", "Note 9"},
		{"SBOM-1", "Yes", ""}, {"AUTH-1", "No", ""},
	}
	data := synthetic(t, layout{sheet: "MDS2 Form 2019", before: []string{"Cover", "Contents"}, shift: 2, rows: rows, merge: true})
	f, err := Read("vendor.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Sheet != "MDS2 Form 2019" || f.Manufacturer != "Example Medical GmbH" {
		t.Errorf("form = %+v", f)
	}
	for id, want := range map[string]Item{
		"MPII-1":  {Answer: Yes},
		"AUTH-1":  {Answer: Yes},
		"EMRG-1":  {Answer: No, Text: "No - see IFU"},
		"PAUT-1":  {Answer: Yes, Text: "Yes, optional"},
		"SAHD-15": {Answer: Yes},
		"CSUP-1":  {Answer: Other, Text: "Maybe"},
		"TXCF-2":  {Answer: NA},
	} {
		it, ok := f.Get(id)
		if !ok || it.Answer != want.Answer || it.Text != want.Text {
			t.Errorf("%s = %+v, want %+v", id, it, want)
		}
	}
	for _, w := range []string{
		"MDS2 Form 2019!E16: answer \"Maybe\" to CSUP-1 is not Yes, No, N/A or See Note",
		"MDS2 Form 2019!C15: \"SHAD-15\" read as SAHD-15",
		"MDS2 Form 2019!C10: spaces around the question ID \"AUTH-1\"",
		"AUTH-1 appears again; the first answer is kept",
		"TXCF-2 refers to note 9, which the form does not have",
		"MDS2 Form 2019: the form was read from this sheet",
		"MDS2 Form 2019: columns moved: question IDs read from column C, answers from column E",
	} {
		found := false
		for _, got := range f.Warnings {
			if strings.Contains(got, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no warning %q in %q", w, f.Warnings)
		}
	}
}

// TestReadOpenpyxlFull reads a complete form written by another program
// (testdata/make_openpyxl_full.py): every question under section headers
// and descriptions, reference columns, a blank copy of the form on the
// sheet before, IDs with an en dash and a non-breaking space, the SHAD
// typo, N.A. and Yes*, two notes in one reference, notes spanning lines,
// a date as US text and the version beside the model.
func TestReadOpenpyxlFull(t *testing.T) {
	data, err := os.ReadFile("testdata/synthetic-openpyxl-full.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read("full.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Sheet != "MDS2 VR-400" || f.Manufacturer != "Example Imaging Inc." || f.Version != "3.1.4" || f.Date != "2019-10-09" || f.DocumentID != "EX-MDS2-VR-2019" {
		t.Errorf("form = %s %q %q %q %q", f.Sheet, f.Manufacturer, f.Version, f.Date, f.DocumentID)
	}
	if len(f.Items) != len(hn2019.Questions) {
		t.Errorf("%d questions, want %d", len(f.Items), len(hn2019.Questions))
	}
	for id, want := range map[string]Answer{"AUTH-2": Yes, "PAUT-1": Yes, "SAHD-15": NA, "PAUT-4": NA, "AUDT-7": Yes, "MLDP-2": No, "MLDP-4": Yes, "STCF-1": No, "TXCF-2": SeeNote} {
		if it, ok := f.Get(id); !ok || it.Answer != want {
			t.Errorf("%s = %+v, want %s", id, it, want)
		}
	}
	if it := f.Items["TXCF-2"]; it.Note != "HTTPS (TLS 1.2) for the remote API.\nDICOM to PACS is not encrypted; recordings are stored unencrypted." {
		t.Errorf("TXCF-2 note %q", it.Note)
	}
	if it := f.Items["EMRG-1"]; !strings.Contains(it.Note, "sealed\nemergency card") {
		t.Errorf("EMRG-1 note %q", it.Note)
	}
	if it := f.Items["STCF-1"]; it.Cell != "MDS2 VR-400!C265" {
		t.Errorf("STCF-1 at %s", it.Cell)
	}
	w := strings.Join(f.Warnings, "\n")
	if len(f.Warnings) != 3 || !strings.Contains(w, `"SHAD-15" read as SAHD-15`) || !strings.Contains(w, `spaces around the question ID "PAUT-1"`) ||
		!strings.Contains(w, "MDS2 VR-400: the form was read from this sheet") {
		t.Errorf("warnings = %q", f.Warnings)
	}
}

// TestReadOpenpyxl reads a workbook written by another program
// (testdata/make_openpyxl.py, Debian's python3-openpyxl): a date cell,
// moved columns, a merged title, sheets around the form.
func TestReadOpenpyxl(t *testing.T) {
	data, err := os.ReadFile("testdata/synthetic-openpyxl.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read("synthetic-openpyxl.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Sheet != "MDS2 2019" || f.Manufacturer != "Example Medical GmbH" || f.Model != "EX-200" || f.DocumentID != "EX-MDS2-7" || f.Date != "2025-03-14" {
		t.Errorf("form = %+v", f)
	}
	if it, _ := f.Get("TXCF-2"); it.Answer != SeeNote || !strings.Contains(it.Note, "HL7 to the PDMS is cleartext") {
		t.Errorf("TXCF-2 = %+v", it)
	}
	if it, _ := f.Get("ALOF-1"); it.Answer != Yes || it.Cell != "MDS2 2019!D14" {
		t.Errorf("ALOF-1 = %+v", it)
	}
	if it, _ := f.Get("STCF-1"); it.Answer != No {
		t.Errorf("STCF-1 = %+v", it)
	}
	if w := strings.Join(f.Warnings, "\n"); len(f.Warnings) != 5 || !strings.Contains(w, "MDS2 2019: columns moved: question IDs read from column B, answers from column D") || !strings.Contains(w, "MDS2 2019: only 18 of the 240 questions") {
		t.Errorf("warnings = %q, want the SHAD typo, the CSUP-1 answer, the sheet, the moved columns and the excerpt", f.Warnings)
	}
}

func TestReadRefused(t *testing.T) {
	old := synthetic(t, layout{rows: standard, title: "Manufacturer Disclosure Statement for Medical Device Security -- MDS2, HN 1-2013"})
	var noNew []row
	for i := 1; i <= 25; i++ {
		noNew = append(noNew, row{fmt.Sprintf("AUDT-%d", i), "Yes", ""})
	}
	older := synthetic(t, layout{rows: noNew, title: "MDS2"})
	noAnswers := synthetic(t, layout{rows: []row{{"AUTH-1", "maybe", ""}, {"EMRG-1", "perhaps", ""}}})
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write(bytes.Repeat([]byte{' '}, 200<<20))
	zw.Close()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"2013 edition", old, "2013 edition"},
		{"no 2019 sections", older, "HN 1-2013?"},
		{"no answers", noAnswers, "no column of answers"},
		{"no IDs", synthetic(t, layout{rows: nil}), "no MDS2 question IDs"},
		{"PDF", []byte("%PDF-1.7 ..."), "a PDF"},
		{"xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0}, make([]byte, 100)...), ".xls"},
		{"not a zip", []byte("hello"), "not an .xlsx workbook"},
		{"zip bomb", zb.Bytes(), "zip bomb"},
		{"zip of garbage", func() []byte {
			var b bytes.Buffer
			z := zip.NewWriter(&b)
			w, _ := z.Create("[Content_Types].xml")
			w.Write([]byte("<not xml"))
			z.Close()
			return b.Bytes()
		}(), "not a readable .xlsx"},
	} {
		_, err := Read("in.xlsx", tc.data)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "in.xlsx") {
			t.Errorf("%s: %v, want an error naming the file with %q", tc.name, err, tc.want)
		}
	}
}

func TestReadTooManyRows(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= maxRows+5; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{"AUTH-1", "x", "Yes"}); err != nil {
			t.Fatal(err)
		}
	}
	sw.Flush()
	var b bytes.Buffer
	f.Write(&b)
	if _, err := Read("big.xlsx", b.Bytes()); err == nil || !strings.Contains(err.Error(), "more than 20000 rows") {
		t.Errorf("a sheet of %d rows: %v", maxRows+5, err)
	}
}

func TestReadDate(t *testing.T) {
	for in, want := range map[string]string{"43747": "2019-10-09", "2024-05-01": "2024-05-01", "01/31/2024": "2024-01-31", "soon": "", "45730.0": "2025-03-14",
		"10/9/2019": "2019-10-09", "31/01/2024": "2024-01-31", "20.03.2026": "2026-03-20", "9-Oct-2019": "2019-10-09", "Oct 9, 2019": "2019-10-09",
		"9 Oct 2019": "2019-10-09", "October 2019": "2019-10-01", "2019/10/9": "2019-10-09", "13/13/2024": ""} {
		if got := readDate(in); got != want {
			t.Errorf("readDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestVersionIn: the version a model or description row gives, as
// manufacturers write it; none where the text names only models.
func TestVersionIn(t *testing.T) {
	for in, want := range map[string]string{
		"CVP-200, version 4.2":            "4.2",
		"MVR435 (software 2.3.1)":         "2.3.1",
		"Infusion pump P-1, SW v3.1":      "3.1",
		"Model X-100 v2.0.5":              "2.0.5",
		"Release 2024.1":                  "2024.1",
		"Version: 10":                     "10",
		"Firmware version 1.4.0-rc2":      "1.4.0-rc2",
		"EX-200 software ver. 7.02b":      "7.02b",
		"MVR435, MVR436, MVR450, MTR133":  "",
		"X200 Rev. B":                     "",
		"Infusion pump with 2 channels":   "",
		"Device for vital signs, class V": "",
	} {
		if got := versionIn(in); got != want {
			t.Errorf("versionIn(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadVersion: the version a manufacturer writes beside the model.
func TestReadVersion(t *testing.T) {
	rows := slices.Clone(standard)
	rows[1] = row{"DOC-3", "EX-200 (software 2.3.1)", ""}
	f, err := Read("form.xlsx", synthetic(t, layout{rows: rows}))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "2.3.1" || f.VersionRow != "DOC-3" || f.Model != "EX-200 (software 2.3.1)" {
		t.Errorf("version %q from %q, model %q", f.Version, f.VersionRow, f.Model)
	}
	if f, _ := Read("form.xlsx", synthetic(t, layout{rows: standard})); f.Version != "" {
		t.Errorf("version %q from a form that gives none", f.Version)
	}
}

// TestReadOtherContainers: what a hospital may be sent instead of a plain
// .xlsx gets a message saying what it is and what to do.
func TestReadOtherContainers(t *testing.T) {
	// A password-protected workbook, encrypted by excelize as Excel does.
	x, err := excelize.OpenReader(bytes.NewReader(synthetic(t, layout{rows: standard})))
	if err != nil {
		t.Fatal(err)
	}
	var enc bytes.Buffer
	if _, err := x.WriteTo(&enc, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	x.Close()
	// An OpenDocument spreadsheet: its first entry names the type.
	var ods bytes.Buffer
	z := zip.NewWriter(&ods)
	w, _ := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	w, _ = z.Create("content.xml")
	w.Write([]byte("<office:document-content/>"))
	z.Close()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"encrypted", enc.Bytes(), "password-protected"},
		{"ods", ods.Bytes(), "an OpenDocument file (application/vnd.oasis.opendocument.spreadsheet); save it as .xlsx"},
	} {
		_, err := Read("in.xlsx", tc.data)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestReadBesideBlankTemplate: a vendor keeps NEMA's blank form as a
// sheet before the filled one, with as many IDs; the filled one is read.
func TestReadBesideBlankTemplate(t *testing.T) {
	x, err := excelize.OpenReader(bytes.NewReader(synthetic(t, layout{sheet: "Filled", rows: standard})))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if _, err := x.NewSheet("Template"); err != nil {
		t.Fatal(err)
	}
	x.MoveSheet("Template", "Filled")
	for i, r := range standard {
		x.SetCellValue("Template", fmt.Sprintf("A%d", i+6), r.id)
		x.SetCellValue("Template", fmt.Sprintf("B%d", i+6), "question")
	}
	x.SetCellValue("Template", "A40", "EXTRA-1") // not an ID
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	f, err := Read("vendor.xlsx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if f.Sheet != "Filled" || f.Items["EMRG-1"].Answer != No {
		t.Errorf("read sheet %q, EMRG-1 = %+v", f.Sheet, f.Items["EMRG-1"])
	}
}

// TestReadIDSpellings: IDs as word processors and PDF round trips leave
// them: an en dash, a non-breaking space, a trailing colon or full stop.
func TestReadIDSpellings(t *testing.T) {
	rows := slices.Clone(standard)
	rows = append(rows, row{"AUTH\u2013 2", "Yes", ""}, row{"PAUT-1\u00a0", "No", ""}, row{"CONN-3:", "Yes", ""}, row{"SAHD-3.2.", "No", ""}, row{"AUTH-3-", "Yes", ""})
	f, err := Read("vendor.xlsx", synthetic(t, layout{rows: rows}))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]Answer{"AUTH-2": Yes, "PAUT-1": No, "CONN-3": Yes, "SAHD-3.2": No} {
		if it, ok := f.Get(id); !ok || it.Answer != want {
			t.Errorf("%s = %+v, want %s", id, it, want)
		}
	}
	if _, ok := f.Get("AUTH-3"); ok {
		t.Error(`"AUTH-3-" read as an ID`)
	}
}

// TestAnswerWord: answer cells as manufacturers fill them in.
func TestAnswerWord(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Answer
		text string
	}{
		{"Yes", Yes, ""}, {" YES ", Yes, ""}, {"y", Yes, ""}, {"Yes, optional", Yes, "Yes, optional"}, {"Yes (LDAP)", Yes, "Yes (LDAP)"},
		{"Yes*", Yes, "Yes*"}, {"Yes - see IFU", Yes, "Yes - see IFU"}, {"Yes.", Yes, "Yes."},
		{"No", No, ""}, {"no: disabled by default", No, "no: disabled by default"}, {"N", No, ""},
		{"N/A", NA, ""}, {"NA", NA, ""}, {"N.A.", NA, ""}, {"Not applicable", NA, ""}, {"N/A: No default accounts", NA, "N/A: No default accounts"},
		{"See Note", SeeNote, ""}, {"See notes", SeeNote, ""}, {"See note 3", SeeNote, "See note 3"},
		{"", Blank, ""}, {"   ", Blank, ""},
		{"Yesterday", Other, "Yesterday"}, {"None", Other, "None"}, {"Nope", Other, "Nope"}, {"Maybe", Other, "Maybe"}, {"Optional", Other, "Optional"},
	} {
		a, text := answerWord(c.in)
		if a != c.want || text != c.text {
			t.Errorf("answerWord(%q) = %s, %q; want %s, %q", c.in, a, text, c.want, c.text)
		}
	}
}

// TestReadNoteReferences: an answer may refer to several notes, in the
// answer cell or the note column, and a repeated ID keeps the first row's
// answer and notes.
func TestReadNoteReferences(t *testing.T) {
	rows := slices.Clone(standard)
	rows = append(rows, row{"AUTH-2", "Yes, see Note 1", "Notes 2 and 03"}, row{"AUTH-3", "No", "Note #2, Note 2"},
		row{"AUTH-3", "Yes", "Note 1"}, row{"AUTH-4", "See Note", "Note 9"})
	f, err := Read("vendor.xlsx", synthetic(t, layout{rows: rows, notes: map[string]string{"1": "one", "2": "two", "3": "three"}}))
	if err != nil {
		t.Fatal(err)
	}
	if it := f.Items["AUTH-2"]; it.Note != "one\ntwo\nthree" {
		t.Errorf("AUTH-2 note %q", it.Note)
	}
	if it := f.Items["AUTH-3"]; it.Answer != No || it.Note != "two" {
		t.Errorf("AUTH-3 = %+v, want the first row's answer and note", it)
	}
	w := strings.Join(f.Warnings, "\n")
	if !strings.Contains(w, "AUTH-4 refers to note 9, which the form does not have") || !strings.Contains(w, "AUTH-3 appears again") {
		t.Errorf("warnings = %v", f.Warnings)
	}
}

// TestReadInlineNotes: vendors often write the note itself in the note
// column instead of a reference; it is the answer's note. Placeholders
// are not notes, and without a column headed as notes, text right of the
// answer (a standards reference) is not taken for one.
func TestReadInlineNotes(t *testing.T) {
	rows := slices.Clone(standard)
	rows = append(rows, row{"AUTH-2", "Yes", "Roles: clinician, biomed, service."}, row{"AUTH-3", "No", "-"}, row{"AUTH-4", "N/A", "n/a"},
		row{"AUTH-5", "Yes", "Kiosk mode; see Note 1"})
	f, err := Read("vendor.xlsx", synthetic(t, layout{rows: rows, notes: map[string]string{"1": "Service PIN on the label.", "2": "two"}}))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"AUTH-2": "Roles: clinician, biomed, service.", "AUTH-3": "", "AUTH-4": "", "AUTH-5": "Service PIN on the label.", "EMRG-1": "Service PIN on the label."} {
		if got := f.Items[id].Note; got != want {
			t.Errorf("%s note %q, want %q", id, got, want)
		}
	}
	// The same form with the header of column D renamed: no note column.
	x, err := excelize.OpenReader(bytes.NewReader(synthetic(t, layout{rows: rows, notes: map[string]string{"1": "Service PIN on the label."}})))
	if err != nil {
		t.Fatal(err)
	}
	x.SetCellValue("mds2-form", "D5", "IEC TR 80001-2-2")
	var b bytes.Buffer
	x.WriteTo(&b)
	x.Close()
	f, err = Read("vendor.xlsx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Items["AUTH-2"].Note; n != "" {
		t.Errorf("AUTH-2 note %q from a column not headed as notes", n)
	}
}

// TestReadSecondAnswerColumn: a form answering two models side by side is
// read from one column, with a warning naming the other.
func TestReadSecondAnswerColumn(t *testing.T) {
	x, err := excelize.OpenReader(bytes.NewReader(synthetic(t, layout{rows: standard})))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("mds2-form")
	for i, r := range rows {
		if len(r) > 2 && matchID(r[0]) != nil && !strings.HasPrefix(r[0], "DOC") {
			x.SetCellValue("mds2-form", fmt.Sprintf("H%d", i+1), "No")
		}
	}
	var b bytes.Buffer
	x.WriteTo(&b)
	x.Close()
	f, err := Read("vendor.xlsx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(f.Warnings, "\n"), "mds2-form: column H holds 11 answers too (another model?); answers are read from column C (11)") {
		t.Errorf("warnings = %q", f.Warnings)
	}
	if it := f.Items["AUTH-1"]; it.Answer != Yes {
		t.Errorf("AUTH-1 = %+v, want column C's answer", it)
	}
	// One stray answer word right of the answers is no second column.
	if f, _ := Read("vendor.xlsx", synthetic(t, layout{rows: standard, notes: map[string]string{"1": "one", "2": "two"}})); len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "only 14 of the 240 questions") {
		t.Errorf("warnings on the usual excerpt (only that it is one): %q", f.Warnings)
	}
}

// TestReadConvertedFromPDF: a form converted from PDF holds the ID and the
// question's text in one cell; with no cell that is an ID alone, those are
// read as IDs, with a warning.
func TestReadConvertedFromPDF(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	sh := x.GetSheetName(0)
	x.SetCellValue(sh, "A1", "Manufacturer Disclosure Statement for Medical Device Security -- MDS2 (converted, SYNTHETIC)")
	for i, r := range [][2]string{
		{"DOC-1 Manufacturer (our wording)", "Example Medical GmbH"},
		{"MPII-1 Handles personal data (our wording)", "Yes"},
		{"AUTH\u20131. Log-in required (our wording)", "Yes"},
		{"EMRG-1: Emergency access (our wording)", "No"},
		{"CONN-3 Talks to other systems (our wording)", "Yes"},
		{"SBOM-1 SBOM available (our wording)", "No"},
		{"AUDT-2.8.1 Remote service logged (our wording)", "N/A"},
	} {
		x.SetCellValue(sh, fmt.Sprintf("A%d", i+3), r[0])
		x.SetCellValue(sh, fmt.Sprintf("B%d", i+3), r[1])
	}
	var b bytes.Buffer
	x.WriteTo(&b)
	f, err := Read("converted.xlsx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]Answer{"MPII-1": Yes, "AUTH-1": Yes, "EMRG-1": No, "CONN-3": Yes, "SBOM-1": No, "AUDT-2.8.1": NA} {
		if it, ok := f.Get(id); !ok || it.Answer != want {
			t.Errorf("%s = %+v, want %s", id, it, want)
		}
	}
	if f.Manufacturer != "Example Medical GmbH" || !strings.Contains(strings.Join(f.Warnings, "\n"), "Sheet1!A3: question IDs read from cells that go on with the question's text") {
		t.Errorf("manufacturer %q, warnings %q", f.Manufacturer, f.Warnings)
	}
	// Where cells hold IDs alone, text that starts with an ID is no ID:
	// the usual form reads as before.
	if f, err := Read("form.xlsx", synthetic(t, layout{rows: append(slices.Clone(standard), row{"AUTH-2", "Yes", "AUTH-1 covers it"})})); err != nil || len(f.Items) != len(standard)+1 {
		t.Errorf("usual form: %v, %d items", err, len(f.Items))
	}
}
