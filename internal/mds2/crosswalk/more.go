package crosswalk

import (
	"fmt"
	"slices"

	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Facts is the mapping, in the form's order of sections and numbers.
var Facts = inFormOrder(slices.Concat(baseFacts, moreFacts, auditFacts, designFacts))

// inFormOrder sorts facts by their question's place on the form.
func inFormOrder(fs []Fact) []Fact {
	slices.SortStableFunc(fs, func(a, b Fact) int { return hn2019.Position(a.ID) - hn2019.Position(b.ID) })
	return fs
}

// moreFacts decide questions from facts the model states for other
// purposes: data flows, interfaces, documents, the IFU and the
// lifecycle. Where a fact can only show that something exists, the
// answer is yes or undecided, never no: a model need not list every flow.
var moreFacts = []Fact{
	{"MPII-2", func(d *model.Device) (string, string) {
		devs := deviceIDs(d)
		ans, at := "", ""
		for i, a := range d.DataAssets {
			if !personal(a) || len(a.StoredOn) == 0 {
				continue
			}
			for _, on := range a.StoredOn {
				if devs[on] {
					return "yes", fmt.Sprintf("dataAssets[%d].storedOn", i)
				}
			}
			ans, at = "no", fmt.Sprintf("dataAssets[%d].storedOn", i)
		}
		return ans, at
	}},
	{"MPII-2.6", personalFlow(func(model.InterfaceAt) bool { return true })},
	{"MPII-3", personalFlow(func(model.InterfaceAt) bool { return true })},
	{"MPII-3.3", personalFlow(func(f model.InterfaceAt) bool { return f.Kind == "removable-media" })},
	{"MPII-3.4", personalFlow(func(f model.InterfaceAt) bool { return f.Kind == "usb" || f.Kind == "serial" })},
	{"MPII-3.5", personalFlow(func(f model.InterfaceAt) bool { return f.Kind == "wired-network" })},
	{"MPII-3.6", personalFlow(func(f model.InterfaceAt) bool { return f.Kind.Wireless() })},
	{"MPII-3.7", personalFlow(func(f model.InterfaceAt) bool { return f.Exposure == model.ExposureInternet })},
	{"MPII-3.9", personalFlow(func(f model.InterfaceAt) bool { return slices.Contains(f.Protocols, "proprietary") })},
	{"AUDT-1", auditFact("enabled", func(a *model.AuditLogging) *bool { return a.Enabled })},
	{"CSUP-2", func(d *model.Device) (string, string) {
		for _, c := range d.DeviceComponents() {
			if c.Platform != nil && c.Platform.OS != "" {
				return "yes", c.Path + ".platform.os"
			}
		}
		return "", ""
	}},
	{"CSUP-11", func(d *model.Device) (string, string) {
		if len(d.Dispositions) > 0 {
			return "yes", "dispositions"
		}
		return "", ""
	}},
	{"CSUP-11.2", func(d *model.Device) (string, string) {
		if l := d.Lifecycle; l != nil && l.PatchCadenceDays != nil && *l.PatchCadenceDays > 0 {
			return "yes", "lifecycle.patchCadenceDays"
		}
		return "", ""
	}},
	{"NAUT-3", func(d *model.Device) (string, string) {
		for _, f := range d.DeviceInterfaces() {
			if a := f.Authentication; a != nil && (slices.Contains(a.Methods, "certificate") || slices.Contains(a.Methods, "mutual-tls")) {
				return "yes", f.Path + ".authentication.methods"
			}
		}
		return "", ""
	}},
	{"CONN-1", func(d *model.Device) (string, string) {
		if fs := d.DeviceInterfaces(); len(fs) > 0 {
			return "yes", fs[0].Path + ".kind"
		}
		return "", ""
	}},
	{"CONN-1.1.3", interfaceKindFact(func(k model.InterfaceKind) bool { return k == "cellular" || k == "mics" })},
	{"CONN-1.1.4", interfaceKindFact(func(k model.InterfaceKind) bool { return k == "nfc" || k == "inductive" })},
	{"CONN-1.2", interfaceKindFact(func(k model.InterfaceKind) bool {
		return k == "wired-network" || k == "usb" || k == "serial" || k == "removable-media" || k == "internal-bus"
	})},
	{"CONN-1.2.4", interfaceKindFact(func(k model.InterfaceKind) bool { return k == "serial" || k == "internal-bus" })},
	{"CONN-2", ifuStates(model.IFUPorts)},
	{"PAUT-14", func(d *model.Device) (string, string) {
		devs := deviceIDs(d)
		for i, a := range d.DataAssets {
			if a.Kind == "credentials" && slices.ContainsFunc(a.StoredOn, func(on string) bool { return devs[on] }) {
				return "yes", fmt.Sprintf("dataAssets[%d].storedOn", i)
			}
		}
		return "", ""
	}},
	{"PLOK-1", softwareOnly},
	{"RDMP-4", func(d *model.Device) (string, string) {
		for _, c := range d.DeviceComponents() {
			if s := c.SBOMSupport; s != nil && (s.Default != nil && s.Default.EndOfSupport != "" || len(s.Overrides) > 0) {
				return "yes", c.Path + ".sbomSupport"
			}
		}
		return "", ""
	}},
	{"SAHD-5.1", roles},
	{"SGUD-1", func(d *model.Device) (string, string) {
		for i, doc := range d.Documents {
			if doc.Kind == "security-manual" || doc.Kind == "ifu-security-section" {
				return "yes", fmt.Sprintf("documents[%d].kind", i)
			}
		}
		return "", ""
	}},
	{"SGUD-2", ifuStates(model.IFUDecommissioning)},
	{"TXCF-1", func(d *model.Device) (string, string) {
		ans, at := "", ""
		for _, fl := range personalFlows(d) {
			if fl.Kind.Network() || fl.Kind.Wireless() {
				return "no", fl.Path + ".kind"
			}
			if fl.Kind == "usb" || fl.Kind == "serial" {
				ans, at = "yes", fl.Path+".kind"
			}
		}
		return ans, at
	}},
	{"RMOT-1", func(d *model.Device) (string, string) {
		for _, f := range d.DeviceInterfaces() {
			for _, p := range f.Protocols {
				if p == "rdp" || p == "vnc" || p == "ssh" || p == "telnet" {
					return "yes", f.Path + ".protocols"
				}
			}
		}
		// Otherwise as the components state it: a remote-access protocol
		// above still makes it yes.
		return anyComponent(d, func(c model.ComponentAt) (bool, bool, string) {
			if c.Security == nil || c.Security.RemoteService == nil || c.Security.RemoteService.Supported == nil {
				return false, false, ""
			}
			return *c.Security.RemoteService.Supported, true, c.Path + ".security.remoteService.supported"
		})
	}},
}

// personal reports whether a data asset is personal data.
func personal(a model.DataAsset) bool {
	return a.Kind == "personal-health-data" || a.Kind == "diagnostic-images"
}

func deviceIDs(d *model.Device) map[string]bool {
	ids := map[string]bool{}
	for _, c := range d.DeviceComponents() {
		ids[c.ID] = true
	}
	return ids
}

// personalFlows are the interfaces of device components that carry a
// data flow of personal data.
func personalFlows(d *model.Device) []model.InterfaceAt {
	kinds := map[string]bool{}
	for _, a := range d.DataAssets {
		if personal(a) {
			kinds[a.ID] = true
		}
	}
	var out []model.InterfaceAt
	for _, fl := range d.DataFlows {
		if !slices.ContainsFunc(fl.Assets, func(a string) bool { return kinds[a] }) {
			continue
		}
		carrier := fl.Carrier(d)
		for _, f := range d.DeviceInterfaces() {
			if f.Component.ID == carrier && f.ID == fl.Interface {
				out = append(out, f)
			}
		}
	}
	return out
}

// personalFlow answers yes when personal data flows over an interface of
// a device component that match selects; a model need not list every
// flow, so never no.
func personalFlow(match func(model.InterfaceAt) bool) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		for _, f := range personalFlows(d) {
			if match(f) {
				return "yes", f.Path
			}
		}
		return "", ""
	}
}

// ifuStates answers yes when the model says the IFU states item; the
// manufacturer may describe it in another document, so never no.
func ifuStates(item model.IFUItem) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		if d.IFU != nil && slices.Contains(d.IFU.States, item) {
			return "yes", "ifu.states"
		}
		return "", ""
	}
}

// auditFacts answer the audit questions from security.auditLogging:
// each event of AUDT-2.x is yes when listed in events and no when events
// are listed without it; with logging off, what it would log does not
// apply.
var auditFacts = []Fact{
	{"AUDT-1.1", auditFact("userIdentified", func(a *model.AuditLogging) *bool { return a.UserIdentified })},
	{"AUDT-2.1", auditEvent("login")},
	{"AUDT-2.2", auditEvent("failed-login")},
	{"AUDT-2.3", auditEvent("privilege-change")},
	{"AUDT-2.4", auditEvent("account-change")},
	{"AUDT-2.5", auditEvent("data-view")},
	{"AUDT-2.6", auditEvent("data-change")},
	{"AUDT-2.7", auditEvent("removable-media")},
	{"AUDT-2.8", auditEvent("network")},
	{"AUDT-2.8.1", auditEvent("remote-service")},
	{"AUDT-2.8.2", auditEvent("api")},
	{"AUDT-2.10", auditEvent("software-update")},
	{"AUDT-3", auditFact("configurable", func(a *model.AuditLogging) *bool { return a.Configurable })},
	{"AUDT-4.1.1", auditFact("timeSync", func(a *model.AuditLogging) *bool { return a.TimeSync })},
	{"AUDT-5.1", auditExport("physical-media")},
	{"AUDT-5.2", auditExport("ihe-atna")},
	{"AUDT-5.3", auditExport("other")},
	{"AUDT-5.4", auditFact("exportEncrypted", func(a *model.AuditLogging) *bool { return a.ExportEncrypted })},
	{"AUDT-6", auditFact("reviewable", func(a *model.AuditLogging) *bool { return a.Reviewable })},
	{"AUDT-7.1", auditFact("accessProtected", func(a *model.AuditLogging) *bool { return a.AccessProtected })},
}

// auditList answers from a list of security.auditLogging (events or
// exportTo): yes when a device component lists v, no when every
// component that lists them leaves it out; n/a when every component that
// states logging has it off.
func auditList(path string, v string, list func(*model.AuditLogging) []string) func(*model.Device) (string, string) {
	return func(d *model.Device) (string, string) {
		ans, at, off := "", "", ""
		for _, c := range d.DeviceComponents() {
			if c.Security == nil || c.Security.AuditLogging == nil {
				continue
			}
			a := c.Security.AuditLogging
			if a.Enabled != nil && !*a.Enabled {
				off = c.Path + ".security.auditLogging.enabled"
				continue
			}
			l := list(a)
			if l == nil {
				continue
			}
			p := c.Path + ".security.auditLogging." + path
			if slices.Contains(l, v) {
				return "yes", p
			}
			ans, at = "no", p
		}
		if ans == "" && off != "" {
			return "n/a", off
		}
		return ans, at
	}
}

func auditEvent(e model.AuditEvent) func(*model.Device) (string, string) {
	return auditList("events", string(e), func(a *model.AuditLogging) []string { return asStrings(a.Events) })
}

func auditExport(e model.AuditExport) func(*model.Device) (string, string) {
	return auditList("exportTo", string(e), func(a *model.AuditLogging) []string { return asStrings(a.ExportTo) })
}

// asStrings converts a list of a string type.
func asStrings[T ~string](l []T) []string {
	if l == nil {
		return nil
	}
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = string(v)
	}
	return out
}
