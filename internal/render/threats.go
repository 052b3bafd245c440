package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/htmlreport"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/threat"
)

// threatsVersion is the threats output's schema version: 2 added each
// threat's findings and whether it is covered; 3 its missing controls,
// status and acceptance.
const threatsVersion = "3"

type threatsOutput struct {
	SchemaVersion string          `json:"schemaVersion"`
	Device        classify.Device `json:"device"`
	Formula       string          `json:"formula"`
	Threats       []threat.Threat `json:"threats"`
	Surface       []threat.Zone   `json:"surface"`
}

func writeThreatsJSON(w io.Writer, m *app.ThreatModel, _ Options) error {
	return encodeJSON(w, threatsOutput{threatsVersion, m.Device, m.Formula, m.Threats, m.Surface})
}

// writeThreatsTable writes the threat model for a terminal, within
// report.Width columns: the attack surface per zone, then each threat,
// open ones first within each risk.
func writeThreatsTable(w io.Writer, m *app.ThreatModel, _ Options) error {
	p := &ew{w: w}
	para := func(indent int, s string) {
		for _, l := range report.Wrap(s, report.Width-indent) {
			p.printf("%s%s\n", strings.Repeat(" ", indent), l)
		}
	}
	para(0, fmt.Sprintf("Threat model of %s %s (%s)", m.Device.Product, m.Device.Model, m.Device.Manufacturer))
	para(0, m.Formula)
	p.printf("\nAttack surface:\n")
	for _, z := range m.Surface {
		high := ""
		if z.Highest != "" {
			high = ", highest risk " + string(z.Highest)
		}
		para(2, fmt.Sprintf("%s: %d interface(s), %d threat(s), %d open%s", z.Zone, len(z.Interfaces), z.Threats, z.Open, high))
	}
	p.printf("\n")
	para(0, m.Line()+":")
	for _, t := range m.Threats {
		p.printf("  %-8s %-9s %s\n", strings.ToUpper(string(t.Risk)), t.Status, t.ID)
		para(6, t.Title+" ("+strings.Join(t.STRIDE, ", ")+"; "+t.Consequence+")")
		para(6, fmt.Sprintf("likelihood %d x severity %d: %s", t.Likelihood, t.Severity, strings.Join(t.Why, "; ")))
		if len(t.Mitigations) > 0 {
			para(6, "mitigations: "+strings.Join(t.Mitigations, "; "))
		}
		if len(t.Missing) > 0 {
			para(6, "missing: "+strings.Join(t.Missing, "; "))
		}
		if t.Acceptance != nil {
			para(6, "acceptance: "+report.State(t))
		}
		para(6, "assessed by "+report.Assessment(t))
	}
	return p.err
}

// svgFormat writes the threat model's data-flow diagram as a standalone
// SVG file.
var svgFormat = Format{
	Name:       "svg",
	Extensions: []string{".svg"},
	Threats: func(w io.Writer, m *app.ThreatModel, _ Options) error {
		_, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+htmlreport.DataFlowDiagram(m.Model, htmlreport.Markers(m.Threats))+"\n")
		return err
	},
}

// writeThreatsMarkdown writes the threat model for technical
// documentation: the attack surface per zone, then one table row per
// threat with its risk, state, consequence, mitigations and rules.
func writeThreatsMarkdown(w io.Writer, m *app.ThreatModel, _ Options) error {
	p := &ew{w: w}
	p.printf("# Threat model: %s %s\n\n%s. Derived from %s by mdcheck threats.\n\n", m.Device.Product, m.Device.Model, m.Device.Manufacturer, m.Device.File)
	if p.err == nil {
		p.err = report.ThreatsMarkdown(w, m.ThreatModel, "##")
	}
	return p.err
}
