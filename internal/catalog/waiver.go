package catalog

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/yamlsafe"
)

// Waiver accepts the risk of a finding for a while: the finding stays in
// the report, suppressed, until the waiver expires.
type Waiver struct {
	// Finding is a finding ID (rule@subject) or a pattern with * and ?,
	// such as "net/no-cleartext-protocols@pump/*".
	Finding string `yaml:"finding"`
	Reason  string `yaml:"reason"`
	Owner   string `yaml:"owner"`
	Expires string `yaml:"expires"`
	// File is the waiver file it was read from; Line and Column where its
	// finding is written.
	File         string `yaml:"-"`
	Line, Column int    `yaml:"-"`
}

// CheckWaivers refuses waivers that can never apply: a finding pattern
// whose rule part (before "@") matches none of the rules, as when it
// names a requirement or misspells a rule. Each is named with its file,
// line and column and the nearest rule.
func CheckWaivers(ws []Waiver, rules []string) error {
	var problems []string
	for _, w := range ws {
		rule, _, _ := strings.Cut(w.Finding, "@")
		matched := false
		for _, id := range rules {
			if ok, _ := path.Match(rule, id); ok {
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		msg := fmt.Sprintf("%s:%d:%d: finding %q names no rule", w.File, w.Line, w.Column, w.Finding)
		if near := model.Closest(rule, rules); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		problems = append(problems, msg+"; a finding is rule@subject (mdcheck catalog list shows the rules)")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// SuppressedBy says what sets a finding aside.
type SuppressedBy string

// What sets findings aside.
const (
	// ByWaiver is a waiver that accepts the finding's risk until it
	// expires.
	ByWaiver SuppressedBy = "waiver"
	// ByVEX is a VEX statement that the product is not affected by the
	// vulnerability, or that it is fixed; it holds while the statement
	// does.
	ByVEX SuppressedBy = "vex"
	// ByDisposition is the manufacturer's recorded decision on a known
	// vulnerability: not affected, mitigated, risk accepted, or a fix due
	// by a date (it lapses then, as a waiver does).
	ByDisposition SuppressedBy = "disposition"
)

// Suppression sets an open (failing or unknown) finding aside, visibly:
// the finding stays in the report with who set it aside and why.
type Suppression struct {
	By SuppressedBy `json:"by"`
	// Status is the VEX status (not_affected or fixed; for a
	// disposition also affected, with its decision in Justification).
	Status string `json:"status,omitempty"`
	// Justification is why: the waiver's reason, or the VEX statement's
	// justification.
	Justification string `json:"justification,omitempty"`
	// Impact is the VEX statement's impact statement.
	Impact string `json:"impact,omitempty"`
	// Owner is who accepted the risk (waivers).
	Owner string `json:"owner,omitempty"`
	// Source is the waiver file or the VEX document.
	Source string `json:"source,omitempty"`
	// Waiver is the waiver's finding pattern that matched.
	Waiver string `json:"waiver,omitempty"`
	// Expires is the waiver's last day; Expired is set when the waiver
	// was matched but that day has passed: the finding is open again.
	Expires string `json:"expires,omitempty"`
	Expired bool   `json:"expired,omitempty"`
}

// Reason says in words why the finding is set aside.
func (s *Suppression) Reason() string {
	if s.By == ByDisposition {
		return "disposition: " + s.Justification
	}
	if s.By != ByVEX {
		return s.Justification
	}
	r := "VEX: " + s.Status
	if s.Justification != "" {
		r += " (" + s.Justification + ")"
	}
	if s.Impact != "" {
		r += ": " + s.Impact
	}
	return r
}

// Who is who set the finding aside: the waiver's or disposition's
// owner, or the VEX document.
func (s *Suppression) Who() string {
	if s.By == ByVEX {
		return s.Source
	}
	return s.Owner
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
	data, err := boundedio.ReadFile(file, maxWaiverFile)
	var tl *boundedio.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%s: waiver file is larger than %d bytes", file, maxWaiverFile)
	}
	if err != nil {
		return nil, err
	}
	return ParseWaivers(file, data)
}

// ParseWaivers reads waivers from data; name is used in messages.
func ParseWaivers(name string, data []byte) ([]Waiver, error) {
	if len(data) > maxWaiverFile {
		return nil, fmt.Errorf("%s: waiver file is larger than %d bytes", name, maxWaiverFile)
	}
	var doc struct {
		Waivers []Waiver `yaml:"waivers"`
	}
	astFile, err := yamlsafe.Decode(name, data, smallFile, &doc)
	if err != nil {
		return nil, err
	}
	at := func(paths ...string) (int, int) { return yamlsafe.At(astFile, paths...) }
	for i := range doc.Waivers {
		w := &doc.Waivers[i]
		w.File = name
		item := fmt.Sprintf("$.waivers[%d]", i)
		w.Line, w.Column = at(item+".finding", item)
		var missing []string
		for _, f := range []struct{ key, v string }{{"finding", w.Finding}, {"reason", w.Reason}, {"owner", w.Owner}, {"expires", w.Expires}} {
			if f.v == "" {
				missing = append(missing, f.key)
			}
		}
		if len(missing) > 0 {
			line, col := at(item)
			return nil, fmt.Errorf("%s:%d:%d: waiver %d lacks %s; finding, reason, owner and expires are all required", name, line, col, i+1, strings.Join(missing, ", "))
		}
		if _, err := path.Match(w.Finding, "x"); err != nil {
			return nil, fmt.Errorf("%s:%d:%d: bad finding pattern %q: %v", name, w.Line, w.Column, w.Finding, err)
		}
		if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
			line, col := at(item+".expires", item)
			return nil, fmt.Errorf("%s:%d:%d: expires %q is not a date in the form YYYY-MM-DD", name, line, col, w.Expires)
		}
	}
	return doc.Waivers, nil
}

// ApplyWaivers sets aside the findings a waiver covers. The first
// matching waiver wins. A waiver past its expiry date (at now) is
// recorded on the finding as expired and does not set it aside. Only
// failing and unknown findings can be waived, and a finding a VEX
// statement already sets aside keeps that: the product is not affected,
// so there is no risk to accept.
func ApplyWaivers(findings []Finding, waivers []Waiver, now time.Time) {
	for i := range findings {
		f := &findings[i]
		if f.Status != Fail && f.Status != Unknown || f.Suppression != nil {
			continue
		}
		f.Suppression = Waive(f.ID, waivers, now)
	}
}

// Waive is the suppression the first waiver matching id gives at now,
// expired when now is past its last day; nil when none matches.
func Waive(id string, waivers []Waiver, now time.Time) *Suppression {
	for _, w := range waivers {
		if ok, _ := path.Match(w.Finding, id); !ok {
			continue
		}
		s := &Suppression{By: ByWaiver, Justification: w.Reason, Owner: w.Owner, Source: w.File, Waiver: w.Finding, Expires: w.Expires}
		if w.Expires != "" {
			exp, _ := time.Parse(time.DateOnly, w.Expires)
			s.Expired = !now.Before(exp.AddDate(0, 0, 1))
		}
		return s
	}
	return nil
}
