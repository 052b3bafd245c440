package render

import (
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
)

func writeMDS2Table(w io.Writer, f *mds2.Form) error {
	out := &ew{w: w}
	out.printf("MDS2 (%s) %s, sheet %q\n", f.Edition, f.File, f.Sheet)
	for _, kv := range [][2]string{{"Manufacturer", f.Manufacturer}, {"Device", f.Description}, {"Model", f.Model}, {"Version", f.Version}, {"Document", f.DocumentID}, {"Released", f.Date}} {
		if kv[1] != "" {
			out.printf("%-13s %s\n", kv[0]+":", kv[1])
		}
	}
	count := map[mds2.Answer]int{}
	n := 0
	for _, id := range f.IDs() {
		if !descriptive(id) {
			count[f.Items[id].Answer]++
			n++
		}
	}
	out.printf("Answers:      %d questions: %d yes, %d no, %d n/a, %d see note, %d other, %d blank; %d warnings\n\n",
		n, count[mds2.Yes], count[mds2.No], count[mds2.NA], count[mds2.SeeNote], count[mds2.Other], count[mds2.Blank], len(f.Warnings))
	out.printf("  %-12s %-9s %s\n", "QUESTION", "ANSWER", "TEXT / NOTE")
	for _, id := range f.IDs() {
		it := f.Items[id]
		if descriptive(id) {
			continue
		}
		more := it.Text
		if it.Note != "" {
			if more != "" {
				more += "; "
			}
			more += "note: " + it.Note
		}
		// One line per question: notes span lines in the form.
		out.printf("  %-12s %-9s %s\n", id, it.Answer, strings.Join(strings.Fields(more), " "))
	}
	return out.err
}

// descriptive reports whether the question is a description row (DOC-1
// to DOC-7) rather than one answered yes or no.
func descriptive(id string) bool {
	if q, ok := hn2019.Lookup(id); ok {
		return q.Kind != hn2019.YesNo
	}
	return strings.HasPrefix(id, "DOC-")
}
