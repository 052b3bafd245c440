package htmlreport

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/severity"
)

// The clinician page holds at most this many items per list, so that
// it stays one printed A4 page; the full report has the rest.
const clinicianItems = 4

type (
	clinicianView struct {
		Name, Manufacturer, Date, Tool string
		// Verdict is one sentence: what the assessment says, in plain
		// words; Level is its colour (ok, caution, stop).
		Verdict, Level string
		Facts          []string
		Before         []string
		Emergency      []emergency
		Watch          []string
		Call           []string
		More           int
	}
	emergency struct {
		Component string
		Lines     []string
	}
)

// WriteClinician writes one printed A4 page in plain language for the
// clinicians who use the device: what the assessment says, what to do
// before use, how emergency access works, what to watch for and whom to
// call. It never says more than the assessment knows: an unknown fact is
// said to be unknown.
func WriteClinician(w io.Writer, in Input) error {
	if in.Report == nil {
		return fmt.Errorf("htmlreport: no report")
	}
	return pages().ExecuteTemplate(w, "clinician", clinician(in))
}

func clinician(in Input) *clinicianView {
	r := in.Report
	v := &clinicianView{Name: strings.TrimSpace(r.Device.Product + " " + r.Device.Model), Manufacturer: r.Device.Manufacturer, Date: r.Date, Tool: r.Tool.Stamp()}
	var exploited, severe, open, unknown int
	for _, f := range r.Findings {
		if f.Suppressed() {
			continue
		}
		switch f.Status {
		case catalog.Fail:
			open++
			if f.Exploited {
				exploited++
			}
			if f.Severity >= severity.High {
				severe++
			}
		case catalog.Unknown, catalog.Error:
			unknown++
		}
	}
	switch {
	case exploited > 0:
		v.Level, v.Verdict = "stop", fmt.Sprintf("Ask your biomedical engineering or IT security team before use: %d weakness(es) known to be exploited by attackers are open.", exploited)
	case severe > 0:
		v.Level, v.Verdict = "caution", fmt.Sprintf("Use it with the precautions below: %d serious security issue(s) are open in this assessment.", severe)
	case open > 0 || unknown > 0 || r.Tool.Database == nil:
		v.Level, v.Verdict = "caution", "Use it with the precautions below: the assessment found minor issues or could not check everything."
	default:
		v.Level, v.Verdict = "ok", "No open security issue is known from this assessment. Follow the precautions below."
	}
	v.Facts = append(v.Facts, fmt.Sprintf("%d security issue(s) open, %d of them serious; %d fact(s) the manufacturer has not stated.", open, severe, unknown))
	if r.Tool.Database == nil {
		v.Facts = append(v.Facts, "Known software weaknesses were not checked.")
	}
	// Known weaknesses in the software, by component, in plain words.
	weak := map[string]int{}
	var where []string
	for _, f := range r.Findings {
		if f.Rule == "vuln/known-vulnerabilities" && f.Status == catalog.Fail && !f.Suppressed() {
			c, _, _ := strings.Cut(f.Subject, "/")
			if weak[c] == 0 {
				where = append(where, c)
			}
			weak[c]++
		}
	}
	if len(where) > 0 {
		var parts []string
		for _, c := range where {
			parts = append(parts, fmt.Sprintf("%d in %s", weak[c], componentName(in.Model, c)))
		}
		v.Facts = append(v.Facts, "Known weaknesses in the software still open: "+strings.Join(parts, ", ")+".")
	}
	dev := in.Model
	if dev == nil {
		v.Watch = append(v.Watch, "The device model was not given: how the device connects is not known here.")
		return v
	}
	for _, rs := range dev.Responsibilities {
		if rs.Party == "user" || rs.Party == "patient" || rs.Party == "operator" {
			v.Before = append(v.Before, rs.Expectation)
		}
	}
	if len(v.Before) > clinicianItems {
		v.More += len(v.Before) - clinicianItems
		v.Before = v.Before[:clinicianItems]
	}
	if len(v.Before) == 0 {
		v.Before = append(v.Before, "The manufacturer states no security precaution for users: ask for one before use.")
	}
	for _, c := range dev.Components {
		if c.AccessControl == nil || c.AccessControl.EmergencyAccess == nil {
			if deliversTherapy(c) {
				v.Emergency = append(v.Emergency, emergency{c.Name, []string{"Emergency access is not stated by the manufacturer: ask before you rely on it."}})
			}
			continue
		}
		v.Emergency = append(v.Emergency, emergency{c.Name, emergencyLines(c.AccessControl.EmergencyAccess)})
	}
	for _, c := range dev.Components {
		if m := c.Monitoring; m != nil && m.OverLink != nil && *m.OverLink {
			switch m.OnLinkLoss {
			case "alarm":
				s := "If " + c.Name + " loses its connection, it raises an alarm"
				if m.AlarmSeconds != nil {
					s += " within " + duration(*m.AlarmSeconds)
				}
				v.Watch = append(v.Watch, s+": act on it, do not silence it.")
			case "safe-state":
				v.Watch = append(v.Watch, "If "+c.Name+" loses its connection, it moves to a safe state and tells you: check the patient.")
			default:
				v.Watch = append(v.Watch, c.Name+" does not tell you when its connection is lost: check that its data is current.")
			}
		}
		for _, itf := range c.Interfaces {
			if itf.ChangesTherapy != nil && *itf.ChangesTherapy {
				auth := "without a login: keep it under your control"
				if a := itf.Authentication; a == nil || a.Required == nil {
					auth = "and the manufacturer does not say whether it checks who connects"
				} else if *a.Required {
					auth = "only after it authenticates"
				}
				v.Watch = append(v.Watch, fmt.Sprintf("Therapy on %s can be changed over %s (%s), %s.", c.Name, itf.ID, itf.Kind, auth))
			}
		}
	}
	if len(v.Watch) > clinicianItems+1 {
		v.More += len(v.Watch) - clinicianItems - 1
		v.Watch = v.Watch[:clinicianItems+1]
	}
	v.Watch = append(v.Watch, "Anything unusual (settings you did not make, a device you did not pair, repeated connection alarms): stop, keep the patient safe, report it.")
	v.Call = append(v.Call, "Your biomedical engineering or IT security team: for a device that behaves oddly or a suspected attack.")
	if l := dev.Lifecycle; l != nil && l.VulnerabilityDisclosure != nil {
		d := l.VulnerabilityDisclosure
		contact := firstOf(d.Contact, d.URL, d.SecurityTxt)
		if contact != "" {
			v.Call = append(v.Call, dev.Identity.Manufacturer+" security team: "+contact+".")
		}
	}
	if len(v.Call) == 1 {
		v.Call = append(v.Call, dev.Identity.Manufacturer+" states no security contact: ask your team to obtain one.")
	}
	return v
}

// emergencyLines says how emergency access works, in plain words; what
// the model does not state is said to be unknown.
func emergencyLines(e *model.EmergencyAccess) []string {
	if e.Supported != nil && !*e.Supported {
		return []string{"There is no emergency access path: plan for it before you need it."}
	}
	var out []string
	if e.Mechanism != "" {
		out = append(out, "How: "+e.Mechanism+".")
	}
	yes := func(b *bool, t, f, unknown string) {
		switch {
		case b == nil:
			out = append(out, unknown)
		case *b:
			out = append(out, t)
		default:
			out = append(out, f)
		}
	}
	yes(e.RequiresCredentials, "You need credentials issued in advance: have them ready.", "No credentials needed in an emergency.", "Whether credentials are needed is not stated.")
	if e.RequiresProximity != nil && *e.RequiresProximity {
		s := "You must be close to the patient"
		if e.MaxRangeMeters != nil {
			s += fmt.Sprintf(" (within %g m)", *e.MaxRangeMeters)
		}
		out = append(out, s+".")
	}
	yes(e.Logged, "Each emergency session is logged.", "Emergency sessions are not logged: note what you did.", "")
	if e.TimeLimitMinutes != nil && *e.TimeLimitMinutes > 0 {
		out = append(out, fmt.Sprintf("Emergency mode ends after %d minutes.", *e.TimeLimitMinutes))
	}
	switch e.ReturnToNormal {
	case "automatic":
		out = append(out, "Normal protection returns by itself.")
	case "manual":
		out = append(out, "Normal protection must be restored by hand afterwards.")
	case "never":
		out = append(out, "Normal protection does not return by itself: report the session so it is restored.")
	}
	var kept []string
	for _, s := range out {
		if s != "" {
			kept = append(kept, s)
		}
	}
	return kept
}

// componentName is a component's name, or its ID without a model.
func componentName(dev *model.Device, id string) string {
	if dev != nil {
		for _, c := range dev.Components {
			if c.ID == id {
				return c.Name
			}
		}
	}
	return id
}

// duration says a number of seconds in the largest whole unit.
func duration(sec int) string {
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case sec >= 3600 && sec%3600 == 0:
		return unit(sec/3600, "hour")
	case sec >= 60 && sec%60 == 0:
		return unit(sec/60, "minute")
	}
	return unit(sec, "second")
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// deliversTherapy reports whether clinicians may need emergency access
// to a component: an implant, one that gives therapeutic energy, or one
// whose interfaces can change therapy.
func deliversTherapy(c model.Component) bool {
	if c.Kind == "implant" {
		return true
	}
	if f := c.Classification; f != nil && f.TherapeuticEnergy != "" && f.TherapeuticEnergy != "none" {
		return true
	}
	for _, itf := range c.Interfaces {
		if itf.ChangesTherapy != nil && *itf.ChangesTherapy {
			return true
		}
	}
	return false
}
