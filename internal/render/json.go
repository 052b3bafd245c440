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
	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// SchemaVersion is the version of the JSON outputs defined here (check's
// report and classify's classification carry their own). It changes
// whenever one of them changes shape; docs/schemas holds each schema.
const SchemaVersion = "1"

// scanVersion is the scan output's: 2 added each ledger entry's status
// (checked, not-checkable, no-data), 3 the tool that wrote it.
const scanVersion = "3"

// inventoryVersion is the inventory-match output's: 2 added the tool; 3
// the row number, every other column of the row, the identifiers read
// from synonyms (assetTag, udi, location, platform, model, description;
// site and id are now location and assetTag) and the summary.
const inventoryVersion = "3"

// The JSON outputs: each a type of its own, so that what scripts read is
// a decision made here, not a side effect of an internal struct.
type (
	sbomOutput struct {
		SchemaVersion string `json:"schemaVersion"`
		*sbom.Document
		Quality sbom.Quality `json:"quality"`
		Ledger  []sbom.Entry `json:"ledger"`
	}
	// toolOutput says which mdcheck wrote a result.
	toolOutput struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		Commit    string `json:"commit,omitempty"`
		BuildDate string `json:"buildDate,omitempty"`
	}
	scanOutput struct {
		SchemaVersion string        `json:"schemaVersion"`
		Tool          toolOutput    `json:"tool"`
		Database      store.Status  `json:"database"`
		Results       []scannedSBOM `json:"results"`
	}
	scannedSBOM struct {
		SBOM     string          `json:"sbom"`
		Matches  []vuln.Match    `json:"matches"`
		Coverage []vuln.Coverage `json:"ledger"`
	}
	inventoryOutput struct {
		SchemaVersion string               `json:"schemaVersion"`
		Tool          toolOutput           `json:"tool"`
		Rows          []app.InventoryRow   `json:"rows"`
		Summary       app.InventorySummary `json:"summary"`
		Database      store.Status         `json:"database"`
	}
	mds2Output struct {
		SchemaVersion string `json:"schemaVersion"`
		*mds2.Form
	}
	dbStatusOutput struct {
		SchemaVersion string `json:"schemaVersion"`
		store.Status
	}
	catalogListOutput struct {
		SchemaVersion string `json:"schemaVersion"`
		app.Catalog
	}
	catalogShowOutput struct {
		SchemaVersion string            `json:"schemaVersion"`
		Requirement   *app.CatalogEntry `json:"requirement,omitempty"`
		Rule          *ruleOutput       `json:"rule,omitempty"`
	}
	ruleOutput struct {
		ID           string         `json:"id"`
		Title        string         `json:"title"`
		Severity     severity.Level `json:"severity"`
		Requirements []string       `json:"requirements"`
		Rationale    string         `json:"rationale"`
		Remediation  string         `json:"remediation"`
	}
	validateOutput struct {
		SchemaVersion string `json:"schemaVersion"`
		File          string `json:"file"`
		Valid         bool   `json:"valid"`
		// Product and Components describe a valid model.
		Product    string `json:"product,omitempty"`
		Components int    `json:"components,omitempty"`
		// Problems are those of an invalid model, each with its file,
		// line and column.
		Problems []string `json:"problems,omitempty"`
	}
)

// jsonFormat writes every result as JSON: the stable interface for
// scripts and other tools.
var jsonFormat = Format{
	Name:       "json",
	Extensions: []string{".json"},
	Check:      func(w io.Writer, r *app.CheckResult, _ Options) error { return report.JSON(w, r.Report) },
	Classify:   func(w io.Writer, c *classify.Classification, _ Options) error { return encodeJSON(w, c) },
	SBOM: func(w io.Writer, rs []app.SBOMReport, _ Options) error {
		out := make([]sbomOutput, 0, len(rs))
		for _, r := range rs {
			out = append(out, sbomOutput{SchemaVersion, r.Document, r.Quality, r.Ledger})
		}
		return encodeJSON(w, out)
	},
	Scan: func(w io.Writer, r *app.ScanResult, o Options) error {
		out := scanOutput{SchemaVersion: scanVersion, Tool: toolOf(o.Build), Database: r.Database, Results: make([]scannedSBOM, 0, len(r.SBOMs))}
		for _, s := range r.SBOMs {
			out.Results = append(out.Results, scannedSBOM{s.File, s.Matches, s.Coverage})
		}
		return encodeJSON(w, out)
	},
	Inventory: func(w io.Writer, o Options) RowWriter { return newJSONRows(w, toolOf(o.Build)) },
	MDS2:      func(w io.Writer, f *mds2.Form, _ Options) error { return encodeJSON(w, mds2Output{SchemaVersion, f}) },
	DBStatus: func(w io.Writer, st store.Status, _ Options) error {
		return encodeJSON(w, dbStatusOutput{SchemaVersion, st})
	},
	CatalogList: func(w io.Writer, c app.Catalog, _ Options) error {
		return encodeJSON(w, catalogListOutput{SchemaVersion, c})
	},
	CatalogShow: func(w io.Writer, e app.Entry, _ Options) error {
		out := catalogShowOutput{SchemaVersion: SchemaVersion, Requirement: e.Requirement}
		if r := e.Rule; r != nil {
			out.Rule = &ruleOutput{r.ID, r.Title, r.Severity, nonNil(r.Refs), r.Rationale, r.Remediation}
		}
		return encodeJSON(w, out)
	},
	IFU:     writeIFUJSON,
	Threats: writeThreatsJSON,
	Probe:   writeProbeJSON,
	Validate: func(w io.Writer, vs []app.Validated, _ Options) error {
		out := make([]validateOutput, 0, len(vs))
		for _, v := range vs {
			o := validateOutput{SchemaVersion: SchemaVersion, File: v.File, Valid: v.Err == nil, Problems: v.Problems}
			switch {
			case v.Err == nil:
				o.Product, o.Components = v.Device.Identity.Product, len(v.Device.Components)
			case len(o.Problems) == 0:
				o.Problems = []string{v.Err.Error()}
			}
			out = append(out, o)
		}
		return encodeJSON(w, out)
	},
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// jsonRows streams an inventory's rows into the inventory-match object:
// the rows as they come, the database after the last.
type jsonRows struct {
	w     io.Writer
	enc   *jsontext.Encoder
	tool  toolOutput
	begun bool
}

func newJSONRows(w io.Writer, tool toolOutput) *jsonRows {
	return &jsonRows{w: w, tool: tool, enc: jsontext.NewEncoder(w, jsontext.WithIndent("  "), jsontext.EscapeForHTML(false))}
}

func toolOf(b app.BuildInfo) toolOutput {
	return toolOutput{Name: "mdcheck", Version: b.Version, Commit: b.Commit, BuildDate: b.Date}
}

func (j *jsonRows) begin() error {
	if j.begun {
		return nil
	}
	j.begun = true
	for _, t := range []jsontext.Token{jsontext.BeginObject, jsontext.String("schemaVersion"), jsontext.String(inventoryVersion), jsontext.String("tool")} {
		if err := j.enc.WriteToken(t); err != nil {
			return err
		}
	}
	if err := jsonv2.MarshalEncode(j.enc, j.tool, jsonv1.DefaultOptionsV1()); err != nil {
		return err
	}
	for _, t := range []jsontext.Token{jsontext.String("rows"), jsontext.BeginArray} {
		if err := j.enc.WriteToken(t); err != nil {
			return err
		}
	}
	return nil
}

func (j *jsonRows) Row(r app.InventoryRow) error {
	if err := j.begin(); err != nil {
		return err
	}
	return jsonv2.MarshalEncode(j.enc, r, jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false))
}

func (j *jsonRows) End(sum app.InventorySummary) error {
	if err := j.begin(); err != nil {
		return err
	}
	if err := j.enc.WriteToken(jsontext.EndArray); err != nil {
		return err
	}
	for _, m := range []struct {
		name string
		v    any
	}{{"summary", sum}, {"database", sum.Database}} {
		if err := j.enc.WriteToken(jsontext.String(m.name)); err != nil {
			return err
		}
		if err := jsonv2.MarshalEncode(j.enc, m.v, jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false)); err != nil {
			return err
		}
	}
	if err := j.enc.WriteToken(jsontext.EndObject); err != nil {
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
