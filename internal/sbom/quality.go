package sbom

import (
	"regexp"
	"sort"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Element names of the NTIA minimum elements (July 2021) that are kept per
// component, and the document-level ones.
const (
	ElemSupplier   = "supplier"
	ElemName       = "name"
	ElemVersion    = "version"
	ElemIdentifier = "unique identifier"
	ElemDependency = "dependency relationship"
	ElemAuthor     = "author of SBOM data"
	ElemTimestamp  = "timestamp"
)

var componentElements = []string{ElemSupplier, ElemName, ElemVersion, ElemIdentifier, ElemDependency}

// Quality is how far an SBOM meets the NTIA minimum elements.
type Quality struct {
	Components int `json:"components"`
	// Coverage is, per component-level element, the share of components
	// that carry it, in percent.
	Coverage map[string]float64 `json:"coverage"`
	// Author and Timestamp are the document-level elements.
	Author    bool `json:"author"`
	Timestamp bool `json:"timestamp"`
	// Score is the mean of the component-level coverages and the two
	// document-level elements (100 or 0), in percent.
	Score float64 `json:"score"`
	// Worst lists the components missing the most elements, at most ten.
	Worst []Offender `json:"worst"`
	// FDA is, for the FDA's extra elements (level of support, end-of-support
	// date), the share of components that carry them, in percent.
	FDA map[string]float64 `json:"fda"`
}

// Element names of the FDA's extra elements.
const (
	ElemSupportLevel = "level of support"
	ElemEndOfSupport = "end-of-support date"
)

// Offender is a component with the elements it lacks.
type Offender struct {
	Ref     string   `json:"ref"`
	Name    string   `json:"name"`
	Missing []string `json:"missing"`
}

// Missing lists the NTIA component elements c lacks in doc.
func (doc *Document) Missing(c Component, inGraph map[string]bool) []string {
	var m []string
	if c.Supplier == "" {
		m = append(m, ElemSupplier)
	}
	if c.Name == "" {
		m = append(m, ElemName)
	}
	if c.Version == "" {
		m = append(m, ElemVersion)
	}
	if c.PURL == "" && len(c.CPEs) == 0 {
		m = append(m, ElemIdentifier)
	}
	if !inGraph[c.Ref] && c.Parent == "" {
		m = append(m, ElemDependency)
	}
	return m
}

// graph returns the references that take part in a dependency
// relationship.
func (doc *Document) graph() map[string]bool {
	in := map[string]bool{}
	for ref, deps := range doc.Dependencies {
		if len(deps) > 0 {
			in[ref] = true
		}
		for _, d := range deps {
			in[d] = true
		}
	}
	return in
}

// maxWorst is how many of the worst components a quality report names.
const maxWorst = 10

// Quality measures the document against the NTIA minimum elements.
func (doc *Document) Quality() Quality {
	q := Quality{Components: len(doc.Components), Coverage: map[string]float64{},
		Author: len(doc.Authors) > 0, Timestamp: doc.Timestamp != "", Worst: []Offender{}}
	inGraph := doc.graph()
	have := map[string]int{}
	var offenders []Offender
	for _, c := range doc.Components {
		missing := doc.Missing(c, inGraph)
		for _, e := range componentElements {
			if !containsString(missing, e) {
				have[e]++
			}
		}
		// The ten worst, most elements missing first and in document
		// order among equals, kept as they come: a large SBOM has many.
		if n := len(missing); n > 0 && (len(offenders) < maxWorst || n > len(offenders[maxWorst-1].Missing)) {
			at := sort.Search(len(offenders), func(i int) bool { return len(offenders[i].Missing) < n })
			if len(offenders) < maxWorst {
				offenders = append(offenders, Offender{})
			}
			copy(offenders[at+1:], offenders[at:])
			offenders[at] = Offender{Ref: c.Ref, Name: strings.TrimSpace(c.Name + " " + c.Version), Missing: missing}
		}
	}
	sum := 0.0
	for _, e := range componentElements {
		pct := 0.0
		if q.Components > 0 {
			pct = round1(float64(have[e]) / float64(q.Components) * 100)
		}
		q.Coverage[e] = pct
		sum += pct
	}
	for _, ok := range []bool{q.Author, q.Timestamp} {
		if ok {
			sum += 100
		}
	}
	q.Score = round1(sum / float64(len(componentElements)+2))
	q.FDA = map[string]float64{ElemSupportLevel: 0, ElemEndOfSupport: 0}
	if q.Components > 0 {
		lv, eos := 0, 0
		for _, c := range doc.Components {
			if c.SupportLevel != "" {
				lv++
			}
			if c.EndOfSupport != "" {
				eos++
			}
		}
		q.FDA[ElemSupportLevel] = round1(float64(lv) / float64(q.Components) * 100)
		q.FDA[ElemEndOfSupport] = round1(float64(eos) / float64(q.Components) * 100)
	}
	q.Worst = append(q.Worst, offenders...)
	return q
}

// Entry is one component in the coverage ledger: whether it can be checked
// for known vulnerabilities and, if not, why.
type Entry struct {
	Ref       string `json:"ref"`
	Name      string `json:"name"`
	Version   string `json:"version,omitempty"`
	Ecosystem string `json:"ecosystem,omitempty"`
	// Identifier is the package URL or CPE matching will use.
	Identifier string `json:"identifier,omitempty"`
	Checkable  bool   `json:"checkable"`
	Reason     string `json:"reason,omitempty"`
}

// Ledger lists every component with whether it can be matched against
// advisories. A component without a package URL or CPE, or without a
// version, cannot: matching by name alone guesses.
func (doc *Document) Ledger() []Entry {
	out := make([]Entry, 0, len(doc.Components))
	for _, c := range doc.Components {
		e := Entry{Ref: c.Ref, Name: c.Name, Version: c.Version}
		switch {
		case c.PURL != "":
			p, err := packageurl.FromString(c.PURL)
			if err != nil {
				e.Reason = "package URL does not parse: " + err.Error()
				break
			}
			e.Ecosystem, e.Identifier = p.Type, c.PURL
			if e.Version == "" {
				e.Version = p.Version
			}
		case len(c.CPEs) > 0:
			e.Ecosystem, e.Identifier = "cpe", c.CPEs[0]
		default:
			e.Reason = "no identifier: neither a package URL nor a CPE"
		}
		if e.Reason == "" && e.Version == "" {
			e.Reason = "no version"
		}
		e.Checkable = e.Reason == ""
		out = append(out, e)
	}
	return out
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Evidence summarises the document as observed evidence for the component
// of the device model it belongs to.
func (doc *Document) Evidence(component, path string) evidence.SBOM {
	q := doc.Quality()
	checkable := 0
	for _, e := range doc.Ledger() {
		if e.Checkable {
			checkable++
		}
	}
	b := evidence.SBOM{
		Component: component, Path: path, File: doc.File,
		Format: doc.Format, SpecVersion: doc.SpecVersion, Components: len(doc.Components),
		Coverage: q.Coverage, Author: q.Author, Timestamp: q.Timestamp, Score: q.Score,
		Checkable: checkable, Warnings: len(doc.Warnings),
	}
	for _, c := range doc.Components {
		if c.SupportLevel != "" && c.EndOfSupport != "" {
			b.WithSupport++
		}
		if c.SupportLevel == "unsupported" {
			b.Unsupported++
		}
		if c.EndOfSupport != "" && (b.EarliestEndOfSupport == "" || c.EndOfSupport < b.EarliestEndOfSupport) {
			b.EarliestEndOfSupport = c.EndOfSupport
		}
	}
	return b
}

// ApplySupport fills each component's level of support and end-of-support
// date from the device model, where the SBOM does not carry them. The first
// override whose pattern matches the package URL or the name wins; others
// get the default.
func (doc *Document) ApplySupport(s *model.SBOMSupport) {
	if s == nil {
		return
	}
	type matcher struct {
		re *regexp.Regexp
		o  model.SupportOverride
	}
	var ms []matcher
	for _, o := range s.Overrides {
		pat := "^" + strings.ReplaceAll(regexp.QuoteMeta(o.Match), `\*`, ".*") + "$"
		re, err := regexp.Compile(pat)
		if err != nil {
			continue
		}
		ms = append(ms, matcher{re, o})
	}
	for i := range doc.Components {
		c := &doc.Components[i]
		level, eos := "", ""
		if d := s.Default; d != nil {
			level, eos = string(d.Level), string(d.EndOfSupport)
		}
		for _, m := range ms {
			if (c.PURL != "" && m.re.MatchString(c.PURL)) || m.re.MatchString(c.Name) {
				level, eos = string(m.o.Level), string(m.o.EndOfSupport)
				break
			}
		}
		if c.SupportLevel == "" {
			c.SupportLevel = level
		}
		if c.EndOfSupport == "" {
			c.EndOfSupport = eos
		}
	}
}
