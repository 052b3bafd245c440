package cli

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/atomicfile"
	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/catalog/rules"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/model"
)

func newMDS2(stdout io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "mds2",
		Short: "Read the manufacturer disclosure statement (MDS2, HN 1-2019)",
	}
	var format string
	imp := &cobra.Command{
		Use:   "import FILE.xlsx",
		Short: "Read an MDS2 workbook: device description, every answer with its note, and warnings naming cells",
		Long: `import reads an MDS2 form (ANSI/NEMA HN 1-2019) as manufacturers send it:
the question IDs are found by pattern on whichever sheet holds them, the
answers (Yes, No, N/A, See Note) with the notes they refer to, and the
description rows (manufacturer, model, document ID, release date). What
vendors vary (extra or renamed sheets, moved columns, merged cells,
blank rows, stray spaces, text beside the answer) is read with a warning
naming the cell. The 2013 edition, .xls files and PDFs are refused with
the reason. Formats: table (default) or json.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("%w: --format must be table or json, not %q", errUsage, format)
			}
			form, err := readMDS2(args[0])
			if err != nil {
				return err
			}
			for _, w := range form.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "mdcheck: warning: "+w)
			}
			if format == "json" {
				return encodeJSON(stdout, form)
			}
			return writeMDS2Table(stdout, form)
		},
	}
	imp.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	var output, date, baseFile string
	exp := &cobra.Command{
		Use:   "export DEVICE.yaml -o FILE.xlsx",
		Short: "Write an MDS2 workbook (HN 1-2019 structure) with the answers the device model decides",
		Long: `export writes a workbook structured like the MDS2 form (HN 1-2019): every
section and every one of its 240 questions, by ID with mdcheck's own
wording (the form's texts are NEMA's). The description rows hold the
manufacturer, device, model and release date; the questions the device
model decides are answered Yes, No or N/A with a note naming the model
fact; every other question is left blank with a note saying why (not
stated in the model, or not something a device model covers), for the
manufacturer to complete. mds2 import reads it back to the same answers.

With --base, an earlier MDS2 of the device (the manufacturer's completed
form) supplies every answer, text and note the model does not decide, so
the hand-written answers survive a re-export; where the model decides,
its answer is written, and each one that differs from the earlier form is
listed on standard error with both sources. The file is written
atomically.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				return fmt.Errorf("%w: mds2 export needs -o FILE.xlsx", errUsage)
			}
			when := time.Now().UTC()
			if date != "" {
				d, err := time.Parse(time.DateOnly, date)
				if err != nil {
					return fmt.Errorf("%w: --date must be YYYY-MM-DD, not %q", errUsage, date)
				}
				when = d
			}
			dev, err := loadModel(args[0], cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			var base *mds2.Form
			if baseFile != "" {
				if base, err = readMDS2(baseFile); err != nil {
					return err
				}
				for _, w := range base.Warnings {
					fmt.Fprintln(cmd.ErrOrStderr(), "mdcheck: warning: "+w)
				}
				if m := dev.Identity.Manufacturer; base.Manufacturer != "" && !strings.EqualFold(strings.TrimSpace(base.Manufacturer), strings.TrimSpace(m)) {
					fmt.Fprintf(cmd.ErrOrStderr(), "mdcheck: warning: %s is a form of %s (DOC-1), the model one of %s: is it this device's?\n", base.File, base.Manufacturer, m)
				}
			}
			src := filepath.Base(args[0])
			answers, n := exportAnswers(dev, src, base, cmd.ErrOrStderr())
			var buf bytes.Buffer
			if err := mds2.Write(&buf, src, when, answers); err != nil {
				return err
			}
			if err := atomicfile.Write(output, buf.Bytes(), 0o644); err != nil {
				return err
			}
			questions := 0
			for _, q := range hn2019.Questions {
				if q.Kind == hn2019.YesNo {
					questions++
				}
			}
			msg := fmt.Sprintf("%s: %d of %d questions answered from the model", output, n.model, questions)
			if base != nil {
				msg += fmt.Sprintf(" (%d of them differ from %s, listed above), %d kept from %s", n.changed, base.File, n.kept, base.File)
			}
			fmt.Fprintf(stdout, "%s; blank: %d the model could answer but does not state, %d it does not cover\n", msg, n.unstated, questions-n.model-n.kept-n.unstated)
			return nil
		},
	}
	exp.Flags().StringVarP(&output, "output", "o", "", "workbook to write (.xlsx)")
	exp.Flags().StringVar(&date, "date", "", "release date written in DOC-7, YYYY-MM-DD (default today, UTC)")
	exp.Flags().StringVar(&baseFile, "base", "", "an earlier MDS2 of the device whose answers are kept where the model does not decide")
	c.AddCommand(imp, exp)
	return c
}

// exportCounts counts the questions of an export by where the answer
// came from.
type exportCounts struct{ model, changed, kept, unstated int }

// exportAnswers derives the answers of the device's MDS2 from the model,
// taking what the model does not decide from base (an earlier form of
// the device) when given; each model answer that contradicts base is
// reported on w.
func exportAnswers(dev *model.Device, src string, base *mds2.Form, w io.Writer) (map[string]mds2.Answered, exportCounts) {
	var n exportCounts
	answers := map[string]mds2.Answered{}
	id := dev.Identity
	// The form has no version row: the version goes with the model.
	modelText := id.Model
	if id.Version != "" {
		modelText = strings.TrimPrefix(modelText+", version "+id.Version, ", ")
	}
	for q, v := range map[string]string{"DOC-1": id.Manufacturer, "DOC-2": id.Product, "DOC-3": modelText} {
		if v != "" {
			answers[q] = mds2.Answered{Text: v}
		}
	}
	if lc := dev.Lifecycle; lc != nil && lc.VulnerabilityDisclosure != nil && lc.VulnerabilityDisclosure.Contact != "" {
		answers["DOC-5"] = mds2.Answered{Text: lc.VulnerabilityDisclosure.Contact, Note: "the vulnerability disclosure contact, from lifecycle.vulnerabilityDisclosure.contact in " + src}
	}
	skip := map[string]bool{} // the earlier form's answer is not kept
	for _, f := range rules.MDS2Facts {
		a, path := f.Derive(dev)
		q := mds2.Answered{Answer: mds2.Blank, Note: "Left blank: not stated in the device model (" + src + ")."}
		switch a {
		case "yes":
			q.Answer = mds2.Yes
		case "no":
			q.Answer = mds2.No
		case "n/a":
			q.Answer = mds2.NA
		case "applies":
			q.Note = "Left blank: it exists (" + path + " in " + src + "); the device model does not say more."
		}
		if q.Answer != mds2.Blank {
			q.Note = "from " + path + " in " + src
			skip[f.ID] = true
			n.model++
		}
		answers[f.ID] = q
		if base == nil {
			continue
		}
		b, ok := base.Get(f.ID)
		if !ok || b.Answer != mds2.Yes && b.Answer != mds2.No && b.Answer != mds2.NA {
			continue
		}
		switch {
		case q.Answer != mds2.Blank && b.Answer != q.Answer: // the model decides and says otherwise
			n.changed++
			fmt.Fprintf(w, "mdcheck: note: %s (%s): %s answered %s (%s); the model says %s (%s in %s), which is written\n",
				f.ID, hn2019.About(f.ID), base.File, b.Answer, b.Cell, q.Answer, path, src)
		case a == "applies" && b.Answer == mds2.NA:
			// The earlier form says it does not exist; the model has it.
			fmt.Fprintf(w, "mdcheck: note: %s (%s): %s answered n/a (%s); the model says it exists (%s in %s): left blank\n",
				f.ID, hn2019.About(f.ID), base.File, b.Cell, path, src)
			skip[f.ID] = true
		}
	}
	if base != nil {
		for _, q := range hn2019.Questions {
			b, ok := base.Get(q.ID)
			if !ok || skip[q.ID] || q.Kind == hn2019.Date {
				continue
			}
			switch {
			case q.Kind == hn2019.Text:
				if _, fromModel := answers[q.ID]; !fromModel && b.Text != "" {
					answers[q.ID] = mds2.Answered{Text: b.Text, Note: b.Note}
				}
			case b.Answer != mds2.Blank:
				answers[q.ID] = mds2.Answered{Answer: b.Answer, Text: b.Text, Note: b.Note}
				n.kept++
			}
		}
	}
	for _, f := range rules.MDS2Facts {
		if answers[f.ID].Answer == mds2.Blank {
			n.unstated++
		}
	}
	return answers, n
}

// mds2Evidence is a form as the assessment's evidence.
func mds2Evidence(f *mds2.Form) *evidence.MDS2 {
	e := &evidence.MDS2{File: f.File, Answers: map[string]evidence.MDS2Answer{}}
	for id, it := range f.Items {
		e.Answers[id] = evidence.MDS2Answer{Answer: string(it.Answer), Text: it.Text, Note: it.Note, Cell: it.Cell}
	}
	return e
}

// modelFromMDS2 builds the device model an MDS2 form alone describes,
// each fact positioned at the answer cell it comes from.
func modelFromMDS2(f *mds2.Form) *model.Device {
	answers := map[string]string{}
	for id, it := range f.Items {
		answers[id] = string(it.Answer)
	}
	product := f.Description
	if product == "" {
		product = f.Model
	}
	dev, from := rules.MDS2Model(f.Manufacturer, product, f.Model, answers)
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

// readMDS2 reads an MDS2 workbook from a file, bounded.
func readMDS2(path string) (*mds2.Form, error) {
	data, err := boundedio.ReadFile(path, mds2.MaxFile)
	if err != nil {
		return nil, inputError{err}
	}
	form, err := mds2.Read(path, data)
	if err != nil {
		return nil, inputError{err}
	}
	return form, nil
}

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
