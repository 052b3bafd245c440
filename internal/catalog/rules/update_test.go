package rules

import "testing"

func TestFieldUpdatable(t *testing.T) {
	runRule(t, fieldUpdatable, []ruleCase{
		{"yes", one("    security: {update: {supported: true}}\n"), want{"main": pass_}},
		{"no", one("    security: {update: {supported: false}}\n"), want{"main": fail_}},
		{"not stated", one("    classification: {active: true}\n"), want{"main": unk}},
		{"passive hardware", one("    classification: {active: false}\n"), want{"device": na}},
	})
}

func TestUpdateSigned(t *testing.T) {
	runRule(t, updateSigned, []ruleCase{
		{"signed", one("    security: {update: {supported: true, signed: true}}\n"), want{"main": pass_}},
		{"unsigned", one("    security: {update: {supported: true, signed: false}}\n"), want{"main": fail_}},
		{"not stated", one("    security: {update: {supported: true}}\n"), want{"main": unk}},
		{"not updatable", one("    security: {update: {supported: false}}\n"), want{"main": na}},
	})
}

func TestUpdateAuthenticated(t *testing.T) {
	runRule(t, updateAuthenticated, []ruleCase{
		{"authenticated", one("    security: {update: {supported: true, authenticated: true}}\n"), want{"main": pass_}},
		{"any source", one("    security: {update: {supported: true, authenticated: false}}\n"), want{"main": fail_}},
		{"not stated", one("    security: {update: {supported: true}}\n"), want{"main": unk}},
	})
}

func TestUpdateRollback(t *testing.T) {
	runRule(t, updateRollback, []ruleCase{
		{"protected", one("    security: {update: {supported: true, rollbackProtection: true}}\n"), want{"main": pass_}},
		{"unprotected", one("    security: {update: {supported: true, rollbackProtection: false}}\n"), want{"main": fail_}},
		{"not stated", one("    security: {update: {supported: true}}\n"), want{"main": unk}},
	})
}

func TestSecureBoot(t *testing.T) {
	runRule(t, secureBoot, []ruleCase{
		{"on", one("    security: {secureBoot: true}\n"), want{"main": pass_}},
		{"off", one("    security: {secureBoot: false}\n"), want{"main": fail_}},
		{"not stated", one("    classification: {active: true}\n"), want{"main": unk}},
		{"cloud service", oneKind("cloud-service", ""), want{"device": na}},
	})
}
