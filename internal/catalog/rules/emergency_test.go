package rules

import "testing"

// implant is a critical component; body is appended to it.
func implant(body string) string {
	return oneKind("implant", "    classification: {invasiveness: implantable, duration: long-term, active: true}\n"+body)
}

func TestEmergencyPath(t *testing.T) {
	runRule(t, emergencyPath, []ruleCase{
		{"supported", implant("    accessControl: {emergencyAccess: {supported: true}}\n"), want{"main": pass_}},
		{"none", implant("    accessControl: {emergencyAccess: {supported: false}}\n"), want{"main": fail_}},
		{"not stated", implant(""), want{"main": unk}},
		{"not life-critical", one(""), want{"device": na}},
	})
}

func TestEmergencyNoCredentials(t *testing.T) {
	runRule(t, emergencyNoCredentials, []ruleCase{
		{"free", implant("    accessControl: {emergencyAccess: {supported: true, requiresCredentials: false}}\n"), want{"main": pass_}},
		{"needs credentials", implant("    accessControl: {emergencyAccess: {supported: true, requiresCredentials: true}}\n"), want{"main": fail_}},
		{"not stated", implant("    accessControl: {emergencyAccess: {supported: true}}\n"), want{"main": unk}},
		{"no path", implant("    accessControl: {emergencyAccess: {supported: false}}\n"), want{"main": na}},
	})
}

func TestEmergencyProximity(t *testing.T) {
	runRule(t, emergencyProximity, []ruleCase{
		{"contact range", implant("    accessControl: {emergencyAccess: {supported: true, requiresProximity: true, maxRangeMeters: 0.05}}\n"), want{"main": pass_}},
		{"no proximity", implant("    accessControl: {emergencyAccess: {supported: true, requiresProximity: false}}\n"), want{"main": fail_}},
		{"too far", implant("    accessControl: {emergencyAccess: {supported: true, requiresProximity: true, maxRangeMeters: 5}}\n"), want{"main": fail_}},
		{"not stated", implant("    accessControl: {emergencyAccess: {supported: true}}\n"), want{"main": unk}},
	})
}

func TestEmergencyLogged(t *testing.T) {
	runRule(t, emergencyLogged, []ruleCase{
		{"logged", implant("    accessControl: {emergencyAccess: {supported: true, logged: true}}\n"), want{"main": pass_}},
		{"unlogged", implant("    accessControl: {emergencyAccess: {supported: true, logged: false}}\n"), want{"main": fail_}},
		{"not stated", implant("    accessControl: {emergencyAccess: {supported: true}}\n"), want{"main": unk}},
	})
}

func TestEmergencyTimeLimit(t *testing.T) {
	runRule(t, emergencyTimeLimit, []ruleCase{
		{"limited", implant("    accessControl: {emergencyAccess: {supported: true, timeLimitMinutes: 30}}\n"), want{"main": pass_}},
		{"unlimited", implant("    accessControl: {emergencyAccess: {supported: true, timeLimitMinutes: 0}}\n"), want{"main": fail_}},
		{"not stated", implant("    accessControl: {emergencyAccess: {supported: true}}\n"), want{"main": unk}},
	})
}

func TestEmergencyReturn(t *testing.T) {
	runRule(t, emergencyReturn, []ruleCase{
		{"automatic", implant("    accessControl: {emergencyAccess: {supported: true, returnToNormal: automatic}}\n"), want{"main": pass_}},
		{"manual with limit", implant("    accessControl: {emergencyAccess: {supported: true, returnToNormal: manual, timeLimitMinutes: 10}}\n"), want{"main": pass_}},
		{"manual without limit", implant("    accessControl: {emergencyAccess: {supported: true, returnToNormal: manual}}\n"), want{"main": fail_}},
		{"never", implant("    accessControl: {emergencyAccess: {supported: true, returnToNormal: never}}\n"), want{"main": fail_}},
		{"not stated", implant("    accessControl: {emergencyAccess: {supported: true}}\n"), want{"main": unk}},
	})
}

func TestEmergencyLongRange(t *testing.T) {
	runRule(t, emergencyLongRange, []ruleCase{
		{"authenticated", implant("    interfaces: [{id: mics, kind: mics, changesTherapy: true, authentication: {required: true}}]\n"), want{"main/mics": pass_}},
		{"contact range", implant("    interfaces: [{id: wand, kind: inductive, exposure: proximity, rangeMeters: 0.05, changesTherapy: true, authentication: {required: false}}]\n"), want{"main/wand": pass_}},
		{"long range open", implant("    interfaces: [{id: rf, kind: mics, exposure: proximity, rangeMeters: 10, changesTherapy: true, authentication: {required: false}}]\n"), want{"main/rf": fail_}},
		{"not stated", implant("    interfaces: [{id: rf, kind: mics, changesTherapy: true}]\n"), want{"main/rf": unk}},
	})
}
