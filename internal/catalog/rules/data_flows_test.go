package rules

import "testing"

func TestFlowsDeclared(t *testing.T) {
	net := "    interfaces: [{id: lan, kind: wired-network}]\n"
	runRule(t, flowsDeclared, []ruleCase{
		{"declared", one(net + "dataAssets: [{id: d, kind: logs}]\ndataFlows: [{from: main, to: main, assets: [d]}]\n"), want{"device": pass_}},
		{"none", one(net + "dataFlows: []\n"), want{"device": fail_}},
		{"not stated", one(net), want{"device": unk}},
		{"unconnected", one(""), want{"device": na}},
	})
}
