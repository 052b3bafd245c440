package evidence

import (
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Group folds the matches of one component into one entry per
// vulnerability, keeping every affected package, the most severe
// weighing for patients, and the VEX statement that covers them all.
func Group(ms []vuln.Match, pkgs []vuln.Package) []VulnFound {
	purl := map[string]string{}
	for _, p := range pkgs {
		if p.PURL != "" {
			purl[p.Ref] = p.PURL
		}
	}
	var out []VulnFound
	at := map[string]int{}
	var vexes [][]*vuln.VEXResult
	for _, m := range ms {
		k, ok := at[m.ID]
		if !ok {
			k = len(out)
			at[m.ID] = k
			out = append(out, VulnFound{ID: m.ID, Summary: m.Summary, Method: m.Method, Confidence: m.Confidence, Note: m.Note})
			vexes = append(vexes, nil)
		}
		f := &out[k]
		f.Packages = appendNew(f.Packages, strings.TrimSpace(m.Package+" "+m.Version))
		f.PURLs = appendNew(f.PURLs, purl[m.Ref])
		for _, a := range m.Aliases {
			f.Aliases = appendNew(f.Aliases, a)
		}
		for _, x := range m.Fixed {
			f.Fixed = appendNew(f.Fixed, x)
		}
		if m.Severity > f.Rating {
			f.Rating = m.Severity
		}
		if s := m.Safety; s != nil && (s.Level > f.Safety || s.Level == f.Safety && s.Score > f.SafetyScore) {
			f.Safety, f.SafetyScore, f.SafetyReason = s.Level, s.Score, s.Reason
		}
		if m.KEV != nil {
			f.KEV, f.KEVRansomware = m.KEV.DateAdded, strings.EqualFold(m.KEV.Ransomware, "Known")
			if f.KEV == "" {
				f.KEV = "listed"
			}
		}
		if m.EPSS != nil && m.EPSS.Score > f.EPSS {
			f.EPSS, f.EPSSPercentile = m.EPSS.Score, m.EPSS.Percentile
		}
		vexes[k] = append(vexes[k], m.VEX)
	}
	for k := range out {
		out[k].VEX = groupVEX(vexes[k])
	}
	slices.SortStableFunc(out, func(a, b VulnFound) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// groupVEX is the statement for a vulnerability over all its packages:
// waived only when every package is not affected or fixed; otherwise the
// first statement that leaves a package open (affected with its action,
// under investigation), if any.
func groupVEX(rs []*vuln.VEXResult) *VEX {
	all := len(rs) > 0
	for _, r := range rs {
		if !r.Suppressed() {
			all = false
		}
	}
	for _, r := range rs {
		if r == nil || r.Suppressed() != all {
			continue
		}
		return &VEX{Status: r.Status, Justification: r.Justification, Impact: r.Impact, Action: r.Action, Source: r.Source, Suppressed: all}
	}
	return nil
}

func appendNew(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
