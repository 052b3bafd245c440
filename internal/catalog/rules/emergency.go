package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Emergency access (MDCG 2019-16 §2.2): an implanted cardiac device must be
// reachable without restriction by clinicians in an emergency, yet strongly
// protected in normal operation. The rules in emergency_*.go check both
// failure modes: too restrictive (no path, or one that needs credentials a
// clinician in an emergency will not have) and too weak (unrestricted, at
// range, unlogged, unending).

// emergencyTargets returns the components an emergency path matters for:
// those delivering critical therapy, and those that can change the therapy
// of such a component (programmers).
func emergencyTargets(d *model.Device) []comp {
	crit := map[string]bool{}
	for _, c := range deviceComponents(d) {
		if critical(c.c) {
			crit[c.c.ID] = true
		}
	}
	var out []comp
	for _, c := range deviceComponents(d) {
		if crit[c.c.ID] {
			out = append(out, c)
			continue
		}
		f := facts(c.c)
		for _, id := range append(append([]string{}, f.Controls...), f.AccessoryOf...) {
			if crit[id] && changesTherapy(c) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

func changesTherapy(c comp) bool {
	for _, it := range c.c.Interfaces {
		if isTrue(it.ChangesTherapy) {
			return true
		}
	}
	return false
}

// emergencyCheck runs check on the emergency access of each target that
// has one; targets without a declared path are unknown (path-exists
// reports them), those that declare none are not applicable.
func emergencyCheck(in *catalog.Input, check func(c comp, ea *model.EmergencyAccess, base string) catalog.Result) []catalog.Result {
	var out []catalog.Result
	for _, c := range emergencyTargets(in.Device) {
		base := c.path + ".accessControl.emergencyAccess"
		var ea *model.EmergencyAccess
		if c.c.AccessControl != nil {
			ea = c.c.AccessControl.EmergencyAccess
		}
		switch {
		case ea == nil || ea.Supported == nil:
			out = append(out, unknown(c.c.ID, base+".supported"))
		case !*ea.Supported:
			out = append(out, notApplicable(c.c.ID, "no emergency access path is declared (see emergency/path-exists)"))
		default:
			out = append(out, check(c, ea, base))
		}
	}
	return out
}

var emergencyPath = register(catalog.Rule{
	ID:          "emergency/path-exists",
	Title:       "Clinicians have an emergency access path to life-critical therapy",
	Severity:    catalog.Critical,
	Refs:        []string{"MDCG1916.2.2.EMRG", "MDCG1916.3.3.EMRG"},
	Rationale:   "MDCG 2019-16 §2.2: security that blocks clinical use is itself a safety risk. A clinician treating an emergency must reach the device without the patient's own credentials.",
	Remediation: "Provide a bounded emergency path (for example universal programmer access by contact-range telemetry, or a break-glass login) and declare it under accessControl.emergencyAccess.",
	AppliesTo:   criticalDevice,
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range emergencyTargets(in.Device) {
			base := c.path + ".accessControl.emergencyAccess.supported"
			var s *bool
			if c.c.AccessControl != nil && c.c.AccessControl.EmergencyAccess != nil {
				s = c.c.AccessControl.EmergencyAccess.Supported
			}
			out = append(out, boolCheck(in, c.c.ID, base, s, "an emergency access path exists",
				"too restrictive: no emergency access path for clinicians"))
		}
		return out
	},
})

var emergencyNoCredentials = register(catalog.Rule{
	ID:          "emergency/no-prior-credentials",
	Title:       "Emergency access does not need credentials issued in advance",
	Severity:    catalog.Critical,
	Refs:        []string{"MDCG1916.2.2.EMRG", "MDCG1916.3.3.EMRG"},
	Rationale:   "The clinician in an emergency department is rarely the one who holds the patient's device credentials; an emergency path that needs them is too restrictive (MDCG 2019-16 §2.2).",
	Remediation: "Let emergency access rest on physical proximity or a break-glass procedure that any qualified clinician can use, not on credentials issued beforehand.",
	AppliesTo:   criticalDevice,
	Check: func(in *catalog.Input) []catalog.Result {
		return emergencyCheck(in, func(c comp, ea *model.EmergencyAccess, base string) catalog.Result {
			return boolCheckNot(in, c.c.ID, base+".requiresCredentials", ea.RequiresCredentials,
				"emergency access needs no credentials issued in advance",
				"too restrictive: emergency access needs credentials a clinician in an emergency may not have")
		})
	},
})

// maxEmergencyRange is the reach, in metres, beyond which an emergency path
// no longer counts as bounded by proximity.
const maxEmergencyRange = 1.0

var emergencyProximity = register(catalog.Rule{
	ID:          "emergency/proximity-bound",
	Title:       "Emergency access works only close to the patient",
	Severity:    catalog.Critical,
	Refs:        []string{"MDCG1916.2.2.EMRG", "MDCG1916.3.3.EMRG"},
	Rationale:   "An emergency path without credentials is safe only if reaching it needs the attacker to be at the patient's side; at range it becomes unrestricted access in normal operation (too weak, MDCG 2019-16 §2.2 and Annex II example 2).",
	Remediation: "Bind emergency access to physical proximity (contact-range telemetry, a magnet or a local button) and declare maxRangeMeters.",
	AppliesTo:   criticalDevice,
	Check: func(in *catalog.Input) []catalog.Result {
		return emergencyCheck(in, func(c comp, ea *model.EmergencyAccess, base string) catalog.Result {
			if ea.RequiresProximity == nil {
				return unknown(c.c.ID, base+".requiresProximity")
			}
			p := in.Cite(base+".requiresProximity", fmt.Sprint(*ea.RequiresProximity))
			switch {
			case !*ea.RequiresProximity:
				return fail(c.c.ID, "too weak: emergency access works without physical proximity", p)
			case ea.MaxRangeMeters == nil:
				return pass(c.c.ID, "emergency access needs physical proximity (range not stated)", p)
			case *ea.MaxRangeMeters > maxEmergencyRange:
				return fail(c.c.ID, fmt.Sprintf("too weak: emergency access reaches %.1f m, beyond arm's length", *ea.MaxRangeMeters), p, in.Cite(base+".maxRangeMeters", fmt.Sprint(*ea.MaxRangeMeters)))
			default:
				return pass(c.c.ID, fmt.Sprintf("emergency access needs proximity (%.2f m)", *ea.MaxRangeMeters), p, in.Cite(base+".maxRangeMeters", fmt.Sprint(*ea.MaxRangeMeters)))
			}
		})
	},
})

var emergencyLogged = register(catalog.Rule{
	ID:          "emergency/logged",
	Title:       "Every emergency access session is logged",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.EMRG", "MDCG1916.3.3.AUDT", "IEC60601-4-5.FR6"},
	Rationale:   "Unlogged emergency access cannot be told apart from abuse of it; the log is what makes a credential-free path acceptable.",
	Remediation: "Record each emergency session (time, programmer or user, changes made) in a log the manufacturer and clinic can review.",
	AppliesTo:   criticalDevice,
	Check: func(in *catalog.Input) []catalog.Result {
		return emergencyCheck(in, func(c comp, ea *model.EmergencyAccess, base string) catalog.Result {
			return boolCheck(in, c.c.ID, base+".logged", ea.Logged, "emergency sessions are logged", "emergency sessions leave no log")
		})
	},
})

var emergencyTimeLimit = register(catalog.Rule{
	ID:          "emergency/time-limited",
	Title:       "Emergency mode ends by itself",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.EMRG", "MDCG1916.2.2.EMRG"},
	Rationale:   "An emergency mode that stays open turns a bounded exception into a standing weakness.",
	Remediation: "End emergency mode after a set time (emergencyAccess.timeLimitMinutes) unless renewed at the patient's side.",
	AppliesTo:   criticalDevice,
	Check: func(in *catalog.Input) []catalog.Result {
		return emergencyCheck(in, func(c comp, ea *model.EmergencyAccess, base string) catalog.Result {
			if ea.TimeLimitMinutes == nil {
				return unknown(c.c.ID, base+".timeLimitMinutes")
			}
			id := in.Cite(base+".timeLimitMinutes", fmt.Sprint(*ea.TimeLimitMinutes))
			if *ea.TimeLimitMinutes > 0 {
				return pass(c.c.ID, fmt.Sprintf("emergency mode ends after %d minutes", *ea.TimeLimitMinutes), id)
			}
			return fail(c.c.ID, "emergency mode has no time limit", id)
		})
	},
})

var emergencyReturn = register(catalog.Rule{
	ID:          "emergency/returns-to-normal",
	Title:       "The device returns to normal protection after an emergency",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.2.2.EMRG", "MDCG1916.3.3.EMRG"},
	Rationale:   "Strong security must hold in normal operation (MDCG 2019-16 §2.2); a device left in emergency mode is unprotected.",
	Remediation: "Return to normal protection automatically, or require a clinician to end the session within a time limit; never leave the device in emergency mode.",
	AppliesTo:   criticalDevice,
	Check: func(in *catalog.Input) []catalog.Result {
		return emergencyCheck(in, func(c comp, ea *model.EmergencyAccess, base string) catalog.Result {
			path := base + ".returnToNormal"
			switch ea.ReturnToNormal {
			case "":
				return unknown(c.c.ID, path)
			case "automatic":
				return pass(c.c.ID, "returns to normal protection automatically", in.Cite(path, "automatic"))
			case "manual":
				if ea.TimeLimitMinutes != nil && *ea.TimeLimitMinutes > 0 {
					return pass(c.c.ID, "a clinician ends emergency mode, within a time limit", in.Cite(path, "manual"), in.Cite(base+".timeLimitMinutes", fmt.Sprint(*ea.TimeLimitMinutes)))
				}
				return fail(c.c.ID, "emergency mode lasts until someone remembers to end it", in.Cite(path, "manual"))
			default:
				return fail(c.c.ID, "the device never returns to normal protection after emergency access", in.Cite(path, string(ea.ReturnToNormal)))
			}
		})
	},
})

var emergencyLongRange = register(catalog.Rule{
	ID:          "emergency/no-unauthenticated-long-range",
	Title:       "No unauthenticated therapy link reaches beyond arm's length",
	Severity:    catalog.Critical,
	Refs:        []string{"MDCG1916.2.2.EMRG", "MDR.AI.18.8", "MDCG1916.3.3.TXIG"},
	Rationale:   "The too-weak failure of MDCG 2019-16 §2.2: a therapy link without authentication that works at metres of range gives anyone nearby the access meant for emergencies.",
	Remediation: "Authenticate every wireless therapy link that works beyond contact range; keep credential-free access to contact-range telemetry.",
	AppliesTo:   criticalDevice,
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range emergencyTargets(in.Device) {
			for k := range c.c.Interfaces {
				it := &c.c.Interfaces[k]
				if !isWireless(it.Kind) || !isTrue(it.ChangesTherapy) {
					continue
				}
				path := fmt.Sprintf("%s.interfaces[%d]", c.path, k)
				subj := c.c.ID + "/" + it.ID
				if it.Authentication == nil || it.Authentication.Required == nil {
					out = append(out, unknown(subj, path+".authentication.required"))
					continue
				}
				req := in.Cite(path+".authentication.required", fmt.Sprint(*it.Authentication.Required))
				switch {
				case *it.Authentication.Required:
					out = append(out, pass(subj, "the therapy link is authenticated", req))
				case it.RangeMeters == nil:
					out = append(out, unknown(subj, path+".rangeMeters"))
				case *it.RangeMeters <= maxEmergencyRange && it.Exposure == model.ExposureProximity:
					out = append(out, pass(subj, fmt.Sprintf("unauthenticated, but only within %.2f m", *it.RangeMeters), req, in.Cite(path+".rangeMeters", fmt.Sprint(*it.RangeMeters))))
				default:
					out = append(out, fail(subj, fmt.Sprintf("too weak: unauthenticated therapy link with %.1f m range", *it.RangeMeters), req, in.Cite(path+".rangeMeters", fmt.Sprint(*it.RangeMeters))))
				}
			}
		}
		return out
	},
})
