package rules

import "testing"

const storesPHI = "dataAssets: [{id: d, kind: personal-health-data, storedOn: [main]}]\n"

func TestHealthDataAtRest(t *testing.T) {
	runRule(t, healthDataAtRest, []ruleCase{
		{"encrypted", one("    security: {dataAtRest: {encrypted: true}}\n" + storesPHI), want{"main": pass_}},
		{"clear", one("    security: {dataAtRest: {encrypted: false}}\n" + storesPHI), want{"main": fail_}},
		{"not stated", one(storesPHI), want{"main": unk}},
		{"stores nothing", one(""), want{"device": na}},
	})
}

func TestSecretsAtRest(t *testing.T) {
	keys := "dataAssets: [{id: k, kind: cryptographic-keys, storedOn: [main]}]\n"
	runRule(t, secretsAtRest, []ruleCase{
		{"protected", one("    security: {dataAtRest: {encrypted: true}}\n" + keys), want{"main": pass_}},
		{"clear", one("    security: {dataAtRest: {encrypted: false}}\n" + keys), want{"main": fail_}},
		{"not stated", one(keys), want{"main": unk}},
	})
}

func TestBackupSupported(t *testing.T) {
	runRule(t, backupSupported, []ruleCase{
		{"supported", oneKind("server", "    security: {backup: {supported: true}}\n"+storesPHI), want{"main": pass_}},
		{"none", oneKind("server", "    security: {backup: {supported: false}}\n"+storesPHI), want{"main": fail_}},
		{"not stated", oneKind("server", storesPHI), want{"main": unk}},
		{"implant", oneKind("implant", storesPHI), want{"device": na}},
	})
}

func TestRestoreTested(t *testing.T) {
	runRule(t, restoreTested, []ruleCase{
		{"tested", oneKind("server", "    security: {backup: {supported: true, restoreTested: true}}\n"+storesPHI), want{"main": pass_}},
		{"untested", oneKind("server", "    security: {backup: {supported: true, restoreTested: false}}\n"+storesPHI), want{"main": fail_}},
		{"not stated", oneKind("server", "    security: {backup: {supported: true}}\n"+storesPHI), want{"main": unk}},
		{"no backup", oneKind("server", "    security: {backup: {supported: false}}\n"+storesPHI), want{"main": na}},
	})
}
