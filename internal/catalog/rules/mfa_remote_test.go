package rules

import "testing"

func TestMFARemote(t *testing.T) {
	portal := "    interfaces: [{id: web, kind: wired-network, exposure: internet, authentication: {required: true, methods: [password]}}]\n"
	runRule(t, mfaRemote, []ruleCase{
		{"required", oneKind("cloud-service", portal+"    accessControl: {mfa: required}\n"), want{"main": pass_}},
		{"optional", oneKind("cloud-service", portal+"    accessControl: {mfa: optional}\n"), want{"main": fail_}},
		{"not stated", oneKind("cloud-service", portal), want{"main": unk}},
		{"node authentication only", oneKind("cloud-service", "    interfaces: [{id: api, kind: wired-network, exposure: internet, authentication: {required: true, methods: [mutual-tls]}}]\n"), want{"device": na}},
	})
}
