package catalog

import (
	"fmt"
	"io"
	"os"
	"path"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/mdcheck/mdcheck/internal/yamlsafe"
)

// Waiver accepts the risk of a finding for a while: the finding stays in
// the report, marked waived, until the waiver expires. VEX statements and
// threat acceptance map onto the same mechanism.
type Waiver struct {
	// Finding is a finding ID (rule@subject) or a pattern with * and ?,
	// such as "net/no-cleartext-protocols@pump/*".
	Finding string `yaml:"finding" json:"finding"`
	Reason  string `yaml:"reason" json:"reason"`
	Owner   string `yaml:"owner" json:"owner"`
	Expires string `yaml:"expires" json:"expires,omitempty"`
	// Source says where a waiver that no waiver file gave comes from:
	// "vex" for a VEX statement that the product is not affected or
	// fixed. Such a waiver has no expiry; it holds while the statement
	// does.
	Source string `yaml:"-" json:"source,omitempty"`
	// Expired is set when the waiver was matched but its date has passed:
	// the finding is open again.
	Expired bool `yaml:"-" json:"expired,omitempty"`
}

// maxWaiverFile bounds a waiver file.
const maxWaiverFile = 1 << 20

// LoadWaivers reads a waiver file:
//
//	waivers:
//	  - finding: auth/no-default-credentials@pump
//	    reason: Service PIN is changed at installation by the hospital (SOP 12)
//	    owner: security@example.com
//	    expires: 2027-06-30
func LoadWaivers(file string) ([]Waiver, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxWaiverFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxWaiverFile {
		return nil, fmt.Errorf("%s: waiver file is larger than %d bytes", file, maxWaiverFile)
	}
	return ParseWaivers(file, data)
}

// ParseWaivers reads waivers from data; name is used in messages.
func ParseWaivers(name string, data []byte) ([]Waiver, error) {
	if len(data) > maxWaiverFile {
		return nil, fmt.Errorf("%s: waiver file is larger than %d bytes", name, maxWaiverFile)
	}
	if err := yamlsafe.Precheck(data, yamlsafe.Limits{MaxDepth: 16, MaxIndent: 64, MaxLineLength: 4096, MaxCommas: 20_000}); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	if err := yamlsafe.NoAliases(data); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	var doc struct {
		Waivers []Waiver `yaml:"waivers"`
	}
	if err := yaml.UnmarshalWithOptions(data, &doc, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, w := range doc.Waivers {
		where := fmt.Sprintf("%s: waivers[%d]", name, i)
		if w.Finding == "" || w.Reason == "" || w.Owner == "" || w.Expires == "" {
			return nil, fmt.Errorf("%s: finding, reason, owner and expires are all required", where)
		}
		if _, err := path.Match(w.Finding, "x"); err != nil {
			return nil, fmt.Errorf("%s: bad finding pattern %q: %v", where, w.Finding, err)
		}
		if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
			return nil, fmt.Errorf("%s: expires %q is not a date in the form YYYY-MM-DD", where, w.Expires)
		}
	}
	return doc.Waivers, nil
}

// ApplyWaivers marks findings covered by a waiver. The first matching
// waiver wins. A waiver past its expiry date (at now) is recorded on the
// finding as expired and does not waive it. Only failing and unknown
// findings can be waived.
func ApplyWaivers(findings []Finding, waivers []Waiver, now time.Time) {
	for i := range findings {
		f := &findings[i]
		if f.Status != Fail && f.Status != Unknown {
			continue
		}
		for _, w := range waivers {
			if ok, _ := path.Match(w.Finding, f.ID); !ok {
				continue
			}
			w := w
			if w.Expires != "" {
				exp, _ := time.Parse(time.DateOnly, w.Expires)
				w.Expired = !now.Before(exp.AddDate(0, 0, 1))
			}
			f.Waiver = &w
			break
		}
	}
}
