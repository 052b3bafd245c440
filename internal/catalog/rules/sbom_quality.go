package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
)

// Rules on what a component's SBOM shows once read: whether it reads at
// all, whether it meets the NTIA minimum elements, and whether its
// components can be matched against advisories. Their evidence is observed.

// sbomCheck runs check for each component that references an SBOM; one
// whose SBOM was not read (rules run without the SBOM reader) is unknown.
func sbomCheck(in *catalog.Input, check func(c comp, b evidence.SBOM, id evidence.ID) catalog.Result) []catalog.Result {
	var out []catalog.Result
	for _, c := range deviceComponents(in.Device) {
		if c.c.SBOM == "" {
			continue
		}
		b, ok := in.Evidence.SBOM(c.c.ID)
		if !ok {
			out = append(out, catalog.Result{Subject: c.c.ID, Status: catalog.Unknown, Detail: "the SBOM " + c.c.SBOM + " was not read"})
			continue
		}
		e, _ := in.Evidence.Lookup(c.path + ".sbom")
		out = append(out, check(c, b, e.ID))
	}
	return out
}

var sbomReadable = register(catalog.Rule{
	ID:          "sbom/readable",
	Title:       "Each referenced SBOM is a readable CycloneDX or SPDX document",
	Severity:    catalog.High,
	Refs:        []string{"IEC81001.8", "MDCG1916.4.3", "NIS2.21.d"},
	Rationale:   "An SBOM that tools cannot read does not serve vulnerability monitoring or the hospitals that receive it.",
	Remediation: "Produce the SBOM with a standard generator in CycloneDX (1.2 to 1.6) or SPDX (2.1 to 2.3) and fix the reported error.",
	Check: func(in *catalog.Input) []catalog.Result {
		return sbomCheck(in, func(c comp, b evidence.SBOM, id evidence.ID) catalog.Result {
			if b.Err != "" {
				return fail(c.c.ID, "the SBOM cannot be read: "+b.Err, id)
			}
			detail := fmt.Sprintf("%s %s, %d component%s", b.Format, b.SpecVersion, b.Components, plural(b.Components))
			if b.Warnings > 0 {
				detail += fmt.Sprintf(", %d deviations repaired (mdcheck sbom lists them)", b.Warnings)
			}
			return pass(c.c.ID, detail, id)
		})
	},
})

// minCoverage is the share of components that must carry each NTIA
// element for an SBOM to pass.
const minCoverage = 90.0

var sbomNTIA = register(catalog.Rule{
	ID:          "sbom/ntia-minimum-elements",
	Title:       "The SBOM carries the NTIA minimum elements",
	Severity:    catalog.Medium,
	Refs:        []string{"IEC81001.8", "MDCG1916.3.8", "NIS2.21.d"},
	Rationale:   "Supplier, name, version, a unique identifier and dependency relationships per component, with the SBOM's author and timestamp, are the minimum for an SBOM to be usable (NTIA, July 2021); the FDA asks for them in premarket submissions.",
	Remediation: "Configure the SBOM generator to emit suppliers, package URLs or CPEs, and the dependency graph, and to sign the document with its author and timestamp (mdcheck sbom shows the worst components).",
	Check: func(in *catalog.Input) []catalog.Result {
		return sbomCheck(in, func(c comp, b evidence.SBOM, id evidence.ID) catalog.Result {
			if b.Err != "" {
				return catalog.Result{Subject: c.c.ID, Status: catalog.Unknown, Detail: "the SBOM cannot be read (see sbom/readable)"}
			}
			var short []string
			names := make([]string, 0, len(b.Coverage))
			for e := range b.Coverage {
				names = append(names, e)
			}
			sort.Strings(names)
			for _, e := range names {
				if b.Coverage[e] < minCoverage {
					short = append(short, fmt.Sprintf("%s %.0f%%", e, b.Coverage[e]))
				}
			}
			if !b.Author {
				short = append(short, "no author")
			}
			if !b.Timestamp {
				short = append(short, "no timestamp")
			}
			if len(short) > 0 {
				return fail(c.c.ID, fmt.Sprintf("NTIA score %.1f%%; below %.0f%%: %s", b.Score, minCoverage, strings.Join(short, ", ")), id)
			}
			return pass(c.c.ID, fmt.Sprintf("NTIA score %.1f%%", b.Score), id)
		})
	},
})

// minCheckable is the share of components that must be identifiable for
// vulnerability matching.
const minCheckable = 90.0

var sbomCheckable = register(catalog.Rule{
	ID:          "sbom/components-checkable",
	Title:       "SBOM components can be matched against vulnerability advisories",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.2.4", "IEC81001.9", "MDCG1916.5.1"},
	Rationale:   "A component without a package URL or CPE and a version cannot be matched against advisories; field monitoring (MDCG 2019-16 §2.4) silently misses it.",
	Remediation: "Give every component a package URL (or a CPE for platform software) and a version; mdcheck sbom lists those that lack them.",
	Check: func(in *catalog.Input) []catalog.Result {
		return sbomCheck(in, func(c comp, b evidence.SBOM, id evidence.ID) catalog.Result {
			switch {
			case b.Err != "":
				return catalog.Result{Subject: c.c.ID, Status: catalog.Unknown, Detail: "the SBOM cannot be read (see sbom/readable)"}
			case b.Components == 0:
				return fail(c.c.ID, "the SBOM lists no components", id)
			}
			pct := float64(b.Checkable) / float64(b.Components) * 100
			detail := fmt.Sprintf("%d of %d components can be checked (%.0f%%)", b.Checkable, b.Components, pct)
			if pct < minCheckable {
				return fail(c.c.ID, detail, id)
			}
			return pass(c.c.ID, detail, id)
		})
	},
})

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

var sbomSupport = register(catalog.Rule{
	ID:          "sbom/support-declared",
	Title:       "Every SBOM component has a level of support and an end-of-support date",
	Severity:    catalog.Low,
	Refs:        []string{"MDCG1916.3.8", "IEC81001.8"},
	Rationale:   "The FDA's premarket guidance asks, for each SBOM component, the level of support the manufacturer gives it and its end-of-support date; MDCG 2019-16 §3.8 expects third-party components to stay supported.",
	Remediation: "State them in the SBOM, or in the device model under components[].sbomSupport (a default and overrides by package URL or name), and replace components whose support has ended.",
	Check: func(in *catalog.Input) []catalog.Result {
		today := in.Now.Format("2006-01-02")
		return sbomCheck(in, func(c comp, b evidence.SBOM, id evidence.ID) catalog.Result {
			switch {
			case b.Err != "":
				return catalog.Result{Subject: c.c.ID, Status: catalog.Unknown, Detail: "the SBOM cannot be read (see sbom/readable)"}
			case b.WithSupport < b.Components:
				return fail(c.c.ID, fmt.Sprintf("%d of %d components have a level of support and an end-of-support date", b.WithSupport, b.Components), id)
			case b.Unsupported > 0:
				return fail(c.c.ID, fmt.Sprintf("%d components are declared unsupported", b.Unsupported), id)
			case b.EarliestEndOfSupport != "" && b.EarliestEndOfSupport < today:
				return fail(c.c.ID, "support of some components ended "+b.EarliestEndOfSupport, id)
			}
			return pass(c.c.ID, fmt.Sprintf("all %d components supported, earliest end %s", b.Components, b.EarliestEndOfSupport), id)
		})
	},
})
