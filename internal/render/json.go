package render

import (
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// jsonFormat writes every result as JSON: the stable interface for
// scripts and other tools.
var jsonFormat = Format{
	Name:     "json",
	Check:    func(w io.Writer, r *app.CheckResult, _ Options) error { return report.JSON(w, r.Report) },
	Classify: func(w io.Writer, c *classify.Classification, _ Options) error { return encodeJSON(w, c) },
	SBOM:     func(w io.Writer, rs []app.SBOMReport, _ Options) error { return encodeJSON(w, rs) },
	Scan: func(w io.Writer, r *app.ScanResult, _ Options) error {
		type result struct {
			SBOM     string          `json:"sbom"`
			Matches  []vuln.Match    `json:"matches"`
			Coverage []vuln.Coverage `json:"ledger"`
		}
		rs := make([]result, 0, len(r.SBOMs))
		for _, s := range r.SBOMs {
			rs = append(rs, result{s.File, s.Matches, s.Coverage})
		}
		return encodeJSON(w, map[string]any{"database": r.Database, "results": rs})
	},
	Inventory:   func(w io.Writer, _ Options) RowWriter { return newJSONRows(w) },
	MDS2:        func(w io.Writer, f *mds2.Form, _ Options) error { return encodeJSON(w, f) },
	DBStatus:    func(w io.Writer, st store.Status, _ Options) error { return encodeJSON(w, st) },
	CatalogList: func(w io.Writer, c app.Catalog, _ Options) error { return encodeJSON(w, c) },
}

// jsonRows streams inventory rows as a JSON array.
type jsonRows struct {
	w     io.Writer
	enc   *jsontext.Encoder
	begun bool
}

func newJSONRows(w io.Writer) *jsonRows {
	return &jsonRows{w: w, enc: jsontext.NewEncoder(w, jsontext.WithIndent("  "), jsontext.EscapeForHTML(false))}
}

func (j *jsonRows) begin() error {
	if j.begun {
		return nil
	}
	j.begun = true
	return j.enc.WriteToken(jsontext.BeginArray)
}

func (j *jsonRows) Row(r app.InventoryRow) error {
	if err := j.begin(); err != nil {
		return err
	}
	return jsonv2.MarshalEncode(j.enc, r, jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false))
}

func (j *jsonRows) End(store.Status) error {
	if err := j.begin(); err != nil {
		return err
	}
	if err := j.enc.WriteToken(jsontext.EndArray); err != nil {
		return err
	}
	_, err := io.WriteString(j.w, "\n")
	return err
}

// encodeJSON writes v indented. encoding/json/v2 with the standard
// library's v1 semantics writes as it goes, in chunks, rather than
// building the whole document (and an indented copy of it) in memory
// first: a scan of many SBOMs writes megabytes.
func encodeJSON(w io.Writer, v any) error {
	if err := jsonv2.MarshalWrite(w, v, jsonv1.DefaultOptionsV1(), jsontext.WithIndent("  "), jsontext.EscapeForHTML(false)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
