package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

// Markdown writes the report as a Markdown document for reviews and
// technical documentation.
func Markdown(w io.Writer, r *Report) error {
	p := &printer{w: w}
	name := r.Device.Product
	if r.Device.Model != "" {
		name += " " + r.Device.Model
	}
	p.f("# %s: MDR cybersecurity health check\n\n", md(name))
	p.f("| | |\n| --- | --- |\n")
	p.f("| Manufacturer | %s |\n", md(r.Device.Manufacturer))
	p.f("| MDR class | %s%s |\n", md(r.Classification.Class), rulesSuffix(r.Classification.Rule))
	if t := r.Classification.Transition; t != nil {
		p.f("| Legacy device | %s |\n", md(t.Line()))
	}
	p.f("| Profile | %s |\n", r.Profile)
	p.f("| Date | %s |\n", r.Date)
	p.f("| Readiness | **%.1f%%** (%d of %d applicable requirements met) |\n", r.Summary.Readiness, r.Summary.Requirements[Met], applicable(r))
	p.f("| Met on claims only | %d |\n", r.Summary.MetOnClaimsOnly)
	p.f("| Met on waivers | %d |\n", r.Summary.MetOnWaivers)
	if n := r.Summary.MetOnReviews; n > 0 {
		p.f("| Met on reviews | %d |\n", n)
	}
	p.f("| Findings | %s |\n", counts(r.Summary.Findings))
	p.f("| Made by | %s |\n\n", md(r.Tool.Stamp()))
	p.f("Readiness: %s.\n\n", Formula)

	p.f("## Fix first\n\n")
	if len(r.FixFirst) == 0 {
		p.f("No open failures.\n\n")
	} else {
		p.f("| # | finding | severity | why first | what is wrong |\n| --- | --- | --- | --- | --- |\n")
		for i, fx := range r.FixFirst {
			p.f("| %d | `%s` | %s | %s | %s |\n", i+1, fx.Finding, fx.Severity, md(fx.Why), md(fx.Detail))
		}
		p.f("\n")
	}

	p.f("## Requirements\n\n")
	p.f("| requirement | status | findings |\n| --- | --- | --- |\n")
	for _, rr := range r.Requirements {
		if rr.Status == NotApplicable || rr.Status == Manual {
			continue
		}
		status := string(rr.Status)
		if rr.Waived {
			status += " (waived)"
		}
		if rr.Strength != 0 {
			status += ", " + rr.Strength.String()
		}
		findings := findingList(rr.Findings)
		if rv := rr.Review; rv != nil {
			status += " (review)"
			findings = md(fmt.Sprintf("reviewed by %s on %s: %s", rv.Reviewer, rv.Date, rv.Evidence))
			if rv.Note != "" {
				findings += md(" (" + strings.TrimRight(rv.Note, ".") + ")")
			}
		}
		p.f("| **%s** %s | %s | %s |\n", rr.ID, md(rr.Title), status, findings)
	}
	p.f("\n")

	if un := r.Unmapped(); len(un) > 0 {
		p.f("## Rules under no requirement\n\n")
		p.f("Policy rules that name no catalog requirement: their findings count in no requirement and not in readiness.\n\n")
		p.f("| finding | status | detail |\n| --- | --- | --- |\n")
		for _, f := range un {
			status := string(f.Status)
			if f.Suppressed() {
				status += " (waived)"
			}
			p.f("| `%s` | %s | %s |\n", f.ID, status, md(f.Detail))
		}
		p.f("\n")
	}

	p.f("## Findings that need action\n\n")
	n := 0
	for _, f := range r.Findings {
		if f.Status != catalog.Fail && f.Status != catalog.Unknown && f.Status != catalog.Error {
			continue
		}
		n++
		p.f("### `%s`: %s\n\n", f.ID, md(f.Title))
		p.f("- Status: **%s**, severity %s", f.Status, f.Severity)
		if s := f.Suppression; s != nil {
			state := "waived"
			if s.Expired {
				state = "waiver expired"
			}
			until := ""
			if s.Expires != "" {
				until = " until " + s.Expires
			}
			p.f(" (%s%s by %s: %s)", state, until, md(s.Who()), md(s.Reason()))
		}
		p.f("\n- Requirements: %s\n", strings.Join(f.Requirements, ", "))
		p.f("- Detail: %s\n", md(f.Detail))
		for _, e := range f.Evidence {
			p.f("- Evidence (%s): `%s` = %s, %s\n", e.Strength, e.Path, md(e.Value), e.Source)
		}
		if f.Remediation != "" {
			p.f("- Fix: %s\n", md(f.Remediation))
		}
		p.f("\n")
	}
	if n == 0 {
		p.f("None.\n\n")
	}

	p.f("## Threat model\n\n")
	p.f("Derived from the device model (mdcheck threats, docs/threats.md). A threat no rule assesses is a finding of its own (`threat/...`); a waiver on it accepts it.\n\n")
	if p.err == nil {
		p.err = ThreatsMarkdown(p.w, r.ThreatModel, "###")
	}
	p.f("\n")

	p.f("## Not applicable\n\n")
	na := 0
	for _, rr := range r.Requirements {
		if rr.Status != NotApplicable {
			continue
		}
		na++
		why := rr.Why
		if why == "" {
			why = "no rule found anything in the model to check"
		}
		p.f("- **%s** %s: %s\n", rr.ID, md(rr.Title), md(why))
	}
	if na == 0 {
		p.f("None.\n")
	}
	p.f("\n")

	p.f("## Manual review\n\n")
	if len(r.Manual) == 0 {
		p.f("None open: every manual requirement has a review.\n")
		return p.err
	}
	p.f("These requirements count in the readiness denominator until an assessor closes them with a review (--reviews).\n\n")
	p.f("| requirement | why manual | look for |\n| --- | --- | --- |\n")
	for _, m := range r.Manual {
		p.f("| **%s** %s | %s | %s |\n", m.ID, md(m.Title), md(m.Reason), md(m.LookFor))
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func md(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

func rulesSuffix(rules []string) string {
	if len(rules) == 0 {
		return ""
	}
	return " (" + strings.Join(rules, ", ") + ")"
}

func applicable(r *Report) int {
	n := 0
	for s, c := range r.Summary.Requirements {
		if s != NotApplicable {
			n += c
		}
	}
	return n
}

// counts renders status counts in a fixed order.
func counts(m map[string]int) string {
	var parts []string
	for _, s := range []string{"fail", "unknown", "error", "waived", "pass", "not-applicable"} {
		parts = append(parts, fmt.Sprintf("%d %s", m[s], s))
	}
	return strings.Join(parts, ", ")
}

func findingList(ids []string) string {
	if len(ids) == 0 {
		return "-"
	}
	const most = 4
	out := make([]string, 0, most+1)
	for i, id := range ids {
		if i == most {
			out = append(out, fmt.Sprintf("and %d more", len(ids)-most))
			break
		}
		out = append(out, "`"+id+"`")
	}
	return strings.Join(out, ", ")
}
