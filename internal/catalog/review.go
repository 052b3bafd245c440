package catalog

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/yamlsafe"
)

// Review is a person's judgement of a manual requirement: what no rule can
// decide from the model (benefit-risk acceptability, a process shown in
// records) closed by someone who looked, with what they looked at. A
// review counts until it expires; without a review a manual requirement
// stays open.
type Review struct {
	// Requirement is the ID of a manual requirement.
	Requirement string `yaml:"requirement" json:"requirement"`
	// Outcome is met or not-met.
	Outcome  string `yaml:"outcome" json:"outcome"`
	Reviewer string `yaml:"reviewer" json:"reviewer"`
	Date     string `yaml:"date" json:"date"`
	// Evidence names what the reviewer examined: a document, a record.
	Evidence string `yaml:"evidence" json:"evidence"`
	Note     string `yaml:"note" json:"note,omitempty"`
	// Expires, when set, is the review's last day.
	Expires string `yaml:"expires" json:"expires,omitempty"`
	// Expired is set when Expires has passed on the assessment date.
	Expired bool `yaml:"-" json:"expired,omitempty"`
	// File, Line and Column say where the review is written.
	File   string `yaml:"-" json:"source"`
	Line   int    `yaml:"-" json:"line"`
	Column int    `yaml:"-" json:"column"`
}

// Review outcomes.
const (
	ReviewMet    = "met"
	ReviewNotMet = "not-met"
)

// smallFile bounds the YAML of waiver and review files.
var smallFile = yamlsafe.Limits{MaxDepth: 16, MaxIndent: 64, MaxLineLength: 4096, MaxCommas: 20_000}

// maxReviewFile bounds a review file.
const maxReviewFile = 1 << 20

// LoadReviews reads a review file:
//
//	reviews:
//	  - requirement: MDR.AI.1
//	    outcome: met
//	    reviewer: A. Auditor (QA)
//	    date: 2026-11-20
//	    evidence: Benefit-risk analysis BRA-12 rev. C, section 4
//	    expires: 2027-11-20
func LoadReviews(file string) ([]Review, error) {
	data, err := boundedio.ReadFile(file, maxReviewFile)
	var tl *boundedio.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%s: review file is larger than %d bytes", file, maxReviewFile)
	}
	if err != nil {
		return nil, err
	}
	return ParseReviews(file, data)
}

// ParseReviews reads reviews from data; name is used in messages. Each
// review needs its requirement, outcome, reviewer, date and evidence; a
// requirement is reviewed once.
func ParseReviews(name string, data []byte) ([]Review, error) {
	if len(data) > maxReviewFile {
		return nil, fmt.Errorf("%s: review file is larger than %d bytes", name, maxReviewFile)
	}
	var doc struct {
		Reviews []Review `yaml:"reviews"`
	}
	astFile, err := yamlsafe.Decode(name, data, smallFile, &doc)
	if err != nil {
		return nil, err
	}
	at := func(paths ...string) (int, int) { return yamlsafe.At(astFile, paths...) }
	seen := map[string]int{}
	for i := range doc.Reviews {
		r := &doc.Reviews[i]
		item := fmt.Sprintf("$.reviews[%d]", i)
		r.File = name
		r.Line, r.Column = at(item+".requirement", item)
		var missing []string
		for _, f := range []struct{ key, v string }{{"requirement", r.Requirement}, {"outcome", r.Outcome}, {"reviewer", r.Reviewer}, {"date", r.Date}, {"evidence", r.Evidence}} {
			if strings.TrimSpace(f.v) == "" {
				missing = append(missing, f.key)
			}
		}
		if len(missing) > 0 {
			line, col := at(item)
			return nil, fmt.Errorf("%s:%d:%d: review %d lacks %s; requirement, outcome, reviewer, date and evidence are all required", name, line, col, i+1, strings.Join(missing, ", "))
		}
		if r.Outcome != ReviewMet && r.Outcome != ReviewNotMet {
			line, col := at(item+".outcome", item)
			return nil, fmt.Errorf("%s:%d:%d: outcome %q is neither %s nor %s", name, line, col, r.Outcome, ReviewMet, ReviewNotMet)
		}
		for _, d := range []struct{ key, v string }{{"date", r.Date}, {"expires", r.Expires}} {
			if _, err := time.Parse(time.DateOnly, d.v); d.v != "" && err != nil {
				line, col := at(item+"."+d.key, item)
				return nil, fmt.Errorf("%s:%d:%d: %s %q is not a date in the form YYYY-MM-DD", name, line, col, d.key, d.v)
			}
		}
		if j, dup := seen[r.Requirement]; dup {
			return nil, fmt.Errorf("%s:%d:%d: %s is reviewed twice (also review %d); keep one review per requirement", name, r.Line, r.Column, r.Requirement, j+1)
		}
		seen[r.Requirement] = i
	}
	return doc.Reviews, nil
}

// CheckReviews refuses reviews of what no person closes: an ID that is no
// requirement, or a requirement a rule decides (only manual ones are
// reviewed). Each is named with its file, line and column.
func CheckReviews(rs []Review, reqs []Requirement) error {
	byID := map[string]Requirement{}
	var manual []string
	for _, r := range reqs {
		byID[r.ID] = r
		if r.Manual != nil {
			manual = append(manual, r.ID)
		}
	}
	var problems []string
	for _, r := range rs {
		req, ok := byID[r.Requirement]
		switch {
		case !ok:
			msg := fmt.Sprintf("%s:%d:%d: %q is no requirement of the catalog", r.File, r.Line, r.Column, r.Requirement)
			if near := model.Closest(r.Requirement, manual); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			problems = append(problems, msg)
		case req.Manual == nil:
			problems = append(problems, fmt.Sprintf("%s:%d:%d: %s is decided by rules, not by review; set its findings aside with a waiver instead", r.File, r.Line, r.Column, r.Requirement))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// ReviewsOn returns the reviews by requirement ID, each marked expired
// when its expiry date has passed on day now.
func ReviewsOn(rs []Review, now time.Time) map[string]Review {
	out := map[string]Review{}
	for _, r := range rs {
		if r.Expires != "" {
			exp, _ := time.Parse(time.DateOnly, r.Expires)
			r.Expired = !now.Before(exp.AddDate(0, 0, 1))
		}
		out[r.Requirement] = r
	}
	return out
}
