package classify

import (
	"fmt"
	"time"

	"github.com/mdcheck/mdcheck/internal/model"
)

// Transition is where a legacy device (regulation.basis: mdd-legacy)
// stands under MDR Article 120 as amended by Regulation (EU) 2023/607:
// on which basis it may still be placed on the market or put into
// service, until when, and the conditions that basis sets, each met,
// not met or unknown from the model.
type Transition struct {
	// Basis is the paragraph that applies: "Art. 120(3a)(a)",
	// "Art. 120(3a)(b)", "Art. 120(3b)", "Art. 120(3f)"; "none" when the
	// device has no transition period; "undetermined" when the model
	// does not say enough.
	Basis string `json:"basis"`
	// Until is the last day the basis allows (YYYY-MM-DD), when there is
	// one; for "none", the day the MDR became applicable to the device.
	Until string `json:"until,omitempty"`
	// Reason says why this basis, in words.
	Reason string `json:"reason"`
	// Conditions are what the basis requires, each with its status.
	Conditions []Condition `json:"conditions,omitempty"`
	// Missing lists model facts that would settle an unknown.
	Missing []string `json:"missing,omitempty"`
}

// Condition is one requirement of a transition basis.
type Condition struct {
	Article string `json:"article"`
	Text    string `json:"text"`
	// Status is met, not-met or unknown.
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// Condition statuses.
const (
	ConditionMet     = "met"
	ConditionNotMet  = "not-met"
	ConditionUnknown = "unknown"
)

// Dates of MDR Art. 120 as amended by Regulation (EU) 2023/607.
var (
	mdrApplies       = day(2021, 5, 26) // date of application, Art. 123(2)
	certIssuedFrom   = day(2017, 5, 25) // Art. 120(2): certificates issued from this day
	amendmentInForce = day(2023, 3, 20) // Regulation (EU) 2023/607 in force
	qmsBy            = day(2024, 5, 26) // Art. 120(3c)(d)
	applicationBy    = day(2024, 5, 26) // Art. 120(3c)(e), (3f)
	agreementBy      = day(2024, 9, 26) // Art. 120(3c)(e), (3f)
	until3aA         = day(2027, 12, 31)
	until3aB         = day(2028, 12, 31)
	until3b          = day(2028, 12, 31)
	until3f          = day(2026, 5, 26)
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func isoDay(t time.Time) string { return t.Format(time.DateOnly) }

// transition decides the Art. 120 basis of a legacy device from its
// Directive class and certificate, its MDR class sys, and the conditions
// the model states. It is nil for a device not declared legacy.
func transition(dev *model.Device, sys Result) *Transition {
	reg := dev.Regulation
	if reg == nil || reg.Basis != "mdd-legacy" {
		return nil
	}
	t := &Transition{}
	// What the manufacturer states of the conditions; the zero value
	// leaves every one of them unknown.
	var lt model.LegacyTransition
	if reg.Transition != nil {
		lt = *reg.Transition
	}
	implantable := anyImplantable(dev)
	switch {
	case reg.CustomMade && implantable && sys.Decided && sys.Class == III:
		t.Basis, t.Until = "Art. 120(3f)", isoDay(until3f)
		t.Reason = "class III custom-made implantable device: it may be placed on the market or put into service without an MDR certificate until 26 May 2026 if the application and the written agreement came in time"
		t.Conditions = append(t.Conditions,
			dateBy("Art. 120(3f)", "formal application to a notified body lodged by 26 May 2024", lt.Application, applicationBy, "regulation.transition.application", t),
			dateBy("Art. 120(3f)", "written agreement with the notified body signed by 26 September 2024", lt.WrittenAgreement, agreementBy, "regulation.transition.writtenAgreement", t))
		return t
	case reg.LegacyClass == "":
		t.Basis = "undetermined"
		t.Reason = "the class under the Directive is not stated: whether a certificate (Art. 120(2), (3a)) or a declaration of conformity (Art. 120(3b)) carries the device cannot be told"
		t.Missing = []string{"regulation.legacyClass"}
		return t
	case !sys.Decided:
		t.Basis = "undetermined"
		t.Reason = "the device's MDR class is not decided: the transition depends on it"
		t.Missing = append(t.Missing, sys.Missing...)
		return t
	case reg.LegacyClass == "I":
		if !sys.NotifiedBody.Required {
			t.Basis, t.Until = "none", isoDay(mdrApplies)
			t.Reason = "class I self-declared under the MDD and class I without a notified body under the MDR: no transition period; the MDR applies to it since 26 May 2021"
			return t
		}
		t.Basis, t.Until = "Art. 120(3b)", isoDay(until3b)
		t.Reason = fmt.Sprintf("self-declared under the MDD (class I) and needing a notified body under the MDR (class %s): Art. 120(3b) until 31 December 2028 if the declaration of conformity predates 26 May 2021", sys.Label)
		doc := Condition{Article: "Art. 120(3b)", Text: "Directive declaration of conformity drawn up before 26 May 2021"}
		if d, ok := reg.DeclarationOfConformity.Time(); ok {
			doc.Status = ConditionMet
			if !d.Before(mdrApplies) {
				doc.Status = ConditionNotMet
			}
			doc.Detail = "drawn up " + isoDay(d)
		} else {
			doc.Status = ConditionUnknown
			t.Missing = append(t.Missing, "regulation.declarationOfConformity")
		}
		t.Conditions = append(t.Conditions, doc)
	default:
		// A notified body certified it under the Directive.
		wet := reg.WellEstablishedImplant != ""
		switch {
		case sys.Class == III:
			t.Basis, t.Until = "Art. 120(3a)(a)", isoDay(until3aA)
			t.Reason = "class III under the MDR, with a Directive certificate: until 31 December 2027"
		case sys.Class == IIb && implantable && !wet:
			t.Basis, t.Until = "Art. 120(3a)(a)", isoDay(until3aA)
			t.Reason = "class IIb implantable under the MDR (not one of the sutures, staples, screws ... the paragraph lists apart), with a Directive certificate: until 31 December 2027"
			t.Missing = append(t.Missing, "regulation.wellEstablishedImplant (if it is one of the listed devices)")
		case sys.Class == IIb && implantable:
			t.Basis, t.Until = "Art. 120(3a)(b)", isoDay(until3aB)
			t.Reason = fmt.Sprintf("class IIb implantable listed apart (%s), with a Directive certificate: until 31 December 2028", reg.WellEstablishedImplant)
		default:
			t.Basis, t.Until = "Art. 120(3a)(b)", isoDay(until3aB)
			t.Reason = fmt.Sprintf("class %s under the MDR, with a Directive certificate: until 31 December 2028", sys.Label)
		}
		t.Conditions = append(t.Conditions, certificateConditions(reg, lt, t)...)
	}
	t.Conditions = append(t.Conditions, conditions3c(lt, t)...)
	return t
}

// certificateConditions are what Art. 120(2) asks of the Directive
// certificate for it to carry the device to the Art. 120(3a) date.
func certificateConditions(reg *model.Regulation, lt model.LegacyTransition, t *Transition) []Condition {
	issued := Condition{Article: "Art. 120(2)", Text: "Directive certificate issued from 25 May 2017"}
	if d, ok := reg.CertificateIssued.Time(); ok {
		issued.Status, issued.Detail = ConditionMet, "issued "+isoDay(d)
		if d.Before(certIssuedFrom) {
			issued.Status = ConditionNotMet
			issued.Detail += ": a certificate issued before 25 May 2017 ended with the period stated on it"
		}
	} else {
		issued.Status = ConditionUnknown
		t.Missing = append(t.Missing, "regulation.certificateIssued")
	}
	valid := Condition{Article: "Art. 120(2)", Text: "certificate valid on 26 May 2021, and valid on 20 March 2023 or, if it expired before, a written agreement signed before it expired or a competent authority's decision (Art. 59(1), 97(1))"}
	exp, ok := reg.CertificateExpiry.Time()
	switch {
	case !ok:
		valid.Status = ConditionUnknown
		t.Missing = append(t.Missing, "regulation.certificateExpiry")
	case exp.Before(mdrApplies):
		valid.Status, valid.Detail = ConditionNotMet, "expired "+isoDay(exp)+", before the MDR applied"
	case !exp.Before(amendmentInForce):
		valid.Status, valid.Detail = ConditionMet, "valid on 20 March 2023 (expiry "+isoDay(exp)+"): extended by Regulation (EU) 2023/607"
	default:
		// Expired between 26 May 2021 and 20 March 2023.
		agreed, haveAgreement := lt.WrittenAgreement.Time()
		switch {
		case haveAgreement && agreed.Before(exp):
			valid.Status, valid.Detail = ConditionMet, fmt.Sprintf("expired %s; written agreement signed %s, before it expired", isoDay(exp), isoDay(agreed))
		case lt.AuthorityDecision:
			valid.Status, valid.Detail = ConditionMet, "expired "+isoDay(exp)+"; a competent authority's derogation or requirement keeps it valid"
		case haveAgreement:
			valid.Status, valid.Detail = ConditionNotMet, fmt.Sprintf("expired %s, before 20 March 2023; the written agreement (%s) came after it expired", isoDay(exp), isoDay(agreed))
		default:
			valid.Status, valid.Detail = ConditionNotMet, "expired "+isoDay(exp)+", before 20 March 2023, with no written agreement signed before it expired and no competent authority's decision stated"
		}
	}
	return []Condition{issued, valid}
}

// conditions3c are the conditions of Art. 120(3c) for (3a) and (3b).
func conditions3c(lt model.LegacyTransition, t *Transition) []Condition {
	const where = "regulation.transition."
	flag := func(article, text string, v *bool, want bool, field string) Condition {
		c := Condition{Article: article, Text: text, Status: ConditionUnknown}
		switch {
		case v == nil:
			t.Missing = append(t.Missing, where+field)
		case *v == want:
			c.Status = ConditionMet
		default:
			c.Status = ConditionNotMet
		}
		return c
	}
	return []Condition{
		flag("Art. 120(3c)(a)", "the device continues to comply with the Directive", lt.CompliesWithDirective, true, "compliesWithDirective"),
		flag("Art. 120(3c)(b)", "no significant change in design or intended purpose", lt.SignificantChange, false, "significantChange"),
		flag("Art. 120(3c)(c)", "no unacceptable risk to the health or safety of patients, users or others", lt.UnacceptableRisk, false, "unacceptableRisk"),
		dateBy("Art. 120(3c)(d)", "MDR quality management system (Art. 10(9)) in place by 26 May 2024", lt.QualitySystem, qmsBy, where+"qualitySystem", t),
		dateBy("Art. 120(3c)(e)", "formal application to an MDR notified body lodged by 26 May 2024", lt.Application, applicationBy, where+"application", t),
		dateBy("Art. 120(3c)(e)", "written agreement with the notified body signed by 26 September 2024", lt.WrittenAgreement, agreementBy, where+"writtenAgreement", t),
	}
}

// dateBy is a condition that something happened by a date.
func dateBy(article, text string, d model.Date, by time.Time, field string, t *Transition) Condition {
	c := Condition{Article: article, Text: text}
	at, ok := d.Time()
	switch {
	case !ok:
		c.Status = ConditionUnknown
		t.Missing = append(t.Missing, field)
	case at.After(by):
		c.Status, c.Detail = ConditionNotMet, isoDay(at)+", after "+isoDay(by)
	default:
		c.Status, c.Detail = ConditionMet, isoDay(at)
	}
	return c
}

// Met reports whether every condition is met: the basis carries the
// device (until its date). Unknown conditions are not met.
func (t *Transition) Met() bool {
	if t == nil || t.Basis == "none" || t.Basis == "undetermined" {
		return false
	}
	for _, c := range t.Conditions {
		if c.Status != ConditionMet {
			return false
		}
	}
	return true
}
