package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
)

var sessionTimeout = register(catalog.Rule{
	ID:       "auth/session-timeout",
	Title:    "Idle sessions end, without ever blanking a vital-signs display",
	Severity: catalog.Medium,
	Refs:     []string{"MDCG1916.3.3.ALOF", "IEC60601-4-5.FR2"},
	Rationale: "An unattended logged-in session is an open door (automatic logoff, MDCG 2019-16 Table 3). But MDCG 2019-16 §3.2 warns that screen blanking " +
		"protects data and harms patients on a vital-signs display: a device that monitors vital parameters may keep its session, if its controls lock (input lock) while the display stays on.",
	Remediation: "Set an inactivity timeout (accessControl.sessionTimeoutMinutes) for configuration and data access; on vital-signs displays lock the controls after inactivity (accessControl.inputLockMinutes), never the display.",
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
				// The display stays on; the controls must still lock, or
				// anyone passing by can act as the logged-in user.
				v := in.Cite(c.path+".classification", "monitors vital parameters")
				lockPath := c.path + ".accessControl.inputLockMinutes"
				switch {
				case ac.InputLockMinutes == nil:
					out = append(out, catalog.Result{Subject: c.c.ID, Status: catalog.Unknown,
						Detail: "no session timeout, so the vital-signs display is never blanked; whether the controls lock is not stated (" + lockPath + ")", Evidence: []evidence.ID{id, v}})
				case *ac.InputLockMinutes > 0:
					lock := in.Cite(lockPath, fmt.Sprint(*ac.InputLockMinutes))
					out = append(out, pass(c.c.ID, fmt.Sprintf("no session timeout, so the vital-signs display is never blanked; the controls lock after %d idle minutes", *ac.InputLockMinutes), id, v, lock))
				default:
					lock := in.Cite(lockPath, "0")
					out = append(out, fail(c.c.ID, "the session never times out and the controls never lock: anyone at the bedside acts as the logged-in user", id, v, lock))
				}
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
