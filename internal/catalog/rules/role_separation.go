package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

var roleSeparation = register(catalog.Rule{
	ID:          "auth/role-separation",
	Title:       "Users get roles with only the privileges they need",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.AUTH", "IEC60601-4-5.FR2", "NIS2.21.i"},
	Rationale:   "Least privilege keeps a clinician's account from reconfiguring the device and a service account from reading patient data (MDCG 2019-16 §2.5, role-based access control).",
	Remediation: "Define separate roles for clinical use, configuration and service (accessControl.roles), each with the privileges it needs.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			ac := c.c.AccessControl
			if ac == nil {
				continue
			}
			path := c.path + ".accessControl.roles"
			switch n := len(ac.Roles); {
			case ac.Roles == nil:
				out = append(out, unknown(c.c.ID, path))
			case n >= 2:
				out = append(out, pass(c.c.ID, fmt.Sprintf("%d roles", n), in.Cite(path, fmt.Sprintf("%d roles", n))))
			case n == 1 && !changesAnything(c):
				out = append(out, pass(c.c.ID, "a single role on a component that changes nothing", in.Cite(path, "1 role")))
			default:
				out = append(out, fail(c.c.ID, "one role does everything: no separation of clinical, configuration and service privileges", in.Cite(path, fmt.Sprintf("%d roles", n))))
			}
		}
		return out
	},
})

// changesAnything reports whether any interface of c can change therapy or
// configuration.
func changesAnything(c comp) bool {
	for _, it := range c.c.Interfaces {
		if isTrue(it.ChangesTherapy) || isTrue(it.ChangesConfig) {
			return true
		}
	}
	return false
}
