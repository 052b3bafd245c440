package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
)

var interfaceAuthorization = register(catalog.Rule{
	ID:          "auth/interface-authorization",
	Title:       "Interfaces that change the device check what the caller may do",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.AUTH", "IEC60601-4-5.FR2", "MDR.AI.18.8"},
	Rationale:   "Authentication says who the caller is; authorisation limits what it may do. An interface without authorisation lets any authenticated peer do anything.",
	Remediation: "Check each command against the caller's role (authorization: role-based) on interfaces that change therapy or configuration.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !isTrue(f.in.ChangesTherapy) && !isTrue(f.in.ChangesConfig) {
				continue
			}
			path := f.path + ".authorization"
			switch f.in.Authorization {
			case "":
				out = append(out, unknown(f.subject(), path))
			case "none":
				out = append(out, fail(f.subject(), "changes are accepted without any authorisation check", in.Cite(path, "none")))
			default:
				out = append(out, pass(f.subject(), "commands are authorised ("+string(f.in.Authorization)+")", in.Cite(path, string(f.in.Authorization))))
			}
		}
		return out
	},
})
