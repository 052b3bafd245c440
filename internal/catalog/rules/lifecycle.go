package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on the support lifecycle: platform and device end of support,
// vulnerability disclosure, patch times, post-market surveillance
// (MDCG 2019-16 §2.4, §3.8 and §5; IEC 81001-5-1 clauses 6 and 9).

const day = 24 * time.Hour

var platformSupported = register(catalog.Rule{
	ID:          "lifecycle/platform-supported",
	Title:       "Every platform is still supported by its vendor",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.8", "MDR.AI.14.2d", "NIS2.21.e", "MDCG1916.2.5.HDO"},
	Rationale:   "An operating system past its vendor's end of support gets no more security fixes; MDCG 2019-16 §3.8 expects third-party components to stay supported for the device's life.",
	Remediation: "Move the component to a supported platform release, or secure an extended-support agreement and state its end date.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			p := c.c.Platform
			if p == nil || p.OS == "" {
				continue
			}
			path := c.path + ".platform.endOfSupport"
			eos, ok := p.EndOfSupport.Time()
			if !ok {
				out = append(out, unknown(c.c.ID, path))
				continue
			}
			id := in.Cite(path, string(p.EndOfSupport))
			var r catalog.Result
			if in.Now.Before(eos.Add(day)) {
				r = pass(c.c.ID, fmt.Sprintf("%s %s supported until %s", p.OS, p.Version, p.EndOfSupport), id)
			} else {
				r = fail(c.c.ID, fmt.Sprintf("%s %s out of vendor support since %s", p.OS, p.Version, p.EndOfSupport), id)
			}
			if patientOperated(c.c) {
				// The operator of a home monitor is the patient, not a
				// healthcare provider keeping its environment patched
				// (MDCG 2019-16 §2.5).
				r.NotFor = []string{"MDCG1916.2.5.HDO"}
			}
			out = append(out, r)
		}
		return out
	},
})

var platformCoversDevice = register(catalog.Rule{
	ID:          "lifecycle/platform-outlasts-device-support",
	Title:       "Platforms stay supported as long as the device is",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.8", "MDR.AI.14.2d"},
	Rationale:   "A device supported until 2035 on an operating system supported until 2027 will spend years on an unpatched platform.",
	Remediation: "Plan a platform migration before the platform's end of support, or bring the device's end of support forward, and state both dates.",
	Check: func(in *catalog.Input) []catalog.Result {
		var devEOS time.Time
		devOK := false
		if l := in.Device.Lifecycle; l != nil {
			devEOS, devOK = l.EndOfSupport.Time()
		}
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			p := c.c.Platform
			if p == nil || p.OS == "" {
				continue
			}
			pEOS, pOK := p.EndOfSupport.Time()
			switch {
			case !devOK:
				out = append(out, unknown(c.c.ID, "lifecycle.endOfSupport"))
			case !pOK:
				out = append(out, unknown(c.c.ID, c.path+".platform.endOfSupport"))
			case !pEOS.Before(devEOS):
				out = append(out, pass(c.c.ID, fmt.Sprintf("platform supported until %s, device until %s", p.EndOfSupport, in.Device.Lifecycle.EndOfSupport),
					in.Cite(c.path+".platform.endOfSupport", string(p.EndOfSupport)), in.Cite("lifecycle.endOfSupport", string(in.Device.Lifecycle.EndOfSupport))))
			default:
				out = append(out, fail(c.c.ID, fmt.Sprintf("platform support ends %s, before the device's %s", p.EndOfSupport, in.Device.Lifecycle.EndOfSupport),
					in.Cite(c.path+".platform.endOfSupport", string(p.EndOfSupport)), in.Cite("lifecycle.endOfSupport", string(in.Device.Lifecycle.EndOfSupport))))
			}
		}
		return out
	},
})

var endOfSupport = register(catalog.Rule{
	ID:          "lifecycle/end-of-support",
	Title:       "An end-of-support date is declared and not yet reached",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.8", "MDCG1916.3.1.SBD-7", "IEC81001.6"},
	Rationale:   "MDCG 2019-16 §3.8 ties security maintenance to the device's support lifetime; hospitals must know until when security fixes will come to plan replacement, and a device past that date gets none.",
	Remediation: "Declare lifecycle.endOfSupport and publish it to customers; plan a successor before it passes.",
	Check: func(in *catalog.Input) []catalog.Result {
		l := in.Device.Lifecycle
		if l == nil {
			return []catalog.Result{unknown("device", "lifecycle.endOfSupport")}
		}
		eos, ok := l.EndOfSupport.Time()
		if !ok {
			return []catalog.Result{unknown("device", "lifecycle.endOfSupport")}
		}
		id := in.Cite("lifecycle.endOfSupport", string(l.EndOfSupport))
		if in.Now.Before(eos.Add(day)) {
			return []catalog.Result{pass("device", "security support until "+string(l.EndOfSupport), id)}
		}
		return []catalog.Result{fail("device", "security support ended "+string(l.EndOfSupport), id)}
	},
})

var supportCoversLife = register(catalog.Rule{
	ID:          "lifecycle/support-covers-service-life",
	Title:       "Security support lasts at least the expected service life",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.8", "IEC81001.6"},
	Rationale:   "A device sold today is used for its whole service life; support that ends sooner leaves units in use without fixes. Measured from the assessment date, as for a device placed on the market now.",
	Remediation: "Extend lifecycle.endOfSupport to cover the expected service life of units placed on the market now, or shorten the declared service life.",
	Check: func(in *catalog.Input) []catalog.Result {
		l := in.Device.Lifecycle
		switch {
		case l == nil || l.ExpectedServiceLifeYears == nil:
			return []catalog.Result{unknown("device", "lifecycle.expectedServiceLifeYears")}
		}
		eos, ok := l.EndOfSupport.Time()
		if !ok {
			return []catalog.Result{unknown("device", "lifecycle.endOfSupport")}
		}
		years := *l.ExpectedServiceLifeYears
		needed := in.Now.AddDate(years, 0, 0)
		ev := []evidenceID{in.Cite("lifecycle.endOfSupport", string(l.EndOfSupport)), in.Cite("lifecycle.expectedServiceLifeYears", fmt.Sprint(years))}
		if !eos.Before(needed.Truncate(day)) {
			return []catalog.Result{pass("device", fmt.Sprintf("support until %s covers %d years from %s", l.EndOfSupport, years, in.Now.Format(time.DateOnly)), ev...)}
		}
		return []catalog.Result{fail("device", fmt.Sprintf("support ends %s, before %d years of service from %s", l.EndOfSupport, years, in.Now.Format(time.DateOnly)), ev...)}
	},
})

var disclosure = register(catalog.Rule{
	ID:          "lifecycle/vulnerability-disclosure",
	Title:       "A coordinated vulnerability disclosure policy is published",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.1.SBD-6", "MDCG1916.2.4", "IEC81001.4", "IEC81001.9", "NIS2.21.e"},
	Rationale:   "Researchers and hospitals who find a flaw need a way to report it; MDCG 2019-16 §5 expects vulnerability information sharing, and FD&C Act 524B asks for coordinated disclosure.",
	Remediation: "Publish a disclosure policy with a reporting contact (security.txt, a PSIRT page) and state its URL.",
	Check: func(in *catalog.Input) []catalog.Result {
		var d *bool
		if l := in.Device.Lifecycle; l != nil && l.VulnerabilityDisclosure != nil {
			d = l.VulnerabilityDisclosure.Published
		}
		r := boolCheck(in, "device", "lifecycle.vulnerabilityDisclosure.published", d,
			"a disclosure policy is published", "no published vulnerability disclosure policy")
		if r.Status == catalog.Pass {
			v := in.Device.Lifecycle.VulnerabilityDisclosure
			if v.URL == "" && v.Contact == "" {
				return []catalog.Result{unknown("device", "lifecycle.vulnerabilityDisclosure.url or .contact")}
			}
		}
		return []catalog.Result{r}
	},
})

// maxPatchCadence and maxCriticalFix are mdcheck's thresholds: a regular
// security release at least twice a year, and a fix for a critical
// vulnerability within a month (FD&C Act 524B(b)(2) asks for
// out-of-cycle fixes "as soon as possible").
const (
	maxPatchCadence = 180
	maxCriticalFix  = 30
)

func daysCheck(in *catalog.Input, path string, v *int, limit int, what string) []catalog.Result {
	if v == nil {
		return []catalog.Result{unknown("device", path)}
	}
	id := in.Cite(path, fmt.Sprint(*v))
	if *v > 0 && *v <= limit {
		return []catalog.Result{pass("device", fmt.Sprintf("%s within %d days", what, *v), id)}
	}
	return []catalog.Result{fail("device", fmt.Sprintf("%s in %d days; at most %d expected", what, *v, limit), id)}
}

var patchCadence = register(catalog.Rule{
	ID:          "lifecycle/patch-cadence",
	Title:       "Security updates ship on a regular cadence",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.1.SBD-7", "IEC81001.6", "MDCG1916.3.8"},
	Rationale:   "Third-party components gain known vulnerabilities every month; without a release rhythm, fixes wait for the next feature release.",
	Remediation: "Commit to a regular security release at least every 180 days and state lifecycle.patchCadenceDays.",
	Check: func(in *catalog.Input) []catalog.Result {
		var v *int
		if l := in.Device.Lifecycle; l != nil {
			v = l.PatchCadenceDays
		}
		return daysCheck(in, "lifecycle.patchCadenceDays", v, maxPatchCadence, "regular security releases")
	},
})

var criticalFix = register(catalog.Rule{
	ID:          "lifecycle/critical-fix-time",
	Title:       "Critical vulnerabilities are fixed out of cycle, fast",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.1.SBD-7", "IEC81001.9", "MDCG1916.2.4"},
	Rationale:   "An exploited critical vulnerability in a therapy device cannot wait for the regular release (MDCG 2019-16 §2.4: patching outside a field safety corrective action).",
	Remediation: "Set a target of at most 30 days to ship a fix or mitigation for a critical vulnerability and state lifecycle.criticalPatchDays.",
	Check: func(in *catalog.Input) []catalog.Result {
		var v *int
		if l := in.Device.Lifecycle; l != nil {
			v = l.CriticalPatchDays
		}
		return daysCheck(in, "lifecycle.criticalPatchDays", v, maxCriticalFix, "critical fixes")
	},
})

var pmsCyber = register(catalog.Rule{
	ID:          "lifecycle/pms-covers-cybersecurity",
	Title:       "Post-market surveillance covers cybersecurity",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.5.1", "MDCG1916.2.4", "MDCG1916.3.8"},
	Rationale:   "MDCG 2019-16 §5.1: the PMS system must watch incidents, vulnerabilities in the device and its third-party software, and the threat landscape.",
	Remediation: "Add vulnerability monitoring of the SBOM, advisory feeds and incident intake to the PMS plan and state lifecycle.pmsCoversCybersecurity: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		var b *bool
		if l := in.Device.Lifecycle; l != nil {
			b = l.PMSCoversCybersecurity
		}
		return []catalog.Result{boolCheck(in, "device", "lifecycle.pmsCoversCybersecurity", b, "the PMS plan covers cybersecurity", "the PMS plan does not cover cybersecurity")}
	},
})

var vigilanceReady = register(catalog.Rule{
	ID:       "lifecycle/vigilance-ready",
	Title:    "Serious incidents can be reported and field safety notices reach operators, cybersecurity incidents included",
	Severity: catalog.High,
	Refs:     []string{"MDR.ART.87", "MDR.ART.89"},
	Rationale: "MDR Article 87 gives 15 days to report a serious incident (10 for a death or an unanticipated serious deterioration, 2 for a serious " +
		"public health threat) and has field safety corrective actions reported before they are taken; Article 89 has field safety notices reach " +
		"the users. MDCG 2019-16 §5.2 treats a cyberattack that harmed or could harm a patient as such an incident, coded with the IMDRF terms " +
		"for computer system security problems and software security vulnerabilities.",
	Remediation: "Declare lifecycle.vigilance: the vigilance contact, the channel field safety notices take to operators, and coversCybersecurity: true " +
		"once the vigilance procedure handles cybersecurity incidents as potential serious incidents.",
	Check: func(in *catalog.Input) []catalog.Result {
		var v *model.Vigilance
		if l := in.Device.Lifecycle; l != nil {
			v = l.Vigilance
		}
		if v == nil {
			return []catalog.Result{unknown("device", "lifecycle.vigilance")}
		}
		var missing []string
		var ev []evidence.ID
		if strings.TrimSpace(v.Contact) == "" {
			missing = append(missing, "no vigilance contact")
		} else {
			ev = append(ev, in.Cite("lifecycle.vigilance.contact", v.Contact))
		}
		if strings.TrimSpace(v.FieldSafetyNoticeChannel) == "" {
			missing = append(missing, "no channel for field safety notices to operators")
		} else {
			ev = append(ev, in.Cite("lifecycle.vigilance.fieldSafetyNoticeChannel", v.FieldSafetyNoticeChannel))
		}
		switch {
		case v.CoversCybersecurity == nil:
			if len(missing) == 0 {
				return []catalog.Result{unknown("device", "lifecycle.vigilance.coversCybersecurity")}
			}
		case !*v.CoversCybersecurity:
			missing = append(missing, "the vigilance procedure does not handle cybersecurity incidents")
			ev = append(ev, in.Cite("lifecycle.vigilance.coversCybersecurity", "false"))
		default:
			ev = append(ev, in.Cite("lifecycle.vigilance.coversCybersecurity", "true"))
			// Codes, where the procedure names them, must include the
			// security terms: coded otherwise, a cyberattack disappears
			// among software faults in trend analysis.
			if len(v.IMDRFCodes) > 0 {
				ev = append(ev, in.Cite("lifecycle.vigilance.imdrfCodes", strings.Join(v.IMDRFCodes, ", ")))
				if !slices.ContainsFunc(v.IMDRFCodes, securityCode) {
					missing = append(missing, "the IMDRF codes named ("+strings.Join(v.IMDRFCodes, ", ")+") include none of the security terms A1105, A110501, A110502 or C1007")
				}
			}
		}
		if len(missing) > 0 {
			if len(ev) == 0 {
				ev = append(ev, in.Cite("lifecycle.vigilance", "declared"))
			}
			return []catalog.Result{fail("device", strings.Join(missing, "; "), ev...)}
		}
		return []catalog.Result{pass("device", "vigilance contact, field safety notice channel and cybersecurity incidents declared", ev...)}
	},
})

// securityCode is an IMDRF term for a cybersecurity event: Annex A
// A1105 (computer system security problem) and its children, Annex C
// C1007 (software security vulnerability).
func securityCode(c string) bool {
	return strings.HasPrefix(c, "A1105") || c == "C1007"
}

var advisoriesMachineReadable = register(catalog.Rule{
	ID:       "lifecycle/advisories-machine-readable",
	Title:    "Security advisories are published in a machine-readable form (CSAF)",
	Severity: catalog.Medium,
	Refs:     []string{"IEC81001.9", "NIS2.21.e"},
	Rationale: "Hospitals match advisories against inventories of thousands of devices; an advisory in CSAF 2.0 (the form CISA's medical advisories " +
		"take) can be matched by tools, a PDF or web page only by hand. IEC 81001-5-1 clause 9 has vulnerabilities handled through to the " +
		"information users need, and MDCG 2019-16 §5 expects vulnerability information shared and disseminated.",
	Remediation: "Publish security advisories as CSAF 2.0 documents (a provider-metadata.json with a distribution), state " +
		"lifecycle.vulnerabilityDisclosure.advisories: csaf, and point securityTxt at the security.txt (RFC 9116) naming them.",
	Check: func(in *catalog.Input) []catalog.Result {
		var d *model.Disclosure
		if l := in.Device.Lifecycle; l != nil {
			d = l.VulnerabilityDisclosure
		}
		const path = "lifecycle.vulnerabilityDisclosure.advisories"
		if d == nil || d.Advisories == "" {
			return []catalog.Result{unknown("device", path)}
		}
		ev := []evidence.ID{in.Cite(path, string(d.Advisories))}
		if d.SecurityTxt != "" {
			ev = append(ev, in.Cite("lifecycle.vulnerabilityDisclosure.securityTxt", d.SecurityTxt))
		}
		switch d.Advisories {
		case "csaf":
			return []catalog.Result{pass("device", "advisories are published as CSAF", ev...)}
		case "none":
			return []catalog.Result{fail("device", "no security advisories are published", ev...)}
		}
		return []catalog.Result{fail("device", "advisories are published, but not in a machine-readable form", ev...)}
	},
})

var vigilanceDeadlines = register(catalog.Rule{
	ID:       "lifecycle/vigilance-deadlines",
	Title:    "The vigilance procedure reports serious incidents within the MDR's limits",
	Severity: catalog.High,
	Refs:     []string{"MDR.ART.87"},
	Rationale: "MDR Article 87 bounds how long after becoming aware of a serious incident the manufacturer may take to report it: 15 days " +
		"(Art. 87(3)), 10 days for a death or an unanticipated serious deterioration in a person's state of health (Art. 87(5)), and 2 days " +
		"for a serious public health threat (Art. 87(4)). A cyberattack on a fleet of connected devices can be any of these (MDCG 2019-16 §5.2). " +
		"A procedure whose own limits exceed them reports too late by design.",
	Remediation: "Set the vigilance procedure's reporting limits to at most 15, 10 and 2 days and state them in lifecycle.vigilance.reportingDays.",
	Check: func(in *catalog.Input) []catalog.Result {
		var rd *model.ReportingDays
		if l := in.Device.Lifecycle; l != nil && l.Vigilance != nil {
			rd = l.Vigilance.ReportingDays
		}
		const path = "lifecycle.vigilance.reportingDays"
		if rd == nil {
			return []catalog.Result{unknown("device", path)}
		}
		limits := []struct {
			name, key string
			days      *int
			max       int
		}{
			{"a serious incident", "seriousIncident", rd.SeriousIncident, 15},
			{"a death or unanticipated serious deterioration", "deathOrDeterioration", rd.DeathOrDeterioration, 10},
			{"a serious public health threat", "publicHealthThreat", rd.PublicHealthThreat, 2},
		}
		var late, ok, unstated []string
		var ev []evidence.ID
		for _, l := range limits {
			if l.days == nil {
				unstated = append(unstated, path+"."+l.key)
				continue
			}
			ev = append(ev, in.Cite(path+"."+l.key, fmt.Sprint(*l.days)))
			if *l.days > l.max {
				late = append(late, fmt.Sprintf("%s within %d days, the MDR allows at most %d", l.name, *l.days, l.max))
			} else {
				ok = append(ok, fmt.Sprintf("%s within %d days", l.name, *l.days))
			}
		}
		switch {
		case len(late) > 0:
			return []catalog.Result{fail("device", "reports "+strings.Join(late, "; "), ev...)}
		case len(unstated) > 0:
			return []catalog.Result{unknown("device", unstated...)}
		}
		return []catalog.Result{pass("device", "reports "+strings.Join(ok, ", "), ev...)}
	},
})

var vulnerabilityIntake = register(catalog.Rule{
	ID:       "lifecycle/vulnerability-intake",
	Title:    "Vulnerability reports are received and handled by a documented process with stated response times",
	Severity: catalog.Medium,
	Refs:     []string{"IEC81001.9", "MDCG1916.5.1"},
	Rationale: "IEC 81001-5-1 clause 9 has the manufacturer receive reports of vulnerabilities from any source, track them, and assess each " +
		"for exploitability and patient-safety impact; a published contact (MDCG 2019-16 §5.1) is only the door. Stated times to " +
		"acknowledge and to triage tell researchers and hospitals what to expect, and make the process auditable.",
	Remediation: "Document the intake process and state lifecycle.vulnerabilityDisclosure.intake: documented, acknowledgeDays and triageDays.",
	Check: func(in *catalog.Input) []catalog.Result {
		var it *model.Intake
		if l := in.Device.Lifecycle; l != nil && l.VulnerabilityDisclosure != nil {
			it = l.VulnerabilityDisclosure.Intake
		}
		const path = "lifecycle.vulnerabilityDisclosure.intake"
		switch {
		case it == nil || it.Documented == nil:
			return []catalog.Result{unknown("device", path+".documented")}
		case !*it.Documented:
			return []catalog.Result{fail("device", "no documented process receives and triages vulnerability reports", in.Cite(path+".documented", "false"))}
		case it.AcknowledgeDays == nil || it.TriageDays == nil:
			return []catalog.Result{unknown("device", path+".acknowledgeDays", path+".triageDays")}
		case *it.AcknowledgeDays > *it.TriageDays:
			return []catalog.Result{fail("device", fmt.Sprintf("reports are to be triaged within %d days but only acknowledged within %d", *it.TriageDays, *it.AcknowledgeDays),
				in.Cite(path+".acknowledgeDays", fmt.Sprint(*it.AcknowledgeDays)), in.Cite(path+".triageDays", fmt.Sprint(*it.TriageDays)))}
		}
		return []catalog.Result{pass("device", fmt.Sprintf("documented intake: reports acknowledged within %d days, triaged within %d", *it.AcknowledgeDays, *it.TriageDays),
			in.Cite(path+".documented", "true"), in.Cite(path+".acknowledgeDays", fmt.Sprint(*it.AcknowledgeDays)), in.Cite(path+".triageDays", fmt.Sprint(*it.TriageDays)))}
	},
})
