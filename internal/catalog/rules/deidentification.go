package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
)

var deidentification = register(catalog.Rule{
	ID:          "data/deidentification",
	Title:       "Health data that leaves a component can be de-identified",
	Severity:    catalog.Low,
	Refs:        []string{"MDCG1916.3.3.DIDT", "GDPR.ART.25"},
	Rationale:   "Data protection by design (GDPR Art. 25) asks for pseudonymisation where the purpose allows, for example exports for research, service or cloud analytics.",
	Remediation: "Offer de-identified or pseudonymised export of health data for purposes that do not need identity, and state security.deidentification: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		sends := map[string]bool{}
		byIface, _ := flowInterfaces(in.Device, sensitiveKinds()...)
		for key := range byIface {
			for _, c := range deviceComponents(in.Device) {
				if len(key) > len(c.c.ID) && key[:len(c.c.ID)+1] == c.c.ID+"/" {
					sends[c.c.ID] = true
				}
			}
		}
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			if !sends[c.c.ID] || len(storesAsset(in.Device, c.c.ID, sensitiveKinds()...)) == 0 {
				continue
			}
			var b *bool
			if c.c.Security != nil {
				b = c.c.Security.Deidentification
			}
			out = append(out, boolCheck(in, c.c.ID, c.path+".security.deidentification", b,
				"health data can be shared de-identified", "health data can only be shared with identities"))
		}
		return out
	},
})
