package vex

import (
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// FromDisposition is the VEX statement a vulnerability disposition makes
// about the packages given (package URLs of the component's SBOM that the
// vulnerability affects): not_affected with its justification and
// analysis; affected with the action operators can take for a fix,
// mitigation or accepted risk. A disposition whose decision is not
// complete (Missing) still says what was decided; the writer of a VEX
// document decides whether to publish it. The statement's timestamp is
// the disposition's date, and its source the model path or file given.
func FromDisposition(d model.Disposition, packages []string, source string) vuln.VEXStatement {
	st := vuln.VEXStatement{Vulnerability: strings.TrimSpace(d.Vulnerability), Packages: packages, Source: source}
	if t, ok := d.Date.Time(); ok {
		st.Timestamp = t
	}
	switch d.Decision {
	case model.DecisionNotAffected:
		st.Status, st.Justification, st.Impact = vuln.VEXNotAffected, string(d.Justification), d.Analysis
	case model.DecisionFix:
		st.Status = vuln.VEXAffected
		a := "Update to the fixed release"
		if d.FixVersion != "" {
			a = "Update to release " + d.FixVersion
		}
		if d.Due != "" {
			a += ", available by " + string(d.Due)
		}
		st.Action = a + "."
	case model.DecisionMitigate:
		st.Status, st.Action = vuln.VEXAffected, strings.TrimSpace(d.Mitigation)
	case model.DecisionAccept:
		st.Status = vuln.VEXAffected
		st.Action = "No action: the residual risk is accepted. " + strings.TrimSpace(d.BenefitRisk)
	}
	return st
}
