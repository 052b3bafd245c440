package threat

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
)

// rules are the threat rules, each a kind of medical threat.
var rules = []rule{
	{"therapy-command-tampering", "Therapy commands forged or altered", therapyTampering},
	{"configuration-tampering", "Configuration changed by an unauthorised peer", configTampering},
	{"emergency-access-abuse", "Emergency access used to bypass normal protection", emergencyAbuse},
	{"battery-drain", "Battery drained by repeated wake-ups", batteryDrain},
	{"monitoring-denial", "Monitoring link flooded or cut unseen", monitoringDenial},
	{"update-tampering", "Malicious or outdated firmware installed", updateTampering},
	{"pivot-from-internet", "Device used as a stepping stone from the internet", pivot},
	{"health-data-disclosure-in-transit", "Health data read or altered in transit", dataInTransit},
	{"health-data-disclosure-at-rest", "Health data read from storage", dataAtRest},
	{"service-port-abuse", "Service port used to bring in malware or changes", servicePorts},
	{"untraceable-changes", "Therapy or configuration changed without a trace", repudiation},
	{"clinical-message-forgery", "Orders, results or images forged or altered over HL7, DICOM or FHIR", clinicalMessages},
	{"mobile-app-misuse", "Someone holding the phone, or malware on it, acts through the app", mobileApps},
}

// each calls fn for every interface of every device component, with the
// interface's model path.
func each(dev *model.Device, fn func(c *model.Component, p string, itf *model.Interface)) {
	for _, f := range dev.DeviceInterfaces() {
		fn(f.Component.Component, f.Path, f.Interface)
	}
}

// mostExposed is the exposure of a component's most exposed interface
// among those include selects (all when nil); found is false when none is.
// An unstated exposure counts as a local network's, and gives way to a
// stated one only of the same reach or more.
func mostExposed(c *model.Component, include func(*model.Interface) bool) (exp model.Exposure, found bool) {
	for k := range c.Interfaces {
		itf := &c.Interfaces[k]
		if include != nil && !include(itf) {
			continue
		}
		if !found || reach(itf.Exposure) > reach(exp) || reach(itf.Exposure) == reach(exp) && exp == "" {
			exp, found = itf.Exposure, true
		}
	}
	return exp, found
}

// authControls lowers likelihood for authentication and integrity of an
// interface and lists what the model declares.
func authControls(l *likelihood, p string, itf *model.Interface) (mit []string) {
	var req, mutual *bool
	if a := itf.Authentication; a != nil {
		req, mutual = a.Required, a.Mutual
	}
	if l.require(req, p+".authentication.required", "peer authenticated") {
		mit = append(mit, p+".authentication.required: the peer must authenticate")
	}
	if yes(mutual) {
		mit = append(mit, p+".authentication.mutual: both ends authenticate")
	}
	var integrity *bool
	if e := itf.Encryption; e != nil {
		integrity = e.Integrity
	}
	if l.require(integrity, p+".encryption.integrity", "messages integrity-protected") {
		mit = append(mit, p+".encryption.integrity: messages are integrity-protected")
	}
	return mit
}

func therapyTampering(dev *model.Device) []Threat {
	var out []Threat
	each(dev, func(c *model.Component, p string, itf *model.Interface) {
		if !yes(itf.ChangesTherapy) {
			return
		}
		l := newLikelihood(itf.Exposure)
		mit := authControls(l, p, itf)
		out = append(out, Threat{Rule: "therapy-command-tampering", Title: "Therapy commands forged or altered over " + string(itf.Kind),
			STRIDE: []string{"spoofing", "tampering", "elevation-of-privilege"}, Element: c.ID + "/" + itf.ID, Zone: zone(itf.Exposure),
			Assets: assetsOf(dev, c.ID), Consequence: "therapy", Likelihood: l.score, Severity: 5, Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"auth/therapy-interface-authenticated", "net/therapy-command-integrity"}})
	})
	return out
}

func configTampering(dev *model.Device) []Threat {
	var out []Threat
	each(dev, func(c *model.Component, p string, itf *model.Interface) {
		if !yes(itf.ChangesConfig) || yes(itf.ChangesTherapy) {
			return
		}
		l := newLikelihood(itf.Exposure)
		mit := authControls(l, p, itf)
		cons := consequenceOf(c)
		out = append(out, Threat{Rule: "configuration-tampering", Title: "Configuration changed by an unauthorised peer over " + string(itf.Kind),
			STRIDE: []string{"tampering", "elevation-of-privilege"}, Element: c.ID + "/" + itf.ID, Zone: zone(itf.Exposure),
			Assets: assetsOf(dev, c.ID), Consequence: cons, Likelihood: l.score, Severity: severity(cons), Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"auth/config-interface-authenticated"}})
	})
	return out
}

func emergencyAbuse(dev *model.Device) []Threat {
	var out []Threat
	for i := range dev.Components {
		c := &dev.Components[i]
		if c.AccessControl == nil || c.AccessControl.EmergencyAccess == nil || !yes(c.AccessControl.EmergencyAccess.Supported) {
			continue
		}
		e := c.AccessControl.EmergencyAccess
		p := fmt.Sprintf("components[%d].accessControl.emergencyAccess", i)
		exp := model.ExposureProximity
		if e.RequiresProximity != nil && !*e.RequiresProximity {
			exp = model.ExposureHospitalNetwork
		}
		l := newLikelihood(exp)
		var mit []string
		if l.require(e.RequiresProximity, p+".requiresProximity", "needs proximity to the patient") {
			mit = append(mit, p+".requiresProximity")
		}
		if l.require(e.Logged, p+".logged", "each emergency session logged") {
			mit = append(mit, p+".logged")
		}
		var limited *bool
		if e.TimeLimitMinutes != nil {
			b := *e.TimeLimitMinutes > 0
			limited = &b
		}
		if l.expect(limited, p+".timeLimitMinutes", "ends after a time limit") {
			mit = append(mit, fmt.Sprintf("%s.timeLimitMinutes: ends after %d minutes", p, *e.TimeLimitMinutes))
		}
		if l.expect(stated(e.ReturnToNormal, "automatic"), p+".returnToNormal", "returns to normal protection by itself") {
			mit = append(mit, p+".returnToNormal: automatic")
		}
		cons := consequenceOf(c)
		out = append(out, Threat{Rule: "emergency-access-abuse", Title: "Emergency access used to bypass normal protection",
			STRIDE: []string{"spoofing", "elevation-of-privilege"}, Element: c.ID, Zone: zone(exp), Assets: assetsOf(dev, c.ID),
			Consequence: cons, Likelihood: l.score, Severity: severity(cons), Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"emergency/proximity-bound", "emergency/logged", "emergency/time-limited", "emergency/returns-to-normal", "emergency/no-unauthenticated-long-range"}})
	}
	return out
}

func batteryDrain(dev *model.Device) []Threat {
	var out []Threat
	each(dev, func(c *model.Component, p string, itf *model.Interface) {
		if c.Power != "battery" || !itf.Kind.Wireless() {
			return
		}
		l := newLikelihood(itf.Exposure)
		var limited *bool
		if itf.RateLimit != nil {
			t := true
			limited = &t
		}
		var mit []string
		if l.require(limited, p+".rateLimit", "wake-ups rate-limited before authentication") {
			mit = append(mit, p+".rateLimit")
		}
		cons := consequenceOf(c)
		out = append(out, Threat{Rule: "battery-drain", Title: "Repeated wake-ups over " + string(itf.Kind) + " drain a battery that cannot be recharged",
			STRIDE: []string{"denial-of-service"}, Element: c.ID + "/" + itf.ID, Zone: zone(itf.Exposure), Assets: []string{},
			Consequence: cons, Likelihood: l.score, Severity: severity(cons), Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"availability/battery-wake-up-limit"}})
	})
	return out
}

func monitoringDenial(dev *model.Device) []Threat {
	var out []Threat
	for _, ca := range dev.DeviceComponents() {
		c := ca.Component
		if c.Monitoring == nil || !yes(c.Monitoring.OverLink) {
			continue
		}
		exp, _ := mostExposed(c, nil)
		l := newLikelihood(exp)
		var mit []string
		sev := 4
		if l.expect(stated(c.Monitoring.OnLinkLoss, "alarm", "safe-state"), ca.Path+".monitoring.onLinkLoss", "a lost link is signalled") {
			// The link can still be cut, but not unseen.
			mit = append(mit, fmt.Sprintf("%s.monitoring.onLinkLoss: %s", ca.Path, c.Monitoring.OnLinkLoss))
			sev = 2
			l.why = append(l.why, "a lost link is signalled ("+string(c.Monitoring.OnLinkLoss)+"): severity 4 -> 2")
		}
		out = append(out, Threat{Rule: "monitoring-denial", Title: "The monitoring link flooded or cut, so that events go unseen",
			STRIDE: []string{"denial-of-service"}, Element: c.ID, Zone: zone(exp), Assets: assetsOf(dev, c.ID),
			Consequence: "monitoring", Likelihood: l.score, Severity: sev, Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"availability/link-loss-alarm", "availability/fail-safe-under-attack"}})
	}
	return out
}

func updateTampering(dev *model.Device) []Threat {
	var out []Threat
	for _, ca := range dev.DeviceComponents() {
		c := ca.Component
		if c.Security == nil || c.Security.Update == nil || !yes(c.Security.Update.Supported) {
			continue
		}
		u := c.Security.Update
		exp := model.ExposurePhysical
		for _, ch := range u.Channel {
			if ch == "over-the-air" || ch == "network" || ch == "cloud-deployment" || ch == "app-store" {
				exp = model.ExposureInternet
			}
		}
		l := newLikelihood(exp)
		p := ca.Path + ".security"
		var mit []string
		if l.require(u.Signed, p+".update.signed", "updates signed and checked") {
			mit = append(mit, p+".update.signed")
		}
		if l.control(c.Security.SecureBoot, "secure boot") {
			mit = append(mit, p+".secureBoot")
		}
		if l.expect(u.RollbackProtection, p+".update.rollbackProtection", "older firmware refused") {
			mit = append(mit, p+".update.rollbackProtection")
		}
		cons := consequenceOf(c)
		out = append(out, Threat{Rule: "update-tampering", Title: "Malicious or outdated firmware installed through the update path",
			STRIDE: []string{"tampering", "elevation-of-privilege"}, Element: c.ID, Zone: zone(exp), Assets: assetsOf(dev, c.ID),
			Consequence: cons, Likelihood: l.score, Severity: severity(cons), Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"update/signed", "update/authenticated-source", "update/rollback-protection", "boot/secure-boot"}})
	}
	return out
}

// pivot: a component reachable from the internet that talks to another
// device component can carry an attacker from the internet to it.
func pivot(dev *model.Device) []Threat {
	var out []Threat
	byID := map[string]*model.Component{}
	for i := range dev.Components {
		byID[dev.Components[i].ID] = &dev.Components[i]
	}
	each(dev, func(c *model.Component, p string, itf *model.Interface) {
		if itf.Exposure != model.ExposureInternet {
			return
		}
		for _, other := range c.Interfaces {
			for _, to := range other.ConnectsTo {
				target, ok := byID[to]
				if !ok || target.Role == "non-device" || to == c.ID || other.Exposure == model.ExposureInternet {
					continue
				}
				l := newLikelihood(itf.Exposure)
				mit := authControls(l, p, itf)
				cons := consequenceOf(target)
				out = append(out, Threat{Rule: "pivot-from-internet", Title: fmt.Sprintf("%s used as a stepping stone from the internet to %s", c.Name, target.Name),
					STRIDE: []string{"elevation-of-privilege", "tampering"}, Element: c.ID + "/" + itf.ID + "->" + to, Zone: "internet",
					Assets: assetsOf(dev, to), Consequence: cons, Likelihood: l.score, Severity: severity(cons), Why: l.why, Mitigations: mit, Controls: l.controls,
					Rules: []string{"net/internet-exposure-protected", "auth/node-authentication"}})
			}
		}
	})
	return out
}

// dataInTransit: personal data flowing over an interface.
func dataInTransit(dev *model.Device) []Threat {
	var out []Threat
	personal := map[string]bool{}
	for _, a := range dev.DataAssets {
		if a.Kind == "personal-health-data" || a.Kind == "diagnostic-images" {
			personal[a.ID] = true
		}
	}
	for n, fl := range dev.DataFlows {
		var assets []string
		for _, a := range fl.Assets {
			if personal[a] {
				assets = append(assets, a)
			}
		}
		if len(assets) == 0 {
			continue
		}
		carrier := fl.Carrier(dev)
		var itf *model.Interface
		var path string
		for i := range dev.Components {
			if dev.Components[i].ID != carrier {
				continue
			}
			for k := range dev.Components[i].Interfaces {
				if dev.Components[i].Interfaces[k].ID == fl.Interface {
					itf, path = &dev.Components[i].Interfaces[k], fmt.Sprintf("components[%d].interfaces[%d]", i, k)
				}
			}
		}
		if itf == nil {
			continue
		}
		l := newLikelihood(itf.Exposure)
		var enc *bool
		if itf.Encryption != nil {
			enc = itf.Encryption.InTransit
		}
		var mit []string
		if l.require(enc, path+".encryption.inTransit", "encrypted in transit") {
			mit = append(mit, fmt.Sprintf("dataFlows[%d] over %s/%s: encrypted", n, carrier, fl.Interface))
		}
		out = append(out, Threat{Rule: "health-data-disclosure-in-transit", Title: "Health data read or altered on its way from " + fl.From + " to " + fl.To,
			STRIDE: []string{"information-disclosure", "tampering"}, Element: fl.From + "->" + fl.To, Zone: zone(itf.Exposure), Assets: assets,
			Consequence: "privacy", Likelihood: l.score, Severity: 3, Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"net/health-data-encrypted-in-transit", "net/health-data-integrity"}, via: carrier + "/" + fl.Interface})
	}
	return out
}

// dataAtRest: personal data stored on a component someone can take or
// reach.
func dataAtRest(dev *model.Device) []Threat {
	var out []Threat
	for _, ca := range dev.DeviceComponents() {
		c := ca.Component
		var assets []string
		for _, a := range dev.DataAssets {
			if (a.Kind == "personal-health-data" || a.Kind == "diagnostic-images") && slices.Contains(a.StoredOn, c.ID) {
				assets = append(assets, a.ID)
			}
		}
		if len(assets) == 0 {
			continue
		}
		exp := model.ExposurePhysical
		for _, itf := range c.Interfaces {
			if reach(itf.Exposure) > reach(exp) {
				exp = itf.Exposure
			}
		}
		l := newLikelihood(exp)
		var enc *bool
		if c.Security != nil && c.Security.DataAtRest != nil {
			enc = c.Security.DataAtRest.Encrypted
		}
		var mit []string
		if l.require(enc, ca.Path+".security.dataAtRest.encrypted", "stored data encrypted") {
			mit = append(mit, ca.Path+".security.dataAtRest.encrypted")
		}
		out = append(out, Threat{Rule: "health-data-disclosure-at-rest", Title: "Health data read from " + c.Name + "'s storage",
			STRIDE: []string{"information-disclosure"}, Element: c.ID, Zone: zone(exp), Assets: assets,
			Consequence: "privacy", Likelihood: l.score, Severity: 3, Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"data/health-data-encrypted-at-rest"}})
	}
	return out
}

// servicePorts: USB, serial and removable media bring in malware or
// changes by whoever holds the device.
func servicePorts(dev *model.Device) []Threat {
	var out []Threat
	each(dev, func(c *model.Component, p string, itf *model.Interface) {
		if itf.Kind != "usb" && itf.Kind != "serial" && itf.Kind != "removable-media" {
			return
		}
		l := newLikelihood(model.ExposurePhysical)
		var req *bool
		if itf.Authentication != nil {
			req = itf.Authentication.Required
		}
		var mit []string
		if l.require(req, p+".authentication.required", "port authenticated") {
			mit = append(mit, p+".authentication.required")
		}
		if yes(itf.CanBeDisabled) {
			mit = append(mit, p+".canBeDisabled: can be turned off when unused")
		}
		cons := consequenceOf(c)
		out = append(out, Threat{Rule: "service-port-abuse", Title: "Malware or unauthorised changes brought in over the " + string(itf.Kind) + " port",
			STRIDE: []string{"tampering", "elevation-of-privilege"}, Element: c.ID + "/" + itf.ID, Zone: "physical", Assets: assetsOf(dev, c.ID),
			Consequence: cons, Likelihood: l.score, Severity: severity(cons), Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"auth/physical-ports-protected", "net/unused-interfaces-can-be-disabled"}})
	})
	return out
}

// repudiation: therapy or configuration changed with no trace.
func repudiation(dev *model.Device) []Threat {
	var out []Threat
	for _, ca := range dev.DeviceComponents() {
		c := ca.Component
		exp, changes := mostExposed(c, func(itf *model.Interface) bool { return yes(itf.ChangesTherapy) || yes(itf.ChangesConfig) })
		if !changes {
			continue
		}
		l := newLikelihood(exp)
		var logged, tamper *bool
		if c.Security != nil && c.Security.AuditLogging != nil {
			logged, tamper = c.Security.AuditLogging.Enabled, c.Security.AuditLogging.TamperProtected
		}
		// The log does not stop the change, so it lowers nothing; it
		// makes the change traceable.
		var mit []string
		for _, c := range []struct {
			b          *bool
			path, what string
		}{{logged, ".security.auditLogging.enabled", "audit log kept"}, {tamper, ".security.auditLogging.tamperProtected", "audit log tamper-protected"}} {
			switch {
			case c.b == nil:
				l.why = append(l.why, c.what+": not stated")
			case *c.b:
				l.why = append(l.why, c.what+": yes")
			default:
				l.why = append(l.why, c.what+": no")
			}
			if l.expect(c.b, ca.Path+c.path, c.what) {
				mit = append(mit, ca.Path+c.path)
			}
		}
		cons := consequenceOf(c)
		out = append(out, Threat{Rule: "untraceable-changes", Title: "Therapy or configuration changed with no trace of who did it",
			STRIDE: []string{"repudiation"}, Element: c.ID, Zone: zone(exp), Assets: assetsOf(dev, c.ID),
			Consequence: cons, Likelihood: l.score, Severity: severity(cons) - 1, Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"log/audit-enabled", "log/tamper-protected"}})
	}
	return out
}

// zone names an exposure zone.
func zone(e model.Exposure) string {
	if e == "" {
		return "not stated"
	}
	return string(e)
}

// clinicalMessages: HL7 v2, DICOM and FHIR carry the orders, results and
// images clinicians act on; forged or altered on the way, they mislead
// diagnosis or treatment.
func clinicalMessages(dev *model.Device) []Threat {
	var out []Threat
	each(dev, func(c *model.Component, p string, itf *model.Interface) {
		var ps []string
		for _, pr := range itf.Protocols {
			if pr == "hl7-mllp" || pr == "dicom" || pr == "fhir" {
				ps = append(ps, string(pr))
			}
		}
		if len(ps) == 0 {
			return
		}
		l := newLikelihood(itf.Exposure)
		mit := authControls(l, p, itf)
		cons := consequenceOf(c)
		if cons == "privacy" {
			cons = "diagnosis" // clinical data a clinician decides on
		}
		out = append(out, Threat{Rule: "clinical-message-forgery", Title: "Orders, results or images forged or altered over " + strings.Join(ps, ", "),
			STRIDE: []string{"spoofing", "tampering"}, Element: c.ID + "/" + itf.ID, Zone: zone(itf.Exposure), Assets: assetsOf(dev, c.ID),
			Consequence: cons, Likelihood: l.score, Severity: severity(cons), Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"net/dicom-secured", "net/hl7-secured", "auth/node-authentication", "net/no-cleartext-protocols"}})
	})
	return out
}

// mobileApps: an app runs on a phone its manufacturer does not control.
// Whoever holds the phone unlocked, or malware on it, acts through the
// app on what it drives and reads what it shows.
func mobileApps(dev *model.Device) []Threat {
	var out []Threat
	for _, ca := range dev.DeviceComponents() {
		c := ca.Component
		if c.Kind != "mobile-app" {
			continue
		}
		l := newLikelihood(model.ExposurePhysical)
		p := ca.Path + ".accessControl"
		var person, timeout *bool
		if a := c.AccessControl; a != nil {
			if len(a.AuthenticationMethods) > 0 {
				b := slices.ContainsFunc(a.AuthenticationMethods, model.AuthMethod.Person)
				person = &b
			}
			if a.SessionTimeoutMinutes != nil {
				b := *a.SessionTimeoutMinutes > 0
				timeout = &b
			}
		}
		var mit []string
		if l.require(person, p+".authenticationMethods", "users authenticate to the app") {
			mit = append(mit, p+".authenticationMethods: the user authenticates")
		}
		if l.expect(timeout, p+".sessionTimeoutMinutes", "sessions time out") {
			mit = append(mit, fmt.Sprintf("%s.sessionTimeoutMinutes: after %d minutes", p, *c.AccessControl.SessionTimeoutMinutes))
		}
		cons := drivenConsequence(dev, c)
		out = append(out, Threat{Rule: "mobile-app-misuse", Title: "Someone holding the phone, or malware on it, acts through " + c.Name,
			STRIDE: []string{"spoofing", "elevation-of-privilege", "information-disclosure"}, Element: c.ID, Zone: "physical", Assets: assetsOf(dev, c.ID),
			Consequence: cons, Likelihood: l.score, Severity: severity(cons), Why: l.why, Mitigations: mit, Controls: l.controls,
			Rules: []string{"auth/session-timeout", "auth/lockout"}})
	}
	return out
}

// drivenConsequence is the gravest consequence of c or of a device
// component it connects to: an app that drives a pump drives therapy.
func drivenConsequence(dev *model.Device, c *model.Component) string {
	cons := consequenceOf(c)
	for _, itf := range c.Interfaces {
		for _, to := range itf.ConnectsTo {
			for _, t := range dev.DeviceComponents() {
				if t.Component.ID == to && severity(consequenceOf(t.Component)) > severity(cons) {
					cons = consequenceOf(t.Component)
				}
			}
		}
	}
	return cons
}
