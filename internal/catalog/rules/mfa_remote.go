package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

var mfaRemote = register(catalog.Rule{
	ID:          "auth/mfa-for-internet-access",
	Title:       "People reaching a component over the internet use multi-factor authentication",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.PAUT", "IEC60601-4-5.FR1", "NIS2.21.j"},
	Rationale:   "Passwords alone fall to phishing and credential stuffing; an internet-facing clinical portal or remote access is where that happens first.",
	Remediation: "Enforce multi-factor authentication (accessControl.mfa: required) for every person who logs in over an internet-exposed interface.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			var exposed []string
			for k, it := range c.c.Interfaces {
				if it.Exposure == model.ExposureInternet && it.Authentication != nil && personAuth(it.Authentication.Methods) {
					exposed = append(exposed, c.path+".interfaces["+itoa(k)+"]")
				}
			}
			if len(exposed) == 0 {
				continue
			}
			ev := []evidenceID{in.Cite(exposed[0]+".exposure", "internet")}
			path := c.path + ".accessControl.mfa"
			ac := c.c.AccessControl
			if ac == nil || ac.MFA == "" {
				out = append(out, unknown(c.c.ID, path))
				continue
			}
			ev = append(ev, in.Cite(path, string(ac.MFA)))
			if ac.MFA == "required" {
				out = append(out, pass(c.c.ID, "multi-factor authentication is enforced", ev...))
			} else {
				out = append(out, fail(c.c.ID, "people log in over the internet without enforced multi-factor authentication (mfa: "+string(ac.MFA)+")", ev...))
			}
		}
		return out
	},
})
