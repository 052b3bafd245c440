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
// type it cannot evaluate (GIT), only the versions list counts.
func (a *Affected) Affects(ecosystem, version string) (bool, string, error) {
	for _, v := range a.Versions {
		if v == version {
			return true, MethodVersions, nil
		}
	}
	for _, r := range a.Ranges {
		if r.Type != "SEMVER" && r.Type != "ECOSYSTEM" {
			continue
		}
		eco := ecosystem
		if r.Type == "SEMVER" {
			eco = "Go" // semantic versioning rules
		}
		in, err := inRange(eco, version, r.Events)
		if err != nil {
			return false, "", err
		}
		if in {
			return true, MethodRange, nil
		}
	}
	return false, "", nil
}

// inRange evaluates OSV events for one version: it is affected if the
// nearest event at or below it (in version order) is an introduction, or
// if it is at or below a last_affected after an introduction.
func inRange(ecosystem, version string, events []Event) (bool, error) {
	v, err := semantic.Parse(version, ecosystem)
	if err != nil {
		return false, err
	}
	type ev struct {
		kind, ver string
	}
	var evs []ev
	for _, e := range events {
		switch {
		case e.Introduced != "":
			evs = append(evs, ev{"introduced", e.Introduced})
		case e.Fixed != "":
			evs = append(evs, ev{"fixed", e.Fixed})
		case e.LastAffected != "":
			evs = append(evs, ev{"last_affected", e.LastAffected})
		case e.Limit != "":
			evs = append(evs, ev{"limit", e.Limit})
		}
	}
	cmp := func(s string) (int, error) {
		if s == "0" {
			return 1, nil // introduced "0" is before every version
		}
		return v.CompareStr(s)
	}
	// Order events by version; "0" first.
	var sortErr error
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].ver == "0" || evs[j].ver == "0" {
			return evs[i].ver == "0" && evs[j].ver != "0"
		}
		a, err := semantic.Parse(evs[i].ver, ecosystem)
		if err != nil {
			sortErr = err
			return false
		}
		c, err := a.CompareStr(evs[j].ver)
		if err != nil {
			sortErr = err
			return false
		}
		return c < 0
	})
	if sortErr != nil {
		return false, sortErr
	}
	affected := false
	for _, e := range evs {
		c, err := cmp(e.ver) // version compared with the event
		if err != nil {
			return false, err
		}
		switch e.kind {
		case "introduced":
			if c >= 0 {
				affected = true
			}
		case "fixed", "limit":
			if c >= 0 {
				affected = false
			}
		case "last_affected":
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
