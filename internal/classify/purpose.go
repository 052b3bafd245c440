package classify

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/mdcheck/mdcheck/internal/model"
)

// purposeWords are the words of an intended purpose text that name a
// medical purpose of MDR Art. 2(1), for the purposes the classification
// rules read.
var purposeWords = sync.OnceValue(func() []purposeWord {
	return []purposeWord{
		{"monitoring", regexp.MustCompile(`(?i)\bmonitor(s|ed|ing)?\b|\bsurveillance\b`)},
		{"diagnosis", regexp.MustCompile(`(?i)\bdiagnos(is|e|es|ed|ing|tic)\b`)},
		{"treatment", regexp.MustCompile(`(?i)\b(treat(s|ed|ing|ment)?|therap(y|ies|eutic)|pacing|stimulat(e|es|ion)|infus(e|es|ion)|deliver(s|y)? (insulin|drugs?|medicines?|medication))\b`)},
		{"life-support", regexp.MustCompile(`(?i)\b(life[- ]support(ing)?|life[- ]sustaining|ventilat(e|es|ion|or))\b`)},
	}
})

// purposeWord is a medical purpose and the words that name it.
type purposeWord struct {
	purpose string
	words   *regexp.Regexp
}

// purposeNotes warns where the intended purpose in words and the
// declared purposes or facts disagree: the rules read the facts, so a
// text that says more than they do may hide a higher class.
func purposeNotes(dev *model.Device) []string {
	ip := dev.IntendedPurpose
	if ip == nil || strings.TrimSpace(ip.Text) == "" {
		return nil
	}
	var notes []string
	for _, pw := range purposeWords() {
		m := pw.words.FindString(ip.Text)
		if m == "" {
			continue
		}
		declared := slices.Contains(ip.MedicalPurposes, model.MedicalPurpose(pw.purpose))
		if ip.MedicalPurposes != nil && !declared {
			notes = append(notes, fmt.Sprintf("Check the intended purpose: its text says %q, but intendedPurpose.medicalPurposes does not list %s; the classification reads the facts, so a purpose left out of them may hide a higher class.", m, pw.purpose))
			continue
		}
		if !factsShow(dev, pw.purpose) {
			notes = append(notes, fmt.Sprintf("Check the intended purpose: its text says %q, but no component's classification facts declare %s (Rules 9 to 12 read them).", m, pw.purpose))
		}
	}
	return notes
}

// factsShow reports whether some component's facts declare a purpose,
// or leave it open (unknown facts are not a contradiction).
func factsShow(dev *model.Device, purpose string) bool {
	for _, c := range dev.Components {
		f := c.Classification
		if c.Role == "non-device" {
			continue
		}
		if f == nil {
			return true // unknown: nothing contradicts the text
		}
		switch purpose {
		case "monitoring":
			if f.Monitoring != "none" || len(f.Controls) > 0 ||
				(f.Diagnostic != nil && f.Diagnostic.VitalProcesses != "none") || f.Diagnostic == nil {
				return true
			}
		case "diagnosis":
			if f.DecisionSupport != "none" || f.Diagnostic == nil ||
				f.Diagnostic.VitalProcesses != "none" || f.Diagnostic.AbsorbedEnergy != "none" || (f.Diagnostic.Radiology != nil && *f.Diagnostic.Radiology) {
				return true
			}
		case "treatment":
			if f.TherapeuticEnergy != "none" || f.Substances != "none" || f.AdministersMedicines != "none" ||
				(f.ClosedLoop == nil || *f.ClosedLoop) || len(f.Drives) > 0 || len(f.Controls) > 0 ||
				(f.Invasiveness == "implantable" && (f.Active == nil || *f.Active)) || f.DecisionSupport != "none" {
				return true
			}
		case "life-support":
			return true // no fact of its own: Rules 9 and 11 read the effects
		}
	}
	return false
}
