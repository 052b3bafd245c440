package rules

import "testing"

const phiFlow = `  - {id: peer, name: Peer, kind: gateway, role: device}
dataAssets: [{id: ecg, kind: personal-health-data}]
dataFlows: [{from: main, to: peer, interface: lan, assets: [ecg]}]
`

func TestPHIInTransit(t *testing.T) {
	runRule(t, phiInTransit, []ruleCase{
		{"encrypted", one("    interfaces: [{id: lan, kind: wired-network, encryption: {inTransit: true}}]\n" + phiFlow), want{"main/lan": pass_}},
		{"cleartext", one("    interfaces: [{id: lan, kind: wired-network, encryption: {inTransit: false}}]\n" + phiFlow), want{"main/lan": fail_}},
		{"not stated", one("    interfaces: [{id: lan, kind: wired-network}]\n" + phiFlow), want{"main/lan": unk}},
		{"flow without interface", one("  - {id: peer, name: Peer, kind: gateway, role: device}\ndataAssets: [{id: ecg, kind: personal-health-data}]\ndataFlows: [{from: main, to: peer, assets: [ecg]}]\n"), want{"main->peer": unk}},
		{"no health data", one("    interfaces: [{id: lan, kind: wired-network}]\n"), want{"device": na}},
	})
}

func TestHealthDataIntegrity(t *testing.T) {
	runRule(t, healthDataIntegrity, []ruleCase{
		{"protected", one("    interfaces: [{id: lan, kind: wired-network, encryption: {integrity: true}}]\n" + phiFlow), want{"main/lan": pass_}},
		{"unprotected", one("    interfaces: [{id: lan, kind: wired-network, encryption: {integrity: false}}]\n" + phiFlow), want{"main/lan": fail_}},
		{"not stated", one("    interfaces: [{id: lan, kind: wired-network}]\n" + phiFlow), want{"main/lan": unk}},
	})
}

func TestTherapyIntegrity(t *testing.T) {
	runRule(t, therapyIntegrity, []ruleCase{
		{"protected", one("    interfaces: [{id: rf, kind: mics, changesTherapy: true, encryption: {integrity: true}}]\n"), want{"main/rf": pass_}},
		{"unprotected", one("    interfaces: [{id: rf, kind: mics, changesTherapy: true, encryption: {integrity: false}}]\n"), want{"main/rf": fail_}},
		{"not stated", one("    interfaces: [{id: rf, kind: mics, changesTherapy: true}]\n"), want{"main/rf": unk}},
		{"no therapy link", one("    interfaces: [{id: rf, kind: mics}]\n"), want{"device": na}},
	})
}

func TestInternetExposure(t *testing.T) {
	runRule(t, internetExposure, []ruleCase{
		{"protected", one("    interfaces: [{id: web, kind: wired-network, exposure: internet, encryption: {inTransit: true}, authentication: {required: true}}]\n"), want{"main/web": pass_}},
		{"unencrypted", one("    interfaces: [{id: web, kind: wired-network, exposure: internet, encryption: {inTransit: false}, authentication: {required: true}}]\n"), want{"main/web": fail_}},
		{"open", one("    interfaces: [{id: web, kind: wired-network, exposure: internet, encryption: {inTransit: true}, authentication: {required: false}}]\n"), want{"main/web": fail_}},
		{"not stated", one("    interfaces: [{id: web, kind: wired-network, exposure: internet}]\n"), want{"main/web": unk}},
		{"not exposed", one("    interfaces: [{id: web, kind: wired-network, exposure: hospital-network}]\n"), want{"device": na}},
	})
}

func TestNoCleartext(t *testing.T) {
	runRule(t, noCleartext, []ruleCase{
		{"https", one("    interfaces: [{id: web, kind: wired-network, protocols: [https]}]\n"), want{"main/web": pass_}},
		{"telnet", one("    interfaces: [{id: t, kind: wifi, protocols: [telnet]}]\n"), want{"main/t": fail_}},
		{"http over tls tunnel", one("    interfaces: [{id: w, kind: wifi, protocols: [http], encryption: {inTransit: true}}]\n"), want{"main/w": pass_}},
		{"not stated", one("    interfaces: [{id: w, kind: wifi}]\n"), want{"main/w": unk}},
		{"not a network", one("    interfaces: [{id: u, kind: usb, protocols: [ftp]}]\n"), want{"device": na}},
	})
}

func TestTLSVersion(t *testing.T) {
	runRule(t, modernTLS, []ruleCase{
		{"1.3", one("    interfaces: [{id: w, kind: wifi, encryption: {protocol: TLS 1.3}}]\n"), want{"main/w": pass_}},
		{"dtls 1.2", one("    interfaces: [{id: w, kind: wifi, encryption: {protocol: DTLS 1.2}}]\n"), want{"main/w": pass_}},
		{"1.0", one("    interfaces: [{id: w, kind: wifi, encryption: {protocol: TLS 1.0}}]\n"), want{"main/w": fail_}},
		{"ssl", one("    interfaces: [{id: w, kind: wifi, encryption: {protocol: SSLv3}}]\n"), want{"main/w": fail_}},
		{"no version", one("    interfaces: [{id: w, kind: wifi, encryption: {protocol: TLS}}]\n"), want{"main/w": unk}},
		{"not TLS", one("    interfaces: [{id: w, kind: mics, encryption: {protocol: AES-CCM}}]\n"), want{"device": na}},
	})
}

func TestBLEPairing(t *testing.T) {
	runRule(t, blePairing, []ruleCase{
		{"secure connections", one("    interfaces: [{id: b, kind: ble, encryption: {inTransit: true, protocol: LE Secure Connections numeric comparison}}]\n"), want{"main/b": pass_}},
		{"just works", one("    interfaces: [{id: b, kind: ble, encryption: {inTransit: true, protocol: BLE legacy pairing (Just Works)}}]\n"), want{"main/b": fail_}},
		{"unencrypted", one("    interfaces: [{id: b, kind: ble, encryption: {inTransit: false}}]\n"), want{"main/b": fail_}},
		{"method not stated", one("    interfaces: [{id: b, kind: ble, encryption: {inTransit: true}}]\n"), want{"main/b": unk}},
		{"no BLE", one("    interfaces: [{id: u, kind: usb}]\n"), want{"device": na}},
	})
}
