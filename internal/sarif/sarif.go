// Package sarif writes the health check as SARIF 2.1.0 (OASIS Static
// Analysis Results Interchange Format), so that code-scanning services
// show its findings beside the device model they concern: one result per
// failing or unknown finding, each rule once with its rationale and
// remediation, locations in the device model (line and column) where the
// finding's evidence names them. Only the members SARIF needs are
// written; none that would claim what mdcheck does not know.
package sarif

import (
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/jsonsafe"
	"github.com/mdcheck/mdcheck/internal/report"
)

// Schema is the URI of the SARIF 2.1.0 schema.
const Schema = "https://json.schemastore.org/sarif-2.1.0.json"

type (
	log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []run  `json:"runs"`
	}
	run struct {
		Tool    tool     `json:"tool"`
		Results []result `json:"results"`
		// Properties carry the device and the readiness.
		Properties map[string]any `json:"properties,omitempty"`
	}
	tool struct {
		Driver driver `json:"driver"`
	}
	driver struct {
		Name           string `json:"name"`
		Version        string `json:"version,omitempty"`
		InformationURI string `json:"informationUri,omitempty"`
		Rules          []rule `json:"rules"`
	}
	rule struct {
		ID               string         `json:"id"`
		ShortDescription text           `json:"shortDescription"`
		FullDescription  *text          `json:"fullDescription,omitempty"`
		Help             *text          `json:"help,omitempty"`
		Properties       map[string]any `json:"properties,omitempty"`
	}
	text struct {
		Text string `json:"text"`
	}
	result struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Kind                string            `json:"kind"`
		Level               string            `json:"level"`
		Message             text              `json:"message"`
		Locations           []location        `json:"locations,omitempty"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Suppressions        []suppression     `json:"suppressions,omitempty"`
		Properties          map[string]any    `json:"properties,omitempty"`
	}
	location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	physical struct {
		ArtifactLocation artifact `json:"artifactLocation"`
		Region           *region  `json:"region,omitempty"`
	}
	artifact struct {
		URI string `json:"uri"`
	}
	region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	suppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status,omitempty"`
		Justification string `json:"justification,omitempty"`
	}
)

// level is a finding's SARIF level: error for critical and high, warning
// for medium, note for low and info; an unknown finding (evidence
// missing) is a warning to review, never a pass.
func level(f catalog.Finding) string {
	if f.Status == catalog.Unknown || f.Status == catalog.Error {
		return "warning"
	}
	switch {
	case f.Severity >= catalog.High:
		return "error"
	case f.Severity >= catalog.Medium:
		return "warning"
	}
	return "note"
}

// Check writes the report r as SARIF; base is the folder file paths are
// written relative to (the working folder, for a code-scanning upload).
func Check(w io.Writer, r *report.Report, rules []catalog.Rule, base string) error {
	ruleByID := map[string]catalog.Rule{}
	for _, x := range rules {
		ruleByID[x.ID] = x
	}
	d := driver{Name: "mdcheck", Version: r.Tool.Version, InformationURI: "https://mdcheck.dev"}
	index := map[string]int{}
	var results []result
	for _, f := range r.Findings {
		if f.Status != catalog.Fail && f.Status != catalog.Unknown && f.Status != catalog.Error {
			continue
		}
		k, ok := index[f.Rule]
		if !ok {
			k = len(d.Rules)
			index[f.Rule] = k
			d.Rules = append(d.Rules, ruleOf(f, ruleByID[f.Rule]))
		}
		kind := "fail"
		if f.Status != catalog.Fail {
			kind = "review"
		}
		msg := f.Title
		if f.Detail != "" {
			msg += ": " + f.Detail
		}
		res := result{RuleID: f.Rule, RuleIndex: k, Kind: kind, Level: level(f), Message: text{msg},
			PartialFingerprints: map[string]string{"mdcheckFinding/v1": f.ID},
			Properties:          map[string]any{"subject": f.Subject, "severity": f.Severity.String(), "requirements": f.Requirements}}
		if f.Exploited {
			res.Properties["knownExploited"] = true
		}
		res.Locations = locations(f, base)
		if s := f.Suppression; s != nil && !s.Expired {
			why := s.Reason()
			if s.By == catalog.ByWaiver {
				why = "waiver by " + s.Owner + " until " + s.Expires + ": " + s.Justification
			}
			res.Suppressions = []suppression{{Kind: "external", Status: "accepted", Justification: why}}
		}
		results = append(results, res)
	}
	if d.Rules == nil {
		d.Rules = []rule{}
	}
	if results == nil {
		results = []result{}
	}
	doc := log{Schema: Schema, Version: "2.1.0", Runs: []run{{
		Tool: tool{Driver: d}, Results: results,
		Properties: map[string]any{"device": r.Device.Product, "manufacturer": r.Device.Manufacturer, "readiness": r.Summary.Readiness,
			"class": r.Classification.Class, "date": r.Date, "profile": r.Profile},
	}}}
	return jsonsafe.WriteIndented(w, doc)
}

// ruleOf describes a rule once: its title, rationale and remediation, and
// the requirements it helps decide.
func ruleOf(f catalog.Finding, r catalog.Rule) rule {
	out := rule{ID: f.Rule, ShortDescription: text{f.Title}, Properties: map[string]any{"requirements": r.Refs}}
	if r.Rationale != "" {
		out.FullDescription = &text{r.Rationale}
	}
	if r.Remediation != "" {
		out.Help = &text{r.Remediation}
	} else if f.Remediation != "" {
		out.Help = &text{f.Remediation}
	}
	if r.Refs == nil {
		out.Properties = nil
	}
	return out
}

// relURI is file as a SARIF artifact URI: relative to base when file is
// an absolute path inside it, else the path as given, with forward
// slashes either way.
func relURI(file, base string) string {
	if base != "" && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(base, file); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(file)
}

// locations are the files and positions the finding's evidence names,
// each once, in the order given: model facts with their line and column,
// documents and SBOMs as files.
func locations(f catalog.Finding, base string) []location {
	var out []location
	seen := map[string]bool{}
	for _, e := range f.Evidence {
		file := e.Source.File
		if file == "" || strings.Contains(file, "://") {
			continue
		}
		uri := relURI(file, base)
		key := uri
		var reg *region
		if e.Source.Line > 0 {
			reg = &region{StartLine: e.Source.Line, StartColumn: e.Source.Column}
			key += ":" + strconv.Itoa(e.Source.Line) + ":" + strconv.Itoa(e.Source.Column)
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, location{PhysicalLocation: physical{ArtifactLocation: artifact{URI: uri}, Region: reg}})
	}
	return out
}
