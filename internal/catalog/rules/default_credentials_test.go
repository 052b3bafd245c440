package rules

import "testing"

func TestDefaultCredentials(t *testing.T) {
	runRule(t, defaultCredentials, []ruleCase{
		{"none", one("    accessControl: {defaultCredentials: none}\n"), want{"main": pass_}},
		{"forced change", one("    accessControl: {defaultCredentials: forced-change}\n"), want{"main": pass_}},
		{"present", one("    accessControl: {defaultCredentials: present}\n"), want{"main": fail_}},
		{"not stated", one("    interfaces: [{id: usb, kind: usb}]\n"), want{"main": unk}},
		{"nothing to log into", one(""), want{"device": na}},
	})
}
