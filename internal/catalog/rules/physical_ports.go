package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

var physicalPorts = register(catalog.Rule{
	ID:          "auth/physical-ports-protected",
	Title:       "USB, serial and removable-media ports cannot change the device without authentication",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.PLOK", "IEC60601-4-5.FR1", "MDR.AI.18.8"},
	Rationale:   "Physical access in a ward is not controlled access; service ports have been the way in for configuration changes and malware (MDCG 2019-16 Annex II, examples 8, 11 and 15).",
	Remediation: "Require authentication on service ports, or lock them physically, and state it for each interface.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !isPhysicalPort(f.in.Kind) || (!isTrue(f.in.ChangesConfig) && !isTrue(f.in.ChangesTherapy)) {
				continue
			}
			a := f.in.Authentication
			if a == nil || a.Required == nil {
				out = append(out, unknown(f.subject(), f.path+".authentication.required"))
				continue
			}
			id := in.Cite(f.path+".authentication.required", fmt.Sprint(*a.Required))
			if *a.Required {
				out = append(out, pass(f.subject(), "the port requires authentication", id))
			} else {
				out = append(out, fail(f.subject(), "anyone with physical access can change the device through this port", id))
			}
		}
		return out
	},
})
