package classify

import (
	"github.com/mdcheck/mdcheck/internal/model"
)

// Conformity lists the conformity assessment routes open to a class
// (MDR Art. 52) and the extra procedures that apply.
type Conformity struct {
	Article string   `json:"article,omitempty"`
	Routes  []string `json:"routes"`
	// ClinicalConsultation says whether the notified body must follow the
	// clinical evaluation consultation procedure (Art. 54(1)): "required",
	// "not-required", or "check" when it depends on a fact the model does
	// not hold (whether the substances are medicinal products).
	ClinicalConsultation string   `json:"clinicalConsultation"`
	Notes                []string `json:"notes,omitempty"`
}

// NotifiedBody says whether and how far a notified body is involved.
type NotifiedBody struct {
	Required bool   `json:"required"`
	Scope    string `json:"scope"`
}

// PMS is the post-market surveillance report a class calls for
// (MDR Arts. 85 and 86).
type PMS struct {
	Report     string `json:"report,omitempty"`
	Article    string `json:"article,omitempty"`
	Cadence    string `json:"cadence,omitempty"`
	Submission string `json:"submission,omitempty"`
}

// implantable reports whether any rule read invasiveness = implantable for
// this component (for Art. 52(4) and Arts. 54 and 86(2)).
func (r *Result) implantable() bool {
	for _, s := range r.Trace {
		for _, f := range s.Facts {
			if f.Component == "" && f.Path == "classification.invasiveness" && f.Value == "implantable" {
				return true
			}
		}
	}
	return false
}

// rule12IIb reports whether Rule 12 gives class IIb (Art. 54(1)(b)).
func (r *Result) rule12IIb() bool {
	for _, s := range r.Trace {
		if s.Rule == "Rule 12" && s.Outcome == Applies && s.Class == IIb {
			return true
		}
	}
	return false
}

// obligations fills conformity, notified body and PMS from the class.
func (r *Result) obligations() {
	r.Conformity.Routes = []string{}
	if !r.Decided || r.Class == None {
		msg := "depends on the class, which is not decided"
		if r.Role == "part" || r.Role == "non-device" {
			msg = "none of its own: " + r.Note
		}
		r.Conformity.Notes = []string{msg}
		r.Conformity.ClinicalConsultation = "undecided"
		r.NotifiedBody.Scope = msg
		if r.Role == "part" || r.Role == "non-device" {
			r.Conformity.ClinicalConsultation = "not-required"
		}
		return
	}
	implantable := r.implantable()
	r.Conformity.ClinicalConsultation = "not-required"
	switch r.Class {
	case I:
		r.Conformity.Article = "Art. 52(7)"
		r.Conformity.Routes = []string{"Technical documentation (Annexes II and III) and EU declaration of conformity (Art. 19, Annex IV)"}
		r.NotifiedBody = NotifiedBody{Required: false, Scope: "none: self-declaration"}
		if len(r.ClassISubcases) > 0 {
			r.Conformity.Routes = append(r.Conformity.Routes, "plus Annex IX Chapters I and III, or Annex XI Part A, for the sub-case aspects")
			scope := ""
			for i, s := range r.ClassISubcases {
				if i > 0 {
					scope += "; "
				}
				scope += map[string]string{
					"sterile":           "establishing, securing and maintaining sterile conditions (Art. 52(7)(a))",
					"measuring":         "conformity with the metrological requirements (Art. 52(7)(b))",
					"reusable-surgical": "reuse: cleaning, disinfection, sterilisation, maintenance, functional testing and their instructions (Art. 52(7)(c))",
				}[s]
			}
			r.NotifiedBody = NotifiedBody{Required: true, Scope: "limited to " + scope}
		}
		r.PMS = PMS{Report: "PMS report", Article: "Art. 85", Cadence: "updated when necessary", Submission: "made available to the competent authority on request"}
	case IIa:
		r.Conformity.Article = "Art. 52(6)"
		r.Conformity.Routes = []string{
			"Annex IX Chapters I and III (quality management system), with technical documentation assessment (Annex IX Section 4) of at least one representative device per category",
			"Technical documentation (Annexes II and III) with Annex XI Section 10 (production quality assurance) or Section 18 (product verification)",
		}
		r.NotifiedBody = NotifiedBody{Required: true, Scope: "quality management system, and technical documentation of representative devices per category"}
		r.PMS = PMS{Report: "PSUR", Article: "Art. 86", Cadence: "when necessary and at least every two years", Submission: "part of the technical documentation; made available to the notified body and, on request, to competent authorities"}
		if implantable {
			// Art. 86(2) names implantable devices whatever their class.
			r.PMS.Submission = "submitted through EUDAMED to the notified body, which adds its evaluation (Art. 86(2): implantable devices)"
		}
	case IIb:
		r.Conformity.Article = "Art. 52(4)"
		td := "technical documentation assessment (Annex IX Section 4) of at least one representative device per generic device group"
		if implantable {
			td = "technical documentation assessment (Annex IX Section 4) of every device, as an implantable class IIb device (unless it is a suture, staple, dental filling, brace, crown, screw, wedge, plate, wire, pin, clip or connector)"
		}
		r.Conformity.Routes = []string{
			"Annex IX Chapters I and III (quality management system), with " + td,
			"Annex X (type examination) with Annex XI (product conformity verification)",
		}
		r.NotifiedBody = NotifiedBody{Required: true, Scope: "quality management system and technical documentation"}
		r.PMS = PMS{Report: "PSUR", Article: "Art. 86", Cadence: "at least annually", Submission: "part of the technical documentation; made available to the notified body"}
		if implantable {
			r.PMS.Submission = "submitted through EUDAMED to the notified body, which adds its evaluation (Art. 86(2))"
		}
		if r.rule12IIb() {
			r.Conformity.ClinicalConsultation = "check"
			r.Conformity.Notes = append(r.Conformity.Notes, "Class IIb active device under Rule 12: if it administers or removes a medicinal product (not only body liquids or other substances), the clinical evaluation consultation procedure applies (Art. 54(1)(b), Annex IX Section 5.1)")
		}
	case III:
		r.Conformity.Article = "Art. 52(3)"
		r.Conformity.Routes = []string{
			"Annex IX in full: quality management system and technical documentation assessment of every device (Chapters I, II and III)",
			"Annex X (type examination) with Annex XI (production quality assurance or product verification)",
		}
		r.NotifiedBody = NotifiedBody{Required: true, Scope: "quality management system and the technical documentation of every device"}
		r.PMS = PMS{Report: "PSUR", Article: "Art. 86", Cadence: "at least annually", Submission: "submitted through EUDAMED to the notified body, which adds its evaluation (Art. 86(2))"}
		if implantable {
			r.Conformity.ClinicalConsultation = "required"
			r.Conformity.Notes = append(r.Conformity.Notes, "Class III implantable device: clinical evaluation consultation procedure with an expert panel (Art. 54(1)(a), Annex IX Section 5.1)")
		}
	}
}

// legacyNotes explains what applies to a legacy device whatever its
// transition basis.
func legacyNotes(t *Transition) []string {
	notes := []string{
		"Legacy device: the MDR's requirements on post-market surveillance, market surveillance, vigilance and registration of economic operators and devices apply to it in place of the Directive's (Art. 120(3d)); the conformity routes shown are those it needs for MDR certification.",
	}
	if t != nil && (t.Basis == "Art. 120(3a)(a)" || t.Basis == "Art. 120(3a)(b)" || t.Basis == "Art. 120(3b)") {
		notes = append(notes, "Surveillance: the notified body that issued the Directive certificate, if any, stays responsible unless the manufacturer agreed otherwise with an MDR notified body; from 26 September 2024 the notified body that signed the written agreement is responsible (Art. 120(3e)).")
	}
	return notes
}

func anyImplantable(dev *model.Device) bool {
	for _, c := range dev.Components {
		if f := c.Classification; f != nil && f.Invasiveness == "implantable" {
			return true
		}
	}
	return false
}
