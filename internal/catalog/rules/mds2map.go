package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/model"
)

// MDS2Fact is an MDS2 (HN 1-2019) question whose answer the device model
// decides: the mapping from the form to the facts the catalog's rules
// read. Questions are referred to by ID; About is our own wording, not
// the form's. The numbering was checked against a manufacturer's
// completed 2019-edition form made public (docs/mds2.md).
type MDS2Fact struct {
	ID    string
	About string
	// Derive answers the question from the model: "yes", "no", "n/a"
	// (the thing asked about does not exist), "applies" (it exists; the
	// model cannot say yes or no) or "" (not stated), with the model path
	// that decided it.
	Derive func(d *model.Device) (answer, path string)
}

// MDS2Facts is the mapping, in the form's order of sections and numbers.
var MDS2Facts = []MDS2Fact{
	{"MPII-1", "The device handles personal data", func(d *model.Device) (string, string) {
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
	{"ALOF-1", "Users are logged off after inactivity", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c comp) (bool, bool, string) {
			if c.c.AccessControl == nil || c.c.AccessControl.SessionTimeoutMinutes == nil {
				return false, false, ""
			}
			return *c.c.AccessControl.SessionTimeoutMinutes > 0, true, c.path + ".accessControl.sessionTimeoutMinutes"
		})
	}},
	{"AUDT-2", "Events are recorded in an audit log", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c comp) (bool, bool, string) {
			if c.c.Security == nil || c.c.Security.AuditLogging == nil || c.c.Security.AuditLogging.Enabled == nil {
				return false, false, ""
			}
			return *c.c.Security.AuditLogging.Enabled, true, c.path + ".security.auditLogging.enabled"
		})
	}},
	{"AUTH-1", "Users must log in", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c comp) (bool, bool, string) {
			if c.c.AccessControl == nil || c.c.AccessControl.AuthenticationMethods == nil {
				return false, false, ""
			}
			return len(c.c.AccessControl.AuthenticationMethods) > 0, true, c.path + ".accessControl.authenticationMethods"
		})
	}},
	{"CSUP-1", "The device contains software that may need security updates", func(d *model.Device) (string, string) {
		for _, c := range deviceComponents(d) {
			switch {
			case c.c.SBOM != "":
				return "yes", c.path + ".sbom"
			case c.c.Platform != nil && c.c.Platform.OS != "":
				return "yes", c.path + ".platform.os"
			}
		}
		return "", ""
	}},
	{"EMRG-1", "An emergency access path exists", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c comp) (bool, bool, string) {
			if c.c.AccessControl == nil || c.c.AccessControl.EmergencyAccess == nil || c.c.AccessControl.EmergencyAccess.Supported == nil {
				return false, false, ""
			}
			return *c.c.AccessControl.EmergencyAccess.Supported, true, c.path + ".accessControl.emergencyAccess.supported"
		})
	}},
	{"NAUT-1", "Network peers authenticate each other", func(d *model.Device) (string, string) {
		return everyInterface(d, isNetwork, func(f iface) (*bool, string) {
			if f.in.Authentication == nil {
				return nil, ""
			}
			return f.in.Authentication.Mutual, f.path + ".authentication.mutual"
		})
	}},
	{"CONN-3", "The device communicates with other systems of the customer's network", func(d *model.Device) (string, string) {
		for _, f := range interfaces(d) {
			if isNetwork(f.in.Kind) {
				return "yes", f.path + ".kind"
			}
		}
		if len(interfaces(d)) > 0 {
			return "no", "components[].interfaces"
		}
		return "", ""
	}},
	{"PAUT-1", "Each user has an account of their own", func(d *model.Device) (string, string) {
		ans, path := anyComponent(d, func(c comp) (bool, bool, string) {
			if c.c.AccessControl == nil || c.c.AccessControl.SharedCredentials == nil {
				return false, false, ""
			}
			return *c.c.AccessControl.SharedCredentials, true, c.path + ".accessControl.sharedCredentials"
		})
		switch ans { // shared credentials anywhere: no
		case "yes":
			return "no", path
		case "no":
			return "yes", path
		}
		return "", ""
	}},
	{"PAUT-3", "Users are locked out after failed log-ins", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c comp) (bool, bool, string) {
			if c.c.AccessControl == nil || c.c.AccessControl.LockoutAttempts == nil {
				return false, false, ""
			}
			return *c.c.AccessControl.LockoutAttempts > 0, true, c.path + ".accessControl.lockoutAttempts"
		})
	}},
	{"PAUT-4", "Default accounts are documented (N/A: there are none)", func(d *model.Device) (string, string) {
		ans, at := "", ""
		for _, c := range deviceComponents(d) {
			if c.c.AccessControl == nil || c.c.AccessControl.DefaultCredentials == "" {
				continue
			}
			p := c.path + ".accessControl.defaultCredentials"
			if c.c.AccessControl.DefaultCredentials != "none" {
				return "applies", p
			}
			ans, at = "n/a", p
		}
		return ans, at
	}},
	{"PAUT-8", "Multi-factor authentication is supported", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c comp) (bool, bool, string) {
			if c.c.AccessControl == nil || c.c.AccessControl.MFA == "" {
				return false, false, ""
			}
			return c.c.AccessControl.MFA != "unsupported", true, c.path + ".accessControl.mfa"
		})
	}},
	{"RDMP-3", "Support dates of the device are published", func(d *model.Device) (string, string) {
		if d.Lifecycle != nil && d.Lifecycle.EndOfSupport != "" {
			return "yes", "lifecycle.endOfSupport"
		}
		return "", "" // no date stated is not a no
	}},
	{"SBOM-1", "A software bill of materials is available", func(d *model.Device) (string, string) {
		for _, c := range deviceComponents(d) {
			if c.c.SBOM != "" {
				return "yes", c.path + ".sbom"
			}
		}
		if d.Lifecycle != nil && isFalse(d.Lifecycle.SBOMMaintained) {
			return "no", "lifecycle.sbomMaintained"
		}
		return "", ""
	}},
	{"STCF-1", "Stored health data is encrypted", func(d *model.Device) (string, string) {
		ans, path := "", ""
		for _, c := range deviceComponents(d) {
			if c.c.Security == nil || c.c.Security.DataAtRest == nil || c.c.Security.DataAtRest.Encrypted == nil {
				continue
			}
			p := c.path + ".security.dataAtRest.encrypted"
			if !*c.c.Security.DataAtRest.Encrypted {
				return "no", p
			}
			ans, path = "yes", p
		}
		return ans, path
	}},
	{"TXCF-2", "Transmitted data is encrypted", func(d *model.Device) (string, string) {
		return everyInterface(d, func(k model.InterfaceKind) bool { return isNetwork(k) || isWireless(k) }, func(f iface) (*bool, string) {
			if f.in.Encryption == nil {
				return nil, ""
			}
			return f.in.Encryption.InTransit, f.path + ".encryption.inTransit"
		})
	}},
	{"TXIG-1", "Transmitted data is integrity-protected", func(d *model.Device) (string, string) {
		return everyInterface(d, func(k model.InterfaceKind) bool { return isNetwork(k) || isWireless(k) }, func(f iface) (*bool, string) {
			return f.integrity(), f.path + ".encryption.integrity"
		})
	}},
}

// anyComponent answers yes when a device component's fact is true, no
// when every stated one is false, "" when none states it.
func anyComponent(d *model.Device, fact func(c comp) (value, stated bool, path string)) (string, string) {
	ans, at := "", ""
	for _, c := range deviceComponents(d) {
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
func everyInterface(d *model.Device, kind func(model.InterfaceKind) bool, fact func(f iface) (*bool, string)) (string, string) {
	ans, at := "", ""
	for _, f := range interfaces(d) {
		if !kind(f.in.Kind) {
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

// MDS2Model builds a device model from MDS2 answers alone (answers maps
// question ID to "yes" or "no"), for an assessment without a device
// model: one device component named after the form, with the facts the
// answers decide. It returns the model and, for each fact set, the
// question it came from. Facts an answer cannot give without inventing a
// value (a timeout, an SBOM file) are left unstated.
func MDS2Model(manufacturer, product, modelNo string, answers map[string]string) (*model.Device, map[string]string) {
	d := &model.Device{
		APIVersion: "mdcheck.dev/v1",
		Kind:       "Device",
		Identity:   model.Identity{Manufacturer: manufacturer, Product: product, Model: modelNo},
		Components: []model.Component{{ID: "device", Name: firstOf(product, modelNo, "device"), Kind: "hardware-device", Role: "device"}},
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
	if v, ok := yes("CONN-3"); ok && v {
		c.Interfaces = append(c.Interfaces, model.Interface{ID: "network", Kind: "wired-network"})
		set("CONN-3", "components[0].interfaces[0]")
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
	if v, ok := yes("ALOF-1"); ok && !v {
		zero := 0
		ac().SessionTimeoutMinutes = &zero
		set("ALOF-1", "components[0].accessControl.sessionTimeoutMinutes")
	}
	if v, ok := yes("AUDT-2"); ok {
		sec().AuditLogging = &model.AuditLogging{Enabled: &v}
		set("AUDT-2", "components[0].security.auditLogging.enabled")
	}
	if v, ok := yes("AUTH-1"); ok {
		m := model.AuthMethod("other")
		if !v {
			m = "none"
		}
		ac().AuthenticationMethods = []model.AuthMethod{m}
		set("AUTH-1", "components[0].accessControl.authenticationMethods")
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
	}
	if v, ok := yes("PAUT-1"); ok {
		shared := !v
		ac().SharedCredentials = &shared
		set("PAUT-1", "components[0].accessControl.sharedCredentials")
	}
	if v, ok := yes("SBOM-1"); ok && !v {
		d.Lifecycle = &model.Lifecycle{SBOMMaintained: &v}
		set("SBOM-1", "lifecycle.sbomMaintained")
	}
	if v, ok := yes("STCF-1"); ok {
		sec().DataAtRest = &model.DataAtRest{Encrypted: &v}
		set("STCF-1", "components[0].security.dataAtRest.encrypted")
	}
	if len(c.Interfaces) > 0 {
		in := &c.Interfaces[0]
		if v, ok := yes("NAUT-1"); ok {
			in.Authentication = &model.Authentication{Mutual: &v}
			set("NAUT-1", "components[0].interfaces[0].authentication.mutual")
		}
		tx, okTx := yes("TXCF-2")
		ig, okIg := yes("TXIG-1")
		if okTx || okIg {
			in.Encryption = &model.Encryption{}
			if okTx {
				in.Encryption.InTransit = &tx
				set("TXCF-2", "components[0].interfaces[0].encryption.inTransit")
			}
			if okIg {
				in.Encryption.Integrity = &ig
				set("TXIG-1", "components[0].interfaces[0].encryption.integrity")
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
