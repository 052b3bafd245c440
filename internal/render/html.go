package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/browser"
	"github.com/mdcheck/mdcheck/internal/htmlreport"
)

// htmlFormat writes the health check as one self-contained HTML page
// (docs/reports.md).
var htmlFormat = Format{
	Name:       "html",
	Extensions: []string{".html", ".htm"},
	Check: func(w io.Writer, r *app.CheckResult, _ Options) error {
		return htmlreport.Write(w, htmlInput(r))
	},
	Scan: func(w io.Writer, r *app.ScanResult, o Options) error {
		return htmlreport.WriteScan(w, scanInput(r, o))
	},
}

// scanInput is what the scan page shows: each SBOM named by its subject
// (else its file), with the device component it belongs to.
func scanInput(r *app.ScanResult, o Options) htmlreport.ScanInput {
	in := htmlreport.ScanInput{Date: day(o).Format(time.DateOnly), Tool: "mdcheck " + o.Build.Version, Model: r.Device,
		Database: fmt.Sprintf("%s, newest record %s", r.Database.Hash, r.Database.Newest)}
	if o.Build.Commit != "" {
		in.Tool += " (commit " + o.Build.Commit + ")"
	}
	for _, s := range r.SBOMs {
		sv := htmlreport.ScanSBOM{File: s.File, Subject: filepath.Base(s.File), Matches: s.Matches, Coverage: s.Coverage}
		if s.Document != nil && s.Document.Subject != "" {
			sv.Subject = s.Document.Subject
		}
		if s.Component != nil {
			sv.Component = s.Component.ID
		}
		in.SBOMs = append(in.SBOMs, sv)
	}
	return in
}

// printPDF prints an HTML page to PDF in a headless Chromium.
func printPDF(w io.Writer, o Options, write func(io.Writer) error) error {
	var page bytes.Buffer
	if err := write(&page); err != nil {
		return err
	}
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	out, err := browser.PDF(ctx, page.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

func htmlInput(r *app.CheckResult) htmlreport.Input {
	return htmlreport.Input{Report: r.Report, Model: r.Model, Classification: r.Classification, Vulnerabilities: r.Vulnerabilities}
}

// pdfFormat prints the HTML page to PDF in a headless Chromium. Chromium
// stamps the PDF with dates and IDs, so its bytes differ from run to run;
// an evidence bundle binds it to the HTML's hash.
var pdfFormat = Format{
	Name:       "pdf",
	Extensions: []string{".pdf"},
	Check: func(w io.Writer, r *app.CheckResult, o Options) error {
		return printPDF(w, o, func(w io.Writer) error { return htmlreport.Write(w, htmlInput(r)) })
	},
	Scan: func(w io.Writer, r *app.ScanResult, o Options) error {
		return printPDF(w, o, func(w io.Writer) error { return htmlreport.WriteScan(w, scanInput(r, o)) })
	},
}

// clinicianFormat writes the one-page summary for clinicians: HTML, or
// printed to PDF when the output file ends in .pdf.
var clinicianFormat = Format{
	Name:       "clinician",
	Extensions: []string{".clinician.html", ".html", ".pdf"},
	Check: func(w io.Writer, r *app.CheckResult, o Options) error {
		page := func(w io.Writer) error { return htmlreport.WriteClinician(w, htmlInput(r)) }
		if strings.HasSuffix(strings.ToLower(o.Path), ".pdf") {
			return printPDF(w, o, page)
		}
		return page(w)
	},
}
