// Package severity is the one scale on which mdcheck ranks how much
// something matters: a rule that fails, a vulnerability as its source
// rates it, and the same vulnerability for patients. One parser reads
// the words at the boundary, one order compares them, and JSON carries
// the word.
package severity

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Level is a severity. The zero Level is no rating: unknown, never taken
// as harmless by those who weigh it.
type Level int

// Levels, lowest first.
const (
	None Level = iota
	Info
	Low
	Medium
	High
	Critical
)

var words = [...]string{None: "", Info: "info", Low: "low", Medium: "medium", High: "high", Critical: "critical"}

// String is the level's word; "" for no rating.
func (l Level) String() string {
	if l < None || l > Critical {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return words[l]
}

// Parse reads a level's word, in any case; "moderate" (GitHub's word) is
// medium.
func Parse(s string) (Level, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "moderate" {
		return Medium, true
	}
	for l := Info; l <= Critical; l++ {
		if words[l] == s {
			return l, true
		}
	}
	return None, false
}

// FromCVSS is the qualitative rating of a CVSS base score; a score of
// 0.0 ("none") reads as low, so that a listed vulnerability is never
// below low.
func FromCVSS(score float64) Level {
	switch {
	case score >= 9:
		return Critical
	case score >= 7:
		return High
	case score >= 4:
		return Medium
	}
	return Low
}

// Up is the next level up; critical stays critical, and no rating is
// low.
func (l Level) Up() Level {
	if l >= Critical {
		return Critical
	}
	return max(l+1, Low)
}

// MarshalJSON writes the level's word.
func (l Level) MarshalJSON() ([]byte, error) { return json.Marshal(l.String()) }

// UnmarshalJSON reads a level's word; "" is no rating.
func (l *Level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*l = None
		return nil
	}
	v, ok := Parse(s)
	if !ok {
		return fmt.Errorf("%q is not a severity (info, low, medium, high, critical)", s)
	}
	*l = v
	return nil
}
