package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// comp is a component with its model path.
type comp struct {
	c    *model.Component
	path string
}

// deviceComponents returns the components the manufacturer answers for:
// every component but those declared non-devices.
func deviceComponents(d *model.Device) []comp {
	var out []comp
	for _, c := range d.DeviceComponents() {
		out = append(out, comp{c: c.Component, path: c.Path})
	}
	return out
}

// iface is an interface of a device component, with its model path.
type iface struct {
	comp
	in   *model.Interface
	path string
}

func (f iface) subject() string { return f.c.ID + "/" + f.in.ID }

// integrity is the interface's encryption.integrity; nil when unstated.
func (f iface) integrity() *bool {
	if f.in.Encryption == nil {
		return nil
	}
	return f.in.Encryption.Integrity
}

func interfaces(d *model.Device) []iface {
	var out []iface
	for _, f := range d.DeviceInterfaces() {
		out = append(out, iface{comp: comp{c: f.Component.Component, path: f.Component.Path}, in: f.Interface, path: f.Path})
	}
	return out
}

func isNetwork(k model.InterfaceKind) bool      { return k.Network() }
func isWireless(k model.InterfaceKind) bool     { return k.Wireless() }
func isPhysicalPort(k model.InterfaceKind) bool { return k.PhysicalPort() }
func isSoftwareOnly(c *model.Component) bool    { return c.Kind.SoftwareOnly() }

func hasProtocol(in *model.Interface, ps ...model.Protocol) bool { return in.Speaks(ps...) }

// personAuth reports whether methods authenticate a person (rather than a
// node).
func personAuth(methods []model.AuthMethod) bool {
	return slices.ContainsFunc(methods, model.AuthMethod.Person)
}

// facts returns a component's classification facts, or empty ones.
func facts(c *model.Component) model.Facts {
	if c.Classification == nil {
		return model.Facts{}
	}
	return *c.Classification
}

func isTrue(b *bool) bool  { return b != nil && *b }
func isFalse(b *bool) bool { return b != nil && !*b }

// activeImplant reports whether a component is an active implantable device.
func activeImplant(c *model.Component) bool {
	f := facts(c)
	return f.Invasiveness == "implantable" && isTrue(f.Active)
}

// critical reports whether a component delivers therapy a patient's life
// may depend on: an active implant, or hazardous energy or substance
// delivery, or a closed loop. Emergency access matters for these.
func critical(c *model.Component) bool {
	f := facts(c)
	return activeImplant(c) || f.TherapeuticEnergy == "hazardous" || f.Substances == "hazardous" || isTrue(f.ClosedLoop)
}

// criticalDevice reports whether the device has a critical component or is
// declared life-supporting.
func criticalDevice(in *catalog.Input) bool {
	if p := in.Device.IntendedPurpose; p != nil && slices.Contains(p.MedicalPurposes, "life-support") {
		return true
	}
	for _, c := range deviceComponents(in.Device) {
		if critical(c.c) {
			return true
		}
	}
	return false
}

// therapyCapable reports whether a component can deliver or steer therapy,
// so that whether its interfaces change therapy matters.
func therapyCapable(c *model.Component) bool {
	f := facts(c)
	switch {
	case critical(c), f.TherapeuticEnergy == "non-hazardous", f.Substances == "non-hazardous":
		return true
	case len(f.Controls) > 0, len(f.Drives) > 0:
		return true
	}
	switch c.Kind {
	case "implant", "programmer", "infusion-pump", "insulin-pump":
		return true
	}
	return false
}

// storesAsset reports whether component id stores an asset of one of kinds,
// with the asset paths.
func storesAsset(d *model.Device, id string, kinds ...model.AssetKind) (paths []string) {
	for i, a := range d.DataAssets {
		if !slices.Contains(kinds, a.Kind) {
			continue
		}
		for k, s := range a.StoredOn {
			if s == id {
				paths = append(paths, fmt.Sprintf("dataAssets[%d].storedOn[%d]", i, k))
			}
		}
	}
	return paths
}

// result builders.

func pass(subject, detail string, ev ...evidence.ID) catalog.Result {
	return catalog.Result{Subject: subject, Status: catalog.Pass, Detail: detail, Evidence: ev}
}

func fail(subject, detail string, ev ...evidence.ID) catalog.Result {
	return catalog.Result{Subject: subject, Status: catalog.Fail, Detail: detail, Evidence: ev}
}

func unknown(subject string, missing ...string) catalog.Result {
	return catalog.Result{Subject: subject, Status: catalog.Unknown, Detail: "not stated in the model: " + strings.Join(missing, ", ")}
}

func notApplicable(subject, detail string) catalog.Result {
	return catalog.Result{Subject: subject, Status: catalog.NotApplicable, Detail: detail}
}

// boolCheck is the common shape "this yes/no fact must be true".
func boolCheck(in *catalog.Input, subject, path string, b *bool, passText, failText string, ev ...evidence.ID) catalog.Result {
	id, ok := in.CiteBool(path, b)
	switch {
	case !ok:
		return unknown(subject, path)
	case *b:
		return pass(subject, passText, append(ev, id)...)
	default:
		return fail(subject, failText, append(ev, id)...)
	}
}

// documents returns the documents of the given kinds, with their paths.
func documents(d *model.Device, kinds ...model.DocumentKind) (paths []string) {
	for i, doc := range d.Documents {
		if slices.Contains(kinds, doc.Kind) {
			paths = append(paths, fmt.Sprintf("documents[%d]", i))
		}
	}
	return paths
}

// securityBlock selects a feature block of a component's security design
// (update, auditLogging) and its on/off switch.
type securityBlock[T any] func(s *model.SecurityDesign) (block *T, on *bool)

// switchCheck gives each software-bearing component a result on whether a
// security feature is switched on (security.<field>.<flag>).
func switchCheck[T any](in *catalog.Input, field, flag string, get securityBlock[T], passText, failText string) []catalog.Result {
	var out []catalog.Result
	for _, c := range deviceComponents(in.Device) {
		if !softwareBearing(c) {
			continue
		}
		var on *bool
		if c.c.Security != nil {
			_, on = get(c.c.Security)
		}
		out = append(out, boolCheck(in, c.c.ID, c.path+".security."+field+"."+flag, on, passText, failText))
	}
	return out
}

// gatedCheck runs check on each software-bearing component whose feature
// is switched on; a component whose switch is not stated is unknown, one
// whose feature is off is not applicable (offText says which rule covers
// that).
func gatedCheck[T any](in *catalog.Input, field, flag string, get securityBlock[T], offText string, check func(c comp, block *T, base string) catalog.Result) []catalog.Result {
	var out []catalog.Result
	for _, c := range deviceComponents(in.Device) {
		if !softwareBearing(c) {
			continue
		}
		base := c.path + ".security." + field
		var block *T
		var on *bool
		if c.c.Security != nil {
			block, on = get(c.c.Security)
		}
		switch {
		case on == nil:
			out = append(out, unknown(c.c.ID, base+"."+flag))
		case !*on:
			out = append(out, notApplicable(c.c.ID, offText))
		default:
			out = append(out, check(c, block, base))
		}
	}
	return out
}

// patientOperated reports whether a component is operated by the patient
// (or a lay carer) rather than by a healthcare provider: one worn, carried
// or kept at home.
func patientOperated(c *model.Component) bool {
	switch c.Kind {
	case "home-monitor", "wearable", "insulin-pump", "implant":
		return true
	}
	return false
}
