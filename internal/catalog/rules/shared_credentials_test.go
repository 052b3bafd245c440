package rules

import "testing"

func TestSharedCredentials(t *testing.T) {
	runRule(t, sharedCredentials, []ruleCase{
		{"personal", one("    accessControl: {sharedCredentials: false}\n"), want{"main": pass_}},
		{"shared", one("    accessControl: {sharedCredentials: true}\n"), want{"main": fail_}},
		{"not stated", one("    accessControl: {mfa: required}\n"), want{"main": unk}},
		{"no access control described", one(""), want{"device": na}},
	})
}
