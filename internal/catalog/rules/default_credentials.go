package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
)

var defaultCredentials = register(catalog.Rule{
	ID:          "auth/no-default-credentials",
	Title:       "No default credentials remain in use",
	Severity:    catalog.Critical,
	Refs:        []string{"MDCG1916.3.3.PAUT", "MDR.AI.18.8", "IEC60601-4-5.FR1", "NIS2.21.g"},
	Rationale:   "Credentials shared by every unit are published sooner or later; MDCG 2019-16 §4.2 asks the IFU to make users change default passwords at first use, and secure settings by default.",
	Remediation: "Give each unit its own credentials, or force a change at first use (defaultCredentials: forced-change), and document it in the IFU.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			if len(c.c.Interfaces) == 0 && c.c.AccessControl == nil {
				continue
			}
			path := c.path + ".accessControl.defaultCredentials"
			ac := c.c.AccessControl
			if ac == nil || ac.DefaultCredentials == "" {
				out = append(out, unknown(c.c.ID, path))
				continue
			}
			id := in.Cite(path, string(ac.DefaultCredentials))
			switch ac.DefaultCredentials {
			case "present":
				out = append(out, fail(c.c.ID, "default credentials remain usable", id))
			case "forced-change":
				out = append(out, pass(c.c.ID, "default credentials must be changed at first use", id))
			default:
				out = append(out, pass(c.c.ID, "no default credentials", id))
			}
		}
		return out
	},
})
