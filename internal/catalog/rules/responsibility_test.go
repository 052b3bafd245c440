package rules

import "testing"

func TestOperatorExpectations(t *testing.T) {
	weak := "    interfaces:\n      - {id: hl7, kind: wired-network, exposure: hospital-network, port: 2575, encryption: {inTransit: false}}\n"
	docs := "documents:\n  - {kind: ifu-security-section, path: ifu.md}\n"
	runRule(t, expectationsStated, []ruleCase{
		{"stated", one(weak) + docs + "responsibilities:\n  - {party: operator, area: network, expectation: Put the monitor in a medical-device VLAN, statedIn: ifu-security-section}\n", want{"device": pass_}},
		{"nothing expected, nothing relied on", one("") + "responsibilities: []\n", want{"device": pass_}},
		{"weak interface, no network duty", one(weak) + docs + "responsibilities:\n  - {party: operator, area: patching, expectation: Install updates within 30 days, statedIn: ifu-security-section}\n", want{"device": fail_}},
		{"told in no document", one("") + "responsibilities:\n  - {party: operator, area: backup, expectation: Back up nightly}\n", want{"device": fail_}},
		{"document not listed", one("") + docs + "responsibilities:\n  - {party: operator, area: backup, expectation: Back up nightly, statedIn: security-manual}\n", want{"device": fail_}},
		{"not declared", one(weak), want{"device": unk}},
	})
}

func TestHospitalOperatorExpectations(t *testing.T) {
	lan := func(port string) string {
		return "    interfaces:\n      - {id: lan, kind: wired-network, exposure: hospital-network" + port + "}\n"
	}
	seg := "responsibilities:\n  - {party: operator, area: network, expectation: Segment it}\n"
	runRule(t, hospitalExpectations, []ruleCase{
		{"ports given", one(lan(", port: 443")) + seg, want{"expectation-1": pass_}},
		{"no port", one(lan("")) + seg, want{"expectation-1": fail_}},
		{"patching without updates", one(lan(", port: 443")) + "responsibilities:\n  - {party: operator, area: patching, expectation: Patch monthly}\n", want{"expectation-1": fail_}},
		{"patching with cadence", one(lan(", port: 443")+"    security: {update: {supported: true}}\n") + "lifecycle: {patchCadenceDays: 90}\nresponsibilities:\n  - {party: operator, area: patching, expectation: Patch monthly}\n", want{"expectation-1": pass_}},
		{"backup unsupported", one("") + "responsibilities:\n  - {party: integrator, area: backup, expectation: Back up nightly}\n", want{"expectation-1": fail_}},
		{"patient duty only", one("") + "responsibilities:\n  - {party: patient, area: physical-security, expectation: Keep the monitor at home}\n", want{"device": na}},
		{"not declared", one(""), want{"device": unk}},
	})
}

func TestNetworkRiskInputs(t *testing.T) {
	lan := "    interfaces:\n      - {id: lan, kind: wired-network, exposure: hospital-network, port: 443, connectsTo: [his]}\nexternalDevices:\n  - {id: his, name: Hospital information system}\n"
	runRule(t, networkRiskInputs, []ruleCase{
		{"disclosed", one(lan) + "documents:\n  - {kind: ifu-security-section, path: ifu.md}\n  - {kind: mds2, path: mds2.xlsx}\n", want{"device": pass_}},
		{"no MDS2", one(lan) + "documents:\n  - {kind: ifu-security-section, path: ifu.md}\n", want{"device": fail_}},
		{"no port", one("    interfaces:\n      - {id: lan, kind: wired-network, exposure: hospital-network}\n") + "documents:\n  - {kind: ifu-security-section, path: ifu.md}\n  - {kind: mds2, path: mds2.xlsx}\n", want{"device": fail_}},
		{"no documents", one(lan), want{"device": unk}},
		{"not networked", one(""), want{"device": na}},
	})
}
