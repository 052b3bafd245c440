package vuln

import (
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
	CPEPart = iota
	CPEVendor
	CPEProduct
	CPEVersion
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
	switch c[CPEPart] {
	case "a", "o", "h", "*":
	default:
		return c, fmt.Errorf("CPE %q: part %q is not a, o or h", s, c[CPEPart])
	}
	if c[CPEVendor] == "*" || c[CPEProduct] == "*" {
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

// NameKey normalises a vendor or product name the way CPE dictionaries
// spell them: lower case, spaces as underscores.
func NameKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "", "n/a", "unknown", "*", "-":
		return ""
	}
	return strings.Join(strings.Fields(s), "_")
}

// VendorKey normalises a vendor name: as NameKey, without the legal form
// (Inc., Ltd, GmbH, Corporation) that CNAs write and CPE vendors omit.
func VendorKey(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' || r == '.' })
	for len(f) > 1 && legalForm[f[len(f)-1]] {
		f = f[:len(f)-1]
	}
	return NameKey(strings.Join(f, " "))
}

var legalForm = map[string]bool{"inc": true, "ltd": true, "limited": true, "llc": true, "gmbh": true, "ag": true,
	"corp": true, "corporation": true, "co": true, "company": true, "sa": true, "s": true, "a": true, "bv": true, "ab": true, "oy": true, "plc": true}

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
		if r.Covers(v) {
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

func (r VersionRange) Covers(v string) bool {
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
		if !unbounded(r.Version) && r.Version != upper && CompareGeneric(v, r.Version) < 0 {
			return false
		}
		if r.GreaterThan != "" && CompareGeneric(v, r.GreaterThan) <= 0 {
			return false
		}
		if upper == "*" {
			return true
		}
		c := CompareGeneric(v, upper)
		return c < 0 || (incl && c == 0)
	case r.Version == "*":
		return true
	default:
		return r.Version != "" && r.Version != "n/a" && CompareGeneric(v, r.Version) == 0
	}
}

// MatchesCPE says whether a component's CPE agrees with the record's on
// every attribute beyond part, vendor, product and version that both
// state. SBOM tools often guess the part (a, o, h) of firmware, so a
// different part does not exclude a match; samePart reports it.
func (a *Applicability) MatchesCPE(c CPE) (ok, samePart bool) {
	if a.CPE == nil {
		return true, true
	}
	for i := range c {
		if i == CPEPart || i == CPEVendor || i == CPEProduct || i == CPEVersion {
			continue
		}
		x, y := a.CPE[i], c[i]
		if x != "*" && y != "*" && x != y {
			return false, false
		}
	}
	return true, a.CPE[CPEPart] == "*" || c[CPEPart] == "*" || a.CPE[CPEPart] == c[CPEPart]
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

// CVERecord starts the Record of a CVE: the ID must be one, and the
// record needs an update or publication time. where and idField place an
// error.
func CVERecord(where, idField, id, updated, published string) (*Record, error) {
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

func FirstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i > 0 && i < 200 {
		return s[:i+1]
	}
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
