package rules

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/threat"
)

// threatRefs are the requirements a threat no rule assesses bears on:
// security risk management (17.2) by threat modelling (MDCG 2019-16
// §3.4), and, for a threat that can hamper the device's functioning
// (spoofing, tampering, elevation of privilege, denial of service),
// protection against unauthorised access (18.8).
func threatRefs(stride []string) []string {
	refs := []string{"MDR.AI.17.2", "MDCG1916.3.4"}
	for _, s := range stride {
		if s == "spoofing" || s == "tampering" || s == "elevation-of-privilege" || s == "denial-of-service" {
			return append(refs, "MDR.AI.18.8")
		}
	}
	return refs
}

// Threats are the rules that decide the threats no catalog rule
// assesses (covered false), one per threat rule with such threats, with
// the requirements only keeps (those of the profile assessed): each such threat is a finding of its
// own, passed when the model declares every control its rule looks for,
// failed when it says one is absent, unknown otherwise. A covered threat
// is counted by its rules' findings, not again.
func Threats(ts []threat.Threat, only func(refs []string) []string) []catalog.Rule {
	var out []catalog.Rule
	for _, kind := range threat.Kinds() {
		var gaps []threat.Threat
		for _, t := range ts {
			if t.Rule == kind && !t.Covered {
				gaps = append(gaps, t)
			}
		}
		if len(gaps) == 0 {
			continue
		}
		refs := only(threatRefs(gaps[0].STRIDE))
		if len(refs) == 0 {
			continue
		}
		out = append(out, catalog.Rule{
			ID: threat.FindingPrefix + kind, Title: "Threat no rule assesses: " + threat.KindTitle(kind), Severity: catalog.Medium, Refs: refs,
			Rationale:   "MDCG 2019-16 §3.4 expects security risk assessment by threat modelling from the attacker's view. This threat, derived from the device model (mdcheck threats), is assessed by no catalog rule on its element, so it is decided from the controls its threat rule looks for.",
			Remediation: "Put in place the controls the finding names as missing and declare them in the device model, or accept the threat's residual risk with a waiver on threat/RULE@ELEMENT that gives its reason, owner and expiry.",
			Check: func(in *catalog.Input) []catalog.Result {
				out := make([]catalog.Result, 0, len(gaps))
				for _, t := range gaps {
					out = append(out, threatResult(in, t))
				}
				return out
			},
		})
	}
	return out
}

// threatResult decides one threat no rule assesses.
func threatResult(in *catalog.Input, t threat.Threat) catalog.Result {
	r := catalog.Result{Subject: t.Element, Severity: riskSeverity(t.Risk)}
	var absent, unstated []string
	for _, c := range t.Controls {
		if c.Declared == nil {
			unstated = append(unstated, c.What+" ("+c.Path+")")
			continue
		}
		r.Evidence = append(r.Evidence, in.Cite(c.Path, fmt.Sprint(*c.Declared)))
		if !*c.Declared {
			absent = append(absent, c.What+" ("+c.Path+")")
		}
	}
	head := fmt.Sprintf("%s (risk %s: likelihood %d x severity %d, %s)", t.Title, t.Risk, t.Likelihood, t.Severity, t.Consequence)
	switch {
	case len(absent) > 0:
		r.Status, r.Detail = catalog.Fail, head+"; the model says these are absent: "+strings.Join(absent, ", ")
		if len(unstated) > 0 {
			r.Detail += "; not stated: " + strings.Join(unstated, ", ")
		}
	case len(unstated) > 0 || len(t.Controls) == 0:
		r.Status, r.Detail = catalog.Unknown, head+"; not stated in the model: "+strings.Join(unstated, ", ")
	default:
		r.Status, r.Detail = catalog.Pass, head+"; mitigated by: "+strings.Join(t.Mitigations, "; ")
	}
	return r
}

// riskSeverity is the finding severity of a threat's risk.
func riskSeverity(r threat.Risk) catalog.Severity {
	if l, ok := catalog.ParseSeverity(string(r)); ok {
		return l
	}
	return catalog.Critical // an unknown risk is never taken as harmless
}
