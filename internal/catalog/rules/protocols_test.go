package rules

import "testing"

func TestDICOMSecured(t *testing.T) {
	runRule(t, dicomSecured, []ruleCase{
		{"tls", one("    interfaces: [{id: d, kind: wired-network, protocols: [dicom], encryption: {inTransit: true}, authentication: {required: true}}]\n"), want{"main/d": pass_}},
		{"any AE title", one("    interfaces: [{id: d, kind: wired-network, protocols: [dicom], encryption: {inTransit: true}, authentication: {required: false}}]\n"), want{"main/d": fail_}},
		{"plain", one("    interfaces: [{id: d, kind: wired-network, protocols: [dicom], encryption: {inTransit: false}}]\n"), want{"main/d": fail_}},
		{"not stated", one("    interfaces: [{id: d, kind: wired-network, protocols: [dicom]}]\n"), want{"main/d": unk}},
		{"no dicom", one(""), want{"device": na}},
	})
}

func TestHL7Secured(t *testing.T) {
	runRule(t, hl7Secured, []ruleCase{
		{"tls", one("    interfaces: [{id: h, kind: wired-network, protocols: [hl7-mllp], encryption: {inTransit: true}}]\n"), want{"main/h": pass_}},
		{"plain", one("    interfaces: [{id: h, kind: wired-network, protocols: [hl7-mllp], encryption: {inTransit: false}}]\n"), want{"main/h": fail_}},
		{"not stated", one("    interfaces: [{id: h, kind: wired-network, protocols: [hl7-mllp]}]\n"), want{"main/h": unk}},
	})
}

func TestRemoteAdmin(t *testing.T) {
	runRule(t, remoteAdmin, []ruleCase{
		{"ssh with mfa", one("    interfaces: [{id: s, kind: wired-network, protocols: [ssh]}]\n    accessControl: {mfa: required}\n"), want{"main/s": pass_}},
		{"rdp without mfa", one("    interfaces: [{id: r, kind: wired-network, protocols: [rdp]}]\n    accessControl: {mfa: unsupported}\n"), want{"main/r": fail_}},
		{"telnet", one("    interfaces: [{id: t, kind: wired-network, protocols: [telnet]}]\n    accessControl: {mfa: required}\n"), want{"main/t": fail_}},
		{"mfa not stated", one("    interfaces: [{id: s, kind: wired-network, protocols: [ssh]}]\n"), want{"main/s": unk}},
		{"no remote admin", one(""), want{"device": na}},
	})
}

func TestDisableable(t *testing.T) {
	runRule(t, disableable, []ruleCase{
		{"switchable", one("    interfaces: [{id: w, kind: wifi, canBeDisabled: true}]\n"), want{"main/w": pass_}},
		{"always on", one("    interfaces: [{id: w, kind: wifi, canBeDisabled: false}]\n"), want{"main/w": fail_}},
		{"not stated", one("    interfaces: [{id: w, kind: wifi}]\n"), want{"main/w": unk}},
		{"therapy link", one("    interfaces: [{id: rf, kind: mics, changesTherapy: true, canBeDisabled: false}]\n"), want{"device": na}},
		{"software", oneKind("cloud-service", "    interfaces: [{id: w, kind: wired-network}]\n"), want{"device": na}},
	})
}
