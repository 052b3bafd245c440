// Package classify applies the MDR Annex VIII classification rules to a
// device model.
//
// Each component placed on the market as a device or accessory is
// classified in its own right (implementing rule 3.2); the system carries
// the highest class of its components. Every one of the 22 rules is
// evaluated for every component and recorded in a trace with the facts it
// read. A rule whose facts are missing "needs a decision" and carries the
// range of classes it could still give; a result is decided only when no
// missing fact could change the class. Nothing is guessed: facts inferred
// from the component kind (software has no physical form) are marked as
// inferred in the trace.
package classify

import (
	"encoding/json"
	"fmt"
)

// Class is an MDR risk class. The zero value means no class.
type Class int

// The MDR risk classes, in increasing order of risk (Art. 51).
const (
	None Class = iota
	I
	IIa
	IIb
	III
)

var classNames = [...]string{"", "I", "IIa", "IIb", "III"}

func (c Class) String() string {
	if c < None || c > III {
		return fmt.Sprintf("Class(%d)", int(c))
	}
	return classNames[c]
}

// MarshalJSON writes the class as its name, or null for None.
func (c Class) MarshalJSON() ([]byte, error) {
	if c == None {
		return []byte("null"), nil
	}
	return json.Marshal(c.String())
}

// ParseClass reads a class name as written in a model ("I", "IIa", ...).
func ParseClass(s string) (Class, bool) {
	for i, n := range classNames {
		if i > 0 && n == s {
			return Class(i), true
		}
	}
	return None, false
}

// tri is a three-valued truth: a fact can be true, false or unknown.
type tri int8

const (
	no tri = iota
	yes
	unknown
)

func (t tri) String() string {
	return [...]string{"no", "yes", "unknown"}[t]
}

// lazy is a condition evaluated only when needed, so that facts a rule
// does not need are neither read nor reported missing.
type lazy func() tri

func and(conds ...lazy) lazy {
	return func() tri {
		out := yes
		for _, c := range conds {
			switch c() {
			case no:
				return no
			case unknown:
				out = unknown
			}
		}
		return out
	}
}

func or(conds ...lazy) lazy {
	return func() tri {
		out := no
		for _, c := range conds {
			switch c() {
			case yes:
				return yes
			case unknown:
				out = unknown
			}
		}
		return out
	}
}

func not(c lazy) lazy {
	return func() tri {
		switch c() {
		case yes:
			return no
		case no:
			return yes
		}
		return unknown
	}
}

func always(t tri) lazy { return func() tri { return t } }
