package rules

import (
	"strings"
	"testing"
)

func TestDeidentification(t *testing.T) {
	flow := "    interfaces: [{id: lan, kind: wired-network}]\n  - {id: peer, name: Peer, kind: cloud-service, role: non-device}\ndataAssets: [{id: ecg, kind: personal-health-data, storedOn: [main]}]\ndataFlows: [{from: main, to: peer, interface: lan, assets: [ecg]}]\n"
	runRule(t, deidentification, []ruleCase{
		{"supported", one("    security: {deidentification: true}\n" + flow), want{"main": pass_}},
		{"not supported", one("    security: {deidentification: false}\n" + flow), want{"main": fail_}},
		{"not stated", one(flow), want{"main": unk}},
		{"keeps its data", one(""), want{"device": na}},
		{"shares only with a device", one(strings.Replace(flow, "kind: cloud-service, role: non-device", "kind: gateway, role: device", 1)), want{"device": na}},
	})
}
