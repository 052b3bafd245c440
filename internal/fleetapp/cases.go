package fleetapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleet"
	"github.com/mdcheck/mdcheck/internal/vigilance"
)

// CaseInput is what a person records of an event: how they classify it,
// when the organisation became aware of it, and what followed.
type CaseInput struct {
	// Type is event (the default: an event a person classified, with
	// reporting clocks) or vulnerability-handling (a known-exploited
	// vulnerability on a device: no clock, a review date).
	Type  string `json:"type,omitempty"`
	Title string `json:"title"`
	// Devices are the devices concerned (IDs of the organisation's).
	Devices []string         `json:"devices"`
	Kinds   []vigilance.Kind `json:"kinds"`
	Aware   time.Time        `json:"aware"`
	// Zone is an IANA time zone (Europe/Berlin); days end at its
	// midnight. Empty: UTC.
	Zone  string `json:"zone,omitempty"`
	Owner string `json:"owner"`
	// Status is open or closed.
	Status string `json:"status,omitempty"`
	// IMDRF are adverse-event codes (A1105, A110501, A110502, C1007).
	IMDRF        []string   `json:"imdrf,omitempty"`
	NIS2Notified *time.Time `json:"nis2Notified,omitempty"`
	FSCAStart    *time.Time `json:"fscaStart,omitempty"`
	Note         string     `json:"note,omitempty"`
	// Vulnerability handling: the finding, the vulnerability, the
	// disposition decided ("" until then) and when it is reviewed.
	Finding       string     `json:"finding,omitempty"`
	Vulnerability string     `json:"vulnerability,omitempty"`
	Disposition   string     `json:"disposition,omitempty"`
	ReviewDue     *time.Time `json:"reviewDue,omitempty"`
}

// EventKind is how a person classified an event (vigilance.Kind).
type EventKind = vigilance.Kind

// EventKinds are every kind of event that starts reporting clocks.
func EventKinds() []EventKind { return vigilance.Kinds() }

// Case types.
const (
	EventCase    = "event"
	HandlingCase = "vulnerability-handling"
)

// ReviewAfter is when a vulnerability-handling case opened for a
// known-exploited vulnerability is due for review, unless set otherwise.
const ReviewAfter = 14 * 24 * time.Hour

// Case is a recorded event with the clocks it started.
type Case struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	CaseInput
	Clocks []vigilance.Clock `json:"clocks"`
}

var imdrfCode = regexp.MustCompile(`^[A-G][0-9]{4,8}$`)

// check validates a case against the organisation's devices and the
// clock rules, and returns its clocks.
func (f *Fleet) check(ctx context.Context, by Actor, in *CaseInput) ([]vigilance.Clock, error) {
	bad := func(format string, args ...any) ([]vigilance.Clock, error) {
		return nil, app.InputError{Err: fmt.Errorf(format, args...)}
	}
	in.Title, in.Owner = strings.TrimSpace(in.Title), strings.TrimSpace(in.Owner)
	if in.Type == "" {
		in.Type = EventCase
	}
	switch {
	case in.Title == "" || len(in.Title) > 300:
		return bad("title: 1 to 300 characters")
	case in.Owner == "":
		return bad("owner: who handles the case")
	case in.Type == HandlingCase:
		switch {
		case len(in.Kinds) > 0:
			return bad("a vulnerability-handling case starts no reporting clock: classify an event in a case of its own")
		case in.Vulnerability == "" || len(in.Devices) == 0:
			return bad("a vulnerability-handling case names the vulnerability and the devices")
		case in.ReviewDue == nil:
			return bad("reviewDue: when the handling is reviewed")
		}
		if in.Status == "" {
			in.Status = "open"
		}
		return []vigilance.Clock{}, f.checkDevices(ctx, by, in.Devices)
	case in.Type != EventCase:
		return bad("type %q: event or vulnerability-handling", in.Type)
	case len(in.Kinds) == 0:
		return bad("kinds: how the event is classified, one or more of %v", vigilance.Kinds())
	case in.Aware.IsZero():
		return bad("aware: when the organisation became aware of the event (RFC 3339)")
	case in.Aware.After(f.store.Now().Add(5 * time.Minute)):
		return bad("aware %s is in the future", in.Aware.Format(time.RFC3339))
	}
	if in.Status == "" {
		in.Status = "open"
	}
	if in.Status != "open" && in.Status != "closed" {
		return bad("status %q: open or closed", in.Status)
	}
	for _, c := range in.IMDRF {
		if !imdrfCode.MatchString(c) {
			return bad("IMDRF code %q: a letter and digits, such as A1105 or C1007", c)
		}
	}
	if err := f.checkDevices(ctx, by, in.Devices); err != nil {
		return nil, err
	}
	return clocksOf(*in)
}

// clocksOf is the reporting clocks a checked case started: none for
// vulnerability handling.
func clocksOf(in CaseInput) ([]vigilance.Clock, error) {
	if in.Type == HandlingCase {
		return []vigilance.Clock{}, nil
	}
	zone := time.UTC
	if in.Zone != "" {
		z, err := time.LoadLocation(in.Zone)
		if err != nil {
			return nil, app.InputError{Err: fmt.Errorf("zone %q: an IANA time zone such as Europe/Berlin", in.Zone)}
		}
		zone = z
	}
	e := vigilance.Event{Kinds: in.Kinds, Aware: in.Aware, Zone: zone}
	if in.NIS2Notified != nil {
		e.NIS2Notified = *in.NIS2Notified
	}
	if in.FSCAStart != nil {
		e.FSCAStart = *in.FSCAStart
	}
	cs, err := vigilance.Clocks(e)
	if err != nil {
		return nil, app.InputError{Err: err}
	}
	return cs, nil
}

// checkDevices refuses a device that is not the organisation's.
func (f *Fleet) checkDevices(ctx context.Context, by Actor, devices []string) error {
	for _, d := range devices {
		if _, err := f.store.Device(ctx, by.Org, d); errors.Is(err, fleet.ErrNotFound) {
			return app.InputError{Err: fmt.Errorf("device %q: no such device in this organisation", d)}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// openHandlingCases opens, after assessment a of a device finished with
// report rep, a vulnerability-handling case (MDCG 2019-16 §5) for each open
// finding on a known-exploited vulnerability that has none yet: owner
// unassigned, no disposition, review due in ReviewAfter. It starts no
// reporting clock.
func (f *Fleet) openHandlingCases(ctx context.Context, a Assessment, rep reportView) error {
	for _, fd := range rep.Findings {
		if !fd.Exploited || fd.Status != "fail" || !fd.open() {
			continue
		}
		_, vuln, _ := strings.Cut(fd.Subject, "/")
		due := f.store.Now().Add(ReviewAfter).UTC()
		in := CaseInput{Type: HandlingCase, Title: "Known-exploited vulnerability " + vuln + " on " + strings.SplitN(fd.Subject, "/", 2)[0],
			Devices: []string{a.Device}, Owner: "unassigned", Status: "open", Finding: fd.ID, Vulnerability: vuln, ReviewDue: &due,
			Note: "Opened by assessment " + a.ID + ": " + fd.Detail}
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		if _, err := f.store.OpenCase(ctx, fleet.Actor{Token: fleet.System.Token, Org: a.Org}, "kev:"+a.Device+":"+fd.ID, body); err != nil {
			return err
		}
	}
	return nil
}

func toCase(d fleet.Doc) (Case, error) {
	c := Case{ID: d.ID, Created: d.Created, Updated: d.Updated}
	if err := json.Unmarshal(d.Body, &c.CaseInput); err != nil {
		return Case{}, err
	}
	// It was checked when stored; reading it only counts its clocks.
	cs, err := clocksOf(c.CaseInput)
	if err != nil {
		return Case{}, err
	}
	c.Clocks = cs
	return c, nil
}

// PutCase records a new case (id empty) or a new state of one, and
// returns it with its clocks.
func (f *Fleet) PutCase(ctx context.Context, by Actor, id string, in CaseInput) (Case, error) {
	if _, err := f.check(ctx, by, &in); err != nil {
		return Case{}, err
	}
	body, err := json.Marshal(in)
	if err != nil {
		return Case{}, err
	}
	d, err := f.store.PutCase(ctx, by, id, body)
	if err != nil {
		return Case{}, err
	}
	return toCase(d)
}

// Cases lists the organisation's cases with their clocks.
func (f *Fleet) Cases(ctx context.Context, by Actor, p Page) ([]Case, string, error) {
	ds, next, err := f.store.Cases(ctx, by.Org, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]Case, 0, len(ds))
	for _, d := range ds {
		c, err := toCase(d)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
	}
	return out, next, nil
}

// Case is one case with its clocks.
func (f *Fleet) Case(ctx context.Context, by Actor, id string) (Case, error) {
	d, err := f.store.Case(ctx, by.Org, id)
	if err != nil {
		return Case{}, err
	}
	return toCase(d)
}
