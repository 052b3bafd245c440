package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/vex"
	"github.com/mdcheck/mdcheck/internal/vexout"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
	"github.com/package-url/packageurl-go"
)

// Vulns is what a run matches the components' SBOMs against.
type Vulns struct {
	DB *store.DB
	// Overlay, when not nil, holds records of the caller's own (an
	// organisation's imported advisories) matched beside DB's.
	Overlay *store.DB
	// VEX statements mark matches: not affected or fixed ones are
	// waived, visibly.
	VEX []vuln.VEXStatement
	// Data identifies the database in the report.
	Data report.Data
	// Packages are those of every SBOM matched, as the matcher read them.
	Packages []vuln.Package
}

// vulnEvidence matches each readable component SBOM against the database,
// weighs every match for patients and marks it with the VEX statement
// that covers it.
func vulnEvidence(ctx context.Context, dev *model.Device, cl *classify.Classification, docs map[string]*sbom.Document, v *Vulns, ev *evidence.Set) error {
	st, err := v.DB.Status()
	if err != nil {
		return err
	}
	ev.SetVulnDatabase(evidence.VulnDatabase{Hash: st.Hash, Newest: st.Newest, Sources: st.Sources, KEV: st.KEV > 0, EPSS: st.EPSS > 0})
	class := componentClasses(cl)
	for i := range dev.Components {
		c := &dev.Components[i]
		doc, ok := docs[c.ID]
		if !ok {
			continue
		}
		pkgs := packages(doc)
		v.Packages = append(v.Packages, pkgs...)
		ms, cov, err := v.DB.ScanOverlay(ctx, pkgs, v.Overlay)
		if err != nil {
			return fmt.Errorf("matching the SBOM of %s: %w", c.ID, damaged(err))
		}
		vex.Apply(ms, pkgs, v.VEX)
		weigh(ms, c, class[c.ID])
		res := evidence.Vulnerabilities{Component: c.ID, Path: fmt.Sprintf("components[%d].sbom", i), Packages: len(pkgs), Found: evidence.Group(ms, pkgs)}
		for _, x := range cov {
			switch x.Status {
			case vuln.Checked:
				res.Checked++
			case vuln.NoData:
				res.NoData++
			default:
				res.NotCheckable++
			}
		}
		ev.AddVulnerabilities(res)
	}
	return nil
}

// unmatchedDispositions names each disposition whose vulnerability was
// found in none of the components it concerns, among those whose SBOM was
// matched: fixed since, or misspelt. A disposition for a component whose
// SBOM could not be matched says nothing yet, and is not named.
func unmatchedDispositions(dev *model.Device, ev *evidence.Set) []string {
	var out []string
	for i, d := range dev.Dispositions {
		comps := d.Components
		if len(comps) == 0 {
			for _, c := range dev.Components {
				comps = append(comps, c.ID)
			}
		}
		matched, found := false, false
		for _, c := range comps {
			v, ok := ev.Vulnerabilities(c)
			if !ok || v.Err != "" {
				continue
			}
			matched = true
			for _, f := range v.Found {
				if strings.EqualFold(f.ID, strings.TrimSpace(d.Vulnerability)) || slices.ContainsFunc(f.Aliases, func(a string) bool { return strings.EqualFold(a, strings.TrimSpace(d.Vulnerability)) }) {
					found = true
				}
			}
		}
		if matched && !found {
			path := fmt.Sprintf("dispositions[%d]", i)
			out = append(out, fmt.Sprintf("%s: the disposition of %s matches no vulnerability found in %s: fixed since, or misspelt?", dev.Pos(path), d.Vulnerability, strings.Join(comps, ", ")))
		}
	}
	return out
}

// AdvisorySubjects are what advisories that name products in words are
// matched against: the device's identity, and each of its components.
func AdvisorySubjects(dev *model.Device) []evidence.DeviceAdvisories {
	product := strings.TrimSpace(dev.Identity.Product + " " + dev.Identity.Model)
	subjects := []evidence.DeviceAdvisories{{Subject: "device", Path: "identity.product", Vendor: dev.Identity.Manufacturer, Product: product, Version: dev.Identity.Version}}
	for i, c := range dev.Components {
		if c.Role == "non-device" {
			continue
		}
		subjects = append(subjects, evidence.DeviceAdvisories{Subject: c.ID, Path: fmt.Sprintf("components[%d].name", i), Vendor: dev.Identity.Manufacturer, Product: c.Name, Version: c.Version})
	}
	return subjects
}

// deviceAdvisories matches the device's identity and each of its
// components by name against the advisories that name products in words
// (CISA's ICSMA advisories and the like), with the KEV-listed CVEs of
// each advisory found.
func deviceAdvisories(ctx context.Context, dev *model.Device, v *Vulns, ev *evidence.Set) error {
	if _, err := v.DB.Advisories(ctx); err != nil {
		return damaged(err)
	}
	dbs := []*store.DB{v.DB}
	if v.Overlay != nil {
		dbs = append(dbs, v.Overlay)
	}
	ev.MarkDeviceAdvisoriesRan()
	kev := v.DB.KEVListed()
	for _, s := range AdvisorySubjects(dev) {
		var hits []advisory.Hit
		for _, db := range dbs { // each DB's matcher is built once and kept
			hs, k, err := db.MatchDevice(ctx, advisory.Device{Vendor: s.Vendor, Product: s.Product, Version: s.Version})
			if err != nil {
				return err
			}
			hits, s.Advisories = append(hits, hs...), s.Advisories+k
		}
		advisory.SortHits(hits)
		for _, h := range hits {
			listed, err := kev.Of(ctx, h.CVEs)
			if err != nil {
				return err
			}
			am := evidence.AdvisoryMatch{ID: h.Advisory, Title: h.Title, Confidence: h.Confidence, Reason: h.Reason, CVEs: h.CVEs, Remediation: h.Remediation}
			if len(listed) > 0 { // none stays nil: the evidence omits an empty list
				am.KEV = listed
			}
			s.Hits = append(s.Hits, am)
		}
		ev.AddDeviceAdvisories(s)
	}
	return nil
}

// componentClasses gives each component's MDR class, the highest it may
// have where the class is not decided.
func componentClasses(cl *classify.Classification) map[string]classify.Class {
	out := map[string]classify.Class{}
	for _, r := range cl.Components {
		c := r.Class
		if !r.Decided {
			c = max(r.Class, r.UpTo)
		}
		if c != classify.None {
			out[r.Component] = c
		}
	}
	return out
}

// vexItems states each vulnerability found in each component's SBOM: what
// the manufacturer's disposition decided, else what a VEX document read
// says, else under investigation. The product is the component, named by
// a generic package URL of manufacturer, component and version; the
// subcomponents are the affected packages.
func vexItems(dev *model.Device, ev *evidence.Set) []vexout.Item {
	var out []vexout.Item
	for i := range dev.Components {
		c := &dev.Components[i]
		v, ok := ev.Vulnerabilities(c.ID)
		if !ok || v.Err != "" {
			continue
		}
		product := componentPURL(dev, c)
		for _, f := range v.Found {
			st, ok := disposed(dev, c, f.ID, f.Aliases, f.PURLs)
			if !ok {
				st = vuln.VEXStatement{Vulnerability: f.ID, Aliases: f.Aliases, Status: vuln.VEXUnderInvestigation, Source: "mdcheck"}
				if x := f.VEX; x != nil {
					st.Status, st.Justification, st.Impact, st.Action, st.Source = x.Status, x.Justification, x.Impact, x.Action, x.Source
				}
			}
			out = append(out, vexout.Item{Product: product, Subcomponents: f.PURLs, Statement: st})
		}
	}
	return out
}

// componentPURL names a component of the device model as the product of
// VEX statements: a generic package URL under the manufacturer.
func componentPURL(dev *model.Device, c *model.Component) string {
	return packageurl.NewPackageURL("generic", slug(dev.Identity.Manufacturer), c.ID, c.Version, nil, "").ToString()
}

// disposed is the VEX statement for vulnerability id (known also by
// aliases) in component c when the device model records a disposition
// for it, with the record's place in the model as source; ok is false
// when it records none.
func disposed(dev *model.Device, c *model.Component, id string, aliases, packages []string) (st vuln.VEXStatement, ok bool) {
	d, path, ok := dev.DispositionFor(c.ID, append([]string{id}, aliases...)...)
	if !ok {
		return vuln.VEXStatement{}, false
	}
	st = vex.FromDisposition(d, packages, dev.Pos(path).String())
	st.Vulnerability, st.Aliases = id, aliases
	return st, true
}

// slug is a name as a package URL namespace: lower case, words joined by
// dashes.
func slug(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s))), "-")
}

// publisher is who issues the device's CSAF VEX: its manufacturer, with
// the published security page (or security.txt) as namespace, else a URN
// of its name; the title names the device and its version.
func publisher(dev *model.Device, b BuildInfo) vexout.Publisher {
	p := vexout.Publisher{Name: dev.Identity.Manufacturer, Engine: "mdcheck", Version: b.Version,
		Title:     strings.Join(strings.Fields(dev.Identity.Product+" "+dev.Identity.Model+" "+dev.Identity.Version), " "),
		Namespace: "urn:mdcheck:manufacturer:" + slug(dev.Identity.Manufacturer)}
	if l := dev.Lifecycle; l != nil && l.VulnerabilityDisclosure != nil {
		switch d := l.VulnerabilityDisclosure; {
		case strings.HasPrefix(d.URL, "https://") || strings.HasPrefix(d.URL, "http://"):
			p.Namespace = d.URL
		case strings.HasPrefix(d.SecurityTxt, "https://"):
			p.Namespace = d.SecurityTxt
		}
	}
	return p
}

// Publisher issues a scan's CSAF VEX: with the device model, its
// manufacturer (as for check); else the first SBOM's author, or mdcheck,
// as assessor under a URN namespace.
func (r *ScanResult) Publisher(b BuildInfo) vexout.Publisher {
	if r.Device != nil {
		return publisher(r.Device, b)
	}
	name, title := "mdcheck", "SBOM scan"
	for _, s := range r.SBOMs {
		if s.Document != nil && len(s.Document.Authors) > 0 && name == "mdcheck" {
			name = s.Document.Authors[0]
		}
		if s.Document != nil && s.Document.Subject != "" && title == "SBOM scan" {
			title = s.Document.Subject
		}
	}
	return vexout.Publisher{Category: "user", Name: name, Namespace: "urn:mdcheck:assessor:" + slug(name), Title: title, Engine: "mdcheck", Version: b.Version}
}
