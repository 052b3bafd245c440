// Package vigilance computes the reporting clocks an event starts once a
// person has classified it and said when they became aware of it: MDR
// Art. 87 for serious incidents and field safety corrective actions,
// NIS2 Art. 23 for significant incidents, GDPR Art. 33 for personal-data
// breaches. A clock never starts by itself: a vulnerability is not an
// incident until someone says so.
//
// Where the texts leave room, the earlier deadline is shown, so that a
// clock is never later than the law: a period in hours runs from the
// moment of awareness; a period in days ends at the end of its last day
// in the organisation's time zone, and is not extended when that day is
// a Saturday, Sunday or public holiday (Regulation 1182/71 Art. 3(4) may
// extend it; each such clock says so).
package vigilance

import (
	"fmt"
	"sort"
	"time"
)

// Kind is how a person classified an event.
type Kind string

// Kinds of event.
const (
	// SeriousIncident is a serious incident under MDR Art. 2(65).
	SeriousIncident Kind = "mdr-serious-incident"
	// DeathOrDeterioration is a serious incident with death or an
	// unanticipated serious deterioration of a person's health.
	DeathOrDeterioration Kind = "mdr-death-or-serious-deterioration"
	// PublicHealthThreat is a serious public health threat, Art. 2(66).
	PublicHealthThreat Kind = "mdr-serious-public-health-threat"
	// FSCA is a field safety corrective action, Art. 2(68).
	FSCA Kind = "mdr-fsca"
	// SignificantIncident is a significant incident of an essential or
	// important entity under NIS2 Art. 23.
	SignificantIncident Kind = "nis2-significant-incident"
	// DataBreach is a personal-data breach under GDPR Art. 33.
	DataBreach Kind = "gdpr-personal-data-breach"
)

// Kinds are every kind, in a fixed order.
func Kinds() []Kind {
	return []Kind{SeriousIncident, DeathOrDeterioration, PublicHealthThreat, FSCA, SignificantIncident, DataBreach}
}

// Event is what a person recorded.
type Event struct {
	Kinds []Kind
	// Aware is when they became aware of it.
	Aware time.Time
	// Zone is the organisation's time zone: days end at its midnight.
	Zone *time.Location
	// NIS2Notified, when set, is when the NIS2 incident notification was
	// submitted: the final report is due a month after it.
	NIS2Notified time.Time
	// FSCAStart, when set, is when the corrective action is planned to
	// start: it must be reported before.
	FSCAStart time.Time
}

// Clock is one deadline an event started.
type Clock struct {
	Kind Kind   `json:"kind"`
	Law  string `json:"law"`
	Step string `json:"step"`
	// Due is the deadline; zero when it depends on something not yet
	// recorded (Note says what).
	Due time.Time `json:"due"`
	// Period is the period as the law states it.
	Period string `json:"period"`
	Note   string `json:"note,omitempty"`
}

// endOfDay is the last instant of the day n days after t's day, in zone.
func endOfDay(t time.Time, n int, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day()+n+1, 0, 0, 0, 0, zone).Add(-time.Nanosecond)
}

// days is a clock of n days from aware: the day of awareness does not
// count, the period ends at the end of its last day.
func days(k Kind, law, step string, aware time.Time, n int, zone *time.Location) Clock {
	c := Clock{Kind: k, Law: law, Step: step, Due: endOfDay(aware, n, zone), Period: fmt.Sprintf("%d days after awareness", n)}
	if wd := c.Due.Weekday(); wd == time.Saturday || wd == time.Sunday {
		c.Note = fmt.Sprintf("the last day is a %s: Regulation 1182/71 Art. 3(4) may extend the period to the next working day; the earlier deadline is shown", wd)
	}
	return c
}

// hours is a clock of n hours from aware.
func hours(k Kind, law, step string, aware time.Time, n int) Clock {
	return Clock{Kind: k, Law: law, Step: step, Due: aware.Add(time.Duration(n) * time.Hour), Period: fmt.Sprintf("%d hours after awareness", n)}
}

// Clocks are the deadlines an event starts, earliest first. An unknown
// kind is an error: a clock is never silently missing.
func Clocks(e Event) ([]Clock, error) {
	if e.Aware.IsZero() {
		return nil, fmt.Errorf("when the organisation became aware of the event is needed to start its clocks")
	}
	zone := e.Zone
	if zone == nil {
		zone = time.UTC
	}
	var out []Clock
	for _, k := range e.Kinds {
		switch k {
		case SeriousIncident:
			out = append(out, days(k, "MDR Art. 87(3)", "serious incident report to the competent authority (EUDAMED), immediately once a causal relationship is established or reasonably possible", e.Aware, 15, zone))
		case DeathOrDeterioration:
			out = append(out, days(k, "MDR Art. 87(5)", "serious incident report: death or unanticipated serious deterioration of health, immediately", e.Aware, 10, zone))
		case PublicHealthThreat:
			out = append(out, days(k, "MDR Art. 87(4)", "serious incident report: serious public health threat, immediately", e.Aware, 2, zone))
		case FSCA:
			c := Clock{Kind: k, Law: "MDR Art. 87(1)(b), 87(8)", Step: "report the field safety corrective action to the competent authorities before undertaking it (except in urgent cases), with the field safety notice", Period: "before the action starts"}
			if e.FSCAStart.IsZero() {
				c.Note = "record when the action is planned to start"
			} else {
				c.Due = e.FSCAStart
			}
			out = append(out, c)
		case SignificantIncident:
			out = append(out,
				hours(k, "NIS2 Art. 23(4)(a)", "early warning to the CSIRT or competent authority (suspected unlawful or malicious act? cross-border impact?)", e.Aware, 24),
				hours(k, "NIS2 Art. 23(4)(b)", "incident notification: initial assessment, severity, impact, indicators of compromise", e.Aware, 72))
			c := Clock{Kind: k, Law: "NIS2 Art. 23(4)(d)", Step: "final report", Period: "one month after the incident notification"}
			if e.NIS2Notified.IsZero() {
				c.Note = "runs from when the incident notification is submitted; record it"
			} else {
				l := e.NIS2Notified.In(zone)
				// One month: to the end of the same date of the next month,
				// or of its last day when it has no such date.
				y, m, d := l.Year(), l.Month()+1, l.Day()
				last := time.Date(y, m+1, 0, 0, 0, 0, 0, zone).Day()
				c.Due = time.Date(y, m, min(d, last)+1, 0, 0, 0, 0, zone).Add(-time.Nanosecond)
			}
			out = append(out, c)
		case DataBreach:
			out = append(out, hours(k, "GDPR Art. 33(1)", "notify the supervisory authority without undue delay (a processor informs the controller without undue delay, Art. 33(2))", e.Aware, 72))
		default:
			return nil, fmt.Errorf("event kind %q: one of %v", k, Kinds())
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		switch {
		case out[i].Due.IsZero() != out[j].Due.IsZero():
			return out[j].Due.IsZero()
		}
		return out[i].Due.Before(out[j].Due)
	})
	return out, nil
}
