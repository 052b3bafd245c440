package crosswalk

import (
	"slices"

	"github.com/mdcheck/mdcheck/internal/model"
)

// designFacts answer the form's questions on updates by kind of
// software, accounts, hardening, backup, stored data and remote service
// from the components' security design and access control.
var designFacts = []Fact{
	{"AUTH-1.1", accessFact("externalAuthentication", func(a *model.AccessControl) *bool { return a.ExternalAuthentication })},
	{"AUTH-3", accessFact("operatorAdmin", func(a *model.AccessControl) *bool { return a.OperatorAdmin })},
	{"AUTH-5", accessFact("kioskMode", func(a *model.AccessControl) *bool { return a.KioskMode })},

	{"CSUP-2.1", updateFact(hasOS, operatorInstalls)},
	{"CSUP-2.2", updateFact(hasOS, manufacturerInstalls)},
	{"CSUP-2.3", updateFact(hasOS, remoteInstall)},
	{"CSUP-2.4", updateFact(hasOS, thirdPartyPatches)},
	{"CSUP-3", func(d *model.Device) (string, string) {
		cs := d.DeviceComponents()
		for _, c := range cs {
			if hasFirmware(c) {
				return "yes", c.Path + ".kind"
			}
		}
		if len(cs) > 0 {
			return "no", "components[].kind"
		}
		return "", ""
	}},
	{"CSUP-3.1", updateFact(hasFirmware, operatorInstalls)},
	{"CSUP-3.2", updateFact(hasFirmware, manufacturerInstalls)},
	{"CSUP-3.3", updateFact(hasFirmware, remoteInstall)},
	{"CSUP-3.4", updateFact(hasFirmware, thirdPartyPatches)},
	{"CSUP-4", malwareFact("anti-malware")},
	{"CSUP-4.1", updateFact(hasAntiMalware, operatorInstalls)},
	{"CSUP-4.2", updateFact(hasAntiMalware, manufacturerInstalls)},
	{"CSUP-4.3", updateFact(hasAntiMalware, remoteInstall)},
	{"CSUP-4.4", updateFact(hasAntiMalware, thirdPartyPatches)},
	{"CSUP-5", func(d *model.Device) (string, string) {
		for _, c := range d.DeviceComponents() {
			if hasOTS(c) {
				return "yes", c.Path + ".sbom"
			}
		}
		return "", ""
	}},
	{"CSUP-5.1", updateFact(hasOTS, operatorInstalls)},
	{"CSUP-5.2", updateFact(hasOTS, manufacturerInstalls)},
	{"CSUP-5.3", updateFact(hasOTS, remoteInstall)},
	{"CSUP-5.4", updateFact(hasOTS, thirdPartyPatches)},

	{"DTBK-2", securityFact("factoryReset", func(s *model.SecurityDesign) *bool { return s.FactoryReset })},
	{"DTBK-3", backupFact("toRemovableMedia", func(b *model.Backup) *bool { return b.ToRemovableMedia })},
	{"DTBK-4", backupFact("toRemote", func(b *model.Backup) *bool { return b.ToRemote })},
	{"DTBK-6", backupFact("integrityChecked", func(b *model.Backup) *bool { return b.IntegrityChecked })},
	{"IGAU-1", restFact("integrity", func(r *model.DataAtRest) *bool { return r.Integrity })},
	{"MPII-2.4", restFact("database", func(r *model.DataAtRest) *bool { return r.Database })},
	{"MLDP-5", securityFact("intrusionDetection", func(s *model.SecurityDesign) *bool { return s.IntrusionDetection })},

	{"PAUT-2", accessFact("externalAuthentication", func(a *model.AccessControl) *bool { return a.ExternalAuthentication })},
	{"PAUT-5", accessFact("passwordsChangeable", func(a *model.AccessControl) *bool { return a.PasswordsChangeable })},
	{"PAUT-6", accessFact("passwordComplexity", func(a *model.AccessControl) *bool { return a.PasswordComplexity })},
	{"PAUT-7", accessFact("passwordExpiry", func(a *model.AccessControl) *bool { return a.PasswordExpiry })},
	{"PAUT-9", accessFact("singleSignOn", func(a *model.AccessControl) *bool { return a.SingleSignOn })},
	{"PAUT-10", accessFact("accountsCanBeDisabled", func(a *model.AccessControl) *bool { return a.AccountsCanBeDisabled })},
	{"PAUT-13", accessFact("sharedCredentials", func(a *model.AccessControl) *bool { return a.SharedCredentials })},

	{"SAHD-1", func(d *model.Device) (string, string) {
		for _, c := range d.DeviceComponents() {
			if c.Security != nil && c.Security.Hardening != nil && c.Security.Hardening.Standard != "" {
				return "yes", c.Path + ".security.hardening.standard"
			}
		}
		return "", ""
	}},
	{"SAHD-3", func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			s := c.Security
			if s == nil {
				return false, false, ""
			}
			switch {
			case s.SecureBoot != nil && *s.SecureBoot:
				return true, true, c.Path + ".security.secureBoot"
			case s.Update != nil && s.Update.Signed != nil && *s.Update.Signed:
				return true, true, c.Path + ".security.update.signed"
			case s.SecureBoot != nil && !*s.SecureBoot && s.Update != nil && s.Update.Signed != nil:
				return false, true, c.Path + ".security.secureBoot"
			}
			return false, false, ""
		})
	}},
	{"SAHD-4", hardeningFact("integrityCheckByOperator", func(h *model.Hardening) *bool { return h.IntegrityCheck })},
	{"SAHD-7", hardeningFact("unusedSharesDisabled", func(h *model.Hardening) *bool { return h.UnusedShares })},
	{"SAHD-8", hardeningFact("unusedPortsDisabled", func(h *model.Hardening) *bool { return h.UnusedPorts })},
	{"SAHD-9", hardeningFact("unusedServicesDisabled", func(h *model.Hardening) *bool { return h.UnusedServices })},
	{"SAHD-10", hardeningFact("unusedAppsDisabled", func(h *model.Hardening) *bool { return h.UnusedApps })},
	{"SAHD-14", hardeningFact("furtherHardening", func(h *model.Hardening) *bool { return h.Further })},
	{"SAHD-14.1", hardeningFact("hardeningGuide", func(h *model.Hardening) *bool { return h.Guide })},
	{"SAHD-15", hardeningFact("bootLoaderLocked", func(h *model.Hardening) *bool { return h.BootLoaderLocked })},

	{"STCF-1.1", restFact("all", func(r *model.DataAtRest) *bool { return r.All })},
	{"STCF-1.2", restFact("defaultOn", func(r *model.DataAtRest) *bool { return r.DefaultOn })},
	{"STCF-2", restFact("keysChangeable", func(r *model.DataAtRest) *bool { return r.KeysChangeable })},
	{"STCF-3", restFact("database", func(r *model.DataAtRest) *bool { return r.Database })},

	{"RMOT-1.1", remoteFact("operatorInitiated", func(r *model.RemoteService) *bool { return r.OperatorInitiated })},
	{"RMOT-1.2", remoteFact("indicated", func(r *model.RemoteService) *bool { return r.Indicated })},
	{"RMOT-1.3", remoteFact("patientDataVisible", func(r *model.RemoteService) *bool { return r.PatientDataVisible })},
}

func accessFact(path string, get func(*model.AccessControl) *bool) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.AccessControl == nil || get(c.AccessControl) == nil {
				return false, false, ""
			}
			return *get(c.AccessControl), true, c.Path + ".accessControl." + path
		})
	}
}

func hardeningFact(path string, get func(*model.Hardening) *bool) func(*model.Device) (string, string) {
	return securityFact("hardening."+path, func(s *model.SecurityDesign) *bool {
		if s.Hardening == nil {
			return nil
		}
		return get(s.Hardening)
	})
}

func backupFact(path string, get func(*model.Backup) *bool) func(*model.Device) (string, string) {
	return securityFact("backup."+path, func(s *model.SecurityDesign) *bool {
		if s.Backup == nil {
			return nil
		}
		return get(s.Backup)
	})
}

func restFact(path string, get func(*model.DataAtRest) *bool) func(*model.Device) (string, string) {
	return securityFact("dataAtRest."+path, func(s *model.SecurityDesign) *bool {
		if s.DataAtRest == nil {
			return nil
		}
		return get(s.DataAtRest)
	})
}

// remoteFact answers a question on remote sessions; without remote
// service it does not apply.
func remoteFact(path string, get func(*model.RemoteService) *bool) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		ans, at := anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.Security == nil || c.Security.RemoteService == nil || get(c.Security.RemoteService) == nil {
				return false, false, ""
			}
			return *get(c.Security.RemoteService), true, c.Path + ".security.remoteService." + path
		})
		if ans != "" {
			return ans, at
		}
		off := ""
		for _, c := range d.DeviceComponents() {
			if c.Security == nil || c.Security.RemoteService == nil || c.Security.RemoteService.Supported == nil {
				continue
			}
			if *c.Security.RemoteService.Supported {
				return "", ""
			}
			off = c.Path + ".security.remoteService.supported"
		}
		if off != "" {
			return "n/a", off
		}
		return "", ""
	}
}

// The kinds of software of CSUP-2 to CSUP-5 a component contains.
func hasOS(c model.ComponentAt) bool       { return c.Platform != nil && c.Platform.OS != "" }
func hasFirmware(c model.ComponentAt) bool { return !c.Kind.SoftwareOnly() }
func hasOTS(c model.ComponentAt) bool      { return c.SBOM != "" }
func hasAntiMalware(c model.ComponentAt) bool {
	return c.Security != nil && c.Security.MalwareProtection == "anti-malware"
}

// updateFact answers how one kind of software is updated, from the
// update mechanism of the components that contain it: the model states
// one mechanism per component, for all its software.
func updateFact(has func(model.ComponentAt) bool, fact func(*model.Update) (*bool, string)) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if !has(c) || c.Security == nil || c.Security.Update == nil {
				return false, false, ""
			}
			v, path := fact(c.Security.Update)
			if v == nil {
				return false, false, ""
			}
			return *v, true, c.Path + ".security.update." + path
		})
	}
}

func ptr(b bool) *bool { return &b }

// operatorInstalls: the operator (its IT or clinical staff) starts
// updates.
func operatorInstalls(u *model.Update) (*bool, string) {
	if u.TriggeredBy == nil {
		return nil, ""
	}
	return ptr(slices.Contains(u.TriggeredBy, "it-administrator") || slices.Contains(u.TriggeredBy, "clinician")), "triggeredBy"
}

// manufacturerInstalls: only the manufacturer, its service or the
// device itself starts updates.
func manufacturerInstalls(u *model.Update) (*bool, string) {
	if u.TriggeredBy == nil {
		return nil, ""
	}
	only := !slices.ContainsFunc(u.TriggeredBy, func(a model.Actor) bool { return a != "manufacturer" && a != "service-personnel" && a != "automatic" })
	return ptr(only), "triggeredBy"
}

// remoteInstall: updates arrive over a network.
func remoteInstall(u *model.Update) (*bool, string) {
	if u.Channel == nil {
		return nil, ""
	}
	remote := slices.ContainsFunc(u.Channel, func(ch model.UpdateChannel) bool {
		return ch == "over-the-air" || ch == "network" || ch == "cloud-deployment" || ch == "app-store"
	})
	return ptr(remote), "channels"
}

func thirdPartyPatches(u *model.Update) (*bool, string) {
	return u.ThirdPartyPatches, "thirdPartyPatches"
}
