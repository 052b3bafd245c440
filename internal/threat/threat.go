// Package threat derives a threat model from the device model: the
// threats an attacker poses to each interface, component and data flow,
// in STRIDE terms and in clinical ones (therapy, monitoring, diagnosis,
// privacy), each with the likelihood the model's facts give it, its
// risk, the controls the model declares against it, and the catalog
// rules that already assess it. It knows medical threats, not only IT
// ones: therapy commands tampered with over radio, emergency access
// abused, a wake-up flood draining an implant's battery, a home monitor
// used as a pivot, health data leaking from a flow. The derivation is a
// pure function of the model: the same model gives the same threats.
package threat

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
)

// Threat is one threat to one element of the device.
type Threat struct {
	// ID is rule@element: stable across runs.
	ID    string `json:"id"`
	Rule  string `json:"rule"`
	Title string `json:"title"`
	// STRIDE lists the categories: spoofing, tampering, repudiation,
	// information-disclosure, denial-of-service, elevation-of-privilege.
	STRIDE []string `json:"stride"`
	// Element is what it concerns: a component, component/interface, or
	// a flow from->to.
	Element string `json:"element"`
	// Zone is the exposure zone the attacker acts from.
	Zone   string   `json:"zone"`
	Assets []string `json:"assets"`
	// Consequence is the clinical consequence: therapy, monitoring,
	// diagnosis or privacy.
	Consequence string `json:"consequence"`
	Likelihood  int    `json:"likelihood"`
	Severity    int    `json:"severity"`
	Risk        Risk   `json:"risk"`
	// Why says what raised or lowered the likelihood.
	Why []string `json:"why"`
	// Mitigations are the controls the model declares against it, each
	// as "path: what"; Mitigated is true when every control the rule
	// looks for is declared.
	Mitigations []string `json:"mitigations"`
	Mitigated   bool     `json:"mitigated"`
	// Missing are the controls the rule looks for that the model says
	// are absent or does not state, each as "path: what: no" or "path:
	// what: not stated".
	Missing []string `json:"missing"`
	// Status is mitigated, open, or accepted: open, with an acceptance
	// (a waiver on threat/ID) that has not expired.
	Status     string      `json:"status"`
	Acceptance *Acceptance `json:"acceptance,omitempty"`
	// Rules are the catalog rules that assess the same weakness; their
	// findings are this threat's findings.
	Rules []string `json:"rules"`
	// Findings are the IDs of those rules' findings on this threat's
	// element, from the health check of the same model; Covered is true
	// when there is one (else the threat is a gap no rule assessed).
	Findings []string `json:"findings"`
	Covered  bool     `json:"covered"`
	// Controls are the controls the rule looks for, with what the model
	// says of each.
	Controls []Control `json:"-"`
	// via is, for a flow, the interface that carries it.
	via string
}

// Control is one control a threat rule looks for.
type Control struct {
	// Path is the model fact that declares it; What says what it does.
	Path, What string
	// Declared is what the model says: nil when it does not say.
	Declared *bool
}

// Statuses of a threat.
const (
	StatusMitigated = "mitigated"
	StatusOpen      = "open"
	StatusAccepted  = "accepted"
)

// Acceptance is a threat's risk accepted by a waiver: why, by whom and
// until when. An expired acceptance is kept, and the threat is open
// again.
type Acceptance struct {
	// Waiver is the waiver's finding pattern; Source the file it is in.
	Waiver  string `json:"waiver"`
	Reason  string `json:"reason"`
	Owner   string `json:"owner,omitempty"`
	Expires string `json:"expires,omitempty"`
	Source  string `json:"source,omitempty"`
	Expired bool   `json:"expired,omitempty"`
}

// FindingPrefix is what a threat's ID is prefixed with to name it as a
// finding, and so in a waiver: threat/battery-drain@ipg/mics.
const FindingPrefix = "threat/"

// Accept records the acceptance of each threat that accept returns one
// for (nil: none). A threat accepted and not expired is accepted unless
// already mitigated.
func Accept(ts []Threat, accept func(findingID string) *Acceptance) {
	for i := range ts {
		t := &ts[i]
		a := accept(FindingPrefix + t.ID)
		if a == nil {
			continue
		}
		t.Acceptance = a
		if !a.Expired && t.Status == StatusOpen {
			t.Status = StatusAccepted
		}
	}
}

// Kinds are the threat rules' IDs.
func Kinds() []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.id
	}
	return out
}

// KindTitle is a threat rule's title, "" for an unknown rule.
func KindTitle(kind string) string {
	for _, r := range rules {
		if r.id == kind {
			return r.title
		}
	}
	return ""
}

// Assessed is a finding of the health check, as Link reads it.
type Assessed struct {
	ID, Rule, Subject string
	// Applies is false for a finding that does not apply.
	Applies bool
}

// Link fills each threat's findings: the findings of its rules whose
// subject is the threat's element (for a flow, the interface that
// carries it), its component, or, for a component, an interface of it. A
// finding that does not apply covers nothing.
func Link(ts []Threat, fs []Assessed) {
	for i := range ts {
		t := &ts[i]
		t.Findings = []string{}
		el, _, _ := strings.Cut(t.Element, "->")
		if t.via != "" {
			el = t.via // a flow is assessed on the interface that carries it
		}
		comp, _, _ := strings.Cut(el, "/")
		for _, f := range fs {
			if !f.Applies || !slices.Contains(t.Rules, f.Rule) {
				continue
			}
			if s := f.Subject; s == el || s == comp || strings.HasPrefix(s, el+"/") {
				t.Findings = append(t.Findings, f.ID)
			}
		}
		sort.Strings(t.Findings)
		t.Covered = len(t.Findings) > 0
	}
}

// Risk is a threat's level.
type Risk string

// Risk levels.
const (
	Low      Risk = "low"
	Medium   Risk = "medium"
	High     Risk = "high"
	Critical Risk = "critical"
)

// Formula says how risk is computed (docs/threats.md).
const Formula = "risk = likelihood (1-5) x clinical severity (1-5): critical from 20, high from 12, medium from 6, low below"

// level is the risk of a likelihood and a severity.
func level(likelihood, severity int) Risk {
	switch p := likelihood * severity; {
	case p >= 20:
		return Critical
	case p >= 12:
		return High
	case p >= 6:
		return Medium
	}
	return Low
}

// reach is the base likelihood of an attack from a zone: the wider the
// set of people who can reach the interface, the likelier.
func reach(e model.Exposure) int {
	switch e {
	case model.ExposureInternet:
		return 5
	case model.ExposureHospitalNetwork, model.ExposureHomeNetwork:
		return 4
	case model.ExposureProximity:
		return 3
	case model.ExposurePhysical:
		return 2
	}
	return 4 // not stated: as reachable as a local network, never less
}

// severity is the clinical severity of a consequence for a component.
func severity(consequence string) int {
	switch consequence {
	case "therapy":
		return 5
	case "monitoring":
		return 4
	case "diagnosis":
		return 4
	}
	return 3 // privacy
}

// Derive returns the threats to dev, sorted by risk (highest first),
// then ID.
func Derive(dev *model.Device) []Threat {
	var out []Threat
	for _, r := range rules {
		out = append(out, r.derive(dev)...)
	}
	for i := range out {
		t := &out[i]
		t.ID = t.Rule + "@" + t.Element
		t.Risk = level(t.Likelihood, t.Severity)
		if t.Assets == nil {
			t.Assets = []string{}
		}
		if t.Mitigations == nil {
			t.Mitigations = []string{}
		}
		if t.Why == nil {
			t.Why = []string{}
		}
		t.Missing = []string{}
		t.Mitigated = len(t.Controls) > 0
		for _, c := range t.Controls {
			switch {
			case c.Declared == nil:
				t.Missing = append(t.Missing, c.Path+": "+c.What+": not stated")
			case !*c.Declared:
				t.Missing = append(t.Missing, c.Path+": "+c.What+": no")
			}
		}
		if len(t.Missing) > 0 {
			t.Mitigated = false
		}
		t.Status = StatusOpen
		if t.Mitigated {
			t.Status = StatusMitigated
		}
	}
	rank := map[Risk]int{Critical: 0, High: 1, Medium: 2, Low: 3}
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].Risk] != rank[out[j].Risk] {
			return rank[out[i].Risk] < rank[out[j].Risk]
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// rule derives the threats of one kind.
type rule struct {
	id, title string
	derive    func(dev *model.Device) []Threat
}

// likelihood starts from the zone's reach and lowers it for each control
// that stands in the attacker's way; a control the model does not state
// lowers nothing.
type likelihood struct {
	score int
	why   []string
	// controls are those the rule looks for, in the order it looked.
	controls []Control
}

func newLikelihood(e model.Exposure) *likelihood {
	z := string(e)
	if z == "" {
		z = "not stated"
	}
	return &likelihood{score: reach(e), why: []string{fmt.Sprintf("reachable from: %s (%d)", z, reach(e))}}
}

// control lowers the likelihood by one when b is declared true.
func (l *likelihood) control(b *bool, what string) bool {
	switch {
	case b == nil:
		l.why = append(l.why, what+": not stated")
		return false
	case *b:
		if l.score > 1 {
			l.score--
		}
		l.why = append(l.why, what+": yes (-1)")
		return true
	}
	l.why = append(l.why, what+": no")
	return false
}

// require is control for a control the threat needs to be mitigated,
// declared at path.
func (l *likelihood) require(b *bool, path, what string) bool {
	l.expect(b, path, what)
	return l.control(b, what)
}

// expect records a control the threat needs to be mitigated that does
// not change its likelihood.
func (l *likelihood) expect(b *bool, path, what string) bool {
	l.controls = append(l.controls, Control{Path: path, What: what, Declared: b})
	return yes(b)
}

// stated is a yes/no fact from a value: nil when the value is not
// stated, else whether it is one of good.
func stated[T comparable](v T, good ...T) *bool {
	var zero T
	if v == zero {
		return nil
	}
	b := slices.Contains(good, v)
	return &b
}

func yes(b *bool) bool { return b != nil && *b }

// assetsOf lists the data assets stored on a component.
func assetsOf(dev *model.Device, component string) []string {
	var out []string
	for _, a := range dev.DataAssets {
		for _, on := range a.StoredOn {
			if on == component {
				out = append(out, a.ID)
			}
		}
	}
	return out
}

// consequenceOf is what an attack on a component does to patients.
func consequenceOf(c *model.Component) string {
	for _, itf := range c.Interfaces {
		if yes(itf.ChangesTherapy) {
			return "therapy"
		}
	}
	switch c.Kind {
	case "implant", "infusion-pump", "insulin-pump", "ventilator", "life-support":
		return "therapy"
	case "patient-monitor", "bedside-monitor", "central-station", "home-monitor":
		return "monitoring"
	}
	if m := c.Monitoring; m != nil && yes(m.OverLink) {
		return "monitoring"
	}
	if f := c.Classification; f != nil && f.DecisionSupport != "" && f.DecisionSupport != "none" {
		return "diagnosis"
	}
	return "privacy"
}

// Zone is the attack surface of one exposure zone.
type Zone struct {
	Zone       string   `json:"zone"`
	Interfaces []string `json:"interfaces"`
	Threats    int      `json:"threats"`
	Open       int      `json:"open"`
	Highest    Risk     `json:"highest,omitempty"`
}

// ImplantZone is the trust boundary of the patient's body.
const ImplantZone = "implant"

// Surface summarises the attack surface per exposure zone, most exposed
// first: the interfaces reachable from it, and the threats from it (open:
// neither mitigated by declared controls nor accepted). The implant zone
// is the body's boundary: the interfaces of implanted components, and
// the threats that reach one (also counted under the zone they come
// from).
func Surface(dev *model.Device, threats []Threat) []Zone {
	order := []string{"internet", "hospital-network", "home-network", "proximity", "physical", ImplantZone, "not stated"}
	zs := map[string]*Zone{}
	get := func(z string) *Zone {
		if zs[z] == nil {
			zs[z] = &Zone{Zone: z, Interfaces: []string{}}
		}
		return zs[z]
	}
	implanted := map[string]bool{}
	each(dev, func(c *model.Component, _ string, itf *model.Interface) {
		z := get(zone(itf.Exposure))
		z.Interfaces = append(z.Interfaces, c.ID+"/"+itf.ID)
		if c.Implanted() {
			implanted[c.ID] = true
			get(ImplantZone).Interfaces = append(get(ImplantZone).Interfaces, c.ID+"/"+itf.ID)
		}
	})
	rank := map[Risk]int{"": 0, Low: 1, Medium: 2, High: 3, Critical: 4}
	count := func(z *Zone, t Threat) {
		z.Threats++
		if t.Status == StatusOpen {
			z.Open++
		}
		if rank[t.Risk] > rank[z.Highest] {
			z.Highest = t.Risk
		}
	}
	for _, t := range threats {
		count(get(t.Zone), t)
		from, to, _ := strings.Cut(t.Element, "->")
		from, _, _ = strings.Cut(from, "/")
		if implanted[from] || implanted[to] {
			count(get(ImplantZone), t)
		}
	}
	var out []Zone
	for _, name := range order {
		if z := zs[name]; z != nil {
			out = append(out, *z)
		}
	}
	return out
}
