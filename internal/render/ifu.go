package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/htmlreport"
	"github.com/mdcheck/mdcheck/internal/ifu"
)

// ifuOutput is the IFU checklist as JSON.
type ifuOutput struct {
	SchemaVersion string     `json:"schemaVersion"`
	File          string     `json:"file"`
	Manufacturer  string     `json:"manufacturer"`
	Product       string     `json:"product"`
	Items         []ifu.Item `json:"items"`
}

func writeIFUJSON(w io.Writer, c *app.IFUChecklist, _ Options) error {
	return encodeJSON(w, ifuOutput{SchemaVersion, c.File, c.Manufacturer, c.Product, c.Items})
}

// ifuState is an item's state in words.
func ifuState(it ifu.Item) string {
	switch {
	case !it.Needed:
		return "not needed"
	case !it.Known:
		return "unknown"
	case it.Stated:
		return "stated"
	}
	return "missing"
}

// writeIFUTable lists the items, one a line, with what the model knows.
func writeIFUTable(w io.Writer, c *app.IFUChecklist, _ Options) error {
	p := &ew{w: w}
	p.printf("IFU security checklist: %s %s (%s)\n\n", c.Manufacturer, c.Product, c.File)
	for _, it := range c.Items {
		p.printf("%-11s %-24s %s\n", ifuState(it), it.ID, it.Title)
		if it.Needed && !it.Stated {
			p.printf("%-11s %-24s why: %s\n", "", "", it.Why)
		}
	}
	known := true
	for _, it := range c.Items {
		known = known && it.Known
	}
	switch {
	case !known:
		p.printf("\nThe model does not say what the IFU states (ifu.states); `-f md` drafts the section from the model.\n")
	case c.Open() > 0:
		p.printf("\n%d needed item(s) not stated; `-f md` drafts each from the model.\n", c.Open())
	default:
		p.printf("\nEvery needed item is stated.\n")
	}
	return p.err
}

// writeIFUMarkdown is a draft of the IFU security section: a heading per
// needed item with what the model already knows, for a writer to check,
// word and complete.
func writeIFUMarkdown(w io.Writer, c *app.IFUChecklist, _ Options) error {
	p := &ew{w: w}
	p.printf("# IFU security section: %s %s\n\n", c.Manufacturer, c.Product)
	p.printf("A checklist drafted by mdcheck from %s (MDR Annex I Section 23.4(ab); MDCG 2019-16 §4.2). ", c.File)
	p.printf("Each item lists what the device model already says; check it, word it for operators, and complete it. ")
	p.printf("Once an item is in the IFU, add its ID to ifu.states in the model.\n\n")
	for _, it := range c.Items {
		if !it.Needed {
			continue
		}
		box := " "
		if it.Stated {
			box = "x"
		}
		p.printf("## [%s] %s\n\n", box, it.Title)
		p.printf("`%s`, %s. Needed because %s.\n\n", it.ID, it.Source, it.Why)
		if len(it.Draft) == 0 {
			p.printf("- _The model says nothing for this item yet._\n")
		}
		for _, d := range it.Draft {
			p.printf("- %s\n", d)
		}
		p.printf("\n")
	}
	var skipped []string
	for _, it := range c.Items {
		if !it.Needed {
			skipped = append(skipped, fmt.Sprintf("`%s` (%s)", it.ID, it.Why))
		}
	}
	if len(skipped) > 0 {
		p.printf("Not needed for this device: %s.\n", strings.Join(skipped, "; "))
	}
	return p.err
}

// ifuSectionFormat writes the IFU security section for operators from a
// health check: Markdown, or HTML when the output file ends in .html.
var ifuSectionFormat = Format{
	Name:       "ifu",
	Extensions: []string{".ifu.md", ".md", ".html"},
	Check: func(w io.Writer, r *app.CheckResult, o Options) error {
		in := htmlreport.IFUInput{Manufacturer: r.Report.Device.Manufacturer, Product: strings.TrimSpace(r.Report.Device.Product + " " + r.Report.Device.Model),
			Date: r.Report.Date, Tool: r.Report.Tool.Stamp(), Items: r.IFU}
		if strings.HasSuffix(strings.ToLower(o.Path), ".html") {
			return htmlreport.WriteIFU(w, in)
		}
		return writeIFUSection(w, in)
	},
}

// writeIFUSection is the IFU security section in Markdown: a numbered
// heading per item the device needs, what the model says of it, and "to
// be completed by the manufacturer" where it says nothing.
func writeIFUSection(w io.Writer, in htmlreport.IFUInput) error {
	p := &ew{w: w}
	sections, skipped, open := htmlreport.IFUSections(in.Items)
	p.printf("# Security information for operators\n\n")
	p.printf("%s · %s · generated %s by %s from the device model\n\n", in.Manufacturer, in.Product, in.Date, in.Tool)
	p.printf("This section states the minimum IT environment and the IT-security measures the device relies on, ")
	p.printf("and what operators and users must do to keep it secure (MDR Annex I Section 23.4(ab); MDCG 2019-16 §4.2).")
	if open > 0 {
		p.printf(" **%d item(s) are marked \"to be completed by the manufacturer\": the device model says nothing of them yet.**", open)
	}
	p.printf("\n\n")
	for _, s := range sections {
		p.printf("## %d. %s\n\n_%s (%s)_\n\n", s.N, s.Heading, s.Title, s.Source)
		if len(s.Draft) == 0 {
			p.printf("**To be completed by the manufacturer:** %s.\n\n", s.Title)
			continue
		}
		for _, d := range s.Draft {
			p.printf("- %s\n", d)
		}
		p.printf("\n")
	}
	if len(skipped) > 0 {
		var names []string
		for _, s := range skipped {
			names = append(names, s.Title+" ("+s.Why+")")
		}
		p.printf("Not needed for this device: %s.\n", strings.Join(names, "; "))
	}
	return p.err
}
