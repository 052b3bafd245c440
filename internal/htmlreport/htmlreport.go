// Package htmlreport writes the health check as one self-contained HTML
// page, for the screen and for print: summary first (class, readiness,
// what to fix first), the architecture drawn from the device model as
// inline SVG, findings grouped by requirement, the vulnerabilities with a
// chart of their severity for patients, the coverage ledger, the
// classification trace and an appendix of the inputs with their SHA-256
// and the tool, catalog and database versions. The page loads nothing:
// no script, image, font or stylesheet from outside it, so it can be
// archived, mailed and printed as it is. The same inputs give the same
// bytes.
package htmlreport

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/threat"
)

// Input is what the page is drawn from.
type Input struct {
	Report *report.Report
	// Model draws the architecture; Classification gives the trace.
	// Either may be nil: its section then says it is not available.
	Model           *model.Device
	Classification  *classify.Classification
	Vulnerabilities []evidence.Vulnerabilities
}

//go:embed *.html.tmpl
var sources embed.FS

// pages are parsed on first use, not when mdcheck starts: most commands
// never write a page.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"lower":      strings.ToLower,
		"join":       strings.Join,
		"state":      report.State,
		"assessment": report.Assessment,
		"pct":        func(f float64) string { return fmt.Sprintf("%.1f%%", f) },
		"clip":       report.Clip,
	}).ParseFS(sources, "*.html.tmpl"))
})

// Write writes the page.
func Write(w io.Writer, in Input) error {
	if in.Report == nil {
		return fmt.Errorf("htmlreport: no report")
	}
	return pages().ExecuteTemplate(w, "report", build(in))
}

type (
	view struct {
		R            *report.Report
		Name         string
		Transition   string
		Counts       []count
		Fix          []fixView
		Diagram      template.HTML
		Interfaces   []ifaceRow
		Chart        template.HTML
		Vulns        []vulnRow
		Ledger       []evidence.Vulnerabilities
		VulnsOff     bool
		Open, Closed []reqView
		// Findings are those not passing, each once.
		Findings []catalog.Finding
		Trace    []traceView
		Threats  []threat.Threat
		Formula  string
		Notes    []string
	}
	fixView struct {
		report.Fix
		Detail string
	}
	count struct {
		Label string
		N     int
	}
	ifaceRow struct {
		Component, Interface, Kind, Exposure, Protocols, Encryption, Auth, To string
	}
	vulnRow struct {
		evidence.VulnFound
		Component string
		Open      bool
		SetAside  string
	}
	// reqView is a requirement with its findings in full where they
	// fail, are unknown or were set aside, and by name where they pass or
	// do not apply: each requirement's evidence is there, and the page
	// stays readable.
	reqView struct {
		report.RequirementResult
		Findings []catalog.Finding
		SetAside []string
		Passing  []string
		NA       []string
	}
	traceView struct {
		classify.Result
		Steps       []classify.Step
		NotApplying int
	}
)

func build(in Input) *view {
	r := in.Report
	v := &view{R: r, Name: strings.TrimSpace(r.Device.Product + " " + r.Device.Model)}
	if t := r.Classification.Transition; t != nil {
		v.Transition = t.Line()
	}
	for _, s := range []report.RequirementStatus{report.Missed, report.Unproven, report.Manual, report.Met, report.NotApplicable} {
		v.Counts = append(v.Counts, count{string(s), r.Summary.Requirements[s]})
	}
	if in.Model != nil {
		v.Diagram = template.HTML(DataFlowDiagram(in.Model, Markers(in.Report.ThreatModel.Threats))) // #nosec: every text in it is escaped by the diagram
		for _, c := range in.Model.Components {
			for _, itf := range c.Interfaces {
				v.Interfaces = append(v.Interfaces, ifaceView(c.ID, itf))
			}
		}
	}
	findings := map[string]catalog.Finding{}
	for _, f := range r.Findings {
		findings[f.ID] = f
		if f.Suppression != nil || (f.Status != catalog.Pass && f.Status != catalog.NotApplicable) {
			v.Findings = append(v.Findings, f)
		}
	}
	for _, f := range r.FixFirst {
		v.Fix = append(v.Fix, fixView{Fix: f, Detail: findings[f.Finding].Detail})
	}
	for _, req := range r.Requirements {
		rv := reqView{RequirementResult: req}
		for _, id := range req.Findings {
			f, ok := findings[id]
			switch {
			case !ok:
			case f.Suppression == nil && f.Status == catalog.Pass:
				rv.Passing = append(rv.Passing, id)
			case f.Suppression == nil && f.Status == catalog.NotApplicable:
				rv.NA = append(rv.NA, id)
			case f.Suppressed():
				rv.SetAside = append(rv.SetAside, id)
			default:
				rv.Findings = append(rv.Findings, f)
			}
		}
		if req.Status == report.Met || req.Status == report.NotApplicable {
			v.Closed = append(v.Closed, rv)
		} else {
			v.Open = append(v.Open, rv)
		}
	}
	v.Threats, v.Formula = r.ThreatModel.Threats, r.ThreatModel.Formula
	v.VulnsOff = r.Tool.Database == nil
	v.Ledger = in.Vulnerabilities
	bars := severityBars()
	for _, comp := range in.Vulnerabilities {
		for _, f := range comp.Found {
			row := vulnRow{VulnFound: f, Component: comp.Component, Open: true}
			if fd, ok := findings["vuln/known-vulnerabilities@"+comp.Component+"/"+f.ID]; ok && fd.Suppression != nil && !fd.Suppression.Expired {
				row.Open, row.SetAside = false, string(fd.Suppression.By)
			} else if f.VEX != nil && f.VEX.Suppressed {
				row.Open, row.SetAside = false, "VEX "+f.VEX.Status
			}
			v.Vulns = append(v.Vulns, row)
			bars.count(f.Safety, row.Open)
		}
	}
	sort.SliceStable(v.Vulns, func(i, j int) bool {
		a, b := v.Vulns[i], v.Vulns[j]
		if a.Open != b.Open {
			return a.Open
		}
		if a.SafetyScore != b.SafetyScore {
			return a.SafetyScore > b.SafetyScore
		}
		return a.Component+a.ID < b.Component+b.ID
	})
	if len(v.Vulns) > 0 {
		v.Chart = template.HTML(chart(bars)) // #nosec: labels are escaped by chart
	}
	if c := in.Classification; c != nil {
		v.Notes = c.Notes
		for _, res := range c.Components {
			tv := traceView{Result: res}
			for _, s := range res.Trace {
				if s.Outcome == classify.DoesNotApply {
					tv.NotApplying++
					continue
				}
				tv.Steps = append(tv.Steps, s)
			}
			v.Trace = append(v.Trace, tv)
		}
	}
	return v
}

func ifaceView(component string, itf model.Interface) ifaceRow {
	row := ifaceRow{Component: component, Interface: itf.ID, Kind: string(itf.Kind), Exposure: exposureLabel(itf.Exposure), To: strings.Join(itf.ConnectsTo, ", ")}
	var ps []string
	for _, p := range itf.Protocols {
		ps = append(ps, string(p))
	}
	row.Protocols = strings.Join(ps, ", ")
	if itf.Port != nil {
		row.Protocols += fmt.Sprintf(" (port %d)", *itf.Port)
	}
	row.Encryption = "not stated"
	if e := itf.Encryption; e != nil && e.InTransit != nil {
		row.Encryption = "none"
		if *e.InTransit {
			row.Encryption = "yes"
			if e.Protocol != "" {
				row.Encryption = e.Protocol
			}
		}
	}
	row.Auth = "not stated"
	if a := itf.Authentication; a != nil && a.Required != nil {
		row.Auth = "none"
		if *a.Required {
			var ms []string
			for _, m := range a.Methods {
				ms = append(ms, string(m))
			}
			row.Auth = "required"
			if len(ms) > 0 {
				row.Auth += ": " + strings.Join(ms, ", ")
			}
		}
	}
	return row
}

// Markers are the open threats (neither mitigated nor accepted) as
// diagram markers: on the component or
// interface they concern; a flow's on its sender.
func Markers(ts []threat.Threat) []Marker {
	var out []Marker
	for _, t := range ts {
		if t.Status != threat.StatusOpen {
			continue
		}
		el := t.Element
		if from, _, ok := strings.Cut(el, "->"); ok && !strings.Contains(from, "/") {
			el = from
		}
		out = append(out, Marker{Element: el, Risk: string(t.Risk), Title: t.Title})
	}
	return out
}
