package vuln

import (
	"errors"
	"strings"

	"github.com/mdcheck/mdcheck/internal/severity"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"
)

// MaxRecord bounds one OSV record.
const MaxRecord = 4 << 20

// MaxDepth bounds JSON nesting in one record.
const MaxDepth = 64

// ErrInvalid marks input that could not be read.
var ErrInvalid = errors.New("invalid vulnerability data")

// Record is an OSV record, reduced to what matching and reports use.
type Record struct {
	ID        string     `json:"id"`
	Modified  string     `json:"modified"`
	Published string     `json:"published,omitempty"`
	Withdrawn string     `json:"withdrawn,omitempty"`
	Aliases   []string   `json:"aliases,omitempty"`
	Summary   string     `json:"summary,omitempty"`
	Severity  []Severity `json:"severity,omitempty"`
	Affected  []Affected `json:"affected"`
	// DatabaseSpecific carries GHSA's severity word.
	DatabaseSpecific DatabaseSpecific `json:"database_specific"`
}

// DatabaseSpecific is the part of an OSV record's database_specific object
// that mdcheck reads.
type DatabaseSpecific struct {
	Severity string `json:"severity,omitempty"`
}

// Severity is an OSV severity entry (a CVSS vector).
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is one affected package of a record.
type Affected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
		PURL      string `json:"purl,omitempty"`
	} `json:"package"`
	Ranges   []Range  `json:"ranges,omitempty"`
	Versions []string `json:"versions,omitempty"`
}

// Range is an OSV range.
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`
}

// Event is one event of a range.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Rating is the record's severity: from its highest CVSS score, else from
// the rating its source gives (GitHub's "moderate" is medium); no rating
// when it has neither.
func (r *Record) Rating() severity.Level {
	best := -1.0
	for _, sv := range r.Severity {
		if s, ok := CVSSScore(sv.Score); ok && s > best {
			best = s
		}
	}
	if best >= 0 {
		return severity.FromCVSS(best)
	}
	l, _ := severity.Parse(r.DatabaseSpecific.Severity)
	return l
}

// CVSSScore is the base score of a CVSS 3.0, 3.1 or 4.0 vector.
func CVSSScore(vector string) (float64, bool) {
	switch {
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		if v, err := cvss31.ParseVector(vector); err == nil {
			return v.BaseScore(), true
		}
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		if v, err := cvss30.ParseVector(vector); err == nil {
			return v.BaseScore(), true
		}
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		if v, err := cvss40.ParseVector(vector); err == nil {
			return v.Score(), true
		}
	}
	return 0, false
}
