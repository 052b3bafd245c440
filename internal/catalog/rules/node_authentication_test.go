package rules

import "testing"

func TestNodeAuthentication(t *testing.T) {
	const two = "  - {id: peer, name: Peer, kind: gateway, role: device}\n"
	runRule(t, nodeAuthentication, []ruleCase{
		{"mutual", one("    interfaces: [{id: lan, kind: wired-network, connectsTo: [peer], authentication: {required: true, mutual: true}}]\n" + two), want{"main/lan": pass_}},
		{"one way", one("    interfaces: [{id: lan, kind: wired-network, connectsTo: [peer], authentication: {required: true, mutual: false}}]\n" + two), want{"main/lan": fail_}},
		{"open", one("    interfaces: [{id: lan, kind: wired-network, connectsTo: [peer], authentication: {required: false}}]\n" + two), want{"main/lan": fail_}},
		{"not stated", one("    interfaces: [{id: lan, kind: wired-network, connectsTo: [peer]}]\n" + two), want{"main/lan": unk}},
		{"open with no peer named", one("    interfaces: [{id: lan, kind: wired-network, authentication: {required: false}}]\n"), want{"main/lan": fail_}},
		{"closed with no peer named", one("    interfaces: [{id: lan, kind: wired-network, authentication: {required: true, mutual: false}}]\n"), want{"device": na}},
		{"no link", one("    interfaces: [{id: usb, kind: usb}]\n"), want{"device": na}},
	})
}
