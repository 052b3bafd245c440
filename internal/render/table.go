package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// table is the terminal rendering of every result.
var table = Format{
	Name:       "table",
	Extensions: []string{".txt"},
	Check: func(w io.Writer, r *app.CheckResult, o Options) error {
		return report.Text(w, r.Report, report.TextOptions{Color: o.Color, All: o.All})
	},
	Classify: func(w io.Writer, c *classify.Classification, o Options) error {
		return writeClassTable(w, c, o.Trace)
	},
	SBOM: func(w io.Writer, rs []app.SBOMReport, o Options) error {
		for i, r := range rs {
			if i > 0 {
				if _, err := fmt.Fprintln(w); err != nil {
					return err
				}
			}
			if err := writeSBOMTable(w, r, o.All); err != nil {
				return err
			}
		}
		return nil
	},
	Scan: func(w io.Writer, r *app.ScanResult, _ Options) error { return writeScanTable(w, r) },
	Inventory: func(w io.Writer, _ Options) RowWriter {
		return newInventoryTable(w)
	},
	MDS2:        func(w io.Writer, f *mds2.Form, _ Options) error { return writeMDS2Table(w, f) },
	DBStatus:    func(w io.Writer, st store.Status, _ Options) error { return writeDBStatus(w, st) },
	CatalogList: func(w io.Writer, c app.Catalog, _ Options) error { return writeCatalogList(w, c) },
	CatalogShow: func(w io.Writer, e app.Entry, _ Options) error { return writeCatalogEntry(w, e) },
	Validate:    func(w io.Writer, vs []app.Validated, _ Options) error { return writeValidated(w, vs) },
	IFU:         writeIFUTable,
	Threats:     writeThreatsTable,
	Probe:       writeProbeTable,
}

func writeDBStatus(w io.Writer, st store.Status) error {
	out := &ew{w: w}
	out.printf("Database: %s\nRecords:  %d\nNewest:   %s\nBuilt:    %s\nHash:     %s\nSources:  %s\nEcosystems:\n", st.Path, st.Records, st.Newest, st.Built, st.Hash, st.Sources)
	for _, e := range sortedKeys(st.Ecosystems) {
		out.printf("  %-12s %d\n", e, st.Ecosystems[e])
	}
	out.printf("KEV:      %s\nEPSS:     %s\n", orNone(kevLine(st)), orNone(epssLine(st)))
	return out.err
}

func writeCatalogList(w io.Writer, c app.Catalog) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAUDIENCE\tDECIDED BY\tTITLE")
	for _, r := range c.Requirements {
		how := fmt.Sprintf("%d rules", len(r.Rules))
		if r.Manual != nil {
			how = "manual"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Audience, how, r.Title)
	}
	return tw.Flush()
}

func writeCatalogEntry(w io.Writer, e app.Entry) error {
	out := &ew{w: w}
	if r := e.Requirement; r != nil {
		out.printf("%s: %s\n\nSource:    %s\nFramework: %s\nAudience:  %s\n", r.ID, r.Title, r.Source, r.Framework, r.Audience)
		if len(r.Classes)+len(r.ComponentKinds)+len(r.Users) > 0 {
			out.printf("Applies:   classes %v, component kinds %v, users %v\n", r.Classes, r.ComponentKinds, r.Users)
		}
		if r.Manual != nil {
			out.printf("\nManual review: %s\nLook for: %s\n", r.Manual.Reason, r.Manual.LookFor)
			return out.err
		}
		out.printf("\nDecided by:\n")
		for _, rid := range r.Rules {
			out.printf("  %s\n", rid)
		}
		return out.err
	}
	if r := e.Rule; r != nil {
		out.printf("%s: %s\n\nSeverity:     %s\nRequirements: %s\n\nWhy: %s\n\nFix: %s\n", r.ID, r.Title, r.Severity, strings.Join(r.Refs, ", "), r.Rationale, r.Remediation)
	}
	return out.err
}

// writeValidated lists the valid models; the problems of the others are
// the caller's to tell (they go to standard error).
func writeValidated(w io.Writer, vs []app.Validated) error {
	out := &ew{w: w}
	for _, v := range vs {
		if v.Err != nil {
			continue
		}
		n := len(v.Device.Components)
		plural := "s"
		if n == 1 {
			plural = ""
		}
		out.printf("%s: valid (%s, %d component%s)\n", v.File, v.Device.Identity.Product, n, plural)
	}
	return out.err
}
