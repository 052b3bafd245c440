package vuln

import (
	"bytes"
	"fmt"
	"regexp"
	"time"

	json "github.com/go-json-experiment/json"
)

// KEV is one entry of CISA's catalog of Known Exploited Vulnerabilities:
// the vulnerability is being exploited in the wild, and US federal
// agencies must remediate it by DueDate.
type KEV struct {
	CVE            string `json:"cveID"`
	Vendor         string `json:"vendorProject"`
	Product        string `json:"product"`
	Name           string `json:"vulnerabilityName"`
	DateAdded      string `json:"dateAdded"`
	DueDate        string `json:"dueDate"`
	RequiredAction string `json:"requiredAction"`
	// Ransomware is CISA's knownRansomwareCampaignUse: "Known" or
	// "Unknown".
	Ransomware string `json:"knownRansomwareCampaignUse"`
}

// MaxKEV bounds a KEV catalog: CISA's, some 1,400 entries, is 1.3 MB.
// Entries are decoded and stored one by one: 8 MiB of the smallest
// entries peak at about 100 MiB (TestHostileVulnImportMemory).
const MaxKEV = 8 << 20

// KEVCatalog is a KEV catalog file.
type KEVCatalog struct {
	Version  string `json:"catalogVersion"`
	Released string `json:"dateReleased"`
	Entries  []KEV  `json:"vulnerabilities"`
}

var (
	cveID   = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)
	isoDate = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// isKEV tells a KEV catalog from other JSON by its top-level members,
// which CISA writes first.
func isKEV(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte(`"catalogVersion"`)) && bytes.Contains(data[:min(len(data), 64<<10)], []byte(`"cveID"`))
}

// ParseKEV reads a KEV catalog (CISA's known_exploited_vulnerabilities.json
// layout). Every entry needs a CVE ID and the date it was added; a fault
// is reported with its JSON pointer.
func ParseKEV(name string, data []byte) (*KEVCatalog, error) {
	if len(data) > MaxKEV {
		return nil, fmt.Errorf("%w: %s: %d bytes; a KEV catalog may be at most %d", ErrInvalid, name, len(data), MaxKEV)
	}
	if err := checkDepth(name, data); err != nil {
		return nil, err
	}
	var c KEVCatalog
	if err := json.Unmarshal(data, &c, lenient); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
	}
	if c.Version == "" {
		return nil, fmt.Errorf("%w: %s: /catalogVersion: missing: not a KEV catalog", ErrInvalid, name)
	}
	for i, e := range c.Entries {
		where := fmt.Sprintf("%s: /vulnerabilities/%d", name, i)
		if !cveID.MatchString(e.CVE) {
			return nil, fmt.Errorf("%w: %s/cveID: %q is not a CVE ID", ErrInvalid, where, e.CVE)
		}
		for _, f := range [][2]string{{"dateAdded", e.DateAdded}, {"dueDate", e.DueDate}} {
			field, d := f[0], f[1]
			if d == "" && field == "dueDate" {
				continue
			}
			if _, err := time.Parse(time.DateOnly, d); err != nil || !isoDate.MatchString(d) {
				return nil, fmt.Errorf("%w: %s/%s: %q is not a date (YYYY-MM-DD)", ErrInvalid, where, field, d)
			}
		}
	}
	return &c, nil
}
