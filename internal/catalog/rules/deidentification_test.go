package rules

import "testing"

func TestDeidentification(t *testing.T) {
	flow := "    interfaces: [{id: lan, kind: wired-network}]\n  - {id: peer, name: Peer, kind: gateway, role: device}\ndataAssets: [{id: ecg, kind: personal-health-data, storedOn: [main]}]\ndataFlows: [{from: main, to: peer, interface: lan, assets: [ecg]}]\n"
	runRule(t, deidentification, []ruleCase{
		{"supported", one("    security: {deidentification: true}\n"+flow), want{"main": pass_}},
		{"not supported", one("    security: {deidentification: false}\n"+flow), want{"main": fail_}},
		{"not stated", one(flow), want{"main": unk}},
		{"keeps its data", one(""), want{"device": na}},
	})
}
