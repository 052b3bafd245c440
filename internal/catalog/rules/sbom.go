package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
)

var sbomPresent = register(catalog.Rule{
	ID:          "sbom/present",
	Title:       "Every software-bearing component has an SBOM",
	Severity:    catalog.High,
	Refs:        []string{"IEC81001.8", "MDR.AI.17.2", "MDCG1916.3.8", "MDCG1916.4.3", "NIS2.21.d"},
	Rationale:   "Without a software bill of materials nobody can tell which devices a new vulnerability in a library affects; MDCG 2019-16 §4.2 lists it in the security documentation and FD&C Act 524B(b)(3) requires it.",
	Remediation: "Generate an SBOM (CycloneDX or SPDX) for each software-bearing component at build time and reference it in components[].sbom.",
	Check: func(in *catalog.Input) []catalog.Result {
		var maintained *bool
		if l := in.Device.Lifecycle; l != nil {
			maintained = l.SBOMMaintained
		}
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			if !softwareBearing(c) {
				continue
			}
			switch {
			case c.c.SBOM != "":
				out = append(out, pass(c.c.ID, "SBOM "+c.c.SBOM, in.Cite(c.path+".sbom", c.c.SBOM)))
			case isFalse(maintained):
				out = append(out, fail(c.c.ID, "no SBOM: the manufacturer declares none is maintained", in.Cite("lifecycle.sbomMaintained", "false")))
			default:
				out = append(out, unknown(c.c.ID, c.path+".sbom"))
			}
		}
		return out
	},
})

var sbomMaintained = register(catalog.Rule{
	ID:          "sbom/maintained",
	Title:       "The SBOM is kept current with every release",
	Severity:    catalog.Medium,
	Refs:        []string{"IEC81001.8", "MDCG1916.3.8"},
	Rationale:   "An SBOM of an old release points vulnerability monitoring at the wrong components.",
	Remediation: "Regenerate the SBOM in the release pipeline and state lifecycle.sbomMaintained: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		var b *bool
		if l := in.Device.Lifecycle; l != nil {
			b = l.SBOMMaintained
		}
		return []catalog.Result{boolCheck(in, "device", "lifecycle.sbomMaintained", b, "the SBOM is maintained", "the SBOM is not maintained")}
	},
})
