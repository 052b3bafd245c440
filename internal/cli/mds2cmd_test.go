package cli

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/mds2/crosswalk"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	devmodel "github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/testutil/golden"
)

func TestMDS2Import(t *testing.T) {
	const file = "internal/mds2/testdata/synthetic-openpyxl.xlsx"
	code, out, errs := run(t, "mds2", "import", file)
	if code != ExitOK {
		t.Fatalf("mds2 import: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"Manufacturer: Example Medical GmbH", "Released:     2025-03-14", "13 questions: 7 yes, 3 no, 1 n/a, 1 see note, 1 other, 0 blank; 5 warnings",
		"TXCF-2       see-note  note: TLS 1.2"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, `mdcheck: warning: MDS2 2019!D25: answer "Maybe" to CSUP-1`) {
		t.Errorf("stderr lacks the warning naming the cell: %q", errs)
	}
	code, out, _ = run(t, "mds2", "import", "-f", "json", file)
	var form struct {
		Manufacturer string
		Items        map[string]struct{ Answer, Cell string }
		Warnings     []string
	}
	if err := json.Unmarshal([]byte(out), &form); code != ExitOK || err != nil || form.Items["EMRG-1"].Answer != "no" || len(form.Warnings) != 5 {
		t.Errorf("json: exit %d, %v, %+v", code, err, form)
	}
	pdf := filepath.Join(t.TempDir(), "form.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.7"), 0o600)
	if code, _, errs := run(t, "mds2", "import", pdf); code != ExitInput || !strings.Contains(errs, "form.pdf: a PDF") {
		t.Errorf("PDF: exit %d, %q", code, errs)
	}
}

// TestHostileMDS2Memory reads hostile workbooks in a child process whose
// peak memory is measured: a zip bomb, a sheet of a million rows and a
// corrupt workbook, each refused with a clear error.
func TestHostileMDS2Memory(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	bin, dir := buildBinary(t)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The hostile files are made with the fastest compression: under the
	// race detector the default level takes most of the test's time.
	fast := func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) }
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	zw.RegisterCompressor(zip.Deflate, fast)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	chunk := bytes.Repeat([]byte{'<'}, 1<<20)
	for range 1 << 10 {
		w.Write(chunk)
	}
	zw.Close()
	bomb := write("bomb.xlsx", zb.Bytes())

	// A million rows: a one-row workbook from excelize with its sheet
	// replaced by a million rows written straight into the zip (writing
	// them through excelize under the race detector takes minutes).
	f := excelize.NewFile()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"AUTH-1", "Yes"}); err != nil {
		t.Fatal(err)
	}
	var small bytes.Buffer
	if err := f.Write(&small); err != nil {
		t.Fatal(err)
	}
	f.Close()
	zr, err := zip.NewReader(bytes.NewReader(small.Bytes()), int64(small.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var big bytes.Buffer
	bw := zip.NewWriter(&big)
	bw.RegisterCompressor(zip.Deflate, fast)
	for _, e := range zr.File {
		w, err := bw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if e.Name == "xl/worksheets/sheet1.xml" {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
			row := make([]byte, 0, 256)
			for r := 1; r <= 1_000_000; r++ {
				n := strconv.Itoa(r)
				row = append(row[:0], `<row r="`...)
				row = append(row, n...)
				row = append(row, `"><c r="A`...)
				row = append(row, n...)
				row = append(row, `" t="inlineStr"><is><t>AUTH-1</t></is></c><c r="B`...)
				row = append(row, n...)
				row = append(row, `" t="inlineStr"><is><t>Yes</t></is></c></row>`...)
				w.Write(row)
			}
			io.WriteString(w, `</sheetData></worksheet>`)
			continue
		}
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	million := write("million.xlsx", big.Bytes())

	good, err := os.ReadFile(filepath.Join(repoRoot, "internal/mds2/testdata/synthetic-openpyxl.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	corrupt := write("corrupt.xlsx", good[:len(good)/2])

	for _, tc := range []struct{ file, want string }{
		{bomb, "zip bomb"},
		{million, "more than 20000 rows"},
		{corrupt, "not an .xlsx workbook"},
	} {
		if errs := measure(t, ExitInput, bin, "mds2", "import", tc.file); !strings.Contains(errs, tc.want) {
			t.Errorf("%s: stderr %q, want %q", filepath.Base(tc.file), errs, tc.want)
		}
	}
}

// TestMDS2RoundTrip exports each example's MDS2, imports it back to the
// same answers, and checks the model against it: no contradiction. Then
// one answer is turned around in the workbook (as a vendor's form might
// have it) and check names both sources.
func TestMDS2RoundTrip(t *testing.T) {
	for _, name := range exampleNames(t) {
		t.Run(name, func(t *testing.T) {
			model := "examples/" + name + "/device.yaml"
			out := filepath.Join(t.TempDir(), "mds2.xlsx")
			code, stdout, errs := run(t, "mds2", "export", "--date", date, "-o", out, model)
			if code != ExitOK || !strings.Contains(stdout, "questions answered from the model") {
				t.Fatalf("export: exit %d %s%s", code, stdout, errs)
			}
			code, stdout, errs = run(t, "mds2", "import", "-f", "json", out)
			if code != ExitOK || errs != "" {
				t.Fatalf("import: exit %d %s", code, errs)
			}
			var form struct {
				Date, Version string
				Items         map[string]struct{ Answer, Note string }
			}
			if err := json.Unmarshal([]byte(stdout), &form); err != nil {
				t.Fatal(err)
			}
			dev, err := devmodel.Load(filepath.Join(repoRoot, model))
			if err != nil {
				t.Fatal(err)
			}
			if form.Date != date {
				t.Errorf("release date %q, want %s", form.Date, date)
			}
			if form.Version != dev.Identity.Version || form.Version == "" {
				t.Errorf("version %q, want %q", form.Version, dev.Identity.Version)
			}
			// The whole form: every question, those the model cannot answer
			// blank with the note saying so.
			if len(form.Items) != len(hn2019.Questions) {
				t.Errorf("%d questions in the exported form, want %d", len(form.Items), len(hn2019.Questions))
			}
			mapped := map[string]bool{}
			for _, f := range crosswalk.Facts {
				mapped[f.ID] = true
			}
			for _, q := range hn2019.Questions {
				it, ok := form.Items[q.ID]
				switch {
				case !ok:
					t.Errorf("%s missing from the exported form", q.ID)
				case q.Kind == hn2019.YesNo && !mapped[q.ID] && (it.Answer != "blank" || it.Note != mds2.Unanswered):
					t.Errorf("%s = %s (note %q), want blank with the note that mdcheck cannot answer it", q.ID, it.Answer, it.Note)
				case mapped[q.ID] && it.Note == "":
					t.Errorf("%s has no note saying where its answer comes from", q.ID)
				}
			}
			flip := ""
			for _, f := range crosswalk.Facts {
				want := string(f.Derive(dev).Answer)
				if got := form.Items[f.ID].Answer; got != want {
					t.Errorf("%s: %s after the round trip, want %s", f.ID, got, want)
				}
				if flip == "" && (want == "yes" || want == "no") {
					flip = f.ID
				}
			}
			code, stdout, errs = run(t, "check", "--date", date, "--no-vulns", "--mds2", out, "-f", "json", model)
			if code != ExitOK {
				t.Fatalf("check --mds2: exit %d %s", code, errs)
			}
			var rep checkJSON
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			passes := 0
			for _, f := range rep.Findings {
				if f.Rule == "doc/mds2-matches-model" {
					if f.Status == "fail" {
						t.Errorf("the exported form contradicts its own model: %s", f.Detail)
					}
					if f.Status == "pass" {
						passes++
					}
				}
			}
			if passes == 0 {
				t.Error("no answer cross-checked")
			}
			if flip == "" {
				return
			}
			// The vendor's form says the opposite for one question.
			x, err := excelize.OpenFile(out)
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows("mds2-form")
			for i, r := range rows {
				if len(r) > 2 && r[0] == flip {
					opposite := map[string]string{"Yes": "No", "No": "Yes"}[r[2]]
					x.SetCellValue("mds2-form", "C"+strconv.Itoa(i+1), opposite)
				}
			}
			vendor := filepath.Join(t.TempDir(), "vendor.xlsx")
			if err := x.SaveAs(vendor); err != nil {
				t.Fatal(err)
			}
			x.Close()
			_, stdout, _ = run(t, "check", "--date", date, "--no-vulns", "--mds2", vendor, "-f", "json", model)
			rep = checkJSON{}
			json.Unmarshal([]byte(stdout), &rep)
			found := false
			for _, f := range rep.Findings {
				if f.ID == "doc/mds2-matches-model@device/"+flip && f.Status == "fail" && strings.Contains(f.Detail, "vendor.xlsx, mds2-form!C") && strings.Contains(f.Detail, "device.yaml:") {
					found = true
				}
			}
			if !found {
				t.Errorf("no contradiction on %s naming both sources", flip)
			}
		})
	}
}

// TestCheckFromMDS2Alone assesses a device from its MDS2 form only, as a
// hospital does in procurement: the facts the answers decide, each citing
// its cell.
func TestCheckFromMDS2Alone(t *testing.T) {
	const file = "internal/mds2/testdata/synthetic-openpyxl.xlsx"
	code, out, errs := run(t, "check", "--date", date, "--no-vulns", "--profile", "hospital", "--mds2", file, "-f", "json")
	if code != ExitOK || !strings.Contains(errs, "assessing from the MDS2 form alone") {
		t.Fatalf("check --mds2 alone: exit %d\n%s", code, errs)
	}
	var rep struct {
		Device   struct{ Manufacturer, Model string }
		Findings []struct {
			ID, Status, Detail string
			Evidence           []struct {
				Strength string
				Source   struct {
					Kind, File   string
					Line, Column int
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Device.Manufacturer != "Example Medical GmbH" || rep.Device.Model != "EX-200" {
		t.Errorf("device = %+v", rep.Device)
	}
	found := false
	for _, f := range rep.Findings {
		if f.ID != "data/health-data-encrypted-at-rest@device" {
			continue
		}
		found = true
		// STCF-1 answers No in row 20, column D of the form.
		if f.Status != "fail" || len(f.Evidence) == 0 || f.Evidence[0].Source.Kind != "mds2" || f.Evidence[0].Source.File != file ||
			f.Evidence[0].Source.Line != 20 || f.Evidence[0].Source.Column != 4 || f.Evidence[0].Strength != "claimed" {
			t.Errorf("storage encryption finding = %+v", f)
		}
	}
	if !found {
		t.Error("no finding on storage encryption from STCF-1")
	}
	if code, _, errs := run(t, "check"); code != ExitInput || !strings.Contains(errs, "takes 1 argument") {
		t.Errorf("check without a model or form: exit %d, %q", code, errs)
	}
}

// TestCheckFromFullMDS2 assesses from a complete vendor-like form alone
// (internal/mds2/testdata/make_openpyxl_full.py): the version beside the
// model, and findings resting on the answers that decide them, each
// citing its cell.
func TestCheckFromFullMDS2(t *testing.T) {
	const file = "internal/mds2/testdata/synthetic-openpyxl-full.xlsx"
	code, out, errs := run(t, "check", "--date", date, "--no-vulns", "--profile", "hospital", "--mds2", file, "-f", "json")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var rep struct {
		Device   struct{ Version string }
		Findings []struct {
			ID, Status string
			Evidence   []struct {
				Strength string
				Source   struct {
					Kind         string
					Line, Column int
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Device.Version != "3.1.4" {
		t.Errorf("version %q", rep.Device.Version)
	}
	// Finding, its status and the row of the answer it rests on (column C).
	want := map[string]struct {
		status string
		row    int
	}{
		"boot/secure-boot@device":                   {"pass", 237}, // SAHD-3.1 yes
		"update/signed@device":                      {"pass", 238}, // SAHD-3.2 yes
		"data/health-data-encrypted-at-rest@device": {"fail", 265}, // STCF-1 no
		"log/tamper-protected@device":               {"pass", 80},  // AUDT-7 Yes*
		"auth/no-default-credentials@device":        {"pass", 198}, // PAUT-4 N.A.
	}
	seen := 0
	for _, f := range rep.Findings {
		w, ok := want[f.ID]
		if !ok {
			continue
		}
		seen++
		if f.Status != w.status || len(f.Evidence) == 0 || f.Evidence[0].Source.Kind != "mds2" || f.Evidence[0].Source.Line != w.row ||
			f.Evidence[0].Source.Column != 3 || f.Evidence[0].Strength != "claimed" {
			t.Errorf("%s = %s %+v, want %s citing row %d, column C", f.ID, f.Status, f.Evidence, w.status, w.row)
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the %d findings expected", seen, len(want))
	}
}

// TestMDS2ExportBase re-exports a device's MDS2 over the form the
// manufacturer completed by hand: the hand-written answers, texts and
// notes survive; where the model decides, its answer is written and each
// difference is listed with both sources.
func TestMDS2ExportBase(t *testing.T) {
	const model = "examples/pacemaker-system/device.yaml"
	dir := t.TempDir()
	first := filepath.Join(dir, "first.xlsx")
	if code, _, errs := run(t, "mds2", "export", "--date", date, "-o", first, model); code != ExitOK {
		t.Fatalf("export: %s", errs)
	}
	// The manufacturer completes it: a question the model does not cover,
	// a document ID, and one model answer turned around.
	x, err := excelize.OpenFile(first)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("mds2-form")
	flipped := ""
	for i, r := range rows {
		cell := func(col string) string { return col + strconv.Itoa(i+1) }
		switch {
		case len(r) == 0:
		case r[0] == "AUDT-8": // a question the model does not cover
			x.SetCellValue("mds2-form", cell("C"), "Yes, by badge number")
			x.SetCellValue("mds2-form", cell("D"), "Note 99")
		case r[0] == "DOC-4":
			x.SetCellValue("mds2-form", cell("C"), "CVP-MDS2-7")
		case flipped == "" && len(r) > 2 && r[2] == "Yes" && r[0] != "SAHD-15":
			flipped = r[0]
			x.SetCellValue("mds2-form", cell("C"), "No")
		}
	}
	x.SetCellValue("mds2-form", "A"+strconv.Itoa(len(rows)+2), "Note 99")
	x.SetCellValue("mds2-form", "B"+strconv.Itoa(len(rows)+2), "The log names the clinician's badge.")
	base := filepath.Join(dir, "completed.xlsx")
	if err := x.SaveAs(base); err != nil {
		t.Fatal(err)
	}
	x.Close()
	again := filepath.Join(dir, "again.xlsx")
	code, stdout, errs := run(t, "mds2", "export", "--date", date, "--base", base, "-o", again, model)
	if code != ExitOK {
		t.Fatalf("export --base: exit %d %s", code, errs)
	}
	if !strings.Contains(errs, flipped+" (") || !strings.Contains(errs, "completed.xlsx answered no") || !strings.Contains(errs, "the model says yes") {
		t.Errorf("the difference on %s is not listed:\n%s", flipped, errs)
	}
	if !strings.Contains(stdout, "(1 of them differ from") || !strings.Contains(stdout, "1 kept from") {
		t.Errorf("summary: %s", stdout)
	}
	if strings.Contains(errs, "is it this device's?") {
		t.Errorf("the device's own form taken for another's: %s", errs)
	}
	// Another manufacturer's form is used as asked, with a warning.
	_, _, errs = run(t, "mds2", "export", "--date", date, "--base", "internal/mds2/testdata/synthetic-openpyxl-full.xlsx", "-o", filepath.Join(dir, "other.xlsx"), model)
	if !strings.Contains(errs, "is a form of Example Imaging Inc. (DOC-1), the model one of Corvita Medical GmbH") {
		t.Errorf("no warning on another manufacturer's form: %s", errs)
	}
	code, stdout, errs = run(t, "mds2", "import", "-f", "json", again)
	if code != ExitOK {
		t.Fatalf("import: %s", errs)
	}
	var form struct {
		DocumentID string
		Items      map[string]struct{ Answer, Text, Note string }
	}
	if err := json.Unmarshal([]byte(stdout), &form); err != nil {
		t.Fatal(err)
	}
	if it := form.Items["AUDT-8"]; it.Answer != "yes" || it.Text != "Yes, by badge number" || it.Note != "The log names the clinician's badge." {
		t.Errorf("AUDT-8 = %+v, want the hand-written answer and note", it)
	}
	if form.DocumentID != "CVP-MDS2-7" {
		t.Errorf("DOC-4 = %q", form.DocumentID)
	}
	if it := form.Items[flipped]; it.Answer != "yes" || !strings.HasPrefix(it.Note, "from ") {
		t.Errorf("%s = %+v, want the model's answer", flipped, it)
	}
	if it := form.Items["AUDT-1.2"]; it.Answer != "blank" || it.Note != mds2.Unanswered {
		t.Errorf("AUDT-1.2 = %+v, want blank as before", it)
	}
}

// TestMDS2ExportAnswersMost: the fully described example's export
// answers at least 60% of the form's yes/no questions from the model.
func TestMDS2ExportAnswersMost(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pacemaker.xlsx")
	code, stdout, errs := run(t, "mds2", "export", "--date", date, "-o", out, "examples/pacemaker-system/device.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var answered, questions int
	if _, err := fmt.Sscanf(stdout[strings.Index(stdout, ": ")+2:], "%d of %d questions answered", &answered, &questions); err != nil {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	if questions != 233 || answered*100 < 60*questions {
		t.Errorf("%d of %d questions answered, want at least 60%%", answered, questions)
	}
}

// TestMDS2ExportGolden: every example's MDS2 export, read back as the
// answers it holds (the workbook is zip bytes; its answers are what a
// hospital reads), against a golden file.
func TestMDS2ExportGolden(t *testing.T) {
	dir := t.TempDir()
	for _, name := range exampleNames(t) {
		out := filepath.Join(dir, name+".xlsx")
		if code, _, errs := run(t, "mds2", "export", "--date", date, "-o", out, "examples/"+name+"/device.yaml"); code != ExitOK {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		code, js, errs := run(t, "mds2", "import", "-f", "json", out)
		if code != ExitOK {
			t.Fatalf("%s: import: exit %d: %s", name, code, errs)
		}
		golden.Check(t, "mds2-"+name+".json", []byte(strings.ReplaceAll(js, dir+"/", "")))
	}
}
