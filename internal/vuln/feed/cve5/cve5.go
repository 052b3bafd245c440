// Package cve5 reads CVE JSON 5 records, with the CPE applicability of
// their affected products.
package cve5

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

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
		Vendor        string              `json:"vendor"`
		Product       string              `json:"product"`
		CPEs          []string            `json:"cpes"`
		Versions      []vuln.VersionRange `json:"versions"`
		DefaultStatus string              `json:"defaultStatus"`
	} `json:"affected"`
	Metrics []map[string]json.RawMessage `json:"metrics"`
}

// Parse reads a CVE JSON 5 record: the CVE as a Record (ID, times,
// summary, CVSS vectors) and the applicability of its CNA and ADP affected
// entries. A rejected record yields a Record marked withdrawn.
func Parse(name string, data []byte) (*vuln.Record, []vuln.Applicability, error) {
	c, err := decodeCVE5(name, data)
	if err != nil {
		return nil, nil, err
	}
	return c.record(name)
}

// decodeCVE5 checks the bounds of a record and decodes it.
func decodeCVE5(name string, data []byte) (*cve5, error) {
	if len(data) > vuln.MaxRecord {
		return nil, fmt.Errorf("%w: %s: record is %d bytes; at most %d", vuln.ErrInvalid, name, len(data), vuln.MaxRecord)
	}
	if err := vuln.CheckJSON(name, data); err != nil {
		return nil, err
	}
	var c cve5
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, name, err)
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
func (c *cve5) record(name string) (*vuln.Record, []vuln.Applicability, error) {
	var m cve5Meta
	if c.CVEMetadata != nil {
		m = *c.CVEMetadata
	}
	r, err := vuln.CVERecord(name+": /cveMetadata", "/cveId", m.ID, m.Updated, m.Published)
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
				r.Summary = vuln.FirstSentence(d.Value)
				break
			}
		}
	}
	var apps []vuln.Applicability
	for _, ct := range append([]cve5Container{cna}, c.Containers.ADP...) {
		for _, mt := range ct.Metrics {
			for _, k := range []string{"cvssV4_0", "cvssV3_1", "cvssV3_0"} {
				var v struct {
					Vector string `json:"vectorString"`
				}
				if raw, ok := mt[k]; ok && json.Unmarshal(raw, &v) == nil && v.Vector != "" {
					r.Severity = append(r.Severity, vuln.Severity{Type: "CVSS_V" + k[5:6], Score: v.Vector})
				}
			}
		}
		for _, a := range ct.Affected {
			base := vuln.Applicability{ID: m.ID, Default: a.DefaultStatus}
			for _, r := range a.Versions {
				base.Ranges = append(base.Ranges, rangeInVersion(r))
			}
			if len(a.CPEs) == 0 {
				base.Vendor, base.Product = vuln.VendorKey(a.Vendor), vuln.NameKey(a.Product)
				if base.Product != "" {
					apps = append(apps, base)
				}
				continue
			}
			for _, s := range a.CPEs {
				cp, err := vuln.ParseCPE(s)
				if err != nil {
					// One malformed CPE does not make the record unusable;
					// its other entries still count.
					continue
				}
				ap := base
				ap.Vendor, ap.Product, ap.CPE = cp[vuln.CPEVendor], cp[vuln.CPEProduct], &cp
				if len(ap.Ranges) == 0 && cp[vuln.CPEVersion] != "*" {
					ap.Ranges = []vuln.VersionRange{{Status: "affected", Version: cp[vuln.CPEVersion]}}
				}
				apps = append(apps, ap)
			}
		}
	}
	return r, apps, nil
}

// rangeInVersion reads the "< 10.6.2" and "<= 1.5" that some CNAs write
// into the version field into a proper range.
func rangeInVersion(r vuln.VersionRange) vuln.VersionRange {
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

// Feed reads CVE JSON 5 records; what holds cveMetadata but is no CVE
// record is left to the other feeds.
var Feed vuln.Feed = feed{}

type feed struct{}

func (feed) Name() string            { return "cve5" }
func (feed) Detect(data []byte) bool { return bytes.Contains(data, []byte(`"cveMetadata"`)) }

// Read decodes once to tell a CVE JSON 5 record from an OSV record that
// mentions cveMetadata, and to read it; what does not decode is left to
// the OSV reader, whose error names the file.
func (feed) Read(name string, data []byte, y vuln.Yield) error {
	c, err := decodeCVE5(name, data)
	if err != nil || !c.isRecord() {
		return vuln.ErrOtherFormat
	}
	r, apps, err := c.record(name)
	if err != nil || y.Record == nil {
		return err
	}
	return y.Record(r, apps)
}
