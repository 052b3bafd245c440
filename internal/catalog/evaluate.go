package catalog

import (
	"fmt"
	"slices"
	"sort"

	"github.com/mdcheck/mdcheck/internal/evidence"
)

// Finding is one rule's result on one subject, ready for a report.
type Finding struct {
	// ID is rule@subject: stable across runs, so it can be tracked and
	// waived.
	ID           string              `json:"id"`
	Rule         string              `json:"rule"`
	Title        string              `json:"title"`
	Subject      string              `json:"subject"`
	Status       Status              `json:"status"`
	Severity     Severity            `json:"severity"`
	Requirements []string            `json:"requirements"`
	Detail       string              `json:"detail,omitempty"`
	Evidence     []evidence.Evidence `json:"evidence"`
	// Strength is the weakest evidence the result rests on; a Pass that
	// rests only on claims says "claimed".
	Strength    evidence.Strength `json:"strength,omitempty"`
	Remediation string            `json:"remediation,omitempty"`
	// Exploited marks a finding on a vulnerability known to be exploited
	// in the wild.
	Exploited bool `json:"exploited,omitempty"`
	// Tentative marks a finding that rests on a match to confirm (a
	// vulnerability matched with low confidence): it is fixed after the
	// confirmed ones.
	Tentative bool `json:"tentative,omitempty"`
	// Suppression, when set, says who set the finding aside and why (a
	// waiver, a VEX statement); the finding stays in the report.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Suppressed reports whether the finding is set aside: by a waiver that
// has not expired, or by a VEX statement.
func (f *Finding) Suppressed() bool { return f.Suppression != nil && !f.Suppression.Expired }

// Evaluate runs every rule over in. A rule whose AppliesTo rejects the
// device gives one NotApplicable finding; a rule that panics gives one
// Error finding and the run goes on. Findings are sorted by rule, then
// subject.
func Evaluate(rules []Rule, in *Input) []Finding {
	var out []Finding
	for _, r := range rules {
		out = append(out, evaluate(r, in)...)
	}
	SortFindings(out)
	return out
}

// SortFindings sorts findings by rule, then subject, keeping the order
// of equal ones.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Rule != fs[j].Rule {
			return fs[i].Rule < fs[j].Rule
		}
		return fs[i].Subject < fs[j].Subject
	})
}

func evaluate(r Rule, in *Input) (findings []Finding) {
	defer func() {
		if p := recover(); p != nil {
			findings = []Finding{finding(r, in, Result{Subject: "device", Status: Error, Detail: fmt.Sprintf("rule failed: %v", p)})}
		}
	}()
	if r.AppliesTo != nil && !r.AppliesTo(in) {
		return []Finding{finding(r, in, Result{Subject: "device", Status: NotApplicable, Detail: "does not apply to this device"})}
	}
	results := r.Check(in)
	if len(results) == 0 {
		return []Finding{finding(r, in, Result{Subject: "device", Status: NotApplicable, Detail: "nothing in the model for this rule to check"})}
	}
	seen := map[string]int{}
	for _, res := range results {
		f := finding(r, in, res)
		base := f.ID
		if seen[base]++; seen[base] > 1 {
			f.ID = fmt.Sprintf("%s#%d", base, seen[base]) // keep IDs unique if a rule repeats a subject
		}
		findings = append(findings, f)
	}
	return findings
}

func finding(r Rule, in *Input, res Result) Finding {
	f := Finding{
		ID:           r.ID + "@" + res.Subject,
		Rule:         r.ID,
		Title:        r.Title,
		Subject:      res.Subject,
		Status:       res.Status,
		Severity:     r.Severity,
		Requirements: slices.DeleteFunc(slices.Clone(r.Refs), func(ref string) bool { return slices.Contains(res.NotFor, ref) }),
		Detail:       res.Detail,
		Evidence:     []evidence.Evidence{},
		Exploited:    res.Exploited,
		Tentative:    res.Tentative,
	}
	if res.Suppression != nil && (res.Status == Fail || res.Status == Unknown) {
		f.Suppression = res.Suppression
	}
	if res.Severity != 0 {
		f.Severity = res.Severity
	}
	if res.Status == Fail || res.Status == Unknown {
		f.Remediation = r.Remediation
	}
	ids := append([]evidence.ID(nil), res.Evidence...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i, id := range ids {
		if i > 0 && ids[i-1] == id {
			continue
		}
		if e, ok := in.Evidence.Get(id); ok {
			f.Evidence = append(f.Evidence, e)
		}
	}
	if w := in.Evidence.Weakest(ids); w > 0 {
		f.Strength = w
	}
	return f
}
