package rules

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
)

// The rule on device-level advisories reads what matching the device's
// identity and its components' names against the advisories that name
// products in words (CISA's ICSMA advisories) showed: each advisory that
// concerns the device is a finding; one that cannot be told apart is
// unknown, with the advisory's text.

var deviceAdvisories = register(catalog.Rule{
	ID:       "vuln/device-advisories",
	Title:    "No published advisory on the device is left unanswered",
	Severity: catalog.High,
	Refs:     []string{"MDR.AI.17.2", "MDCG1916.2.4", "MDCG1916.5.1", "IEC81001.9", "NIS2.21.e"},
	Rationale: "Advisories such as CISA's ICSMA name medical devices and their versions in words; a manufacturer must answer each " +
		"one about its device in post-market surveillance (MDCG 2019-16 §5.1), and a hospital must know which of its devices " +
		"one concerns (NIS2 21(2)(e)).",
	Remediation: "Apply the advisory's remediation (update to a fixed version or the mitigations it names), or document why this " +
		"device or version is not affected; record the assessment in post-market surveillance.",
	Check: func(in *catalog.Input) []catalog.Result {
		subjects, ran := in.Evidence.DeviceAdvisories()
		if !ran {
			return []catalog.Result{{Subject: "device", Status: catalog.Unknown,
				Detail: "not assessed: the run matched the device against no advisories (check does unless --no-vulns)"}}
		}
		var out []catalog.Result
		for _, s := range subjects {
			id := in.Cite(s.Path, s.Product)
			if s.Advisories == 0 {
				out = append(out, catalog.Result{Subject: s.Subject, Status: catalog.Unknown, Evidence: []evidence.ID{id},
					Detail: "not assessed: the vulnerability database holds no advisory that names products in words (CSAF)"})
				continue
			}
			if len(s.Hits) == 0 {
				n := "advisories"
				if s.Advisories == 1 {
					n = "advisory"
				}
				out = append(out, pass(s.Subject, strings.TrimSpace(fmt.Sprintf("no advisory names %s %s %s", s.Vendor, s.Product, s.Version))+fmt.Sprintf(" (%d %s checked)", s.Advisories, n), id))
				continue
			}
			for _, h := range s.Hits {
				out = append(out, advisoryResult(in, s, h, id))
			}
		}
		return out
	},
})

func advisoryResult(in *catalog.Input, s evidence.DeviceAdvisories, h evidence.AdvisoryMatch, id evidence.ID) catalog.Result {
	ev := in.Evidence.Add(evidence.Evidence{
		Path:     fmt.Sprintf("%s.advisories[%s]", s.Path, h.ID),
		Value:    fmt.Sprintf("%s: %s (%s)", h.ID, h.Title, h.Confidence),
		Strength: evidence.Observed,
		Source:   evidence.Source{Kind: "advisory", Detail: h.Reason},
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %s match: %s. ", h.ID, h.Title, h.Confidence, h.Reason)
	if len(h.CVEs) > 0 {
		fmt.Fprintf(&b, "%d CVE%s", len(h.CVEs), plural(len(h.CVEs)))
		if len(h.KEV) > 0 {
			b.WriteString(", known exploited: " + strings.Join(h.KEV, " "))
		}
		b.WriteString(". ")
	}
	if h.Remediation != "" {
		b.WriteString("Remediation: " + strings.TrimRight(h.Remediation, " .:") + ".")
	}
	r := catalog.Result{Subject: s.Subject + "/" + h.ID, Detail: strings.TrimSpace(b.String()), Evidence: []evidence.ID{id, ev}, Exploited: len(h.KEV) > 0}
	switch {
	case h.Confidence == "needs-review":
		r.Status = catalog.Unknown
	default:
		r.Status = catalog.Fail
	}
	if r.Exploited {
		r.Severity = catalog.Critical
	}
	return r
}
