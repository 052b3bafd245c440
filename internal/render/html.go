package render

import (
	"bytes"
	"context"
	"io"

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
		var page bytes.Buffer
		if err := htmlreport.Write(&page, htmlInput(r)); err != nil {
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
	},
}
