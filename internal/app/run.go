package app

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/catalog/rules"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/policy"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/threat"
	"github.com/mdcheck/mdcheck/internal/vexout"
)

// runOptions configure one health check. Now is injected so that a run is
// reproducible.
type runOptions struct {
	Profile Profile
	Waivers []catalog.Waiver
	// Reviews close manual requirements.
	Reviews []catalog.Review
	// Policies add user rules written in CEL.
	Policies []*policy.Policy
	// MDS2, when set, is the manufacturer's disclosure statement for the
	// device: its answers are claimed evidence, cross-checked against the
	// model.
	MDS2 *evidence.MDS2
	// Vulns, when set, matches each component's SBOM against known
	// vulnerabilities; without it they are not assessed.
	Vulns *Vulns
	Now   time.Time
	Build report.BuildInfo
	// Events receive notes, such as a disposition that matches nothing.
	Events Events
	// Cache keeps parsed SBOMs between runs; nil keeps none.
	Cache *sbom.Cache
	// SBOMs are SBOM files the caller holds parsed, by path: they are
	// used in place of the files (CheckOptions.SBOMs).
	SBOMs map[string]Parsed
	// Live are what probes of live units showed.
	Live []evidence.Live
}

// maxDocument bounds how much of a referenced document is hashed.
const maxDocument = 512 << 20

// run assesses the device model in file.
func run(ctx context.Context, file string, opts runOptions) (*report.Report, error) {
	dev, err := model.Load(file)
	if err != nil {
		return nil, err
	}
	a, err := runModel(ctx, dev, opts)
	if err != nil {
		return nil, err
	}
	return a.report, nil
}

// assessment is what a run produces: the report, and the VEX items of
// the vulnerabilities it found.
type assessment struct {
	report    *report.Report
	vex       []vexout.Item
	publisher vexout.Publisher
	rules     []catalog.Rule
	// classification is the device's full classification.
	classification *classify.Classification
	// vulns is what matching each component's SBOM showed.
	vulns []evidence.Vulnerabilities
	// read are the files read or handed to the run, by path, with their
	// SHA-256 and size.
	read held
}

// held are the files a run has read or was handed, by path, with their
// SHA-256 and size and, for an SBOM, its document.
type held map[string]sbom.Read

// hash is the SHA-256 and size of the file at path, from h when it is
// there.
func (h held) hash(path string) (string, int64, error) {
	if r, ok := h[path]; ok {
		return r.SHA256, r.Size, nil
	}
	return boundedio.Hash(path, maxDocument)
}

// runModel assesses a loaded device model: it classifies it, gathers
// evidence, evaluates the catalog's rules, applies waivers and builds the
// report. It is the only place that knows the order of those steps.
func runModel(ctx context.Context, dev *model.Device, opts runOptions) (*assessment, error) {
	if opts.Profile == "" {
		opts.Profile = ProfileManufacturer
	}
	if _, ok := ParseProfile(string(opts.Profile)); !ok {
		return nil, fmt.Errorf("unknown profile %q (manufacturer, hospital or all)", opts.Profile)
	}
	cl, err := classify.Classify(dev)
	if err != nil {
		return nil, err
	}
	ev := evidence.NewSet()
	read := held{}
	maps.Copy(read, opts.SBOMs)
	if err := documentEvidence(ctx, dev, ev, read); err != nil {
		return nil, err
	}
	if opts.MDS2 != nil {
		ev.SetMDS2(*opts.MDS2)
	}
	docs, err := sbomEvidence(ctx, dev, ev, opts.Cache, read)
	if err != nil {
		return nil, err
	}
	if opts.Vulns != nil {
		if err := vulnEvidence(ctx, dev, cl, docs, opts.Vulns, ev); err != nil {
			return nil, err
		}
		for _, s := range unmatchedDispositions(dev, ev) {
			opts.Events.note("%s", s)
		}
		if err := deviceAdvisories(ctx, dev, opts.Vulns, ev); err != nil {
			return nil, err
		}
	}
	reqs := profileRequirements(opts.Profile)
	inProfile := requirementSet{}
	for _, r := range reqs {
		inProfile[r.ID] = true
	}
	var rs []catalog.Rule
	for _, r := range rules.All() {
		if r.Refs = inProfile.only(r.Refs); len(r.Refs) > 0 {
			rs = append(rs, r)
		}
	}
	for _, p := range opts.Policies {
		for _, r := range p.CatalogRules() {
			r.Refs = inProfile.only(r.Refs) // a policy rule stays, even under no requirement
			rs = append(rs, r)
		}
	}
	for _, l := range opts.Live {
		ev.AddLive(l)
	}
	in := &catalog.Input{Device: dev, Classification: cl, Evidence: ev, Now: opts.Now}
	rules.Confirm(in) // before any rule cites the facts the probes measured
	findings := catalog.Evaluate(rs, in)
	// The threat model: each threat linked to the findings that assess
	// it; those no rule assesses become findings of their own.
	threats := threat.Derive(dev)
	linkThreats(threats, findings)
	if trs := rules.Threats(threats, inProfile.only); len(trs) > 0 {
		findings = append(findings, catalog.Evaluate(trs, in)...)
		catalog.SortFindings(findings)
		rs = append(rs, trs...)
	}
	catalog.ApplyWaivers(findings, opts.Waivers, opts.Now)
	acceptThreats(threats, opts.Waivers, opts.Now)
	rep := report.Build(report.Input{
		Tool:           tool(opts.Build, len(reqs), len(rs), opts.Vulns),
		Date:           opts.Now.Format(time.DateOnly),
		Profile:        string(opts.Profile),
		Device:         dev,
		Classification: cl,
		Requirements:   reqs,
		Findings:       findings,
		Reviews:        catalog.ReviewsOn(opts.Reviews, opts.Now),
		Threats:        threats,
	})
	var vulns []evidence.Vulnerabilities
	for _, c := range dev.Components {
		if v, ok := ev.Vulnerabilities(c.ID); ok {
			vulns = append(vulns, v)
		}
	}
	return &assessment{report: rep, vex: vexItems(dev, ev), publisher: publisher(dev, opts.Build), rules: rs, classification: cl, vulns: vulns, read: read}, nil
}

// requirementSet is the requirements a profile assesses, by ID.
type requirementSet map[string]bool

// only keeps the refs in the set, in order.
func (s requirementSet) only(refs []string) []string {
	var out []string
	for _, r := range refs {
		if s[r] {
			out = append(out, r)
		}
	}
	return out
}

// documentEvidence records each referenced document. A document whose
// SHA-256 matches the file beside the model is documented evidence; one
// without a hash, out of reach or not matching stays claimed, and says
// why.
func documentEvidence(ctx context.Context, dev *model.Device, ev *evidence.Set, read held) error {
	dir := filepath.Dir(dev.File())
	for i, d := range dev.Documents {
		if err := ctx.Err(); err != nil {
			return err
		}
		path := fmt.Sprintf("documents[%d]", i)
		pos := dev.Pos(path)
		e := evidence.Evidence{
			Path:     path,
			Value:    string(d.Kind) + ": " + firstNonEmpty(d.Title, d.Path),
			Strength: evidence.Claimed,
			Source:   evidence.Source{Kind: "model", File: pos.File, Line: pos.Line, Column: pos.Column},
		}
		switch {
		case d.SHA256 == "":
			e.Source.Detail = "no SHA-256 given"
		case d.Path == "" || strings.Contains(d.Path, "://"):
			e.Source.Detail = "not a local file; SHA-256 not verified"
		default:
			p := d.Path
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			sum, _, err := read.hash(p)
			switch {
			case err != nil:
				e.Source.Detail = "SHA-256 not verified: " + err.Error()
			case !strings.EqualFold(sum, d.SHA256):
				e.Source.Detail = "SHA-256 does not match the file (" + sum + ")"
			default:
				e.Strength = evidence.Documented
				e.Source = evidence.Source{Kind: "document", File: d.Path, Detail: "sha256:" + sum}
			}
		}
		ev.Add(e)
	}
	return nil
}

// sbomEvidence reads each component's SBOM and returns those it could
// read, by component. An SBOM that cannot be read is evidence too: the
// rules report it, and the run goes on.
//
// An SBOM in read is taken from there; each file read is added to it
// (its SHA-256 and size, for the report's list of inputs). cache may be
// nil, and read too when nothing is to be kept.
func sbomEvidence(ctx context.Context, dev *model.Device, ev *evidence.Set, cache *sbom.Cache, read held) (map[string]*sbom.Document, error) {
	dir := filepath.Dir(dev.File())
	docs := map[string]*sbom.Document{}
	for i, c := range dev.Components {
		if c.SBOM == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := c.SBOM
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		path := fmt.Sprintf("components[%d].sbom", i)
		var doc *sbom.Document
		var err error
		if r, ok := read[p]; ok && r.Doc != nil {
			doc = r.Doc.Clone(p) // each component applies its own support
		} else {
			r, err = cache.ReadFile(p)
			if r.SHA256 != "" && read != nil {
				read[p] = sbom.Read{SHA256: r.SHA256, Size: r.Size}
			}
			doc = r.Doc
		}
		if err != nil {
			ev.AddSBOM(evidence.SBOM{Component: c.ID, Path: path, File: c.SBOM, Err: strings.TrimPrefix(err.Error(), sbom.ErrInvalid.Error()+": ")})
			continue
		}
		doc.ApplySupport(c.SBOMSupport)
		b := doc.Evidence(c.ID, path)
		b.File = c.SBOM
		ev.AddSBOM(b)
		docs[c.ID] = doc
	}
	return docs, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// tool identifies the build, catalog and data behind a report.
func tool(b report.BuildInfo, requirements, rules int, v *Vulns) report.Tool {
	t := report.Tool{Name: "mdcheck", Version: b.Version, Commit: b.Commit, BuildDate: b.Date, Catalog: catalog.Version, Requirements: requirements, Rules: rules}
	if v != nil {
		d := v.Data
		t.Database = &d
	}
	return t
}
