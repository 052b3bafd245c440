package rules

import (
	"slices"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

var deidentification = register(catalog.Rule{
	ID:          "data/deidentification",
	Title:       "Health data that leaves a component can be de-identified",
	Severity:    catalog.Low,
	Refs:        []string{"MDCG1916.3.3.DIDT", "GDPR.ART.25"},
	Rationale:   "Data protection by design (GDPR Art. 25) asks for pseudonymisation where the purpose allows; it matters where health data leaves the clinical context, to a non-device or a cloud service.",
	Remediation: "Offer de-identified or pseudonymised export of health data for purposes that do not need identity, and state security.deidentification: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		// A component shares health data outside the clinical context when
		// a flow carries it to a non-device or a cloud service.
		sends := sharesOutside(in.Device)
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

// sharesOutside returns the components that send health data to a
// non-device component or a cloud service.
func sharesOutside(d *model.Device) map[string]bool {
	role := map[string]model.Component{}
	for _, c := range d.Components {
		role[c.ID] = c
	}
	sensitive := map[string]bool{}
	for _, a := range d.DataAssets {
		if slices.Contains(sensitiveKinds(), a.Kind) {
			sensitive[a.ID] = true
		}
	}
	out := map[string]bool{}
	for _, fl := range d.DataFlows {
		to := role[fl.To]
		if to.Role != "non-device" && to.Kind != "cloud-service" {
			continue
		}
		if slices.ContainsFunc(fl.Assets, func(a string) bool { return sensitive[a] }) {
			out[fl.From] = true
		}
	}
	return out
}
