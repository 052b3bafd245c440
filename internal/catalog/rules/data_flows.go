package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

var flowsDeclared = register(catalog.Rule{
	ID:          "data/flows-declared",
	Title:       "Data flows between components are declared",
	Severity:    catalog.Low,
	Refs:        []string{"MDCG1916.4.3", "IEC60601-4-5.FR5", "GDPR.ART.25"},
	Rationale:   "MDCG 2019-16 §4.2 asks for an exhaustive matrix of the network data streams and §4.3 for network diagrams; the transit rules can only check links whose data is known.",
	Remediation: "List data assets and the flows that carry them between components (dataAssets, dataFlows).",
	AppliesTo: func(in *catalog.Input) bool {
		for _, f := range interfaces(in.Device) {
			if isNetwork(f.in.Kind) || isWireless(f.in.Kind) {
				return true
			}
		}
		return false
	},
	Check: func(in *catalog.Input) []catalog.Result {
		switch d := in.Device; {
		case d.DataFlows == nil:
			return []catalog.Result{unknown("device", "dataFlows")}
		case len(d.DataFlows) == 0:
			return []catalog.Result{fail("device", "a connected device that declares no data flows", in.Cite("dataFlows", "[]"))}
		default:
			return []catalog.Result{pass("device", fmt.Sprintf("%d data flows declared", len(d.DataFlows)), in.Cite("dataFlows", fmt.Sprintf("%d flows", len(d.DataFlows))))}
		}
	},
})
