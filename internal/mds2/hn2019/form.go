package hn2019

import (
	"sort"
	"strconv"
	"strings"
)

// Answer is how a question of the form is answered: one representation
// shared by the reader, the writer, the evidence a check cites and the
// crosswalk to the device model.
type Answer string

// Answers.
const (
	Yes     Answer = "yes"
	No      Answer = "no"
	NA      Answer = "n/a"
	SeeNote Answer = "see-note"
	// Other is an answer cell with text that is none of the words; Blank
	// an empty one.
	Other Answer = "other"
	Blank Answer = "blank"
)

// Decided reports whether the answer is yes, no or n/a.
func (a Answer) Decided() bool { return a == Yes || a == No || a == NA }

// Item is one question's answer as a form holds it.
type Item struct {
	ID     string `json:"id"`
	Answer Answer `json:"answer"`
	// Text is the answer cell as written when it says more than the
	// word ("Yes, optional"), or a free-text answer (DOC rows).
	Text string `json:"text,omitempty"`
	// Note is the text of the note the answer refers to, if any, or why
	// a written answer is blank.
	Note string `json:"note,omitempty"`
	// Cell is where the answer is ("mds2-form!C57"); Row and Col its
	// coordinates. A written answer has none.
	Cell string `json:"cell"`
	Row  int    `json:"-"`
	Col  int    `json:"-"`
}

// Form is a completed MDS2 form as read.
type Form struct {
	File  string `json:"file"`
	Sheet string `json:"sheet"`
	// Edition is "HN 1-2019".
	Edition      string `json:"edition"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Description  string `json:"description,omitempty"`
	Model        string `json:"model,omitempty"`
	// Version is the device's version as the model (DOC-3) or description
	// (DOC-2) row gives it ("EX-200, software 2.3.1"): the 2019 form has
	// no row of its own for it.
	Version    string `json:"version,omitempty"`
	VersionRow string `json:"-"` // the question it was read from
	DocumentID string `json:"documentId,omitempty"`
	// Date is the document's release date (DOC-7), YYYY-MM-DD when it
	// reads as a date.
	Date     string            `json:"date,omitempty"`
	Items    map[string]Item   `json:"items"`
	Notes    map[string]string `json:"notes,omitempty"`
	Warnings []string          `json:"warnings"`
}

// Get returns the answer to question id ("EMRG-1"), and whether the form
// has it.
func (f *Form) Get(id string) (Item, bool) {
	it, ok := f.Items[strings.ToUpper(id)]
	return it, ok
}

// IDs lists the question IDs in the form's order of sections and
// numbers.
func (f *Form) IDs() []string {
	ids := make([]string, 0, len(f.Items))
	for id := range f.Items {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return idLess(ids[i], ids[j]) })
	return ids
}

// sectionOrder is the place of each section of the 2019 edition.
var sectionOrder = func() map[string]int {
	m := map[string]int{}
	for i, s := range Sections {
		m[s.Code] = i
	}
	return m
}()

// idLess orders IDs by section, then numerically by parts.
func idLess(a, b string) bool {
	sa, na, _ := strings.Cut(a, "-")
	sb, nb, _ := strings.Cut(b, "-")
	if sa != sb {
		return sectionOrder[sa] < sectionOrder[sb]
	}
	pa, pb := strings.Split(na, "."), strings.Split(nb, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}
