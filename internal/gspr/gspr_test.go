package gspr_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/gspr"
	"github.com/mdcheck/mdcheck/internal/report"
)

func check(t *testing.T, model string) *report.Report {
	t.Helper()
	a := app.New(app.Config{DB: filepath.Join(t.TempDir(), "none.db"), Snapshot: true})
	t.Cleanup(func() { a.Close() })
	res, err := a.Check(context.Background(), app.CheckOptions{Model: model, Date: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return res.Report
}

// TestEveryAnnexIRequirement reads the pacemaker's checklist as a
// notified body would: every Annex I requirement of the catalog is a
// row; each applicable one assessed by rules names its evidence with a
// SHA-256, each manual one what the assessor looks for or who reviewed
// it; a requirement not met lists its open findings.
func TestEveryAnnexIRequirement(t *testing.T) {
	r := check(t, "../../examples/pacemaker-system/device.yaml")
	rows := gspr.Rows(r)
	got := map[string]gspr.Row{}
	for _, row := range rows {
		got[row.ID] = row
	}
	var want int
	for _, q := range catalog.Requirements() {
		if !strings.HasPrefix(q.ID, "MDR.AI.") || q.Audience == "hospital" {
			continue
		}
		want++
		row, ok := got[q.ID]
		if !ok {
			t.Errorf("%s missing from the checklist", q.ID)
			continue
		}
		switch {
		case row.Applicable == "no":
			if row.Justification == "" {
				t.Errorf("%s not applicable without a justification", q.ID)
			}
		case q.Manual != nil:
			if !strings.Contains(row.Method, "Manual review") {
				t.Errorf("%s method %q", q.ID, row.Method)
			}
		default:
			hashed := false
			for _, e := range row.Evidence {
				hashed = hashed || strings.Contains(e, "sha256:")
			}
			if !hashed || len(row.Standards) == 0 || !strings.Contains(row.Method, "rules ") {
				t.Errorf("%s: evidence %q, standards %q, method %q: want hashed evidence, standards and the rules", q.ID, row.Evidence, row.Standards, row.Method)
			}
		}
		if row.Verdict == "not met" && len(row.Open) == 0 {
			t.Errorf("%s not met without open findings", q.ID)
		}
	}
	if len(rows) != want {
		t.Errorf("%d rows, want %d", len(rows), want)
	}
}

// TestCSVAndXLSXAgree: the workbook holds the same cells as the CSV, and
// a cell a spreadsheet would run as a formula is defused in the CSV.
func TestCSVAndXLSXAgree(t *testing.T) {
	r := check(t, "../../examples/infusion-pump/device.yaml")
	rows := gspr.Rows(r)
	rows[0].Justification = "=HYPERLINK(\"http://x\")"
	var c, x bytes.Buffer
	if err := gspr.WriteCSV(&c, rows); err != nil {
		t.Fatal(err)
	}
	if err := gspr.WriteXLSX(&x, r, rows); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if records[1][4] != "'=HYPERLINK(\"http://x\")" {
		t.Errorf("formula cell written as %q", records[1][4])
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := f.GetRows(gspr.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet) != len(records) {
		t.Fatalf("%d rows in the workbook, %d in the CSV", len(sheet), len(records))
	}
	for i := range records {
		for j := range records[i] {
			want := strings.TrimPrefix(records[i][j], "'")
			if got := cellAt(sheet[i], j); got != want {
				t.Errorf("row %d column %d: workbook %q, CSV %q", i+1, j+1, got, want)
			}
		}
	}
}

func cellAt(row []string, j int) string {
	if j < len(row) {
		return row[j]
	}
	return ""
}

// TestEvidenceHashIsDeterministic: two inputs whose paths end in the
// same file name give the same row every time: the exact path if there
// is one, else the first input read.
func TestEvidenceHashIsDeterministic(t *testing.T) {
	f := catalog.Finding{ID: "x/y@main", Rule: "x/y", Status: catalog.Fail, Requirements: []string{"MDR.AI.17.2"},
		Evidence: []evidence.Evidence{{Path: "documents[0]", Source: evidence.Source{Kind: "document", File: "docs/risk.md"}}}}
	r := &report.Report{
		Requirements: []report.RequirementResult{{Requirement: catalog.Requirement{ID: "MDR.AI.17.2", Source: "MDR Annex I Section 17.2"}, Status: report.Missed, Findings: []string{f.ID}}},
		Findings:     []catalog.Finding{f},
		Inputs:       []report.InputFile{{Path: "a/docs/risk.md", SHA256: "aaa"}, {Path: "b/docs/risk.md", SHA256: "bbb"}},
	}
	for range 20 {
		if got := gspr.Rows(r)[0].Evidence; len(got) != 1 || got[0] != "docs/risk.md (sha256:aaa)" {
			t.Fatalf("evidence %q, want the first input read", got)
		}
	}
	r.Inputs = append(r.Inputs, report.InputFile{Path: "docs/risk.md", SHA256: "ccc"})
	if got := gspr.Rows(r)[0].Evidence; got[0] != "docs/risk.md (sha256:ccc)" {
		t.Errorf("evidence %q, want the exact path", got)
	}
}
