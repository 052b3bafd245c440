package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

// TextOptions controls the terminal rendering.
type TextOptions struct {
	// Color adds ANSI colours; set it only for a terminal without NO_COLOR.
	Color bool
	// All lists passing and not-applicable findings too.
	All bool
}

const (
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	green  = "\x1b[32m"
	dim    = "\x1b[2m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// perRule and maxDetail keep the terminal view of a requirement short:
// the findings of one rule shown under it, and the length of a detail.
const (
	perRule   = 5
	maxDetail = 240
)

// Clip shortens s to at most n bytes at a word boundary, marking the cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut <= 0 {
		cut = n
	}
	return strings.TrimRight(s[:cut], " ,;:") + " ..."
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Text writes the report for a terminal: summary first, then what to fix
// first, then each requirement that is not met with its findings.
func Text(w io.Writer, r *Report, o TextOptions) error {
	p := &printer{w: w}
	c := func(code, s string) string {
		if !o.Color {
			return s
		}
		return code + s + reset
	}
	name := r.Device.Product
	if r.Device.Model != "" {
		name += " " + r.Device.Model
	}
	p.f("%s (%s): MDR cybersecurity health check, profile %s, %s\n\n", c(bold, name), r.Device.Manufacturer, r.Profile, r.Date)
	p.f("Class %s%s\n", r.Classification.Class, rulesSuffix(r.Classification.Rule))
	if t := r.Classification.Transition; t != nil {
		p.f("Legacy device: %s\n", t.Line())
	}
	reviewed := ""
	if n := r.Summary.MetOnReviews; n > 0 {
		reviewed = fmt.Sprintf(", %d on reviews", n)
	}
	p.f("Readiness %s: %d of %d applicable requirements met (%d on claims only, %d on waivers%s)\n",
		c(bold, fmt.Sprintf("%.1f%%", r.Summary.Readiness)), r.Summary.Requirements[Met], applicable(r), r.Summary.MetOnClaimsOnly, r.Summary.MetOnWaivers, reviewed)
	p.f("Requirements: %d missed, %d unproven, %d manual, %d met, %d not applicable\n",
		r.Summary.Requirements[Missed], r.Summary.Requirements[Unproven], r.Summary.Requirements[Manual], r.Summary.Requirements[Met], r.Summary.Requirements[NotApplicable])
	p.f("Findings: %s\n", counts(r.Summary.Findings))

	if len(r.FixFirst) > 0 {
		p.f("\n%s\n", c(bold, "Fix first (known exploited, then confirmed before tentative, then patient-safety impact plus severity):"))
		for i, fx := range r.FixFirst {
			if i == 10 {
				p.f("  ... %d more in the report (--format md or json)\n", len(r.FixFirst)-10)
				break
			}
			p.f("  %2d. %-8s %s\n      %s (%s)\n", i+1, c(red, strings.ToUpper(fx.Severity.String())), fx.Finding, fx.Detail, fx.Why)
		}
	}

	find := map[string]catalog.Finding{}
	for _, f := range r.Findings {
		find[f.ID] = f
	}
	p.f("\n%s\n", c(bold, "Requirements:"))
	for _, rr := range r.Requirements {
		var mark string
		switch rr.Status {
		case Missed:
			mark = c(red, "x missed  ")
		case Unproven:
			mark = c(yellow, "? unproven")
		case Met:
			if !o.All {
				continue
			}
			mark = c(green, "v met     ")
		default:
			continue
		}
		p.f("  %s %s %s\n", mark, rr.ID, c(dim, rr.Title))
		if rv := rr.Review; rv != nil {
			p.f("      REVIEW  %s by %s on %s: %s\n", rv.Outcome, rv.Reviewer, rv.Date, Clip(rv.Evidence, maxDetail))
		}
		shown, more := map[string]int{}, map[string]int{}
		for _, id := range rr.Findings {
			f := find[id]
			if f.Status == catalog.Pass && !o.All {
				continue
			}
			// A rule with a finding per vulnerability can have hundreds:
			// the terminal shows the first few under each requirement.
			if shown[f.Rule] == perRule {
				more[f.Rule]++
				continue
			}
			shown[f.Rule]++
			status := strings.ToUpper(string(f.Status))
			if f.Suppressed() {
				status = "WAIVED"
			}
			p.f("      %-7s %s: %s\n", status, f.ID, Clip(f.Detail, maxDetail))
		}
		for _, rule := range sortedKeys(more) {
			p.f("      ... %d more from %s (--format md lists them all)\n", more[rule], rule)
		}
	}
	if un := r.Unmapped(); len(un) > 0 {
		p.f("\n%s\n", c(bold, "Rules under no requirement (policy rules):"))
		passed := 0
		for _, f := range un {
			if f.Status == catalog.Pass && !o.All {
				passed++
				continue
			}
			status := strings.ToUpper(string(f.Status))
			if f.Suppressed() {
				status = "WAIVED"
			}
			p.f("      %-7s %s: %s\n", status, f.ID, Clip(f.Detail, maxDetail))
		}
		if passed > 0 {
			p.f("      %d pass (--all lists them)\n", passed)
		}
	}
	p.f("\n%d requirements need manual review (see --format md); %d not applicable.\n", len(r.Manual), r.Summary.Requirements[NotApplicable])
	p.f("%s\n", c(dim, "Made by "+r.Tool.Stamp()))
	return p.err
}
