package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

var sessionTimeout = register(catalog.Rule{
	ID:       "auth/session-timeout",
	Title:    "Idle sessions end, without ever blanking a vital-signs display",
	Severity: catalog.Medium,
	Refs:     []string{"MDCG1916.3.3.ALOF", "IEC60601-4-5.FR2"},
	Rationale: "An unattended logged-in session is an open door (automatic logoff, MDCG 2019-16 Table 3). But MDCG 2019-16 §3.2 warns that screen blanking " +
		"protects data and harms patients on a vital-signs display, so a device that monitors vital parameters passes with no timeout.",
	Remediation: "Set an inactivity timeout (accessControl.sessionTimeoutMinutes) for configuration and data access; on vital-signs displays lock input only, never the display.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			ac := c.c.AccessControl
			if ac == nil || !personAuth(ac.AuthenticationMethods) {
				continue
			}
			path := c.path + ".accessControl.sessionTimeoutMinutes"
			if ac.SessionTimeoutMinutes == nil {
				out = append(out, unknown(c.c.ID, path))
				continue
			}
			id := in.Cite(path, fmt.Sprint(*ac.SessionTimeoutMinutes))
			switch {
			case *ac.SessionTimeoutMinutes > 0:
				out = append(out, pass(c.c.ID, fmt.Sprintf("sessions end after %d idle minutes", *ac.SessionTimeoutMinutes), id))
			case monitorsVitals(c):
				v := in.Cite(c.path+".classification", "monitors vital parameters")
				out = append(out, pass(c.c.ID, "no session timeout, so the vital-signs display is never blanked", id, v))
			default:
				out = append(out, fail(c.c.ID, "sessions never time out", id))
			}
		}
		return out
	},
})

// monitorsVitals reports whether a component monitors vital parameters
// whose change can mean immediate danger.
func monitorsVitals(c comp) bool {
	f := facts(c.c)
	return (f.Diagnostic != nil && f.Diagnostic.VitalProcesses == "immediate-danger") || f.Monitoring == "vital-parameters-immediate-danger"
}
