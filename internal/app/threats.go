package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	opts := runOptions{Profile: ProfileAll, Now: o.Date, Build: a.cfg.Build}
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

// threatRefs are the requirements a threat no rule assesses bears on:
// security risk management (17.2) by threat modelling (MDCG 2019-16
// §3.4), and, for a threat that can hamper the device's functioning
// (spoofing, tampering, elevation of privilege, denial of service),
// protection against unauthorised access (18.8).
func threatRefs(stride []string) []string {
	refs := []string{"MDR.AI.17.2", "MDCG1916.3.4"}
	for _, s := range stride {
		if s == "spoofing" || s == "tampering" || s == "elevation-of-privilege" || s == "denial-of-service" {
			return append(refs, "MDR.AI.18.8")
		}
	}
	return refs
}

// threatRules are the rules that decide the threats no catalog rule
// assesses (covered false), one per threat rule with such threats, with
// the requirements in the profile: each such threat is a finding of its
// own, passed when the model declares every control its rule looks for,
// failed when it says one is absent, unknown otherwise. A covered threat
// is counted by its rules' findings, not again.
func threatRules(ts []threat.Threat, inProfile requirementSet) []catalog.Rule {
	var out []catalog.Rule
	for _, kind := range threat.Kinds() {
		var gaps []threat.Threat
		for _, t := range ts {
			if t.Rule == kind && !t.Covered {
				gaps = append(gaps, t)
			}
		}
		if len(gaps) == 0 {
			continue
		}
		refs := inProfile.only(threatRefs(gaps[0].STRIDE))
		if len(refs) == 0 {
			continue
		}
		out = append(out, catalog.Rule{
			ID: threat.FindingPrefix + kind, Title: "Threat no rule assesses: " + threat.KindTitle(kind), Severity: catalog.Medium, Refs: refs,
			Rationale:   "MDCG 2019-16 §3.4 expects security risk assessment by threat modelling from the attacker's view. This threat, derived from the device model (mdcheck threats), is assessed by no catalog rule on its element, so it is decided from the controls its threat rule looks for.",
			Remediation: "Put in place the controls the finding names as missing and declare them in the device model, or accept the threat's residual risk with a waiver on threat/RULE@ELEMENT that gives its reason, owner and expiry.",
			Check: func(in *catalog.Input) []catalog.Result {
				out := make([]catalog.Result, 0, len(gaps))
				for _, t := range gaps {
					out = append(out, threatResult(in, t))
				}
				return out
			},
		})
	}
	return out
}

// threatResult decides one threat no rule assesses.
func threatResult(in *catalog.Input, t threat.Threat) catalog.Result {
	r := catalog.Result{Subject: t.Element, Severity: riskSeverity(t.Risk)}
	var absent, unstated []string
	for _, c := range t.Controls {
		if c.Declared == nil {
			unstated = append(unstated, c.What+" ("+c.Path+")")
			continue
		}
		r.Evidence = append(r.Evidence, in.Cite(c.Path, fmt.Sprint(*c.Declared)))
		if !*c.Declared {
			absent = append(absent, c.What+" ("+c.Path+")")
		}
	}
	head := fmt.Sprintf("%s (risk %s: likelihood %d x severity %d, %s)", t.Title, t.Risk, t.Likelihood, t.Severity, t.Consequence)
	switch {
	case len(absent) > 0:
		r.Status, r.Detail = catalog.Fail, head+"; the model says these are absent: "+strings.Join(absent, ", ")
		if len(unstated) > 0 {
			r.Detail += "; not stated: " + strings.Join(unstated, ", ")
		}
	case len(unstated) > 0 || len(t.Controls) == 0:
		r.Status, r.Detail = catalog.Unknown, head+"; not stated in the model: "+strings.Join(unstated, ", ")
	default:
		r.Status, r.Detail = catalog.Pass, head+"; mitigated by: "+strings.Join(t.Mitigations, "; ")
	}
	return r
}

// riskSeverity is the finding severity of a threat's risk.
func riskSeverity(r threat.Risk) catalog.Severity {
	if l, ok := catalog.ParseSeverity(string(r)); ok {
		return l
	}
	return catalog.Critical // an unknown risk is never taken as harmless
}
