package rules

import "testing"

func TestRoleSeparation(t *testing.T) {
	runRule(t, roleSeparation, []ruleCase{
		{"two roles", one("    accessControl: {roles: [{name: nurse}, {name: biomed}]}\n"), want{"main": pass_}},
		{"one role that configures", one("    interfaces: [{id: lan, kind: wired-network, changesConfiguration: true}]\n    accessControl: {roles: [{name: user}]}\n"), want{"main": fail_}},
		{"one role, read-only device", one("    accessControl: {roles: [{name: patient}]}\n"), want{"main": pass_}},
		{"not stated", one("    accessControl: {mfa: optional}\n"), want{"main": unk}},
	})
}
