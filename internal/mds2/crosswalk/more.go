package crosswalk

import (
	"fmt"
	"slices"

	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Facts is the mapping, in the form's order of sections and numbers.
var Facts = inFormOrder(append(baseFacts, moreFacts...))

// inFormOrder sorts facts by their question's place on the form.
func inFormOrder(fs []Fact) []Fact {
	at := func(id string) int {
		return slices.IndexFunc(hn2019.Questions, func(q hn2019.Question) bool { return q.ID == id })
	}
	slices.SortStableFunc(fs, func(a, b Fact) int { return at(a.ID) - at(b.ID) })
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
		return "", ""
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
