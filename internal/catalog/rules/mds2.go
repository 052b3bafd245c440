package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/mds2/crosswalk"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
)

// The rule on the MDS2 compares the manufacturer's disclosure statement
// with the device model, question by question where the model decides the
// answer (crosswalk.Facts): a contradiction names both sources.

var mds2Consistent = register(catalog.Rule{
	ID:       "doc/mds2-matches-model",
	Title:    "The MDS2 form agrees with the device",
	Severity: catalog.High,
	Refs:     []string{"MDCG1916.2.6", "MDCG1916.4.3"},
	Rationale: "Hospitals decide on purchase and network integration from the MDS2 (MDCG 2019-16 §2.6 and §4.3 name it as the vehicle " +
		"of security information for operators); an answer the device contradicts misleads every hospital that relies on it.",
	Remediation: "Correct the MDS2 answer or the device: the form must describe the device as delivered (mdcheck mds2 export writes " +
		"the answers the model decides).",
	Check: func(in *catalog.Input) []catalog.Result {
		form, ok := in.Evidence.MDS2()
		if !ok {
			return []catalog.Result{notApplicable("device", "no MDS2 form given (check --mds2 FILE.xlsx)")}
		}
		var out []catalog.Result
		for _, f := range crosswalk.Facts {
			a, ok := form.Answers[f.ID]
			if !ok || !a.Answer.Decided() {
				continue
			}
			d := f.Derive(in.Device)
			if a.Answer == hn2019.NA && d.Answer != hn2019.NA && !d.Exists || d.Answer == hn2019.NA && a.Answer != hn2019.NA {
				// N/A is compared only where the model can say whether the
				// thing exists; a yes or no about what the model says does
				// not exist contradicts nothing the model states.
				continue
			}
			formEv := in.Evidence.Add(evidence.Evidence{
				Path:     "mds2." + f.ID,
				Value:    string(a.Answer) + textOf(a),
				Strength: evidence.Claimed,
				Source:   evidence.Source{Kind: "mds2", File: form.File, Detail: a.Cell},
			})
			subject := "device/" + f.ID
			if d.Answer == hn2019.Blank && !d.Exists {
				out = append(out, catalog.Result{Subject: subject, Status: catalog.Unknown, Evidence: []evidence.ID{formEv},
					Detail: fmt.Sprintf("%s (%s): the MDS2 answers %s (%s, %s); the model does not state it, so the answer cannot be checked", f.ID, hn2019.About(f.ID), a.Answer, form.File, a.Cell)})
				continue
			}
			modelEv := in.Cite(d.Path, modelValue(d))
			agree := d.Answer == a.Answer || d.Exists && a.Answer != hn2019.NA
			if agree {
				out = append(out, pass(subject, fmt.Sprintf("%s (%s): the MDS2 and the model agree (%s)", f.ID, hn2019.About(f.ID), a.Answer), formEv, modelEv))
				continue
			}
			pos := in.Device.Pos(d.Path)
			out = append(out, fail(subject, fmt.Sprintf("%s (%s): the MDS2 answers %s (%s, %s); the model says %s (%s, %s)",
				f.ID, hn2019.About(f.ID), a.Answer, form.File, a.Cell, modelWords(d), d.Path, pos), formEv, modelEv))
		}
		if len(out) == 0 {
			return []catalog.Result{notApplicable("device", "no MDS2 answer that the model decides")}
		}
		return out
	},
})

// modelValue is a derived answer as the evidence records it.
func modelValue(d crosswalk.Derived) string {
	if d.Exists {
		return "applies"
	}
	return string(d.Answer)
}

// modelWords says a derived answer in words.
func modelWords(d crosswalk.Derived) string {
	switch {
	case d.Exists:
		return "it exists"
	case d.Answer == hn2019.NA:
		return "n/a (it does not exist)"
	}
	return string(d.Answer)
}

func textOf(a hn2019.Item) string {
	s := ""
	if a.Text != "" {
		s += " (" + a.Text + ")"
	}
	if a.Note != "" {
		s += "; note: " + a.Note
	}
	return s
}
