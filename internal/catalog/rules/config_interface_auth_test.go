package rules

import "testing"

func TestConfigInterfaceAuth(t *testing.T) {
	runRule(t, configInterfaceAuth, []ruleCase{
		{"authenticated", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: true, authentication: {required: true}}]\n"), want{"main/lan": pass_}},
		{"open", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: true, authentication: {required: false}}]\n"), want{"main/lan": fail_}},
		{"not stated", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: true}]\n"), want{"main/lan": unk}},
		{"emergency wand", one("    interfaces: [{id: wand, kind: inductive, exposure: proximity, rangeMeters: 0.05, changesConfiguration: true, authentication: {required: false}}]\n    accessControl: {emergencyAccess: {supported: true, requiresProximity: true}}\n"), want{"main/wand": pass_}},
		{"read only", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: false}]\n"), want{"device": na}},
	})
}
