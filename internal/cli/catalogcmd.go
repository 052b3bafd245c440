package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/catalog/rules"
	"github.com/mdcheck/mdcheck/internal/oscal"
)

func newCatalog(stdout io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "catalog",
		Short: "List, show and export the requirements catalog",
		Long: `catalog shows the requirements mdcheck assesses (MDR Annex I, MDCG 2019-16,
IEC 81001-5-1, IEC TR 60601-4-5, GDPR, NIS2) and the rules that decide them,
and exports the catalog as OSCAL.`,
	}
	var listFormat string
	list := &cobra.Command{
		Use:   "list",
		Short: "List every requirement with how it is decided",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			reqs := catalog.Requirements()
			by := decidedBy()
			switch listFormat {
			case "json":
				type row struct {
					catalog.Requirement
					Rules []string `json:"rules"`
				}
				var rows []row
				for _, r := range reqs {
					rows = append(rows, row{r, nonNil(by[r.ID])})
				}
				return encodeJSON(stdout, map[string]any{"version": catalog.Version, "requirements": rows})
			case "table":
				tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tAUDIENCE\tDECIDED BY\tTITLE")
				for _, r := range reqs {
					how := fmt.Sprintf("%d rules", len(by[r.ID]))
					if r.Manual != nil {
						how = "manual"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Audience, how, r.Title)
				}
				return tw.Flush()
			}
			return fmt.Errorf("%w: --format must be table or json, not %q", errUsage, listFormat)
		},
	}
	list.Flags().StringVarP(&listFormat, "format", "f", "table", "output format: table or json")

	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one requirement, or one rule, in full",
		Args:  exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return showEntry(stdout, args[0])
		},
	}

	var exportFormat, date string
	export := &cobra.Command{
		Use:   "export",
		Short: "Export the catalog (OSCAL 1.1.3 catalog)",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			if exportFormat != "oscal" {
				return fmt.Errorf("%w: --format must be oscal, not %q", errUsage, exportFormat)
			}
			d, err := parseDate(date)
			if err != nil {
				return err
			}
			return oscal.Write(stdout, oscal.Catalog(catalog.Requirements(), catalog.Version, d))
		},
	}
	export.Flags().StringVarP(&exportFormat, "format", "f", "oscal", "export format: oscal")
	export.Flags().StringVar(&date, "date", "", "last-modified date YYYY-MM-DD written in the document (default today, UTC)")
	c.AddCommand(list, show, export)
	return c
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func decidedBy() map[string][]string {
	by := map[string][]string{}
	for _, r := range rules.All() {
		for _, ref := range r.Refs {
			by[ref] = append(by[ref], r.ID)
		}
	}
	return by
}

func showEntry(w io.Writer, id string) error {
	out := &ew{w: w}
	for _, r := range catalog.Requirements() {
		if r.ID != id {
			continue
		}
		out.printf("%s: %s\n\nSource:    %s\nFramework: %s\nAudience:  %s\n", r.ID, r.Title, r.Source, r.Framework, r.Audience)
		if len(r.Classes)+len(r.ComponentKinds)+len(r.Users) > 0 {
			out.printf("Applies:   classes %v, component kinds %v, users %v\n", r.Classes, r.ComponentKinds, r.Users)
		}
		if r.Manual != nil {
			out.printf("\nManual review: %s\nLook for: %s\n", r.Manual.Reason, r.Manual.LookFor)
			return out.err
		}
		out.printf("\nDecided by:\n")
		for _, rid := range decidedBy()[r.ID] {
			out.printf("  %s\n", rid)
		}
		return out.err
	}
	for _, r := range rules.All() {
		if r.ID != id {
			continue
		}
		out.printf("%s: %s\n\nSeverity:     %s\nRequirements: %s\n\nWhy: %s\n\nFix: %s\n", r.ID, r.Title, r.Severity, strings.Join(r.Refs, ", "), r.Rationale, r.Remediation)
		return out.err
	}
	return fmt.Errorf("%w: no requirement or rule %q (see 'mdcheck catalog list')", errUsage, id)
}

func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(24 * time.Hour), nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --date must be YYYY-MM-DD, not %q", errUsage, s)
	}
	return d, nil
}

func encodeJSON(w io.Writer, v any) error {
	// encoding/json/v2 with the standard library's v1 semantics writes as
	// it goes, in chunks, rather than building the whole document (and an
	// indented copy of it) in memory first: a scan of many SBOMs writes
	// megabytes.
	if err := jsonv2.MarshalWrite(w, v, jsonv1.DefaultOptionsV1(), jsontext.WithIndent("  "), jsontext.EscapeForHTML(false)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
