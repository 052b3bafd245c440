package app

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/safety"
	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/vex"
	"github.com/mdcheck/mdcheck/internal/vexout"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
	"github.com/package-url/packageurl-go"
)

// ScanOptions are the inputs of a scan.
type ScanOptions struct {
	// SBOMs are the files to scan; with Device and none given, the SBOMs
	// its components name.
	SBOMs []string
	// Device, when set, weighs each match for patients by the component
	// whose SBOM carries it.
	Device string
	VEX    []string // VEX documents marking matches
	Freshness
	Events
}

// ScanResult is what a scan found in each SBOM.
type ScanResult struct {
	Database store.Status
	SBOMs    []ScannedSBOM
	// Device is the device model given with --device, if any.
	Device *model.Device
}

// ScannedSBOM is one SBOM's matches and the ledger of what was checked.
type ScannedSBOM struct {
	File     string
	Document *sbom.Document
	Matches  []vuln.Match
	Coverage []vuln.Coverage
	// Component is the device component whose SBOM this is, when the
	// scan was given the device model.
	Component *model.Component
}

// Tripped lists the matches at least as severe as threshold (for
// patients, when weighed; UnknownSeverity where no severity is known),
// not counting those a VEX statement marks not affected or fixed. A
// zero threshold trips on nothing.
func (r *ScanResult) Tripped(threshold catalog.Severity) []Trip {
	if threshold <= 0 {
		return nil
	}
	var out []Trip
	for _, s := range r.SBOMs {
		for _, m := range s.Matches {
			sev := m.Severity
			if m.Safety != nil {
				sev = m.Safety.Level
			}
			if sev = FailSeverity(sev); sev >= threshold && !m.VEX.Suppressed() {
				out = append(out, Trip{ID: m.ID, Subject: s.File + ": " + strings.TrimSpace(m.Package+" "+m.Version), Severity: sev})
			}
		}
	}
	return out
}

// Fails reports whether anything trips threshold.
func (r *ScanResult) Fails(threshold catalog.Severity) bool { return len(r.Tripped(threshold)) > 0 }

// ErrNoSBOM is a scan given no SBOM, and no device whose components name
// one.
var ErrNoSBOM = errors.New("scan needs at least one SBOM (or --device with components that name theirs)")

// Scan matches each SBOM's components against the vulnerability
// database: by package URL with each ecosystem's version rules, by CPE
// against CVE version ranges, by name where a component has neither.
func (a *App) Scan(ctx context.Context, o ScanOptions) (*ScanResult, error) {
	var dev *scanDevice
	if o.Device != "" {
		d, err := loadScanDevice(o.Device)
		if err != nil {
			return nil, err
		}
		dev = d
		if len(o.SBOMs) == 0 {
			o.SBOMs = d.sboms()
		}
	}
	if len(o.SBOMs) == 0 {
		return nil, ErrNoSBOM
	}
	d, stmts, release, err := a.matchWith(o.VEX, o.Events, o.Freshness)
	if err != nil {
		return nil, err
	}
	defer release()
	res := &ScanResult{Database: d.Status}
	if dev != nil {
		res.Device = dev.dev
	}
	for _, f := range o.SBOMs {
		doc, err := sbom.ReadFile(f)
		if err != nil {
			return nil, InputError{err}
		}
		var progress func(done, total int)
		if o.Progress != nil {
			progress = func(done, total int) { o.Progress(Progress{What: f, Done: int64(done), Total: int64(total)}) }
		}
		ms, cov, err := d.db.ScanEach(ctx, len(doc.Components), func(i int) vuln.Package { return packageOf(&doc.Components[i]) }, progress)
		if err != nil {
			return nil, damaged(err)
		}
		if ms == nil {
			ms = []vuln.Match{}
		}
		if len(stmts) > 0 {
			vex.Apply(ms, packages(doc), stmts)
		}
		var comp *model.Component
		if dev != nil {
			comp = dev.component(f)
			dev.weigh(comp, ms)
		}
		res.SBOMs = append(res.SBOMs, ScannedSBOM{File: f, Document: doc, Matches: ms, Coverage: cov, Component: comp})
	}
	return res, nil
}

// matchWith is the database a matching use case matches against,
// announced as matchDB does, with the statements of the VEX documents
// that mark its matches; release gives the database back.
func (a *App) matchWith(vexFiles []string, ev Events, fr Freshness) (*Database, []vuln.VEXStatement, func(), error) {
	d, release, err := a.matchDB(ev, fr)
	if err != nil {
		return nil, nil, nil, err
	}
	stmts, err := readVEX(vexFiles, ev)
	if err != nil {
		release()
		return nil, nil, nil, err
	}
	return d, stmts, release, nil
}

// readVEX reads the VEX documents; one whose statements name no product
// an SBOM component can be matched to is a warning, not a failure.
func readVEX(files []string, ev Events) ([]vuln.VEXStatement, error) {
	var stmts []vuln.VEXStatement
	for _, f := range files {
		s, err := vex.ReadFile(f)
		switch {
		case errors.Is(err, vex.ErrNothingApplies):
			ev.warn("%v", err)
		case err != nil:
			return nil, InputError{err}
		}
		stmts = append(stmts, s...)
	}
	return stmts, nil
}

// packages are an SBOM's components as the matcher reads them.
func packages(doc *sbom.Document) []vuln.Package {
	pkgs := make([]vuln.Package, 0, len(doc.Components))
	for i := range doc.Components {
		pkgs = append(pkgs, packageOf(&doc.Components[i]))
	}
	return pkgs
}

// packageOf is one component as the matcher reads it.
func packageOf(c *sbom.Component) vuln.Package {
	return vuln.Package{Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL, CPEs: c.CPEs, Supplier: c.Supplier}
}

// weigh gives each match its severity for patients as a vulnerability of
// component c of MDR class class.
func weigh(ms []vuln.Match, c *model.Component, class classify.Class) {
	for i := range ms {
		s := safety.Weigh(ms[i], c, class)
		ms[i].Safety = &s
	}
}

// scanDevice is a device model as scan uses it: which component an SBOM
// belongs to, and each component's class.
type scanDevice struct {
	dev   *model.Device
	dir   string
	class map[string]classify.Class
}

func loadScanDevice(file string) (*scanDevice, error) {
	dev, err := model.Load(file)
	if err != nil {
		return nil, InputError{err}
	}
	cl, err := classify.Classify(dev)
	if err != nil {
		return nil, err
	}
	return &scanDevice{dev: dev, dir: filepath.Dir(file), class: componentClasses(cl)}, nil
}

// path is an SBOM path of the model as a file path.
func (d *scanDevice) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.dir, p)
}

// sboms lists the SBOM files the model's components name.
func (d *scanDevice) sboms() []string {
	var out []string
	for _, c := range d.dev.Components {
		if c.SBOM != "" {
			out = append(out, d.path(c.SBOM))
		}
	}
	return out
}

// component is the device component whose SBOM is the file at file;
// nil when no component names it.
func (d *scanDevice) component(file string) *model.Component {
	abs, _ := filepath.Abs(file)
	for i := range d.dev.Components {
		c := &d.dev.Components[i]
		if c.SBOM == "" {
			continue
		}
		if p, _ := filepath.Abs(d.path(c.SBOM)); p == abs {
			return c
		}
	}
	return nil
}

// weigh gives each match of component comp's SBOM its severity for
// patients and puts the most severe first. An SBOM no component names
// (comp nil) is left as it is.
func (d *scanDevice) weigh(comp *model.Component, ms []vuln.Match) {
	if comp == nil {
		return
	}
	weigh(ms, comp, d.class[comp.ID])
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.Safety.Level != b.Safety.Level {
			return a.Safety.Level > b.Safety.Level
		}
		if (a.KEV != nil) != (b.KEV != nil) {
			return a.KEV != nil
		}
		return a.Safety.Score > b.Safety.Score
	})
}

// VEX states each vulnerability matched in each SBOM: with the device
// model, what its disposition decided; else what a VEX document read says
// of it; else under investigation. The product is what
// the SBOM describes (its subject, else its file name) as a generic
// package URL; the subcomponents are the affected packages.
func (r *ScanResult) VEX() []vexout.Item {
	var out []vexout.Item
	for _, s := range r.SBOMs {
		name := s.File
		purl := map[string]string{}
		if d := s.Document; d != nil {
			if d.Subject != "" {
				name = d.Subject
			}
			for _, c := range d.Components {
				if c.PURL != "" {
					purl[c.Ref] = c.PURL
				}
			}
		}
		product := packageurl.NewPackageURL("generic", "", slug(filepath.Base(name)), "", nil, "").ToString()
		if c := s.Component; c != nil && r.Device != nil {
			product = componentPURL(r.Device, c)
		}
		at := map[string]int{}
		for _, m := range s.Matches {
			k, seen := at[m.ID]
			if !seen {
				// With the device model, its dispositions decide, as in check.
				var st vuln.VEXStatement
				ok := false
				if c := s.Component; c != nil && r.Device != nil {
					st, ok = disposed(r.Device, c, m.ID, m.Aliases, nil)
				}
				if !ok {
					st = vuln.VEXStatement{Vulnerability: m.ID, Aliases: m.Aliases, Status: vuln.VEXUnderInvestigation, Source: "mdcheck"}
					if x := m.VEX; x != nil {
						st.Status, st.Justification, st.Impact, st.Action, st.Source = x.Status, x.Justification, x.Impact, x.Action, x.Source
					}
				}
				k = len(out)
				at[m.ID] = k
				out = append(out, vexout.Item{Product: product, Statement: st})
			}
			if p := purl[m.Ref]; p != "" && !slices.Contains(out[k].Subcomponents, p) {
				out[k].Subcomponents = append(out[k].Subcomponents, p)
			}
		}
	}
	return out
}
