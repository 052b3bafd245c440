package render

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/report"
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

// writeScanTable writes the scan for a terminal, every line within
// report.Width columns: per SBOM a summary, then each match as a block
// (severity, vulnerability and package; then for patients, fixed
// versions, how it was matched, exploitation, VEX and why it matters for
// patients, wrapped), then what could not be checked and why.
func writeScanTable(w io.Writer, res *app.ScanResult) error {
	out := &ew{w: w}
	para := func(indent int, s string) {
		for _, l := range report.Wrap(s, report.Width-indent) {
			out.printf("%s%s\n", strings.Repeat(" ", indent), l)
		}
	}
	st := res.Database
	para(0, fmt.Sprintf("Database %s: %d records, newest %s, %s", st.Path, st.Records, st.Newest, st.Hash))
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
		out.printf("\n")
		para(0, fmt.Sprintf("%s: %d matches%s; %d of %d components checked%s", r.File, len(r.Matches), vexNote, checked, len(r.Coverage), uncheckedCounts(r.Coverage)))
		for _, m := range r.Matches {
			id := m.ID
			if len(m.Aliases) > 0 {
				id += " (" + strings.Join(m.Aliases, ", ") + ")"
			}
			level := m.Severity.String()
			if m.Safety != nil {
				level = m.Safety.Level.String()
			}
			for i, l := range report.Wrap(fmt.Sprintf("%s in %s %s", id, m.Package, m.Version), report.Width-11) {
				lead := strings.Repeat(" ", 11)
				if i == 0 {
					lead = fmt.Sprintf("  %-8s ", strings.ToUpper(orNone(level)))
				}
				out.printf("%s%s\n", lead, l)
			}
			var facts []string
			if m.Safety != nil {
				facts = append(facts, "for patients "+m.Safety.Level.String()+" (rating "+orNone(m.Severity.String())+")")
			} else {
				facts = append(facts, "rating "+orNone(m.Severity.String()))
			}
			facts = append(facts, "fixed in "+orNone(strings.Join(m.Fixed, ", ")), "matched "+m.Method+", "+string(m.Confidence))
			if e := exploited(m); e != "" {
				facts = append(facts, e)
			}
			if v := vexText(m.VEX); v != "" {
				facts = append(facts, "VEX "+v)
			}
			para(11, strings.Join(facts, "; "))
			if m.Safety != nil {
				para(11, m.Safety.Reason)
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
			para(2, fmt.Sprintf("%s: %d components: %s", k[0], reasons[k], k[1]))
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
