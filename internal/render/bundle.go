package render

import (
	"bytes"
	"context"
	"errors"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/browser"
)

// bundled are the formats an evidence bundle carries, each as
// report plus the format's first ending.
var bundled = []*Format{&table, &jsonFormat, &markdown, &oscalFormat, &openVEXFormat, &csafVEXFormat, &sarifFormat, &htmlFormat, &gsprFormat}

// Bundle renders every report an evidence bundle carries: the table
// (without colour), JSON, Markdown, OSCAL results, OpenVEX, CSAF VEX,
// SARIF, HTML and the GSPR checklist (CSV), and the HTML printed to PDF when a Chromium is found;
// without one, note says so and the bundle goes without the PDF.
func Bundle(ctx context.Context, res *app.CheckResult, o Options) (opts app.BundleOptions, note string, err error) {
	o.Color, o.Plan, o.Path = false, nil, ""
	var page []byte // the HTML report, which the PDF prints
	for _, f := range bundled {
		var b bytes.Buffer
		if err := f.Check(&b, res, o); err != nil {
			return opts, "", err
		}
		opts.Reports = append(opts.Reports, app.Report{Name: "report" + f.Extensions[0], Data: b.Bytes()})
		if f == &htmlFormat {
			page, opts.PDFFrom = b.Bytes(), "report"+f.Extensions[0]
		}
	}
	pdf, err := browser.PDF(ctx, page)
	switch {
	case errors.Is(err, browser.ErrNotFound):
		return opts, "the bundle has no PDF: " + err.Error(), nil
	case err != nil:
		return opts, "", err
	}
	opts.PDF = pdf
	return opts, "", nil
}
