// Package render turns the core's results into the formats users read:
// one registry of formats (table, json, md, oscal, cyclonedx, xlsx) keyed
// by name, each format naming the results it can render. Every entry
// point (the command line, the server) looks a format up here, so a new
// format is written once and reaches every command where it makes sense.
package render

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// Options tune a rendering.
type Options struct {
	// Color adds ANSI colours to tables; set it only for a terminal
	// without NO_COLOR.
	Color bool
	// All lists what passes too (check, sbom tables).
	All bool
	// Trace shows every classification rule's reasoning.
	Trace bool
	// Build says which mdcheck writes the output; Now the time written
	// in documents that carry one.
	Build app.BuildInfo
	Now   time.Time
	// Plan, with the oscal format, receives the OSCAL assessment plan;
	// PlanHref is how the results refer to it.
	Plan     io.Writer
	PlanHref string
	// Context cancels a rendering that runs another program (the PDF's
	// Chromium); nil means never.
	Context context.Context
	// Path is the file the output goes to ("" for standard output): a
	// format that writes more than one kind of file (gspr: CSV or XLSX)
	// chooses by its ending.
	Path string
}

// Format is one output format and the results it renders; a nil field
// means the format does not apply to that result.
type Format struct {
	Name string
	// Extensions are the file name endings an output of this format
	// takes; -o refuses one that belongs to another format.
	Extensions []string
	// Single marks a format that describes one input (one SBOM's scan).
	Single bool

	Check       func(io.Writer, *app.CheckResult, Options) error
	Classify    func(io.Writer, *classify.Classification, Options) error
	SBOM        func(io.Writer, []app.SBOMReport, Options) error
	Scan        func(io.Writer, *app.ScanResult, Options) error
	Inventory   func(io.Writer, Options) RowWriter
	MDS2        func(io.Writer, *mds2.Form, Options) error
	MDS2Export  func(io.Writer, *app.MDS2Export, Options) error
	DBStatus    func(io.Writer, store.Status, Options) error
	CatalogList func(io.Writer, app.Catalog, Options) error
	CatalogShow func(io.Writer, app.Entry, Options) error
	// CatalogExport writes the whole catalog, last modified Options.Now.
	CatalogExport func(io.Writer, Options) error
	Validate      func(io.Writer, []app.Validated, Options) error
	IFU           func(io.Writer, *app.IFUChecklist, Options) error
	Threats       func(io.Writer, *app.ThreatModel, Options) error
	Probe         func(io.Writer, *app.ProbeResult, Options) error
}

// RowWriter renders a stream of inventory rows: Row for each as it
// comes, End once after the last with what was read and the database
// matched against.
type RowWriter interface {
	Row(app.InventoryRow) error
	End(app.InventorySummary) error
}

// formats is the registry, in the order names are listed.
var formats = []*Format{&table, &jsonFormat, &markdown, &oscalFormat, &cyclonedx, &openVEXFormat, &csafVEXFormat, &sarifFormat, &htmlFormat, &pdfFormat, &gsprFormat, &clinicianFormat, &ifuSectionFormat, &svgFormat, &xlsx}

// aliases are other names users type for a format.
var aliases = map[string]string{"markdown": "md", "text": "table"}

// Lookup finds a format by name or alias.
func Lookup(name string) (*Format, bool) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// For returns the format name renders with, when it renders the result
// has selects; otherwise an error listing the formats that do.
func For(name string, has func(*Format) bool) (*Format, error) {
	if f, ok := Lookup(name); ok && has(f) {
		return f, nil
	}
	return nil, fmt.Errorf("--format must be %s, not %q", orList(Names(has)), name)
}

// Names lists the formats whose has is true, in registry order.
func Names(has func(*Format) bool) []string {
	var out []string
	for _, f := range formats {
		if has(f) {
			out = append(out, f.Name)
		}
	}
	return out
}

// CheckExtension refuses an output file name whose ending belongs to
// another format than f (report.json written as Markdown, an MDS2
// workbook named .csv); an ending no format claims is taken as it is.
func (f *Format) CheckExtension(path string) error {
	name := strings.ToLower(path)
	for _, e := range f.Extensions {
		if strings.HasSuffix(name, e) {
			return nil
		}
	}
	for _, other := range append(formats, &csvFormat) {
		for _, e := range other.Extensions {
			if strings.HasSuffix(name, e) {
				return fmt.Errorf("%s ends in %s, but the output is %s (%s)", path, e, f.Name, strings.Join(f.Extensions, ", "))
			}
		}
	}
	return nil
}

// csvFormat claims the ending of files no format writes, so that an
// output named .csv is refused rather than written in another format.
var csvFormat = Format{Name: "csv", Extensions: []string{".tsv", ".xls", ".ods", ".xml", ".yaml", ".yml"}}

// orList writes "a, b or c".
func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// ew writes and remembers the first error, so rendering code stays linear.
type ew struct {
	w   io.Writer
	err error
}

func (e *ew) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func listOr(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
