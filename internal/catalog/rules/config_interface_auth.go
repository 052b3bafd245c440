package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

var configInterfaceAuth = register(catalog.Rule{
	ID:          "auth/config-interface-authenticated",
	Title:       "Interfaces that can change configuration require authentication",
	Severity:    catalog.High,
	Refs:        []string{"MDR.AI.18.8", "MDCG1916.3.3.AUTH", "IEC60601-4-5.FR1"},
	Rationale:   "Configuration (alarm limits, dose libraries, network settings) shapes how the device behaves; changing it without authentication is unauthorised access under MDR Annex I 18.8 (MDCG 2019-16 Annex II, example 7).",
	Remediation: "Require an authenticated user or node before configuration changes are accepted on this interface.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !isTrue(f.in.ChangesConfig) {
				continue
			}
			subj := f.subject()
			cc := in.Cite(f.path+".changesConfiguration", "true")
			a := f.in.Authentication
			if a == nil || a.Required == nil {
				out = append(out, unknown(subj, f.path+".authentication.required"))
				continue
			}
			req := in.Cite(f.path+".authentication.required", fmt.Sprint(*a.Required))
			switch ev, emergency := proximityEmergencyPath(in, f); {
			case *a.Required:
				out = append(out, pass(subj, "configuration changes require authentication", cc, req))
			case emergency:
				out = append(out, pass(subj, "unauthenticated by design as the emergency path, bounded to contact range", append(ev, cc, req)...))
			default:
				out = append(out, fail(subj, "accepts configuration changes without authentication", cc, req))
			}
		}
		return out
	},
})
