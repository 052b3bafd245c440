// Package safety weighs a known vulnerability for patients: how the
// component that carries it can be reached and what it does for the
// patient, from the device model, on top of the vulnerability's own
// rating (docs/vulnerabilities.md, "Severity for patients"). The formula
// is mdcheck's own, documented and tested; CVSS v4.0's Safety metric
// counts where a vector carries it.
package safety

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Reach factors by who can reach the component.
var reachFactor = map[model.Exposure]float64{
	model.ExposureInternet:        1.0,
	model.ExposureHospitalNetwork: 0.9,
	model.ExposureHomeNetwork:     0.9,
	model.ExposureProximity:       0.75,
	model.ExposurePhysical:        0.55,
}

// attackVectorReach is the reach a CVSS attack vector needs: a flaw that
// needs physical access is no more reachable than that, however the
// component is connected.
var attackVectorReach = map[string]model.Exposure{"N": model.ExposureInternet, "A": model.ExposureHospitalNetwork, "L": model.ExposureProximity, "P": model.ExposurePhysical}

// Technical scores stand in for a CVSS score where a vulnerability has
// only a rating; one without either is taken as high, never low.
var ratingScore = map[severity.Level]float64{severity.Critical: 9.5, severity.High: 8, severity.Medium: 5.5, severity.Low: 2.5, severity.Info: 2.5}

// Weigh weighs match m found in component c, whose MDR class is class
// (classify.None when not known).
func Weigh(m vuln.Match, c *model.Component, class classify.Class) vuln.Safety {
	s := vuln.Safety{}
	var why []string

	// The vulnerability itself: its highest CVSS score, else the rating
	// its source gives, else (unknown) high, never low.
	tech, vec, known := -1.0, "", false
	for _, v := range m.CVSS {
		if sc, ok := vuln.CVSSScore(v); ok && sc > tech {
			tech, vec, known = sc, v, true
		}
	}
	if !known {
		tech = 8
		if t, ok := ratingScore[m.Severity]; ok {
			tech = t
		}
	}
	s.Technical = tech
	switch {
	case known:
		why = append(why, fmt.Sprintf("a %s flaw (CVSS %.1f)", severity.FromCVSS(tech), tech))
	case m.Severity != severity.None:
		why = append(why, fmt.Sprintf("a %s flaw (no CVSS vector)", m.Severity))
	default:
		why = append(why, "a flaw of unknown severity (taken as high)")
	}
	why[0] += " in " + m.Package + " " + m.Version

	// Reach: the component's most exposed interface, bounded by what the
	// attack vector needs.
	var exposure model.Exposure
	switch {
	case c.Interfaces == nil:
		exposure = model.ExposureInternet
		why = append(why, fmt.Sprintf("on %s, whose interfaces are not declared (taken as reachable from the internet)", c.Name))
	case len(c.Interfaces) == 0:
		exposure = model.ExposurePhysical
		why = append(why, fmt.Sprintf("on %s, which has no interface (physical access only)", c.Name))
	default:
		for _, in := range c.Interfaces {
			e := in.Exposure
			if e == "" {
				e = model.ExposureInternet // an interface of undeclared exposure
			}
			if e.Reach() > exposure.Reach() {
				exposure = e
			}
		}
		why = append(why, fmt.Sprintf("on %s, reachable from %s", c.Name, exposure.From()))
	}
	if av := attackVector(vec); av != "" {
		if need := attackVectorReach[av]; need.Reach() < exposure.Reach() {
			exposure = need
			why[len(why)-1] += fmt.Sprintf(" but exploitable only with %s", map[string]string{"A": "adjacent network access", "L": "local access", "P": "physical access"}[av])
		}
	}
	s.Reach = reachFactor[exposure]

	// Function: what the component can do to the patient.
	fn, what := clinicalFunction(c, class)
	if safetyImpact(vec) && fn < 1 {
		fn, what = 1, "whose exploitation the CVSS vector says can harm safety"
	}
	s.Function = fn
	why = append(why, what)

	s.Score = round1(s.Technical * s.Reach * s.Function)
	s.Level = levelOf(s.Score)
	if m.KEV != nil {
		s.Level = s.Level.Up()
		why = append(why, "exploited in the wild (CISA KEV since "+m.KEV.DateAdded+")")
	}
	word := s.Level.String()
	s.Reason = strings.ToUpper(word[:1]) + word[1:] + ": " + strings.Join(why, ", ") + "."
	return s
}

// clinicalFunction is the function factor of a component and its words.
func clinicalFunction(c *model.Component, class classify.Class) (float64, string) {
	for _, in := range c.Interfaces {
		if in.ChangesTherapy != nil && *in.ChangesTherapy {
			return 1, "which can change therapy"
		}
	}
	f := c.Classification
	if f != nil {
		switch {
		case f.ClosedLoop != nil && *f.ClosedLoop,
			f.TherapeuticEnergy == "hazardous",
			f.Substances == "hazardous",
			f.TherapeuticIonising != nil && *f.TherapeuticIonising,
			f.Invasiveness == "implantable" && f.Active != nil && *f.Active:
			return 1, "which delivers or controls therapy"
		case f.Monitoring == "vital-parameters-immediate-danger",
			f.Diagnostic != nil && f.Diagnostic.VitalProcesses == "immediate-danger",
			f.DecisionSupport == "death-or-irreversible":
			return 0.9, "which diagnoses or monitors where the patient may be in immediate danger"
		case f.Monitoring == "physiological-processes",
			f.Diagnostic != nil && f.Diagnostic.VitalProcesses == "direct-diagnosis-or-monitoring",
			f.DecisionSupport == "serious-deterioration-or-surgery",
			f.TherapeuticEnergy == "non-hazardous",
			f.Substances == "non-hazardous":
			return atLeastForClass(0.75, class, "which diagnoses, monitors or treats")
		case len(f.Controls) > 0:
			// Rules 9 and 10: controlling, monitoring or directly
			// influencing another device's performance is a clinical
			// function of its own.
			return atLeastForClass(0.9, class, "which controls or monitors the performance of "+strings.Join(f.Controls, ", "))
		}
	}
	switch {
	case c.Role == "non-device":
		return 0.4, "which has no clinical function (data and operations only)"
	case f == nil:
		return atLeastForClass(0.9, class, "whose clinical function is not declared (taken as diagnosis or monitoring)")
	}
	return atLeastForClass(0.55, class, "with no therapy, diagnosis or monitoring function declared")
}

// atLeastForClass raises a function factor to what the component's class
// implies, class III to 0.9 and IIb to 0.75, and says so.
func atLeastForClass(f float64, class classify.Class, words string) (float64, string) {
	floor := map[classify.Class]float64{classify.III: 0.9, classify.IIb: 0.75}[class]
	if floor > f {
		return floor, words + " (class " + class.String() + ")"
	}
	return f, words
}

// attackVector is the AV metric of a CVSS 3 or 4 vector.
func attackVector(vec string) string {
	for _, part := range strings.Split(vec, "/") {
		if v, ok := strings.CutPrefix(part, "AV:"); ok {
			return v
		}
	}
	return ""
}

// safetyImpact says whether a CVSS 4.0 vector marks a safety impact: the
// Safety supplemental metric present, or the modified subsequent-system
// integrity or availability set to Safety.
func safetyImpact(vec string) bool {
	if !strings.HasPrefix(vec, "CVSS:4.0/") {
		return false
	}
	for _, part := range strings.Split(vec, "/") {
		switch part {
		case "S:P", "MSI:S", "MSA:S":
			return true
		}
	}
	return false
}

// levelOf is the level of a score for patients.
func levelOf(score float64) severity.Level {
	switch {
	case score >= 8:
		return severity.Critical
	case score >= 6:
		return severity.High
	case score >= 3.5:
		return severity.Medium
	}
	return severity.Low
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }
