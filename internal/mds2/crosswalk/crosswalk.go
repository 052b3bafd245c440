// Package crosswalk maps the MDS2 form (HN 1-2019) to the device model
// and back: which questions the model decides and how (Facts), the model
// an MDS2 form alone describes (Model), the answers an export writes
// (Export), and a read form as the evidence a check cross-checks
// (Evidence). The import, the export and the cross-check share it and
// the one representation of an answer, hn2019.Item.
package crosswalk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Fact is an MDS2 (HN 1-2019) question whose answer the device model
// decides: the mapping from the form to the facts the catalog's rules
// read. Questions are referred to by ID (hn2019 has mdcheck's wording of
// each). The numbering was checked against a manufacturer's
// completed 2019-edition form made public (docs/mds2.md).
type Fact struct {
	ID string
	// derive answers the question from the model: "yes", "no", "n/a"
	// (the thing asked about does not exist), "applies" (it exists; the
	// model cannot say yes or no) or "" (not stated), with the model path
	// that decided it.
	derive func(d *model.Device) (answer, path string)
}

// Derived is a question's answer as the device model gives it.
type Derived struct {
	// Answer is Yes, No, NA (the thing asked about does not exist) or
	// Blank (the model does not decide).
	Answer hn2019.Answer
	// Exists marks a Blank answer whose subject the model has: it exists,
	// but the model cannot say yes or no.
	Exists bool
	// Path is the model fact that decided it.
	Path string
}

// Derive answers the question from the model.
func (f Fact) Derive(d *model.Device) Derived {
	a, path := f.derive(d)
	switch a {
	case "yes":
		return Derived{Answer: hn2019.Yes, Path: path}
	case "no":
		return Derived{Answer: hn2019.No, Path: path}
	case "n/a":
		return Derived{Answer: hn2019.NA, Path: path}
	case "applies":
		return Derived{Answer: hn2019.Blank, Exists: true, Path: path}
	}
	return Derived{Answer: hn2019.Blank}
}

// Facts is the mapping, in the form's order of sections and numbers.
var baseFacts = []Fact{
	{"DOC-8", func(d *model.Device) (string, string) {
		if d.Lifecycle == nil || d.Lifecycle.VulnerabilityDisclosure == nil || d.Lifecycle.VulnerabilityDisclosure.Published == nil {
			return "", ""
		}
		return yesNo(*d.Lifecycle.VulnerabilityDisclosure.Published), "lifecycle.vulnerabilityDisclosure.published"
	}},
	{"DOC-11", softwareOnly},
	{"MPII-1", func(d *model.Device) (string, string) {
		for i, a := range d.DataAssets {
			if a.Kind == "personal-health-data" || a.Kind == "diagnostic-images" {
				return "yes", fmt.Sprintf("dataAssets[%d].kind", i)
			}
		}
		if len(d.DataAssets) > 0 {
			return "no", "dataAssets"
		}
		return "", ""
	}},
	{"ALOF-1", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.AccessControl == nil || c.AccessControl.SessionTimeoutMinutes == nil {
				return false, false, ""
			}
			return *c.AccessControl.SessionTimeoutMinutes > 0, true, c.Path + ".accessControl.sessionTimeoutMinutes"
		})
	}},
	{"AUDT-2", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.Security == nil || c.Security.AuditLogging == nil || c.Security.AuditLogging.Enabled == nil {
				return false, false, ""
			}
			return *c.Security.AuditLogging.Enabled, true, c.Path + ".security.auditLogging.enabled"
		})
	}},
	{"AUDT-2.9", func(d *model.Device) (string, string) {
		ans, at := "", ""
		for _, c := range d.DeviceComponents() {
			ac := c.AccessControl
			if ac == nil || ac.EmergencyAccess == nil {
				continue
			}
			e := ac.EmergencyAccess
			switch {
			case e.Supported != nil && *e.Supported && e.Logged != nil:
				if !*e.Logged {
					return "no", c.Path + ".accessControl.emergencyAccess.logged"
				}
				ans, at = "yes", c.Path+".accessControl.emergencyAccess.logged"
			case e.Supported != nil && !*e.Supported && ans == "":
				ans, at = "n/a", c.Path+".accessControl.emergencyAccess.supported"
			}
		}
		return ans, at
	}},
	{"AUDT-4.1", auditFact("timestamped", func(a *model.AuditLogging) *bool { return a.Timestamped })},
	{"AUDT-5", auditFact("exportable", func(a *model.AuditLogging) *bool { return a.Exportable })},
	{"AUDT-7", auditFact("tamperProtected", func(a *model.AuditLogging) *bool { return a.TamperProtected })},
	{"AUTH-1", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.AccessControl == nil || c.AccessControl.AuthenticationMethods == nil {
				return false, false, ""
			}
			ms := c.AccessControl.AuthenticationMethods
			return slices.ContainsFunc(ms, func(m model.AuthMethod) bool { return m != "none" }), true, c.Path + ".accessControl.authenticationMethods"
		})
	}},
	{"AUTH-2", roles},
	{"CSUP-1", func(d *model.Device) (string, string) {
		for _, c := range d.DeviceComponents() {
			switch {
			case c.SBOM != "":
				return "yes", c.Path + ".sbom"
			case c.Platform != nil && c.Platform.OS != "":
				return "yes", c.Path + ".platform.os"
			}
		}
		return "", ""
	}},
	{"CSUP-8", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.Security == nil || c.Security.Update == nil || c.Security.Update.TriggeredBy == nil {
				return false, false, ""
			}
			return slices.Contains(c.Security.Update.TriggeredBy, "automatic"), true, c.Path + ".security.update.triggeredBy"
		})
	}},
	{"DIDT-1", securityFact("deidentification", func(s *model.SecurityDesign) *bool { return s.Deidentification })},
	{"DTBK-5", securityFact("backup.supported", func(s *model.SecurityDesign) *bool {
		if s.Backup == nil {
			return nil
		}
		return s.Backup.Supported
	})},
	{"EMRG-1", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.AccessControl == nil || c.AccessControl.EmergencyAccess == nil || c.AccessControl.EmergencyAccess.Supported == nil {
				return false, false, ""
			}
			return *c.AccessControl.EmergencyAccess.Supported, true, c.Path + ".accessControl.emergencyAccess.supported"
		})
	}},
	{"MLDP-1", func(d *model.Device) (string, string) {
		// Only "not applicable" (nothing executable to protect) says no;
		// any other choice leaves open whether software can be added.
		cs := d.DeviceComponents()
		for _, c := range cs {
			if c.Security == nil || c.Security.MalwareProtection != "not-applicable" {
				return "", ""
			}
		}
		if len(cs) == 0 {
			return "", ""
		}
		return "no", cs[0].Path + ".security.malwareProtection"
	}},
	// Manufacturers answer MLDP-2 about anti-malware software: an
	// allow-listing device answers it no and MLDP-4 yes.
	{"MLDP-2", malwareFact("anti-malware")},
	{"MLDP-4", malwareFact("allow-listing")},
	{"NAUT-1", func(d *model.Device) (string, string) {
		return everyInterface(d, model.InterfaceKind.Network, func(f model.InterfaceAt) (*bool, string) {
			if f.Authentication == nil {
				return nil, ""
			}
			return f.Authentication.Mutual, f.Path + ".authentication.mutual"
		})
	}},
	{"CONN-1.1", interfaceKindFact(model.InterfaceKind.Wireless)},
	{"CONN-1.1.1", interfaceKindFact(func(k model.InterfaceKind) bool { return k == "wifi" })},
	{"CONN-1.1.2", interfaceKindFact(func(k model.InterfaceKind) bool { return k == "ble" || k == "bluetooth-classic" })},
	{"CONN-1.2.1", interfaceKindFact(func(k model.InterfaceKind) bool { return k == "wired-network" })},
	{"CONN-1.2.2", interfaceKindFact(func(k model.InterfaceKind) bool { return k == "usb" })},
	{"CONN-1.2.3", interfaceKindFact(func(k model.InterfaceKind) bool { return k == "removable-media" })},
	{"CONN-3", func(d *model.Device) (string, string) {
		for _, f := range d.DeviceInterfaces() {
			if f.Kind.Network() {
				return "yes", f.Path + ".kind"
			}
		}
		if len(d.DeviceInterfaces()) > 0 {
			return "no", "components[].interfaces"
		}
		return "", ""
	}},
	{"CONN-4", func(d *model.Device) (string, string) {
		// Only yes can be read: a model need not name every peer.
		kinds := map[string]model.ComponentKind{}
		for _, c := range d.Components {
			kinds[c.ID] = c.Kind
		}
		for _, f := range d.DeviceInterfaces() {
			if f.Exposure == model.ExposureInternet {
				return "yes", f.Path + ".exposure"
			}
			for i, to := range f.ConnectsTo {
				if kinds[to] == "cloud-service" {
					return "yes", fmt.Sprintf("%s.connectsTo[%d]", f.Path, i)
				}
			}
		}
		return "", ""
	}},
	{"CONN-7", func(d *model.Device) (string, string) {
		for _, f := range d.DeviceInterfaces() {
			if f.Encryption != nil && strings.Contains(strings.ToUpper(f.Encryption.Protocol), "TLS") {
				return "yes", f.Path + ".encryption.protocol"
			}
			if f.Speaks("https") {
				return "yes", f.Path + ".protocols"
			}
		}
		return "", ""
	}},
	{"PAUT-1", func(d *model.Device) (string, string) {
		ans, path := anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.AccessControl == nil || c.AccessControl.SharedCredentials == nil {
				return false, false, ""
			}
			return *c.AccessControl.SharedCredentials, true, c.Path + ".accessControl.sharedCredentials"
		})
		switch ans { // shared credentials anywhere: no
		case "yes":
			return "no", path
		case "no":
			return "yes", path
		}
		return "", ""
	}},
	{"PAUT-3", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.AccessControl == nil || c.AccessControl.LockoutAttempts == nil {
				return false, false, ""
			}
			return *c.AccessControl.LockoutAttempts > 0, true, c.Path + ".accessControl.lockoutAttempts"
		})
	}},
	{"PAUT-4", func(d *model.Device) (string, string) {
		ans, at := "", ""
		for _, c := range d.DeviceComponents() {
			if c.AccessControl == nil || c.AccessControl.DefaultCredentials == "" {
				continue
			}
			p := c.Path + ".accessControl.defaultCredentials"
			if c.AccessControl.DefaultCredentials != "none" {
				return "applies", p
			}
			ans, at = "n/a", p
		}
		return ans, at
	}},
	{"PAUT-8", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.AccessControl == nil || c.AccessControl.MFA == "" {
				return false, false, ""
			}
			return c.AccessControl.MFA != "unsupported", true, c.Path + ".accessControl.mfa"
		})
	}},
	{"PAUT-11", authMethodFact("biometric")},
	{"PAUT-12", authMethodFact("smart-card", "token")},
	{"RDMP-3", func(d *model.Device) (string, string) {
		if d.Lifecycle != nil && d.Lifecycle.EndOfSupport != "" {
			return "yes", "lifecycle.endOfSupport"
		}
		return "", "" // no date stated is not a no
	}},
	{"SBOM-1", func(d *model.Device) (string, string) {
		for _, c := range d.DeviceComponents() {
			if c.SBOM != "" {
				return "yes", c.Path + ".sbom"
			}
		}
		// Whether an SBOM is kept (SBOM-4) does not say whether customers
		// get it: manufacturers answer no here and yes there.
		return "", ""
	}},
	{"SBOM-4", func(d *model.Device) (string, string) {
		if d.Lifecycle == nil || d.Lifecycle.SBOMMaintained == nil {
			return "", ""
		}
		return yesNo(*d.Lifecycle.SBOMMaintained), "lifecycle.sbomMaintained"
	}},
	{"SAHD-3.1", securityFact("secureBoot", func(s *model.SecurityDesign) *bool { return s.SecureBoot })},
	{"SAHD-3.2", securityFact("update.signed", func(s *model.SecurityDesign) *bool {
		if s.Update == nil {
			return nil
		}
		return s.Update.Signed
	})},
	{"SAHD-11", func(d *model.Device) (string, string) {
		// Secure boot refuses what is not the manufacturer's, from any
		// medium; without it the model does not say.
		if a, p := anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.Security == nil || c.Security.SecureBoot == nil {
				return false, false, ""
			}
			return *c.Security.SecureBoot, true, c.Path + ".security.secureBoot"
		}); a == "yes" {
			return a, p
		}
		return "", ""
	}},
	{"STCF-1", func(d *model.Device) (string, string) {
		ans, path := "", ""
		for _, c := range d.DeviceComponents() {
			if c.Security == nil || c.Security.DataAtRest == nil || c.Security.DataAtRest.Encrypted == nil {
				continue
			}
			p := c.Path + ".security.dataAtRest.encrypted"
			if !*c.Security.DataAtRest.Encrypted {
				return "no", p
			}
			ans, path = "yes", p
		}
		return ans, path
	}},
	{"TXCF-2", func(d *model.Device) (string, string) {
		return everyInterface(d, func(k model.InterfaceKind) bool { return k.Network() || k.Wireless() }, func(f model.InterfaceAt) (*bool, string) {
			if f.Encryption == nil {
				return nil, ""
			}
			return f.Encryption.InTransit, f.Path + ".encryption.inTransit"
		})
	}},
	{"TXCF-4", func(d *model.Device) (string, string) {
		return everyInterface(d, func(k model.InterfaceKind) bool { return k.Network() || k.Wireless() }, func(f model.InterfaceAt) (*bool, string) {
			if f.Authentication == nil {
				return nil, ""
			}
			return f.Authentication.Required, f.Path + ".authentication.required"
		})
	}},
	{"TXIG-1", func(d *model.Device) (string, string) {
		return everyInterface(d, func(k model.InterfaceKind) bool { return k.Network() || k.Wireless() }, func(f model.InterfaceAt) (*bool, string) {
			return integrity(f.Interface), f.Path + ".encryption.integrity"
		})
	}},
}

// softwareOnly answers DOC-11 and PLOK-1: yes when every device
// component is software alone, no at the first that is not.
func softwareOnly(d *model.Device) (string, string) {
	cs := d.DeviceComponents()
	for _, c := range cs {
		if !c.Kind.SoftwareOnly() {
			return "no", c.Path + ".kind"
		}
	}
	if len(cs) == 0 {
		return "", ""
	}
	return "yes", "components[].kind"
}

// roles answers AUTH-2 and SAHD-5.1: privileges by role need more than
// one role.
func roles(d *model.Device) (string, string) {
	return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
		if c.AccessControl == nil || c.AccessControl.Roles == nil {
			return false, false, ""
		}
		return len(c.AccessControl.Roles) > 1, true, c.Path + ".accessControl.roles"
	})
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// securityFact answers from a component's security design (path under
// security): yes when a component states it true.
func securityFact(path string, get func(*model.SecurityDesign) *bool) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.Security == nil {
				return false, false, ""
			}
			v := get(c.Security)
			if v == nil {
				return false, false, ""
			}
			return *v, true, c.Path + ".security." + path
		})
	}
}

// auditFact answers from a component's audit logging (path under
// security.auditLogging).
func auditFact(path string, get func(*model.AuditLogging) *bool) func(*model.Device) (string, string) {
	return securityFact("auditLogging."+path, func(s *model.SecurityDesign) *bool {
		if s.AuditLogging == nil {
			return nil
		}
		return get(s.AuditLogging)
	})
}

// malwareFact answers yes when a component's malware protection is one
// of kinds, no when every stated one is none; "not applicable" leaves the
// question open.
func malwareFact(kinds ...model.MalwareProtection) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.Security == nil || c.Security.MalwareProtection == "" || c.Security.MalwareProtection == "not-applicable" {
				return false, false, ""
			}
			m := c.Security.MalwareProtection
			if !slices.Contains(kinds, m) && m != "none" {
				return false, false, "" // another mechanism: this question does not ask about it
			}
			return slices.Contains(kinds, m), true, c.Path + ".security.malwareProtection"
		})
	}
}

// interfaceKindFact answers yes when a device component has an interface
// of the kind, no when the model lists interfaces and none is of it (the
// model lists every way to communicate with a component), unless one is
// of kind other, which could be it.
func interfaceKindFact(kind func(model.InterfaceKind) bool) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		all := d.DeviceInterfaces()
		other := false
		for _, f := range all {
			if kind(f.Kind) {
				return "yes", f.Path + ".kind"
			}
			other = other || f.Kind == "other"
		}
		if len(all) > 0 && !other {
			return "no", "components[].interfaces"
		}
		return "", ""
	}
}

// authMethodFact answers yes when a component accepts one of the user
// authentication methods, no when every stated list lacks them.
func authMethodFact(methods ...model.AuthMethod) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.AccessControl == nil || c.AccessControl.AuthenticationMethods == nil {
				return false, false, ""
			}
			for _, m := range c.AccessControl.AuthenticationMethods {
				if slices.Contains(methods, m) {
					return true, true, c.Path + ".accessControl.authenticationMethods"
				}
			}
			return false, true, c.Path + ".accessControl.authenticationMethods"
		})
	}
}

// anyComponent answers yes when a device component's fact is true, no
// when every stated one is false, "" when none states it.
func anyComponent(d *model.Device, fact func(c model.ComponentAt) (value, stated bool, path string)) (string, string) {
	ans, at := "", ""
	for _, c := range d.DeviceComponents() {
		v, ok, p := fact(c)
		if !ok {
			continue
		}
		if v {
			return "yes", p
		}
		ans, at = "no", p
	}
	return ans, at
}

// everyInterface answers yes when every interface of the kinds selected
// that states the fact has it true, no at the first that has it false.
func everyInterface(d *model.Device, kind func(model.InterfaceKind) bool, fact func(f model.InterfaceAt) (*bool, string)) (string, string) {
	ans, at := "", ""
	for _, f := range d.DeviceInterfaces() {
		if !kind(f.Kind) {
			continue
		}
		v, p := fact(f)
		if v == nil {
			continue
		}
		if !*v {
			return "no", p
		}
		ans, at = "yes", p
	}
	return ans, at
}

// modelFrom builds a device model from MDS2 answers alone (answers maps
// question ID to "yes", "no" or "n/a"), for an assessment without a
// device model: one device component named after the form, with the facts
// the answers decide. It returns the model and, for each fact set, the
// question it came from. Facts an answer cannot give without inventing a
// value (a timeout, an SBOM file, role names) are left unstated; the
// interfaces are those the connectivity answers name.
func modelFrom(manufacturer, product, modelNo string, answers map[string]string) (*model.Device, map[string]string) {
	kind := model.ComponentKind("hardware-device")
	if answers["DOC-11"] == "yes" {
		kind = "standalone-software"
	}
	d := &model.Device{
		APIVersion: "mdcheck.dev/v1",
		Kind:       "Device",
		Identity:   model.Identity{Manufacturer: manufacturer, Product: product, Model: modelNo},
		Components: []model.Component{{ID: "device", Name: firstOf(product, modelNo, "device"), Kind: kind, Role: "device"}},
	}
	from := map[string]string{}
	c := &d.Components[0]
	yes := func(id string) (bool, bool) {
		switch answers[id] {
		case "yes":
			return true, true
		case "no":
			return false, true
		}
		return false, false
	}
	set := func(id, path string) { from[path] = id }
	if answers["DOC-11"] == "yes" || answers["DOC-11"] == "no" {
		set("DOC-11", "components[0].kind")
	}
	lc := func() *model.Lifecycle {
		if d.Lifecycle == nil {
			d.Lifecycle = &model.Lifecycle{}
		}
		return d.Lifecycle
	}
	// Interfaces: one per kind of connection the form says the device has.
	addIf := func(q, id string, k model.InterfaceKind) {
		if v, ok := yes(q); ok && v {
			c.Interfaces = append(c.Interfaces, model.Interface{ID: id, Kind: k})
			set(q, fmt.Sprintf("components[0].interfaces[%d]", len(c.Interfaces)-1))
		}
	}
	addIf("CONN-1.2.1", "ethernet", "wired-network")
	addIf("CONN-1.1.1", "wifi", "wifi")
	addIf("CONN-1.1.2", "bluetooth", "ble")
	addIf("CONN-1.2.2", "usb", "usb")
	addIf("CONN-1.2.3", "removable-media", "removable-media")
	if v, ok := yes("CONN-3"); ok && v && !slices.ContainsFunc(c.Interfaces, func(in model.Interface) bool { return in.Kind.Network() }) {
		// Networked, over a link the form does not name.
		k := model.InterfaceKind("wired-network")
		if answers["CONN-1.2.1"] == "no" {
			k = "wifi"
			if answers["CONN-1.1.1"] == "no" {
				k = "cellular"
			}
		}
		c.Interfaces = append(c.Interfaces, model.Interface{ID: "network", Kind: k})
		set("CONN-3", fmt.Sprintf("components[0].interfaces[%d]", len(c.Interfaces)-1))
	}
	if v, ok := yes("MPII-1"); ok && v {
		d.DataAssets = append(d.DataAssets, model.DataAsset{ID: "personal-data", Kind: "personal-health-data", StoredOn: []string{"device"}})
		set("MPII-1", "dataAssets[0]")
	}
	ac := func() *model.AccessControl {
		if c.AccessControl == nil {
			c.AccessControl = &model.AccessControl{}
		}
		return c.AccessControl
	}
	sec := func() *model.SecurityDesign {
		if c.Security == nil {
			c.Security = &model.SecurityDesign{}
		}
		return c.Security
	}
	audit := func() *model.AuditLogging {
		if sec().AuditLogging == nil {
			sec().AuditLogging = &model.AuditLogging{}
		}
		return sec().AuditLogging
	}
	if v, ok := yes("ALOF-1"); ok && !v {
		zero := 0
		ac().SessionTimeoutMinutes = &zero
		set("ALOF-1", "components[0].accessControl.sessionTimeoutMinutes")
	}
	if v, ok := yes("AUTH-1"); ok {
		m := []model.AuthMethod{"other"}
		if !v {
			m = []model.AuthMethod{"none"}
		}
		if v {
			if b, _ := yes("PAUT-11"); b {
				m = append(m, "biometric")
			}
			if b, _ := yes("PAUT-12"); b {
				m = append(m, "smart-card")
			}
			for _, q := range []string{"PAUT-11", "PAUT-12"} {
				if _, ok := yes(q); ok {
					set(q, "components[0].accessControl.authenticationMethods")
				}
			}
		}
		ac().AuthenticationMethods = m
		set("AUTH-1", "components[0].accessControl.authenticationMethods")
	}
	update := func() *model.Update {
		if sec().Update == nil {
			sec().Update = &model.Update{}
		}
		return sec().Update
	}
	if v, ok := yes("SAHD-3.2"); ok && v {
		// Updates checked as the manufacturer's are updates that exist.
		t := true
		update().Supported = &t
		set("SAHD-3.2", "components[0].security.update.supported")
	}
	if v, ok := yes("CSUP-8"); ok && v {
		update().TriggeredBy = []model.Actor{"automatic"}
		set("CSUP-8", "components[0].security.update.triggeredBy")
	}
	// Answers that are a yes-or-no fact of the model as they stand.
	for _, b := range []struct {
		id, path string
		field    func() **bool
	}{
		{"DOC-8", "lifecycle.vulnerabilityDisclosure.published", func() **bool {
			if lc().VulnerabilityDisclosure == nil {
				lc().VulnerabilityDisclosure = &model.Disclosure{}
			}
			return &lc().VulnerabilityDisclosure.Published
		}},
		{"SBOM-4", "lifecycle.sbomMaintained", func() **bool { return &lc().SBOMMaintained }},
		{"AUDT-2", "components[0].security.auditLogging.enabled", func() **bool { return &audit().Enabled }},
		{"AUDT-4.1", "components[0].security.auditLogging.timestamped", func() **bool { return &audit().Timestamped }},
		{"AUDT-5", "components[0].security.auditLogging.exportable", func() **bool { return &audit().Exportable }},
		{"AUDT-7", "components[0].security.auditLogging.tamperProtected", func() **bool { return &audit().TamperProtected }},
		{"SAHD-3.1", "components[0].security.secureBoot", func() **bool { return &sec().SecureBoot }},
		{"SAHD-3.2", "components[0].security.update.signed", func() **bool { return &update().Signed }},
		{"DIDT-1", "components[0].security.deidentification", func() **bool { return &sec().Deidentification }},
		{"DTBK-5", "components[0].security.backup.supported", func() **bool {
			if sec().Backup == nil {
				sec().Backup = &model.Backup{}
			}
			return &sec().Backup.Supported
		}},
		{"STCF-1", "components[0].security.dataAtRest.encrypted", func() **bool {
			if sec().DataAtRest == nil {
				sec().DataAtRest = &model.DataAtRest{}
			}
			return &sec().DataAtRest.Encrypted
		}},
	} {
		if v, ok := yes(b.id); ok {
			*b.field() = &v
			set(b.id, b.path)
		}
	}
	m2, ok2 := yes("MLDP-2")
	m4, ok4 := yes("MLDP-4")
	switch {
	case ok2 && m2:
		sec().MalwareProtection = "anti-malware"
		set("MLDP-2", "components[0].security.malwareProtection")
	case ok4 && m4:
		sec().MalwareProtection = "allow-listing"
		set("MLDP-4", "components[0].security.malwareProtection")
	case ok2 && !m2 && (!ok4 || !m4):
		sec().MalwareProtection = "none"
		set("MLDP-2", "components[0].security.malwareProtection")
	case answers["MLDP-1"] == "no":
		sec().MalwareProtection = "not-applicable"
		set("MLDP-1", "components[0].security.malwareProtection")
	}
	if v, ok := yes("PAUT-3"); ok && !v {
		zero := 0
		ac().LockoutAttempts = &zero
		set("PAUT-3", "components[0].accessControl.lockoutAttempts")
	}
	switch answers["PAUT-4"] {
	case "n/a":
		ac().DefaultCredentials = "none"
		set("PAUT-4", "components[0].accessControl.defaultCredentials")
	case "yes", "no":
		ac().DefaultCredentials = "present"
		set("PAUT-4", "components[0].accessControl.defaultCredentials")
	}
	if v, ok := yes("PAUT-8"); ok && !v {
		ac().MFA = "unsupported"
		set("PAUT-8", "components[0].accessControl.mfa")
	}
	if v, ok := yes("EMRG-1"); ok {
		ac().EmergencyAccess = &model.EmergencyAccess{Supported: &v}
		set("EMRG-1", "components[0].accessControl.emergencyAccess.supported")
		if l, ok := yes("AUDT-2.9"); ok && v {
			ac().EmergencyAccess.Logged = &l
			set("AUDT-2.9", "components[0].accessControl.emergencyAccess.logged")
		}
	}
	if v, ok := yes("PAUT-1"); ok {
		shared := !v
		ac().SharedCredentials = &shared
		set("PAUT-1", "components[0].accessControl.sharedCredentials")
	}
	// What the form says of transmissions holds for every network and
	// wireless interface it names.
	for i := range c.Interfaces {
		in := &c.Interfaces[i]
		if !in.Kind.Network() && !in.Kind.Wireless() {
			continue
		}
		at := fmt.Sprintf("components[0].interfaces[%d]", i)
		mutual, okM := yes("NAUT-1")
		required, okR := yes("TXCF-4")
		if (okM && in.Kind.Network()) || okR {
			in.Authentication = &model.Authentication{}
			if okM && in.Kind.Network() {
				in.Authentication.Mutual = &mutual
				set("NAUT-1", at+".authentication.mutual")
			}
			if okR {
				in.Authentication.Required = &required
				set("TXCF-4", at+".authentication.required")
			}
		}
		tx, okTx := yes("TXCF-2")
		ig, okIg := yes("TXIG-1")
		if okTx || okIg {
			in.Encryption = &model.Encryption{}
			if okTx {
				in.Encryption.InTransit = &tx
				set("TXCF-2", at+".encryption.inTransit")
			}
			if okIg {
				in.Encryption.Integrity = &ig
				set("TXIG-1", at+".encryption.integrity")
			}
		}
	}
	return d, from
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// integrity is the interface's encryption.integrity; nil when unstated.
func integrity(in *model.Interface) *bool {
	if in.Encryption == nil {
		return nil
	}
	return in.Encryption.Integrity
}
