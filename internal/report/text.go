package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/threat"
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

// Width is the terminal view's width: every line fits it, long text is
// wrapped, details are clipped (--format md and json carry them whole).
const Width = 80

// Text writes the report for a terminal, every line within Width
// columns: summary first, then what to fix first, then the requirements
// not met, then each finding that is not passing once, with the
// requirements it affects.
func Text(w io.Writer, r *Report, o TextOptions) error {
	p := &printer{w: w}
	c := func(code, s string) string {
		if !o.Color {
			return s
		}
		return code + s + reset
	}
	para := func(indent int, s string) {
		for _, l := range Wrap(s, Width-indent) {
			p.f("%s%s\n", strings.Repeat(" ", indent), l)
		}
	}
	name := r.Device.Product
	if r.Device.Model != "" {
		name += " " + r.Device.Model
	}
	head := Wrap(name+" ("+r.Device.Manufacturer+")", Width)
	for _, l := range head {
		p.f("%s\n", c(bold, l))
	}
	para(0, fmt.Sprintf("MDR cybersecurity health check, profile %s, %s", r.Profile, r.Date))
	p.f("\n")
	para(0, "Class "+r.Classification.Class+rulesSuffix(r.Classification.Rule))
	if t := r.Classification.Transition; t != nil {
		para(0, "Legacy device: "+t.Line())
	}
	reviewed := ""
	if n := r.Summary.MetOnReviews; n > 0 {
		reviewed = fmt.Sprintf(", %d on reviews", n)
	}
	p.f("Readiness %s: %d of %d applicable requirements met\n", c(bold, fmt.Sprintf("%.1f%%", r.Summary.Readiness)), r.Summary.Requirements[Met], applicable(r))
	para(2, fmt.Sprintf("(%d on claims only, %d on waivers%s)", r.Summary.MetOnClaimsOnly, r.Summary.MetOnWaivers, reviewed))
	para(0, fmt.Sprintf("Requirements: %d missed, %d unproven, %d manual, %d met, %d not applicable",
		r.Summary.Requirements[Missed], r.Summary.Requirements[Unproven], r.Summary.Requirements[Manual], r.Summary.Requirements[Met], r.Summary.Requirements[NotApplicable]))
	para(0, "Findings: "+counts(r.Summary.Findings))

	if len(r.FixFirst) > 0 {
		p.f("\n")
		for _, l := range Wrap("Fix first (known exploited, then confirmed before tentative, then patient-safety impact plus severity):", Width) {
			p.f("%s\n", c(bold, l))
		}
		for i, fx := range r.FixFirst {
			if i == 10 {
				para(2, fmt.Sprintf("... %d more in the report (--format md or json)", len(r.FixFirst)-10))
				break
			}
			sev := fmt.Sprintf("%-8s", strings.ToUpper(fx.Severity.String()))
			p.f("%2d. %s %s\n", i+1, c(red, sev), fx.Finding)
			para(4, Clip(fx.Detail, maxDetail)+" ("+fx.Why+")")
		}
	}

	find := map[string]catalog.Finding{}
	for _, f := range r.Findings {
		find[f.ID] = f
	}
	title := "Requirements not met:"
	if o.All {
		title = "Requirements:"
	}
	p.f("\n%s\n", c(bold, title))
	idWidth, listed := 0, 0
	for _, rr := range r.Requirements {
		if rr.Status == Missed || rr.Status == Unproven || (o.All && rr.Status == Met) {
			idWidth = max(idWidth, min(len(rr.ID), 20))
			listed++
		}
	}
	if listed == 0 {
		p.f("  none\n")
	}
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
		// The title wraps under itself, after the mark and the ID.
		id := fmt.Sprintf("%-*s", idWidth, rr.ID)
		lead := 2 + 10 + 1 + len(id) + 1
		if lead > Width/2 {
			p.f("  %s %s\n", mark, rr.ID)
			para(13, rr.Title)
		} else {
			lines := Wrap(rr.Title, Width-lead)
			p.f("%s\n", strings.TrimRight(fmt.Sprintf("  %s %s %s", mark, id, c(dim, lines[0])), " "))
			for _, l := range lines[1:] {
				p.f("%s%s\n", strings.Repeat(" ", lead), c(dim, l))
			}
		}
		if rv := rr.Review; rv != nil {
			para(13, fmt.Sprintf("review: %s by %s on %s: %s", rv.Outcome, rv.Reviewer, rv.Date, Clip(rv.Evidence, maxDetail)))
		}
	}
	var shown []catalog.Finding
	for _, f := range r.Findings {
		if (f.Status == catalog.Pass || f.Status == catalog.NotApplicable) && f.Suppression == nil && !o.All {
			continue
		}
		shown = append(shown, f)
	}
	sort.SliceStable(shown, func(i, j int) bool {
		a, b := rank(shown[i]), rank(shown[j])
		if a != b {
			return a < b
		}
		if shown[i].Severity != shown[j].Severity {
			return shown[i].Severity > shown[j].Severity
		}
		return shown[i].ID < shown[j].ID
	})
	if len(shown) > 0 {
		p.f("\n%s\n", c(bold, "Findings, each once, with the requirements it affects:"))
	}
	perStatus, more := map[string]int{}, map[string]int{}
	for _, f := range shown {
		status := strings.ToUpper(string(f.Status))
		if f.Suppressed() {
			status = "WAIVED"
		}
		// A rule with a finding per vulnerability can have hundreds: the
		// terminal shows the first few of each rule in each status.
		key := status + " " + f.Rule
		if perStatus[key] == perRule {
			more[key]++
			continue
		}
		perStatus[key]++
		sev := f.Severity.String()
		if sev == "" {
			sev = "-"
		}
		col := map[string]string{"FAIL": red, "UNKNOWN": yellow, "ERROR": red, "PASS": green}[status]
		if col == "" {
			col = dim
		}
		if 2+7+1+8+1+utf8.RuneCountInString(f.ID) <= Width {
			p.f("  %s %-8s %s\n", c(col, fmt.Sprintf("%-7s", status)), sev, f.ID)
		} else {
			p.f("  %s %s\n", c(col, fmt.Sprintf("%-7s", status)), sev)
			para(6, f.ID)
		}
		if f.Detail != "" {
			para(6, Clip(f.Detail, maxDetail))
		}
		aside := ""
		if f.Suppressed() {
			aside = "set aside by " + string(f.Suppression.By) + "; "
		}
		if len(f.Requirements) > 0 {
			para(6, aside+"affects "+strings.Join(f.Requirements, ", "))
		} else {
			para(6, aside+"under no requirement (a policy rule)")
		}
	}
	for _, key := range sortedKeys(more) {
		para(2, fmt.Sprintf("... %d more %s (--format md lists them all)", more[key], key))
	}
	if tm := r.ThreatModel; len(tm.Threats) > 0 {
		p.f("\n%s\n", c(bold, "Threat model:"))
		para(2, tm.Line()+"; mdcheck threats shows each.")
		var listed []threat.Threat
		for _, t := range tm.Threats {
			if t.Status != threat.StatusMitigated || o.All {
				listed = append(listed, t)
			}
		}
		for i, t := range listed {
			if i == 10 {
				para(2, fmt.Sprintf("... %d more (--format md lists them all)", len(listed)-i))
				break
			}
			lead := fmt.Sprintf("  %-8s %-9s", strings.ToUpper(string(t.Risk)), t.Status)
			if len(lead)+1+utf8.RuneCountInString(t.ID) <= Width {
				p.f("%s %s\n", lead, t.ID)
			} else {
				p.f("%s\n", lead)
				para(6, t.ID)
			}
			if t.Acceptance != nil {
				para(6, Clip(State(t), maxDetail))
			}
			para(6, Clip("assessed by "+Assessment(t), maxDetail))
		}
	}
	if !o.All {
		p.f("\n")
		para(0, fmt.Sprintf("%d findings pass (--all lists them). %d requirements need manual review (see --format md); %d not applicable.",
			r.Summary.Findings[string(catalog.Pass)], len(r.Manual), r.Summary.Requirements[NotApplicable]))
	} else {
		p.f("\n")
		para(0, fmt.Sprintf("%d requirements need manual review (see --format md); %d not applicable.", len(r.Manual), r.Summary.Requirements[NotApplicable]))
	}
	for _, l := range Wrap("Made by "+r.Tool.Stamp(), Width) {
		p.f("%s\n", c(dim, l))
	}
	return p.err
}

// rank orders findings in the terminal: failing, then error, unknown,
// set aside, passing, not applicable.
func rank(f catalog.Finding) int {
	if f.Suppressed() {
		return 3
	}
	switch f.Status {
	case catalog.Fail:
		return 0
	case catalog.Error:
		return 1
	case catalog.Unknown:
		return 2
	case catalog.Pass:
		return 4
	}
	return 5
}

// Wrap breaks s into lines of at most width columns at spaces; a word
// longer than width is cut. It always returns at least one line.
func Wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		for utf8.RuneCountInString(word) > width {
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			r := []rune(word)
			lines = append(lines, string(r[:width]))
			word = string(r[width:])
		}
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}
