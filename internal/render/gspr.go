package render

import (
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/gspr"
)

// gsprFormat writes the GSPR checklist: CSV, or a workbook when the
// output file ends in .xlsx (docs/reports.md).
var gsprFormat = Format{
	Name:       "gspr",
	Extensions: []string{".gspr.csv", ".csv", ".xlsx"},
	Check: func(w io.Writer, r *app.CheckResult, o Options) error {
		rows := gspr.Rows(r.Report)
		if strings.HasSuffix(strings.ToLower(o.Path), ".xlsx") {
			return gspr.WriteXLSX(w, r.Report, rows)
		}
		return gspr.WriteCSV(w, rows)
	},
}
