package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

var nodeAuthentication = register(catalog.Rule{
	ID:          "auth/node-authentication",
	Title:       "Connected components authenticate each other",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.NAUT", "IEC60601-4-5.FR1", "MDR.AI.14.1"},
	Rationale:   "A component that accepts any peer can be fed forged data or commands by anything that reaches the link (MDCG 2019-16 Annex II, examples 3, 12 and 13).",
	Remediation: "Authenticate both ends of every link between components (mutual TLS, paired keys, certificates) and declare authentication.mutual: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !(isNetwork(f.in.Kind) || isWireless(f.in.Kind)) {
				continue
			}
			a := f.in.Authentication
			subj := f.subject()
			if len(f.in.ConnectsTo) == 0 {
				// No peer is named, but a link interface that says it
				// requires no authentication accepts whatever reaches it.
				if a == nil || !isFalse(a.Required) {
					continue
				}
				if ev, ok := proximityEmergencyPath(in, f); ok {
					out = append(out, pass(subj, "unauthenticated by design as the emergency path, bounded to contact range", ev...))
				} else {
					out = append(out, fail(subj, "accepts anything that reaches it without authentication (it names no peer in connectsTo)", in.Cite(f.path+".authentication.required", "false")))
				}
				continue
			}
			switch {
			case a == nil || (a.Mutual == nil && a.Required == nil):
				out = append(out, unknown(subj, f.path+".authentication.mutual"))
			case isFalse(a.Required):
				if ev, ok := proximityEmergencyPath(in, f); ok {
					out = append(out, pass(subj, "unauthenticated by design as the emergency path, bounded to contact range", ev...))
				} else {
					out = append(out, fail(subj, "accepts any peer without authentication", in.Cite(f.path+".authentication.required", "false")))
				}
			case a.Mutual == nil:
				out = append(out, unknown(subj, f.path+".authentication.mutual"))
			case *a.Mutual:
				out = append(out, pass(subj, "both ends authenticate each other", in.Cite(f.path+".authentication.mutual", "true")))
			default:
				out = append(out, fail(subj, fmt.Sprintf("only one end is authenticated (methods %v)", a.Methods), in.Cite(f.path+".authentication.mutual", "false")))
			}
		}
		return out
	},
})
