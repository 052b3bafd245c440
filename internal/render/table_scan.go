package render

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// vexText is a VEX statement's status with its justification or action.
func vexText(r *vuln.VEXResult) string {
	if r == nil {
		return ""
	}
	switch {
	case r.Justification != "":
		return r.Status + ": " + r.Justification
	case r.Action != "":
		return r.Status + ": " + r.Action
	}
	return r.Status
}

// exploited summarises what is known of a match's exploitation: KEV
// listing (with known ransomware use) and the EPSS score.
func exploited(m vuln.Match) string {
	var parts []string
	if m.KEV != nil {
		k := "KEV " + m.KEV.DateAdded
		if m.KEV.Ransomware == "Known" {
			k += ", ransomware"
		}
		parts = append(parts, k)
	}
	if m.EPSS != nil {
		parts = append(parts, fmt.Sprintf("EPSS %.1f%%", m.EPSS.Score*100))
	}
	return strings.Join(parts, "; ")
}

func writeScanTable(w io.Writer, res *app.ScanResult) error {
	out := &ew{w: w}
	st := res.Database
	out.printf("Database %s: %d records, newest %s, %s\n", st.Path, st.Records, st.Newest, st.Hash)
	for _, r := range res.SBOMs {
		checked := 0
		for _, c := range r.Coverage {
			if c.Checked {
				checked++
			}
		}
		suppressed := 0
		for _, m := range r.Matches {
			if m.VEX.Suppressed() {
				suppressed++
			}
		}
		vexNote := ""
		if suppressed > 0 {
			vexNote = fmt.Sprintf(" (%d of them not affected or fixed by VEX)", suppressed)
		}
		out.printf("\n%s: %d matches%s; %d of %d components checked%s\n", r.File, len(r.Matches), vexNote, checked, len(r.Coverage), uncheckedCounts(r.Coverage))
		if out.err != nil {
			return out.err
		}
		if len(r.Matches) > 0 {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "  PACKAGE\tVERSION\tVULNERABILITY\tSEVERITY\tFOR PATIENTS\tEXPLOITED\tFIXED IN\tHOW\tVEX")
			for _, m := range r.Matches {
				id := m.ID
				if len(m.Aliases) > 0 {
					id += " (" + strings.Join(m.Aliases, ", ") + ")"
				}
				forPatients := ""
				if m.Safety != nil {
					forPatients = m.Safety.Level.String()
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s, %s\t%s\n", m.Package, m.Version, id, orNone(m.Severity.String()), orNone(forPatients), orNone(exploited(m)), orNone(strings.Join(m.Fixed, ", ")), m.Method, m.Confidence, orNone(vexText(m.VEX)))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			// The severity for patients, explained, most severe first.
			for _, m := range r.Matches {
				if m.Safety != nil {
					out.printf("  %s: %s\n", m.ID, m.Safety.Reason)
				}
			}
		}
		reasons := map[[2]string]int{}
		for _, c := range r.Coverage {
			if !c.Checked {
				reasons[[2]string{coverageWords[c.Status], c.Reason}]++
			}
		}
		keys := slices.SortedFunc(maps.Keys(reasons), func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
		for _, k := range keys {
			out.printf("  %s: %d components: %s\n", k[0], reasons[k], k[1])
		}
	}
	return out.err
}

func kevLine(st store.Status) string {
	if st.KEV == 0 {
		return ""
	}
	return fmt.Sprintf("%d known exploited vulnerabilities, catalog %s", st.KEV, st.KEVVersion)
}

func epssLine(st store.Status) string {
	if st.EPSS == 0 {
		return ""
	}
	return fmt.Sprintf("%d CVEs scored on %s (model %s)", st.EPSS, st.EPSSDate, orNone(st.EPSSModel))
}

func sortedKeys(m map[string]int) []string {
	return slices.Sorted(maps.Keys(m))
}

// coverageWords name the ledger's categories in the table.
var coverageWords = map[vuln.CoverageStatus]string{vuln.NotCheckable: "not checkable", vuln.NoData: "no data in the database"}

// uncheckedCounts says how many components were not checked, and why.
func uncheckedCounts(cov []vuln.Coverage) string {
	n := map[vuln.CoverageStatus]int{}
	for _, c := range cov {
		n[c.Status]++
	}
	s := ""
	for _, st := range []vuln.CoverageStatus{vuln.NotCheckable, vuln.NoData} {
		if n[st] > 0 {
			s += fmt.Sprintf(", %d %s", n[st], coverageWords[st])
		}
	}
	return s
}
