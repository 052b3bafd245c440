// Package ifu derives the security content the instructions for use must
// carry for operators (MDR Annex I 23.4(ab), MDCG 2019-16 §4.2) from a
// device model: which items a device needs, whether its model says the
// IFU states them, and what the model already knows that belongs in each,
// as a checklist a technical writer can fill.
package ifu

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
)

// Item is one entry of the IFU security checklist.
type Item struct {
	ID model.IFUItem `json:"id"`
	// Title says what the IFU must tell operators; Source where that is
	// asked.
	Title  string `json:"title"`
	Source string `json:"source"`
	// Needed is whether this device needs the item, and Why.
	Needed bool   `json:"needed"`
	Why    string `json:"why"`
	// Stated is whether the model says the IFU states it (ifu.states);
	// Known is false when the model says nothing of the IFU.
	Stated bool `json:"stated"`
	Known  bool `json:"known"`
	// Draft is what the model already knows that belongs in the item, one
	// line each, for the writer to check and word.
	Draft []string `json:"draft"`
}

// Group is a theme of the checklist, decided by one rule.
type Group string

// The checklist's themes.
const (
	Environment Group = "operating-environment"
	Updates     Group = "updates-and-support"
	Recovery    Group = "data-recovery-and-disposal"
	Duties      Group = "operator-duties"
)

// GroupOf is the theme an item belongs to.
func GroupOf(id model.IFUItem) Group {
	switch id {
	case model.IFUMinimumIT, model.IFUPorts, model.IFUSettings:
		return Environment
	case model.IFUUpdatePolicy, model.IFUEndOfSupport:
		return Updates
	case model.IFUBackupRestore, model.IFUDecommissioning:
		return Recovery
	}
	return Duties
}

// Checklist is the IFU security checklist of dev, in the order of
// model.IFUItem's values.
func Checklist(dev *model.Device) []Item {
	var stated []model.IFUItem
	known := dev.IFU != nil
	if known {
		stated = dev.IFU.States
	}
	var out []Item
	for _, v := range model.IFUItem("").Values() {
		id := model.IFUItem(v)
		it := item(dev, id)
		it.ID, it.Known, it.Stated = id, known, slices.Contains(stated, id)
		if it.Draft == nil {
			it.Draft = []string{}
		}
		out = append(out, it)
	}
	return out
}

func item(dev *model.Device, id model.IFUItem) Item {
	switch id {
	case model.IFUMinimumIT:
		return minimumIT(dev)
	case model.IFUPorts:
		return ports(dev)
	case model.IFUSettings:
		return settings(dev)
	case model.IFUUpdatePolicy:
		return updates(dev)
	case model.IFUEndOfSupport:
		return endOfSupport(dev)
	case model.IFUBackupRestore:
		return backup(dev)
	case model.IFUDecommissioning:
		return decommissioning(dev)
	case model.IFUOperatorDuties:
		return duties(dev)
	case model.IFUResidualRisks:
		return Item{Title: "Residual security risks and the warnings and precautions they call for", Source: "MDR Annex I Section 23.4(g)",
			Needed: true, Why: "every device with residual risks must disclose them; security risks are among them (MDCG 2019-16 §4.2)",
			Draft: residual(dev)}
	}
	return Item{Title: "How to report a suspected security incident or vulnerability to the manufacturer", Source: "MDCG 2019-16 §4.2",
		Needed: true, Why: "operators must know whom to tell, and their own incident reporting (NIS2 Article 23) starts there",
		Draft: contacts(dev)}
}

func minimumIT(dev *model.Device) Item {
	it := Item{Title: "Minimum IT environment: hardware, network characteristics and IT-security measures the device relies on", Source: "MDR Annex I Section 23.4(ab)"}
	for _, c := range dev.DeviceComponents() {
		if p := c.Component.Platform; p != nil && p.OS != "" {
			it.Draft = append(it.Draft, fmt.Sprintf("%s runs on %s", c.Component.Name, strings.TrimSpace(p.OS+" "+p.Version)))
		}
		for _, in := range c.Component.Interfaces {
			if in.Kind.Network() && in.Exposure != "" {
				it.Draft = append(it.Draft, fmt.Sprintf("%s/%s is reachable from %s", c.Component.ID, in.ID, in.Exposure.From()))
			}
		}
	}
	it.Needed = len(it.Draft) > 0 || hasInterfaces(dev)
	it.Why = "the device runs software or connects to other systems (MDR Annex I 17.4)"
	if !it.Needed {
		it.Why = "no software platform or interface in the model"
	}
	return it
}

func ports(dev *model.Device) Item {
	it := Item{Title: "Network ports, protocols and the peers each interface talks to", Source: "MDCG 2019-16 §4.2"}
	for _, c := range dev.DeviceComponents() {
		for _, in := range c.Component.Interfaces {
			if !in.Kind.Network() {
				continue
			}
			line := fmt.Sprintf("%s/%s: %s", c.Component.ID, in.ID, in.Kind)
			if in.Port != nil {
				line += fmt.Sprintf(", port %d", *in.Port)
			}
			if len(in.Protocols) > 0 {
				ps := make([]string, len(in.Protocols))
				for i, p := range in.Protocols {
					ps[i] = string(p)
				}
				line += ", " + strings.Join(ps, ", ")
			}
			if len(in.ConnectsTo) > 0 {
				line += ", to " + strings.Join(in.ConnectsTo, ", ")
			}
			it.Draft = append(it.Draft, line)
		}
	}
	it.Needed = len(it.Draft) > 0
	it.Why = fmt.Sprintf("%d network interface%s: the hospital needs them for its firewall rules and segmentation (MDCG 2019-16 §2.5)", len(it.Draft), plural(len(it.Draft)))
	if !it.Needed {
		it.Why = "no network interface in the model"
	}
	return it
}

func settings(dev *model.Device) Item {
	it := Item{Title: "Security settings: secure configuration, accounts and roles, what each setting does and its safe default", Source: "MDCG 2019-16 §4.2"}
	for _, c := range dev.DeviceComponents() {
		a := c.Component.AccessControl
		if a == nil {
			continue
		}
		if len(a.Roles) > 0 {
			names := make([]string, len(a.Roles))
			for i, r := range a.Roles {
				names[i] = r.Name
			}
			it.Draft = append(it.Draft, fmt.Sprintf("%s roles: %s", c.Component.ID, strings.Join(names, ", ")))
		}
		if a.SessionTimeoutMinutes != nil {
			it.Draft = append(it.Draft, fmt.Sprintf("%s session timeout: %d minutes", c.Component.ID, *a.SessionTimeoutMinutes))
		}
	}
	for _, c := range dev.DeviceComponents() {
		for _, in := range c.Component.Interfaces {
			if in.CanBeDisabled != nil && *in.CanBeDisabled {
				it.Draft = append(it.Draft, fmt.Sprintf("%s/%s can be disabled when unused", c.Component.ID, in.ID))
			}
		}
	}
	it.Needed = hasInterfaces(dev) || len(it.Draft) > 0
	it.Why = "operators configure access and interfaces; the IFU says how to keep them secure"
	if !it.Needed {
		it.Why = "no interface or access control in the model"
	}
	return it
}

func updates(dev *model.Device) Item {
	it := Item{Title: "Update and patch policy: how security updates arrive, who installs them, and how fast critical fixes come", Source: "MDCG 2019-16 §4.2"}
	for _, c := range dev.DeviceComponents() {
		s := c.Component.Security
		if s == nil || s.Update == nil || s.Update.Supported == nil || !*s.Update.Supported {
			continue
		}
		line := c.Component.ID + " is updated"
		if len(s.Update.Channel) > 0 {
			ch := make([]string, len(s.Update.Channel))
			for i, x := range s.Update.Channel {
				ch[i] = string(x)
			}
			line += " over " + strings.Join(ch, ", ")
		}
		if len(s.Update.TriggeredBy) > 0 {
			by := make([]string, len(s.Update.TriggeredBy))
			for i, x := range s.Update.TriggeredBy {
				by[i] = string(x)
			}
			line += ", started by " + strings.Join(by, ", ")
		}
		it.Draft = append(it.Draft, line)
	}
	if l := dev.Lifecycle; l != nil {
		if l.PatchCadenceDays != nil {
			it.Draft = append(it.Draft, fmt.Sprintf("regular security updates every %d days", *l.PatchCadenceDays))
		}
		if l.CriticalPatchDays != nil {
			it.Draft = append(it.Draft, fmt.Sprintf("critical vulnerabilities fixed within %d days", *l.CriticalPatchDays))
		}
	}
	it.Needed = hasSoftware(dev)
	it.Why = "the device has software that will need security updates (MDCG 2019-16 §3.8)"
	if !it.Needed {
		it.Why = "no software in the model"
	}
	return it
}

func endOfSupport(dev *model.Device) Item {
	it := Item{Title: "End of security support: until when updates come, and what operators should plan for after it", Source: "MDCG 2019-16 §4.2",
		Needed: true, Why: "hospitals plan replacement by the date security support ends (MDCG 2019-16 §3.8)"}
	if l := dev.Lifecycle; l != nil && l.EndOfSupport != "" {
		it.Draft = append(it.Draft, "security support until "+string(l.EndOfSupport))
	}
	for _, c := range dev.DeviceComponents() {
		if p := c.Component.Platform; p != nil && p.EndOfSupport != "" {
			it.Draft = append(it.Draft, fmt.Sprintf("%s platform %s supported by its vendor until %s", c.Component.ID, strings.TrimSpace(p.OS+" "+p.Version), p.EndOfSupport))
		}
	}
	return it
}

func backup(dev *model.Device) Item {
	it := Item{Title: "Backup and restore of data and configuration, and recovery after an incident", Source: "MDCG 2019-16 §4.2"}
	for _, c := range dev.DeviceComponents() {
		if s := c.Component.Security; s != nil && s.Backup != nil && s.Backup.Supported != nil && *s.Backup.Supported {
			it.Draft = append(it.Draft, c.Component.ID+" supports backup and restore")
		}
	}
	stored := storedData(dev)
	it.Needed = len(stored) > 0 || len(it.Draft) > 0
	it.Why = "the device stores " + strings.Join(stored, ", ") + "; operators must be able to recover it (GDPR Article 32)"
	if len(stored) == 0 {
		it.Why = "the device supports backup"
		if !it.Needed {
			it.Why = "no data stored on the device in the model"
		}
	}
	return it
}

func decommissioning(dev *model.Device) Item {
	it := Item{Title: "Decommissioning: how to erase patient data, credentials and keys before disposal or return", Source: "MDCG 2019-16 §4.2"}
	stored := storedData(dev)
	for _, a := range dev.DataAssets {
		if len(a.StoredOn) > 0 {
			it.Draft = append(it.Draft, fmt.Sprintf("erase %s (%s) on %s", a.ID, a.Kind, strings.Join(a.StoredOn, ", ")))
		}
	}
	it.Needed = len(stored) > 0
	it.Why = "the device stores " + strings.Join(stored, ", ") + ", which must not leave with it"
	if !it.Needed {
		it.Why = "no data stored on the device in the model"
	}
	return it
}

func duties(dev *model.Device) Item {
	it := Item{Title: "What operators, integrators and users must do to keep the device secure (joint responsibility)", Source: "MDCG 2019-16 §2.6",
		Needed: true, Why: "the device relies on its environment for some protection, and operators must know what they answer for"}
	for _, r := range dev.Responsibilities {
		it.Draft = append(it.Draft, fmt.Sprintf("%s (%s): %s", r.Party, r.Area, r.Expectation))
	}
	return it
}

func residual(dev *model.Device) []string {
	var out []string
	for _, c := range dev.DeviceComponents() {
		for _, in := range c.Component.Interfaces {
			var weak []string
			if e := in.Encryption; e != nil && e.InTransit != nil && !*e.InTransit {
				weak = append(weak, "unencrypted")
			}
			if a := in.Authentication; a != nil && a.Required != nil && !*a.Required {
				weak = append(weak, "unauthenticated")
			}
			if len(weak) > 0 {
				out = append(out, fmt.Sprintf("%s/%s is %s: protect it by the network around it", c.Component.ID, in.ID, strings.Join(weak, " and ")))
			}
		}
	}
	for _, d := range dev.Dispositions {
		if d.Decision == model.DecisionAccept || d.Decision == model.DecisionMitigate {
			line := fmt.Sprintf("%s: %s", d.Vulnerability, d.Decision)
			if d.Mitigation != "" {
				line += " (" + strings.TrimRight(d.Mitigation, ".") + ")"
			}
			out = append(out, line)
		}
	}
	return out
}

func contacts(dev *model.Device) []string {
	var out []string
	if l := dev.Lifecycle; l != nil {
		if d := l.VulnerabilityDisclosure; d != nil {
			if d.Contact != "" {
				out = append(out, "report vulnerabilities to "+d.Contact)
			}
			if d.URL != "" {
				out = append(out, "disclosure policy: "+d.URL)
			}
		}
		if v := l.Vigilance; v != nil && v.FieldSafetyNoticeChannel != "" {
			out = append(out, "field safety notices arrive by "+v.FieldSafetyNoticeChannel)
		}
	}
	return out
}

// storedData names the kinds of data the model stores on a component.
func storedData(dev *model.Device) []string {
	set := map[string]bool{}
	for _, a := range dev.DataAssets {
		if len(a.StoredOn) > 0 {
			set[string(a.Kind)] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hasInterfaces(dev *model.Device) bool {
	for _, c := range dev.DeviceComponents() {
		if len(c.Component.Interfaces) > 0 {
			return true
		}
	}
	return false
}

func hasSoftware(dev *model.Device) bool {
	for _, c := range dev.DeviceComponents() {
		if c.Component.Kind.SoftwareOnly() || c.Component.Platform != nil || c.Component.SBOM != "" || c.Component.Security != nil && c.Component.Security.Update != nil {
			return true
		}
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
