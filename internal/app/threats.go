package app

import (
	"context"
	"slices"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/catalog/rules"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/policy"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/threat"
)

// ThreatModel is the threat model derived from a device model.
type ThreatModel struct {
	Device classify.Device
	report.ThreatModel
	// Model draws the data-flow diagram.
	Model *model.Device
}

// ThreatsOptions say what to derive a threat model from.
type ThreatsOptions struct {
	Model string
	// Waivers, when set, is a waiver file: a waiver on threat/ID accepts
	// that threat until it expires.
	Waivers string
	// Date is the day acceptances are judged on; today when zero.
	Date time.Time
}

// Threats derives the threat model of a device model (docs/threats.md).
func (a *App) Threats(ctx context.Context, o ThreatsOptions) (*ThreatModel, error) {
	dev, err := model.Load(o.Model)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.Date.IsZero() {
		o.Date = time.Now().UTC().Truncate(24 * time.Hour)
	}
	opts := runOptions{Profile: ProfileAll, Now: o.Date, Build: a.cfg.Build, Cache: a.sboms}
	if o.Waivers != "" {
		if opts.Waivers, err = loadWaivers(o.Waivers, nil); err != nil {
			return nil, err
		}
	}
	// The health check of the same model says which threats its rules
	// already assess.
	res, err := runModel(ctx, dev, opts)
	if err != nil {
		return nil, err
	}
	return &ThreatModel{Device: res.report.Device, ThreatModel: res.report.ThreatModel, Model: dev}, nil
}

// CheckPoliciesAndWaivers reads policy files and a waiver file ("" for
// none) as check does: every fault is an InputError with its file, line
// and column.
func CheckPoliciesAndWaivers(policies []string, waivers string) error {
	_, _, err := loadPoliciesAndWaivers(policies, waivers)
	return err
}

// loadPoliciesAndWaivers reads the policy files, then the waiver file
// (when given) against the built-in, policy and threat rules.
func loadPoliciesAndWaivers(policies []string, waivers string) ([]*policy.Policy, []catalog.Waiver, error) {
	var ps []*policy.Policy
	var ruleIDs []string
	for _, pf := range policies {
		p, err := LoadPolicy(pf)
		if err != nil {
			return nil, nil, InputError{err}
		}
		ps = append(ps, p)
		for _, r := range p.CatalogRules() {
			ruleIDs = append(ruleIDs, r.ID)
		}
	}
	if waivers == "" {
		return ps, nil, nil
	}
	ws, err := loadWaivers(waivers, ruleIDs)
	return ps, ws, err
}

// loadWaivers reads a waiver file and refuses waivers that name no rule:
// neither a catalog rule, a policy rule nor a threat rule.
func loadWaivers(file string, extra []string) ([]catalog.Waiver, error) {
	ws, err := catalog.LoadWaivers(file)
	if err != nil {
		return nil, InputError{err}
	}
	ids := slices.Clone(extra)
	for _, r := range rules.All() {
		ids = append(ids, r.ID)
	}
	for _, k := range threat.Kinds() {
		ids = append(ids, threat.FindingPrefix+k)
	}
	if err := catalog.CheckWaivers(ws, ids); err != nil {
		return nil, InputError{err}
	}
	return ws, nil
}

// linkThreats fills each threat's findings from a check's findings.
func linkThreats(ts []threat.Threat, fs []catalog.Finding) {
	as := make([]threat.Assessed, len(fs))
	for i, f := range fs {
		as[i] = threat.Assessed{ID: f.ID, Rule: f.Rule, Subject: f.Subject, Applies: f.Status != catalog.NotApplicable}
	}
	threat.Link(ts, as)
}

// acceptThreats records the waivers on threat/ID as acceptances.
func acceptThreats(ts []threat.Threat, ws []catalog.Waiver, now time.Time) {
	threat.Accept(ts, func(id string) *threat.Acceptance {
		s := catalog.Waive(id, ws, now)
		if s == nil {
			return nil
		}
		return &threat.Acceptance{Waiver: s.Waiver, Reason: s.Justification, Owner: s.Owner, Expires: s.Expires, Source: s.Source, Expired: s.Expired}
	})
}
