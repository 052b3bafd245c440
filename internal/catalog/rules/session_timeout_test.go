package rules

import "testing"

func TestSessionTimeout(t *testing.T) {
	runRule(t, sessionTimeout, []ruleCase{
		{"times out", one("    accessControl: {authenticationMethods: [password], sessionTimeoutMinutes: 15}\n"), want{"main": pass_}},
		{"never", one("    accessControl: {authenticationMethods: [password], sessionTimeoutMinutes: 0}\n"), want{"main": fail_}},
		// MDCG 2019-16 §3.2: never blank a vital-signs display, but its
		// controls must still lock.
		{"vital-signs monitor, controls lock", oneKind("patient-monitor", "    classification: {diagnostic: {vitalProcesses: immediate-danger}}\n    accessControl: {authenticationMethods: [pin], sessionTimeoutMinutes: 0, inputLockMinutes: 2}\n"), want{"main": pass_}},
		{"vital-signs monitor, controls never lock", oneKind("patient-monitor", "    classification: {diagnostic: {vitalProcesses: immediate-danger}}\n    accessControl: {authenticationMethods: [pin], sessionTimeoutMinutes: 0, inputLockMinutes: 0}\n"), want{"main": fail_}},
		{"vital-signs monitor, input lock not stated", oneKind("patient-monitor", "    classification: {diagnostic: {vitalProcesses: immediate-danger}}\n    accessControl: {authenticationMethods: [pin], sessionTimeoutMinutes: 0}\n"), want{"main": unk}},
		{"not stated", one("    accessControl: {authenticationMethods: [password]}\n"), want{"main": unk}},
		{"no person login", one("    accessControl: {authenticationMethods: [none]}\n"), want{"device": na}},
	})
}
