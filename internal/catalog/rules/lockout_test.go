package rules

import "testing"

func TestLockout(t *testing.T) {
	runRule(t, lockout, []ruleCase{
		{"locks", one("    accessControl: {authenticationMethods: [pin], lockoutAttempts: 5}\n"), want{"main": pass_}},
		{"never", one("    accessControl: {authenticationMethods: [password], lockoutAttempts: 0}\n"), want{"main": fail_}},
		{"not stated", one("    accessControl: {authenticationMethods: [password]}\n"), want{"main": unk}},
		{"smart card only", one("    accessControl: {authenticationMethods: [smart-card]}\n"), want{"device": na}},
	})
}
