package rules

import "testing"

func TestTherapyInterfaceAuth(t *testing.T) {
	runRule(t, therapyInterfaceAuth, []ruleCase{
		{"authenticated", one(`    interfaces: [{id: ble, kind: ble, changesTherapy: true, authentication: {required: true}}]
`), want{"main/ble": pass_}},
		{"unauthenticated", one(`    interfaces: [{id: ble, kind: ble, rangeMeters: 10, exposure: proximity, changesTherapy: true, authentication: {required: false}}]
`), want{"main/ble": fail_}},
		{"emergency wand at contact range", one(`    interfaces: [{id: wand, kind: inductive, exposure: proximity, rangeMeters: 0.05, changesTherapy: true, authentication: {required: false}}]
    accessControl: {emergencyAccess: {supported: true, requiresProximity: true}}
`), want{"main/wand": pass_}},
		{"emergency claim but long range", one(`    interfaces: [{id: mics, kind: mics, exposure: proximity, rangeMeters: 2, changesTherapy: true, authentication: {required: false}}]
    accessControl: {emergencyAccess: {supported: true, requiresProximity: true}}
`), want{"main/mics": fail_}},
		{"authentication not stated", one(`    interfaces: [{id: ble, kind: ble, changesTherapy: true}]
`), want{"main/ble": unk}},
		{"therapy effect not stated on a pump", oneKind("infusion-pump", `    interfaces: [{id: wifi, kind: wifi}]
`), want{"main/wifi": unk}},
		{"no therapy interface", one(`    interfaces: [{id: usb, kind: usb, changesTherapy: false}]
`), want{"device": na}},
	})
}
