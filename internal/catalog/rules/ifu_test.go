package rules

import "testing"

// netDevice has a network interface with a port, stores health data and
// takes updates: it needs every item of the checklist.
func netDevice(ifu string) string {
	return one(`    platform: {os: Linux, version: "6.1", endOfSupport: 2030-01-01}
    interfaces:
      - {id: lan, kind: wired-network, exposure: hospital-network, port: 443, protocols: [https], connectsTo: [his]}
    security: {update: {supported: true, channels: [network]}, backup: {supported: true}}
externalDevices:
  - {id: his, name: Hospital information system}
dataAssets:
  - {id: vitals, kind: personal-health-data, storedOn: [main]}
` + ifu)
}

const allItems = "ifu: {states: [minimum-it-environment, ports-and-protocols, security-settings, update-policy, end-of-support, backup-restore, decommissioning, operator-duties, residual-risks, incident-contact]}\n"

func TestIFUOperatingEnvironment(t *testing.T) {
	runRule(t, ifuEnvironment, []ruleCase{
		{"all stated", netDevice(allItems), want{"device": pass_}},
		{"ports missing", netDevice("ifu: {states: [minimum-it-environment, security-settings]}\n"), want{"device": fail_}},
		{"not stated", netDevice(""), want{"device": unk}},
		{"no ports needed", oneKind("non-electronic-device", ""), want{"device": na}},
	})
}

func TestIFUUpdates(t *testing.T) {
	runRule(t, ifuUpdates, []ruleCase{
		{"all stated", netDevice(allItems), want{"device": pass_}},
		{"no end of support", netDevice("ifu: {states: [update-policy]}\n"), want{"device": fail_}},
		{"not stated", netDevice(""), want{"device": unk}},
	})
}

func TestIFURecovery(t *testing.T) {
	runRule(t, ifuRecovery, []ruleCase{
		{"all stated", netDevice(allItems), want{"device": pass_}},
		{"no decommissioning", netDevice("ifu: {states: [backup-restore]}\n"), want{"device": fail_}},
		{"not stated", netDevice(""), want{"device": unk}},
		{"stores nothing", one(""), want{"device": na}},
	})
}

func TestIFUDuties(t *testing.T) {
	runRule(t, ifuDuties, []ruleCase{
		{"all stated", netDevice(allItems), want{"device": pass_}},
		{"no contact", netDevice("ifu: {states: [operator-duties, residual-risks]}\n"), want{"device": fail_}},
		{"not stated", one(""), want{"device": unk}},
	})
}
