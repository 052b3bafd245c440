// Package kev reads CISA's Known Exploited Vulnerabilities catalog.
package kev

import (
	"bytes"
	"fmt"
	"regexp"
	"time"

	json "github.com/go-json-experiment/json"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

// isKEV tells a KEV catalog from other JSON by its top-level members,
// which CISA writes first.
func isKEV(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte(`"catalogVersion"`)) && bytes.Contains(data[:min(len(data), 64<<10)], []byte(`"cveID"`))
}

// Parse reads a KEV catalog (CISA's known_exploited_vulnerabilities.json
// layout). Every entry needs a CVE ID and the date it was added; a fault
// is reported with its JSON pointer.
func Parse(name string, data []byte) (*vuln.KEVCatalog, error) {
	if len(data) > vuln.MaxKEV {
		return nil, fmt.Errorf("%w: %s: %d bytes; a KEV catalog may be at most %d", vuln.ErrInvalid, name, len(data), vuln.MaxKEV)
	}
	if err := vuln.CheckJSON(name, data); err != nil {
		return nil, err
	}
	var c vuln.KEVCatalog
	if err := json.Unmarshal(data, &c, vuln.Lenient); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, name, err)
	}
	if c.Version == "" {
		return nil, fmt.Errorf("%w: %s: /catalogVersion: missing: not a KEV catalog", vuln.ErrInvalid, name)
	}
	for i, e := range c.Entries {
		where := fmt.Sprintf("%s: /vulnerabilities/%d", name, i)
		if !vuln.CVEID.MatchString(e.CVE) {
			return nil, fmt.Errorf("%w: %s/cveID: %q is not a CVE ID", vuln.ErrInvalid, where, e.CVE)
		}
		for _, f := range [][2]string{{"dateAdded", e.DateAdded}, {"dueDate", e.DueDate}} {
			field, d := f[0], f[1]
			if d == "" && field == "dueDate" {
				continue
			}
			if _, err := time.Parse(time.DateOnly, d); err != nil || !isoDate.MatchString(d) {
				return nil, fmt.Errorf("%w: %s/%s: %q is not a date (YYYY-MM-DD)", vuln.ErrInvalid, where, field, d)
			}
		}
	}
	return &c, nil
}

var isoDate = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// Feed reads KEV catalogs.
var Feed vuln.Feed = feed{}

type feed struct{}

func (feed) Name() string            { return "kev" }
func (feed) Detect(data []byte) bool { return isKEV(data) }

func (feed) Read(name string, data []byte, y vuln.Yield) error {
	c, err := Parse(name, data)
	if err != nil || y.KEV == nil {
		return err
	}
	return y.KEV(c)
}
