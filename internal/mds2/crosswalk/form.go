package crosswalk

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Evidence is a read form as the evidence a check cross-checks against
// the model.
func Evidence(f *hn2019.Form) *evidence.MDS2 {
	return &evidence.MDS2{File: f.File, Answers: f.Items}
}

// Model builds the device model an MDS2 form alone describes, each fact
// positioned at the answer cell it comes from.
func Model(f *hn2019.Form) *model.Device {
	answers := map[string]string{}
	for id, it := range f.Items {
		answers[id] = string(it.Answer)
	}
	product := f.Description
	if product == "" {
		product = f.Model
	}
	dev, from := modelFrom(f.Manufacturer, product, f.Model, answers)
	dev.Identity.Version = f.Version
	pos := map[string]model.Pos{}
	cellPos := func(id string) (model.Pos, bool) {
		it, ok := f.Items[id]
		return model.Pos{File: f.File, Line: it.Row, Column: it.Col}, ok
	}
	for path, id := range from {
		if p, ok := cellPos(id); ok {
			pos[path] = p
		}
	}
	for path, id := range map[string]string{"identity.manufacturer": "DOC-1", "identity.product": "DOC-2", "identity.model": "DOC-3", "identity.version": f.VersionRow} {
		if p, ok := cellPos(id); ok {
			pos[path] = p
		}
	}
	dev.SetSource(f.File, "mds2", pos)
	return dev
}

// Counts counts the questions of an export by where the answer came from.
type Counts struct {
	// Questions is the number of yes/no questions on the form.
	Questions int
	// Model were answered from the model, Changed of them differ from the
	// earlier form, Kept were taken from the earlier form.
	Model, Changed, Kept int
	// Unstated are left blank where the model could answer but does not
	// state the fact; Uncovered where the model covers nothing of it.
	Unstated, Uncovered int
}

// Exported is what an export writes.
type Exported struct {
	Answers map[string]hn2019.Item
	Counts
	// Differences are the model's answers that contradict the earlier
	// form, and earlier n/a answers the model says exist, each naming
	// both sources.
	Differences []string
}

// Export derives the answers of the device's MDS2 from the model (src
// names its file), taking what the model does not decide from base (an
// earlier form of the device) when given.
func Export(dev *model.Device, src string, base *hn2019.Form) Exported {
	ex := Exported{Answers: identity(dev, src)}
	skip := map[string]bool{} // the earlier form's answer is not kept
	for _, f := range Facts {
		d := f.Derive(dev)
		q := hn2019.Item{Answer: d.Answer, Note: "Left blank: not stated in the device model (" + src + ")."}
		if d.Exists {
			q.Note = "Left blank: it exists (" + d.Path + " in " + src + "); the device model does not say more."
		}
		if q.Answer != hn2019.Blank {
			q.Note = "from " + d.Path + " in " + src
			skip[f.ID] = true
			ex.Model++
		}
		ex.Answers[f.ID] = q
		if base == nil {
			continue
		}
		b, ok := base.Get(f.ID)
		if !ok || !b.Answer.Decided() {
			continue
		}
		switch {
		case q.Answer != hn2019.Blank && b.Answer != q.Answer: // the model decides and says otherwise
			ex.Changed++
			ex.Differences = append(ex.Differences, fmt.Sprintf("%s (%s): %s answered %s (%s); the model says %s (%s in %s), which is written",
				f.ID, hn2019.About(f.ID), base.File, b.Answer, b.Cell, q.Answer, d.Path, src))
		case d.Exists && b.Answer == hn2019.NA:
			// The earlier form says it does not exist; the model has it.
			ex.Differences = append(ex.Differences, fmt.Sprintf("%s (%s): %s answered n/a (%s); the model says it exists (%s in %s): left blank",
				f.ID, hn2019.About(f.ID), base.File, b.Cell, d.Path, src))
			skip[f.ID] = true
		}
	}
	if base != nil {
		ex.keep(base, skip)
	}
	for _, f := range Facts {
		if ex.Answers[f.ID].Answer == hn2019.Blank {
			ex.Unstated++
		}
	}
	for _, q := range hn2019.Questions {
		if q.Kind == hn2019.YesNo {
			ex.Questions++
		}
	}
	ex.Uncovered = ex.Questions - ex.Model - ex.Kept - ex.Unstated
	return ex
}

// identity answers the description rows from the model's identity, and
// DOC-5 from its vulnerability disclosure contact.
func identity(dev *model.Device, src string) map[string]hn2019.Item {
	answers := map[string]hn2019.Item{}
	id := dev.Identity
	// The form has no version row: the version goes with the model.
	modelText := id.Model
	if id.Version != "" {
		modelText = strings.TrimPrefix(modelText+", version "+id.Version, ", ")
	}
	for q, v := range map[string]string{"DOC-1": id.Manufacturer, "DOC-2": id.Product, "DOC-3": modelText} {
		if v != "" {
			answers[q] = hn2019.Item{Text: v}
		}
	}
	if lc := dev.Lifecycle; lc != nil && lc.VulnerabilityDisclosure != nil && lc.VulnerabilityDisclosure.Contact != "" {
		answers["DOC-5"] = hn2019.Item{Text: lc.VulnerabilityDisclosure.Contact, Note: "the vulnerability disclosure contact, from lifecycle.vulnerabilityDisclosure.contact in " + src}
	}
	return answers
}

// keep takes from base every answer, text and note the model does not
// decide.
func (ex *Exported) keep(base *hn2019.Form, skip map[string]bool) {
	for _, q := range hn2019.Questions {
		b, ok := base.Get(q.ID)
		if !ok || skip[q.ID] || q.Kind == hn2019.Date {
			continue
		}
		switch {
		case q.Kind == hn2019.Text:
			if _, fromModel := ex.Answers[q.ID]; !fromModel && b.Text != "" {
				ex.Answers[q.ID] = hn2019.Item{Text: b.Text, Note: b.Note}
			}
		case b.Answer != hn2019.Blank:
			ex.Answers[q.ID] = hn2019.Item{Answer: b.Answer, Text: b.Text, Note: b.Note}
			ex.Kept++
		}
	}
}
