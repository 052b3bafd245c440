package model

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

var (
	idPattern     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`) })
	sha256Pattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-fA-F]{64}$`) })
	imdrfPattern  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-G][0-9]{2,8}$`) })
)

// validate checks what the types alone cannot: identifiers, references
// between entries, and the structure of relations.
func validate(dev *Device, errs *ErrorList) {
	v := validator{dev: dev, errs: errs, comps: map[string]int{}, ext: map[string]int{}}
	v.identifiers()
	v.references()
	v.cycles()
	v.dispositions(0)
	v.imdrfCodes()
}

// imdrfCodes checks the form of the IMDRF adverse-event codes a
// vigilance procedure names: a letter of the annexes A to G and 2 to 8
// digits.
func (v *validator) imdrfCodes() {
	l := v.dev.Lifecycle
	if l == nil || l.Vigilance == nil {
		return
	}
	for i, c := range l.Vigilance.IMDRFCodes {
		if !imdrfPattern().MatchString(c) {
			v.add(fmt.Sprintf("lifecycle.vigilance.imdrfCodes[%d]", i), "%q is not an IMDRF adverse-event code (a letter A to G and its digits, such as A1105 or C1007)", c)
		}
	}
}

type validator struct {
	dev   *Device
	errs  *ErrorList
	comps map[string]int // component ID -> index
	ext   map[string]int // external device ID -> index
}

func (v *validator) add(path, format string, args ...any) {
	p := v.dev.Pos(path)
	v.errs.add(p.Line, p.Column, path, fmt.Sprintf(format, args...))
}

func (v *validator) identifiers() {
	if len(v.dev.Components) == 0 {
		v.add("components", "components: a device model needs at least one component")
	}
	for i, c := range v.dev.Components {
		path := fmt.Sprintf("components[%d].id", i)
		if !idPattern().MatchString(c.ID) {
			v.add(path, "component id %q must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", c.ID)
			continue
		}
		if j, dup := v.comps[c.ID]; dup {
			v.add(path, "component id %q is already used by components[%d]", c.ID, j)
			continue
		}
		v.comps[c.ID] = i
		ifaces := map[string]bool{}
		for k, in := range c.Interfaces {
			ipath := fmt.Sprintf("components[%d].interfaces[%d].id", i, k)
			if !idPattern().MatchString(in.ID) {
				v.add(ipath, "interface id %q must be 1-64 letters, digits, '.', '_' or '-'", in.ID)
			} else if ifaces[in.ID] {
				v.add(ipath, "interface id %q is used twice in component %q", in.ID, c.ID)
			}
			ifaces[in.ID] = true
		}
	}
	for i, e := range v.dev.ExternalDevices {
		path := fmt.Sprintf("externalDevices[%d].id", i)
		if !idPattern().MatchString(e.ID) {
			v.add(path, "external device id %q must be 1-64 letters, digits, '.', '_' or '-'", e.ID)
			continue
		}
		if _, dup := v.comps[e.ID]; dup {
			v.add(path, "external device id %q is already a component id", e.ID)
			continue
		}
		if j, dup := v.ext[e.ID]; dup {
			v.add(path, "external device id %q is already used by externalDevices[%d]", e.ID, j)
			continue
		}
		v.ext[e.ID] = i
	}
	assets := map[string]bool{}
	for i, a := range v.dev.DataAssets {
		path := fmt.Sprintf("dataAssets[%d].id", i)
		if !idPattern().MatchString(a.ID) {
			v.add(path, "data asset id %q must be 1-64 letters, digits, '.', '_' or '-'", a.ID)
		} else if assets[a.ID] {
			v.add(path, "data asset id %q is used twice", a.ID)
		}
		assets[a.ID] = true
	}
	for i, d := range v.dev.Documents {
		if d.SHA256 != "" && !sha256Pattern().MatchString(d.SHA256) {
			v.add(fmt.Sprintf("documents[%d].sha256", i), "sha256 must be 64 hexadecimal digits")
		}
	}
}

// component returns the component with id, or nil.
func (v *validator) component(id string) *Component {
	if i, ok := v.comps[id]; ok {
		return &v.dev.Components[i]
	}
	return nil
}

func (v *validator) refComponent(path, id string) {
	if _, ok := v.comps[id]; !ok {
		v.add(path, "%q is not a component id%s", id, suggest(id, keysOf(v.comps)))
	}
}

func (v *validator) refDevice(path, id, self string) {
	if id == self {
		v.add(path, "component %q cannot refer to itself", id)
		return
	}
	_, isComp := v.comps[id]
	_, isExt := v.ext[id]
	if !isComp && !isExt {
		v.add(path, "%q is neither a component nor an external device id%s", id, suggest(id, append(keysOf(v.comps), keysOf(v.ext)...)))
	}
}

func (v *validator) references() {
	for i, c := range v.dev.Components {
		base := fmt.Sprintf("components[%d]", i)
		switch c.Role {
		case "part":
			if c.PartOf == "" {
				v.add(base+".role", "component %q has role part but no partOf naming the component it belongs to", c.ID)
			} else if c.PartOf == c.ID {
				v.add(base+".partOf", "component %q cannot be a part of itself", c.ID)
			} else {
				v.refComponent(base+".partOf", c.PartOf)
			}
		default:
			if c.PartOf != "" {
				v.add(base+".partOf", "partOf is only meaningful with role part (role is %q)", c.Role)
			}
		}
		if c.Role == "accessory" && (c.Classification == nil || len(c.Classification.AccessoryOf) == 0) {
			v.add(base+".role", "component %q has role accessory but no classification.accessoryOf naming the device it is an accessory of", c.ID)
		}
		if f := c.Classification; f != nil {
			for k, id := range f.AccessoryOf {
				v.refDevice(fmt.Sprintf("%s.classification.accessoryOf[%d]", base, k), id, c.ID)
			}
			for k, id := range f.Controls {
				v.refDevice(fmt.Sprintf("%s.classification.controls[%d]", base, k), id, c.ID)
			}
			for k, id := range f.Drives {
				v.refDevice(fmt.Sprintf("%s.classification.drives[%d]", base, k), id, c.ID)
			}
		}
		for k, in := range c.Interfaces {
			for m, id := range in.ConnectsTo {
				v.refDevice(fmt.Sprintf("%s.interfaces[%d].connectsTo[%d]", base, k, m), id, c.ID)
			}
			// Mutual authentication is between this end and its peers:
			// claimed with no peer, nobody can check whom it covers.
			if a := in.Authentication; a != nil && a.Mutual != nil && *a.Mutual && len(in.ConnectsTo) == 0 {
				v.add(fmt.Sprintf("%s.interfaces[%d].authentication.mutual", base, k), "interface %s/%s claims mutual authentication but connects to nothing; name the components or external devices at the other end in connectsTo", c.ID, in.ID)
			}
		}
	}
	assets := map[string]bool{}
	for i, a := range v.dev.DataAssets {
		assets[a.ID] = true
		for k, id := range a.StoredOn {
			v.refComponent(fmt.Sprintf("dataAssets[%d].storedOn[%d]", i, k), id)
		}
	}
	for i, fl := range v.dev.DataFlows {
		base := fmt.Sprintf("dataFlows[%d]", i)
		v.refDevice(base+".from", fl.From, "")
		v.refDevice(base+".to", fl.To, "")
		_, fromExt := v.ext[fl.From]
		_, toExt := v.ext[fl.To]
		if fromExt && toExt {
			v.add(base, "the flow from %q to %q joins two external devices; a data flow starts or ends at a component", fl.From, fl.To)
		}
		// The interface is the sender's, or the receiver's when the sender
		// is an external device.
		owner, peer := fl.From, fl.To
		if fromExt {
			owner, peer = fl.To, fl.From
		}
		if fl.Interface != "" {
			if c := v.component(owner); c != nil {
				in := findInterface(c, fl.Interface)
				switch {
				case in == nil:
					v.add(base+".interface", "component %q has no interface %q", owner, fl.Interface)
				case in.ConnectsTo != nil && !slices.Contains(in.ConnectsTo, peer) && fl.To != fl.From:
					// An interface whose peers are not stated may carry
					// the flow; one whose peers are stated must reach the
					// other end.
					peers := "connects to nothing (connectsTo: [])"
					if len(in.ConnectsTo) > 0 {
						peers = "connects to " + strings.Join(in.ConnectsTo, ", ")
					}
					v.add(base+".interface", "the flow from %q to %q goes over %s/%s, which %s; add %q to its connectsTo or name the interface that joins them", fl.From, fl.To, owner, fl.Interface, peers, peer)
				}
			}
		}
		if len(fl.Assets) == 0 {
			v.add(base+".assets", "a data flow must carry at least one data asset")
		}
		for k, id := range fl.Assets {
			if !assets[id] {
				v.add(fmt.Sprintf("%s.assets[%d]", base, k), "%q is not a data asset id%s", id, suggest(id, keysOf(toSet(v.dev.DataAssets))))
			}
		}
	}
}

// dispositions checks the dispositions from index from on: components
// that exist, one disposition per vulnerability and component, and no
// decision that contradicts its own analysis.
func (v *validator) dispositions(from int) {
	seen := map[string]int{}
	for i, d := range v.dev.Dispositions {
		base := fmt.Sprintf("dispositions[%d]", i)
		comps := d.Components
		if len(comps) == 0 {
			comps = []string{"*"}
		}
		for _, c := range comps {
			k := strings.ToUpper(strings.TrimSpace(d.Vulnerability)) + "\x00" + c
			if j, dup := seen[k]; dup && i >= from {
				v.add(base+".vulnerability", "%s is disposed twice for %s (also at %s); keep one decision per vulnerability and component", d.Vulnerability, orAll(c), v.dev.Pos(fmt.Sprintf("dispositions[%d]", j)))
			}
			seen[k] = i
		}
		if i < from {
			continue
		}
		for k, id := range d.Components {
			v.refComponent(fmt.Sprintf("%s.components[%d]", base, k), id)
		}
		if d.Decision == DecisionNotAffected && d.Exploitable != nil && *d.Exploitable {
			v.add(base+".decision", "%s is analysed as exploitable (exploitable: true) but decided not-affected; decide fix, mitigate or accept", d.Vulnerability)
		}
		if d.Justification != "" && d.Decision != DecisionNotAffected {
			v.add(base+".justification", "a VEX justification says why a product is not affected; %s is decided %s", d.Vulnerability, d.Decision)
		}
	}
}

func orAll(c string) string {
	if c == "*" {
		return "every component"
	}
	return c
}

// cycles refuses relations that loop (A drives B drives A): classification
// of a component that takes another's class would never end.
func (v *validator) cycles() {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(v.dev.Components))
	var visit func(i int, trail []string) bool
	visit = func(i int, trail []string) bool {
		color[i] = grey
		c := v.dev.Components[i]
		trail = append(trail, c.ID)
		if f := c.Classification; f != nil {
			for _, id := range concat(f.AccessoryOf, f.Controls, f.Drives) {
				j, ok := v.comps[id]
				if !ok {
					continue
				}
				switch color[j] {
				case grey:
					v.add(fmt.Sprintf("components[%d].classification", i), "relations form a cycle: %s -> %s", strings.Join(trail, " -> "), id)
					return false
				case white:
					if !visit(j, trail) {
						return false
					}
				}
			}
		}
		color[i] = black
		return true
	}
	for i := range v.dev.Components {
		if color[i] == white && !visit(i, nil) {
			return
		}
	}
}

// checkFiles reports SBOM files that do not exist, relative to dir, and
// are not held.
func checkFiles(dev *Device, dir string, held func(string) bool, errs *ErrorList) {
	for i, c := range dev.Components {
		if c.SBOM == "" {
			continue
		}
		p := c.SBOM
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if held != nil && held(p) {
			continue
		}
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			path := fmt.Sprintf("components[%d].sbom", i)
			pos := dev.Pos(path)
			errs.add(pos.Line, pos.Column, path, fmt.Sprintf("SBOM file %q not found", c.SBOM))
		}
	}
}

func findInterface(c *Component, id string) *Interface {
	for i := range c.Interfaces {
		if c.Interfaces[i].ID == id {
			return &c.Interfaces[i]
		}
	}
	return nil
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func keysOf(m map[string]int) []string { return sortedKeys(m) }

func toSet(assets []DataAsset) map[string]int {
	m := map[string]int{}
	for i, a := range assets {
		m[a.ID] = i
	}
	return m
}

func suggest(s string, candidates []string) string {
	if near := closest(s, candidates); near != "" {
		return fmt.Sprintf(" (did you mean %q?)", near)
	}
	return ""
}
