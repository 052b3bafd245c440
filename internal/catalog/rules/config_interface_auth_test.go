package rules

import "testing"

func TestConfigInterfaceAuth(t *testing.T) {
	runRule(t, configInterfaceAuth, []ruleCase{
		{"authenticated", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: true, authentication: {required: true}}]\n"), want{"main/lan": pass_}},
		{"open", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: true, authentication: {required: false}}]\n"), want{"main/lan": fail_}},
		{"not stated", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: true}]\n"), want{"main/lan": unk}},
		{"read only", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: false}]\n"), want{"device": na}},
	})
}
