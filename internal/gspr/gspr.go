// Package gspr writes the cybersecurity part of a device's general safety
// and performance requirements checklist, as notified bodies read
// technical documentation: one row per MDR Annex I requirement the
// catalog holds, with whether it applies and why not, the method by
// which conformity was shown, the standards and guidance applied, the
// evidence (each file with its SHA-256) and the verdict. Rows come from
// the health check's report alone, so the checklist cannot disagree
// with it.
package gspr

import (
	"encoding/csv"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/report"
)

// Row is one Annex I requirement in the checklist.
type Row struct {
	// GSPR is the Annex I section ("Annex I 17.2"); ID and Requirement
	// the catalog's ID and its paraphrase.
	GSPR, ID, Requirement string
	// Applicable is "yes" or "no"; Justification says why not.
	Applicable, Justification string
	// Method says how conformity was shown: the rules that assessed the
	// device model and its evidence, or the manual review.
	Method string
	// Standards are the standards and guidance whose requirements the
	// same findings decide (IEC 81001-5-1 clause 8, MDCG 2019-16 §2.4).
	Standards []string
	// Evidence names each file the verdict rests on, with its SHA-256
	// where the check read it.
	Evidence []string
	// Verdict and Strength are the requirement's status and the weakest
	// evidence behind a met one; Open lists the findings that fail or
	// are unknown.
	Verdict, Strength string
	Open              []string
}

// Header is the checklist's column titles.
var Header = []string{"GSPR", "Requirement ID", "Requirement (paraphrase; the legal text governs)", "Applicable", "Justification if not applicable",
	"Method of conformity", "Standards and guidance applied", "Evidence (file, SHA-256)", "Verdict", "Evidence strength", "Open findings"}

// Rows builds the checklist from a health check's report.
func Rows(r *report.Report) []Row {
	source := map[string]string{}
	for _, q := range r.Requirements {
		source[q.ID] = q.Source
	}
	findings := map[string]catalog.Finding{}
	for _, f := range r.Findings {
		findings[f.ID] = f
	}
	var rows []Row
	for _, q := range r.Requirements {
		if !strings.HasPrefix(q.ID, "MDR.AI.") {
			continue
		}
		row := Row{GSPR: strings.Replace(strings.TrimPrefix(q.Source, "MDR "), "Section ", "", 1), ID: q.ID, Requirement: q.Title, Applicable: "yes", Verdict: verdict(q.Status)}
		if q.Strength != 0 {
			row.Strength = q.Strength.String()
		}
		var rules, standards, evidence []string
		for _, id := range q.Findings {
			f, ok := findings[id]
			if !ok || f.Status == catalog.NotApplicable {
				continue
			}
			rules = append(rules, f.Rule)
			if (f.Status == catalog.Fail || f.Status == catalog.Unknown || f.Status == catalog.Error) && !f.Suppressed() {
				row.Open = append(row.Open, f.ID)
			}
			for _, other := range f.Requirements {
				if s := source[other]; s != "" && !strings.HasPrefix(other, "MDR.") {
					standards = append(standards, s)
				}
			}
			for _, e := range f.Evidence {
				if e.Source.File != "" {
					evidence = append(evidence, withHash(e.Source.File, r.Inputs))
				}
			}
			if d := r.Tool.Database; d != nil && strings.HasPrefix(f.Rule, "vuln/") {
				evidence = append(evidence, "vulnerability database "+d.Hash+" (newest record "+d.Newest+")")
			}
		}
		slices.Sort(rules)
		row.Standards, row.Evidence = uniq(standards), uniq(evidence)
		switch {
		case q.Status == report.NotApplicable:
			row.Applicable, row.Justification, row.Method = "no", q.Why, "—"
		case q.Review != nil:
			row.Method = fmt.Sprintf("Manual review by %s on %s: %s", q.Review.Reviewer, q.Review.Date, q.Review.Evidence)
			row.Evidence = append(row.Evidence, q.Review.Evidence)
		case q.Manual != nil:
			row.Method = "Manual review, not yet recorded: " + q.Manual.LookFor
		default:
			row.Method = fmt.Sprintf("Assessed by mdcheck %s against the device model and the evidence it names (rules %s)", r.Tool.Version, strings.Join(slices.Compact(rules), ", "))
		}
		if len(q.Certificates) > 0 {
			row.Evidence = append(row.Evidence, "EU cybersecurity certificates: "+strings.Join(q.Certificates, ", "))
		}
		rows = append(rows, row)
	}
	return rows
}

// withHash names a file with the SHA-256 the check read it with: the
// evidence names files as the model does (relative to it), the inputs as
// they were opened. The input of that exact path wins, else the first,
// in the order the check read them, that ends in it.
func withHash(file string, inputs []report.InputFile) string {
	suffix := "/" + path.Clean(file)
	match := -1
	for i, in := range inputs {
		switch {
		case in.SHA256 == "":
		case in.Path == file:
			return file + " (sha256:" + in.SHA256 + ")"
		case match < 0 && strings.HasSuffix(in.Path, suffix):
			match = i
		}
	}
	if match >= 0 {
		return file + " (sha256:" + inputs[match].SHA256 + ")"
	}
	return file
}

func verdict(s report.RequirementStatus) string {
	switch s {
	case report.Met:
		return "met"
	case report.Missed:
		return "not met"
	case report.Unproven:
		return "not proven: evidence missing"
	case report.Manual:
		return "open: manual review"
	case report.NotApplicable:
		return "not applicable"
	}
	return string(s)
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func (row Row) cells() []string {
	return []string{row.GSPR, row.ID, row.Requirement, row.Applicable, row.Justification, row.Method,
		strings.Join(row.Standards, "; "), strings.Join(row.Evidence, "; "), row.Verdict, row.Strength, strings.Join(row.Open, "; ")}
}

// WriteCSV writes the checklist as CSV (RFC 4180), header first. A cell
// a spreadsheet would take for a formula is prefixed with an apostrophe.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	for _, row := range rows {
		cells := row.cells()
		for i, c := range cells {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				cells[i] = "'" + c
			}
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Sheet is the checklist's sheet in the workbook.
const Sheet = "GSPR checklist"

// WriteXLSX writes the checklist as a workbook: the checklist sheet
// (header frozen, text wrapped), and an "About" sheet naming the device,
// the date and what made it.
func WriteXLSX(w io.Writer, r *report.Report, rows []Row) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName(x.GetSheetName(0), Sheet); err != nil {
		return err
	}
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E5E7EB"}}})
	if err != nil {
		return err
	}
	body, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	all := [][]string{Header}
	for _, row := range rows {
		all = append(all, row.cells())
	}
	for i, cells := range all {
		for j, c := range cells {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellStr(Sheet, cell, c); err != nil {
				return err
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(Header), len(all))
	if err := x.SetCellStyle(Sheet, "A2", last, body); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(len(Header), 1)
	if err := x.SetCellStyle(Sheet, "A1", end, head); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 14, "B": 16, "C": 48, "D": 11, "E": 30, "F": 48, "G": 40, "H": 60, "I": 16, "J": 12, "K": 40} {
		if err := x.SetColWidth(Sheet, col, col, width); err != nil {
			return err
		}
	}
	if err := x.SetPanes(Sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if _, err := x.NewSheet("About"); err != nil {
		return err
	}
	about := [][]string{
		{"Device", strings.TrimSpace(r.Device.Manufacturer + ": " + r.Device.Product + " " + r.Device.Model)},
		{"Assessment date", r.Date},
		{"Profile", r.Profile},
		{"Made by", r.Tool.Stamp()},
		{"Scope", "The MDR Annex I requirements that bear on cybersecurity (MDCG 2019-16), as mdcheck's catalog holds them; titles are paraphrases and the legal text governs."},
	}
	for i, kv := range about {
		for j, c := range kv {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellStr("About", cell, c); err != nil {
				return err
			}
		}
	}
	if err := x.SetColWidth("About", "B", "B", 100); err != nil {
		return err
	}
	_, err = x.WriteTo(w)
	return err
}
