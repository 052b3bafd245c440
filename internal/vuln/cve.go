package vuln

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// CPE is a CPE 2.3 name split into its eleven attributes (part, vendor,
// product, version, update, edition, language, sw_edition, target_sw,
// target_hw, other), unescaped and lower-case. "*" is ANY, "-" is NA.
type CPE [11]string

// CPE attribute positions.
const (
	cpePart = iota
	cpeVendor
	cpeProduct
	cpeVersion
	cpeUpdate
)

// ParseCPE reads a CPE 2.3 formatted string or a CPE 2.2 URI (cpe:/a:...).
// Missing trailing attributes are ANY; in 2.3 a backslash escapes the next
// character, in 2.2 percent-encoding does.
func ParseCPE(s string) (CPE, error) {
	var c CPE
	if uri, ok := strings.CutPrefix(s, "cpe:/"); ok {
		return parseCPE22(s, uri)
	}
	rest, ok := strings.CutPrefix(s, "cpe:2.3:")
	if !ok {
		return c, fmt.Errorf("CPE %q does not start with cpe:2.3: or cpe:/", s)
	}
	i, cur := 0, strings.Builder{}
	for j := 0; j < len(rest); j++ {
		ch := rest[j]
		switch {
		case ch == '\\' && j+1 < len(rest):
			j++
			cur.WriteByte(rest[j])
		case ch == ':':
			if i == len(c)-1 {
				return c, fmt.Errorf("CPE %q has more than 11 attributes", s)
			}
			c[i] = cur.String()
			cur.Reset()
			i++
		default:
			cur.WriteByte(ch)
		}
	}
	c[i] = cur.String()
	return c.finish(s)
}

// parseCPE22 reads the seven attributes of a CPE 2.2 URI (part, vendor,
// product, version, update, edition, language).
func parseCPE22(s, uri string) (CPE, error) {
	var c CPE
	parts := strings.Split(uri, ":")
	if len(parts) > 7 {
		return c, fmt.Errorf("CPE %q has more than 7 components", s)
	}
	for i, p := range parts {
		v, err := url.PathUnescape(p)
		if err != nil {
			return c, fmt.Errorf("CPE %q: %v", s, err)
		}
		c[i] = v
	}
	return c.finish(s)
}

func (c CPE) finish(s string) (CPE, error) {
	for k := range c {
		c[k] = strings.ToLower(c[k])
		if c[k] == "" {
			c[k] = "*"
		}
	}
	switch c[cpePart] {
	case "a", "o", "h", "*":
	default:
		return c, fmt.Errorf("CPE %q: part %q is not a, o or h", s, c[cpePart])
	}
	if c[cpeVendor] == "*" || c[cpeProduct] == "*" {
		return c, fmt.Errorf("CPE %q names no vendor and product", s)
	}
	return c, nil
}

// Applicability says which versions of one vendor:product a CVE affects:
// from a CPE (CPE is set) or, where the record gives none, from the CNA's
// vendor and product names.
type Applicability struct {
	ID      string         `json:"-"`
	Vendor  string         `json:"vendor"`
	Product string         `json:"product"`
	CPE     *CPE           `json:"cpe,omitempty"`
	Ranges  []VersionRange `json:"ranges"`
	// Default is the status of versions no range covers: affected,
	// unaffected or unknown.
	Default string `json:"default,omitempty"`
	// Platform is set when the record says the product is vulnerable only
	// together with another (an NVD AND configuration), which is not
	// checked.
	Platform bool `json:"platform,omitempty"`
}

// VersionRange is one CVE JSON 5 versions[] entry.
type VersionRange struct {
	Status          string `json:"status"`
	Version         string `json:"version"`
	LessThan        string `json:"lessThan,omitempty"`
	LessThanOrEqual string `json:"lessThanOrEqual,omitempty"`
	Type            string `json:"versionType,omitempty"`
	// GreaterThan is an exclusive lower bound (NVD's
	// versionStartExcluding); CVE JSON 5 has none.
	GreaterThan string `json:"greaterThan,omitempty"`
}

// nameKey normalises a vendor or product name the way CPE dictionaries
// spell them: lower case, spaces as underscores.
func nameKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "", "n/a", "unknown", "*", "-":
		return ""
	}
	return strings.Join(strings.Fields(s), "_")
}

// vendorKey normalises a vendor name: as nameKey, without the legal form
// (Inc., Ltd, GmbH, Corporation) that CNAs write and CPE vendors omit.
func vendorKey(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' || r == '.' })
	for len(f) > 1 && legalForm[f[len(f)-1]] {
		f = f[:len(f)-1]
	}
	return nameKey(strings.Join(f, " "))
}

var legalForm = map[string]bool{"inc": true, "ltd": true, "limited": true, "llc": true, "gmbh": true, "ag": true,
	"corp": true, "corporation": true, "co": true, "company": true, "sa": true, "s": true, "a": true, "bv": true, "ab": true, "oy": true, "plc": true}

type cve5 struct {
	DataType    string    `json:"dataType"`
	CVEMetadata *cve5Meta `json:"cveMetadata"`
	// OSVID is an OSV record's id: its presence tells an OSV record that
	// merely mentions cveMetadata from a CVE record.
	OSVID      string `json:"id"`
	Containers struct {
		CNA cve5Container   `json:"cna"`
		ADP []cve5Container `json:"adp"`
	} `json:"containers"`
}

type cve5Meta struct {
	ID        string `json:"cveId"`
	State     string `json:"state"`
	Updated   string `json:"dateUpdated"`
	Published string `json:"datePublished"`
}

type cve5Container struct {
	Title        string `json:"title"`
	Descriptions []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	Affected []struct {
		Vendor        string         `json:"vendor"`
		Product       string         `json:"product"`
		CPEs          []string       `json:"cpes"`
		Versions      []VersionRange `json:"versions"`
		DefaultStatus string         `json:"defaultStatus"`
	} `json:"affected"`
	Metrics []map[string]json.RawMessage `json:"metrics"`
}

// ParseCVE5 reads a CVE JSON 5 record: the CVE as a Record (ID, times,
// summary, CVSS vectors) and the applicability of its CNA and ADP affected
// entries. A rejected record yields a Record marked withdrawn.
func ParseCVE5(name string, data []byte) (*Record, []Applicability, error) {
	c, err := decodeCVE5(name, data)
	if err != nil {
		return nil, nil, err
	}
	return c.record(name)
}

// decodeCVE5 checks the bounds of a record and decodes it.
func decodeCVE5(name string, data []byte) (*cve5, error) {
	if len(data) > MaxRecord {
		return nil, fmt.Errorf("%w: %s: record is %d bytes; at most %d", ErrInvalid, name, len(data), MaxRecord)
	}
	if err := checkDepth(name, data); err != nil {
		return nil, err
	}
	var c cve5
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
	}
	return &c, nil
}

// isRecord tells a CVE JSON 5 record (dataType CVE_RECORD, or a
// cveMetadata object and no OSV id) from an OSV record.
func (c *cve5) isRecord() bool {
	return c.DataType == "CVE_RECORD" || (c.OSVID == "" && c.CVEMetadata != nil)
}

// record turns a decoded CVE JSON 5 record into a Record and its
// applicability.
func (c *cve5) record(name string) (*Record, []Applicability, error) {
	var m cve5Meta
	if c.CVEMetadata != nil {
		m = *c.CVEMetadata
	}
	r, err := cveRecord(name+": /cveMetadata", "/cveId", m.ID, m.Updated, m.Published)
	if err != nil {
		return nil, nil, err
	}
	if m.State == "REJECTED" {
		r.Withdrawn = r.Modified
	}
	cna := c.Containers.CNA
	r.Summary = cna.Title
	if r.Summary == "" {
		for _, d := range cna.Descriptions {
			if strings.HasPrefix(d.Lang, "en") {
				r.Summary = firstSentence(d.Value)
				break
			}
		}
	}
	var apps []Applicability
	for _, ct := range append([]cve5Container{cna}, c.Containers.ADP...) {
		for _, mt := range ct.Metrics {
			for _, k := range []string{"cvssV4_0", "cvssV3_1", "cvssV3_0"} {
				var v struct {
					Vector string `json:"vectorString"`
				}
				if raw, ok := mt[k]; ok && json.Unmarshal(raw, &v) == nil && v.Vector != "" {
					r.Severity = append(r.Severity, Severity{Type: "CVSS_V" + k[5:6], Score: v.Vector})
				}
			}
		}
		for _, a := range ct.Affected {
			base := Applicability{ID: m.ID, Default: a.DefaultStatus}
			for _, r := range a.Versions {
				base.Ranges = append(base.Ranges, rangeInVersion(r))
			}
			if len(a.CPEs) == 0 {
				base.Vendor, base.Product = vendorKey(a.Vendor), nameKey(a.Product)
				if base.Product != "" {
					apps = append(apps, base)
				}
				continue
			}
			for _, s := range a.CPEs {
				cp, err := ParseCPE(s)
				if err != nil {
					// One malformed CPE does not make the record unusable;
					// its other entries still count.
					continue
				}
				ap := base
				ap.Vendor, ap.Product, ap.CPE = cp[cpeVendor], cp[cpeProduct], &cp
				if len(ap.Ranges) == 0 && cp[cpeVersion] != "*" {
					ap.Ranges = []VersionRange{{Status: "affected", Version: cp[cpeVersion]}}
				}
				apps = append(apps, ap)
			}
		}
	}
	return r, apps, nil
}

// cveRecord starts the Record of a CVE: the ID must be one, and the
// record needs an update or publication time. where and idField place an
// error.
func cveRecord(where, idField, id, updated, published string) (*Record, error) {
	if !strings.HasPrefix(id, "CVE-") || len(id) > 64 {
		return nil, fmt.Errorf("%w: %s%s: %q is not a CVE ID", ErrInvalid, where, idField, id)
	}
	r := &Record{ID: id, Modified: updated}
	if r.Modified == "" {
		r.Modified = published
	}
	if r.Modified == "" {
		return nil, fmt.Errorf("%w: %s: no update or publication time", ErrInvalid, where)
	}
	return r, nil
}

func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i > 0 && i < 200 {
		return s[:i+1]
	}
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// Status of version v under the applicability's ranges: "affected",
// "unaffected", or "" when it cannot be told (a version that does not
// order against the bounds, or a default of unknown). An unaffected range
// covering v wins over an affected one.
func (a *Applicability) Status(v string) string {
	affected := false
	for _, r := range a.Ranges {
		if r.Type == "git" && (looksLikeCommit(r.Version) || looksLikeCommit(r.LessThan) || looksLikeCommit(r.LessThanOrEqual)) {
			continue
		}
		if r.covers(v) {
			if r.Status == "unaffected" {
				return "unaffected"
			}
			if r.Status == "affected" {
				affected = true
			}
		}
	}
	if affected {
		return "affected"
	}
	switch a.Default {
	case "affected":
		return "affected"
	case "unaffected":
		return "unaffected"
	}
	// With explicit affected ranges and an unknown default, a version outside
	// them is read as not affected: that is what the ranges were written for.
	for _, r := range a.Ranges {
		if r.Status == "affected" {
			return "unaffected"
		}
	}
	return ""
}

// unbounded says whether a lower bound means "from the first release".
func unbounded(lower string) bool {
	switch lower {
	case "", "0", "*", "-", "n/a", "0.0", "0.0.0":
		return true
	}
	return false
}

func (r VersionRange) covers(v string) bool {
	if v == "" || v == "*" || v == "-" {
		// No version to compare: only a range over every version covers it.
		return (r.LessThan == "*" || r.LessThanOrEqual == "*") && unbounded(r.Version) || r.Version == "*" && r.LessThan == "" && r.LessThanOrEqual == ""
	}
	switch {
	case r.LessThan != "" || r.LessThanOrEqual != "":
		upper, incl := r.LessThan, false
		if upper == "" {
			upper, incl = r.LessThanOrEqual, true
		}
		// {version: X, lessThan: X} is empty as written; CNAs use it to
		// mean "below X".
		if !unbounded(r.Version) && r.Version != upper && compareGeneric(v, r.Version) < 0 {
			return false
		}
		if r.GreaterThan != "" && compareGeneric(v, r.GreaterThan) <= 0 {
			return false
		}
		if upper == "*" {
			return true
		}
		c := compareGeneric(v, upper)
		return c < 0 || (incl && c == 0)
	case r.Version == "*":
		return true
	default:
		return r.Version != "" && r.Version != "n/a" && compareGeneric(v, r.Version) == 0
	}
}

// matchesCPE says whether a component's CPE agrees with the record's on
// every attribute beyond part, vendor, product and version that both
// state. SBOM tools often guess the part (a, o, h) of firmware, so a
// different part does not exclude a match; samePart reports it.
func (a *Applicability) matchesCPE(c CPE) (ok, samePart bool) {
	if a.CPE == nil {
		return true, true
	}
	for i := range c {
		if i == cpePart || i == cpeVendor || i == cpeProduct || i == cpeVersion {
			continue
		}
		x, y := a.CPE[i], c[i]
		if x != "*" && y != "*" && x != y {
			return false, false
		}
	}
	return true, a.CPE[cpePart] == "*" || c[cpePart] == "*" || a.CPE[cpePart] == c[cpePart]
}

// rangeInVersion reads the "< 10.6.2" and "<= 1.5" that some CNAs write
// into the version field into a proper range.
func rangeInVersion(r VersionRange) VersionRange {
	if r.LessThan != "" || r.LessThanOrEqual != "" {
		return r
	}
	v := strings.TrimSpace(r.Version)
	switch {
	case strings.HasPrefix(v, "<="):
		r.Version, r.LessThanOrEqual = "0", strings.TrimSpace(v[2:])
	case strings.HasPrefix(v, "<"):
		r.Version, r.LessThan = "0", strings.TrimSpace(v[1:])
	}
	return r
}

// looksLikeCommit tells a git commit ID from a release number: CNAs mark
// release ranges "git" too.
func looksLikeCommit(v string) bool {
	if len(v) < 7 || len(v) > 64 {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
