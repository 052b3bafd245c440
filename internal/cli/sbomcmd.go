package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/sbom"
)

// sbomReport is the JSON output of `mdcheck sbom` for one file.
type sbomReport struct {
	*sbom.Document
	Quality sbom.Quality `json:"quality"`
	Ledger  []sbom.Entry `json:"ledger"`
}

func newSBOM(stdout io.Writer) *cobra.Command {
	var format string
	var all bool
	c := &cobra.Command{
		Use:   "sbom FILE...",
		Short: "Read SBOMs: inventory, NTIA quality and what can be checked for vulnerabilities",
		Long: `sbom reads CycloneDX (1.2 to 1.6, JSON or XML) and SPDX (2.1 to 2.3, JSON or
tag-value) SBOMs, detected by content, and shows for each: its metadata, how
far it meets the NTIA minimum elements (supplier, name, version, unique
identifier, dependency relationship, author, timestamp) with the worst
components, and a ledger saying for every component whether it can be
matched against advisories and, if not, why. Deviations from the
specification that were repaired are listed as warnings with their location.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("%w: --format must be table or json, not %q", errUsage, format)
			}
			var reports []sbomReport
			for _, f := range args {
				doc, err := sbom.ReadFile(f)
				if err != nil {
					return inputError{err}
				}
				reports = append(reports, sbomReport{Document: doc, Quality: doc.Quality(), Ledger: doc.Ledger()})
			}
			if format == "json" {
				return encodeJSON(stdout, reports)
			}
			for i, r := range reports {
				if i > 0 {
					fmt.Fprintln(stdout)
				}
				if err := writeSBOMTable(stdout, r, all); err != nil {
					return err
				}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	c.Flags().BoolVar(&all, "all", false, "table: list every component, not only those that cannot be checked")
	return c
}

func writeSBOMTable(w io.Writer, r sbomReport, all bool) error {
	out := &ew{w: w}
	d := r.Document
	out.printf("%s: %s %s (%s)", d.File, d.Format, d.SpecVersion, d.Encoding)
	if d.Subject != "" {
		out.printf(", describes %s", d.Subject)
	}
	out.printf("\n  %d components; authors %s; tools %s; timestamp %s\n", len(d.Components), listOr(d.Authors), listOr(d.Tools), orNone(d.Timestamp))
	q := r.Quality
	out.printf("  NTIA minimum elements: score %.1f%%\n", q.Score)
	for _, e := range []string{sbom.ElemSupplier, sbom.ElemName, sbom.ElemVersion, sbom.ElemIdentifier, sbom.ElemDependency} {
		out.printf("    %-24s %5.1f%% of components\n", e, q.Coverage[e])
	}
	out.printf("    %-24s %s\n    %-24s %s\n", sbom.ElemAuthor, yesNo(q.Author), sbom.ElemTimestamp, yesNo(q.Timestamp))
	out.printf("  FDA extras: level of support %.1f%%, end-of-support date %.1f%% of components (the device model can supply them: components[].sbomSupport)\n",
		q.FDA[sbom.ElemSupportLevel], q.FDA[sbom.ElemEndOfSupport])
	if len(q.Worst) > 0 {
		out.printf("  Worst components:\n")
		for _, o := range q.Worst {
			out.printf("    %s: missing %s\n", o.Name, strings.Join(o.Missing, ", "))
		}
	}
	checkable := 0
	for _, e := range r.Ledger {
		if e.Checkable {
			checkable++
		}
	}
	out.printf("  Vulnerability matching: %d of %d components can be checked\n", checkable, len(r.Ledger))
	if out.err != nil {
		return out.err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := false
	for _, e := range r.Ledger {
		if e.Checkable && !all {
			continue
		}
		if !header {
			fmt.Fprintln(tw, "    COMPONENT\tVERSION\tIDENTIFIER\tCHECKABLE")
			header = true
		}
		state := "yes"
		if !e.Checkable {
			state = "no: " + e.Reason
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", e.Name, orNone(e.Version), orNone(e.Identifier), state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, wn := range d.Warnings {
		out.printf("  warning: %s\n", wn)
	}
	return out.err
}

func listOr(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "present"
	}
	return "missing"
}
