package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on availability and essential performance under attack: a flood
// of requests must neither drain an implant's battery nor stop therapy,
// and a monitor must tell its user when its link is gone (MDCG 2019-16
// Annex II examples 4, 9 and 12; IEC TR 60601-4-5 resource availability).

var wakeUpLimit = register(catalog.Rule{
	ID:       "availability/battery-wake-up-limit",
	Title:    "A battery-powered implant or wearable limits the wake-ups and sessions a peer can cause",
	Severity: catalog.High,
	Refs:     []string{"IEC60601-4-5.FR7", "MDR.AI.18.8", "MDCG1916.2.4"},
	Rationale: "MDCG 2019-16 Annex II example 4: a flood of requests to a pacemaker drains its battery, a harm to the patient that needs " +
		"surgery to replace the device. Each wake-up of the radio and each session attempt costs energy before the peer is authenticated, " +
		"so only a limit on both bounds what an attacker in range can drain. MDR Annex I 18.8 asks that active devices be protected " +
		"against unauthorised access that could stop them working as intended.",
	Remediation: "Limit wake-ups and session attempts per hour on every wireless interface of the battery-powered component (back off after " +
		"failures, require a proximity or magnet trigger to open a session), and state the limits in rateLimit.",
	AppliesTo: func(in *catalog.Input) bool {
		for _, f := range interfaces(in.Device) {
			if onBattery(f.c) && f.in.Kind.Wireless() {
				return true
			}
		}
		return false
	},
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !onBattery(f.c) || !f.in.Kind.Wireless() {
				continue
			}
			rl := f.in.RateLimit
			if rl == nil || rl.Limited == nil {
				out = append(out, unknown(f.subject(), f.path+".rateLimit.limited"))
				continue
			}
			id := in.Cite(f.path+".rateLimit.limited", fmt.Sprint(*rl.Limited))
			if !*rl.Limited {
				out = append(out, fail(f.subject(), fmt.Sprintf("a %s-powered %s answers every wake-up and session attempt: a peer in range can drain its battery", f.c.Power, f.c.Kind), id))
				continue
			}
			detail := "wake-ups and sessions are rate-limited"
			ev := []evidenceID{id}
			if rl.WakeUpsPerHour != nil {
				detail += fmt.Sprintf(", at most %d wake-ups an hour", *rl.WakeUpsPerHour)
				ev = append(ev, in.Cite(f.path+".rateLimit.wakeUpsPerHour", fmt.Sprint(*rl.WakeUpsPerHour)))
			}
			if rl.SessionsPerHour != nil {
				detail += fmt.Sprintf(", at most %d sessions an hour", *rl.SessionsPerHour)
				ev = append(ev, in.Cite(f.path+".rateLimit.sessionsPerHour", fmt.Sprint(*rl.SessionsPerHour)))
			}
			out = append(out, pass(f.subject(), detail, ev...))
		}
		return out
	},
})

// onBattery is a component on a primary battery: an implant, or one
// whose power is stated as battery.
func onBattery(c *model.Component) bool {
	return c.Power == "battery" || c.Power == "" && (c.Kind == "implant" || activeImplant(c))
}

var linkLossAlarm = register(catalog.Rule{
	ID:       "availability/link-loss-alarm",
	Title:    "A monitor tells its user when its communication link is lost",
	Severity: catalog.High,
	Refs:     []string{"IEC60601-4-5.FR7", "IEC60601-4-5.FR6", "MDCG1916.2.4"},
	Rationale: "A monitor that silently loses its link, to a denial-of-service attack or a fault, looks as if all is well: MDCG 2019-16 " +
		"Annex II example 12 has a monitoring system whose alarms were manipulated, and example 10 an eavesdropped monitor link. " +
		"MDR Annex I 17.1 asks for electronic programmable systems to perform reliably, with the means to reduce the risks of a fault. " +
		"Losing the link must raise an alarm, or take the component to a safe state that does.",
	Remediation: "Detect the loss of the monitoring link (heartbeat, missed reports) and alarm the user within a stated time, or enter a " +
		"safe state that alarms; state it in monitoring.onLinkLoss and alarmSeconds.",
	AppliesTo: func(in *catalog.Input) bool {
		for _, c := range deviceComponents(in.Device) {
			if c.c.Monitoring != nil && c.c.Monitoring.OverLink != nil && *c.c.Monitoring.OverLink {
				return true
			}
		}
		return false
	},
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			m := c.c.Monitoring
			if m == nil || m.OverLink == nil || !*m.OverLink {
				continue
			}
			path := c.path + ".monitoring"
			over := in.Cite(path+".overLink", "true")
			switch m.OnLinkLoss {
			case "":
				out = append(out, unknown(c.c.ID, path+".onLinkLoss"))
			case "none":
				out = append(out, fail(c.c.ID, "monitors over a link and does nothing when it is lost: a flood or jamming silences it unnoticed", over, in.Cite(path+".onLinkLoss", "none")))
			default:
				detail := "a lost link raises an alarm"
				if m.OnLinkLoss == "safe-state" {
					detail = "a lost link takes it to a safe state that alarms"
				}
				ev := []evidenceID{over, in.Cite(path+".onLinkLoss", string(m.OnLinkLoss))}
				if m.AlarmSeconds != nil {
					detail += fmt.Sprintf(" within %d s", *m.AlarmSeconds)
					ev = append(ev, in.Cite(path+".alarmSeconds", fmt.Sprint(*m.AlarmSeconds)))
				}
				out = append(out, pass(c.c.ID, detail, ev...))
			}
		}
		return out
	},
})

var failSafeOnAttack = register(catalog.Rule{
	ID:       "availability/fail-safe-under-attack",
	Title:    "Every remotely reachable interface of a therapy or monitoring component fails safe when flooded",
	Severity: catalog.High,
	Refs:     []string{"IEC60601-4-5.FR7", "MDR.AI.18.8", "MDCG1916.3.2"},
	Rationale: "MDCG 2019-16 Annex II example 9: a flood of malformed requests crashes a neonatal warmer. An interface anyone on the " +
		"network or in radio range can reach will be flooded sooner or later; the device's essential performance (therapy, alarms) must " +
		"go on while the interface degrades, or the device must reach a safe state. Behaviour nobody has defined is the failure mode " +
		"MDCG 2019-16 §3.2 asks security risk management to find.",
	Remediation: "Test each interface with floods and malformed input (robustness testing, IEC 81001-5-1 clause 5.7) and design it so " +
		"that therapy and alarms continue, or the component reaches a safe state; state the behaviour in onAttack.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !therapyOrMonitoring(f.c) || !(f.in.Kind.Network() || f.in.Kind.Wireless()) {
				continue
			}
			switch f.in.OnAttack {
			case "":
				out = append(out, unknown(f.subject(), f.path+".onAttack"))
			case "undefined":
				out = append(out, fail(f.subject(), "what happens to therapy and alarms when this interface is flooded is not defined", in.Cite(f.path+".onAttack", "undefined")))
			case "safe-state":
				out = append(out, pass(f.subject(), "a flood takes the component to a safe state", in.Cite(f.path+".onAttack", "safe-state")))
			default:
				out = append(out, pass(f.subject(), "essential performance continues while the interface degrades", in.Cite(f.path+".onAttack", string(f.in.OnAttack))))
			}
		}
		return out
	},
})

// therapyOrMonitoring is a component whose failure stops therapy or
// monitoring: a critical one, or one of the kinds that deliver therapy or
// watch a patient.
func therapyOrMonitoring(c *model.Component) bool {
	if critical(c) {
		return true
	}
	switch c.Kind {
	case "implant", "infusion-pump", "insulin-pump", "ventilator", "life-support", "bedside-monitor", "patient-monitor", "central-station", "home-monitor", "wearable":
		return true
	}
	return false
}
