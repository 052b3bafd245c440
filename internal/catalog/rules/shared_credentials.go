package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
)

var sharedCredentials = register(catalog.Rule{
	ID:          "auth/no-shared-credentials",
	Title:       "Each person has their own credentials",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.PAUT", "MDCG1916.3.3.AUDT", "IEC60601-4-5.FR1", "NIS2.21.i"},
	Rationale:   "A shared ward login or PIN makes audit trails worthless and cannot be revoked for one person (MDCG 2019-16 §2.5, auditability for non-repudiation).",
	Remediation: "Issue personal accounts (or badge login) and disable shared ones; where a shared clinical login is unavoidable, justify it in the risk file.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			ac := c.c.AccessControl
			if ac == nil {
				continue
			}
			out = append(out, boolCheckNot(in, c.c.ID, c.path+".accessControl.sharedCredentials", ac.SharedCredentials,
				"no shared accounts", "several people share one account or PIN"))
		}
		return out
	},
})

// boolCheckNot is boolCheck for a fact that must be false.
func boolCheckNot(in *catalog.Input, subject, path string, b *bool, passText, failText string) catalog.Result {
	id, ok := in.CiteBool(path, b)
	switch {
	case !ok:
		return unknown(subject, path)
	case !*b:
		return pass(subject, passText, id)
	default:
		return fail(subject, failText, id)
	}
}
