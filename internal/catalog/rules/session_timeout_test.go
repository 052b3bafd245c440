package rules

import "testing"

func TestSessionTimeout(t *testing.T) {
	runRule(t, sessionTimeout, []ruleCase{
		{"times out", one("    accessControl: {authenticationMethods: [password], sessionTimeoutMinutes: 15}\n"), want{"main": pass_}},
		{"never", one("    accessControl: {authenticationMethods: [password], sessionTimeoutMinutes: 0}\n"), want{"main": fail_}},
		{"vital-signs monitor never blanks", oneKind("patient-monitor", "    classification: {diagnostic: {vitalProcesses: immediate-danger}}\n    accessControl: {authenticationMethods: [pin], sessionTimeoutMinutes: 0}\n"), want{"main": pass_}},
		{"not stated", one("    accessControl: {authenticationMethods: [password]}\n"), want{"main": unk}},
		{"no person login", one("    accessControl: {authenticationMethods: [none]}\n"), want{"device": na}},
	})
}
