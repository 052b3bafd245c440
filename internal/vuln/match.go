package vuln

import (
	"regexp"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/semantic"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/package-url/packageurl-go"
)

// Package is one software component to check.
type Package struct {
	Ref      string
	Name     string
	Version  string
	PURL     string
	CPEs     []string
	Supplier string
}

// Target is a package as the database indexes it: OSV ecosystem and
// normalised name.
type Target struct {
	Ecosystem string
	Name      string
	Version   string
}

// ecosystems maps package URL types to OSV ecosystems.
var ecosystems = map[string]string{
	"npm": "npm", "pypi": "PyPI", "golang": "Go", "maven": "Maven", "nuget": "NuGet",
	"gem": "RubyGems", "cargo": "crates.io", "composer": "Packagist", "pub": "Pub",
	"hex": "Hex", "deb": "Debian", "apk": "Alpine", "hackage": "Hackage", "cran": "CRAN",
	"swift": "SwiftURL", "conan": "ConanCenter",
}

// TargetOf turns a package URL into what the database indexes; ok is false
// for a type no OSV ecosystem covers.
func TargetOf(purl string) (Target, bool, error) {
	p, err := packageurl.FromString(purl)
	if err != nil {
		return Target{}, false, err
	}
	eco, ok := ecosystems[p.Type]
	if !ok {
		return Target{Ecosystem: p.Type}, false, nil
	}
	name := p.Name
	switch eco {
	case "npm", "Go", "Packagist":
		if p.Namespace != "" {
			name = p.Namespace + "/" + p.Name
		}
	case "Maven":
		name = p.Namespace + ":" + p.Name
	}
	return Target{Ecosystem: eco, Name: Normalize(eco, name), Version: p.Version}, true, nil
}

var pypiSep = regexp.MustCompile(`[-_.]+`)

// Normalize applies an ecosystem's name rules so that case and separator
// variants find each other: PyPI per PEP 503, NuGet, Go module paths,
// Maven, Packagist and npm compared case-insensitively.
func Normalize(ecosystem, name string) string {
	eco, _, _ := strings.Cut(ecosystem, ":")
	switch eco {
	case "PyPI":
		return pypiSep.ReplaceAllString(strings.ToLower(name), "-")
	case "NuGet", "Go", "Maven", "Packagist", "npm", "RubyGems", "crates.io", "Pub", "Hex":
		return strings.ToLower(name)
	}
	return name
}

// Method says how a match was made.
const (
	MethodRange    = "purl/range"
	MethodVersions = "purl/versions"
	// MethodCPE: the component's CPE against a CVE record's CPE
	// applicability; MethodCPEName: against the CNA's vendor and product
	// names where the record gives no CPE; MethodName: the component's name
	// (no purl an advisory source covers, no CPE) against CVE product names.
	MethodCPE     = "cpe/range"
	MethodCPEName = "cpe/vendor-product"
	MethodName    = "name/range"
)

// Confidence is how sure a match is.
type Confidence string

// Rank orders confidences: high highest, an unknown one lowest.
func (c Confidence) Rank() int {
	switch c {
	case ConfidenceHigh:
		return 3
	case ConfidenceMedium:
		return 2
	case ConfidenceLow:
		return 1
	}
	return 0
}

// Confidence levels of a match.
const (
	ConfidenceHigh   Confidence = "high"   // identity and version explicit and exact
	ConfidenceMedium Confidence = "medium" // identity by names, or an upstream version read from a distribution's
	ConfidenceLow    Confidence = "low"    // identity guessed from the component's name alone
)

// Affects reports whether version is affected by a, and how; for a range
// type it cannot evaluate (GIT), only the versions list counts. A scan
// that checks one version against many records, or many versions against
// one record, uses Compile and NewVersion to parse each version once.
func (a *Affected) Affects(ecosystem, version string) (bool, string, error) {
	return Compile(a, ecosystem).Affects(NewVersion(version))
}

// Version is a package version, parsed at most once for each ecosystem
// whose rules compare it (one or two: the package's own, and semantic
// versioning for SEMVER ranges).
type Version struct {
	raw    string
	cache  *Versions
	parsed []ecoVersion
	first  [2]ecoVersion // backing for parsed: no allocation for two
}

type ecoVersion struct {
	ecosystem string
	parsedVersion
}

type parsedVersion struct {
	v   semantic.Version
	err error
}

// NewVersion holds version for comparisons; it is parsed when first
// compared.
func NewVersion(version string) *Version {
	v := &Version{raw: version}
	v.parsed = v.first[:0]
	return v
}

// String is the version as given.
func (v *Version) String() string { return v.raw }

// in is the version parsed by an ecosystem's rules.
func (v *Version) in(ecosystem string) (semantic.Version, error) {
	for _, p := range v.parsed {
		if p.ecosystem == ecosystem {
			return p.v, p.err
		}
	}
	pv, err := v.cache.parse(v.raw, ecosystem)
	v.parsed = append(v.parsed, ecoVersion{ecosystem, parsedVersion{pv, err}})
	return pv, err
}

// Compiled is an affected entry with the events of its ranges parsed and
// put in version order once.
type Compiled struct {
	versions []string
	ranges   []compiledRange
}

type compiledRange struct {
	ecosystem string
	events    []compiledEvent
	err       error
}

type compiledEvent struct {
	kind eventKind
	zero bool // introduced "0": before every version
	v    semantic.Version
}

type eventKind uint8

const (
	introduced eventKind = iota
	fixed
	lastAffected
	limit
)

// Versions parses the event versions of many records once each: records
// of one package repeat the same versions over and over.
type Versions struct {
	parsed map[[2]string]parsedVersion
}

// NewVersions returns an empty cache of parsed versions.
func NewVersions() *Versions { return &Versions{parsed: map[[2]string]parsedVersion{}} }

func (vs *Versions) parse(version, ecosystem string) (semantic.Version, error) {
	if vs == nil {
		return semantic.Parse(version, ecosystem)
	}
	k := [2]string{ecosystem, version}
	if p, ok := vs.parsed[k]; ok {
		return p.v, p.err
	}
	v, err := semantic.Parse(version, ecosystem)
	vs.parsed[k] = parsedVersion{v, err}
	return v, err
}

// Version is NewVersion parsed through vs: packages of one SBOM share
// versions as records do.
func (vs *Versions) Version(version string) *Version {
	v := NewVersion(version)
	v.cache = vs
	return v
}

// Compile parses a's range events by the rules of ecosystem (semantic
// versioning for SEMVER ranges) and orders them; an event that does not
// parse makes its range an error when evaluated, as it would be compared.
func Compile(a *Affected, ecosystem string) *Compiled {
	return (*Versions)(nil).Compile(a, ecosystem)
}

// Compile is Compile with the event versions parsed through vs.
func (vs *Versions) Compile(a *Affected, ecosystem string) *Compiled {
	c := &Compiled{versions: a.Versions}
	for _, r := range a.Ranges {
		if r.Type != "SEMVER" && r.Type != "ECOSYSTEM" {
			continue
		}
		eco := ecosystem
		if r.Type == "SEMVER" {
			eco = "Go" // semantic versioning rules
		}
		c.ranges = append(c.ranges, vs.compileRange(eco, r.Events))
	}
	return c
}

func (vs *Versions) compileRange(ecosystem string, events []Event) compiledRange {
	cr := compiledRange{ecosystem: ecosystem}
	for _, e := range events {
		var ev compiledEvent
		var ver string
		switch {
		case e.Introduced != "":
			ev.kind, ver = introduced, e.Introduced
		case e.Fixed != "":
			ev.kind, ver = fixed, e.Fixed
		case e.LastAffected != "":
			ev.kind, ver = lastAffected, e.LastAffected
		case e.Limit != "":
			ev.kind, ver = limit, e.Limit
		default:
			continue
		}
		if ver == "0" {
			ev.zero = true
		} else {
			v, err := vs.parse(ver, ecosystem)
			if err != nil {
				cr.err = err
				return cr
			}
			ev.v = v
		}
		cr.events = append(cr.events, ev)
	}
	// Order events by version; "0" first.
	sort.SliceStable(cr.events, func(i, j int) bool {
		a, b := cr.events[i], cr.events[j]
		if a.zero || b.zero {
			return a.zero && !b.zero
		}
		c, err := a.v.Compare(b.v)
		if err != nil && cr.err == nil {
			cr.err = err
		}
		return c < 0
	})
	return cr
}

// Affects reports whether version is affected, and how.
func (c *Compiled) Affects(version *Version) (bool, string, error) {
	for _, v := range c.versions {
		if v == version.raw {
			return true, MethodVersions, nil
		}
	}
	for i := range c.ranges {
		in, err := c.ranges[i].contains(version)
		if err != nil {
			return false, "", err
		}
		if in {
			return true, MethodRange, nil
		}
	}
	return false, "", nil
}

// contains evaluates OSV events for one version: it is affected if the
// nearest event at or below it (in version order) is an introduction, or
// if it is at or below a last_affected after an introduction.
func (r *compiledRange) contains(version *Version) (bool, error) {
	v, err := version.in(r.ecosystem)
	if err != nil {
		return false, err
	}
	if r.err != nil {
		return false, r.err
	}
	affected := false
	for _, e := range r.events {
		c := 1 // introduced "0" is before every version
		if !e.zero {
			if c, err = v.Compare(e.v); err != nil {
				return false, err
			}
		}
		switch e.kind {
		case introduced:
			if c >= 0 {
				affected = true
			}
		case fixed, limit:
			if c >= 0 {
				affected = false
			}
		case lastAffected:
			if c > 0 {
				affected = false
			}
		}
	}
	return affected, nil
}

// Fixed lists the fixed versions a record states for a package.
func (a *Affected) Fixed() []string {
	var out []string
	for _, r := range a.Ranges {
		for _, e := range r.Events {
			if e.Fixed != "" {
				out = append(out, e.Fixed)
			}
		}
	}
	return out
}

// Match is one vulnerability affecting one package.
type Match struct {
	Ref       string         `json:"ref"`
	Package   string         `json:"package"`
	Version   string         `json:"version"`
	Ecosystem string         `json:"ecosystem"`
	ID        string         `json:"id"`
	Aliases   []string       `json:"aliases"`
	Summary   string         `json:"summary,omitempty"`
	Severity  severity.Level `json:"severity,omitempty"`
	CVSS      []string       `json:"cvss,omitempty"`
	Fixed     []string       `json:"fixed"`
	// Method says how the match was made; Confidence how sure it is.
	Method     string     `json:"method"`
	Confidence Confidence `json:"confidence"`
	// Note explains a match that needed interpretation, such as the
	// upstream version read from a distribution's.
	Note string `json:"note,omitempty"`
	// KEV is the vulnerability's entry in CISA's catalog of known
	// exploited vulnerabilities, by its ID or an alias; EPSS its highest
	// exploit prediction score among them.
	KEV  *KEV  `json:"kev,omitempty"`
	EPSS *EPSS `json:"epss,omitempty"`
	// VEX is the VEX statement that applies, when one does: a match a
	// statement says does not affect the package stays, marked so.
	VEX *VEXResult `json:"vex,omitempty"`
	// Safety is the match's severity for patients, when the scan knows
	// the device model.
	Safety *Safety `json:"safety,omitempty"`
}

// Coverage says, for one package, whether it was checked and why not.
type Coverage struct {
	Ref     string `json:"ref"`
	Package string `json:"package"`
	Version string `json:"version,omitempty"`
	// Status says whether the package was checked against data that
	// covers it; Checked is Status == Checked.
	Status  CoverageStatus `json:"status"`
	Checked bool           `json:"checked"`
	// Methods lists how the package was looked up: purl, cpe, name.
	Methods []string `json:"methods,omitempty"`
	Reason  string   `json:"reason,omitempty"`
}

// CoverageStatus is what a scan could say about one package.
type CoverageStatus string

// Coverage statuses. Only Checked says anything about the package: the
// database holds data for its ecosystem (package URL) or its CPE vendor,
// or a match was found. NotCheckable is a package without a usable
// identifier (no package URL or CPE, no version, a type with no
// ecosystem): a name alone finds too little to call it clean. NoData is
// a package the database holds nothing for: its ecosystem, or its CPE
// vendor, is in none of the records.
const (
	Checked      CoverageStatus = "checked"
	NotCheckable CoverageStatus = "not-checkable"
	NoData       CoverageStatus = "no-data"
)

// Ecosystem is the OSV ecosystem of a package URL type ("" when it has
// none).
func Ecosystem(purlType string) string { return ecosystems[strings.ToLower(purlType)] }
