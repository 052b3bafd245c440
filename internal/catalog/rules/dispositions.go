package rules

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on the dispositions of known vulnerabilities: what security risk
// management decided about each vulnerability that matching the
// components' SBOMs found (MDCG 2019-16 §3.4 and §3.5).

var dispositionRecorded = register(catalog.Rule{
	ID:       "vuln/disposition-recorded",
	Title:    "Every known vulnerability has a complete disposition in security risk management",
	Severity: catalog.High,
	Refs:     []string{"MDCG1916.3.4", "MDCG1916.3.5", "MDR.AI.17.2", "IEC81001.9"},
	Rationale: "MDCG 2019-16 §3.4 and §3.5 expect every known vulnerability to pass through security risk management: can it be exploited " +
		"in this device, what could that do to patients, and what was decided (fix, mitigate, or accept the residual risk on " +
		"benefit-risk grounds), by whom and when. An auditor asks for this record for each vulnerability of the SBOM; a VEX statement " +
		"alone says what was concluded, not who weighed the patient-safety impact. The dispositions are also what the manufacturer's " +
		"own VEX statements are written from.",
	Remediation: "Add a disposition for the vulnerability to the model's dispositions (or its dispositionsFile): exploitable and analysis, " +
		"patientSafetyImpact, decision (not-affected with a justification, fix with fixVersion and due, mitigate with the mitigation, " +
		"accept with the benefitRisk reason), owner and date.",
	Check: func(in *catalog.Input) []catalog.Result {
		return perVulnerability(in, func(c comp, f evidence.VulnFound) catalog.Result {
			subject := c.c.ID + "/" + f.ID
			d, path, ok := in.Device.DispositionFor(c.c.ID, append([]string{f.ID}, f.Aliases...)...)
			vulnEv := in.Evidence.Add(evidence.Evidence{
				Path:     fmt.Sprintf("%s.vulnerabilities[%s]", c.path, f.ID),
				Value:    fmt.Sprintf("%s matches %s (%s, confidence %s)", strings.Join(f.Packages, ", "), f.ID, f.Method, f.Confidence),
				Strength: evidence.Observed,
				Source:   evidence.Source{Kind: "advisory", Detail: "vulnerability database"},
			})
			if !ok {
				detail := "no disposition records what was decided about " + f.ID
				if x := f.VEX; x != nil {
					detail += " (a VEX statement says " + x.Status + ", but not who weighed its patient-safety impact, or when)"
				}
				return fail(subject, detail, vulnEv)
			}
			text := dispositionText(d)
			ev := in.Cite(path, text)
			if miss := d.Missing(); len(miss) > 0 {
				return fail(subject, "disposition incomplete: "+strings.Join(miss, ", "), vulnEv, ev)
			}
			return pass(subject, fmt.Sprintf("%s; patient-safety impact %s; by %s on %s", text, d.PatientSafetyImpact, d.Owner, d.Date), vulnEv, ev)
		})
	},
})

var fixOnTime = register(catalog.Rule{
	ID:       "vuln/fix-on-time",
	Title:    "Planned fixes reach the field by their due date",
	Severity: catalog.High,
	Refs:     []string{"MDCG1916.3.5", "MDCG1916.5.1", "IEC81001.9"},
	Rationale: "A disposition that decides to fix a vulnerability sets its finding aside only until the fix is due: after that date, " +
		"a vulnerability still in the SBOM means the fix has not reached the field, and the risk the decision relied on is open. " +
		"MDCG 2019-16 §5.1 expects post-market handling of vulnerabilities within the timescales the manufacturer set.",
	Remediation: "Ship the fixed release and update the SBOM, or revise the disposition: a new due date with its reason, or a mitigation " +
		"operators can apply until the fix ships.",
	Check: func(in *catalog.Input) []catalog.Result {
		return perVulnerability(in, func(c comp, f evidence.VulnFound) catalog.Result {
			d, path, ok := in.Device.DispositionFor(c.c.ID, append([]string{f.ID}, f.Aliases...)...)
			if !ok || d.Decision != model.DecisionFix {
				return catalog.Result{}
			}
			subject := c.c.ID + "/" + f.ID
			due, ok := d.Due.Time()
			if !ok {
				return catalog.Result{Subject: subject, Status: catalog.Unknown,
					Detail: "the fix of " + f.ID + " has no due date (" + path + ".due)", Evidence: []evidence.ID{in.Cite(path, dispositionText(d))}}
			}
			ev := in.Cite(path+".due", string(d.Due))
			if in.Now.Before(due.Add(day)) {
				return pass(subject, fmt.Sprintf("fix%s due %s, not yet passed", inVersion(d), d.Due), ev)
			}
			return fail(subject, fmt.Sprintf("fix%s was due %s and %s is still in the SBOM", inVersion(d), d.Due, f.ID), ev)
		})
	},
})

func inVersion(d model.Disposition) string {
	if d.FixVersion == "" {
		return ""
	}
	return " in " + d.FixVersion
}

// perVulnerability gives each vulnerability found in each component's
// SBOM to check, and an unknown result per component whose SBOM was not
// matched; a zero result from check (no subject) is dropped.
func perVulnerability(in *catalog.Input, check func(comp, evidence.VulnFound) catalog.Result) []catalog.Result {
	var out []catalog.Result
	for _, c := range deviceComponents(in.Device) {
		if c.c.SBOM == "" {
			continue
		}
		v, notAssessed := matched(in, c)
		if notAssessed != nil {
			out = append(out, *notAssessed)
			continue
		}
		for _, f := range v.Found {
			if r := check(c, f); r.Subject != "" {
				out = append(out, r)
			}
		}
	}
	return out
}
