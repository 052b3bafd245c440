package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/sbom"
)

func writeSBOMTable(w io.Writer, r app.SBOMReport, all bool) error {
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

func yesNo(b bool) string {
	if b {
		return "present"
	}
	return "missing"
}
