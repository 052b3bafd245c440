package sarif

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/jsonsafe"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// SBOM is one scanned SBOM: its file and the matches in it.
type SBOM struct {
	File    string
	Matches []vuln.Match
}

// Scan writes a scan as SARIF: one rule per vulnerability, one result per
// match, located in its SBOM file; a match a VEX statement marks not
// affected or fixed is a result with an accepted external suppression.
// The level follows the severity for patients where the scan knew the
// device, else the advisory's rating; an unrated match is an error, as
// --fail-on counts it high.
func Scan(w io.Writer, version string, sboms []SBOM, base string) error {
	d := driver{Name: "mdcheck", Version: version, InformationURI: "https://mdcheck.dev"}
	index := map[string]int{}
	results := []result{}
	for _, s := range sboms {
		uri := relURI(s.File, base)
		for _, m := range s.Matches {
			k, ok := index[m.ID]
			if !ok {
				k = len(d.Rules)
				index[m.ID] = k
				r := rule{ID: m.ID, ShortDescription: text{orID(m.Summary, m.ID)}}
				if len(m.Aliases) > 0 {
					r.Properties = map[string]any{"aliases": m.Aliases}
				}
				if len(m.Fixed) > 0 {
					r.Help = &text{"Update to a fixed version: " + strings.Join(m.Fixed, ", ") + "."}
				}
				d.Rules = append(d.Rules, r)
			}
			sev := m.Severity
			if m.Safety != nil {
				sev = m.Safety.Level
			}
			msg := fmt.Sprintf("%s %s matches %s (%s, confidence %s)", m.Package, m.Version, m.ID, m.Method, m.Confidence)
			if len(m.Fixed) > 0 {
				msg += "; fixed in " + strings.Join(m.Fixed, ", ")
			}
			res := result{RuleID: m.ID, RuleIndex: k, Kind: "fail", Level: matchLevel(sev), Message: text{msg},
				Locations:           []location{{PhysicalLocation: physical{ArtifactLocation: artifact{URI: uri}}}},
				PartialFingerprints: map[string]string{"mdcheckMatch/v1": uri + "#" + m.Ref + "#" + m.ID},
				Properties:          map[string]any{"package": m.Package, "version": m.Version, "severity": sev.String()}}
			if m.KEV != nil {
				res.Properties["knownExploited"] = true
			}
			if x := m.VEX; x.Suppressed() {
				why := "VEX: " + x.Status
				if x.Justification != "" {
					why += " (" + x.Justification + ")"
				}
				res.Suppressions = []suppression{{Kind: "external", Status: "accepted", Justification: why}}
			}
			results = append(results, res)
		}
	}
	if d.Rules == nil {
		d.Rules = []rule{}
	}
	return jsonsafe.WriteIndented(w, log{Schema: Schema, Version: "2.1.0", Runs: []run{{Tool: tool{Driver: d}, Results: results}}})
}

func matchLevel(s severity.Level) string {
	switch {
	case s == severity.None || s >= severity.High:
		return "error"
	case s >= severity.Medium:
		return "warning"
	}
	return "note"
}

func orID(summary, id string) string {
	if strings.TrimSpace(summary) == "" {
		return id
	}
	return summary
}
