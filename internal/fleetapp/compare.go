package fleetapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleet"
)

// Comparison is what changed from one assessment of a device to a later
// one: readiness, each requirement whose status changed, and the
// findings that opened, closed or changed status.
type Comparison struct {
	From      string         `json:"from"`
	To        string         `json:"to"`
	Readiness ReadinessDelta `json:"readiness"`
	// Requirements whose status changed.
	Requirements []StatusChange `json:"requirements"`
	// Opened are findings open (failing, unknown or in error, and not set
	// aside) in To that were not in From; Closed the reverse; Changed
	// those open in both whose status changed.
	Opened  []FindingRef   `json:"opened"`
	Closed  []FindingRef   `json:"closed"`
	Changed []StatusChange `json:"changed"`
}

// ReadinessDelta is the readiness of both assessments.
type ReadinessDelta struct {
	From   float64 `json:"from"`
	To     float64 `json:"to"`
	Change float64 `json:"change"`
}

// StatusChange is a requirement or finding whose status changed.
type StatusChange struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// FindingRef names a finding.
type FindingRef struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Severity string `json:"severity,omitempty"`
}

// reportView is what the fleet reads of a check report: comparisons,
// overview summaries and vulnerability-handling cases.
type reportView struct {
	Summary struct {
		Readiness float64 `json:"readiness"`
	} `json:"summary"`
	Classification struct {
		Class string `json:"class"`
	} `json:"classification"`
	Requirements []struct {
		ID, Title, Status string
	} `json:"requirements"`
	Findings []findingView `json:"findings"`
}

// findingView is a finding as the fleet reads it.
type findingView struct {
	ID, Subject, Title, Detail, Status, Severity string
	Exploited                                    bool
	Suppression                                  *struct {
		Expired bool `json:"expired"`
	} `json:"suppression"`
}

// open reports whether the finding needs action: failing, unknown or in
// error, and not set aside.
func (f findingView) open() bool {
	return (f.Status == "fail" || f.Status == "unknown" || f.Status == "error") && (f.Suppression == nil || f.Suppression.Expired)
}

// Compare says what changed in assessment to since assessment from, two
// done assessments of the same device of the actor's organisation; with
// from empty, since the device's previous done assessment.
func (f *Fleet) Compare(ctx context.Context, by Actor, from, to string) (Comparison, error) {
	b, err := f.store.Assessment(ctx, by.Org, to)
	if err != nil {
		return Comparison{}, err
	}
	if from == "" {
		if from, err = f.store.PreviousDone(ctx, by.Org, b.Device, to); errors.Is(err, fleet.ErrNotFound) {
			return Comparison{}, app.InputError{Err: fmt.Errorf("assessment %s has no done assessment of its device before it to compare with", to)}
		} else if err != nil {
			return Comparison{}, err
		}
	}
	a, err := f.store.Assessment(ctx, by.Org, from)
	if err != nil {
		return Comparison{}, err
	}
	switch {
	case a.Device != b.Device:
		return Comparison{}, app.InputError{Err: fmt.Errorf("assessments %s and %s are of different devices", from, to)}
	case a.Report == nil || b.Report == nil:
		return Comparison{}, app.InputError{Err: fmt.Errorf("only done assessments have reports to compare (%s is %s, %s is %s)", from, a.Status, to, b.Status)}
	}
	var ra, rb reportView
	if err := json.Unmarshal(a.Report, &ra); err != nil {
		return Comparison{}, err
	}
	if err := json.Unmarshal(b.Report, &rb); err != nil {
		return Comparison{}, err
	}
	return compareViews(from, to, ra, rb), nil
}

// compareViews says what changed in the report of assessment to, rb,
// since that of assessment from, ra.
func compareViews(from, to string, ra, rb reportView) Comparison {
	c := Comparison{From: from, To: to, Requirements: []StatusChange{}, Opened: []FindingRef{}, Closed: []FindingRef{}, Changed: []StatusChange{}}
	c.Readiness = ReadinessDelta{From: ra.Summary.Readiness, To: rb.Summary.Readiness, Change: rb.Summary.Readiness - ra.Summary.Readiness}
	reqs := map[string]string{}
	for _, r := range ra.Requirements {
		reqs[r.ID] = r.Status
	}
	for _, r := range rb.Requirements {
		if old, ok := reqs[r.ID]; !ok || old != r.Status {
			c.Requirements = append(c.Requirements, StatusChange{ID: r.ID, Title: r.Title, From: old, To: r.Status})
		}
	}
	type state struct {
		ref  FindingRef
		open bool
	}
	states := func(v reportView) map[string]state {
		m := map[string]state{}
		for _, f := range v.Findings {
			m[f.ID] = state{FindingRef{f.ID, f.Title, f.Status, f.Severity}, f.open()}
		}
		return m
	}
	sa, sb := states(ra), states(rb)
	for id, s := range sb {
		old, ok := sa[id]
		switch {
		case s.open && (!ok || !old.open):
			c.Opened = append(c.Opened, s.ref)
		case s.open && old.ref.Status != s.ref.Status:
			c.Changed = append(c.Changed, StatusChange{ID: id, Title: s.ref.Title, From: old.ref.Status, To: s.ref.Status})
		}
	}
	for id, s := range sa {
		if now, ok := sb[id]; s.open && (!ok || !now.open) {
			if ok {
				s.ref.Status = now.ref.Status
			} else {
				s.ref.Status = "gone"
			}
			c.Closed = append(c.Closed, s.ref)
		}
	}
	for _, l := range [][]FindingRef{c.Opened, c.Closed} {
		sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID })
	}
	sort.Slice(c.Changed, func(i, j int) bool { return c.Changed[i].ID < c.Changed[j].ID })
	return c
}
