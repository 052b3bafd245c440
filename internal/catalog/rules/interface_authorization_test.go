package rules

import "testing"

func TestInterfaceAuthorization(t *testing.T) {
	runRule(t, interfaceAuthorization, []ruleCase{
		{"role based", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: true, authorization: role-based}]\n"), want{"main/lan": pass_}},
		{"none", one("    interfaces: [{id: lan, kind: wired-network, changesTherapy: true, authorization: none}]\n"), want{"main/lan": fail_}},
		{"not stated", one("    interfaces: [{id: lan, kind: wired-network, changesTherapy: true}]\n"), want{"main/lan": unk}},
		{"read only", one("    interfaces: [{id: lan, kind: wired-network}]\n"), want{"device": na}},
	})
}
