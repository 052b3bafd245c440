package rules

import "testing"

func TestHospitalSegmentation(t *testing.T) {
	runRule(t, hospitalSegmentation, []ruleCase{
		{"protected", one("    interfaces: [{id: lan, kind: wired-network, exposure: hospital-network, encryption: {inTransit: true}, authentication: {required: true}}]\n"), want{"main/lan": pass_}},
		{"weak", one("    interfaces: [{id: lan, kind: wired-network, exposure: hospital-network, encryption: {inTransit: false}, authentication: {required: false}}]\n"), want{"main/lan": fail_}},
		{"not stated", one("    interfaces: [{id: lan, kind: wired-network, exposure: hospital-network}]\n"), want{"main/lan": unk}},
		{"home only", one("    interfaces: [{id: w, kind: wifi, exposure: home-network}]\n"), want{"device": na}},
	})
}
