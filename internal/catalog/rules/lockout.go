package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

var lockout = register(catalog.Rule{
	ID:          "auth/lockout",
	Title:       "Repeated failed logins lock the account",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.PAUT", "IEC60601-4-5.FR1"},
	Rationale:   "Without lockout or throttling, passwords and PINs can be guessed; short numeric PINs in particular. The emergency path must stay outside the lockout.",
	Remediation: "Lock or throttle after a small number of failed attempts (accessControl.lockoutAttempts), keeping emergency access unaffected.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			ac := c.c.AccessControl
			if ac == nil || !guessable(ac.AuthenticationMethods) {
				continue
			}
			path := c.path + ".accessControl.lockoutAttempts"
			if ac.LockoutAttempts == nil {
				out = append(out, unknown(c.c.ID, path))
				continue
			}
			id := in.Cite(path, fmt.Sprint(*ac.LockoutAttempts))
			if *ac.LockoutAttempts > 0 {
				out = append(out, pass(c.c.ID, fmt.Sprintf("locks after %d failed attempts", *ac.LockoutAttempts), id))
			} else {
				out = append(out, fail(c.c.ID, "no lockout after failed logins", id))
			}
		}
		return out
	},
})

func guessable(methods []model.AuthMethod) bool {
	for _, m := range methods {
		if m == "password" || m == "pin" {
			return true
		}
	}
	return false
}
