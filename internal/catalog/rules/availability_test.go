package rules

import "testing"

// radio is an interface of the component, at its indentation.
func radio(kind, extra string) string {
	return "    interfaces:\n      - {id: rf, kind: " + kind + ", exposure: proximity" + extra + "}\n"
}

func TestBatteryWakeUpLimit(t *testing.T) {
	runRule(t, wakeUpLimit, []ruleCase{
		{"limited", implant(radio("mics", ", rateLimit: {limited: true, wakeUpsPerHour: 6, sessionsPerHour: 2}")), want{"main/rf": pass_}},
		{"unlimited", implant(radio("mics", ", rateLimit: {limited: false}")), want{"main/rf": fail_}},
		{"not stated", implant(radio("mics", "")), want{"main/rf": unk}},
		{"battery wearable", oneKind("wearable", "    power: battery\n"+radio("ble", ", rateLimit: {limited: false}")), want{"main/rf": fail_}},
		{"rechargeable implant", implant("    power: rechargeable\n" + radio("mics", "")), want{"device": na}},
		{"wired only", implant("    interfaces:\n      - {id: usb, kind: usb, exposure: physical}\n"), want{"device": na}},
	})
}

func TestLinkLossAlarm(t *testing.T) {
	mon := func(body string) string { return oneKind("home-monitor", "    monitoring: {overLink: true"+body+"}\n") }
	runRule(t, linkLossAlarm, []ruleCase{
		{"alarm", mon(", onLinkLoss: alarm, alarmSeconds: 30"), want{"main": pass_}},
		{"safe state", mon(", onLinkLoss: safe-state"), want{"main": pass_}},
		{"nothing", mon(", onLinkLoss: none"), want{"main": fail_}},
		{"not stated", mon(""), want{"main": unk}},
		{"not over a link", oneKind("home-monitor", "    monitoring: {overLink: false}\n"), want{"device": na}},
	})
}

func TestFailSafeUnderAttack(t *testing.T) {
	pump := func(extra string) string {
		return oneKind("infusion-pump", "    interfaces:\n      - {id: wifi, kind: wifi, exposure: hospital-network"+extra+"}\n      - {id: usb, kind: usb, exposure: physical}\n")
	}
	runRule(t, failSafeOnAttack, []ruleCase{
		{"kept", pump(", onAttack: essential-performance-kept"), want{"main/wifi": pass_}},
		{"safe state", pump(", onAttack: safe-state"), want{"main/wifi": pass_}},
		{"undefined", pump(", onAttack: undefined"), want{"main/wifi": fail_}},
		{"not stated", pump(""), want{"main/wifi": unk}},
		{"not therapy or monitoring", one("    interfaces:\n      - {id: wifi, kind: wifi, exposure: hospital-network}\n"), want{"device": na}},
	})
}
