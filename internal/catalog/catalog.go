// Package catalog holds the cybersecurity requirements mdcheck checks a
// device against (MDR Annex I, MDCG 2019-16, IEC 81001-5-1, IEC TR
// 60601-4-5, GDPR, and NIS2 for hospitals) and the engine that evaluates
// rules over a device model and its evidence.
//
// Requirements are data (requirements/*.yaml, embedded). Rules are Go, one
// file each in the rules package, each naming the requirements it decides.
// A requirement no rule can decide stays in the assessment as a manual
// item, with the reason and what an assessor should look for.
package catalog

import (
	"fmt"
	"time"

	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/severity"
)

// Severity ranks how much a failed rule matters (severity.Level, the
// one scale mdcheck ranks on).
type Severity = severity.Level

// Severities, lowest first.
const (
	Info     = severity.Info
	Low      = severity.Low
	Medium   = severity.Medium
	High     = severity.High
	Critical = severity.Critical
)

// ParseSeverity reads a severity name (case-insensitive).
func ParseSeverity(s string) (Severity, bool) { return severity.Parse(s) }

// Status is the outcome of a rule for one subject.
type Status string

// Statuses. Unknown means the evidence a rule needs is missing: it is never
// reported as Pass.
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	NotApplicable Status = "not-applicable"
	Unknown       Status = "unknown"
	Error         Status = "error"
)

// Input is what a rule reads: the device model, its classification and the
// evidence gathered so far. Rules are pure functions of Input.
type Input struct {
	Device         *model.Device
	Classification *classify.Classification
	Evidence       *evidence.Set
	// Now is the assessment date, injected so that runs are reproducible.
	Now time.Time
}

// Result is one rule's verdict on one subject.
type Result struct {
	// Subject is "device", a component ID, or "component/interface".
	Subject  string
	Status   Status
	Detail   string
	Evidence []evidence.ID
	// Severity, when set, replaces the rule's for this subject: a known
	// vulnerability is as severe as it is for patients.
	Severity Severity
	// Exploited marks a result about a vulnerability known to be
	// exploited in the wild (CISA KEV); it is fixed first.
	Exploited bool
	// Tentative marks a result that rests on a match to confirm.
	Tentative bool
	// NotFor lists requirements of the rule this result does not bear
	// on, for its subject (a hospital's duty, for a component the patient
	// operates at home).
	NotFor []string
	// Suppression, when set, sets an open result aside: a VEX statement
	// that the product is not affected or the flaw fixed.
	Suppression *Suppression
}

// Rule is a built-in check. Its metadata is written for auditors.
type Rule struct {
	ID          string
	Title       string
	Severity    Severity
	Refs        []string // requirement IDs the rule helps decide
	Rationale   string
	Remediation string
	// AppliesTo, when set, yields NotApplicable for devices it rejects.
	AppliesTo func(in *Input) bool
	Check     func(in *Input) []Result
}

// Cite records the model fact at path as claimed evidence and returns its
// ID. value is the fact as the rule read it.
func (in *Input) Cite(path, value string) evidence.ID {
	pos := in.Device.Pos(path)
	return in.Evidence.Add(evidence.Evidence{
		Path:     path,
		Value:    value,
		Strength: evidence.Claimed,
		Source:   evidence.Source{Kind: in.Device.SourceKind(), File: pos.File, Line: pos.Line, Column: pos.Column},
	})
}

// CiteBool cites a yes/no fact; it returns the ID and whether the fact is
// known.
func (in *Input) CiteBool(path string, b *bool) (evidence.ID, bool) {
	if b == nil {
		return "", false
	}
	return in.Cite(path, fmt.Sprint(*b)), true
}
