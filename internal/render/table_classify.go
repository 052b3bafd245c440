package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mdcheck/mdcheck/internal/classify"
)

func writeClassTable(w io.Writer, c *classify.Classification, trace bool) error {
	out := &ew{w: w}
	name := c.Device.Product
	if c.Device.Model != "" {
		name += " " + c.Device.Model
	}
	out.printf("%s (%s): MDR Annex VIII classification\n\n", name, c.Device.Manufacturer)
	out.printf("System: class %s", c.Label)
	if c.Decided {
		out.printf(" by %s\n", strings.Join(c.Rule, ", "))
	} else {
		out.printf("\n")
	}
	writeObligations(out, c.Result, "  ")
	writeMissing(out, c.Missing, "  ")

	out.printf("\nComponents (each classified separately, Annex VIII 3.2):\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	tw.Write([]byte("  COMPONENT\tROLE\tCLASS\tRULES\tNOTIFIED BODY\n"))
	for _, r := range c.Components {
		nb := "-"
		switch {
		case r.Role == "part" || r.Role == "non-device":
		case !r.Decided:
			nb = "?"
		case r.NotifiedBody.Required:
			nb = "yes"
		default:
			nb = "no"
		}
		rules := strings.Join(r.Rule, ", ")
		if rules == "" {
			rules = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Component, r.Role, r.Label, rules, nb)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	for _, r := range c.Components {
		if r.Role == "part" || r.Role == "non-device" {
			continue
		}
		out.printf("\n%s (%s): class %s", r.Component, r.Name, r.Label)
		if r.Decided {
			out.printf(" by %s", strings.Join(r.Rule, ", "))
		}
		out.printf("\n")
		writeSteps(out, r.Trace, trace)
		writeObligations(out, r, "  ")
		writeMissing(out, r.Missing, "  ")
	}
	if t := c.Transition; t != nil {
		writeTransition(out, t)
	}
	if len(c.Notes) > 0 {
		out.printf("\nNotes:\n")
		for _, n := range c.Notes {
			out.printf("  - %s\n", n)
		}
	}
	return out.err
}

// writeTransition shows a legacy device's MDR Art. 120 basis and the
// status of each condition it sets.
func writeTransition(out *ew, t *classify.Transition) {
	out.printf("\nTransition (MDR Art. 120 as amended by Regulation (EU) 2023/607): ")
	switch t.Basis {
	case "none":
		out.printf("none: the MDR applies since %s\n", t.Until)
	case "undetermined":
		out.printf("undetermined\n")
	default:
		verdict := "conditions met"
		if !t.Met() {
			verdict = "conditions not all met or not shown"
		}
		out.printf("%s, until %s (%s)\n", t.Basis, t.Until, verdict)
	}
	out.printf("  %s\n", t.Reason)
	for _, c := range t.Conditions {
		out.printf("  [%s] %s: %s", c.Status, c.Article, c.Text)
		if c.Detail != "" {
			out.printf(" (%s)", c.Detail)
		}
		out.printf("\n")
	}
	if len(t.Missing) > 0 {
		out.printf("  Facts that would settle what is unknown:\n")
		for _, m := range t.Missing {
			out.printf("    - %s\n", m)
		}
	}
}

func writeSteps(out *ew, steps []classify.Step, all bool) {
	var notApplied, irrelevant []string
	top := classify.None
	for _, s := range steps {
		if s.Outcome == classify.Applies {
			top = max(top, s.Class)
		}
	}
	for _, s := range steps {
		if s.Outcome == classify.DoesNotApply && !all {
			notApplied = append(notApplied, strings.TrimPrefix(s.Rule, "Rule "))
			continue
		}
		if s.Outcome == classify.NeedsDecision && s.UpTo <= top && !all {
			irrelevant = append(irrelevant, strings.TrimPrefix(s.Rule, "Rule "))
			continue
		}
		switch s.Outcome {
		case classify.Applies:
			out.printf("  %s: class %s: %s\n", s.Rule, s.Class, s.Reason)
		case classify.NeedsDecision:
			out.printf("  %s: needs a decision: %s\n", s.Rule, s.Reason)
		default:
			out.printf("  %s: does not apply: %s\n", s.Rule, s.Reason)
		}
		if all || s.Outcome != classify.DoesNotApply {
			for _, f := range s.Facts {
				who := ""
				if f.Component != "" {
					who = f.Component + ": "
				}
				out.printf("      %s%s = %s  (%s)\n", who, f.Path, f.Value, f.Source)
			}
		}
	}
	if len(notApplied) > 0 {
		out.printf("  Not applicable: %s (--trace shows why)\n", strings.Join(notApplied, ", "))
	}
	if len(irrelevant) > 0 {
		out.printf("  Undecided but cannot raise the class: %s (--trace shows the missing facts)\n", strings.Join(irrelevant, ", "))
	}
}

func writeObligations(out *ew, r classify.Result, indent string) {
	if !r.Decided {
		return
	}
	out.printf("%sConformity (%s):\n", indent, r.Conformity.Article)
	for _, route := range r.Conformity.Routes {
		out.printf("%s  - %s\n", indent, route)
	}
	for _, n := range r.Conformity.Notes {
		out.printf("%s  ! %s\n", indent, n)
	}
	nb := "not required"
	if r.NotifiedBody.Required {
		nb = "required"
	}
	out.printf("%sNotified body: %s (%s)\n", indent, nb, r.NotifiedBody.Scope)
	out.printf("%sPost-market: %s (%s), %s; %s\n", indent, r.PMS.Report, r.PMS.Article, r.PMS.Cadence, r.PMS.Submission)
}

func writeMissing(out *ew, missing []string, indent string) {
	if len(missing) == 0 {
		return
	}
	out.printf("%sMissing facts that could change the class:\n", indent)
	for _, m := range missing {
		out.printf("%s  - %s\n", indent, m)
	}
}
