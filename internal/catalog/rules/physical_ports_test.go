package rules

import "testing"

func TestPhysicalPorts(t *testing.T) {
	runRule(t, physicalPorts, []ruleCase{
		{"authenticated", one("    interfaces: [{id: usb, kind: usb, changesConfiguration: true, authentication: {required: true}}]\n"), want{"main/usb": pass_}},
		{"open", one("    interfaces: [{id: serial, kind: serial, changesConfiguration: true, authentication: {required: false}}]\n"), want{"main/serial": fail_}},
		{"not stated", one("    interfaces: [{id: usb, kind: usb, changesTherapy: true}]\n"), want{"main/usb": unk}},
		{"export only", one("    interfaces: [{id: usb, kind: usb, changesConfiguration: false}]\n"), want{"device": na}},
	})
}
