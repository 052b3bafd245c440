// Package nvd reads pages of the NVD CVE API 2.0, with the CPE
// applicability of their configurations.
package nvd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

// MaxPage bounds one NVD file, which is decoded whole: a page of 2,000 CVEs
// is a few MiB, and 32 MiB of the smallest CVE objects peak at about
// 175 MiB (TestLargeAdvisoriesMemory).
const MaxPage = 32 << 20

type nvdCVE struct {
	ID           string `json:"id"`
	Published    string `json:"published"`
	LastModified string `json:"lastModified"`
	VulnStatus   string `json:"vulnStatus"`
	Descriptions []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	Metrics map[string][]struct {
		CVSSData struct {
			VectorString string `json:"vectorString"`
		} `json:"cvssData"`
	} `json:"metrics"`
	Configurations []struct {
		Operator string `json:"operator"`
		Nodes    []struct {
			Operator string `json:"operator"`
			Negate   bool   `json:"negate"`
			CPEMatch []struct {
				Vulnerable            bool   `json:"vulnerable"`
				Criteria              string `json:"criteria"`
				VersionStartIncluding string `json:"versionStartIncluding"`
				VersionStartExcluding string `json:"versionStartExcluding"`
				VersionEndIncluding   string `json:"versionEndIncluding"`
				VersionEndExcluding   string `json:"versionEndExcluding"`
			} `json:"cpeMatch"`
		} `json:"nodes"`
	} `json:"configurations"`
}

// isNVD tells NVD CVE API 2.0 JSON (a response page with format NVD_CVE,
// or one CVE object as per-CVE feeds store it) from other records.
func isNVD(data []byte) bool {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	return bytes.Contains(head, []byte(`"NVD_CVE"`)) ||
		bytes.Contains(data, []byte(`"configurations"`)) && bytes.Contains(data, []byte(`"lastModified"`)) && bytes.Contains(data, []byte(`"vulnStatus"`))
}

// Parse reads NVD CVE API 2.0 JSON: a response page's vulnerabilities
// or a single CVE object. Each CVE becomes a Record and the vulnerable
// cpeMatch entries of its configurations its applicability: criteria with
// versionStart/End Including/Excluding. A match that NVD ties to a
// platform (an AND configuration) is marked so, since the platform is not
// checked.
func Parse(name string, data []byte) ([]*vuln.Record, [][]vuln.Applicability, error) {
	if len(data) > MaxPage {
		return nil, nil, fmt.Errorf("%w: %s: %d bytes; an NVD file may be at most %d (save smaller pages: resultsPerPage)", vuln.ErrInvalid, name, len(data), MaxPage)
	}
	if err := vuln.CheckJSON(name, data); err != nil {
		return nil, nil, err
	}
	var page struct {
		Format          string `json:"format"`
		Vulnerabilities []struct {
			CVE nvdCVE `json:"cve"`
		} `json:"vulnerabilities"`
		nvdCVE
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, name, err)
	}
	cves := make([]*nvdCVE, 0, len(page.Vulnerabilities)+1)
	for i := range page.Vulnerabilities {
		cves = append(cves, &page.Vulnerabilities[i].CVE)
	}
	if page.Format == "" && page.ID != "" {
		cves = append(cves, &page.nvdCVE)
	}
	var recs []*vuln.Record
	var apps [][]vuln.Applicability
	for i, c := range cves {
		where := fmt.Sprintf("%s: /vulnerabilities/%d/cve", name, i)
		if page.Format == "" {
			where = name
		}
		r, err := vuln.CVERecord(where, "/id", c.ID, c.LastModified, c.Published)
		if err != nil {
			return nil, nil, err
		}
		if c.VulnStatus == "Rejected" {
			r.Withdrawn = r.Modified
		}
		for _, d := range c.Descriptions {
			if strings.HasPrefix(d.Lang, "en") {
				r.Summary = vuln.FirstSentence(d.Value)
				break
			}
		}
		for _, k := range []string{"cvssMetricV40", "cvssMetricV31", "cvssMetricV30"} {
			for _, m := range c.Metrics[k] {
				if v := m.CVSSData.VectorString; v != "" && !slices.ContainsFunc(r.Severity, func(x vuln.Severity) bool { return x.Score == v }) {
					r.Severity = append(r.Severity, vuln.Severity{Type: "CVSS_V" + k[len("cvssMetricV"):len("cvssMetricV")+1], Score: v})
				}
			}
		}
		var as []vuln.Applicability
		for _, cfg := range c.Configurations {
			platform := strings.EqualFold(cfg.Operator, "AND")
			for _, n := range cfg.Nodes {
				if n.Negate {
					continue
				}
				for _, m := range n.CPEMatch {
					if !m.Vulnerable {
						continue
					}
					cp, err := vuln.ParseCPE(m.Criteria)
					if err != nil {
						continue
					}
					a := vuln.Applicability{ID: c.ID, Vendor: cp[vuln.CPEVendor], Product: cp[vuln.CPEProduct], CPE: &cp, Default: "unaffected", Platform: platform}
					a.Ranges = []vuln.VersionRange{nvdRange(cp[vuln.CPEVersion], m.VersionStartIncluding, m.VersionStartExcluding, m.VersionEndIncluding, m.VersionEndExcluding)}
					as = append(as, a)
				}
			}
		}
		recs = append(recs, r)
		apps = append(apps, as)
	}
	return recs, apps, nil
}

// nvdRange turns NVD's version bounds into a range; with no bounds, the
// criteria's own version counts (ANY: every version).
func nvdRange(cpeVersion, startIncl, startExcl, endIncl, endExcl string) vuln.VersionRange {
	r := vuln.VersionRange{Status: "affected", Version: "0"}
	if startIncl == "" && startExcl == "" && endIncl == "" && endExcl == "" {
		if cpeVersion == "*" {
			r.Version = "*"
		} else {
			r.Version = cpeVersion
		}
		return r
	}
	switch {
	case startIncl != "":
		r.Version = startIncl
	case startExcl != "":
		r.GreaterThan = startExcl
	}
	switch {
	case endExcl != "":
		r.LessThan = endExcl
	case endIncl != "":
		r.LessThanOrEqual = endIncl
	default:
		r.LessThan = "*"
	}
	return r
}

// Feed reads NVD CVE API 2.0 pages.
var Feed vuln.Feed = feed{}

type feed struct{}

func (feed) Name() string            { return "nvd" }
func (feed) Detect(data []byte) bool { return isNVD(data) }

func (feed) Read(name string, data []byte, y vuln.Yield) error {
	recs, apps, err := Parse(name, data)
	if err != nil || y.Record == nil {
		return err
	}
	for i, r := range recs {
		if err := y.Record(r, apps[i]); err != nil {
			return err
		}
	}
	return nil
}
